//! Stage timings and memory for `BULLETIN_PROFILE=1 bulletin build` (or
//! `serve`): where a build spends its time, without a profiler.

use std::sync::{Mutex, OnceLock};
use std::time::Instant;

/// When profiling: the time profiling began and the time of the last stage.
fn clock() -> Option<&'static Mutex<(Instant, Instant)>> {
    static CLOCK: OnceLock<Option<Mutex<(Instant, Instant)>>> = OnceLock::new();
    CLOCK
        .get_or_init(|| {
            std::env::var_os("BULLETIN_PROFILE")
                .map(|_| Mutex::new((Instant::now(), Instant::now())))
        })
        .as_ref()
}

/// Resident memory in MiB, from /proc (Linux only; 0 elsewhere).
fn rss_mib() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |pages| pages * 4096 / (1024 * 1024))
}

/// Prints, when profiling, the time since profiling began, the time since
/// the previous stage, and the memory in use.
pub fn stage(name: &str) {
    if let Some(clock) = clock() {
        let mut times = clock.lock().expect("no panics while locked");
        let now = Instant::now();
        eprintln!(
            "[profile] {:>8.3} s {:>+8.3} s {:>6} MiB  {name}",
            (now - times.0).as_secs_f64(),
            (now - times.1).as_secs_f64(),
            rss_mib()
        );
        times.1 = now;
    }
}
