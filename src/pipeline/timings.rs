//! How long each phase of a build took, for profiling. The library only records the
//! lines; `app` prints them when GUIDEPOST_TIMINGS is set.

use std::sync::Mutex;
use std::time::Instant;

/// Phase durations and notes of one build, in the order they happened.
pub(super) struct Timings {
    last: Mutex<Instant>,
    lines: Mutex<Vec<String>>,
}

impl Timings {
    pub(super) fn start() -> Self {
        Timings {
            last: Mutex::new(Instant::now()),
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

    /// The time since the previous lap (or the start), as `phase: 1.234 s`.
    pub(super) fn lap(&self, phase: &str) {
        let now = Instant::now();
        let elapsed = {
            let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
            let elapsed = now - *last;
            *last = now;
            elapsed
        };
        self.note(format!("{phase}: {:.3} s", elapsed.as_secs_f64()));
    }

    pub(super) fn into_lines(self) -> Vec<String> {
        self.lines.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}
