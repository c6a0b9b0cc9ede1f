//! Property tests over the three ways text comes in (front matter, wire
//! copy, Markdown): whatever the input, a build finishes without a panic,
//! in bounded time, with a clean build or errors that each name a file.
//!
//! `cargo test` runs a few hundred cases; for a long run by hand:
//!
//! ```text
//! PROPTEST_CASES=20000 cargo test --release --test fuzz
//! ```

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use proptest::prelude::*;

const SITE: &str = r#"title = "Fuzz"
base_url = "https://example.org"
timezone = "Asia/Tehran"
taxonomies = ["tags"]
paginate_by = 2
[languages.en]
name = "English"
[languages.fa]
name = "فارسی"
"#;

/// Pieces that mean something to one of the parsers, and hostile text.
fn atom() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("+++".to_string()),
        Just("---".to_string()),
        Just("\n".to_string()),
        Just("\"".to_string()),
        Just("'''".to_string()),
        Just("\\".to_string()),
        Just("title = ".to_string()),
        Just("date = ".to_string()),
        Just("tags = [".to_string()),
        Just("]".to_string()),
        Just("slug = ".to_string()),
        Just("aliases = [\"/".to_string()),
        Just("translation_key = \"k\"".to_string()),
        Just("template = \"article.html\"".to_string()),
        Just("timezone = \"Asia/Tehran\"".to_string()),
        Just("[extra]".to_string()),
        Just("2018-07-12T07:08:00+04:30".to_string()),
        Just("2018-07-12".to_string()),
        Just("Jul 12, 2018 07:08 Asia/Tehran".to_string()),
        Just("  • ".to_string()),
        Just("<!-- more -->".to_string()),
        Just("# ".to_string()),
        Just("```".to_string()),
        Just("[x](@/en/news/a.md)".to_string()),
        Just("[x](@/fa/b.md#p)".to_string()),
        Just("![i](x.png)".to_string()),
        Just("[^1]".to_string()),
        Just("[^1]: n".to_string()),
        Just("| a | b |\n|---|---|".to_string()),
        Just("<script>alert(1)</script>".to_string()),
        Just("&amp;&#0;&#x110000;".to_string()),
        Just("*_~`".to_string()),
        Just("\u{200c}\u{200f}\u{202e}".to_string()),
        Just("خبر فرهنگی".to_string()),
        Just("Новости".to_string()),
        Just("\u{0}\u{c}\u{1b}".to_string()),
        "[ -~]{0,12}",
        "\\PC{0,8}",
        any::<char>().prop_map(String::from),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(atom(), 0..40).prop_map(|v| v.concat())
}

/// A front matter of plausible keys with arbitrary values, or noise.
fn front_matter() -> impl Strategy<Value = String> {
    prop_oneof![
        (text(), text(), text()).prop_map(|(t, d, b)| format!(
            "+++\ntitle = \"{}\"\ndate = {d}\ntags = [\"{t}\"]\n+++\n{b}",
            t.replace('"', "")
        )),
        (text(), text())
            .prop_map(|(t, b)| format!("---\ntitle: {t}\ndate: 2018-07-12\ntags: [{t}]\n---\n{b}")),
        text().prop_map(|t| format!("+++\n{t}\n+++\nBody.\n")),
        text().prop_map(|t| format!("---\n{t}\n---\nBody.\n")),
    ]
}

fn wire() -> impl Strategy<Value = String> {
    prop_oneof![
        (text(), text())
            .prop_map(|(h, b)| format!("Jul 12, 2018 07:08 Asia/Tehran\n  • {h}\n\n{b}\n")),
        text(),
    ]
}

/// One site's content files: (path, text).
fn site() -> impl Strategy<Value = Vec<(String, String)>> {
    let file = prop_oneof![
        front_matter().prop_map(|t| ("en/news/a.md".to_string(), t)),
        front_matter().prop_map(|t| ("fa/b.md".to_string(), t)),
        text().prop_map(|t| ("en/news/c.md".to_string(), t)),
        wire().prop_map(|t| ("en/news/w.txt".to_string(), t)),
        wire().prop_map(|t| ("fa/news/w.txt".to_string(), t)),
        front_matter().prop_map(|t| ("en/news/_index.md".to_string(), t)),
    ];
    prop::collection::vec(file, 1..5)
}

/// Builds the content in a fresh site, in this process, with a time limit.
fn build(files: &[(String, String)]) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    std::fs::write(root.join("site.toml"), SITE).unwrap();
    for (path, text) in files {
        let path = root.join("content").join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let (done, wait) = mpsc::channel();
    let options = bulletin::BuildOptions {
        root: root.clone(),
        ..Default::default()
    };
    std::thread::spawn(move || {
        let result = std::panic::catch_unwind(|| bulletin::build(&options).map(|_| ()));
        let _ = done.send(result);
    });
    match wait.recv_timeout(Duration::from_secs(20)) {
        Err(_) => Err("the build did not finish within 20 s".into()),
        Ok(Err(_)) => Err("the build panicked".into()),
        Ok(Ok(Ok(()))) => Ok(()),
        Ok(Ok(Err(errors))) => {
            for e in &errors.0 {
                let named = e.file.as_deref().is_some_and(|f| in_site(&root, f));
                if !named {
                    return Err(format!("an error names no file of the site: {e}"));
                }
            }
            if root.join("public").exists() {
                return Err("a failed first build left public/".into());
            }
            Ok(())
        }
    }
}

fn in_site(root: &Path, file: &Path) -> bool {
    let file = if file.is_absolute() {
        file.to_path_buf()
    } else {
        root.join(file)
    };
    file.starts_with(root) && file.exists()
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_content_builds_or_fails_naming_a_file(files in site()) {
        prop_assert_eq!(build(&files), Ok(()));
    }
}
