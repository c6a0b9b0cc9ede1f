//! `bulletin status`: the desk's board. What is published per language,
//! what the clock holds back and until when, what is untranslated, and when
//! the site next changes by itself. Loads and resolves the site; renders
//! and writes nothing.

use std::collections::BTreeMap;

use serde_json::json;

use crate::build::{BuildOptions, load, load_config};
use crate::content::Why;
use crate::error::Errors;
use crate::site::Site;

/// Show the board: published, drafts, embargoed, expired, untranslated and
/// outdated stories per language, and the next scheduled change.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The site folder, the one holding site.toml.
    #[arg(long, default_value = ".")]
    pub root: std::path::PathBuf,
    /// Print only when the next scheduled change is due (RFC 3339), or
    /// nothing if none is: for a CI schedule.
    #[arg(long)]
    pub next: bool,
    /// `table` for a terminal, `json` for scripts.
    #[arg(long, default_value = "table", value_parser = ["table", "json"])]
    pub format: String,
    /// Build as if it were this instant (RFC 3339).
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<String>,
}

pub fn run(args: Args) -> Result<(), Errors> {
    let clock = super::Clock {
        future: false,
        expired: false,
        now: args.now.clone(),
    };
    let options = BuildOptions {
        root: args.root.clone(),
        schedule: clock.schedule(false)?,
        ..Default::default()
    };
    let config = load_config(&options)?;
    let (config, _theme, content) = load(&options, config, None, None)?;
    let site = Site::resolve(&options.root, config, content)?;
    if args.next {
        if let Some(next) = &site.next_change {
            println!("{}", next.at);
        }
        return Ok(());
    }
    let board = Board::of(&site);
    match args.format.as_str() {
        "json" => println!("{}", board.json(&site)),
        _ => board.print(&site),
    }
    Ok(())
}

/// Counts per language.
#[derive(Default)]
struct Row {
    published: usize,
    drafts: usize,
    embargoed: usize,
    expired: usize,
    untranslated: usize,
    outdated: usize,
    /// Stories with a warning (see [`Site::story_warnings`]).
    warned: usize,
}

struct Board {
    rows: BTreeMap<String, Row>,
}

impl Board {
    fn of(site: &Site) -> Board {
        let mut rows: BTreeMap<String, Row> = (site.config.languages.iter())
            .map(|l| (l.code.clone(), Row::default()))
            .collect();
        for a in &site.articles {
            if a.date.is_some() {
                rows.entry(a.lang.clone()).or_default().published += 1;
            }
        }
        for h in &site.held {
            let row = rows.entry(h.lang.clone()).or_default();
            match h.why {
                Why::Draft => row.drafts += 1,
                Why::Embargoed => row.embargoed += 1,
                Why::Expired | Why::Unpublished => row.expired += 1,
            }
        }
        for i in (0..site.articles.len()).filter(|&i| site.outdated_by(i).is_some()) {
            rows.entry(site.articles[i].lang.clone())
                .or_default()
                .outdated += 1;
        }
        for i in (0..site.articles.len()).filter(|&i| !site.story_warnings(i).is_empty()) {
            rows.entry(site.articles[i].lang.clone())
                .or_default()
                .warned += 1;
        }
        for (lang, missing) in site.missing_translations() {
            rows.entry(lang).or_default().untranslated = missing.len();
        }
        Board { rows }
    }

    fn print(&self, site: &Site) {
        println!(
            "{:<10} {:>9} {:>7} {:>9} {:>8} {:>12} {:>9} {:>8}",
            "language",
            "published",
            "drafts",
            "embargoed",
            "expired",
            "untranslated",
            "outdated",
            "warnings"
        );
        for (lang, r) in &self.rows {
            println!(
                "{lang:<10} {:>9} {:>7} {:>9} {:>8} {:>12} {:>9} {:>8}",
                r.published, r.drafts, r.embargoed, r.expired, r.untranslated, r.outdated, r.warned
            );
        }
        let mut held: Vec<_> = site.held.iter().filter(|h| h.why != Why::Draft).collect();
        held.sort_by_key(|h| (h.at, h.source.clone()));
        for h in held {
            let what = match (h.why, h.at) {
                (Why::Embargoed, Some(at)) => format!("embargoed until {at}"),
                (Why::Expired, Some(at)) => format!("expired at {at}"),
                _ => "unpublished".to_string(),
            };
            println!("  {}: {what}", h.source.display());
        }
        match &site.next_change {
            Some(n) => println!(
                "Next scheduled change: {} ({} {}).",
                n.at,
                n.source.display(),
                n.what
            ),
            None => println!("No scheduled change."),
        }
        for w in &site.warnings {
            println!("warning: {w}");
        }
        for i in 0..site.articles.len() {
            for w in site.story_warnings(i) {
                println!("warning: {w}");
            }
        }
    }

    fn json(&self, site: &Site) -> String {
        let languages: serde_json::Map<String, serde_json::Value> = (self.rows.iter())
            .map(|(lang, r)| {
                let row = json!({
                    "published": r.published,
                    "drafts": r.drafts,
                    "embargoed": r.embargoed,
                    "expired": r.expired,
                    "untranslated": r.untranslated,
                    "outdated": r.outdated,
                    "warnings": r.warned,
                });
                (lang.clone(), row)
            })
            .collect();
        let held: Vec<serde_json::Value> = (site.held.iter())
            .map(|h| {
                json!({
                    "source": h.source.display().to_string(),
                    "lang": h.lang,
                    "why": h.why,
                    "at": h.at.map(|t| t.to_string()),
                })
            })
            .collect();
        let next = site.next_change.as_ref().map(|n| {
            json!({"at": n.at.to_string(), "source": n.source.display().to_string(), "what": n.what})
        });
        json!({
            "now": site.now.to_string(),
            "languages": languages,
            "held": held,
            "next_change": next,
            "warnings": site.warnings,
        })
        .to_string()
    }
}
