//! Stage timings and memory for `BULLETIN_PROFILE=1 bulletin build`: where a
//! build spends its time, without a profiler.

use std::sync::OnceLock;
use std::time::Instant;

fn start() -> Option<&'static Instant> {
    static START: OnceLock<Option<Instant>> = OnceLock::new();
    START
        .get_or_init(|| std::env::var_os("BULLETIN_PROFILE").map(|_| Instant::now()))
        .as_ref()
}

/// Resident memory in MiB, from /proc (Linux only; 0 elsewhere).
fn rss_mib() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |pages| pages * 4096 / (1024 * 1024))
}

/// Prints the time since the build began and the memory in use, when profiling.
pub fn stage(name: &str) {
    if let Some(start) = start() {
        eprintln!(
            "[profile] {:>8.3} s {:>6} MiB  {name}",
            start.elapsed().as_secs_f64(),
            rss_mib()
        );
    }
}
