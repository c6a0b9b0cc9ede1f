//! A theme's templates, static files and translated strings, layered: the
//! default theme compiled into the binary, then the theme folder on disk,
//! then the site's own `templates/` and `static/`.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use include_dir::{Dir, include_dir};

use crate::config::Config;
use crate::error::{Error, Result};

static DEFAULT_THEME: Dir = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// Where a file of the theme came from, for error messages.
#[derive(Debug, Clone)]
pub enum Origin {
    Embedded(String),
    Disk(PathBuf),
}

impl Origin {
    pub fn display(&self) -> String {
        match self {
            Origin::Embedded(p) => format!("(built-in default theme) {p}"),
            Origin::Disk(p) => p.display().to_string(),
        }
    }
}

/// The layered theme of a site.
pub struct Theme {
    /// Template name → (source, origin).
    pub templates: BTreeMap<String, (String, Origin)>,
    /// Output path → bytes, theme statics then the site's `static/`.
    pub statics: BTreeMap<String, StaticFile>,
    /// Stylesheets under a name with a hash of their bytes
    /// (`style.css` → `style.1a2b3c4d.css`), so browsers can cache them for
    /// good; `asset(path=…)` in templates gives the hashed URL.
    pub fingerprinted: BTreeMap<String, String>,
    pub strings: Strings,
    /// The site's `data/` files by path (`data/desk.toml`), read at load
    /// for `load_data`. Not in every page's fingerprint: a page is made
    /// again when a file it loaded changes (see `render::queries`).
    pub data: BTreeMap<String, std::sync::Arc<Vec<u8>>>,
}

/// A file copied verbatim to the output.
#[derive(Debug, Clone)]
pub enum StaticFile {
    Embedded(&'static [u8]),
    Disk(PathBuf),
}

impl StaticFile {
    pub fn read(&self) -> Result<Vec<u8>> {
        match self {
            StaticFile::Embedded(bytes) => Ok(bytes.to_vec()),
            StaticFile::Disk(path) => std::fs::read(path).map_err(|e| Error::io(path, e)),
        }
    }
}

impl Theme {
    pub fn load(root: &Path, config: &Config) -> Result<Theme> {
        let mut templates = BTreeMap::new();
        let mut statics = BTreeMap::new();
        // Every layer's strings files, in order: the built-in theme's, the
        // theme folder's, the site's own `i18n/`; merged key by key.
        let mut string_files: Vec<(String, (String, Origin))> = Vec::new();
        let theme_dir = root.join("themes").join(&config.theme);
        if config.theme == "default" {
            embedded(&DEFAULT_THEME, &mut |path, bytes| {
                let origin = Origin::Embedded(path.to_string());
                let text = || String::from_utf8_lossy(bytes).into_owned();
                if let Some(name) = path.strip_prefix("templates/") {
                    templates.insert(name.to_string(), (text(), origin));
                } else if let Some(name) = path.strip_prefix("static/") {
                    statics.insert(name.to_string(), StaticFile::Embedded(bytes));
                } else if let Some(name) = path.strip_prefix("i18n/") {
                    string_files.push((name.to_string(), (text(), origin)));
                }
            });
        } else if !theme_dir.is_dir() {
            return Err(Error::in_file(
                root.join("site.toml"),
                format!("theme `{}` not found", config.theme),
            )
            .with_help(format!(
                "create {} or set theme = \"default\"",
                theme_dir.display()
            )));
        }
        for (dir, target) in [
            (theme_dir.join("templates"), Layer::Templates),
            (theme_dir.join("static"), Layer::Static),
            (theme_dir.join("i18n"), Layer::Strings),
            (root.join("templates"), Layer::Templates),
            (root.join("static"), Layer::Static),
            (root.join("i18n"), Layer::Strings),
        ] {
            for (name, path) in files_under(&dir)? {
                match target {
                    Layer::Static => {
                        statics.insert(name, StaticFile::Disk(path));
                    }
                    Layer::Templates | Layer::Strings => {
                        let text =
                            std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
                        match target {
                            // The theme's own version of a template the
                            // site replaces stays as `theme/<name>`, so the
                            // site's can extend it: `{% extends
                            // "theme/base.html" %}` and one block changed.
                            Layer::Templates if dir.starts_with(root.join("templates")) => {
                                if let Some(theirs) =
                                    templates.insert(name.clone(), (text, Origin::Disk(path)))
                                {
                                    templates.insert(format!("theme/{name}"), theirs);
                                }
                            }
                            Layer::Templates => {
                                templates.insert(name, (text, Origin::Disk(path)));
                            }
                            _ => string_files.push((name, (text, Origin::Disk(path)))),
                        }
                    }
                }
            }
        }
        let strings = Strings::parse(string_files, &config.default_language)?;
        let mut fingerprinted = BTreeMap::new();
        for (name, file) in &statics {
            if let Some(stem) = name.strip_suffix(".css") {
                let hash = crate::fingerprint::of_bytes(&file.read()?) as u32;
                fingerprinted.insert(name.clone(), format!("{stem}.{hash:08x}.css"));
            }
        }
        let mut data = BTreeMap::new();
        for (name, path) in files_under(&root.join("data"))? {
            let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
            data.insert(format!("data/{name}"), std::sync::Arc::new(bytes));
        }
        Ok(Theme {
            templates,
            statics,
            fingerprinted,
            strings,
            data,
        })
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Layer {
    Templates,
    Static,
    Strings,
}

/// The built-in theme's templates, by name (`base.html`,
/// `shortcodes/figure.html`): what `bulletin theme eject` copies.
pub fn builtin_templates() -> Vec<(String, &'static [u8])> {
    let mut all = Vec::new();
    embedded(&DEFAULT_THEME, &mut |path, bytes| {
        if let Some(name) = path.strip_prefix("templates/") {
            all.push((name.to_string(), bytes));
        }
    });
    all.sort();
    all
}

fn embedded(dir: &'static Dir<'static>, visit: &mut dyn FnMut(&str, &'static [u8])) {
    for file in dir.files() {
        visit(
            &file.path().to_string_lossy().replace('\\', "/"),
            file.contents(),
        );
    }
    for sub in dir.dirs() {
        embedded(sub, visit);
    }
}

/// Files under `dir` as (relative path with `/`, full path), skipping
/// hidden files and editor leftovers.
pub fn files_under(dir: &Path) -> Result<Vec<(String, PathBuf)>> {
    let mut files = Vec::new();
    if !dir.is_dir() {
        return Ok(files);
    }
    let walker = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0 || !crate::content::is_ignored(&e.file_name().to_string_lossy())
        });
    for entry in walker {
        let entry = entry.map_err(|e| Error::msg(format!("cannot read {}: {e}", dir.display())))?;
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
            let name = rel
                .iter()
                .map(|p| p.to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            files.push((name, entry.into_path()));
        }
    }
    Ok(files)
}

/// One value of a strings file: a text, or its plural forms.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum StringValue {
    Plain(String),
    Plural(BTreeMap<String, String>),
}

/// The theme's translated strings (`i18n/<lang>.toml`), read through `t()`.
pub struct Strings {
    by_lang: HashMap<String, HashMap<String, String>>,
    /// Strings with plural forms, per language: key → CLDR category
    /// (`zero`, `one`, `two`, `few`, `many`, `other`) → text.
    plurals: HashMap<String, HashMap<String, BTreeMap<String, String>>>,
    /// The same strings as template values, which `t()` hands out without
    /// copying them (it is called a dozen times on every page): per
    /// language, sorted by key, searched without hashing.
    values: Vec<(String, Vec<(String, tera::Value)>)>,
    default_lang: String,
    missing: Mutex<std::collections::BTreeSet<(String, String)>>,
}

impl Strings {
    /// Reads `files` (name, text, origin), later ones overriding earlier
    /// ones key by key: a site's `i18n/fa.toml` holding one string changes
    /// that string and keeps the theme's others.
    fn parse(files: Vec<(String, (String, Origin))>, default_lang: &str) -> Result<Strings> {
        let mut by_lang: HashMap<String, HashMap<String, String>> = HashMap::new();
        let mut plurals: HashMap<String, HashMap<String, BTreeMap<String, String>>> =
            HashMap::new();
        for (name, (text, origin)) in files {
            let Some(lang) = name.strip_suffix(".toml") else {
                continue;
            };
            let table: BTreeMap<String, StringValue> = toml::from_str(&text).map_err(|e| {
                let file = origin.display();
                Error::at_offset(
                    file,
                    &text,
                    e.span().map_or(0, |s| s.start),
                    e.message().trim().to_string(),
                )
                .with_help("theme strings are `key = \"text\"` lines, or plural forms: `key = { one = \"{count} minute\", other = \"{count} minutes\" }`")
            })?;
            for (key, value) in table {
                match value {
                    StringValue::Plain(text) => {
                        plurals.entry(lang.to_string()).or_default().remove(&key);
                        by_lang
                            .entry(lang.to_string())
                            .or_default()
                            .insert(key, text);
                    }
                    StringValue::Plural(forms) => {
                        let known = ["zero", "one", "two", "few", "many", "other"];
                        let bad = forms.keys().find(|k| !known.contains(&k.as_str()));
                        if bad.is_some() || !forms.contains_key("other") {
                            let at = text.find(&format!("{key} ")).unwrap_or(0);
                            return Err(Error::at_offset(
                                origin.display(),
                                &text,
                                at,
                                match bad {
                                    Some(b) => format!("`{key}` has the plural form `{b}`, which CLDR does not have"),
                                    None => format!("`{key}` has no `other` form"),
                                },
                            )
                            .with_help("plural forms are zero, one, two, few, many and other (always give other)"));
                        }
                        // Plain uses (no count) get the `other` form.
                        by_lang
                            .entry(lang.to_string())
                            .or_default()
                            .insert(key.clone(), forms["other"].clone());
                        plurals
                            .entry(lang.to_string())
                            .or_default()
                            .insert(key, forms);
                    }
                }
            }
        }
        let values = by_lang
            .iter()
            .map(|(lang, strings): (&String, &HashMap<String, String>)| {
                let mut values: Vec<(String, tera::Value)> = strings
                    .iter()
                    .map(|(k, v)| (k.clone(), tera::Value::from(v.as_str())))
                    .collect();
                values.sort_by(|a, b| a.0.cmp(&b.0));
                (lang.clone(), values)
            })
            .collect();
        Ok(Strings {
            by_lang,
            plurals,
            values,
            default_lang: default_lang.to_string(),
            missing: Mutex::default(),
        })
    }

    /// The string `key` in `lang`, else in the default language, else the key
    /// itself; each miss is remembered once for a warning.
    pub fn get(&self, lang: &str, key: &str) -> String {
        if let Some(s) = self.by_lang.get(lang).and_then(|m| m.get(key)) {
            return s.clone();
        }
        self.missing
            .lock()
            .expect("no panics while locked")
            .insert((lang.to_string(), key.to_string()));
        self.by_lang
            .get(&self.default_lang)
            .and_then(|m| m.get(key))
            .cloned()
            .unwrap_or_else(|| key.to_string())
    }

    /// [`Strings::get`] as a template value.
    pub fn value(&self, lang: &str, key: &str) -> tera::Value {
        let found = self
            .values
            .iter()
            .find(|(l, _)| l == lang)
            .and_then(|(_, values)| {
                let at = values.binary_search_by(|(k, _)| k.as_str().cmp(key)).ok()?;
                Some(&values[at].1)
            });
        match found {
            Some(v) => v.clone(),
            None => tera::Value::from(self.get(lang, key)),
        }
    }

    /// The string `key` in `lang` for `count` (its plural form by `rules`),
    /// with `{name}` placeholders filled from `args` (`{count}` too, in the
    /// language's digits by `number`).
    pub fn format(
        &self,
        lang: &str,
        key: &str,
        count: Option<i64>,
        args: &[(String, String)],
        rules: Option<&icu_plurals::PluralRules>,
        number: &dyn Fn(i64) -> String,
    ) -> String {
        // The language's own forms; the default language's only when the
        // language has no such string at all.
        let own = self.by_lang.get(lang).is_some_and(|m| m.contains_key(key));
        let forms = match own {
            true => self.plurals.get(lang).and_then(|p| p.get(key)),
            false => self
                .plurals
                .get(&self.default_lang)
                .and_then(|p| p.get(key)),
        };
        let mut text = match (forms, count, rules) {
            (Some(forms), Some(n), Some(rules)) => {
                use icu_plurals::PluralCategory as C;
                let category = match rules.category_for(n.unsigned_abs()) {
                    C::Zero => "zero",
                    C::One => "one",
                    C::Two => "two",
                    C::Few => "few",
                    C::Many => "many",
                    C::Other => "other",
                };
                forms.get(category).unwrap_or(&forms["other"]).clone()
            }
            _ => self.get(lang, key),
        };
        if let Some(n) = count {
            text = text.replace("{count}", &number(n));
        }
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }

    /// A fingerprint of every string in every language.
    pub fn fingerprint(&self) -> u64 {
        let mut langs: Vec<(&String, &HashMap<String, String>)> = self.by_lang.iter().collect();
        langs.sort_by_key(|(lang, _)| *lang);
        let mut f = crate::fingerprint::Fingerprint::new().with(&self.default_lang);
        for (lang, strings) in langs {
            let mut pairs: Vec<(&String, &String)> = strings.iter().collect();
            pairs.sort();
            f = f.with(lang).with(&pairs);
        }
        let mut langs: Vec<&String> = self.plurals.keys().collect();
        langs.sort();
        for lang in langs {
            let mut forms: Vec<_> = self.plurals[lang].iter().collect();
            forms.sort();
            f = f.with(lang).with(&forms);
        }
        f.value()
    }

    /// Missing keys seen so far, as (language, key).
    pub fn take_missing(&self) -> Vec<(String, String)> {
        std::mem::take(&mut *self.missing.lock().expect("no panics while locked"))
            .into_iter()
            .collect()
    }
}
