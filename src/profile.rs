//! Stage timings and memory for `BULLETIN_PROFILE=1 bulletin build` (or
//! `serve`): where a build spends its time, without a profiler.

use std::sync::{Mutex, OnceLock};
use std::time::Instant;

/// When profiling: the time profiling began, and the time and CPU time of
/// the last stage.
fn clock() -> Option<&'static Mutex<(Instant, Instant, f64)>> {
    static CLOCK: OnceLock<Option<Mutex<(Instant, Instant, f64)>>> = OnceLock::new();
    CLOCK
        .get_or_init(|| {
            std::env::var_os("BULLETIN_PROFILE")
                .map(|_| Mutex::new((Instant::now(), Instant::now(), cpu_seconds())))
        })
        .as_ref()
}

/// User and system CPU time of the whole process, all threads (0 where
/// unknown). Beside the wall time it shows how parallel a stage was.
fn cpu_seconds() -> f64 {
    #[cfg(unix)]
    {
        // SAFETY: getrusage only writes the struct it is given.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } == 0 {
            let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
            return seconds(usage.ru_utime) + seconds(usage.ru_stime);
        }
    }
    0.0
}

/// Resident memory in MiB, from /proc (Linux only; 0 elsewhere).
fn rss_mib() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |pages| pages * 4096 / (1024 * 1024))
}

/// Prints, when profiling, the time since profiling began, the time and
/// the CPU time since the previous stage, and the memory in use.
pub fn stage(name: &str) {
    if let Some(clock) = clock() {
        let mut times = clock.lock().expect("no panics while locked");
        let (now, cpu) = (Instant::now(), cpu_seconds());
        eprintln!(
            "[profile] {:>8.3} s {:>+8.3} s {:>+8.3} s CPU {:>6} MiB  {name}",
            (now - times.0).as_secs_f64(),
            (now - times.1).as_secs_f64(),
            cpu - times.2,
            rss_mib()
        );
        times.1 = now;
        times.2 = cpu;
    }
}
