//! bulletin: a static site generator for multilingual news bulletins.
//!
//! The build is a pipeline of plain data, each stage a module:
//!
//! ```text
//! config   site.toml                                → Config
//! content  walk content/, parse files in parallel   → Content (articles)
//! site     URLs, translations, sections             → Site
//! index    home, sections, terms, date archives     → Indexes
//! render   Tera, in parallel                        → Vec<Output>
//! output   write changed bytes only                 → public/
//! ```

pub mod build;
pub mod check;
pub mod cmd;
pub mod config;
pub mod content;
pub mod deploy;
pub mod error;
pub mod fingerprint;
pub mod images;
pub mod index;
pub mod locale;
pub mod output;
pub mod plan;
pub mod profile;
pub mod render;
pub mod search;
pub mod serve;
pub mod site;
pub mod theme;
pub mod url;

pub use build::{BuildOptions, BuildReport, build};
pub use error::{Error, Errors};
