//! From an experiment to solver inputs: the steps the headless commands and the TUI share
//! (load the table, build the design, prepare it, choose the folds).

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::config::Experiment;
use crate::data::{Dataset, Table, build_dataset_owned, embedded_diabetes, load_table};
use crate::error::{Error, Result};
use crate::solver::{PathSettings, Prepared, assign_folds, check_fold_ids};

/// Where the table comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataSource {
    /// The diabetes sample compiled into the binary.
    Embedded,
    File(PathBuf),
}

/// The name the embedded sample goes by in configs and on screen.
pub const EMBEDDED_NAME: &str = "sample-data/diabetes.csv";

impl DataSource {
    /// The data file an experiment names, resolved against its config file (if any);
    /// [`EMBEDDED_NAME`] is the embedded sample from any folder.
    pub fn for_experiment(exp: &Experiment, config_file: Option<&Path>) -> DataSource {
        if exp.data.path == EMBEDDED_NAME {
            return DataSource::Embedded;
        }
        match config_file {
            Some(cfg) => DataSource::File(exp.data_path(cfg)),
            None => DataSource::File(PathBuf::from(&exp.data.path)),
        }
    }

    pub fn load(&self) -> Result<Table> {
        match self {
            DataSource::Embedded => Ok(embedded_diabetes()),
            DataSource::File(p) => load_table(p),
        }
    }

    pub fn display(&self) -> String {
        match self {
            DataSource::Embedded => format!("{EMBEDDED_NAME} (embedded)"),
            DataSource::File(p) => p.display().to_string(),
        }
    }
}

/// Everything the solvers need for one experiment.
pub struct Setup {
    pub dataset_source: String,
    pub target: String,
    pub features: Vec<String>,
    pub rows_total: usize,
    pub rows_dropped: usize,
    pub notes: Vec<String>,
    pub prep: Prepared,
    pub settings: PathSettings,
    /// each row's fold id in 0..k
    pub fold_ids: Vec<usize>,
    pub k: usize,
    /// wall milliseconds spent building and preparing the design
    pub prepare_ms: f64,
}

/// Build the design of `exp` from `table`, prepare it (SPEC 2) and choose the folds (SPEC 5).
/// The table is consumed so its columns can be released as they are copied into the
/// design; a caller that keeps the table passes a (shallow) clone.
pub fn setup(table: Table, exp: &Experiment) -> Result<Setup> {
    let t = Instant::now();
    let ds: Dataset = build_dataset_owned(table, &exp.data_spec())?;
    let n = ds.n_samples();
    let (fold_ids, k) = match (&exp.cv.fold_column, &ds.fold_values) {
        (Some(col), Some(values)) => check_fold_ids(values, exp.cv.folds)
            .map_err(|e| Error::new(format!("{}: fold column '{col}': {e}", ds.source)))?,
        _ => {
            let k = exp.cv.folds();
            if k > n {
                return Err(Error::new(format!(
                    "{}: [cv] folds = {k} but only {n} rows are left{}; use at most {n} folds",
                    ds.source,
                    if ds.rows_dropped > 0 {
                        format!(" after dropping {} with missing values", ds.rows_dropped)
                    } else {
                        String::new()
                    }
                )));
            }
            (assign_folds(n, k, exp.cv.seed), k)
        }
    };
    let settings = exp.path_settings();
    let Dataset {
        source,
        x,
        y,
        target,
        features,
        rows_total,
        rows_dropped,
        notes,
        ..
    } = ds;
    let prep = Prepared::new(x, y, exp.model.standardize, exp.model.fit_intercept);
    Ok(Setup {
        dataset_source: source,
        target,
        features,
        rows_total,
        rows_dropped,
        notes,
        prep,
        settings,
        fold_ids,
        k,
        prepare_ms: t.elapsed().as_secs_f64() * 1e3,
    })
}
