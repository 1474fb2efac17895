//! The headless outputs of docs/spec.md §6: JSON (the contract), CSV and a plain-text table.

mod json;
mod text;

pub use json::write_json;
pub use text::{to_csv, to_table};

use crate::fmt::num;
use crate::solver::{CvResult, GridSource, PathResult};

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
            out.extend(edge_warning(self.path, cv));
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

/// A warning when the CV minimum sits at an end of the grid: the error might keep
/// falling beyond it, so alpha_min (and comparisons between penalties) are not to be
/// trusted until the grid is extended.
pub fn edge_warning(path: &PathResult, cv: &CvResult) -> Option<String> {
    let m = path.alphas.len();
    if m < 2 {
        return None;
    }
    let explicit = path.grid_source == GridSource::Explicit;
    if cv.index_min == m - 1 {
        let fix = if explicit {
            "add smaller alphas to path.alphas (--alphas), or remove it and set path.eps (--eps)"
                .to_string()
        } else {
            let eps = path.alphas[m - 1] / path.alphas[0];
            format!(
                "extend the grid with a smaller path.eps (--eps {}; now {})",
                num(eps / 100.0),
                num(eps)
            )
        };
        return Some(format!(
            "alpha_min is the smallest alpha of the grid (index {} of 0..{}): the CV error may still fall below it; {fix}",
            m - 1,
            m - 1
        ));
    }
    if cv.index_min == 0 {
        let more = if path.l1_ratio == 0.0 || explicit {
            "; a larger alpha may do better: list larger ones in path.alphas (--alphas)"
        } else {
            ""
        };
        return Some(format!(
            "alpha_min is the largest alpha of the grid (index 0 of 0..{}): the most penalized fit predicts best, so the features may not help predict the target{more}",
            m - 1
        ));
    }
    None
}
