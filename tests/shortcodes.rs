//! Shortcodes: Zola's syntax in Markdown, typed arguments checked against
//! what a template declares, the built-ins of the default theme, errors at
//! the call's line and column, and only the stories that call a changed
//! shortcode made again.

mod util;

use util::Site;

const SITE: &str = r#"title = "Desk"
base_url = "https://example.org"

[languages.en]
name = "English"
[languages.fa]
name = "فارسی"
"#;

fn story(body: &str) -> String {
    format!("+++\ntitle = \"Talks\"\ndate = 2026-03-01\n+++\n{body}\n")
}

fn site_with(body: &str) -> Site {
    let site = Site::new(SITE);
    site.write("content/en/news/talks.md", story(body));
    site.write(
        "content/en/news/other.md",
        "+++\ntitle = \"Other story\"\ndate = 2026-02-01\ndescription = \"The other one.\"\ntranslation_key = \"other\"\n+++\nText.\n",
    );
    site.write(
        "content/fa/news/other.md",
        "+++\ntitle = \"خبر دیگر\"\ndate = 2026-02-01\ntranslation_key = \"other\"\n+++\nمتن.\n",
    );
    site
}

fn body(site: &Site, page: &str) -> String {
    let html = site.read(page);
    let start = html.find("<div class=\"body\">").expect("a story body");
    html[start..]
        .split("</article>")
        .next()
        .unwrap()
        .to_string()
}

#[test]
fn built_ins_render_without_third_party_requests() {
    let site = site_with(
        r#"Before.

{{ youtube(id="dQw4w9WgXcQ", start=30, title="The talk") }}

{% factbox(title="In numbers") %}
* **Three** languages
{% end %}

{% pullquote(by="A minister") %}
We will *talk*.
{% end %}

{{ embed(url="https://x.com/desk/status/1", text="Talks resume", author="@desk") }}

{{ related(path="@/en/news/other.md") }}

{% details(summary="Background") %}
Earlier rounds.
{% end %}

{{ vimeo(id="76979871") }}"#,
    );
    site.build_ok();
    let html = body(&site, "news/talks/index.html");
    // The video is a link and a note until clicked: no frame, no script or
    // image of the host's.
    assert!(
        html.contains(r#"data-embed="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1&amp;start=30""#),
        "{html}"
    );
    assert!(html.contains(r#"href="https://www.youtube.com/watch?v=dQw4w9WgXcQ&amp;t=30s""#));
    assert!(
        !html.contains("<iframe") && !html.contains("ytimg"),
        "{html}"
    );
    assert!(html.contains("Nothing loads from YouTube until you press play"));
    // A paragraph of its own is replaced whole: no <p> around a block.
    assert!(
        !html.contains("<p><figure") && !html.contains("<p><aside"),
        "{html}"
    );
    assert!(html.contains(r#"<aside class="factbox" aria-labelledby="factbox-2"><h2 id="factbox-2">In numbers</h2><ul>"#), "{html}");
    assert!(html.contains("<strong>Three</strong>"));
    assert!(html.contains("<p>We will <em>talk</em>.</p>") && html.contains("— A minister"));
    assert!(
        html.contains(r#"rel="noopener nofollow">See the post on x.com</a>"#),
        "{html}"
    );
    assert!(html.contains(r#"<a href="/news/other/"><span class="related-title">Other story</span></a><p>The other one.</p>"#), "{html}");
    assert!(
        html.contains("<details><summary>Background</summary><p>Earlier rounds.</p>"),
        "{html}"
    );
    assert!(html.contains("https://player.vimeo.com/video/76979871?autoplay=1&amp;dnt=1"));
    assert!(site.read("embed.js").contains("bulletinEmbeds"));
}

#[test]
fn related_shows_the_translation_in_the_readers_language() {
    let site = site_with("Text.");
    site.write(
        "content/fa/news/talks.md",
        "+++\ntitle = \"گفت‌وگو\"\ndate = 2026-03-01\n+++\n{{ related(path=\"@/en/news/other.md\") }}\n",
    );
    site.build_ok();
    let html = body(&site, "fa/news/talks/index.html");
    assert!(
        html.contains(r#"<a href="/fa/news/other/">"#) && html.contains("خبر دیگر"),
        "{html}"
    );
    assert!(html.contains("مرتبط"), "{html}");
    // Renamed: the story that shows it is made again.
    site.write(
        "content/fa/news/other.md",
        "+++\ntitle = \"خبر تازه\"\ndate = 2026-02-01\ntranslation_key = \"other\"\n+++\nمتن.\n",
    );
    site.build_ok();
    assert!(body(&site, "fa/news/talks/index.html").contains("خبر تازه"));
}

#[test]
fn figures_and_galleries_go_through_the_photo_pipeline() {
    let site = Site::new(SITE);
    site.write(
        "content/en/news/harbour/index.md",
        "+++\ntitle = \"Harbour\"\ndate = 2026-03-01\nimage = \"lead.jpg\"\nimage_alt = \"Ships\"\n+++\n{{ figure(src=\"crane.jpg\", alt=\"A crane\", caption=\"The new crane\", credit=\"Port office\") }}\n\n{{ gallery() }}\n\n{{ figure(src=\"/maps/port.png\", alt=\"A map\") }}\n",
    );
    site.write("content/en/news/harbour/lead.jpg", util::jpeg(1000, 700));
    site.write("content/en/news/harbour/crane.jpg", util::jpeg(900, 600));
    site.write("content/en/news/harbour/dock.jpg", util::jpeg(900, 600));
    site.write("static/maps/port.png", util::png(300, 200));
    site.build_ok();
    let html = body(&site, "news/harbour/index.html");
    assert!(
        html.contains("<figure><picture><source type=\"image/webp\""),
        "{html}"
    );
    assert!(html.contains(r#"alt="A crane""#));
    assert!(html.contains("<figcaption>The new crane <span class=\"credit\">Photo: Port office</span></figcaption>"), "{html}");
    // The gallery leaves out the lead photo, shown above the story.
    let gallery = html
        .split("class=\"gallery\"")
        .nth(1)
        .unwrap()
        .split("</figure>")
        .next()
        .unwrap();
    assert_eq!(gallery.matches("<li>").count(), 2, "{gallery}");
    assert!(!gallery.contains("/images/lead-"), "{gallery}");
    // A /static photo is a photo too.
    assert!(html.contains("/images/port-"), "{html}");
}

#[test]
fn escapes_code_and_wire_copy_stay_text() {
    let site = site_with(
        "Write `{{ youtube(id=\"x\") }}` or {{/* youtube(id=\"x\") */}} to show a call.\n\n```\n{{ youtube(id=\"y\") }}\n```",
    );
    site.write(
        "content/en/news/wire.txt",
        "Jul 12, 2018 07:08 Asia/Tehran\n  • Wire headline\n\nCopy with {{ youtube(id=\"z\") }} in it.\n",
    );
    site.build_ok();
    let html = body(&site, "news/talks/index.html");
    assert!(
        html.contains(r#"<code>{{ youtube(id="x") }}</code>"#),
        "{html}"
    );
    assert!(
        html.contains(r#"or {{ youtube(id="x") }} to show"#),
        "{html}"
    );
    assert!(!html.contains("embed-facade"), "{html}");
    let wire = util::walk(&site.public(""))
        .into_iter()
        .find(|p| p.contains("wire-headline") && p.ends_with("index.html"))
        .expect("the wire story's page");
    let wire = site.read(&wire);
    assert!(
        wire.contains("Copy with {{ youtube(id=&quot;z&quot;) }} in it."),
        "{wire}"
    );
}

#[test]
fn site_shortcodes_take_typed_arguments_and_are_made_again_only_where_called() {
    let site = site_with("{{ flag(code=\"ir\", size=2, tags=[\"a\", \"b\"]) }}");
    site.write(
        "templates/shortcodes/flag.html",
        "{# shortcode flag(code: string, size: number = 1, tags: array = []) #}\n<span class=\"flag\">{{ code }}×{{ size }} {{ tags | join(sep=\",\") }}</span>\n",
    );
    site.build_ok();
    assert!(body(&site, "news/talks/index.html").contains("<span class=\"flag\">ir×2 a,b</span>"));
    // Changing the template makes the story that calls it, and the lists
    // that show it, again; not the story that does not.
    site.write(
        "templates/shortcodes/flag.html",
        "{# shortcode flag(code: string, size: number = 1, tags: array = []) #}\n<b class=\"flag\">{{ code }}</b>\n",
    );
    let out = site.build_ok();
    assert!(body(&site, "news/talks/index.html").contains("<b class=\"flag\">ir</b>"));
    let written: usize = out
        .split(" written")
        .next()
        .and_then(|s| s.rsplit('(').next())
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("{out}"));
    assert!(written > 0 && written < 10, "{out}");
    assert!(util::walk(&site.public("")).len() > 20);
}

#[test]
fn bad_calls_are_errors_at_the_call_with_what_to_write() {
    let cases = [
        (
            "Text.\n\n{{ youtub(id=\"x\") }}",
            "3:1",
            "there is no shortcode `youtub`",
            "figure, gallery",
        ),
        (
            "{{ youtube() }}",
            "1:1",
            "needs the argument `id`",
            "`youtube` takes id: string",
        ),
        (
            "{{ youtube(id=\"x\", start=\"30\") }}",
            "1:1",
            "is a number, not a string",
            "start=42",
        ),
        (
            "{{ youtube(id=\"x\", strat=30) }}",
            "1:1",
            "has no argument `strat`",
            "start: number (optional)",
        ),
        (
            "Intro.\n\n{% factbox(title=\"x\") %}\nnever closed\n",
            "3:1",
            "no `{% end %}`",
            "{% end %}",
        ),
        (
            "One {{ youtube(id=dQw) }}",
            "1:19",
            "needs quotes",
            "\"dQw\"",
        ),
        (
            "{{< youtube dQw4w9WgXcQ >}}",
            "1:1",
            "Hugo's shortcode syntax",
            "{{ youtube(id=\"dQw4w9WgXcQ\") }}",
        ),
        (
            "{{ related(path=\"@/en/news/nowhere.md\") }}",
            "1:1",
            "does not exist",
            "@/<language>",
        ),
        (
            "{{ figure(src=\"nowhere.jpg\") }}",
            "1:1",
            "not a folder",
            "next to index.md",
        ),
    ];
    for (text, at, message, help) in cases {
        let site = site_with(text);
        let err = site.build_err();
        // The front matter is 4 lines: the body's line 1 is the file's 5.
        let (line, col) = at.split_once(':').unwrap();
        let line: usize = line.parse::<usize>().unwrap() + 4;
        let place = format!("talks.md:{line}:{col}");
        assert!(err.contains(&place), "{text}: wanted {place} in\n{err}");
        assert!(err.contains(message), "{text}: wanted {message} in\n{err}");
        assert!(err.contains(help), "{text}: wanted help {help} in\n{err}");
    }
}

#[test]
fn every_bad_call_is_reported_at_once_and_the_output_stays() {
    let site = site_with("Fine.");
    site.build_ok();
    let before = site.read("news/talks/index.html");
    site.write(
        "content/en/news/talks.md",
        story("{{ nope() }}\n\n{{ youtube() }}\n\n{{ alsonot(a=1) }}"),
    );
    let err = site.build_err();
    for wanted in ["`nope`", "needs the argument `id`", "`alsonot`"] {
        assert!(err.contains(wanted), "{wanted}: {err}");
    }
    assert_eq!(site.read("news/talks/index.html"), before);
}

#[test]
fn a_failing_shortcode_template_names_the_call_and_the_template() {
    let site = site_with("Text.\n\n{{ broken(x=1) }}");
    site.write("templates/shortcodes/broken.html", "{{ missing_variable }}");
    let err = site.build_err();
    assert!(err.contains("talks.md:7:1"), "{err}");
    assert!(
        err.contains("shortcodes/broken.html") && err.contains("missing_variable"),
        "{err}"
    );
}

#[test]
fn a_missing_file_of_a_story_folder_is_an_error_at_the_call() {
    let site = Site::new(SITE);
    site.write(
        "content/en/news/harbour/index.md",
        "+++\ntitle = \"Harbour\"\ndate = 2026-03-01\n+++\nText.\n\n{{ video(src=\"clip.mp4\") }}\n",
    );
    let err = site.build_err();
    assert!(
        err.contains("index.md:7:1") && err.contains("does not have"),
        "{err}"
    );
    site.write("content/en/news/harbour/clip.mp4", "not really a video");
    site.build_ok();
    let html = body(&site, "news/harbour/index.html");
    assert!(
        html.contains(r#"<video controls preload="none" src="/news/harbour/clip.mp4">"#),
        "{html}"
    );
}

#[test]
fn headings_link_to_themselves_and_external_links_get_noopener() {
    let site = site_with(
        "## Talks resume\n\nSee [the agency](https://agency.example/story) and [ours](@/en/news/other.md).\n\n## A [linked](https://x.example) heading",
    );
    site.build_ok();
    let html = body(&site, "news/talks/index.html");
    assert!(
        html.contains(r##"<h2 id="talks-resume"><a class="anchor" href="#talks-resume">Talks resume</a></h2>"##),
        "{html}"
    );
    assert!(
        html.contains(r#"<a href="https://agency.example/story" rel="noopener">the agency</a>"#),
        "{html}"
    );
    assert!(
        html.contains(r#"<a href="/news/other/">ours</a>"#),
        "{html}"
    );
    // No link inside a link.
    assert!(
        !html.contains(r##"<a class="anchor" href="#a-linked-heading">"##),
        "{html}"
    );
}

#[test]
fn a_theme_overrides_headings_links_images_and_code_with_hooks() {
    let site = site_with(
        "## Numbers\n\n[Agency](https://agency.example) and ![Map](/map.png \"The map\")\n\n```rust\nfn main() {}\n```",
    );
    site.write("static/map.png", util::png(40, 20));
    site.write(
        "templates/hooks/heading.html",
        "<h{{ level }} id=\"{{ id }}\" class=\"hooked\" dir=\"{{ dir }}\">{{ content | safe }}</h{{ level }}>",
    );
    site.write(
        "templates/hooks/link.html",
        "{% if external %}<a class=\"out\" href=\"{{ url }}\">{{ content | safe }} ↗</a>{% else %}{{ html | safe }}{% endif %}",
    );
    site.write(
        "templates/hooks/image.html",
        "<span class=\"img\" title=\"{{ title }}\">{{ html | safe }}</span>",
    );
    site.write(
        "templates/hooks/codeblock.html",
        "<div class=\"code\" data-lang=\"{{ lang }}\">{{ html | safe }}</div>",
    );
    site.build_ok();
    let html = body(&site, "news/talks/index.html");
    assert!(
        html.contains(r#"<h2 id="numbers" class="hooked" dir="ltr">Numbers</h2>"#),
        "{html}"
    );
    assert!(
        html.contains(r#"<a class="out" href="https://agency.example">Agency ↗</a>"#),
        "{html}"
    );
    assert!(
        html.contains(r#"<span class="img" title="The map"><picture>"#),
        "{html}"
    );
    assert!(
        html.contains(r#"<div class="code" data-lang="rust"><pre"#),
        "{html}"
    );
    // The table of contents still lists the heading.
    site.write("templates/hooks/heading.html", "{{ nothing_here }}");
    let err = site.build_err();
    assert!(
        err.contains("talks.md:5:1") && err.contains("hooks/heading.html"),
        "{err}"
    );
}

#[test]
fn text_arguments_ending_with_a_full_stop_are_not_file_names() {
    let site = Site::new(SITE);
    site.write(
        "content/en/news/harbour/index.md",
        "+++\ntitle = \"Harbour\"\ndate = 2026-03-01\n+++\n{{ figure(src=\"crane.jpg\", alt=\"A crane.\", caption=\"The crane arrived.\", credit=\"J. Smith\") }}\n",
    );
    site.write("content/en/news/harbour/crane.jpg", util::jpeg(400, 300));
    site.build_ok();
    assert!(body(&site, "news/harbour/index.html").contains("<figcaption>The crane arrived."));
}
