//! The shortcodes a site has (templates under `shortcodes/`, the site's
//! over the theme's), what each declares it takes, and the checks of every
//! story's calls against them, made before anything is rendered so that a
//! build reports every bad call at once.

use std::collections::BTreeMap;

use crate::content::shortcodes::{Param, check_args, signature};
use crate::error::{Error, Errors};
use crate::fingerprint::Fingerprint;
use crate::site::Site;
use crate::theme::Theme;

/// One shortcode template.
#[derive(Debug, Clone)]
pub struct Shortcode {
    /// The template's name: `shortcodes/youtube.html`.
    pub template: String,
    /// What its first line declares it takes (`None`: not declared, any
    /// arguments are passed as they are).
    pub params: Option<Vec<Param>>,
    /// A fingerprint of its text: a story that calls it is made again
    /// when it changes, and only such a story.
    pub print: u64,
}

/// Every shortcode, by name.
#[derive(Debug, Clone, Default)]
pub struct Shortcodes(pub BTreeMap<String, Shortcode>);

/// Where shortcode templates are, among the theme's templates.
pub const FOLDER: &str = "shortcodes/";

impl Shortcodes {
    /// The theme's shortcodes; an error for a signature that cannot be read.
    pub fn of(theme: &Theme) -> Result<Shortcodes, Errors> {
        let mut all = BTreeMap::new();
        let mut errors = Vec::new();
        for (name, (text, origin)) in &theme.templates {
            let Some(short) = name
                .strip_prefix(FOLDER)
                .and_then(|n| n.strip_suffix(".html"))
            else {
                continue;
            };
            let params = match signature(text) {
                None => None,
                Some(Ok(params)) => Some(params),
                Some(Err(message)) => {
                    errors.push(
                        Error::in_file(origin.display(), message).with_help(
                            "declare the arguments on the first line: {# shortcode name(id: string, start: number = 0) #}",
                        ),
                    );
                    continue;
                }
            };
            all.insert(
                short.to_string(),
                Shortcode {
                    template: name.clone(),
                    params,
                    print: Fingerprint::new().with(name).with(text).value(),
                },
            );
        }
        Errors::result(errors)?;
        Ok(Shortcodes(all))
    }

    /// Every story's calls: an unknown shortcode or a bad argument is an
    /// error at the call's line and column; all of them are reported.
    pub fn check(&self, site: &Site) -> Result<(), Errors> {
        let mut errors = Vec::new();
        for a in &site.articles {
            for call in &a.shortcodes {
                let at = |message: String, help: String| {
                    Error {
                        position: Some(call.position),
                        ..Error::in_file(&a.source, message)
                    }
                    .with_help(help)
                };
                match self.0.get(&call.name) {
                    None => errors.push(at(
                        format!("there is no shortcode `{}`", call.name),
                        format!(
                            "use one of {}, or add templates/{FOLDER}{}.html to the site",
                            self.names(),
                            call.name
                        ),
                    )),
                    Some(Shortcode {
                        params: Some(params),
                        ..
                    }) => {
                        if let Err((message, help)) = check_args(&call.name, &call.args, params) {
                            errors.push(at(message, help));
                        }
                    }
                    Some(_) => {}
                }
                if let Some(target) = &call.target
                    && site.link_path(target).is_none()
                {
                    errors.push(at(
                        format!("`{}` names @/{target}, which does not exist", call.name),
                        "write @/ paths as @/<language>/<section>/<file>.md, relative to content/"
                            .into(),
                    ));
                }
            }
        }
        Errors::result(errors)
    }

    /// The names, for an error.
    pub fn names(&self) -> String {
        let names: Vec<&str> = self.0.keys().map(String::as_str).collect();
        names.join(", ")
    }

    /// What a story's calls read of the templates: each one's fingerprint.
    pub fn prints<'a>(&self, calls: impl Iterator<Item = &'a str>) -> Vec<u64> {
        let mut prints: Vec<u64> = calls
            .filter_map(|name| self.0.get(name).map(|s| s.print))
            .collect();
        prints.sort_unstable();
        prints.dedup();
        prints
    }
}
