//! `bulletin theme eject [TEMPLATE…]`: the built-in theme's templates
//! copied into the site's `templates/`, as a starting point to change.

use std::path::PathBuf;

use crate::error::{Error, Errors};

/// Work with the built-in theme.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Copy built-in templates into templates/ (all of them if none is
    /// named); a file already there is never overwritten. A copied
    /// template replaces the built-in one; the built-in one stays
    /// available as theme/NAME, to extend.
    Eject(EjectArgs),
}

#[derive(Debug, clap::Args)]
pub struct EjectArgs {
    /// Templates to copy, as named in templates/: base.html, article.html,
    /// shortcodes/figure.html.
    pub templates: Vec<String>,
    /// The site folder.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

pub fn run(args: Args) -> Result<(), Errors> {
    let Action::Eject(args) = args.action;
    if !args.root.join("site.toml").is_file() {
        return Err(Error::in_file(args.root.join("site.toml"), "no site here")
            .with_help("run it in a site folder, or pass --root DIR")
            .into());
    }
    let builtin = crate::theme::builtin_templates();
    let names: Vec<&str> = builtin.iter().map(|(n, _)| n.as_str()).collect();
    let mut chosen = Vec::new();
    let mut errors = Vec::new();
    for wanted in &args.templates {
        let wanted = wanted.trim_start_matches("templates/");
        match builtin.iter().find(|(n, _)| n == wanted) {
            Some(t) => chosen.push(t),
            None => errors.push(
                Error::msg(format!(
                    "the built-in theme has no template `{wanted}`{}",
                    crate::error::did_you_mean(wanted, names.iter().copied())
                ))
                .with_help(format!("built-in templates: {}", names.join(", "))),
            ),
        }
    }
    Errors::result(errors)?;
    if args.templates.is_empty() {
        chosen = builtin.iter().collect();
    }
    let (mut copied, mut kept) = (0, 0);
    for (name, bytes) in chosen {
        let target = args.root.join("templates").join(name);
        if target.exists() {
            println!("kept {} (already there)", target.display());
            kept += 1;
            continue;
        }
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        std::fs::write(&target, bytes).map_err(|e| Error::io(&target, e))?;
        println!("copied {}", target.display());
        copied += 1;
    }
    println!("{copied} copied, {kept} kept; docs/templates.md lists what each template sees");
    Ok(())
}
