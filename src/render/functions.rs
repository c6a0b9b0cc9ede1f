//! The template functions: `t`, `url`, `cached` and `asset`.

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
}
