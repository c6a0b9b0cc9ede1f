//! One module per command: each takes parsed arguments and does the work
//! through the library, printing what a user needs to see.

pub mod build;
pub mod check;
pub mod init;
pub mod new;

/// Most warnings printed one per line; the rest are counted.
const MAX_WARNINGS: usize = 10;

/// Prints warnings to stderr, at most ten of them and a count of the rest,
/// so a site with hundreds of future-dated articles stays readable. A closed
/// stderr is ignored.
pub fn print_warnings(warnings: &[String]) {
    use std::io::Write;
    let mut err = std::io::stderr().lock();
    for w in warnings.iter().take(MAX_WARNINGS) {
        let _ = writeln!(err, "warning: {w}");
    }
    if warnings.len() > MAX_WARNINGS {
        let _ = writeln!(err, "warning: … and {} more", warnings.len() - MAX_WARNINGS);
    }
}
