//! Reading dates (jiff, with its bundled time-zone database so results never
//! depend on the host) and showing them (ICU4X, with compiled-in data) in a
//! language's own calendar and digits.

use std::collections::HashMap;

use icu_calendar::cal::Persian;
use icu_calendar::{Date, Iso};
use icu_datetime::DateTimeFormatter;
use icu_datetime::fieldsets::{M, Y, YMD};
use icu_decimal::DecimalFormatter;
use icu_decimal::input::Decimal;
use icu_decimal::options::{DecimalFormatterOptions, GroupingStrategy};
use icu_locale_core::Locale;
use jiff::ZonedDateTime;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;

use super::Calendar;
use crate::config::Language;

/// Looks up an IANA zone in the bundled database.
pub fn time_zone(name: &str) -> Result<TimeZone, String> {
    jiff::tz::db()
        .get(name)
        .map_err(|_| format!("`{name}` is not an IANA time zone (such as Asia/Tehran or UTC)"))
}

/// Parses a front-matter date: RFC 3339 with an offset; or
/// `YYYY-MM-DD[ HH:MM[:SS]]` (also with `T`) read in `zone`.
///
/// A local time that falls in a daylight-saving gap or overlap follows the
/// "compatible" rule of RFC 5545 and JavaScript's Temporal: in a gap the
/// clock is moved forward by the gap's length, in an overlap the earlier of
/// the two instants is taken.
pub fn parse_date(text: &str, zone: &TimeZone) -> Result<ZonedDateTime, String> {
    let date = parse_any_date(text, zone)?;
    // Real offsets run from -12:00 to +14:00; jiff accepts up to ±25:59,
    // which RSS and most readers do not. Years before 1 (or after 9999)
    // have no RFC 3339 or RFC 2822 form and no Solar Hijri date.
    let offset = date.offset().seconds();
    if !(-12 * 3600..=14 * 3600).contains(&offset) {
        return Err(format!(
            "`{}` has the offset {}; offsets run from -12:00 to +14:00",
            text.trim(),
            date.offset()
        ));
    }
    if !(1..=9999).contains(&date.year()) {
        return Err(format!(
            "`{}` is in the year {}; write a year from 1 to 9999",
            text.trim(),
            date.year()
        ));
    }
    Ok(date)
}

fn parse_any_date(text: &str, zone: &TimeZone) -> Result<ZonedDateTime, String> {
    let text = text.trim();
    let help = "write 2018-07-12, 2018-07-12 07:08 or 2018-07-12T07:08:00+04:30";
    if let Ok(ts) = text.parse::<jiff::Timestamp>() {
        // An explicit offset is kept as written: it is what the author saw.
        let pieces = jiff::fmt::temporal::Pieces::parse(text).map_err(|e| e.to_string())?;
        let offset = match pieces.offset() {
            Some(jiff::fmt::temporal::PiecesOffset::Numeric(n)) => n.offset(),
            _ => jiff::tz::Offset::UTC,
        };
        return Ok(ts.to_zoned_datetime(TimeZone::fixed(offset)));
    }
    let civil = if text.len() == 10 {
        text.parse::<jiff::civil::Date>().map(|d| d.at(0, 0, 0, 0))
    } else {
        text.replacen(' ', "T", 1).parse::<DateTime>()
    }
    .map_err(|_| format!("`{text}` is not a date; {help}"))?;
    zone.to_ambiguous_zoned_datetime(civil)
        .compatible()
        .map_err(|e| format!("`{text}` cannot be placed in {}: {e}", zone_name(zone)))
}

/// Parses a wire dateline such as `Jul 12, 2018 07:08 Asia/Tehran`: the
/// zone is authoritative, with its historic offset on that day.
pub fn parse_dateline(text: &str) -> Result<ZonedDateTime, String> {
    jiff::fmt::strtime::parse("%b %d, %Y %H:%M %Q", text.trim())
        .and_then(|t| t.to_zoned_datetime())
        .map_err(|e| {
            format!(
                "`{}` is not a dateline like `Jul 12, 2018 07:08 Asia/Tehran` ({e})",
                text.trim()
            )
        })
}

fn zone_name(zone: &TimeZone) -> &str {
    zone.iana_name().unwrap_or("the time zone")
}

/// RFC 3339 with the offset, to the second: `2018-07-12T07:08:00+04:30`.
///
/// RFC 3339 and RFC 2822 offsets have no seconds, but before standard time
/// zones kept local mean time (Tehran +03:25:44 until 1946): such an
/// instant is written in UTC, so that it stays exact.
pub fn rfc3339(date: &ZonedDateTime) -> String {
    date.timestamp()
        .display_with_offset(exact_offset(date))
        .to_string()
        .replace("+00:00", "Z")
}

/// RFC 2822 for RSS: `Thu, 12 Jul 2018 07:08:00 +0430`.
pub fn rfc2822(date: &ZonedDateTime) -> String {
    let exact = date
        .timestamp()
        .to_zoned_datetime(TimeZone::fixed(exact_offset(date)));
    jiff::fmt::rfc2822::to_string(&exact).unwrap_or_else(|_| rfc3339(date))
}

/// `date`'s offset if it is whole minutes, else UTC.
fn exact_offset(date: &ZonedDateTime) -> jiff::tz::Offset {
    match date.offset().seconds() % 60 {
        0 => date.offset(),
        _ => jiff::tz::Offset::UTC,
    }
}

/// The years a story's date may have, in the Gregorian calendar; and in
/// the Solar Hijri one, which a Persian editor may type
/// (`date = "1405-09-08"`).
pub const PLAUSIBLE_YEARS: std::ops::RangeInclusive<i16> = 1800..=2200;
pub const SOLAR_HIJRI_YEARS: std::ops::RangeInclusive<i16> = 1200..=1599;

/// `date` as its author meant it in `calendar`: in the Persian calendar a
/// year of [`SOLAR_HIJRI_YEARS`] is a Solar Hijri date, moved to the same
/// time of day and zone on the Gregorian day it is (1405-09-08 is
/// 2026-11-29). An error for a year far from any plausible date.
pub fn as_written(date: ZonedDateTime, calendar: Calendar) -> Result<ZonedDateTime, String> {
    let year = date.year();
    if PLAUSIBLE_YEARS.contains(&year) {
        return Ok(date);
    }
    let help = "write a Gregorian date (2026-11-29), or, in a Persian story, a Solar Hijri one (1405-09-08)";
    if calendar != Calendar::Persian || !SOLAR_HIJRI_YEARS.contains(&year) {
        return Err(format!(
            "the year {year} is far from any plausible date; {help}"
        ));
    }
    let first =
        first_day(i32::from(year), date.month() as u8, Calendar::Persian).ok_or_else(|| {
            format!(
                "{year}-{:02} is not a Solar Hijri month; {help}",
                date.month()
            )
        })?;
    let day = first
        .checked_add(jiff::Span::new().days(i64::from(date.day()) - 1))
        .map_err(|e| e.to_string())?;
    if year_month(day, Calendar::Persian) != (i32::from(year), date.month() as u8) {
        return Err(format!(
            "{year}-{:02}-{:02} is not a day of the Solar Hijri calendar; {help}",
            date.month(),
            date.day()
        ));
    }
    let civil = day.to_datetime(date.time());
    date.time_zone()
        .to_ambiguous_zoned_datetime(civil)
        .compatible()
        .map_err(|e| e.to_string())
}

/// The day `date` is in `zone`: the edition's day, which a reader in that
/// zone sees, whatever offset the author wrote (`2016-03-19T20:30:00Z` is
/// already 1 Farvardin 1395 in Tehran).
pub fn day_in(date: &ZonedDateTime, zone: &TimeZone) -> jiff::civil::Date {
    date.timestamp().to_zoned_datetime(zone.clone()).date()
}

/// A year and month in a calendar, for archives: `(1397, 4)` is Tir 1397.
pub fn year_month(date: jiff::civil::Date, calendar: Calendar) -> (i32, u8) {
    let iso = iso_date(date);
    match calendar {
        Calendar::Gregorian => (i32::from(date.year()), date.month() as u8),
        Calendar::Persian => {
            let p = iso.to_calendar(Persian);
            (p.year().era_year_or_related_iso(), p.month().ordinal)
        }
    }
}

/// The first day (ISO) of a year/month in a calendar, for showing archive
/// headings with the same formatters as article dates.
pub fn first_day(year: i32, month: u8, calendar: Calendar) -> Option<jiff::civil::Date> {
    let iso: Date<Iso> = match calendar {
        Calendar::Gregorian => Date::try_new_iso(year, month, 1).ok()?,
        Calendar::Persian => Date::try_new(
            year.into(),
            icu_calendar::types::Month::new(month),
            1,
            Persian,
        )
        .ok()?
        .to_calendar(Iso),
    };
    jiff::civil::Date::new(
        iso.era_year().year as i16,
        iso.month().ordinal as i8,
        iso.day_of_month().0 as i8,
    )
    .ok()
}

fn iso_date(date: jiff::civil::Date) -> Date<Iso> {
    Date::try_new_iso(i32::from(date.year()), date.month() as u8, date.day() as u8)
        .expect("jiff dates are valid ISO dates")
}

/// The named date formats templates can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateFormat {
    Long,
    Medium,
    Short,
    MonthYear,
    Year,
}

impl DateFormat {
    pub fn parse(name: &str) -> Option<DateFormat> {
        Some(match name {
            "long" => DateFormat::Long,
            "medium" => DateFormat::Medium,
            "short" => DateFormat::Short,
            "month_year" => DateFormat::MonthYear,
            "year" => DateFormat::Year,
            _ => return None,
        })
    }
}

/// The formatters of one language, built once per build.
pub struct LocalDates {
    calendar: Calendar,
    long: DateTimeFormatter<YMD>,
    medium: DateTimeFormatter<YMD>,
    short: DateTimeFormatter<YMD>,
    month: DateTimeFormatter<M>,
    _year: DateTimeFormatter<Y>,
    plain_number: DecimalFormatter,
    /// The language's digits 0–9, for localizing numerals in any text.
    digits: [char; 10],
}

impl LocalDates {
    pub fn new(language: &Language) -> Result<LocalDates, String> {
        let ca = match language.calendar {
            Calendar::Gregorian => "gregory",
            Calendar::Persian => "persian",
        };
        let tag = format!("{}-u-ca-{ca}", language.code);
        let locale: Locale = tag
            .parse()
            .map_err(|_| format!("`{}` is not a BCP 47 language code", language.code))?;
        let err = |e: icu_datetime::DateTimeFormatterLoadError| {
            format!("no date formats for `{}`: {e}", language.code)
        };
        let mut options = DecimalFormatterOptions::default();
        options.grouping_strategy = Some(GroupingStrategy::Never);
        let plain_number = DecimalFormatter::try_new((&locale).into(), options)
            .map_err(|e| format!("no number formats for `{}`: {e}", language.code))?;
        let mut digits = ['0'; 10];
        for (i, d) in digits.iter_mut().enumerate() {
            let shown = plain_number.format(&Decimal::from(i as i32)).to_string();
            *d = shown.chars().next().unwrap_or('0');
        }
        Ok(LocalDates {
            calendar: language.calendar,
            long: DateTimeFormatter::try_new((&locale).into(), YMD::long()).map_err(err)?,
            medium: DateTimeFormatter::try_new((&locale).into(), YMD::medium()).map_err(err)?,
            short: DateTimeFormatter::try_new((&locale).into(), YMD::short()).map_err(err)?,
            month: DateTimeFormatter::try_new((&locale).into(), M::long()).map_err(err)?,
            _year: DateTimeFormatter::try_new((&locale).into(), Y::long()).map_err(err)?,
            plain_number,
            digits,
        })
    }

    /// `date` shown in this language and calendar.
    pub fn format(&self, date: jiff::civil::Date, format: DateFormat) -> String {
        let iso = iso_date(date);
        match format {
            DateFormat::Long => self.long.format(&iso).to_string(),
            DateFormat::Medium => self.medium.format(&iso).to_string(),
            DateFormat::Short => self.short.format(&iso).to_string(),
            // The stand-alone month name and the bare year: `July 2018`,
            // `июль 2018`, `تیر ۱۳۹۷` (ICU's year-month pattern puts the year
            // first in Persian and adds `г.` in Russian, which headings avoid).
            DateFormat::MonthYear => {
                let (year, _) = year_month(date, self.calendar);
                format!("{} {}", self.month.format(&iso), self.number(year as i64))
            }
            DateFormat::Year => self.number(year_month(date, self.calendar).0 as i64),
        }
    }

    /// This language's digits, 0 to 9.
    pub fn digits(&self) -> &[char; 10] {
        &self.digits
    }

    /// A whole number in this language's digits, without grouping.
    pub fn number(&self, n: i64) -> String {
        self.plain_number.format(&Decimal::from(n)).to_string()
    }

    /// `text` with ASCII digits replaced by this language's digits.
    pub fn localize_digits(&self, text: &str) -> String {
        text.chars()
            .map(|c| match c.to_digit(10) {
                Some(d) if c.is_ascii_digit() => self.digits[d as usize],
                _ => c,
            })
            .collect()
    }
}

/// Formatters for every language of a site, by language code.
pub struct SiteDates(pub HashMap<String, LocalDates>);

impl SiteDates {
    pub fn new(languages: &[Language]) -> Result<SiteDates, String> {
        languages
            .iter()
            .map(|l| Ok((l.code.clone(), LocalDates::new(l)?)))
            .collect::<Result<_, String>>()
            .map(SiteDates)
    }

    pub fn get(&self, lang: &str) -> Option<&LocalDates> {
        self.0.get(lang)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::locale::Direction;

    fn lang(code: &str) -> Language {
        Language {
            code: code.into(),
            name: code.into(),
            title: String::new(),
            description: String::new(),
            direction: Direction::of_language(code),
            calendar: Calendar::of_language(code),
            timezone: "UTC".into(),
            prefix: String::new(),
            is_default: false,
            menu: Vec::new(),
        }
    }

    fn seed_instant() -> ZonedDateTime {
        parse_dateline("Jul 12, 2018 07:08 Asia/Tehran").unwrap()
    }

    #[test]
    fn a_persian_editor_may_type_a_solar_hijri_date() {
        let tehran = time_zone("Asia/Tehran").unwrap();
        let typed = parse_date("1405-09-08 09:00", &tehran).unwrap();
        let date = as_written(typed, Calendar::Persian).unwrap();
        assert_eq!(rfc3339(&date), "2026-11-29T09:00:00+03:30");
        // Nowruz, and the last day of a 30-day month.
        let nowruz = as_written(
            parse_date("1395-01-01", &tehran).unwrap(),
            Calendar::Persian,
        )
        .unwrap();
        assert_eq!(nowruz.date(), jiff::civil::date(2016, 3, 20));
        assert!(
            as_written(
                parse_date("1405-07-31", &tehran).unwrap(),
                Calendar::Persian
            )
            .is_err()
        );
        // Elsewhere, or far from both calendars, it is refused.
        for (text, calendar) in [
            ("1405-09-08", Calendar::Gregorian),
            ("0784-06-17", Calendar::Persian),
        ] {
            let e = as_written(parse_date(text, &tehran).unwrap(), calendar).unwrap_err();
            assert!(e.contains("far from any plausible date"), "{e}");
        }
        let today = parse_date("2026-11-29", &tehran).unwrap();
        assert_eq!(as_written(today.clone(), Calendar::Persian).unwrap(), today);
    }

    #[test]
    fn offsets_with_seconds_are_written_in_utc_so_the_instant_is_exact() {
        let tehran = time_zone("Asia/Tehran").unwrap();
        let date = parse_date("1930-11-18 01:01:44", &tehran).unwrap();
        assert_eq!(date.offset().seconds(), 3 * 3600 + 25 * 60 + 44);
        assert_eq!(rfc3339(&date), "1930-11-17T21:36:00Z");
        assert_eq!(rfc2822(&date), "Mon, 17 Nov 1930 21:36:00 +0000");
        for (zone, local, utc) in [
            (
                "Africa/Monrovia",
                "1960-01-01 00:00",
                "1960-01-01T00:44:30Z",
            ),
            (
                "America/St_Johns",
                "1900-06-01 12:00",
                "1900-06-01T15:30:52Z",
            ),
        ] {
            let date = parse_date(local, &time_zone(zone).unwrap()).unwrap();
            assert_eq!(rfc3339(&date), utc, "{zone}");
        }
        let today = parse_date("2018-07-12 07:08", &tehran).unwrap();
        assert_eq!(rfc3339(&today), "2018-07-12T07:08:00+04:30");
    }

    #[test]
    fn dateline_uses_the_zones_historic_offset() {
        assert_eq!(rfc3339(&seed_instant()), "2018-07-12T07:08:00+04:30");
        // Iran abolished daylight saving time in 2022.
        let later = parse_dateline("Jul 12, 2023 07:08 Asia/Tehran").unwrap();
        assert_eq!(rfc3339(&later), "2023-07-12T07:08:00+03:30");
        assert!(parse_dateline("Jul 12, 2018 07:08 Mars/Base").is_err());
        assert!(parse_dateline("12 July 2018").is_err());
    }

    #[test]
    fn front_matter_date_forms() {
        let tehran = time_zone("Asia/Tehran").unwrap();
        let d = parse_date("2018-07-12T07:08:00+04:30", &tehran).unwrap();
        assert_eq!(rfc3339(&d), "2018-07-12T07:08:00+04:30");
        let d = parse_date("2018-07-12 07:08", &tehran).unwrap();
        assert_eq!(rfc3339(&d), "2018-07-12T07:08:00+04:30");
        let d = parse_date("2018-01-12", &tehran).unwrap();
        assert_eq!(rfc3339(&d), "2018-01-12T00:00:00+03:30");
        assert!(parse_date("12/07/2018", &tehran).is_err());
        assert!(parse_date("2018-02-30", &tehran).is_err());
    }

    #[test]
    fn dst_gap_moves_forward() {
        // Tehran's clocks jumped from 00:00 to 01:00 on 2018-03-22.
        let tehran = time_zone("Asia/Tehran").unwrap();
        let d = parse_date("2018-03-22 00:30", &tehran).unwrap();
        assert_eq!(rfc3339(&d), "2018-03-22T01:30:00+04:30");
    }

    #[test]
    fn seed_date_in_three_languages() {
        let date = seed_instant().date();
        let en = LocalDates::new(&lang("en")).unwrap();
        let ru = LocalDates::new(&lang("ru")).unwrap();
        let fa = LocalDates::new(&lang("fa")).unwrap();
        assert_eq!(en.format(date, DateFormat::Long), "July 12, 2018");
        // ICU keeps "г." on the line with a narrow no-break space.
        assert_eq!(ru.format(date, DateFormat::Long), "12 июля 2018\u{202f}г.");
        assert_eq!(fa.format(date, DateFormat::Long), "۲۱ تیر ۱۳۹۷");
        assert_eq!(en.format(date, DateFormat::MonthYear), "July 2018");
        assert_eq!(ru.format(date, DateFormat::MonthYear), "июль 2018");
        assert_eq!(fa.format(date, DateFormat::MonthYear), "تیر ۱۳۹۷");
        assert_eq!(fa.format(date, DateFormat::Year), "۱۳۹۷");
        assert_eq!(fa.localize_digits("page 12"), "page ۱۲");
    }

    #[test]
    fn persian_year_month_and_back() {
        let date = jiff::civil::date(2018, 7, 12);
        assert_eq!(year_month(date, Calendar::Persian), (1397, 4));
        assert_eq!(year_month(date, Calendar::Gregorian), (2018, 7));
        // 1 Tir 1397 is 22 June 2018.
        assert_eq!(
            first_day(1397, 4, Calendar::Persian),
            Some(jiff::civil::date(2018, 6, 22))
        );
        // The last day of Khordad 1397 (21 June 2018) is still month 3.
        assert_eq!(
            year_month(jiff::civil::date(2018, 6, 21), Calendar::Persian),
            (1397, 3)
        );
    }
}
