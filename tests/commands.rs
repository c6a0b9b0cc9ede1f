//! Commands that create files never overwrite one, stay inside the site
//! and write front matter that parses.

mod util;

use util::Site;

#[test]
fn init_refuses_a_folder_with_files_and_force_never_overwrites() {
    let site = Site::new("");
    std::fs::remove_file(site.root().join("site.toml")).unwrap();
    site.write("content/en/news/welcome.md", "my own story");
    let dir = site.root().to_str().unwrap();
    let out = site.run(&["init", dir]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("not empty"), "{stderr}");
    assert!(stderr.contains("--force"), "{stderr}");
    assert!(!site.root().join("site.toml").exists());

    let out = site.run(&["init", dir, "--force"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(site.root().join("content/en/news/welcome.md")).unwrap(),
        "my own story"
    );
    assert!(site.root().join("site.toml").exists());
    assert!(String::from_utf8_lossy(&out.stdout).contains("Kept"));
}

#[test]
fn new_stays_inside_content() {
    let site = Site::three_languages();
    for bad in [
        "../../x.md",
        "content/../x.md",
        "/tmp/bulletin-new-escape.md",
    ] {
        let out = site.run(&["new", bad]);
        assert!(!out.status.success(), "{bad}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("inside content/"), "{bad}: {stderr}");
    }
    assert!(!site.root().join("../x.md").exists());
    assert!(!std::path::Path::new("/tmp/bulletin-new-escape.md").exists());
}

#[test]
fn new_writes_front_matter_that_parses_whatever_the_title() {
    let site = Site::three_languages();
    let title = "Line one\n+++\ntitle = \"forged\"\r\n\"quoted\" \\ back\tslash";
    let out = site.run(&["new", "content/en/news/odd.md", "--title", title]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    site.build_ok();
    let page = site.read("news/odd/index.html");
    assert!(
        page.contains(r#"Line one +++ title = &quot;forged&quot; &quot;quoted&quot; \ back slash"#),
        "{page}"
    );
}

#[test]
fn new_with_a_language_other_than_its_folder_is_refused() {
    let site = Site::three_languages();
    let out = site.run(&["new", "content/en/news/y.md", "--lang", "fa"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("`en`") && stderr.contains("content/fa/"),
        "{stderr}"
    );
    assert!(!site.root().join("content/en/news/y.fa.md").exists());
    // In its own folder, or outside any language's, it is fine.
    let out = site.run(&["new", "content/fa/news/y.md", "--lang", "fa"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn new_never_overwrites_a_story() {
    let site = Site::three_languages();
    site.write("content/en/news/z.md", "mine");
    let out = site.run(&["new", "content/en/news/z.md"]);
    assert!(!out.status.success());
    assert_eq!(
        std::fs::read_to_string(site.root().join("content/en/news/z.md")).unwrap(),
        "mine"
    );
}

#[test]
fn init_github_pages_writes_a_workflow_that_builds_for_the_project_sub_path() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("desk");
    let init = || {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_bulletin"))
            .args(["init", dir.to_str().unwrap(), "--github-pages"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    init();
    let workflow = std::fs::read_to_string(dir.join(".github/workflows/publish.yml")).unwrap();
    for wanted in [
        r#"bulletin build --base-url "${{ steps.pages.outputs.base_url }}""#,
        "rm -rf public/.bulletin-*",
        "actions/deploy-pages",
        "BULLETIN_GIT",
    ] {
        assert!(workflow.contains(wanted), "{wanted}");
    }
    // In an existing site: the workflow only, the site kept.
    std::fs::remove_file(dir.join(".github/workflows/publish.yml")).unwrap();
    std::fs::write(dir.join("site.toml"), "title = \"Mine\"\n").unwrap();
    init();
    assert!(dir.join(".github/workflows/publish.yml").exists());
    assert_eq!(
        std::fs::read_to_string(dir.join("site.toml")).unwrap(),
        "title = \"Mine\"\n"
    );
    // The site it makes builds under a project sub-path.
    let site = Site::new("title = \"Desk\"\nbase_url = \"https://example.org\"\n");
    site.write(
        "content/en/news/a.md",
        "+++\ntitle = \"A\"\ndate = 2026-01-01\n+++\nText.\n",
    );
    let out = site.run(&["build", "--base-url", "https://owner.github.io/desk"]);
    assert!(out.status.success());
    assert!(site.read("index.html").contains(r#"href="/desk/news/a/""#));
}
