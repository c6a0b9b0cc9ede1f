//! docs/templates.md against the code: every variable of every template's
//! context, every field of the values in it, every function and filter
//! must be listed there. A context that gains a field fails this test
//! until the reference names it.

mod util;

use std::collections::BTreeSet;

use util::Site;

fn reference() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/templates.md")).unwrap()
}

fn site() -> Site {
    let site = Site::new(&format!("search = true\n{}", util::THREE_LANGUAGES));
    site.write(
        "content/en/news/a.md",
        "+++\ntitle = \"A\"\ndate = 2026-01-01\ntags = [\"x\"]\n+++\nText.\n",
    );
    site.write("content/en/about.md", "+++\ntitle = \"About\"\n+++\nUs.\n");
    site.write(
        "content/en/news/_index.md",
        "+++\ntitle = \"News\"\n+++\nIntro.\n",
    );
    site.write(
        "content/en/_index.md",
        "+++\ntitle = \"Home\"\n+++\nWelcome.\n",
    );
    site
}

/// The top-level variables of `template`'s context, as Tera lists them
/// for an undefined one.
fn variables(template: &str) -> Vec<String> {
    let site = site();
    site.write(&format!("templates/{template}"), "{{ __no_such_variable }}");
    let err = site.build_err();
    let list = err
        .split("Available variables: ")
        .nth(1)
        .unwrap_or_else(|| panic!("{template}: {err}"));
    let list = list
        .lines()
        .next()
        .unwrap()
        .split(" (did you mean")
        .next()
        .unwrap();
    list.split(", ").map(str::to_string).collect()
}

#[test]
fn every_context_variable_of_every_template_is_in_the_reference() {
    let doc = reference();
    let mut missing = BTreeSet::new();
    for template in [
        "article.html",
        "page.html",
        "index.html",
        "section.html",
        "taxonomy_term.html",
        "taxonomy_list.html",
        "archive.html",
        "archive_year.html",
        "archive_month.html",
        "corrections.html",
        "404.html",
        "search.html",
    ] {
        for v in variables(template) {
            if !doc.contains(&format!("`{v}`")) && !doc.contains(&format!("`{v}.")) {
                missing.insert(format!("{v} (in {template})"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "docs/templates.md does not list: {missing:?}"
    );
}

/// The keys of each value templates see, dumped as JSON.
#[test]
fn every_field_of_every_value_is_in_the_reference() {
    let site = site();
    site.write("templates/article.html", "{{ page | json }}");
    site.write(
        "templates/section.html",
        "{\"paginator\": {{ paginator | json }}, \"section\": {{ section | json }}, \"item\": {{ paginator.pages[0] | json }} }",
    );
    site.write(
        "templates/taxonomy_term.html",
        "{\"term\": {{ term | json }}, \"taxonomy\": {{ taxonomy | json }} }",
    );
    site.write(
        "templates/archive.html",
        "{\"archive\": {{ archive | json }}, \"language\": {{ language | json }}, \"config\": {{ config | json }}, \"switcher\": {{ switcher | json }} }",
    );
    site.write(
        "templates/index.html",
        "{% set s = get_section(path=\"en/news/_index.md\") %}{% set t = get_taxonomy(kind=\"tags\") %}{\"get_section\": {{ s | json }}, \"get_taxonomy\": {{ t | json }} }",
    );
    site.build_ok();
    let json = |path: &str| -> serde_json::Value {
        serde_json::from_str(&site.read(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
    };
    let keys = |v: &serde_json::Value| -> Vec<String> {
        v.as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    };
    let page = json("news/a/index.html");
    let lists = json("news/index.html");
    let term = json("tags/x/index.html");
    let archive = json("archive/index.html");
    let home = json("index.html");
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut add = |prefix: &str, v: &serde_json::Value| {
        for k in keys(v) {
            fields.push((prefix.to_string(), k));
        }
    };
    add("page", &page);
    add("paginator", &lists["paginator"]);
    add("section", &lists["section"]);
    add("term", &term["term"]);
    add("taxonomy", &term["taxonomy"]);
    add("archive", &archive["archive"]);
    add("language", &archive["language"]);
    add("config", &archive["config"]);
    let doc = reference();
    let mut missing: Vec<String> = fields
        .iter()
        .filter(|(prefix, k)| !doc.contains(&format!("`{prefix}.{k}")))
        .map(|(prefix, k)| format!("{prefix}.{k}"))
        .collect();
    // Nested values are listed by their field names.
    for (what, v) in [
        ("a card's item", &lists["item"]),
        ("an archive year", &archive["archive"]["years"][0]),
        ("a switcher entry", &archive["switcher"][0]),
        ("get_section", &home["get_section"]),
        ("get_taxonomy", &home["get_taxonomy"]),
        ("a get_taxonomy term", &home["get_taxonomy"]["items"][0]),
    ] {
        for k in keys(v) {
            if !doc.contains(&format!("`{k}`"))
                && !doc.contains(&format!("{k},"))
                && !doc.contains(&format!(" {k} "))
                && !doc.contains(&format!(".{k}`"))
                && !doc.contains(&format!("{k} }}"))
            {
                missing.push(format!("{k} (of {what})"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "docs/templates.md does not list: {missing:?}"
    );
}

#[test]
fn every_function_and_filter_is_in_the_reference() {
    let doc = reference();
    for f in bulletin::render::templates::FUNCTIONS {
        assert!(
            doc.contains(&format!("`{f}(")),
            "docs/templates.md does not list the function {f}"
        );
    }
    for f in bulletin::render::templates::FILTERS {
        assert!(
            doc.contains(&format!("`{f}`")) || doc.contains(&format!("`{f}(")),
            "docs/templates.md does not list the filter {f}"
        );
    }
}
