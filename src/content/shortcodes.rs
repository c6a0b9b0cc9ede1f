//! Shortcodes in Markdown, in Zola's syntax: `{{ name(arg=value) }}` inline,
//! `{% name(arg=value) %}Markdown{% end %}` with a body, and
//! `{{/* name() */}}` for the text of a call, not a call.
//!
//! Hand-written, because the syntax is a small fixed grammar that no crate
//! parses on its own (Zola's parser is pest inside its own crate), and
//! because every error must name the line and column of the call in the
//! story. Code spans and fenced or indented code blocks are found with
//! pulldown-cmark first: a call inside code is text. Hugo's `{{< … >}}` and
//! `{{% … %}}` are errors that say how to write the call here.

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag};
use serde::Serialize;

/// An argument's value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Arg {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Array(Vec<Arg>),
}

impl Arg {
    /// The type's name, as shortcode templates declare it.
    pub fn kind(&self) -> &'static str {
        match self {
            Arg::Str(_) => "string",
            Arg::Int(_) | Arg::Float(_) => "number",
            Arg::Bool(_) => "bool",
            Arg::Array(_) => "array",
        }
    }
}

/// One call.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub name: String,
    pub args: Vec<(String, Arg)>,
    /// The body of a `{% %}` call: its parts, and where it is in the text.
    pub body: Option<(Vec<Part>, Range<usize>)>,
    /// Where the whole call is in the text.
    pub span: Range<usize>,
}

/// A piece of a text: plain Markdown, a call, or the text of an escaped call.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    Text(Range<usize>),
    Call(Call),
    Literal(String),
}

/// What is wrong, where (a byte offset in the text), and what to do.
#[derive(Debug, Clone, PartialEq)]
pub struct ShortcodeError {
    pub offset: usize,
    pub message: String,
    pub help: String,
}

/// Whether `text` may hold a shortcode: one check for texts without any.
pub fn may_have(text: &str) -> bool {
    memchr::memmem::find(text.as_bytes(), b"{{").is_some()
        || memchr::memmem::find(text.as_bytes(), b"{%").is_some()
}

/// The parts of `text`; `None` if it has no shortcode at all.
pub fn parse(text: &str) -> Result<Option<Vec<Part>>, ShortcodeError> {
    if !may_have(text) {
        return Ok(None);
    }
    let code = code_ranges(text);
    let mut p = Scanner {
        text,
        code: &code,
        at: 0,
        body_end: 0,
    };
    let parts = p.parts(text.len(), false)?;
    Ok(parts
        .iter()
        .any(|part| !matches!(part, Part::Text(_)))
        .then_some(parts))
}

/// The names of the shortcodes `parts` call (bodies included), with the
/// offset of each call.
pub fn calls(parts: &[Part]) -> Vec<&Call> {
    let mut out = Vec::new();
    for part in parts {
        if let Part::Call(call) = part {
            out.push(call);
            if let Some((body, _)) = &call.body {
                out.extend(calls(body));
            }
        }
    }
    out
}

/// Byte ranges of code spans and code blocks. A text without a backtick,
/// a tilde or an indented line has none, and is not parsed for them.
fn code_ranges(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let indented = bytes.starts_with(b"    ")
        || bytes.starts_with(b"\t")
        || memchr::memmem::find(bytes, b"\n    ").is_some()
        || memchr::memmem::find(bytes, b"\n\t").is_some();
    if !indented && memchr::memchr2(b'`', b'~', bytes).is_none() {
        return Vec::new();
    }
    let mut ranges = Vec::new();
    let mut in_block: Option<usize> = None;
    for (event, range) in Parser::new_ext(text, Options::all()).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_block = Some(range.start),
            Event::End(pulldown_cmark::TagEnd::CodeBlock) => {
                if let Some(start) = in_block.take() {
                    ranges.push(start..range.end);
                }
            }
            Event::Code(_) => ranges.push(range),
            _ => {}
        }
    }
    ranges
}

struct Scanner<'a> {
    text: &'a str,
    code: &'a [Range<usize>],
    at: usize,
    /// Where the last body's `{% end %}` started.
    body_end: usize,
}

impl Scanner<'_> {
    fn in_code(&self, offset: usize) -> bool {
        self.code.iter().any(|r| r.contains(&offset))
    }

    /// Parts up to `end`; in a body, stops at its `{% end %}`.
    fn parts(&mut self, end: usize, in_body: bool) -> Result<Vec<Part>, ShortcodeError> {
        let mut parts = Vec::new();
        let mut text_from = self.at;
        let bytes = self.text.as_bytes();
        while self.at + 1 < end {
            let i = self.at;
            let open = bytes[i] == b'{' && matches!(bytes[i + 1], b'{' | b'%');
            if !open || self.in_code(i) {
                self.at += 1;
                continue;
            }
            let before = text_from..i;
            let part = match self.call_at(i, in_body)? {
                Some(Step::Part(part)) => part,
                Some(Step::End) => {
                    if before.start < before.end {
                        parts.push(Part::Text(before));
                    }
                    return Ok(parts);
                }
                None => {
                    self.at += 2;
                    continue;
                }
            };
            if before.start < before.end {
                parts.push(Part::Text(before));
            }
            parts.push(part);
            text_from = self.at;
        }
        if in_body {
            return fail(
                text_from,
                "the shortcode's body has no `{% end %}`".into(),
                "close it with {% end %} on a line of its own",
            );
        }
        if text_from < end {
            parts.push(Part::Text(text_from..end));
        }
        Ok(parts)
    }

    /// What starts at `i` (a `{{` or `{%`): a call, an escaped call, the
    /// end of a body, or (`None`) nothing of ours.
    fn call_at(&mut self, i: usize, in_body: bool) -> Result<Option<Step>, ShortcodeError> {
        let text = self.text;
        let rest = &text[i..];
        let inline = rest.starts_with("{{");
        let close = if inline { "}}" } else { "%}" };
        if rest.starts_with("{{<") || rest.starts_with("{{%") {
            return self.hugo(i);
        }
        if let Some(inner) = rest[2..].strip_prefix("/*") {
            let Some(stop) = inner.find(&format!("*/{close}")) else {
                return fail(
                    i,
                    format!("an escaped shortcode `{}/*` has no `*/{close}`", &rest[..2]),
                    "end it with */}} (or */%} for one with a body)",
                );
            };
            self.at = i + 4 + stop + 4;
            return Ok(Some(Step::Part(Part::Literal(format!(
                "{}{}{close}",
                &rest[..2],
                &inner[..stop]
            )))));
        }
        let mut at = i + 2;
        at = skip_space(text, at);
        let name_end = ident_end(text, at);
        let name = &text[at..name_end];
        if !inline && name == "end" {
            let after = skip_space(text, name_end);
            if text[after..].starts_with("%}") {
                if !in_body {
                    return fail(
                        i,
                        "`{% end %}` closes no shortcode".into(),
                        "remove it, or open the shortcode before it with {% name(…) %}",
                    );
                }
                self.at = after + 2;
                self.body_end = i;
                return Ok(Some(Step::End));
            }
        }
        let starts_name = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
        if !starts_name || !text[name_end..].starts_with('(') {
            return Ok(None);
        }
        let (args, after_args) = Args { text }.list(name_end + 1)?;
        let after = skip_space(text, after_args);
        if !text[after..].starts_with(close) {
            return fail(
                after,
                format!("the shortcode `{name}` is not closed with `{close}`"),
                &format!("write it as {}{name}(…) {close}", &rest[..2]),
            );
        }
        self.at = after + 2;
        let body = if inline {
            None
        } else {
            if in_body {
                return fail(
                    i,
                    format!("the shortcode `{name}` with a body is inside another one's body"),
                    "shortcodes with a body cannot be nested: close the first with {% end %} before this one",
                );
            }
            let start = self.at;
            let parts = self.parts(self.text.len(), true).map_err(|mut e| {
                if e.message.contains("no `{% end %}`") {
                    e.offset = i;
                    e.message = format!("the body of the shortcode `{name}` has no `{{% end %}}`");
                }
                e
            })?;
            Some((parts, start..self.body_end))
        };
        Ok(Some(Step::Part(Part::Call(Call {
            name: name.to_string(),
            args,
            body,
            span: i..self.at,
        }))))
    }

    /// A Hugo shortcode: an error that says how to write it.
    fn hugo<T>(&self, i: usize) -> Result<T, ShortcodeError> {
        let rest = &self.text[i + 3..];
        let end = rest.find(['>', '%']).unwrap_or(rest.len());
        let inner = rest[..end].trim();
        let mut words = inner.split_whitespace();
        let name = words.next().unwrap_or("name");
        let suggestion = match name.strip_prefix('/') {
            Some(_) => "{% end %}".to_string(),
            None => {
                let args: Vec<String> = words
                    .enumerate()
                    .map(|(n, w)| match w.split_once('=') {
                        Some((k, v)) => format!("{k}={}", quoted(v)),
                        None => format!("{}={}", hugo_positional(name, n), quoted(w)),
                    })
                    .collect();
                format!("{{{{ {name}({}) }}}}", args.join(", "))
            }
        };
        fail(
            i,
            format!(
                "`{{{{<` / `{{{{%` is Hugo's shortcode syntax, which bulletin does not read: `{{{{< {inner} >}}}}`"
            ),
            &format!(
                "write it as {suggestion} (with a body: {{% {name}(…) %}}…{{% end %}}); `bulletin import hugo` rewrites these"
            ),
        )
    }
}

enum Step {
    Part(Part),
    End,
}

/// The name bulletin's built-in gives Hugo's positional argument `n`.
fn hugo_positional(name: &str, n: usize) -> String {
    match (name, n) {
        ("youtube" | "vimeo", 0) => "id".into(),
        ("figure", 0) => "src".into(),
        ("x" | "tweet", _) => "url".into(),
        _ => format!("arg{}", n + 1),
    }
}

fn quoted(value: &str) -> String {
    let v = value.trim_matches('"');
    match v.parse::<f64>().is_ok() || v == "true" || v == "false" {
        true => v.to_string(),
        false => format!("\"{v}\""),
    }
}

/// A failure at `offset`, with what to do.
fn fail<T>(offset: usize, message: String, help: &str) -> Result<T, ShortcodeError> {
    Err(ShortcodeError {
        offset,
        message,
        help: help.to_string(),
    })
}

/// Where a name (letters, digits, `_`) starting at `at` ends.
fn ident_end(text: &str, at: usize) -> usize {
    text[at..]
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .map_or(text.len(), |n| at + n)
}

fn skip_space(text: &str, at: usize) -> usize {
    text[at..]
        .find(|c: char| !c.is_whitespace())
        .map_or(text.len(), |n| at + n)
}

/// The arguments of a call.
struct Args<'a> {
    text: &'a str,
}

impl Args<'_> {
    /// `name=value, …)` from `at`; the arguments and the offset after `)`.
    fn list(&self, mut at: usize) -> Result<(Vec<(String, Arg)>, usize), ShortcodeError> {
        let text = self.text;
        let mut args: Vec<(String, Arg)> = Vec::new();
        loop {
            at = skip_space(text, at);
            if text[at..].starts_with(')') {
                return Ok((args, at + 1));
            }
            let key_end = ident_end(text, at);
            let key = &text[at..key_end];
            let eq = skip_space(text, key_end);
            if key.is_empty() || !text[eq..].starts_with('=') {
                return fail(
                    at,
                    "a shortcode's arguments are named: `name=value`, separated by commas".into(),
                    "write it as name(key=\"text\", n=3, on=true, list=[\"a\", \"b\"])",
                );
            }
            if args.iter().any(|(k, _)| k == key) {
                return fail(
                    at,
                    format!("the argument `{key}` is given twice"),
                    "give each argument once",
                );
            }
            let (value, after) = self.value(skip_space(text, eq + 1))?;
            args.push((key.to_string(), value));
            at = skip_space(text, after);
            match text[at..].chars().next() {
                Some(',') => at += 1,
                Some(')') => {}
                _ => {
                    return fail(
                        at,
                        "expected `,` or `)` after an argument".into(),
                        "separate arguments with commas and close the list with )",
                    );
                }
            }
        }
    }

    fn value(&self, at: usize) -> Result<(Arg, usize), ShortcodeError> {
        let text = self.text;
        let rest = &text[at..];
        let Some(first) = rest.chars().next() else {
            return fail(
                at,
                "the call ends inside its arguments".into(),
                "close it with ) and }}",
            );
        };
        if matches!(first, '"' | '\'' | '`') {
            let mut value = String::new();
            let mut chars = rest[1..].char_indices();
            while let Some((n, c)) = chars.next() {
                match c {
                    c if c == first => return Ok((Arg::Str(value), at + 1 + n + 1)),
                    '\\' => match chars.next() {
                        Some((_, 'n')) => value.push('\n'),
                        Some((_, c)) => value.push(c),
                        None => break,
                    },
                    c => value.push(c),
                }
            }
            return fail(
                at,
                format!("a string argument opened with {first} is never closed"),
                &format!("end the string with {first} (write \\{first} for the character itself)"),
            );
        }
        if first == '[' {
            let mut items = Vec::new();
            let mut at = skip_space(text, at + 1);
            loop {
                if text[at..].starts_with(']') {
                    return Ok((Arg::Array(items), at + 1));
                }
                let (item, after) = self.value(at)?;
                items.push(item);
                at = skip_space(text, after);
                if text[at..].starts_with(',') {
                    at = skip_space(text, at + 1);
                } else if !text[at..].starts_with(']') {
                    return fail(
                        at,
                        "expected `,` or `]` in an array".into(),
                        "write arrays as [\"a\", \"b\"]",
                    );
                }
            }
        }
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+' | '_')))
            .unwrap_or(rest.len());
        let word = &rest[..end];
        let value = match word {
            "true" => Arg::Bool(true),
            "false" => Arg::Bool(false),
            _ => match (word.parse::<i64>(), word.parse::<f64>()) {
                (Ok(n), _) => Arg::Int(n),
                (_, Ok(f)) if f.is_finite() => Arg::Float(f),
                _ => {
                    return fail(
                        at,
                        format!("`{word}` is not a value: a string needs quotes"),
                        &format!(
                            "write \"{word}\" for text, or a number, true, false, or [a list]"
                        ),
                    );
                }
            },
        };
        Ok((value, at + end))
    }
}

/// A parameter a shortcode template declares.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub name: String,
    /// `string`, `number`, `bool`, `array` or `any`.
    pub kind: String,
    /// Its value when the call gives none; `None`: the call must.
    pub default: Option<Arg>,
}

/// The parameters a shortcode template declares on its first line,
/// `{# shortcode youtube(id: string, start: number = 0) #}`; `None` if it
/// declares none (its calls are then not checked).
pub fn signature(template: &str) -> Option<Result<Vec<Param>, String>> {
    let head = template.trim_start().strip_prefix("{#")?;
    let head = head.strip_prefix('-').unwrap_or(head).trim_start();
    let rest = head.strip_prefix("shortcode")?;
    let open = rest.find('(')?;
    let text = &rest[open + 1..];
    Some(params(text))
}

fn params(text: &str) -> Result<Vec<Param>, String> {
    let args = Args { text };
    let mut out: Vec<Param> = Vec::new();
    let mut at = 0;
    loop {
        at = skip_space(text, at);
        if text[at..].starts_with(')') {
            return Ok(out);
        }
        let name_end = ident_end(text, at);
        let name = &text[at..name_end];
        let colon = skip_space(text, name_end);
        if name.is_empty() || !text[colon..].starts_with(':') {
            return Err(format!(
                "the shortcode signature should list `name: type` (at `{}`)",
                text[at..].chars().take(20).collect::<String>()
            ));
        }
        let kind_at = skip_space(text, colon + 1);
        let kind_end = text[kind_at..]
            .find(|c: char| !c.is_ascii_alphabetic())
            .map_or(text.len(), |n| kind_at + n);
        let kind = &text[kind_at..kind_end];
        if !matches!(kind, "string" | "number" | "bool" | "array" | "any") {
            return Err(format!(
                "`{name}` has the type `{kind}`: write string, number, bool, array or any"
            ));
        }
        at = skip_space(text, kind_end);
        let default = if text[at..].starts_with('=') {
            let (value, after) = args
                .value(skip_space(text, at + 1))
                .map_err(|e| e.message)?;
            at = skip_space(text, after);
            Some(value)
        } else {
            None
        };
        out.push(Param {
            name: name.to_string(),
            kind: kind.to_string(),
            default,
        });
        match text[at..].chars().next() {
            Some(',') => at += 1,
            Some(')') => {}
            _ => return Err("the shortcode signature should end with `)`".into()),
        }
    }
}

/// Checks a call's arguments against its template's parameters: an
/// unknown, missing or mistyped argument is an error, with what to write.
pub fn check_args(
    name: &str,
    args: &[(String, Arg)],
    params: &[Param],
) -> Result<(), (String, String)> {
    let usage = || {
        let list: Vec<String> = params
            .iter()
            .map(|p| match &p.default {
                Some(_) => format!("{}: {} (optional)", p.name, p.kind),
                None => format!("{}: {}", p.name, p.kind),
            })
            .collect();
        format!(
            "`{name}` takes {}",
            if list.is_empty() {
                "no arguments".into()
            } else {
                list.join(", ")
            }
        )
    };
    for (key, value) in args {
        let Some(p) = params.iter().find(|p| &p.name == key) else {
            return Err((
                format!("the shortcode `{name}` has no argument `{key}`"),
                usage(),
            ));
        };
        let fits = p.kind == "any" || p.kind == value.kind();
        if !fits {
            return Err((
                format!(
                    "the argument `{key}` of `{name}` is a {}, not a {}",
                    p.kind,
                    value.kind()
                ),
                match p.kind.as_str() {
                    "string" => format!("write {key}=\"…\" in quotes"),
                    "number" => format!("write {key}=42 without quotes"),
                    "bool" => format!("write {key}=true or {key}=false"),
                    _ => format!("write {key}=[\"a\", \"b\"]"),
                },
            ));
        }
    }
    if let Some(p) = params
        .iter()
        .find(|p| p.default.is_none() && !args.iter().any(|(k, _)| k == &p.name))
    {
        return Err((
            format!("the shortcode `{name}` needs the argument `{}`", p.name),
            usage(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Call {
        let parts = parse(text).unwrap().unwrap();
        match parts.into_iter().find(|p| matches!(p, Part::Call(_))) {
            Some(Part::Call(c)) => c,
            _ => panic!("no call"),
        }
    }

    #[test]
    fn typed_arguments() {
        let c = one(
            r#"Before {{ youtube(id="dQw4w9WgXcQ", start=42, ratio=1.5, autoplay=false, tags=["a", 'b\'s']) }} after"#,
        );
        assert_eq!(c.name, "youtube");
        assert_eq!(
            c.args,
            vec![
                ("id".into(), Arg::Str("dQw4w9WgXcQ".into())),
                ("start".into(), Arg::Int(42)),
                ("ratio".into(), Arg::Float(1.5)),
                ("autoplay".into(), Arg::Bool(false)),
                (
                    "tags".into(),
                    Arg::Array(vec![Arg::Str("a".into()), Arg::Str("b's".into())])
                ),
            ]
        );
    }

    #[test]
    fn bodies_escapes_and_code() {
        let text = "{% factbox(title=\"Facts\") %}\n* one\n* {{ flag(c=\"ir\") }}\n{% end %}\n\n`{{ not(a=1) }}`\n\n```\n{{ nor(a=1) }}\n```\n\n{{/* youtube(id=\"x\") */}}\n";
        let parts = parse(text).unwrap().unwrap();
        let names: Vec<&str> = calls(&parts).iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["factbox", "flag"]);
        assert!(parts.contains(&Part::Literal("{{ youtube(id=\"x\") }}".into())));
        let Part::Call(c) = &parts[0] else { panic!() };
        let (_, range) = c.body.as_ref().unwrap();
        assert!(text[range.clone()].contains("* one"));
        assert_eq!(
            parse("No {{ template }} here, nor {% this %}.").unwrap(),
            None
        );
    }

    #[test]
    fn errors_say_where_and_what_to_write() {
        let err = |t: &str| parse(t).unwrap_err();
        let e = err("Text.\n\n{% factbox() %}\nnever closed\n");
        assert!(e.message.contains("no `{% end %}`"), "{e:?}");
        let e = err("a {{ youtube(id=abc) }}");
        assert!(
            e.message.contains("needs quotes") && e.offset == 16,
            "{e:?}"
        );
        let e = err(r#"{{< youtube dQw4w9WgXcQ >}}"#);
        assert!(
            e.help.contains(r#"{{ youtube(id="dQw4w9WgXcQ") }}"#),
            "{e:?}"
        );
        let e = err(r#"{{% details summary="More" %}}x{{% /details %}}"#);
        assert!(e.message.contains("Hugo"), "{e:?}");
        assert!(err(r#"{{ a(x="1", x="2") }}"#).message.contains("twice"));
        assert!(err(r#"{{ a("pos") }}"#).message.contains("named"));
        assert!(err(r#"{{ a(x="1") %}"#).message.contains("not closed"));
        assert!(err("{% end %}").message.contains("closes no shortcode"));
        let e = err("{% a() %}{% b() %}x{% end %}{% end %}");
        assert!(e.message.contains("inside another"), "{e:?}");
        let sig = signature(
            "{# shortcode youtube(id: string, start: number = 0, tags: array = []) #}\n<div>",
        )
        .unwrap()
        .unwrap();
        assert_eq!(sig.len(), 3);
        assert_eq!(sig[1].default, Some(Arg::Int(0)));
        let check = |t: &str| check_args("youtube", &one(t).args, &sig);
        assert!(check(r#"{{ youtube(id="x") }}"#).is_ok());
        assert!(
            check(r#"{{ youtube(start=3) }}"#)
                .unwrap_err()
                .0
                .contains("needs the argument `id`")
        );
        let (m, help) = check(r#"{{ youtube(id="x", start="3") }}"#).unwrap_err();
        assert!(
            m.contains("is a number, not a string") && help.contains("start=42"),
            "{m}"
        );
        assert!(
            check(r#"{{ youtube(id="x", strat=3) }}"#)
                .unwrap_err()
                .1
                .contains("start: number (optional)")
        );
        assert!(signature("<div>").is_none());
        assert!(signature("{# shortcode a(x: text) #}").unwrap().is_err());
        for cut in 0..40 {
            let t = r#"{% q(by="A", n=[1, 2.5]) %}body{% end %}"#;
            let _ = parse(&t[..cut.min(t.len())]);
        }
    }
}
