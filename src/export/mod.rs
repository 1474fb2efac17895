//! Charts and tables that leave the terminal: the coefficient, path and CV charts as
//! SVG (written here) and PNG (the SVG rendered by resvg with the embedded font), and
//! the coefficient table as CSV. Used by `regscope plot` and the TUI's export key.
//! Depends on the solver's results only.

mod axis;
mod coefficients;
mod cv;
pub mod font;
mod path;
mod png;
mod style;
mod svg;
mod table;

pub use png::render_png;
pub use table::coef_csv;

use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::solver::{CvResult, ModelKind, PathResult};

/// Which files each chart becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    Svg,
    Png,
    #[default]
    Both,
}

impl Format {
    fn svg(self) -> bool {
        matches!(self, Format::Svg | Format::Both)
    }
    fn png(self) -> bool {
        matches!(self, Format::Png | Format::Both)
    }
}

/// The coefficients of one fit (a grid point or an alpha off the grid).
#[derive(Debug, Clone, PartialEq)]
pub struct CoefRow {
    pub alpha: f64,
    pub coef: Vec<f64>,
    pub coef_std: Vec<f64>,
    pub intercept: f64,
}

impl CoefRow {
    /// Row `i` of a path, if it has one.
    pub fn at(path: &PathResult, i: usize) -> Option<CoefRow> {
        (i < path.alphas.len() && i < path.coef.nrows()).then(|| CoefRow {
            alpha: path.alphas[i],
            coef: path.coef.row(i).to_vec(),
            coef_std: path.coef_std.row(i).to_vec(),
            intercept: path.intercept.get(i).copied().unwrap_or(f64::NAN),
        })
    }
}

/// Everything the charts show.
pub struct ChartInput<'a> {
    pub path: &'a PathResult,
    pub cv: Option<&'a CvResult>,
    pub features: &'a [String],
    /// the data file, as the reports name it
    pub source: &'a str,
    pub target: &'a str,
    /// whether coef_std is on standardized columns (else centred only)
    pub standardize: bool,
    /// the fit the coefficient chart shows
    pub coefs: CoefRow,
    /// an alpha to mark "selected" on the path and CV charts (the TUI's cursor)
    pub cursor: Option<f64>,
}

impl ChartInput<'_> {
    /// "lasso", "ridge", "elastic net (l1_ratio 0.5)", "OLS".
    pub fn model(&self) -> String {
        match self.path.kind {
            ModelKind::Ols => "OLS".into(),
            ModelKind::Ridge => "ridge".into(),
            ModelKind::Lasso => "lasso".into(),
            ModelKind::ElasticNet => {
                format!("elastic net (l1_ratio {})", axis::num(self.path.l1_ratio))
            }
        }
    }

    /// "lasso on diabetes.csv, target progression"
    pub fn subtitle(&self) -> String {
        let file = Path::new(self.source)
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_else(|| self.source.to_string());
        format!("{} on {file}, target {}", self.model(), self.target)
    }

    /// The name of feature `j`.
    fn name(&self, j: usize) -> String {
        self.features
            .get(j)
            .cloned()
            .unwrap_or_else(|| format!("#{j}"))
    }
}

/// One finished chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// the file stem: coefficients, path or cv
    pub name: &'static str,
    pub width: u32,
    pub height: u32,
    pub svg: String,
}

/// The charts of a fit: coefficients and path always, cv when there is a CV result.
pub fn charts(input: &ChartInput) -> Vec<Chart> {
    let mut out = vec![coefficients::chart(input), path::chart(input)];
    if let Some(cv) = input.cv {
        out.push(cv::chart(input, cv));
    }
    out
}

/// Write the charts into `dir` (created if missing) as `<name>.svg` / `<name>.png`,
/// each atomically. Returns the files written.
pub fn write_charts(dir: &Path, charts: &[Chart], format: Format) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for c in charts {
        if format.svg() {
            let p = dir.join(format!("{}.svg", c.name));
            crate::atomic::write_atomic(&p, c.svg.as_bytes(), "write")?;
            written.push(p);
        }
        if format.png() {
            let p = dir.join(format!("{}.png", c.name));
            let bytes = render_png(c).map_err(|e| {
                crate::error::Error::new(format!("{}: cannot render the PNG: {e}", p.display()))
            })?;
            crate::atomic::write_atomic(&p, &bytes, "write")?;
            written.push(p);
        }
    }
    Ok(written)
}

/// The alphas that a log axis can show: (index, log10 alpha) of the positive finite ones.
fn log_alphas(alphas: &[f64]) -> Vec<(usize, f64)> {
    alphas
        .iter()
        .enumerate()
        .filter(|(_, a)| a.is_finite() && **a > 0.0)
        .map(|(i, a)| (i, a.log10()))
        .collect()
}

#[cfg(test)]
mod tests;
