//! The template functions: `t`, `url`, `cached`, `asset`,
//! `get_image_metadata` and `resize_image`.

use std::sync::Arc;

use tera::{Kwargs, State, Tera, Value};

use super::templates::{Partials, in_lang};
use crate::config::Config;
use crate::theme::Theme;

/// Registers every function.
pub(super) fn register(
    tera: &mut Tera,
    config: &Config,
    theme: &Arc<Theme>,
    partials: &Arc<Partials>,
    resizes: &Arc<super::resized::Resizes>,
    dates: &Arc<crate::locale::dates::SiteDates>,
) {
    let strings = Arc::clone(theme);
    let plurals: std::collections::HashMap<String, icu_plurals::PluralRules> =
        (config.languages.iter())
            .filter_map(|l| {
                let locale: icu_locale_core::Locale = l.code.parse().ok()?;
                let rules = icu_plurals::PluralRules::try_new_cardinal((&locale).into()).ok()?;
                Some((l.code.clone(), rules))
            })
            .collect();
    let dates = Arc::clone(dates);
    tera.register_function(
        "t",
        move |kwargs: Kwargs, state: &State| -> tera::TeraResult<Value> {
            let key: &str = kwargs.must_get("key")?;
            // `t(key=…)` alone: the string as it is, shared, not copied.
            let plain = kwargs
                .iter()
                .all(|(k, _)| matches!(k.as_str(), Some("key" | "lang")));
            if plain {
                return in_lang(&kwargs, state, |lang| Ok(strings.strings.value(lang, key)));
            }
            let count = match kwargs.get::<Value>("count")? {
                None => None,
                Some(v) => Some(v.as_i64().ok_or_else(|| {
                    tera::Error::message(format!(
                        "t(key=\"{key}\"): count must be a whole number, not {v}"
                    ))
                })?),
            };
            let args: Vec<(String, String)> = (kwargs.iter())
                .filter_map(|(k, v)| {
                    let k = k.as_str()?;
                    (!matches!(k, "key" | "lang" | "count")).then(|| {
                        (
                            k.to_string(),
                            v.as_str().map_or_else(|| v.to_string(), str::to_string),
                        )
                    })
                })
                .collect();
            in_lang(&kwargs, state, |lang| {
                let number = |n: i64| {
                    dates
                        .get(lang)
                        .map_or_else(|| n.to_string(), |d| d.number(n))
                };
                Ok(Value::from(strings.strings.format(
                    lang,
                    key,
                    count,
                    &args,
                    plurals.get(lang),
                    &number,
                )))
            })
        },
    );
    let cfg = config.clone();
    tera.register_function(
        "url",
        move |kwargs: Kwargs, state: &State| -> tera::TeraResult<String> {
            let path: String = kwargs.must_get("path")?;
            let path = path.trim_start_matches('/');
            in_lang(&kwargs, state, |lang| {
                let prefix = cfg.language(lang).map_or("", |l| l.prefix.as_str());
                Ok(cfg.relative_url(&format!("{prefix}/{path}")))
            })
        },
    );

    let p = Arc::clone(partials);
    tera.register_function(
        "cached",
        move |kwargs: Kwargs, state: &State| -> tera::TeraResult<Value> {
            in_lang(&kwargs, state, |lang| p.render(&kwargs, lang))
        },
    );

    let assets = Arc::clone(theme);
    let base_path = config.base_path.clone();
    tera.register_function(
        "asset",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let path: String = kwargs.must_get("path")?;
            let path = path.trim_start_matches('/');
            let name = assets.fingerprinted.get(path).map_or(path, String::as_str);
            Ok(format!("{base_path}/{}", crate::url::encode_path(name)))
        },
    );

    // Zola's `get_image_metadata`, for the photos the site shows.
    let photos = Arc::clone(&resizes.photos);
    let cfg = config.clone();
    tera.register_function(
        "get_image_metadata",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
            let path: String = kwargs.must_get("path")?;
            let photo = &photos.photos[find_photo(&photos, "get_image_metadata", &path)?];
            let f = &photo.facts;
            let largest = photo.largest();
            Ok(Value::from_serializable(&serde_json::json!({
                "width": f.width,
                "height": f.height,
                "format": format!("{:?}", f.kind).to_lowercase(),
                "url": cfg.relative_url(&largest.path),
                "caption": f.caption,
                "credit": f.credit,
                "taken": f.taken,
            })))
        },
    );

    // Zola's `resize_image`: the file is published by the build that
    // renders the call (see `super::resized`).
    let resizes = Arc::clone(resizes);
    let cfg = config.clone();
    tera.register_function(
        "resize_image",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
            let path: String = kwargs.must_get("path")?;
            let fail =
                |m: String| tera::Error::message(format!("resize_image(path=\"{path}\"): {m}"));
            let n = find_photo(&resizes.photos, "resize_image", &path)?;
            let op = kwargs.get::<&str>("op")?.unwrap_or("fill");
            let format = kwargs.get::<&str>("format")?.unwrap_or("auto");
            let request = crate::images::Request {
                source: resizes.photos.photos[n].source.clone(),
                op: crate::images::Op::parse(op).map_err(fail)?,
                width: kwargs.get::<u32>("width")?,
                height: kwargs.get::<u32>("height")?,
                format: crate::images::resized::parse_format(format).map_err(fail)?,
                quality: kwargs.get::<u8>("quality")?,
            };
            let facts = &resizes.photos.photos[n].facts;
            let (orig_width, orig_height) = (facts.width, facts.height);
            let resized = resizes.ask(request).map_err(fail)?;
            let v = &resized.version;
            Ok(Value::from_serializable(&serde_json::json!({
                "url": cfg.relative_url(&v.path),
                "static_path": v.path,
                "permalink": cfg.absolute_url(&v.path),
                "width": v.width,
                "height": v.height,
                "orig_width": orig_width,
                "orig_height": orig_height,
            })))
        },
    );
}

/// The number of the site's photo at `path` (as the site root, `content/`
/// or `static/` sees it), or an error saying which photos can be named.
fn find_photo(
    photos: &crate::images::Photos,
    function: &str,
    path: &str,
) -> tera::TeraResult<usize> {
    let rel = path.trim_start_matches('/');
    [rel.to_string(), format!("static/{rel}"), format!("content/{rel}")]
        .into_iter()
        .find_map(|p| photos.index_of(std::path::Path::new(&p)))
        .ok_or_else(|| {
            tera::Error::message(format!(
                "{function}: `{path}` is not a photo the site shows (a story folder's photo, a lead image or an image in a story, as content/… or static/…; a story's own is `page.image_path`)"
            ))
        })
}
