//! Output integrity: a commit stopped at any step, two builds at once,
//! files and links of the user's in the output folder.

mod util;

use std::path::Path;

use util::{Site, wire};

/// Every file under `dir` but the lock, with its bytes (the manifest too:
/// after recovery it must say what a clean build's says).
fn everything(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = util::walk(dir)
        .into_iter()
        .filter(|p| p != ".bulletin-lock")
        .map(|p| (p.clone(), std::fs::read(dir.join(&p)).unwrap()))
        .collect();
    files.sort();
    files
}

/// Asserts that the site's public/ equals a clean build, byte for byte,
/// orphans and manifest included.
fn assert_clean(site: &Site, what: &str) {
    let clean = tempfile::tempdir().unwrap();
    let out = site.run(&["build", "--output", clean.path().to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let expected = everything(clean.path());
    let actual = everything(&site.root().join("public"));
    let names = |v: &[(String, Vec<u8>)]| v.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
    assert_eq!(names(&actual), names(&expected), "{what}");
    for ((path, a), (_, e)) in actual.iter().zip(&expected) {
        assert!(a == e, "{what}: {path} differs from a clean build");
    }
}

/// Version A of a small site: three stories, one of them with an alias.
fn version_a(site: &Site) {
    site.write(
        "content/en/news/one.txt",
        wire("Jul 12, 2018 07:08 Asia/Tehran", "One"),
    );
    site.write(
        "content/en/news/two.txt",
        wire("Jul 13, 2018 07:08 Asia/Tehran", "Two"),
    );
    site.write(
        "content/en/news/three.md",
        "+++\ntitle = \"Three\"\ndate = 2018-07-14T09:00:00+04:30\ntags = [\"film\"]\naliases = [\"/old/three/\"]\n+++\nThe third story.\n",
    );
    if site.root().join("content/en/news/four.md").exists() {
        site.remove("content/en/news/four.md");
    }
}

/// Version B: one story changed, one new (with a new tag), one deleted.
fn version_b(site: &Site) {
    site.write(
        "content/en/news/one.txt",
        wire("Jul 12, 2018 07:08 Asia/Tehran", "One, corrected"),
    );
    site.write(
        "content/en/news/four.md",
        "+++\ntitle = \"Four\"\ndate = 2018-07-20T09:00:00+04:30\ntags = [\"music\"]\n+++\nA new story.\n",
    );
    site.remove("content/en/news/two.txt");
}

fn commit_stopped_at_every_step_converges(how: &str) {
    let mut steps = 0;
    for at in 1.. {
        let site = Site::three_languages();
        version_a(&site);
        site.build_ok();
        version_b(&site);
        let stop = format!("{how}:{at}");
        let out = site.run_env(&["build"], &[("BULLETIN_COMMIT_STOP", &stop)]);
        if out.status.success() {
            break;
        }
        if how == "error" {
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                stderr.contains("stopped by BULLETIN_COMMIT_STOP"),
                "{stderr}"
            );
            assert_eq!(out.status.code(), Some(1));
        }
        steps = at;
        // The desk undoes the edit: every page the stopped build touched
        // must come back, and the page it created must go.
        version_a(&site);
        site.build_ok();
        assert_clean(&site, &format!("undo after a commit stopped ({stop})"));
        // And going forward again is right too.
        version_b(&site);
        site.build_ok();
        assert_clean(&site, &format!("redo after a commit stopped ({stop})"));
    }
    assert!(steps > 10, "the commit had only {steps} steps");
}

#[test]
fn a_commit_killed_at_any_step_converges_to_a_clean_build() {
    commit_stopped_at_every_step_converges("abort");
}

#[test]
fn a_commit_failing_at_any_step_converges_to_a_clean_build() {
    commit_stopped_at_every_step_converges("error");
}

#[test]
fn a_first_build_killed_at_any_step_converges_to_a_clean_build() {
    for at in 1.. {
        let site = Site::three_languages();
        version_a(&site);
        let stop = format!("abort:{at}");
        let out = site.run_env(&["build"], &[("BULLETIN_COMMIT_STOP", &stop)]);
        if out.status.success() {
            assert!(at > 2);
            break;
        }
        // Nothing half-written is in place: a page is there whole or not.
        for (path, bytes) in everything(&site.root().join("public")) {
            if path.ends_with(".html") {
                assert!(
                    bytes.ends_with(b"</html>\n") || bytes.ends_with(b"</html>"),
                    "{path} after {stop}"
                );
            }
        }
        site.build_ok();
        assert_clean(
            &site,
            &format!("rebuild after a first build stopped ({stop})"),
        );
    }
}

#[test]
fn a_failed_first_build_leaves_no_output_folder() {
    let site = Site::three_languages();
    site.write("content/en/news/bad.md", "+++\ntitle = 1\n+++\n");
    site.build_err();
    assert!(!site.root().join("public").exists());
}

#[test]
fn a_second_build_fails_at_once_while_one_is_writing() {
    let site = Site::three_languages();
    version_a(&site);
    site.build_ok();
    let before = everything(&site.root().join("public"));
    let lock = std::fs::OpenOptions::new()
        .write(true)
        .open(site.public(".bulletin-lock"))
        .unwrap();
    lock.lock().unwrap();
    version_b(&site);
    let stderr = site.build_err();
    assert!(stderr.contains("another build is writing"), "{stderr}");
    assert!(stderr.contains("public"), "{stderr}");
    assert_eq!(everything(&site.root().join("public")), before);
    // serve does not write, so it does not wait for the lock.
    drop(lock);
    site.build_ok();
    assert_clean(&site, "after the lock was released");
}

#[test]
fn two_builds_at_once_never_mix_their_output() {
    let site = Site::three_languages();
    for n in 0..40 {
        site.write(
            &format!("content/en/news/s{n}.txt"),
            wire("Jul 12, 2018 07:08 Asia/Tehran", &format!("Story {n}")),
        );
    }
    site.build_ok();
    for round in 0..5 {
        site.write(
            "content/en/news/s0.txt",
            wire("Jul 12, 2018 07:08 Asia/Tehran", &format!("Round {round}")),
        );
        let spawn = || {
            std::process::Command::new(env!("CARGO_BIN_EXE_bulletin"))
                .arg("build")
                .current_dir(site.root())
                .env("NO_COLOR", "1")
                .output()
                .unwrap()
        };
        let (a, b) = std::thread::scope(|s| {
            let a = s.spawn(spawn);
            let b = s.spawn(spawn);
            (a.join().unwrap(), b.join().unwrap())
        });
        for out in [&a, &b] {
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                out.status.success() || stderr.contains("another build is writing"),
                "{stderr}"
            );
        }
        assert!(a.status.success() || b.status.success());
        assert_clean(&site, &format!("two builds at once, round {round}"));
    }
}

#[test]
fn a_generated_path_never_overwrites_a_file_of_the_users() {
    let site = Site::three_languages();
    version_a(&site);
    site.build_ok();
    // The user's own file where an alias is about to land.
    site.write("public/keep/index.html", "mine");
    site.write(
        "content/en/news/one.txt",
        "Jul 12, 2018 07:08 Asia/Tehran\n  • One\n\nText.\n",
    );
    site.write(
        "content/en/news/five.md",
        "+++\ntitle = \"Five\"\ndate = 2018-07-21\naliases = [\"/keep/\"]\n+++\nFive.\n",
    );
    let stderr = site.build_err();
    assert!(stderr.contains("public/keep/index.html"), "{stderr}");
    assert!(stderr.contains("not a file bulletin wrote"), "{stderr}");
    assert!(stderr.contains("content/en/news/five.md"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(site.public("keep/index.html")).unwrap(),
        "mine"
    );
    // Without the alias the build succeeds and the file stays, then and
    // in every later build.
    site.remove("content/en/news/five.md");
    site.build_ok();
    site.build_ok();
    assert_eq!(
        std::fs::read_to_string(site.public("keep/index.html")).unwrap(),
        "mine"
    );
}

#[test]
fn a_first_build_into_a_folder_with_user_files_keeps_them() {
    let site = Site::three_languages();
    version_a(&site);
    site.write("public/CNAME", "news.example.org\n");
    site.write("public/404.html", "my own 404");
    let stderr = site.build_err();
    assert!(stderr.contains("public/404.html"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(site.public("404.html")).unwrap(),
        "my own 404"
    );
    site.remove("public/404.html");
    site.build_ok();
    assert_eq!(
        std::fs::read_to_string(site.public("CNAME")).unwrap(),
        "news.example.org\n"
    );
}

#[cfg(unix)]
#[test]
fn symlinks_in_the_output_are_never_written_or_deleted_through() {
    let site = Site::three_languages();
    version_a(&site);
    site.build_ok();
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(elsewhere.path().join("index.html"), "outside").unwrap();
    // The user replaces the story's folder with a link to somewhere else.
    let story = site.public("news/two");
    std::fs::remove_dir_all(&story).unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), &story).unwrap();
    // A build that deletes the story must not delete through the link...
    site.remove("content/en/news/two.txt");
    site.build_ok();
    assert_eq!(
        std::fs::read_to_string(elsewhere.path().join("index.html")).unwrap(),
        "outside"
    );
    // ...and one that writes the story again must not write through it.
    site.write(
        "content/en/news/two.txt",
        wire("Jul 13, 2018 07:08 Asia/Tehran", "Two"),
    );
    let stderr = site.build_err();
    assert!(stderr.contains("symbolic link"), "{stderr}");
    assert!(stderr.contains("public/news/two"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(elsewhere.path().join("index.html")).unwrap(),
        "outside"
    );
}

/// The bytes of everything a build writes.
fn output_bytes(site: &Site) -> usize {
    everything(&site.root().join("public"))
        .iter()
        .map(|(_, b)| b.len())
        .sum()
}

fn story_with_tags(site: &Site, n: usize) {
    let tags: Vec<String> = (0..n).map(|i| format!("\"topic number {i}\"")).collect();
    site.write(
        "content/en/news/tagged.md",
        format!(
            "+++\ntitle = \"Tagged\"\ndate = 2018-07-14\ntags = [{}]\n+++\nText.\n",
            tags.join(", ")
        ),
    );
}

#[test]
fn output_grows_linearly_with_a_storys_terms() {
    let site = Site::three_languages();
    story_with_tags(&site, 25);
    site.build_ok();
    let quarter = output_bytes(&site);
    story_with_tags(&site, 100);
    site.build_ok();
    let full = output_bytes(&site);
    // Four times the terms: four times the term pages, each of bounded
    // size (it was sixteen times, every term page listing every term).
    assert!(
        (full as f64) < 4.6 * quarter as f64,
        "25 terms: {quarter} bytes, 100 terms: {full} bytes"
    );
}

#[test]
fn more_terms_than_max_terms_is_an_error_naming_the_file() {
    let site = Site::three_languages();
    story_with_tags(&site, 101);
    let stderr = site.build_err();
    assert!(stderr.contains("content/en/news/tagged.md:4"), "{stderr}");
    assert!(
        stderr.contains("101 tags") && stderr.contains("max_terms"),
        "{stderr}"
    );
    site.write(
        "site.toml",
        util::THREE_LANGUAGES.replace("paginate_by = 2\n", "paginate_by = 2\nmax_terms = 200\n"),
    );
    site.build_ok();
}
