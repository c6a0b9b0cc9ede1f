//! Photos: what the site knows of each raster image its stories show (size
//! as displayed, orientation, caption and credit, a hash of its bytes), the
//! responsive versions it is published in, and the making of them.
//!
//! Crates: `image` decodes (zune-jpeg inside, the fastest pure-Rust JPEG
//! decoder) and applies EXIF orientation; `fast_image_resize` scales with
//! SIMD convolution, several times faster than `image`'s own resize;
//! `webp` (libwebp, built from its C sources) encodes lossy WebP, which
//! `image` cannot; `jpeg-encoder` writes the JPEG fallback with SIMD;
//! `kamadak-exif` reads orientation, caption, credit and date from EXIF and
//! `quick-xml` (already in the build through a dependency) the caption and
//! credit of an XMP packet. AVIF is not offered yet:
//! its encoders (rav1e in Rust, libaom in C) are known to be many times
//! slower than libwebp, and were not measured here against the budget.
//!
//! Probing a photo reads its bytes once (for the hash that names its
//! versions); what it found is kept in `.bulletin-cache/images/probe-3.bin`
//! by path, size and modification time, so a rebuild reads no photo. Made
//! versions are kept in `.bulletin-cache/images/` under a key of the
//! photo's bytes and every parameter, so nothing is encoded twice.

use std::collections::HashMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::config::ImagesConfig;
use crate::error::{Error, Result};

mod iptc;
pub mod resized;
pub use resized::{Op, Request, Resized};

/// Bumped when what is made from a photo changes: every key changes too.
const PIPELINE: u32 = 1;

/// The cache folder, relative to the site root.
pub const CACHE_DIR: &str = ".bulletin-cache/images";

/// The file formats bulletin decodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Kind {
    Jpeg,
    Png,
    Webp,
}

impl Kind {
    /// The format a photo of this kind falls back to: JPEG, or PNG for a
    /// PNG (which may have alpha).
    pub fn fallback(self) -> Format {
        match self {
            Kind::Png => Format::Png,
            _ => Format::Jpeg,
        }
    }

    /// The kind a name's extension says, for raster images only.
    pub fn of_name(name: &str) -> Option<Kind> {
        let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "jpg" | "jpeg" => Some(Kind::Jpeg),
            "png" => Some(Kind::Png),
            "webp" => Some(Kind::Webp),
            _ => None,
        }
    }
}

/// A format a version is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Format {
    Webp,
    Jpeg,
    Png,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Webp => "webp",
            Format::Jpeg => "jpg",
            Format::Png => "png",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Format::Webp => "image/webp",
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
        }
    }
}

/// What probing a photo found.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Facts {
    /// Size as displayed (EXIF orientation applied).
    pub width: u32,
    pub height: u32,
    pub kind: Kind,
    /// EXIF orientation, 1 to 8.
    pub orientation: u16,
    pub hash: u64,
    /// EXIF ImageDescription, Artist / Copyright, DateTimeOriginal.
    pub caption: Option<String>,
    pub credit: Option<String>,
    pub taken: Option<String>,
}

/// One version of a photo: a width in one format, at a site path.
#[derive(Debug, Clone)]
pub struct Version {
    pub width: u32,
    pub height: u32,
    pub format: Format,
    /// Cropped to fill its size (the 1200 × 630 share image) rather than
    /// scaled whole; not among the responsive widths.
    pub fill: bool,
    /// Site path: `/images/harbour-3f2a9c01d4-800.webp`.
    pub path: String,
    /// The cache key of its bytes.
    pub key: u64,
    /// Lossy quality it is encoded at.
    pub quality: u8,
}

/// A photo the site shows.
#[derive(Debug)]
pub struct Photo {
    /// Relative to the site root: `content/en/news/x/harbour.jpg`.
    pub source: PathBuf,
    /// Its file name slugified: what its versions' names start with.
    pub stem: String,
    pub facts: Facts,
    /// Widest last; modern formats first within a width.
    pub versions: Vec<Version>,
    /// Whether every version is in the cache (made at most once a build).
    made: OnceLock<std::result::Result<(), String>>,
}

impl Photo {
    /// The fallback format (see [`Kind::fallback`]).
    pub fn fallback(&self) -> Format {
        self.facts.kind.fallback()
    }

    /// The widest fallback version: for `og:image`, feeds and `page.image`.
    pub fn largest(&self) -> &Version {
        let fallback = self.fallback();
        (self.versions.iter().rev())
            .find(|v| v.format == fallback && !v.fill)
            .expect("every photo has a fallback version")
    }

    /// The 1200 × 630 JPEG for `og:image`, made for lead photos.
    pub fn share(&self) -> Option<&Version> {
        self.versions.iter().find(|v| v.fill)
    }
}

/// Every photo of the site, by source path.
#[derive(Debug, Default)]
pub struct Photos {
    pub photos: Vec<Photo>,
    by_source: HashMap<PathBuf, usize>,
    config: ImagesConfig,
    root: PathBuf,
}

/// One probe cache entry: the stamp it was made for, and the facts.
#[derive(Serialize, Deserialize)]
struct Probed {
    len: u64,
    modified: i128,
    facts: Facts,
}

fn stamp(meta: &std::fs::Metadata) -> (u64, i128) {
    let modified = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i128);
    (meta.len(), modified)
}

impl Photos {
    /// Probes `sources` (relative to `root`), reusing the probe cache.
    /// An error names each photo that is no regular file, empty, of a format
    /// bulletin cannot read, or too large to decode.
    pub fn probe(
        root: &Path,
        config: &ImagesConfig,
        slugify: crate::config::Slugify,
        sources: Vec<PathBuf>,
        leads: &std::collections::HashSet<PathBuf>,
    ) -> std::result::Result<Photos, crate::error::Errors> {
        use rayon::prelude::*;
        // Named by what probing reads: a newer probe finds more.
        let cache_file = root.join(CACHE_DIR).join("probe-3.bin");
        let cached: HashMap<PathBuf, Probed> = std::fs::read(&cache_file)
            .ok()
            .and_then(|b| bincode::deserialize(&b).ok())
            .unwrap_or_default();
        let results: Vec<Result<(PathBuf, Probed)>> = sources
            .par_iter()
            .map(|source| {
                let path = root.join(source);
                let meta = std::fs::metadata(&path).map_err(|e| Error::io(&path, e))?;
                if !meta.is_file() {
                    return Err(Error::in_file(
                        source,
                        "the photo is not a regular file (a folder, a FIFO or a device)",
                    )
                    .with_help("put the image file itself here"));
                }
                let (len, modified) = stamp(&meta);
                if let Some(p) = cached.get(source)
                    && p.len == len
                    && p.modified == modified
                {
                    let facts = p.facts.clone();
                    return Ok((
                        source.clone(),
                        Probed {
                            len,
                            modified,
                            facts,
                        },
                    ));
                }
                let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
                let facts = probe_bytes(&bytes, config).map_err(|m| {
                    Error::in_file(source, m).with_help(
                        "replace it with a JPEG, PNG or WebP photo that opens in an image viewer",
                    )
                })?;
                Ok((
                    source.clone(),
                    Probed {
                        len,
                        modified,
                        facts,
                    },
                ))
            })
            .collect();
        let mut errors = Vec::new();
        let mut probed = HashMap::new();
        for r in results {
            match r {
                Ok((source, p)) => {
                    probed.insert(source, p);
                }
                Err(e) => errors.push(e),
            }
        }
        crate::error::Errors::result(errors)?;
        // Kept for the next build: only what this one has, written when it
        // differs from what was read.
        let same = probed.len() == cached.len()
            && probed.iter().all(|(source, p)| {
                cached
                    .get(source)
                    .is_some_and(|c| (c.len, c.modified) == (p.len, p.modified))
            });
        if !same {
            let _ = std::fs::create_dir_all(root.join(CACHE_DIR));
            if let Ok(bytes) = bincode::serialize(&probed) {
                let tmp = cache_file.with_extension("tmp");
                if std::fs::write(&tmp, bytes).is_ok() {
                    let _ = std::fs::rename(&tmp, &cache_file);
                }
            }
        }
        let mut photos = Photos {
            config: config.clone(),
            root: root.to_path_buf(),
            ..Photos::default()
        };
        for source in sources {
            let facts = probed.remove(&source).expect("probed above").facts;
            let photo = photos.photo(source.clone(), facts, slugify, leads.contains(&source));
            photos.by_source.insert(source, photos.photos.len());
            photos.photos.push(photo);
        }
        Ok(photos)
    }

    /// The versions `facts` are published in.
    fn photo(
        &self,
        source: PathBuf,
        facts: Facts,
        slugify: crate::config::Slugify,
        lead: bool,
    ) -> Photo {
        let c = &self.config;
        let name_hash = name_hash(facts.hash, c.quality);
        let stem = source
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let stem = crate::locale::slug::slugify(&stem, slugify);
        let stem = if stem.is_empty() {
            "photo".to_string()
        } else {
            stem
        };
        let mut widths: Vec<u32> = c
            .widths
            .iter()
            .copied()
            .filter(|&w| w < facts.width)
            .collect();
        let widest = c.widths.iter().copied().max().unwrap_or(facts.width);
        // Never upscaled: a photo narrower than the widest width is also
        // offered at its own width.
        if facts.width <= widest {
            widths.push(facts.width);
        }
        widths.sort_unstable();
        widths.dedup();
        let fallback = facts.kind.fallback();
        let mut formats: Vec<Format> = c
            .formats
            .iter()
            .filter(|f| f.as_str() == "webp")
            .map(|_| Format::Webp)
            .collect();
        formats.push(fallback);
        let mut versions = Vec::new();
        for &w in &widths {
            let h = ((u64::from(facts.height) * u64::from(w) + u64::from(facts.width) / 2)
                / u64::from(facts.width))
            .max(1) as u32;
            for &format in &formats {
                versions.push(Version {
                    width: w,
                    height: h,
                    format,
                    path: version_path(&stem, name_hash, &w.to_string(), format),
                    key: key(&[name_hash, u64::from(w), format as u64]),
                    fill: false,
                    quality: c.quality,
                });
            }
        }
        if lead {
            // 1200 × 630, or the largest of that shape the photo holds.
            let (mut w, mut h) = (facts.width.min(1200), facts.width.min(1200) * 630 / 1200);
            if h > facts.height {
                (w, h) = (facts.height * 1200 / 630, facts.height);
            }
            versions.push(Version {
                width: w.max(1),
                height: h.max(1),
                format: Format::Jpeg,
                path: version_path(&stem, name_hash, "share", Format::Jpeg),
                key: key(&[name_hash, u64::from(w), 1_200_630]),
                fill: true,
                quality: c.quality,
            });
        }
        Photo {
            source,
            stem,
            facts,
            versions,
            made: OnceLock::new(),
        }
    }

    pub fn get(&self, source: &Path) -> Option<&Photo> {
        self.by_source.get(source).map(|&n| &self.photos[n])
    }

    pub fn index_of(&self, source: &Path) -> Option<usize> {
        self.by_source.get(source).copied()
    }

    /// The bytes of version `v` of photo `n`, made (with all the photo's
    /// versions, from one decode) if the cache lacks them.
    pub fn version_bytes(&self, n: usize, v: usize) -> Result<Vec<u8>> {
        let photo = &self.photos[n];
        let version = &photo.versions[v];
        let path = self.cache_path(version.key, version.format);
        if let Ok(bytes) = std::fs::read(&path) {
            return Ok(bytes);
        }
        photo
            .made
            .get_or_init(|| self.make(photo).map_err(|e| e.message))
            .clone()
            .map_err(|m| Error::in_file(&photo.source, m))?;
        std::fs::read(&path).map_err(|e| Error::io(&path, e))
    }

    /// The bytes of the photo's widest fallback version: what a story
    /// folder's photo is published as under its own name (`photo.jpg`
    /// next to the page), so that no reader is sent the camera's file.
    pub fn largest_bytes(&self, n: usize) -> Result<Vec<u8>> {
        let photo = &self.photos[n];
        let largest = photo.largest();
        let v = (photo.versions.iter())
            .position(|v| v.key == largest.key)
            .expect("the largest is a version");
        self.version_bytes(n, v)
    }

    fn cache_path(&self, key: u64, format: Format) -> PathBuf {
        self.root
            .join(CACHE_DIR)
            .join(format!("{key:016x}.{}", format.extension()))
    }

    /// Writes to the cache; a cache that cannot be written only costs time.
    fn store(&self, path: &Path, bytes: &[u8]) {
        let _ = std::fs::create_dir_all(self.root.join(CACHE_DIR));
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        if std::fs::write(&tmp, bytes).is_ok() {
            let _ = std::fs::rename(&tmp, path);
        }
    }

    /// The photo's pixels, upright.
    fn decode_photo(&self, photo: &Photo) -> Result<image::DynamicImage> {
        let source = self.root.join(&photo.source);
        let bytes = std::fs::read(&source).map_err(|e| Error::io(&source, e))?;
        decode(&bytes, &self.config).map_err(|m| Error::in_file(&photo.source, m))
    }

    /// Decodes the photo once and writes every version the cache lacks.
    fn make(&self, photo: &Photo) -> Result<()> {
        let image = self.decode_photo(photo)?;
        if let Some(share) = photo.share()
            && !self.cache_path(share.key, share.format).exists()
        {
            let cropped = fill(&image, share.width, share.height)?;
            let out = encode(&cropped, share.format, self.config.quality)
                .map_err(|m| Error::in_file(&photo.source, m))?;
            self.store(&self.cache_path(share.key, share.format), &out);
        }
        // Widest first, each width scaled from the one before it: the
        // full-size photo is scaled once, not once per width.
        let mut from = image;
        let mut widths: Vec<(u32, u32)> = (photo.versions.iter())
            .filter(|v| !v.fill)
            .map(|v| (v.width, v.height))
            .collect();
        widths.sort_unstable_by(|a, b| b.cmp(a));
        widths.dedup();
        for (width, height) in widths {
            let missing: Vec<&Version> = (photo.versions.iter())
                .filter(|v| v.width == width && !v.fill)
                .filter(|v| !self.cache_path(v.key, v.format).exists())
                .collect();
            let scaled = resize(&from, width, height)?;
            for v in missing {
                let out = encode(&scaled, v.format, self.config.quality)
                    .map_err(|m| Error::in_file(&photo.source, m))?;
                self.store(&self.cache_path(v.key, v.format), &out);
            }
            from = scaled;
        }
        Ok(())
    }

    /// Removes cached files this build does not use: its photos' versions
    /// and `also` (what templates asked `resize_image` for).
    pub fn prune<'a>(&self, also: impl Iterator<Item = &'a Version>) {
        let name = |v: &Version| format!("{:016x}.{}", v.key, v.format.extension());
        let used: std::collections::HashSet<String> = (self.photos.iter())
            .flat_map(|p| p.versions.iter().map(name))
            .chain(also.map(name))
            .collect();
        let Ok(entries) = std::fs::read_dir(self.root.join(CACHE_DIR)) else {
            return;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let record = name.starts_with("probe") || name.starts_with("resized-");
            if !record && !used.contains(&name) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

/// The `sizes` of a photo in the story's column (`--measure`, 42rem, at
/// most the viewport less its padding).
pub const STORY_SIZES: &str = "(max-width: 44rem) calc(100vw - 2rem), 42rem";
/// The `sizes` of a card's photo.
pub const CARD_SIZES: &str = "(max-width: 42rem) calc(100vw - 2rem), 22rem";

/// `<picture>` markup for `photo`: a `<source>` per modern format and an
/// `<img>` of the fallback format, each with every width, and the size
/// of the widest so nothing shifts while it loads. `url` makes a site path
/// a URL; `lead` loads it first (`fetchpriority="high"`), else lazily.
pub fn picture(
    photo: &Photo,
    alt: &str,
    url: &dyn Fn(&str) -> String,
    lead: bool,
    sizes: &str,
) -> String {
    use std::fmt::Write;
    let srcset = |format: Format| {
        photo
            .versions
            .iter()
            .filter(|v| v.format == format && !v.fill)
            .map(|v| format!("{} {}w", url(&v.path), v.width))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let fallback = photo.fallback();
    let largest = photo.largest();
    let mut html = String::from("<picture>");
    let mut modern: Vec<Format> = photo
        .versions
        .iter()
        .map(|v| v.format)
        .filter(|f| *f != fallback)
        .collect();
    modern.dedup();
    for format in modern {
        let _ = write!(
            html,
            "<source type=\"{}\" srcset=\"{}\" sizes=\"{sizes}\">",
            format.mime(),
            srcset(format)
        );
    }
    let loading = if lead {
        "fetchpriority=\"high\" decoding=\"async\""
    } else {
        "loading=\"lazy\" decoding=\"async\""
    };
    let _ = write!(
        html,
        "<img src=\"{}\" srcset=\"{}\" sizes=\"{sizes}\" width=\"{}\" height=\"{}\" alt=\"{}\" {loading}></picture>",
        url(&largest.path),
        srcset(fallback),
        largest.width,
        largest.height,
        escape(alt),
    );
    html
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let _ = pulldown_cmark_escape::escape_html(&mut out, text);
    out
}

/// A key from numbers.
/// What names a photo's versions: its bytes, the quality, the pipeline.
fn name_hash(photo_hash: u64, quality: u8) -> u64 {
    key(&[photo_hash, u64::from(quality), u64::from(PIPELINE)])
}

/// A version's site path: `/images/harbour-3f2a9c01d4-800.webp`.
fn version_path(stem: &str, name_hash: u64, size: &str, format: Format) -> String {
    format!(
        "/images/{stem}-{:010x}-{size}.{}",
        name_hash & 0xff_ffff_ffff,
        format.extension()
    )
}

fn key(parts: &[u64]) -> u64 {
    let mut bytes = Vec::with_capacity(parts.len() * 8);
    for p in parts {
        bytes.extend_from_slice(&p.to_le_bytes());
    }
    xxhash_rust::xxh3::xxh3_64(&bytes)
}

/// Size, orientation and metadata of a photo's bytes, without decoding its
/// pixels.
pub fn probe_bytes(bytes: &[u8], config: &ImagesConfig) -> std::result::Result<Facts, String> {
    if bytes.is_empty() {
        return Err("the photo is an empty file".into());
    }
    let kind = match imagesize::image_type(bytes) {
        Ok(imagesize::ImageType::Jpeg) => Kind::Jpeg,
        Ok(imagesize::ImageType::Png) => Kind::Png,
        Ok(imagesize::ImageType::Webp) => Kind::Webp,
        Ok(other) => {
            return Err(format!(
                "the photo is a {other:?} image, which bulletin does not publish as a photo"
            ));
        }
        Err(_) => {
            return Err("the file is not an image bulletin can read (JPEG, PNG or WebP)".into());
        }
    };
    let size = imagesize::blob_size(bytes)
        .map_err(|_| "the image is truncated or damaged: its size cannot be read".to_string())?;
    let (w, h) = (size.width as u64, size.height as u64);
    if w == 0 || h == 0 {
        return Err("the image has no pixels".into());
    }
    if w * h > config.max_pixels {
        return Err(format!(
            "the image is {w} × {h} pixels, more than the {} that may be decoded ([images] max_pixels in site.toml)",
            config.max_pixels
        ));
    }
    let exif = exif::Reader::new()
        .read_from_container(&mut Cursor::new(bytes))
        .ok();
    let field = |tag: exif::Tag| {
        let f = exif.as_ref()?.get_field(tag, exif::In::PRIMARY)?;
        match &f.value {
            exif::Value::Ascii(parts) => {
                let text: String = parts
                    .iter()
                    .map(|p| String::from_utf8_lossy(p).trim().to_string())
                    .filter(|p| !p.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ");
                let text: String = text.chars().filter(|c| !c.is_control()).collect();
                (!text.is_empty()).then_some(text)
            }
            _ => None,
        }
    };
    let orientation = exif
        .as_ref()
        .and_then(|e| e.get_field(exif::Tag::Orientation, exif::In::PRIMARY))
        .and_then(|f| f.value.get_uint(0))
        .filter(|o| (1..=8).contains(o))
        .map_or(1, |o| o as u16);
    let (width, height) = if orientation >= 5 { (h, w) } else { (w, h) };
    // IPTC Core in XMP (what photo desks' tools write), then IPTC IIM (what
    // agencies' older tools write), before EXIF, whose description is
    // often a camera's default ("OLYMPUS DIGITAL CAMERA").
    let xmp = xmp(bytes);
    let iim = match kind {
        Kind::Jpeg => iptc::read(bytes),
        _ => iptc::Iim::default(),
    };
    Ok(Facts {
        width: width as u32,
        height: height as u32,
        kind,
        orientation,
        hash: xxhash_rust::xxh3::xxh3_64(bytes),
        caption: (xmp.caption.or(iim.caption)).or_else(|| field(exif::Tag::ImageDescription)),
        credit: (xmp.credit.or(xmp.creator).or(iim.credit).or(iim.byline))
            .or_else(|| field(exif::Tag::Artist))
            .or_else(|| field(exif::Tag::Copyright)),
        taken: field(exif::Tag::DateTimeOriginal),
    })
}

/// What a photo's XMP packet says of it.
#[derive(Default)]
struct Xmp {
    caption: Option<String>,
    credit: Option<String>,
    creator: Option<String>,
}

/// The caption (`dc:description`), credit (`photoshop:Credit`) and creator
/// (`dc:creator`) of the XMP packet in `bytes` (in a JPEG's APP1, a PNG's
/// iTXt or a WebP's XMP chunk, always written uncompressed as text), read
/// with quick-xml; the first value of a list or alternative.
fn xmp(bytes: &[u8]) -> Xmp {
    use quick_xml::events::Event;
    let mut found = Xmp::default();
    let Some(start) = memchr::memmem::find(bytes, b"<x:xmpmeta") else {
        return found;
    };
    let Some(len) = memchr::memmem::find(&bytes[start..], b"</x:xmpmeta>") else {
        return found;
    };
    let Ok(packet) = std::str::from_utf8(&bytes[start..start + len + 12]) else {
        return found;
    };
    let mut reader = quick_xml::Reader::from_str(packet);
    // The property being read, and its text so far.
    let mut property: Option<&'static str> = None;
    let mut text = String::new();
    let clean = |t: &str| {
        let t: String = t.chars().filter(|c| !c.is_control()).collect();
        let t = t.trim().to_string();
        (!t.is_empty()).then_some(t)
    };
    loop {
        match reader.read_event() {
            // `photoshop:Credit` may be an attribute of the description.
            Ok(Event::Start(e) | Event::Empty(e)) if e.name().as_ref() == "rdf:Description" => {
                for a in e.attributes().flatten() {
                    if a.key.as_ref() == "photoshop:Credit" && found.credit.is_none() {
                        found.credit = a
                            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .ok()
                            .and_then(|v| clean(&v));
                    }
                }
            }
            Ok(Event::Start(e)) => match e.name().as_ref() {
                "dc:description" => property = Some("caption"),
                "dc:creator" => property = Some("creator"),
                "photoshop:Credit" => property = Some("credit"),
                _ => {}
            },
            Ok(Event::Text(t)) if property.is_some() => text.push_str(&t.xml10_content()),
            Ok(Event::GeneralRef(r)) if property.is_some() => {
                let name = r.xml10_content();
                let c = match name.as_ref() {
                    "amp" => Some('&'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    n => n
                        .strip_prefix("#x")
                        .and_then(|h| u32::from_str_radix(h, 16).ok())
                        .or_else(|| n.strip_prefix('#').and_then(|d| d.parse().ok()))
                        .and_then(char::from_u32),
                };
                text.extend(c);
            }
            Ok(Event::End(e)) => {
                let name = e.name();
                let closes = matches!(
                    (property, name.as_ref()),
                    (Some("caption"), "dc:description")
                        | (Some("creator"), "dc:creator")
                        | (Some("credit"), "photoshop:Credit")
                );
                // The first list item or alternative is the value.
                if name.as_ref() == "rdf:li" || closes {
                    let slot = match property {
                        Some("caption") => &mut found.caption,
                        Some("creator") => &mut found.creator,
                        Some("credit") => &mut found.credit,
                        _ => &mut None,
                    };
                    if slot.is_none() {
                        *slot = clean(&text);
                    }
                    text.clear();
                }
                if closes {
                    property = None;
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    found
}

/// Decodes with the size bound of `config`, upright.
fn decode(bytes: &[u8], config: &ImagesConfig) -> std::result::Result<image::DynamicImage, String> {
    use image::ImageDecoder;
    let mut reader = image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| format!("the image cannot be read: {e}"))?;
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(config.max_pixels.saturating_mul(4).saturating_add(64 << 20));
    reader.limits(limits);
    let mut decoder = reader
        .into_decoder()
        .map_err(|e| format!("the image is damaged or of an unknown format: {e}"))?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut image = image::DynamicImage::from_decoder(decoder)
        .map_err(|e| format!("the image is truncated or damaged: {e}"))?;
    image.apply_orientation(orientation);
    Ok(image)
}

/// Scales to `width` × `height` with a Lanczos filter.
fn resize(image: &image::DynamicImage, width: u32, height: u32) -> Result<image::DynamicImage> {
    use fast_image_resize as fr;
    if image.width() == width && image.height() == height {
        return Ok(image.clone());
    }
    let alpha = image.color().has_alpha();
    let (src, pixel) = if alpha {
        (image.to_rgba8().into_raw(), fr::PixelType::U8x4)
    } else {
        (image.to_rgb8().into_raw(), fr::PixelType::U8x3)
    };
    let src = fr::images::Image::from_vec_u8(image.width(), image.height(), src, pixel)
        .map_err(|e| Error::msg(format!("resizing: {e}")))?;
    let mut dst = fr::images::Image::new(width, height, pixel);
    let options =
        fr::ResizeOptions::new().resize_alg(fr::ResizeAlg::Convolution(fr::FilterType::Lanczos3));
    fr::Resizer::new()
        .resize(&src, &mut dst, &options)
        .map_err(|e| Error::msg(format!("resizing: {e}")))?;
    let raw = dst.into_vec();
    Ok(if alpha {
        image::DynamicImage::ImageRgba8(
            image::RgbaImage::from_raw(width, height, raw).expect("sized buffer"),
        )
    } else {
        image::DynamicImage::ImageRgb8(
            image::RgbImage::from_raw(width, height, raw).expect("sized buffer"),
        )
    })
}

/// The middle of `image` of the shape `width` × `height`, scaled to it.
fn fill(image: &image::DynamicImage, width: u32, height: u32) -> Result<image::DynamicImage> {
    let (w, h) = (u64::from(image.width()), u64::from(image.height()));
    let (cw, ch) = if w * u64::from(height) > h * u64::from(width) {
        (h * u64::from(width) / u64::from(height), h)
    } else {
        (w, w * u64::from(height) / u64::from(width))
    };
    let (cw, ch) = (cw.max(1) as u32, ch.max(1) as u32);
    let cropped = image.crop_imm((image.width() - cw) / 2, (image.height() - ch) / 2, cw, ch);
    resize(&cropped, width, height)
}

/// Encodes pixels: nothing of the source's metadata goes along.
fn encode(
    image: &image::DynamicImage,
    format: Format,
    quality: u8,
) -> std::result::Result<Vec<u8>, String> {
    let (w, h) = (image.width(), image.height());
    match format {
        Format::Webp => {
            let memory = if image.color().has_alpha() {
                let rgba = image.to_rgba8();
                webp::Encoder::from_rgba(rgba.as_raw(), w, h).encode(f32::from(quality))
            } else {
                let rgb = image.to_rgb8();
                webp::Encoder::from_rgb(rgb.as_raw(), w, h).encode(f32::from(quality))
            };
            Ok(memory.to_vec())
        }
        Format::Jpeg => {
            let rgb = image.to_rgb8();
            let (w16, h16) = (
                u16::try_from(w).map_err(|_| "too wide for JPEG")?,
                u16::try_from(h).map_err(|_| "too tall for JPEG")?,
            );
            let mut out = Vec::new();
            jpeg_encoder::Encoder::new(&mut out, quality)
                .encode(rgb.as_raw(), w16, h16, jpeg_encoder::ColorType::Rgb)
                .map_err(|e| format!("encoding JPEG: {e}"))?;
            Ok(out)
        }
        Format::Png => {
            use image::ImageEncoder;
            let rgba = image.to_rgba8();
            let mut out = Vec::new();
            image::codecs::png::PngEncoder::new(&mut out)
                .write_image(rgba.as_raw(), w, h, image::ExtendedColorType::Rgba8)
                .map_err(|e| format!("encoding PNG: {e}"))?;
            Ok(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xmp_gives_caption_credit_and_creator() {
        let packet = r#"JUNK<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description photoshop:Credit="Tasnim &amp; Co" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/">
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">Ships at dawn &#8212; Bandar Abbas</rdf:li><rdf:li xml:lang="fa">کشتی‌ها</rdf:li></rdf:Alt></dc:description>
<dc:creator><rdf:Seq><rdf:li>A. Photographer</rdf:li><rdf:li>B. Second</rdf:li></rdf:Seq></dc:creator>
</rdf:Description></rdf:RDF></x:xmpmeta>MORE"#;
        let x = xmp(packet.as_bytes());
        assert_eq!(
            x.caption.as_deref(),
            Some("Ships at dawn \u{2014} Bandar Abbas")
        );
        assert_eq!(x.credit.as_deref(), Some("Tasnim & Co"));
        assert_eq!(x.creator.as_deref(), Some("A. Photographer"));
        let element = br#"<x:xmpmeta><rdf:Description><photoshop:Credit>Agency</photoshop:Credit></rdf:Description></x:xmpmeta>"#;
        assert_eq!(xmp(element).credit.as_deref(), Some("Agency"));
        assert!(xmp(b"<x:xmpmeta><broken").caption.is_none());
        assert!(xmp(b"no packet").credit.is_none());
    }

    #[test]
    fn bad_bytes_are_named_not_panics() {
        let config = ImagesConfig::default();
        assert!(probe_bytes(b"", &config).unwrap_err().contains("empty"));
        assert!(probe_bytes(b"hello world, no image", &config).is_err());
        // A PNG header claiming 30,000 x 30,000 pixels.
        let mut png = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13];
        png.extend_from_slice(b"IHDR");
        png.extend_from_slice(&30000u32.to_be_bytes());
        png.extend_from_slice(&30000u32.to_be_bytes());
        png.extend_from_slice(&[8, 2, 0, 0, 0]);
        let e = probe_bytes(&png, &config).unwrap_err();
        assert!(e.contains("30000 × 30000"), "{e}");
        // Truncated after the header: probing passes, decoding says so.
        let mut small = png.clone();
        small[16..20].copy_from_slice(&10u32.to_be_bytes());
        small[20..24].copy_from_slice(&10u32.to_be_bytes());
        assert!(probe_bytes(&small, &config).is_ok());
        assert!(decode(&small, &config).is_err());
    }
}
