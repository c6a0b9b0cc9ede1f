//! One module per command: each takes parsed arguments and does the work
//! through the library, printing what a user needs to see.

pub mod build;
pub mod check;
pub mod deploy;
pub mod init;
pub mod new;
pub mod serve;
pub mod status;
pub mod theme;

pub use crate::error::print_warnings;

use crate::content::Schedule;
use crate::error::Error;

/// The desk's clock, shared by build, check and serve.
#[derive(Debug, Clone, clap::Args)]
pub struct Clock {
    /// Include stories whose publish time (`publish_date`, else `date`) is
    /// still to come.
    #[arg(long)]
    pub future: bool,
    /// Include stories past their `expiry_date`, and `unpublished` ones.
    #[arg(long)]
    pub expired: bool,
    /// Build as if it were this instant (RFC 3339, e.g.
    /// 2026-12-03T09:00:00+03:30), for previews and tests.
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<String>,
}

impl Clock {
    /// The schedule these flags ask for; `future` is the default when a
    /// command shows embargoed stories anyway (serve).
    pub fn schedule(&self, future: bool) -> Result<Schedule, Error> {
        let now = match &self.now {
            Some(text) => Some(text.parse::<jiff::Timestamp>().map_err(|e| {
                Error::msg(format!("--now `{text}` is not an instant: {e}"))
                    .with_help("write it like 2026-12-03T09:00:00+03:30 or 2026-12-03T05:30:00Z")
            })?),
            None => None,
        };
        Ok(Schedule {
            future: self.future || future,
            expired: self.expired,
            now,
        })
    }
}
