//! Helpers for integration tests: a site in a temporary folder and the real
//! `bulletin` binary run against it.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A throwaway site folder.
pub struct Site {
    pub dir: tempfile::TempDir,
}

pub const THREE_LANGUAGES: &str = r#"title = "Test Bulletin"
base_url = "https://example.org"
timezone = "Asia/Tehran"
taxonomies = ["tags"]
paginate_by = 2

[languages.en]
name = "English"
[languages.fa]
name = "فارسی"
title = "خبرنامه"
[languages.ru]
name = "Русский"
"#;

impl Site {
    /// An empty site with this `site.toml`.
    pub fn new(site_toml: &str) -> Site {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("site.toml"), site_toml).expect("write site.toml");
        Site { dir }
    }

    /// A three-language site (en, fa, ru), Tehran time, paginated by 2.
    pub fn three_languages() -> Site {
        Site::new(THREE_LANGUAGES)
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file, creating folders.
    pub fn write(&self, rel: &str, text: impl AsRef<[u8]>) -> &Site {
        let path = self.root().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        self
    }

    /// Runs `bulletin ARGS` in the site folder.
    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_bulletin"))
            .args(args)
            .current_dir(self.root())
            .env("NO_COLOR", "1")
            .output()
            .expect("run bulletin")
    }

    /// Runs `bulletin ARGS` in the site folder with extra environment.
    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_bulletin"))
            .args(args)
            .current_dir(self.root())
            .env("NO_COLOR", "1")
            .envs(env.iter().copied())
            .output()
            .expect("run bulletin")
    }

    /// Removes a file of the site.
    pub fn remove(&self, rel: &str) -> &Site {
        std::fs::remove_file(self.root().join(rel)).unwrap();
        self
    }

    /// Builds and asserts success; returns stdout.
    pub fn build_ok(&self) -> String {
        let out = self.run(&["build"]);
        assert!(
            out.status.success(),
            "build failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Builds, asserts failure, returns stderr.
    pub fn build_err(&self) -> String {
        let out = self.run(&["build"]);
        assert!(
            !out.status.success(),
            "build should have failed:\n{}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert_eq!(out.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(!stderr.contains("panicked"), "{stderr}");
        stderr
    }

    pub fn public(&self, rel: &str) -> PathBuf {
        self.root().join("public").join(rel)
    }

    /// Reads an output file, panicking with the list of outputs if missing.
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.public(rel)).unwrap_or_else(|_| {
            let mut files: Vec<String> = walk(&self.root().join("public"));
            files.sort();
            panic!(
                "public/{rel} was not written; outputs:\n{}",
                files.join("\n")
            )
        })
    }

    /// Every file under public/ with its bytes, for comparing builds.
    pub fn snapshot(&self) -> Vec<(String, Vec<u8>)> {
        let base = self.root().join("public");
        let mut files: Vec<(String, Vec<u8>)> = walk(&base)
            .into_iter()
            .map(|f| (f.clone(), std::fs::read(base.join(&f)).unwrap()))
            .collect();
        files.sort();
        files
    }
}

impl Site {
    /// Asserts that `public/`, as incremental builds left it, equals a
    /// clean build of the site as it is now; `what` names the last edit.
    pub fn assert_same_as_clean_build(&self, what: &str, stdout: &str) {
        let clean = tempfile::tempdir().unwrap();
        let out = self.run(&["build", "--output", clean.path().to_str().unwrap()]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut expected: Vec<(String, Vec<u8>)> = walk(clean.path())
            .into_iter()
            .map(|f| (f.clone(), std::fs::read(clean.path().join(&f)).unwrap()))
            .filter(|(p, _)| !p.starts_with('.'))
            .collect();
        expected.sort();
        let actual: Vec<(String, Vec<u8>)> = self
            .snapshot()
            .into_iter()
            .filter(|(p, _)| !p.starts_with('.'))
            .collect();
        let names = |v: &[(String, Vec<u8>)]| v.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
        assert_eq!(
            names(&actual),
            names(&expected),
            "after the {what} edit ({stdout})"
        );
        for ((path, a), (_, e)) in actual.iter().zip(&expected) {
            assert!(
                a == e,
                "after the {what} edit, {path} differs from a clean build:\n{}\n---\n{}",
                String::from_utf8_lossy(a),
                String::from_utf8_lossy(e)
            );
        }
    }
}

pub fn walk(base: &Path) -> Vec<String> {
    let mut out = Vec::new();
    if !base.exists() {
        return out;
    }
    for e in walkdir::WalkDir::new(base) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            out.push(
                e.path()
                    .strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
            );
        }
    }
    out
}

/// A wire story in the seed's format, in the given zone.
pub fn wire(dateline: &str, headline: &str) -> String {
    format!(
        "{dateline}\n  • {headline}\n\nFirst paragraph of the story.\n\nA sub-heading here\n\nSecond paragraph, with <b>markup</b> & an ampersand.\n"
    )
}

/// A real PNG of `w` × `h` pixels: a gradient, so it compresses like a photo.
pub fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A real JPEG of `w` × `h` pixels.
pub fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([
            (x * 7 % 256) as u8,
            (y * 3 % 256) as u8,
            ((x + y) % 256) as u8,
        ])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

/// `jpeg` with an EXIF block: orientation, a description, an artist and a
/// GPS position (which must never be published).
pub fn jpeg_with_exif(
    w: u32,
    h: u32,
    orientation: u16,
    description: &str,
    artist: &str,
) -> Vec<u8> {
    use img_parts::ImageEXIF;
    let mut jpeg = img_parts::jpeg::Jpeg::from_bytes(jpeg(w, h).into()).unwrap();
    jpeg.set_exif(Some(exif_block(orientation, description, artist).into()));
    jpeg.encoder().bytes().to_vec()
}

/// A little-endian TIFF block of EXIF: Orientation, ImageDescription and
/// Artist in IFD0, and a GPS IFD with a latitude reference.
fn exif_block(orientation: u16, description: &str, artist: &str) -> Vec<u8> {
    let mut desc = description.as_bytes().to_vec();
    desc.push(0);
    let mut art = artist.as_bytes().to_vec();
    art.push(0);
    let entries = 4u16;
    let ifd0_len = 2 + 12 * entries as usize + 4;
    let data_at = 8 + ifd0_len;
    let gps_at = data_at + desc.len() + art.len();
    let mut t = b"II*\0".to_vec();
    t.extend_from_slice(&8u32.to_le_bytes());
    t.extend_from_slice(&entries.to_le_bytes());
    let entry = |t: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: u32| {
        t.extend_from_slice(&tag.to_le_bytes());
        t.extend_from_slice(&kind.to_le_bytes());
        t.extend_from_slice(&count.to_le_bytes());
        t.extend_from_slice(&value.to_le_bytes());
    };
    entry(&mut t, 0x010E, 2, desc.len() as u32, data_at as u32);
    entry(&mut t, 0x0112, 3, 1, u32::from(orientation));
    entry(
        &mut t,
        0x013B,
        2,
        art.len() as u32,
        (data_at + desc.len()) as u32,
    );
    entry(&mut t, 0x8825, 4, 1, gps_at as u32);
    t.extend_from_slice(&0u32.to_le_bytes());
    t.extend_from_slice(&desc);
    t.extend_from_slice(&art);
    // GPS IFD: GPSLatitudeRef = "N".
    t.extend_from_slice(&1u16.to_le_bytes());
    entry(&mut t, 0x0001, 2, 2, u32::from_le_bytes([b'N', 0, 0, 0]));
    t.extend_from_slice(&0u32.to_le_bytes());
    t
}

/// `jpeg` with an IPTC IIM block (APP13, Photoshop resource 0x0404): a
/// caption (2:120) and a by-line (2:80), as agency photos carry them.
pub fn jpeg_with_iptc(w: u32, h: u32, caption: &str, byline: &str) -> Vec<u8> {
    let mut iim = Vec::new();
    for (dataset, text) in [(120u8, caption), (80, byline)] {
        iim.extend([0x1C, 2, dataset]);
        iim.extend((text.len() as u16).to_be_bytes());
        iim.extend(text.as_bytes());
    }
    let mut payload = b"Photoshop 3.0\08BIM\x04\x04\x00\x00".to_vec();
    payload.extend((iim.len() as u32).to_be_bytes());
    payload.extend(&iim);
    if iim.len() % 2 == 1 {
        payload.push(0);
    }
    let bytes = jpeg(w, h);
    let mut out = bytes[..2].to_vec();
    out.extend([0xFF, 0xED]);
    out.extend(((payload.len() + 2) as u16).to_be_bytes());
    out.extend(payload);
    out.extend(&bytes[2..]);
    out
}
