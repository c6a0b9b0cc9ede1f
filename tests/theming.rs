//! Changing a theme without forking it: the site's strings over the
//! theme's, key by key.

mod util;

use util::Site;

fn site() -> Site {
    let site = Site::three_languages();
    site.write(
        "content/fa/news/a.md",
        "+++\ntitle = \"الف\"\ndate = 2026-01-01\n+++\nمتن.\n",
    );
    site.write(
        "content/en/news/a.md",
        "+++\ntitle = \"Alpha\"\ndate = 2026-01-01\n+++\nText.\n",
    );
    site
}

#[test]
fn a_site_string_overrides_one_theme_string_and_keeps_the_others() {
    let site = site();
    site.build_ok();
    let before = site.read("fa/news/a/index.html");
    assert!(before.contains("دقیقه مطالعه"), "{before}");
    // One Persian string changed in the site's own i18n/fa.toml.
    site.write("i18n/fa.toml", "min_read = \"دقیقه خواندن\"\n");
    site.build_ok();
    let after = site.read("fa/news/a/index.html");
    assert!(after.contains("دقیقه خواندن"), "{after}");
    // Every other string is still the theme's: no raw keys.
    assert!(
        after.contains("رفتن به محتوا") && !after.contains("skip_to_content"),
        "{after}"
    );
    // A theme folder's partial file is merged the same way.
    site.write(
        "themes/default/i18n/en.toml",
        "skip_to_content = \"Skip ahead\"\n",
    );
    let out = site.build_ok();
    let en = site.read("news/a/index.html");
    assert!(en.contains("Skip ahead") && en.contains("min read"), "{en}");
    assert!(!out.contains("is missing"), "{out}");
}
