//! The headless outputs of docs/spec.md §6: JSON (the contract), CSV and a plain-text table.

mod json;
mod text;

pub use json::{to_json, write_json};
pub use text::{to_csv, to_table};

use crate::solver::{CvResult, PathResult};

/// Wall milliseconds of each stage (docs/spec.md §6 `timings_ms`).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Timings {
    pub load: f64,
    pub prepare: f64,
    pub fit: f64,
    pub cv: Option<f64>,
}

/// Everything one headless run reports.
pub struct Report<'a> {
    pub path: &'a PathResult,
    pub cv: Option<&'a CvResult>,
    pub features: &'a [String],
    pub target: &'a str,
    pub source: &'a str,
    pub standardize: bool,
    pub fit_intercept: bool,
    pub n_samples: usize,
    pub rows_dropped: usize,
    /// data notes (identifier columns left out, rows dropped, ...)
    pub notes: &'a [String],
    pub timings: Timings,
}

impl Report<'_> {
    /// The names of the features that were constant (their coefficients are exactly 0).
    pub fn constant_features(&self) -> Vec<&String> {
        (self.features.iter().zip(&self.path.constant))
            .filter(|(_, c)| **c)
            .map(|(f, _)| f)
            .collect()
    }

    /// Solver warnings with feature names, then CV fold warnings.
    pub fn warnings(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .path
            .warnings
            .iter()
            .map(|w| w.describe(self.features))
            .collect();
        if let Some(cv) = self.cv {
            for (f, w) in &cv.warnings {
                let text = format!("cv fold {f}: {}", w.describe(self.features));
                if !out.contains(&text) {
                    out.push(text);
                }
            }
        }
        out
    }
}
