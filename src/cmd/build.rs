//! `bulletin build`.

use std::path::PathBuf;

use crate::build::{BuildOptions, build};
use crate::error::Errors;

/// Build the site into its output folder (public/ by default).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The site folder, the one holding site.toml.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Write here instead of output_dir.
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Use this base URL instead of site.toml's (for a preview host).
    #[arg(long)]
    pub base_url: Option<String>,
    /// Include articles marked `draft = true`.
    #[arg(long)]
    pub drafts: bool,
    /// List the articles that have no translation, per language.
    #[arg(long)]
    pub missing_translations: bool,
    #[command(flatten)]
    pub clock: super::Clock,
}

pub fn run(args: Args) -> Result<(), Errors> {
    let options = BuildOptions {
        root: args.root,
        output: args.output,
        base_url: args.base_url,
        drafts: args.drafts,
        schedule: args.clock.schedule(false)?,
    };
    let report = build(&options)?;
    super::print_warnings(&report.rendering.warnings);
    if args.missing_translations {
        let site = &report.site;
        for (lang, missing) in site.missing_translations() {
            println!("missing in {lang}: {}", missing.len());
            for (i, from) in missing {
                println!("  {} ({from})", site.articles[i].source.display());
            }
        }
    }
    let per_lang: Vec<String> = report
        .rendering
        .pages
        .iter()
        .map(|(l, n)| format!("{l} {n}"))
        .collect();
    let total: usize = report.rendering.pages.values().sum();
    let w = report.written;
    println!(
        "Built {total} pages ({}) in {:.2} s → {} ({} written, {} unchanged, {} removed)",
        per_lang.join(", "),
        report.elapsed.as_secs_f64(),
        report.output_dir.display(),
        w.written,
        w.unchanged,
        w.removed
    );
    let site = &report.site;
    use crate::content::Why;
    let (embargoed, expired) = (
        site.held(Why::Embargoed),
        site.held(Why::Expired) + site.held(Why::Unpublished),
    );
    if embargoed + expired > 0 {
        println!(
            "Not published: {embargoed} embargoed, {expired} expired or unpublished (--future and --expired include them)."
        );
    }
    if let Some(next) = &site.next_change {
        println!(
            "Next scheduled change: {} ({} {}); build again then.",
            next.at,
            next.source.display(),
            next.what
        );
    }
    // The process ends here: freeing a large site's model piece by piece
    // would only delay the exit (0.5 s at 30,000 articles).
    std::mem::forget(report);
    Ok(())
}
