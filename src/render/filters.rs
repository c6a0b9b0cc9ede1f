//! The template filters bulletin adds to Tera's: `date`, `digits`,
//! `safe`, `absolute_links` and `json`.

use std::sync::Arc;

use tera::{Kwargs, State, Tera, Value};

use super::templates::{absolute_links, in_lang};
use crate::config::Config;
use crate::locale::dates::{DateFormat, SiteDates};

/// Registers every filter.
pub(super) fn register(tera: &mut Tera, config: &Config, dates: &Arc<SiteDates>) {
    let d = Arc::clone(dates);
    let zones: std::collections::HashMap<String, jiff::tz::TimeZone> = (config.languages.iter())
        .filter_map(|l| {
            Some((
                l.code.clone(),
                crate::locale::dates::time_zone(&l.timezone).ok()?,
            ))
        })
        .collect();
    tera.register_filter(
        "date",
        move |value: &str, kwargs: Kwargs, state: &State| -> tera::TeraResult<String> {
            let format_name: &str = kwargs.get("format")?.unwrap_or("long");
            let format = DateFormat::parse(format_name).ok_or_else(|| {
            tera::Error::message(format!(
                "unknown date format `{format_name}`: use long, medium, short, month_year or year"
            ))
        })?;
            // `zone="written"`: the day in the offset the author wrote (a
            // dateline); else the day in the edition's zone.
            let written = kwargs.get::<&str>("zone")? == Some("written");
            in_lang(&kwargs, state, |lang| {
                let civil = match zones.get(lang) {
                    Some(zone) if !written => value
                        .parse::<jiff::Timestamp>()
                        .ok()
                        .map(|t| t.to_zoned_datetime(zone.clone()).date()),
                    _ => None,
                };
                // An RFC 3339 string carries the written date in its first
                // ten characters; a bare date has no instant to move.
                let civil: jiff::civil::Date = civil
                    .or_else(|| value.get(..10).and_then(|s| s.parse().ok()))
                    .ok_or_else(|| tera::Error::message(format!("`{value}` is not a date")))?;
                let formatters = d.get(lang).ok_or_else(|| {
                    tera::Error::message(format!("`{lang}` is not a language of this site"))
                })?;
                Ok(formatters.format(civil, format))
            })
        },
    );
    let d = Arc::clone(dates);
    tera.register_filter(
        "digits",
        move |value: Value, kwargs: Kwargs, state: &State| -> tera::TeraResult<String> {
            let text = match value.as_str() {
                Some(s) => s.to_string(),
                None => value.to_string(),
            };
            in_lang(&kwargs, state, |lang| {
                Ok(d.get(lang)
                    .map_or(text.clone(), |f| f.localize_digits(&text)))
            })
        },
    );
    // Tera's own `safe` copies the text, even text already safe: a page's
    // body or a list's cards were copied once more on every page.
    tera.register_filter(
        "safe",
        |value: Value, _: Kwargs, _: &State| -> tera::TeraResult<Value> {
            Ok(match value.as_str() {
                _ if value.is_safe() => value,
                Some(text) => Value::safe_string(text),
                None => Value::safe_string(&value.to_string()),
            })
        },
    );
    // Feeds are read away from the site: root-relative links in article
    // HTML become absolute.
    let origin = config.base_url[..config.base_url.len() - config.base_path.len()].to_string();
    tera.register_filter(
        "absolute_links",
        move |html: &str, _: Kwargs, _: &State| -> tera::TeraResult<String> {
            Ok(absolute_links(html, &origin))
        },
    );
    // JSON for <script type="application/ld+json">: `<`, `>` and `&` are
    // escaped so no value can close the script element. Maps go through
    // serde_json's, whose keys are sorted: Tera's own are in hash order, and
    // two builds of one site must write the same bytes.
    tera.register_filter(
        "json",
        |value: Value, _: Kwargs, _: &State| -> tera::TeraResult<Value> {
            let json = serde_json::to_value(&value)
                .and_then(|v| serde_json::to_string(&v))
                .map_err(|e| tera::Error::message(e.to_string()))?;
            Ok(Value::safe_string(&super::context::script_safe_json(json)))
        },
    );
}
