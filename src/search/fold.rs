//! What a search folds, the same when indexing and when querying: the
//! theme's `search.js` does these steps in the same order on a query
//! (the tests in `tests/e2e` type the spellings below into the page).
//!
//! Hand-written rather than taken from a crate: the folds are the slug
//! rules' Persian and Arabic ones (`locale::slug`), with two changes made
//! for text a reader sees in an excerpt — digits become the language's own
//! rather than ASCII, and the zero-width non-joiner is kept (Pagefind
//! indexes `می‌روم` as `میروم` and as its parts) while a space typed in its
//! place is turned into one.

use unicode_normalization::UnicodeNormalization;

/// Prefixes written apart from their verb as often as joined to it.
const PREFIXES: [&str; 2] = ["می", "نمی"];
/// Suffixes written apart from their noun or adjective as often as joined.
const SUFFIXES: [&str; 6] = ["ها", "های", "هایی", "هایم", "تر", "ترین"];

/// `text` folded for search in a language whose digits are `digits`.
pub fn fold(text: &str, digits: &[char; 10]) -> String {
    let normalized: String = text.nfkc().collect();
    let folded: String = normalized
        .chars()
        .filter_map(|c| match c {
            'ё' => Some('е'),
            'Ё' => Some('Е'),
            // Arabic harakat, the hamza above of هٔ, Quranic marks.
            '\u{064b}'..='\u{065f}' | '\u{0670}' | '\u{06d6}'..='\u{06ed}' => None,
            '0'..='9' => Some(digits[c as usize - '0' as usize]),
            '۰'..='۹' => Some(digits[c as usize - '۰' as usize]),
            '٠'..='٩' => Some(digits[c as usize - '٠' as usize]),
            c => crate::locale::slug::persian_letter(c),
        })
        .collect();
    join_affixes(&folded)
}

/// `می روم` → `می‌روم`, `کتاب ها` → `کتاب‌ها`: a space typed where the
/// non-joiner belongs.
fn join_affixes(text: &str) -> String {
    if !text.contains(' ') || !text.contains(|c| ('\u{0600}'..='\u{06ff}').contains(&c)) {
        return text.to_string();
    }
    let arabic = |c: Option<char>| c.is_some_and(|c| ('\u{0620}'..='\u{06d3}').contains(&c));
    let words: Vec<&str> = text.split(' ').collect();
    let mut out = String::with_capacity(text.len() + 8);
    for (n, word) in words.iter().enumerate() {
        if n > 0 {
            let previous = words[n - 1];
            let joins = (PREFIXES.contains(&previous) && arabic(word.chars().next()))
                || (SUFFIXES.contains(&bare(word)) && arabic(previous.chars().last()));
            out.push(if joins { '\u{200c}' } else { ' ' });
        }
        out.push_str(word);
    }
    out
}

/// A word without the punctuation that may follow it.
fn bare(word: &str) -> &str {
    word.trim_end_matches(['.', '،', '؛', '؟', '!', ':', ',', '»', ')'])
}

#[cfg(test)]
mod tests {
    use super::*;

    const ASCII: [char; 10] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
    const PERSIAN: [char; 10] = ['۰', '۱', '۲', '۳', '۴', '۵', '۶', '۷', '۸', '۹'];

    #[test]
    fn arabic_keyboard_spellings_fold_to_persian() {
        assert_eq!(fold("كتاب علي", &PERSIAN), "کتاب علی");
        assert_eq!(fold("خانهٔ من", &PERSIAN), "خانه من");
        assert_eq!(fold("خانۀ من", &PERSIAN), "خانه من");
        assert_eq!(fold("مـــدرسه", &PERSIAN), "مدرسه");
        assert_eq!(fold("کِتاب", &PERSIAN), "کتاب");
    }

    #[test]
    fn the_non_joiner_typed_as_a_space_is_one() {
        assert_eq!(fold("می روم", &PERSIAN), "می\u{200c}روم");
        assert_eq!(fold("نمی دانم", &PERSIAN), "نمی\u{200c}دانم");
        assert_eq!(fold("کتاب ها را", &PERSIAN), "کتاب\u{200c}ها را");
        assert_eq!(fold("بزرگ ترین.", &PERSIAN), "بزرگ\u{200c}ترین.");
        assert_eq!(fold("می\u{200c}روم", &PERSIAN), "می\u{200c}روم");
        // Not after or before a word of another script.
        assert_eq!(fold("The می", &PERSIAN), "The می");
    }

    #[test]
    fn digits_become_the_languages_and_yo_is_ye() {
        assert_eq!(fold("1405 ۱۴۰۵ ١٤٠٥", &PERSIAN), "۱۴۰۵ ۱۴۰۵ ۱۴۰۵");
        assert_eq!(fold("۲۰۲۶", &ASCII), "2026");
        assert_eq!(fold("Ёлка и ёж", &ASCII), "Елка и еж");
    }
}
