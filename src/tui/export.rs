//! The export key: the charts of the fit on screen (the coefficient chart at the
//! cursor's alpha) and the coefficient table, written into one folder.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::atomic::write_atomic;
use crate::error::Result;
use crate::export::{ChartInput, CoefRow, Format, charts, coef_csv, write_charts};
use crate::solver::{CvResult, PathResult};
use crate::workflow::DataSource;

use super::app::App;
use super::worker::DataInfo;

/// Everything an export needs, taken from the app when the key is pressed.
#[derive(Debug, Clone)]
pub struct ExportJob {
    pub dir: PathBuf,
    pub info: Arc<DataInfo>,
    pub path: Arc<PathResult>,
    pub cv: Option<Arc<CvResult>>,
    pub standardize: bool,
    pub coefs: CoefRow,
    pub cursor: Option<f64>,
}

impl PartialEq for ExportJob {
    /// the same folder, fit and cursor (results compared by identity)
    fn eq(&self, o: &ExportJob) -> bool {
        self.dir == o.dir
            && Arc::ptr_eq(&self.path, &o.path)
            && match (&self.cv, &o.cv) {
                (Some(a), Some(b)) => Arc::ptr_eq(a, b),
                (None, None) => true,
                _ => false,
            }
            && self.standardize == o.standardize
            && self.coefs == o.coefs
            && self.cursor == o.cursor
    }
}

/// `exports/<data>-<model>`, relative to the working directory.
pub fn default_dir(app: &App) -> PathBuf {
    let data = match &app.source {
        DataSource::Embedded => "diabetes".to_string(),
        DataSource::File(p) => p
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "data".into()),
    };
    Path::new("exports").join(format!("{data}-{}", app.exp.model.kind.name()))
}

/// The job for the view on screen, or why there is none.
pub fn job(app: &App) -> std::result::Result<ExportJob, &'static str> {
    let (Some(path), Some(info)) = (&app.path, &app.info) else {
        return Err("nothing to export yet: wait for the first fit");
    };
    let coefs = match &app.point {
        Some(pf) => CoefRow::at(&pf.result, 0),
        None => CoefRow::at(path, app.idx),
    }
    .ok_or("nothing to export: the fit has no coefficients")?;
    // only a CV result on this path's grid (a refit may be running)
    let cv = app
        .cv
        .as_ref()
        .filter(|_| app.cv_for_path().is_some())
        .map(Arc::clone);
    Ok(ExportJob {
        dir: default_dir(app),
        info: Arc::clone(info),
        path: Arc::clone(path),
        cv,
        standardize: app.exp.model.standardize,
        cursor: app.alpha(),
        coefs,
    })
}

impl ExportJob {
    /// What the charts show.
    pub fn input(&self) -> ChartInput<'_> {
        ChartInput {
            path: &self.path,
            cv: self.cv.as_deref(),
            features: &self.info.features,
            source: &self.info.source,
            target: &self.info.target,
            standardize: self.standardize,
            coefs: self.coefs.clone(),
            cursor: self.cursor,
        }
    }
}

/// Write the charts (SVG and PNG) and `coefficients.csv`; returns the files written.
pub fn run(job: &ExportJob) -> Result<Vec<PathBuf>> {
    let input = job.input();
    let mut files = write_charts(&job.dir, &charts(&input), Format::Both)?;
    let csv = job.dir.join("coefficients.csv");
    write_atomic(&csv, coef_csv(&input).as_bytes(), "write")?;
    files.push(csv);
    Ok(files)
}
