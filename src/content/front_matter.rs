//! Front matter in TOML (`+++`) or YAML (`---`), with errors placed at the
//! line and column of the article file itself.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::config::{find_key, toml_message, with_key};
use crate::error::{Error, Result};

/// Keys every article may carry (configured taxonomies come on top): the
/// fields of [`FrontMatter`], read from the struct itself so that the list
/// cannot fall behind it.
pub fn front_matter_keys() -> &'static [&'static str] {
    static KEYS: std::sync::OnceLock<&'static [&'static str]> = std::sync::OnceLock::new();
    KEYS.get_or_init(field_names::<FrontMatter>)
}

/// Keys of a section's `_index.md`: the fields of [`SectionFrontMatter`].
pub fn section_keys() -> &'static [&'static str] {
    static KEYS: std::sync::OnceLock<&'static [&'static str]> = std::sync::OnceLock::new();
    KEYS.get_or_init(field_names::<SectionFrontMatter>)
}

/// The field names serde knows a struct by, as its derived `Deserialize`
/// hands them to the deserializer (skipped fields are not among them).
fn field_names<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    struct Fields(Option<&'static [&'static str]>);
    impl<'de> serde::Deserializer<'de> for &mut Fields {
        type Error = serde::de::value::Error;
        fn deserialize_any<V: serde::de::Visitor<'de>>(
            self,
            _: V,
        ) -> std::result::Result<V::Value, Self::Error> {
            Err(serde::de::Error::custom("not a struct"))
        }
        fn deserialize_struct<V: serde::de::Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> std::result::Result<V::Value, Self::Error> {
            self.0 = Some(fields);
            Err(serde::de::Error::custom("fields read"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
            bytes byte_buf option unit unit_struct newtype_struct seq tuple
            tuple_struct map enum identifier ignored_any
        }
    }
    let mut fields = Fields(None);
    let _ = T::deserialize(&mut fields);
    fields.0.unwrap_or(&[])
}

/// A file split into its front matter and body.
pub struct Split<'a> {
    pub format: Format,
    /// The front matter text, and its byte offset in the file.
    pub text: &'a str,
    pub offset: usize,
    pub body: &'a str,
    /// The body's byte offset in the file.
    pub body_offset: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Toml,
    Yaml,
}

/// Splits `file` at its front-matter fences, if it opens with one.
pub fn split<'a>(path: &Path, file: &'a str) -> Result<Option<Split<'a>>> {
    let first = file.lines().next().unwrap_or("").trim_end();
    let (format, fence) = match first {
        "+++" => (Format::Toml, "+++"),
        "---" => (Format::Yaml, "---"),
        _ => return Ok(None),
    };
    let start = file.find('\n').map_or(file.len(), |i| i + 1);
    let mut offset = start;
    for line in file[start..].split_inclusive('\n') {
        if line.trim_end() == fence {
            return Ok(Some(Split {
                format,
                text: &file[start..offset],
                offset: start,
                body: &file[offset + line.len()..],
                body_offset: offset + line.len(),
            }));
        }
        offset += line.len();
    }
    Err(Error::at_offset(
        path,
        file,
        0,
        format!("front matter opened with `{fence}` is never closed"),
    )
    .with_help(format!(
        "add a line with only `{fence}` after the front matter"
    )))
}

/// A date as written: a string, or a TOML datetime (unquoted).
#[derive(Debug, Clone)]
pub struct DateText(pub String);

impl<'de> Deserialize<'de> for DateText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = DateText;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a date such as 2018-07-12 or 2018-07-12T07:08:00+04:30")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<DateText, E> {
                Ok(DateText(v.to_string()))
            }
            // toml hands an unquoted datetime over as a one-entry map.
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<DateText, A::Error> {
                let (_, v): (String, String) = map
                    .next_entry()?
                    .ok_or_else(|| serde::de::Error::custom("empty date"))?;
                Ok(DateText(v))
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// An article's front matter, every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub date: Option<DateText>,
    pub timezone: Option<String>,
    pub updated: Option<DateText>,
    pub slug: Option<String>,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub translation_key: Option<String>,
    pub draft: bool,
    /// When the story may appear (an embargo); else its `date`.
    pub publish_date: Option<DateText>,
    /// When the story goes away everywhere.
    pub expiry_date: Option<DateText>,
    /// Taken down now, everywhere.
    pub unpublished: bool,
    /// `[[corrections]]`: what was corrected, and when.
    pub corrections: Vec<CorrectionText>,
    pub aliases: Vec<String>,
    pub authors: Vec<String>,
    pub image: Option<String>,
    pub image_alt: Option<String>,
    /// The lead photo's caption and credit (else the photo's own).
    pub image_caption: Option<String>,
    pub image_credit: Option<String>,
    pub template: Option<String>,
    /// Its place in a section sorted by weight (lightest first).
    pub weight: Option<i64>,
    /// A story, or a page (about, contact): undated files are pages.
    pub kind: Option<Kind>,
    /// On the front page's lead slot.
    pub featured: bool,
    /// Kept out of the search index and from search engines.
    pub noindex: bool,
    pub extra: Option<serde_json::Value>,
    /// Filled from the configured taxonomy keys.
    #[serde(skip)]
    pub taxonomies: BTreeMap<String, Vec<String>>,
}

/// One `[[corrections]]` entry as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorrectionText {
    pub date: DateText,
    pub text: String,
}

/// A section's `_index.md` front matter.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SectionFrontMatter {
    pub title: Option<String>,
    pub description: Option<String>,
    pub sort_by: Option<SortBy>,
    pub paginate_by: Option<usize>,
    pub template: Option<String>,
    pub translation_key: Option<String>,
    /// Its place in the navigation (lightest first, then by title).
    pub weight: Option<i64>,
    /// A term's photo (an author's portrait), in a term's `_index.md`.
    pub image: Option<String>,
    pub extra: Option<serde_json::Value>,
}

/// What a content file is: a dated story, or a page outside the news
/// flow (no date, not in home lists, feeds or archives).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Story,
    Page,
}

/// How a section orders its articles.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SortBy {
    /// Newest first.
    #[default]
    Date,
    Title,
    /// By `weight`, lightest first (stories without one last, newest first).
    Weight,
}

/// Where a key sits, for errors about values that parsed but are wrong.
pub fn key_offset(split: &Split, key: &str) -> usize {
    split.offset + find_key(split.text, key).unwrap_or(0)
}

/// Parses the front matter of an article. `allowed` are the keys beyond the
/// fixed ones (the taxonomies for articles).
pub fn parse_article(
    path: &Path,
    file: &str,
    split: &Split,
    taxonomies: &[String],
) -> Result<FrontMatter> {
    let mut fm = match split.format {
        Format::Toml => parse_toml_article(path, file, split, taxonomies)?,
        _ => parse_other_article(path, file, split, taxonomies)?,
    };
    // A taxonomy named `authors` is the bylines: one list, read once.
    if let Some(authors) = fm.taxonomies.get("authors") {
        fm.authors = authors.clone();
    }
    Ok(fm)
}

/// [`parse_article`] for YAML and JSON front matter.
fn parse_other_article(
    path: &Path,
    file: &str,
    split: &Split,
    taxonomies: &[String],
) -> Result<FrontMatter> {
    let keys = top_level_keys(path, file, split)?;
    for key in &keys {
        check_article_key(path, file, split, key, taxonomies)?;
    }
    let mut fm: FrontMatter = deserialize(path, file, split)?;
    for taxonomy in taxonomies.iter().filter(|t| keys.contains(t)) {
        let terms: TermList = deserialize_key(path, file, split, taxonomy)?;
        fm.taxonomies.insert(taxonomy.clone(), terms.0);
    }
    Ok(fm)
}

/// TOML front matter, parsed once into a table that gives the keys, the
/// fixed fields and each taxonomy's terms (parsing the text for each of
/// them was 3 % of a build).
fn parse_toml_article(
    path: &Path,
    file: &str,
    split: &Split,
    taxonomies: &[String],
) -> Result<FrontMatter> {
    use toml::de::{DeTable, Deserializer};
    let error = |e: toml::de::Error| toml_error(path, file, split, &e);
    let table = DeTable::parse(split.text).map_err(error)?;
    let span = table.span();
    let (mut fixed, mut terms) = (DeTable::new(), Vec::new());
    for (key, value) in table.into_inner() {
        check_article_key(path, file, split, key.get_ref(), taxonomies)?;
        if taxonomies.iter().any(|t| t == key.get_ref()) {
            terms.push((key, value));
        } else {
            fixed.insert(key, value);
        }
    }
    let mut fm =
        FrontMatter::deserialize(Deserializer::from(toml::Spanned::new(span.clone(), fixed)))
            .map_err(error)?;
    for (key, value) in terms {
        let name = key.get_ref().to_string();
        let mut one = DeTable::new();
        one.insert(key, value);
        let mut list: BTreeMap<String, TermList> =
            BTreeMap::deserialize(Deserializer::from(toml::Spanned::new(span.clone(), one)))
                .map_err(|e| {
                    Error::at_offset(
                        path,
                        file,
                        key_offset(split, &name),
                        format!("`{name}`: {}", toml_message(&e)),
                    )
                })?;
        let terms = list.remove(&name).map(|l| l.0).unwrap_or_default();
        fm.taxonomies.insert(name, terms);
    }
    Ok(fm)
}

/// An error unless `key` is a front-matter key or a configured taxonomy.
fn check_article_key(
    path: &Path,
    file: &str,
    split: &Split,
    key: &str,
    taxonomies: &[String],
) -> Result<()> {
    if front_matter_keys().contains(&key) || taxonomies.iter().any(|t| t == key) {
        return Ok(());
    }
    Err(unknown_key(path, file, split, key, front_matter_keys()).with_help(format!(
        "known keys are {}{}; put your own data under `extra`, or add `{key}` to `taxonomies` in site.toml",
        front_matter_keys().join(", "),
        taxonomies.iter().map(|t| format!(", {t}")).collect::<String>()
    )))
}

/// Parses the front matter of a section's `_index.md`.
pub fn parse_section(path: &Path, file: &str, split: &Split) -> Result<SectionFrontMatter> {
    for key in top_level_keys(path, file, split)? {
        if !section_keys().contains(&key.as_str()) {
            return Err(
                unknown_key(path, file, split, &key, section_keys()).with_help(format!(
                    "a section's _index.md takes {}",
                    section_keys().join(", ")
                )),
            );
        }
    }
    deserialize(path, file, split)
}

fn unknown_key(path: &Path, file: &str, split: &Split, key: &str, known: &[&str]) -> Error {
    Error::at_offset(
        path,
        file,
        key_offset(split, key),
        format!(
            "unknown front matter key `{key}`{}",
            crate::error::did_you_mean(key, known.iter().copied())
        ),
    )
}

/// A list of terms; a single string is taken as a list of one, unless it
/// holds a comma or a semicolon (`"film, diplomacy"` means two terms, and
/// would silently have made one).
struct TermList(Vec<String>);

impl<'de> Deserialize<'de> for TermList {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum OneOrMany {
            One(String),
            Many(Vec<String>),
        }
        match OneOrMany::deserialize(d) {
            Ok(OneOrMany::One(s)) if s.contains([',', '،', ';', '؛']) => {
                let terms: Vec<String> = s
                    .split([',', '،', ';', '؛'])
                    .map(|t| format!("{:?}", t.trim()))
                    .collect();
                Err(serde::de::Error::custom(format!(
                    "one string with commas is one term; for several write a list: [{}]",
                    terms.join(", ")
                )))
            }
            Ok(OneOrMany::One(s)) => Ok(TermList(vec![s])),
            Ok(OneOrMany::Many(v)) => Ok(TermList(v)),
            Err(_) => Err(serde::de::Error::custom(
                "expected a list of terms such as [\"culture\", \"media\"]",
            )),
        }
    }
}

fn top_level_keys(path: &Path, file: &str, split: &Split) -> Result<Vec<String>> {
    match split.format {
        Format::Toml => {
            let table: toml::Table =
                toml::from_str(split.text).map_err(|e| toml_error(path, file, split, &e))?;
            Ok(table.keys().cloned().collect())
        }
        Format::Yaml => {
            let value: serde_yaml_ng::Value = serde_yaml_ng::from_str(split.text)
                .map_err(|e| yaml_error(path, file, split, &e))?;
            match value {
                serde_yaml_ng::Value::Null => Ok(Vec::new()),
                serde_yaml_ng::Value::Mapping(m) => Ok(m
                    .keys()
                    .map(|k| k.as_str().map_or_else(|| format!("{k:?}"), str::to_owned))
                    .collect()),
                _ => Err(Error::at_offset(
                    path,
                    file,
                    split.offset,
                    "front matter must be a set of `key: value` lines",
                )),
            }
        }
    }
}

fn deserialize<T: serde::de::DeserializeOwned + Default>(
    path: &Path,
    file: &str,
    split: &Split,
) -> Result<T> {
    match split.format {
        Format::Toml => toml::from_str(split.text).map_err(|e| toml_error(path, file, split, &e)),
        Format::Yaml if split.text.trim().is_empty() => Ok(T::default()),
        Format::Yaml => {
            serde_yaml_ng::from_str(split.text).map_err(|e| yaml_error(path, file, split, &e))
        }
    }
}

/// One key's value, deserialized alone so that the struct above can ignore
/// keys whose names come from the configuration.
fn deserialize_key<T: serde::de::DeserializeOwned>(
    path: &Path,
    file: &str,
    split: &Split,
    key: &str,
) -> Result<T> {
    let at_key = |message: String| Error::at_offset(path, file, key_offset(split, key), message);
    match split.format {
        Format::Toml => {
            let mut table: toml::Table =
                toml::from_str(split.text).map_err(|e| toml_error(path, file, split, &e))?;
            let value = table.remove(key).unwrap_or(toml::Value::Array(Vec::new()));
            value
                .try_into()
                .map_err(|e: toml::de::Error| at_key(format!("`{key}`: {}", toml_message(&e))))
        }
        Format::Yaml => {
            let mut map: serde_yaml_ng::Mapping = serde_yaml_ng::from_str(split.text)
                .map_err(|e| yaml_error(path, file, split, &e))?;
            let value = map
                .remove(key)
                .unwrap_or(serde_yaml_ng::Value::Sequence(Vec::new()));
            serde_yaml_ng::from_value(value).map_err(|e| at_key(format!("`{key}`: {e}")))
        }
    }
}

fn toml_error(path: &Path, file: &str, split: &Split, e: &toml::de::Error) -> Error {
    let offset = split.offset + e.span().map_or(0, |s| s.start);
    let message = with_key(file, offset, toml_message(e));
    Error::at_offset(
        path,
        file,
        offset,
        format!("invalid TOML front matter: {message}"),
    )
}

fn yaml_error(path: &Path, file: &str, split: &Split, e: &serde_yaml_ng::Error) -> Error {
    let offset = split.offset + e.location().map_or(0, |l| l.index());
    // serde_yaml appends "at line L column C" relative to the front matter;
    // the position we print is the file's, so drop theirs.
    let message = e.to_string();
    let message = message
        .split(" at line ")
        .next()
        .unwrap_or(&message)
        .to_string();
    Error::at_offset(
        path,
        file,
        offset,
        format!("invalid YAML front matter: {message}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(file: &str) -> Result<FrontMatter> {
        let path = Path::new("content/en/a.md");
        let split = split(path, file)?.expect("has front matter");
        parse_article(path, file, &split, &["tags".to_string()])
    }

    #[test]
    fn toml_and_yaml_give_the_same_fields() {
        let t = parse(
            "+++\ntitle = \"A\"\ndate = 2018-07-12T07:08:00+04:30\ntags = [\"x\"]\n+++\nbody",
        )
        .unwrap();
        let y =
            parse("---\ntitle: A\ndate: 2018-07-12T07:08:00+04:30\ntags: [x]\n---\nbody").unwrap();
        assert_eq!(t.title, y.title);
        assert_eq!(t.date.unwrap().0, "2018-07-12T07:08:00+04:30");
        assert_eq!(y.date.unwrap().0, "2018-07-12T07:08:00+04:30");
        assert_eq!(t.taxonomies, y.taxonomies);
    }

    #[test]
    fn errors_point_into_the_article_file() {
        let e = parse("+++\ntitle = \"A\"\ndraft = maybe\n+++\n").unwrap_err();
        assert_eq!(e.position.unwrap().line, 3, "{e}");
        let e = parse("---\ntitle: A\ntags: [x\n---\n").unwrap_err();
        assert!(e.position.unwrap().line >= 3, "{e}");
        let e = parse("+++\ntitle = \"A\"\ncolour = \"red\"\n+++\n").unwrap_err();
        assert_eq!(e.position.unwrap().line, 3);
        assert!(e.message.contains("colour"));
        let e = parse("+++\ntitle = \"A\"\ntags = 3\n+++\n").unwrap_err();
        assert_eq!(e.position.unwrap().line, 3);
        assert!(e.message.contains("`tags`"), "{e}");
        let e = parse("+++\ndraft = true\ntitle = 5\n+++\n").unwrap_err();
        let at = e.position.unwrap();
        assert_eq!((at.line, at.column), (3, 9), "{e}");
        assert!(e.message.contains("`title`"), "{e}");
    }

    #[test]
    fn one_term_is_a_list_of_one() {
        let fm = parse("+++\ntitle = \"A\"\ntags = \"media\"\n+++\n").unwrap();
        assert_eq!(fm.taxonomies["tags"], ["media"]);
        assert_eq!(fm.title.as_deref(), Some("A"));
    }

    #[test]
    fn key_lists_come_from_the_structs() {
        assert_eq!(
            front_matter_keys(),
            [
                "title",
                "date",
                "timezone",
                "updated",
                "slug",
                "summary",
                "description",
                "translation_key",
                "draft",
                "publish_date",
                "expiry_date",
                "unpublished",
                "corrections",
                "aliases",
                "authors",
                "image",
                "image_alt",
                "image_caption",
                "image_credit",
                "template",
                "weight",
                "kind",
                "featured",
                "noindex",
                "extra"
            ]
        );
        assert!(section_keys().contains(&"sort_by"));
        assert!(!front_matter_keys().contains(&"taxonomies"), "skipped");
    }

    #[test]
    fn unclosed_front_matter() {
        let e = parse("+++\ntitle = \"A\"\n").unwrap_err();
        assert!(e.message.contains("never closed"));
    }
}
