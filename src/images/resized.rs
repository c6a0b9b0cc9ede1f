//! `resize_image`: a size of a photo that a template asks for, beyond the
//! responsive versions every photo gets. Zola's operations and names:
//! `scale`, `fit_width`, `fit_height`, `fit` and `fill` (the default).
//! Nothing is ever made larger than the photo: a size it cannot reach
//! becomes the largest it can (`fill` keeps the asked shape).
//!
//! A request that comes out the same as a planned version (the 1200 × 630
//! share crop, one of the `[images] widths`) is that version: the photo is
//! not decoded twice for it.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::{Format, Photos, Version, encode, fill, key, name_hash, resize, version_path};
use crate::error::{Error, Result};

/// How a photo is brought to the asked size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Op {
    /// Exactly `width` × `height`, the shape changed if need be.
    Scale,
    /// `width` wide, the height to keep its shape.
    FitWidth,
    /// `height` tall, the width to keep its shape.
    FitHeight,
    /// Within `width` × `height`, keeping its shape.
    Fit,
    /// Cropped from the middle to `width` × `height`.
    Fill,
}

impl Op {
    pub fn parse(name: &str) -> std::result::Result<Op, String> {
        Ok(match name {
            "scale" => Op::Scale,
            "fit_width" => Op::FitWidth,
            "fit_height" => Op::FitHeight,
            "fit" => Op::Fit,
            "fill" => Op::Fill,
            _ => {
                return Err(format!(
                    "op `{name}` is not one of scale, fit_width, fit_height, fit, fill"
                ));
            }
        })
    }
}

/// What a template asked for, as it can be asked again next build.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Request {
    /// The photo, relative to the site root.
    pub source: PathBuf,
    pub op: Op,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// `None`: the photo's fallback format (JPEG, or PNG for a PNG).
    pub format: Option<Format>,
    /// `None`: `[images] quality`.
    pub quality: Option<u8>,
}

/// A request resolved against the site's photos.
#[derive(Debug, Clone)]
pub struct Resized {
    /// The photo's number in [`Photos::photos`].
    pub photo: usize,
    pub version: Version,
    /// Whether it is one of the photo's planned versions (made and
    /// published with them).
    pub planned: bool,
}

/// The format a `format` argument names (`auto` is `None`).
pub fn parse_format(name: &str) -> std::result::Result<Option<Format>, String> {
    Ok(match name {
        "auto" => None,
        "jpg" | "jpeg" => Some(Format::Jpeg),
        "png" => Some(Format::Png),
        "webp" => Some(Format::Webp),
        _ => {
            return Err(format!(
                "format `{name}` is not one of auto, jpg, png, webp"
            ));
        }
    })
}

/// The size `op` makes of a `ow` × `oh` photo, never larger than it.
fn size(
    op: Op,
    ow: u32,
    oh: u32,
    w: Option<u32>,
    h: Option<u32>,
) -> std::result::Result<(u32, u32), String> {
    let need = |v: Option<u32>, name: &str| match v {
        Some(0) => Err(format!("{name} must be at least 1")),
        Some(v) => Ok(u64::from(v)),
        None => Err(format!("op `{op:?}` needs a {name}").to_lowercase()),
    };
    let (ow64, oh64) = (u64::from(ow), u64::from(oh));
    let round = |num: u64, den: u64| ((num + den / 2) / den).max(1);
    let (w, h) = match op {
        Op::Scale => (need(w, "width")?.min(ow64), need(h, "height")?.min(oh64)),
        Op::FitWidth => {
            let w = need(w, "width")?.min(ow64);
            (w, round(oh64 * w, ow64))
        }
        Op::FitHeight => {
            let h = need(h, "height")?.min(oh64);
            (round(ow64 * h, oh64), h)
        }
        Op::Fit => {
            let (w, h) = (need(w, "width")?, need(h, "height")?);
            if ow64 <= w && oh64 <= h {
                (ow64, oh64)
            } else if ow64 * h > oh64 * w {
                // Wider than the box: its width decides.
                (w, round(oh64 * w, ow64))
            } else {
                (round(ow64 * h, oh64), h)
            }
        }
        Op::Fill => {
            let (w, h) = (need(w, "width")?, need(h, "height")?);
            if w <= ow64 && h <= oh64 {
                (w, h)
            } else if ow64 * h < oh64 * w {
                // The photo's width is what runs out.
                (ow64, (h * ow64 / w).max(1))
            } else {
                ((w * oh64 / h).max(1), oh64)
            }
        }
    };
    Ok((w as u32, h as u32))
}

impl Photos {
    /// Resolves `request` (its photo must be one of the site's).
    pub fn resolve(&self, request: &Request) -> std::result::Result<Resized, String> {
        let n = self
            .index_of(&request.source)
            .ok_or_else(|| format!("`{}` is not a photo of the site", request.source.display()))?;
        let photo = &self.photos[n];
        let facts = &photo.facts;
        let (width, height) = size(
            request.op,
            facts.width,
            facts.height,
            request.width,
            request.height,
        )?;
        let format = request.format.unwrap_or_else(|| photo.fallback());
        let quality = request.quality.unwrap_or(self.config.quality);
        if !(1..=100).contains(&quality) {
            return Err(format!("quality {quality} is not between 1 and 100"));
        }
        let cropped = request.op == Op::Fill;
        let planned = (photo.versions.iter()).find(|v| {
            (v.width, v.height, v.format, v.fill, v.quality)
                == (width, height, format, cropped, quality)
        });
        if let Some(v) = planned {
            return Ok(Resized {
                photo: n,
                version: v.clone(),
                planned: true,
            });
        }
        let name_hash = name_hash(facts.hash, quality);
        let crop = if cropped { "c" } else { "" };
        Ok(Resized {
            photo: n,
            version: Version {
                width,
                height,
                format,
                fill: cropped,
                path: version_path(
                    &photo.stem,
                    name_hash,
                    &format!("{width}x{height}{crop}"),
                    format,
                ),
                key: key(&[
                    name_hash,
                    u64::from(width),
                    u64::from(height),
                    format as u64,
                    u64::from(cropped),
                ]),
                quality,
            },
            planned: false,
        })
    }

    /// The bytes of each of `versions` of photo `n` (from the cache, else
    /// made from one decode of the photo).
    pub fn resized_bytes(&self, n: usize, versions: &[&Version]) -> Result<Vec<Vec<u8>>> {
        let photo = &self.photos[n];
        let mut image = None;
        let mut out = Vec::with_capacity(versions.len());
        for v in versions {
            let path = self.cache_path(v.key, v.format);
            if let Ok(bytes) = std::fs::read(&path) {
                out.push(bytes);
                continue;
            }
            let image = match &mut image {
                Some(image) => image,
                None => image.insert(self.decode_photo(photo)?),
            };
            let sized = match v.fill {
                true => fill(image, v.width, v.height)?,
                false => resize(image, v.width, v.height)?,
            };
            let bytes = encode(&sized, v.format, v.quality)
                .map_err(|m| Error::in_file(&photo.source, m))?;
            self.store(&path, &bytes);
            out.push(bytes);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_follow_zola_and_never_grow() {
        let s = |op, w, h| size(op, 3000, 2000, w, h).unwrap();
        assert_eq!(s(Op::Scale, Some(300), Some(300)), (300, 300));
        assert_eq!(s(Op::FitWidth, Some(600), None), (600, 400));
        assert_eq!(s(Op::FitHeight, None, Some(500)), (750, 500));
        assert_eq!(s(Op::Fit, Some(600), Some(600)), (600, 400));
        assert_eq!(s(Op::Fit, Some(900), Some(300)), (450, 300));
        assert_eq!(s(Op::Fill, Some(1200), Some(630)), (1200, 630));
        // Larger than the photo: the photo's size, or the largest of the
        // asked shape it holds.
        assert_eq!(s(Op::FitWidth, Some(5000), None), (3000, 2000));
        assert_eq!(s(Op::Fit, Some(9000), Some(9000)), (3000, 2000));
        assert_eq!(s(Op::Fill, Some(4000), Some(4000)), (2000, 2000));
        assert_eq!(s(Op::Fill, Some(6000), Some(1000)), (3000, 500));
        assert!(
            size(Op::Fit, 10, 10, Some(5), None)
                .unwrap_err()
                .contains("height")
        );
        assert!(size(Op::FitWidth, 10, 10, Some(0), None).is_err());
    }
}
