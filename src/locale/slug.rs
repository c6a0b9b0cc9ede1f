//! Slugs for URLs made from titles, file names and taxonomy terms.
//!
//! No crate does this for Persian: `slug`/`deunicode` reduce Persian to a
//! consonant skeleton. The rules below keep every script readable and make
//! one title typed on an Arabic or a Persian keyboard give one slug.

use unicode_normalization::UnicodeNormalization;

use crate::config::Slugify;

/// The slug of `text` under `mode`; never empty for text with a letter or a
/// digit in it, and never containing `/` or `.` runs, so it cannot escape its
/// folder.
pub fn slugify(text: &str, mode: Slugify) -> String {
    fit(slug_of(text, mode))
}

/// The most bytes a slug has: a file or folder name may have 255 on most
/// file systems, and a slug is one (a Persian letter is two bytes, so a
/// 143-letter headline gave 279).
pub const MAX_SLUG_BYTES: usize = 200;

/// `slug` cut to [`MAX_SLUG_BYTES`] if longer: its first 191 bytes (at a
/// character's end, trailing dashes dropped), a dash and eight hex digits
/// of a hash of the whole slug, so two long titles that begin alike still
/// get two slugs, and one title always the same.
fn fit(slug: String) -> String {
    if slug.len() <= MAX_SLUG_BYTES {
        return slug;
    }
    let mut end = MAX_SLUG_BYTES - 9;
    while !slug.is_char_boundary(end) {
        end -= 1;
    }
    let hash = crate::fingerprint::Fingerprint::new().with(&slug).value();
    format!("{}-{:08x}", slug[..end].trim_end_matches('-'), hash >> 32)
}

fn slug_of(text: &str, mode: Slugify) -> String {
    // ASCII needs no folding or transliteration (and is most file names
    // and English headings): a slug a byte at a time.
    if text.is_ascii() {
        let mut slug = String::with_capacity(text.len());
        let mut dash = false;
        for b in text.bytes() {
            if b.is_ascii_alphanumeric() {
                if dash && !slug.is_empty() {
                    slug.push('-');
                }
                dash = false;
                slug.push(char::from(b.to_ascii_lowercase()));
            } else {
                dash = true;
            }
        }
        return slug;
    }
    if mode == Slugify::Unicode
        && let Some(slug) = common_slug(text)
    {
        return slug;
    }
    slow_slug(text, mode)
}

/// What the rules below make of a character that needs no normalization.
enum Common {
    /// A letter or digit, as it goes into the slug.
    Keep(char),
    /// Anything that separates words.
    Separator,
    /// Something dropped without separating (marks, tatweel, joiners).
    Skip,
}

/// The slug of text written only in ASCII, Russian and the Persian and
/// Arabic letters, which is what headings and terms of this bulletin's
/// languages are: these need no NFKC, and their lowercase and foldings are
/// known, so a slug is made without Unicode tables (which were 3 % of a
/// build). `None` for any other text; the test below checks both ways agree.
fn common_slug(text: &str) -> Option<String> {
    let mut slug = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars() {
        let common = match c {
            'a'..='z' | '0'..='9' => Common::Keep(c),
            'A'..='Z' => Common::Keep(c.to_ascii_lowercase()),
            '\0'..='\u{7f}' => Common::Separator,
            'А'..='Я' => Common::Keep(char::from_u32(c as u32 + 0x20)?),
            'Ё' => Common::Keep('ё'),
            'а'..='я' | 'ё' => Common::Keep(c),
            'ي' | 'ى' => Common::Keep('ی'),
            'ك' => Common::Keep('ک'),
            'ة' | 'ۀ' => Common::Keep('ه'),
            '۰'..='۹' => Common::Keep(char::from_digit(c as u32 - '۰' as u32, 10)?),
            '٠'..='٩' => Common::Keep(char::from_digit(c as u32 - '٠' as u32, 10)?),
            '\u{0621}'..='\u{063a}'
            | '\u{0641}'..='\u{064a}'
            | 'پ'
            | 'چ'
            | 'ژ'
            | 'ک'
            | 'گ'
            | 'ی' => Common::Keep(c),
            '\u{200c}' | '،' | '؛' | '؟' | '«' | '»' | '—' | '–' => Common::Separator,
            '\u{0640}' | '\u{200d}' | '\u{200e}' | '\u{200f}' | '\u{061c}' => Common::Skip,
            // Marks may compose with the letter before them (NFKC): the
            // long way.
            _ => return None,
        };
        match common {
            Common::Keep(c) => {
                if dash && !slug.is_empty() {
                    slug.push('-');
                }
                dash = false;
                slug.push(c);
            }
            Common::Separator => dash = true,
            Common::Skip => {}
        }
    }
    Some(slug)
}

/// Any text: NFKC, the foldings, transliteration for `Slugify::Ascii`.
fn slow_slug(text: &str, mode: Slugify) -> String {
    let folded = fold(text);
    let text = match mode {
        Slugify::Unicode => folded,
        Slugify::Ascii => deunicode::deunicode(&folded),
    };
    let mut slug = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars() {
        if is_mark(c) {
            continue;
        }
        if c.is_alphanumeric() {
            if dash && !slug.is_empty() {
                slug.push('-');
            }
            dash = false;
            slug.extend(c.to_lowercase());
        } else {
            dash = true;
        }
    }
    slug
}

/// NFKC plus the Persian/Arabic foldings: the same word typed on either
/// keyboard, with or without diacritics, gives the same characters.
fn fold(text: &str) -> String {
    // Most text is in NFKC already, which a quick check tells without
    // normalizing (normalizing was most of a slug's cost).
    let normalized = match unicode_normalization::is_nfkc_quick(text.chars()) {
        unicode_normalization::IsNormalized::Yes => std::borrow::Cow::Borrowed(text),
        _ => std::borrow::Cow::Owned(text.nfkc().collect::<String>()),
    };
    normalized
        .chars()
        .filter_map(|c| match c {
            // The zero-width non-joiner separates parts of a Persian word;
            // people type a space there as often, and an invisible character
            // in a URL cannot be retyped.
            '\u{200c}' => Some(' '),
            '۰'..='۹' => char::from_digit(c as u32 - '۰' as u32, 10),
            '٠'..='٩' => char::from_digit(c as u32 - '٠' as u32, 10),
            c => persian_letter(c),
        })
        .collect()
}

/// A letter typed on an Arabic keyboard as its Persian one; tatweel,
/// joiners and direction marks, which carry no meaning in a slug or a
/// search, dropped (`None`); anything else as it is. Slugs and search fold
/// with it.
pub fn persian_letter(c: char) -> Option<char> {
    match c {
        'ي' | 'ى' => Some('ی'),
        'ك' => Some('ک'),
        // The ezafe is typed as ۀ or as ه with a hamza above (a mark,
        // which both folds drop): one word.
        'ة' | 'ۀ' => Some('ه'),
        '\u{0640}' | '\u{200d}' | '\u{200e}' | '\u{200f}' | '\u{061c}' => None,
        c => Some(c),
    }
}

/// Combining marks (Arabic harakat, Cyrillic stress marks) are dropped
/// without breaking the word.
fn is_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036f}' | '\u{064b}'..='\u{065f}' | '\u{0670}' | '\u{06d6}'..='\u{06ed}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ezafe_typed_either_way_gives_one_slug() {
        let composed = slugify("خانۀ فرهنگ", Slugify::Unicode);
        let decomposed = slugify("خانه\u{654} فرهنگ", Slugify::Unicode);
        assert_eq!(composed, decomposed);
        assert_eq!(composed, "خانه-فرهنگ");
        // Arabic keyboard letters and presentation forms fold the same way.
        assert_eq!(
            slugify("كتاب عربي", Slugify::Unicode),
            slugify("کتاب عربی", Slugify::Unicode)
        );
        assert_eq!(
            slugify("\u{FEB3}\u{FEFC}\u{FEE1}", Slugify::Unicode),
            slugify("سلام", Slugify::Unicode)
        );
    }

    #[test]
    fn long_slugs_fit_a_file_name_stably_and_distinctly() {
        let headline = "خبر ".repeat(80);
        let a = slugify(&format!("{headline} یک"), Slugify::Unicode);
        let b = slugify(&format!("{headline} دو"), Slugify::Unicode);
        assert!(
            a.len() <= MAX_SLUG_BYTES && b.len() <= MAX_SLUG_BYTES,
            "{}",
            a.len()
        );
        assert_ne!(a, b);
        assert_eq!(a, slugify(&format!("{headline} یک"), Slugify::Unicode));
        assert!(a.starts_with("خبر-خبر"));
        assert_eq!(slugify("short title", Slugify::Unicode), "short-title");
    }

    fn s(text: &str) -> String {
        slugify(text, Slugify::Unicode)
    }

    #[test]
    fn latin_and_cyrillic() {
        assert_eq!(
            s("Iran eyes media cooperation!"),
            "iran-eyes-media-cooperation"
        );
        assert_eq!(
            s("  Культурная дипломатия — 2018 "),
            "культурная-дипломатия-2018"
        );
    }

    #[test]
    fn persian_and_arabic_keyboards_give_one_slug() {
        // Arabic yeh and kaf, a tatweel and Persian digits.
        assert_eq!(s("همكاري رسانه‌اي ۱۳۹۷"), s("همکاری رسانه ای 1397"));
        assert_eq!(s("همکاری رسانه‌ای"), "همکاری-رسانه-ای");
        assert_eq!(s("فرهنـــگ"), "فرهنگ");
    }

    #[test]
    fn diacritics_are_dropped_inside_words() {
        assert_eq!(s("فَرهَنگ"), "فرهنگ");
    }

    #[test]
    fn cannot_escape_a_folder() {
        assert_eq!(s("../../etc/passwd"), "etc-passwd");
        assert_eq!(s("..."), "");
    }

    #[test]
    fn ascii_text_takes_the_short_way_to_the_same_slug() {
        for text in ["Iran eyes: media_cooperation 2018!", "--a--B--", "", "x"] {
            // The same text made non-ASCII by a trailing mark, which the
            // long way drops.
            let long_way = s(&format!("{text}\u{0301}"));
            assert_eq!(s(text), long_way, "{text:?}");
        }
        assert_eq!(s("ﬁle Ⅻ"), "file-xii");
    }

    #[test]
    fn common_text_takes_the_short_way_to_the_same_slug() {
        let mut tried = 0;
        for c in (0u32..0x0800)
            .chain(0x2000..0x2070)
            .filter_map(char::from_u32)
        {
            for text in [format!("ab{c}cd"), format!("{c}"), format!("x {c}{c} y")] {
                if let Some(short) = common_slug(&text) {
                    assert_eq!(short, slow_slug(&text, Slugify::Unicode), "{:?}", c);
                    tried += 1;
                }
            }
        }
        assert!(tried > 600, "{tried}");
        assert_eq!(common_slug("Культура Ёлки"), Some("культура-ёлки".into()));
        assert_eq!(common_slug("ﬁ"), None);
    }

    #[test]
    fn ascii_transliterates() {
        assert_eq!(slugify("Культура", Slugify::Ascii), "kul-tura");
        assert_eq!(slugify("Tehran Café", Slugify::Ascii), "tehran-cafe");
    }
}
