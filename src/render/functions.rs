//! The template functions: `t`, `url`, `cached`, `asset` and
//! `get_image_metadata`.

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
    photos: &Arc<crate::images::Photos>,
) {
    let strings = Arc::clone(theme);
    tera.register_function(
        "t",
        move |kwargs: Kwargs, state: &State| -> tera::TeraResult<Value> {
            let key: &str = kwargs.must_get("key")?;
            in_lang(&kwargs, state, |lang| Ok(strings.strings.value(lang, key)))
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
    let photos = Arc::clone(photos);
    let cfg = config.clone();
    tera.register_function(
        "get_image_metadata",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
            let path: String = kwargs.must_get("path")?;
            let rel = path.trim_start_matches('/');
            let found = [rel.to_string(), format!("static/{rel}"), format!("content/{rel}")]
                .into_iter()
                .find_map(|p| photos.get(std::path::Path::new(&p)));
            let Some(photo) = found else {
                return Err(tera::Error::message(format!(
                    "get_image_metadata: `{path}` is not a photo the site shows (a story folder's photo, a lead image or an image in a story, as content/… or static/…)"
                )));
            };
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
}
