//! Adversarial input: nothing written outside the output folder, no forged
//! manifest, nothing injected, clear errors at the limits.

mod util;

use util::{Site, wire};

fn simple_site() -> Site {
    let site = Site::three_languages();
    site.write(
        "content/en/news/one.txt",
        wire("Jul 12, 2018 07:08 Asia/Tehran", "One"),
    );
    site
}

#[test]
fn a_permalink_cannot_leave_the_output_folder() {
    let site = simple_site();
    site.write(
        "site.toml",
        util::THREE_LANGUAGES.replace("paginate_by = 2\n", "paginate_by = 2\npermalink = \"/../../:slug/\"\n"),
    );
    let stderr = site.build_err();
    assert!(stderr.contains("site.toml:"), "{stderr}");
    assert!(stderr.contains("would leave the output folder"), "{stderr}");
    assert!(!site.root().join("one").exists());
    assert!(!site.root().parent().unwrap().join("one").exists());
}

#[cfg(unix)]
#[test]
fn an_output_dir_that_links_to_content_or_the_site_is_refused() {
    for target in ["content", "."] {
        let site = simple_site();
        let root = site.root().canonicalize().unwrap();
        std::os::unix::fs::symlink(root.join(target), root.join("out")).unwrap();
        site.write(
            "site.toml",
            util::THREE_LANGUAGES.replace("paginate_by = 2\n", "paginate_by = 2\noutput_dir = \"out\"\n"),
        );
        let stderr = site.build_err();
        assert!(stderr.contains("would overwrite"), "{target}: {stderr}");
        assert!(!root.join("content/index.html").exists());
        assert!(!root.join("index.html").exists());
    }
}

#[test]
fn a_file_name_cannot_forge_a_manifest_line() {
    let site = simple_site();
    site.build_ok();
    site.write("public/CNAME", "news.example.org\n");
    site.write("static/x\nCNAME", "forged");
    let stderr = site.build_err();
    assert!(stderr.contains("control characters"), "{stderr}");
    assert!(stderr.contains("static file"), "{stderr}");
    std::fs::remove_file(site.root().join("static/x\nCNAME")).unwrap();
    site.build_ok();
    assert_eq!(
        std::fs::read_to_string(site.public("CNAME")).unwrap(),
        "news.example.org\n"
    );
}

#[test]
fn an_alias_cannot_name_bulletins_own_files() {
    let site = simple_site();
    site.write(
        "content/en/news/two.md",
        "+++\ntitle = \"Two\"\ndate = 2018-07-14\naliases = [\"/.bulletin-manifest\"]\n+++\nText.\n",
    );
    let stderr = site.build_err();
    assert!(stderr.contains("content/en/news/two.md"), "{stderr}");
    assert!(stderr.contains(".bulletin-"), "{stderr}");
}
