//! One module per command: each takes parsed arguments and does the work
//! through the library, printing what a user needs to see.

pub mod build;
pub mod check;
pub mod init;
pub mod new;
pub mod serve;

pub use crate::error::print_warnings;
