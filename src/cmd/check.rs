//! `bulletin check`: render in memory, verify links and anchors, report
//! untranslated articles. Writes nothing.

use crate::build::{BuildOptions, render_site};
use crate::check::check_links;
use crate::error::{Error, Errors};
use crate::render::MemorySink;

/// Render the site in memory and verify every internal link and anchor.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The site folder, the one holding site.toml.
    #[arg(long, default_value = ".")]
    pub root: std::path::PathBuf,
    /// Include articles marked `draft = true`.
    #[arg(long)]
    pub drafts: bool,
    #[command(flatten)]
    pub clock: super::Clock,
}

pub fn run(args: Args) -> Result<(), Errors> {
    let options = BuildOptions {
        root: args.root,
        drafts: args.drafts,
        schedule: args.clock.schedule(false)?,
        ..Default::default()
    };
    let sink = MemorySink::default();
    let config = crate::build::load_config(&options)?;
    let (site, rendering) = render_site(&options, config, &sink, None)?;
    let files = sink.into_files();
    super::print_warnings(&rendering.warnings);
    for (lang, missing) in site.missing_translations() {
        println!("untranslated into {lang}: {}", missing.len());
        for (i, _) in missing {
            println!("  {}", site.articles[i].source.display());
        }
    }
    let outdated: Vec<(usize, usize)> = (0..site.articles.len())
        .filter_map(|i| site.outdated_by(i).map(|j| (i, j)))
        .collect();
    if !outdated.is_empty() {
        println!("outdated translations: {}", outdated.len());
        for (i, j) in outdated {
            println!(
                "  {} (updated since in {})",
                site.articles[i].source.display(),
                site.articles[j].source.display()
            );
        }
    }
    let broken = check_links(&site.config, &files);
    if broken.is_empty() {
        let pages: usize = rendering.pages.values().sum();
        println!("Checked {pages} pages: every internal link and anchor resolves.");
        return Ok(());
    }
    let errors = broken
        .into_iter()
        .map(|b| {
            let source = site
                .paths
                .iter()
                .position(|p| crate::plan::file_for(p) == b.page)
                .map(|i| format!(" (from {})", site.articles[i].source.display()))
                .unwrap_or_default();
            Error::msg(format!(
                "broken link on /{}{source}: {} — {}",
                b.page, b.link, b.reason
            ))
        })
        .collect();
    Err(Errors(errors))
}
