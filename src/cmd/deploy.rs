//! `bulletin deploy`: publish the built site to a target of site.toml.

use crate::deploy::{DeployOptions, deploy};
use crate::error::Errors;

/// Publish the built site (public/) to a deploy target of site.toml,
/// uploading only what changed.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The site folder, the one holding site.toml.
    #[arg(long, default_value = ".")]
    pub root: std::path::PathBuf,
    /// The target's name (`[[deploy.targets]] name`); the first one if not given.
    #[arg(long)]
    pub target: Option<String>,
    /// Print what would be uploaded and deleted, and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Stop before deleting more than N files (default: the target's
    /// `max_deletes`, else 256).
    #[arg(long, value_name = "N")]
    pub max_deletes: Option<usize>,
    /// Deploy this folder rather than the site's output_dir.
    #[arg(long, value_name = "DIR")]
    pub output: Option<std::path::PathBuf>,
}

pub fn run(args: Args) -> Result<(), Errors> {
    let started = std::time::Instant::now();
    let report = deploy(&DeployOptions {
        root: args.root,
        target: args.target,
        dry_run: args.dry_run,
        max_deletes: args.max_deletes,
        output: args.output,
    })?;
    let plan = &report.plan;
    if report.dry_run {
        for f in &plan.uploads {
            println!("upload  {} ({} bytes)", f.path, f.size);
        }
        for path in &plan.deletes {
            println!("delete  {path}");
        }
    }
    let verb = if report.dry_run {
        "Would deploy"
    } else {
        "Deployed"
    };
    println!(
        "{verb} to {}: {} uploaded ({}), {} deleted, {} unchanged in {:.2} s",
        report.target,
        plan.uploads.len(),
        human_bytes(plan.bytes),
        plan.deletes.len(),
        plan.unchanged,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn human_bytes(n: u64) -> String {
    match n {
        n if n >= 1 << 20 => format!("{:.1} MB", n as f64 / (1 << 20) as f64),
        n if n >= 1 << 10 => format!("{:.1} KB", n as f64 / 1024.0),
        n => format!("{n} bytes"),
    }
}
