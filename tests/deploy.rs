//! `bulletin deploy` to a folder and to a real S3 server on 127.0.0.1
//! (s3s-fs, started by the test): first deploy, no-change deploy, an edit,
//! a deletion, the max-deletes guard, a dry run, deploys killed part-way
//! and run again, headers read back, and the outputs it refuses.

mod util;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use util::Site;

fn site_toml(target: &str) -> String {
    format!(
        r#"title = "Desk"
base_url = "https://bulletin.example.org"

[languages.en]
name = "English"
[languages.fa]
name = "فارسی"

{target}
"#
    )
}

fn story(title: &str, date: &str) -> String {
    format!("+++\ntitle = \"{title}\"\ndate = {date}\n+++\nText of {title}.\n")
}

fn write_stories(site: &Site) {
    site.write("content/en/news/talks.md", story("Talks", "2026-03-01"));
    site.write("content/en/news/visit.md", story("Visit", "2026-03-02"));
    site.write("content/fa/news/talks.md", story("گفت‌وگو", "2026-03-01"));
}

/// Every file of the built output (bulletin's own files left out).
fn local(site: &Site) -> BTreeMap<String, Vec<u8>> {
    files_under(&site.public(""))
}

fn files_under(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    util::walk(dir)
        .into_iter()
        .filter(|p| !p.starts_with(".bulletin-"))
        .map(|p| {
            let bytes = std::fs::read(dir.join(&p)).unwrap();
            (p, bytes)
        })
        .collect()
}

fn deploy(site: &Site, args: &[&str], env: &[(&str, &str)]) -> (bool, String) {
    let mut all = vec!["deploy"];
    all.extend_from_slice(args);
    let out = site.run_env(&all, env);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!text.contains("panicked"), "{text}");
    (out.status.success(), text)
}

fn uploaded(text: &str) -> usize {
    text.split(" uploaded")
        .next()
        .and_then(|s| s.rsplit(": ").next())
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no count in {text}"))
}

/// `remote` holds exactly `local`; the paths that differ if not.
#[track_caller]
fn assert_same(remote: BTreeMap<String, Vec<u8>>, local: BTreeMap<String, Vec<u8>>, when: &str) {
    let differ: Vec<&String> = remote
        .keys()
        .chain(local.keys())
        .filter(|k| remote.get(*k) != local.get(*k))
        .collect();
    assert!(
        differ.is_empty(),
        "{when}: these differ at the target: {differ:?}"
    );
}

/// The sequence every target must pass; `remote` reads what the target
/// serves (bulletin's manifest left out).
fn sequence(site: &Site, env: &[(&str, &str)], remote: &dyn Fn() -> BTreeMap<String, Vec<u8>>) {
    write_stories(site);
    site.build_ok();
    // A dry run changes nothing.
    let (ok, text) = deploy(site, &["--dry-run"], env);
    assert!(ok, "{text}");
    assert!(text.contains("upload  news/talks/index.html"), "{text}");
    assert!(remote().is_empty(), "a dry run uploaded");
    // First deploy: everything.
    let (ok, text) = deploy(site, &[], env);
    assert!(ok, "{text}");
    assert_same(remote(), local(site), "after a deploy");
    // No change: nothing.
    let (ok, text) = deploy(site, &[], env);
    assert!(ok && uploaded(&text) == 0, "{text}");
    // An edit: only what changed.
    site.write(
        "content/en/news/talks.md",
        story("Talks resume", "2026-03-01"),
    );
    site.build_ok();
    let (ok, text) = deploy(site, &[], env);
    assert!(ok, "{text}");
    let n = uploaded(&text);
    assert!(n > 0 && n < 20, "{text}");
    assert_same(remote(), local(site), "after a deploy");
    // A deletion: gone from the target too.
    site.remove("content/en/news/visit.md");
    site.build_ok();
    let (ok, text) = deploy(site, &["--max-deletes", "0"], env);
    assert!(!ok && text.contains("more than the 0 allowed"), "{text}");
    assert!(
        remote().contains_key("news/visit/index.html"),
        "the guard deleted"
    );
    let (ok, text) = deploy(site, &[], env);
    assert!(ok, "{text}");
    assert!(!remote().contains_key("news/visit/index.html"));
    assert_same(remote(), local(site), "after a deploy");
    // Killed part-way at several points, then run again: exactly the site.
    for (n, stop) in ["1", "3", "6"].iter().enumerate() {
        site.write(
            "content/en/news/new.md",
            story(&format!("New {n}"), "2026-03-05"),
        );
        if n == 1 {
            site.remove("content/en/news/new.md");
        }
        site.build_ok();
        let mut killed = env.to_vec();
        killed.push(("BULLETIN_DEPLOY_STOP_AFTER", stop));
        let (ok, _) = deploy(site, &[], &killed);
        assert!(!ok, "the deploy was to stop after {stop}");
        let (ok, text) = deploy(site, &[], env);
        assert!(ok, "{text}");
        assert_same(
            remote(),
            local(site),
            &format!("after a deploy killed at {stop}"),
        );
    }
}

#[test]
fn a_folder_target_gets_exactly_the_site_and_keeps_what_is_not_ours() {
    let live = tempfile::tempdir().unwrap();
    let site = Site::new(&site_toml(&format!(
        "[[deploy.targets]]\nname = \"folder\"\nurl = \"file://{}\"\n",
        live.path().display()
    )));
    // Something of someone else's at the target.
    std::fs::write(live.path().join("keep.txt"), "not bulletin's").unwrap();
    let dir = live.path().to_path_buf();
    let remote = move || {
        let mut files = files_under(&dir);
        files.remove("keep.txt");
        files
    };
    sequence(&site, &[], &remote);
    assert_eq!(
        std::fs::read_to_string(live.path().join("keep.txt")).unwrap(),
        "not bulletin's"
    );
}

#[test]
fn deploy_refuses_a_preview_build_a_half_commit_and_no_build() {
    let live = tempfile::tempdir().unwrap();
    let site = Site::new(&site_toml(&format!(
        "[[deploy.targets]]\nname = \"folder\"\nurl = \"{}\"\n",
        live.path().display()
    )));
    write_stories(&site);
    let (ok, text) = deploy(&site, &[], &[]);
    assert!(!ok && text.contains("no built site"), "{text}");
    let out = site.run(&["build", "--base-url", "http://127.0.0.1:9999"]);
    assert!(out.status.success());
    let (ok, text) = deploy(&site, &[], &[]);
    assert!(
        !ok && text.contains("built for http://127.0.0.1:9999")
            && text.contains("bulletin build --base-url https://bulletin.example.org"),
        "{text}"
    );
    site.build_ok();
    std::fs::write(site.public(".bulletin-journal"), "news/talks/index.html\n").unwrap();
    let (ok, text) = deploy(&site, &[], &[]);
    assert!(!ok && text.contains("did not finish"), "{text}");
    assert!(util::walk(live.path()).is_empty());
    let (ok, text) = deploy(&site, &["--target", "nope"], &[]);
    assert!(
        !ok && text.contains("no deploy target `nope`") && text.contains("folder"),
        "{text}"
    );
}

#[test]
fn a_netlify_target_gets_redirects_and_headers() {
    let live = tempfile::tempdir().unwrap();
    let site = Site::new(&site_toml(&format!(
        "[[deploy.targets]]\nname = \"netlify\"\nurl = \"{}\"\nhost = \"netlify\"\n\n[[deploy.cache]]\nglob = \"*.pdf\"\nvalue = \"public, max-age=60\"\n",
        live.path().display()
    )));
    site.write(
        "content/en/news/talks.md",
        "+++\ntitle = \"Talks\"\ndate = 2026-03-01\naliases = [\"/old/talks/\"]\n+++\nText.\n",
    );
    site.build_ok();
    let (ok, text) = deploy(&site, &[], &[]);
    assert!(ok, "{text}");
    let redirects = std::fs::read_to_string(live.path().join("_redirects")).unwrap();
    assert!(
        redirects.contains("/old/talks/ /news/talks/ 301"),
        "{redirects}"
    );
    assert!(redirects.contains("/* /404.html 404"), "{redirects}");
    let headers = std::fs::read_to_string(live.path().join("_headers")).unwrap();
    assert!(
        headers.contains("/*.pdf\n  Cache-Control: public, max-age=60"),
        "{headers}"
    );
    assert!(headers.contains("/images/*\n  Cache-Control: public, max-age=31536000, immutable"));
}

/// An S3 server (s3s-fs) on 127.0.0.1 with bucket `site`, for one test.
struct S3Server {
    endpoint: String,
    root: tempfile::TempDir,
    _runtime: tokio::runtime::Runtime,
}

const KEY: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

impl S3Server {
    fn start() -> S3Server {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir(root.path().join("site")).unwrap();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let fs = s3s_fs::FileSystem::new(root.path()).unwrap();
        let mut builder = s3s::service::S3ServiceBuilder::new(fs);
        builder.set_auth(s3s::auth::SimpleAuth::from_single(KEY, SECRET));
        let service = builder.build();
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        runtime.spawn(async move {
            let http =
                hyper_util::server::conn::auto::Builder::new(hyper_util::rt::TokioExecutor::new());
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    continue;
                };
                let conn = http
                    .serve_connection(hyper_util::rt::TokioIo::new(socket), service.clone())
                    .into_owned();
                tokio::spawn(async move {
                    let _ = conn.await;
                });
            }
        });
        S3Server {
            endpoint,
            root,
            _runtime: runtime,
        }
    }

    /// The objects under `prefix/`, read from the server's folder.
    fn objects(&self, prefix: &str) -> BTreeMap<String, Vec<u8>> {
        let dir: PathBuf = self.root.path().join("site").join(prefix);
        if !dir.exists() {
            return BTreeMap::new();
        }
        files_under(&dir)
            .into_iter()
            .filter(|(p, _)| {
                !p.contains(".s3s")
                    && !p.ends_with(".metadata.json")
                    && p != ".bulletin-deploy.json"
            })
            .collect()
    }
}

#[test]
fn an_s3_target_gets_exactly_the_site_with_its_headers() {
    let server = S3Server::start();
    let site = Site::new(&site_toml(&format!(
        "[[deploy.targets]]\nname = \"live\"\nurl = \"s3://site/bulletin\"\nendpoint = \"{}\"\nregion = \"us-east-1\"\n",
        server.endpoint
    )));
    let env = [
        ("AWS_ACCESS_KEY_ID", KEY),
        ("AWS_SECRET_ACCESS_KEY", SECRET),
        ("AWS_SESSION_TOKEN", ""),
    ];
    sequence(&site, &env, &|| server.objects("bulletin"));
    // Headers, read back from the server.
    let bucket = s3::Bucket::new(
        "site",
        s3::Region::Custom {
            region: "us-east-1".into(),
            endpoint: server.endpoint.clone(),
        },
        s3::creds::Credentials::new(Some(KEY), Some(SECRET), None, None, None).unwrap(),
    )
    .unwrap()
    .with_path_style();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let head = |key: &str| rt.block_on(bucket.head_object(key)).unwrap().0;
    let page = head("bulletin/news/talks/index.html");
    assert_eq!(
        page.content_type.as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(
        page.cache_control.as_deref(),
        Some("public, max-age=300, must-revalidate")
    );
    let css = local(&site)
        .into_keys()
        .find(|p| p.starts_with("style.") && p.ends_with(".css") && p != "style.css")
        .unwrap();
    let css = head(&format!("bulletin/{css}"));
    assert_eq!(css.content_type.as_deref(), Some("text/css; charset=utf-8"));
    assert_eq!(
        css.cache_control.as_deref(),
        Some("public, max-age=31536000, immutable")
    );
    // A redirect page is an S3 website redirect too.
    let moved = head("bulletin/news/page/1/index.html");
    assert_eq!(moved.website_redirect_location.as_deref(), Some("/news/"));
    let feed = head("bulletin/fa/atom.xml");
    assert_eq!(
        feed.content_type.as_deref(),
        Some("application/atom+xml; charset=utf-8")
    );
    // Wrong credentials: a clear error, nothing changed.
    let (ok, text) = deploy(
        &site,
        &[],
        &[
            ("AWS_ACCESS_KEY_ID", KEY),
            ("AWS_SECRET_ACCESS_KEY", "wrong"),
        ],
    );
    assert!(!ok && text.contains("credentials"), "{text}");
}
