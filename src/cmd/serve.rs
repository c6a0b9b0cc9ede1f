//! `bulletin serve`: the preview server (its workings are in [`crate::serve`]).

use std::path::PathBuf;

use crate::error::Errors;
use crate::serve::ServeOptions;

/// Build the site into memory, serve it, and rebuild and reload the browser
/// on every change.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The site folder, the one holding site.toml.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: String,
    /// Include articles marked `draft = true`.
    #[arg(long)]
    pub drafts: bool,
    /// Open the site in a browser.
    #[arg(long)]
    pub open: bool,
    /// Poll for changes (for file systems without change events: WSL, network mounts).
    #[arg(long)]
    pub poll: bool,
    /// Embargoed stories are shown (with a banner) unless --no-future.
    #[arg(long)]
    pub no_future: bool,
    #[command(flatten)]
    pub clock: super::Clock,
}

pub fn run(args: Args) -> Result<(), Errors> {
    crate::serve::run(ServeOptions {
        root: args.root,
        bind: args.bind,
        port: args.port,
        drafts: args.drafts,
        schedule: args.clock.schedule(!args.no_future)?,
        open: args.open,
        poll: args.poll,
    })
}
