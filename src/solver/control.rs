//! Cooperative cancellation and progress, so that a caller on another thread (the TUI's
//! worker) can stop a fit between alphas, between folds and every few hundred sweeps.

use std::sync::atomic::{AtomicBool, Ordering};

/// The stage a progress report is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The path on all rows: `done` of `total` alphas.
    Path,
    /// Cross-validation: `done` of `total` folds finished.
    Cv,
    /// Comparing penalties: `done` of `total` models cross-validated.
    Models,
    /// Stability selection: `done` of `total` subsample paths fitted.
    Subsamples,
    /// Reading the data: `done` rows so far at `per_sec` rows a second (`total` 0 when
    /// the row count is unknown; `estimated` when it is estimated from the bytes read).
    Read { per_sec: u64, estimated: bool },
}

/// One progress report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub stage: Stage,
    pub done: usize,
    pub total: usize,
}

/// Returned by a solver that was asked to stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cancelled;

impl std::fmt::Display for Cancelled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("cancelled")
    }
}

impl std::error::Error for Cancelled {}

/// How a caller steers a running fit. `Control::none()` never cancels and reports nothing.
#[derive(Clone, Copy)]
pub struct Control<'a> {
    cancel: Option<&'a AtomicBool>,
    progress: Option<&'a (dyn Fn(Progress) + Sync)>,
}

impl Default for Control<'_> {
    fn default() -> Self {
        Control::none()
    }
}

impl<'a> Control<'a> {
    pub const fn none() -> Control<'static> {
        Control {
            cancel: None,
            progress: None,
        }
    }

    pub fn new(
        cancel: Option<&'a AtomicBool>,
        progress: Option<&'a (dyn Fn(Progress) + Sync)>,
    ) -> Self {
        Control { cancel, progress }
    }

    /// `Err(Cancelled)` once the flag is set.
    #[inline]
    pub fn check(&self) -> Result<(), Cancelled> {
        match self.cancel {
            Some(flag) if flag.load(Ordering::Relaxed) => Err(Cancelled),
            _ => Ok(()),
        }
    }

    pub fn report(&self, stage: Stage, done: usize, total: usize) {
        if let Some(f) = self.progress {
            f(Progress { stage, done, total });
        }
    }

    /// The same cancel flag without progress reports (fold solvers report per fold).
    pub fn silent(&self) -> Control<'a> {
        Control {
            cancel: self.cancel,
            progress: None,
        }
    }
}
