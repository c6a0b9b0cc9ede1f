//! Everything that depends on a language: text direction, calendars, dates,
//! numerals, slugs and the theme's translated strings.

pub mod dates;
pub mod slug;

use serde::{Deserialize, Serialize};

/// Writing direction of a language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Ltr,
    Rtl,
}

impl Direction {
    /// The direction a language is written in, by its primary subtag.
    pub fn of_language(code: &str) -> Direction {
        match primary_subtag(code) {
            "fa" | "ar" | "he" | "ur" | "ps" | "sd" | "ug" | "yi" | "dv" | "ckb" => Direction::Rtl,
            _ => Direction::Ltr,
        }
    }
}

/// The calendar dates are shown and archived in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Calendar {
    Gregorian,
    /// The Solar Hijri calendar of Iran and Afghanistan.
    Persian,
}

impl Calendar {
    pub fn of_language(code: &str) -> Calendar {
        match primary_subtag(code) {
            "fa" => Calendar::Persian,
            _ => Calendar::Gregorian,
        }
    }
}

fn primary_subtag(code: &str) -> &str {
    code.split(['-', '_']).next().unwrap_or(code)
}
