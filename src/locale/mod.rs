//! Everything that depends on a language: text direction, calendars, dates,
//! numerals, slugs and the theme's translated strings.

pub mod dates;
pub mod order;
pub mod slug;

pub use crate::config::{Calendar, Direction};
