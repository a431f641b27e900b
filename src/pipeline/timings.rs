//! How long each phase of a build took, for profiling. The library only records the
//! lines; `app` prints them when GUIDEPOST_TIMINGS is set.

use std::sync::Mutex;
use std::time::Instant;

/// Phase durations and notes of one build, in the order they happened.
pub(super) struct Timings {
    last: Mutex<(Instant, f64)>,
    lines: Mutex<Vec<String>>,
}

impl Timings {
    pub(super) fn start() -> Self {
        Timings {
            last: Mutex::new((Instant::now(), cpu_seconds())),
            lines: Mutex::new(Vec::new()),
        }
    }

    /// A line of its own (cache hits, what a phase did).
    pub(super) fn note(&self, text: String) {
        self.lines
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(text);
    }

    /// The time since the previous lap (or the start), as `phase: 1.234 s`, the CPU
    /// time all threads spent in it (which says how well it kept the cores busy), and
    /// the process's resident memory now and at its peak, where the system tells them.
    pub(super) fn lap(&self, phase: &str) {
        let now = (Instant::now(), cpu_seconds());
        let (elapsed, cpu) = {
            let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
            let elapsed = (now.0 - last.0, now.1 - last.1);
            *last = now;
            elapsed
        };
        let memory = match (status_mib("VmRSS:"), status_mib("VmHWM:")) {
            (Some(now), Some(peak)) => format!(" (resident {now} MiB, peak {peak} MiB)"),
            _ => String::new(),
        };
        self.note(format!(
            "{phase}: {:.3} s, CPU {cpu:.3} s{memory}",
            elapsed.as_secs_f64()
        ));
    }

    pub(super) fn into_lines(self) -> Vec<String> {
        self.lines.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

/// The CPU time (user and system) of all the process's threads so far.
fn cpu_seconds() -> f64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
        return 0.0;
    }
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// A memory figure of this process from /proc/self/status (Linux), in MiB.
fn status_mib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: u64 = status
        .lines()
        .find(|l| l.starts_with(field))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kb / 1024)
}
