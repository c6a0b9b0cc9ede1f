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
            'ي' | 'ى' => Some('ی'),
            'ك' => Some('ک'),
            'ة' => Some('ه'),
            // The zero-width non-joiner separates parts of a Persian word;
            // people type a space there as often, and an invisible character
            // in a URL cannot be retyped.
            '\u{200c}' => Some(' '),
            // Tatweel, joiners and direction marks carry no meaning in a URL.
            '\u{0640}' | '\u{200d}' | '\u{200e}' | '\u{200f}' | '\u{061c}' => None,
            '۰'..='۹' => char::from_digit(c as u32 - '۰' as u32, 10),
            '٠'..='٩' => char::from_digit(c as u32 - '٠' as u32, 10),
            c => Some(c),
        })
        .collect()
}

/// Combining marks (Arabic harakat, Cyrillic stress marks) are dropped
/// without breaking the word.
fn is_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036f}' | '\u{064b}'..='\u{065f}' | '\u{0670}' | '\u{06d6}'..='\u{06ed}')
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn ascii_transliterates() {
        assert_eq!(slugify("Культура", Slugify::Ascii), "kul-tura");
        assert_eq!(slugify("Tehran Café", Slugify::Ascii), "tehran-cafe");
    }
}
