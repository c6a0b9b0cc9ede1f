//! Dictionary order: names sorted as a reader of their language expects
//! (CLDR collation through ICU4X's compiled data), not by code point, which
//! put Persian پ چ ژ ک گ after و ه, Russian ё after я and English É after z.

use std::cmp::Ordering;

use icu_collator::options::CollatorOptions;
use icu_collator::{Collator, CollatorBorrowed};

/// Compares names in one language's dictionary order.
pub struct Order {
    collator: Option<CollatorBorrowed<'static>>,
}

impl Order {
    /// The order of `code` (a BCP 47 tag); code-point order, lower-cased,
    /// if ICU has no collation for it.
    pub fn of(code: &str) -> Order {
        let collator = code
            .parse::<icu_locale_core::Locale>()
            .ok()
            .and_then(|locale| {
                Collator::try_new((&locale).into(), CollatorOptions::default()).ok()
            });
        Order { collator }
    }

    pub fn compare(&self, a: &str, b: &str) -> Ordering {
        match &self.collator {
            Some(c) => c.compare(a, b),
            None => a.to_lowercase().cmp(&b.to_lowercase()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(code: &str, words: &[&str]) -> Vec<String> {
        let order = Order::of(code);
        let mut v: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        v.sort_by(|a, b| order.compare(a, b));
        v
    }

    #[test]
    fn each_language_in_its_dictionary_order() {
        // Persian: پ after ب, چ after ج, ژ after ز, گ after ک, all before و and ه.
        assert_eq!(
            sorted(
                "fa",
                &[
                    "هنر",
                    "گفتگو",
                    "ژاپن",
                    "پژوهش",
                    "وزارت",
                    "چاپ",
                    "کتاب",
                    "بازار",
                    "جشن",
                    "زبان"
                ]
            ),
            [
                "بازار",
                "پژوهش",
                "جشن",
                "چاپ",
                "زبان",
                "ژاپن",
                "کتاب",
                "گفتگو",
                "وزارت",
                "هنر"
            ]
        );
        // Russian: ё counts as е (ёлка before ель: к before ь), not after я.
        assert_eq!(
            sorted("ru", &["яблоко", "ёлка", "ель", "жук"]),
            ["ёлка", "ель", "жук", "яблоко"]
        );
        // English: accented letters with their base letters; case ignored first.
        assert_eq!(
            sorted("en", &["zebra", "Émigré", "apple", "Åland", "eagle"]),
            ["Åland", "apple", "eagle", "Émigré", "zebra"]
        );
    }
}
