//! From an experiment to solver inputs: the steps the headless commands and the TUI share
//! (load the table, build the design, prepare it, choose the folds).

use std::path::{Component, Path, PathBuf};
use std::time::Instant;

use crate::config::Experiment;
use crate::data::{
    Dataset, LoadOptions, Table, build_dataset_owned, embedded_diabetes, load_table_with,
};
use crate::error::{Error, Result};
use crate::solver::{PathSettings, Prepared, assign_folds, check_fold_ids};

/// Where the table comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataSource {
    /// The diabetes sample compiled into the binary.
    Embedded,
    File(PathBuf),
}

/// The name the embedded sample goes by in configs (`[data] path`): it resolves from
/// any folder, since it names no file.
pub const EMBEDDED_NAME: &str = crate::config::EMBEDDED_DATA;

/// What configs saved by earlier versions wrote for the embedded sample; read as the
/// embedded sample when no such file sits beside the config.
const LEGACY_EMBEDDED_NAME: &str = "sample-data/diabetes.csv";

impl DataSource {
    /// The data file an experiment names, resolved against its config file (if any);
    /// [`EMBEDDED_NAME`] is the embedded sample from any folder.
    pub fn for_experiment(exp: &Experiment, config_file: Option<&Path>) -> DataSource {
        if exp.data.path == EMBEDDED_NAME {
            return DataSource::Embedded;
        }
        let path = match config_file {
            Some(cfg) => normalize(&exp.data_path(cfg)),
            None => normalize(Path::new(&exp.data.path)),
        };
        if exp.data.path == LEGACY_EMBEDDED_NAME && !path.exists() {
            return DataSource::Embedded;
        }
        DataSource::File(path)
    }

    /// The table, read with the separator sniffed from the file.
    pub fn load(&self) -> Result<Table> {
        self.load_with(&LoadOptions::default())
    }

    /// The table, read with an experiment's `[data]` options (its separator).
    pub fn load_for(&self, exp: &Experiment) -> Result<Table> {
        self.load_with(&exp.load_options())
    }

    fn load_with(&self, opts: &LoadOptions) -> Result<Table> {
        match self {
            DataSource::Embedded => Ok(embedded_diabetes()),
            DataSource::File(p) => load_table_with(p, opts),
        }
    }

    pub fn display(&self) -> String {
        match self {
            DataSource::Embedded => "diabetes.csv (embedded)".to_string(),
            DataSource::File(p) => p.display().to_string(),
        }
    }
}

/// `configs/../sample-data/x.csv` as `sample-data/x.csv`: `.` dropped and `..` folded
/// into the folder before it, without touching the file system (a leading `..` stays).
pub fn normalize(p: &Path) -> PathBuf {
    let mut out: Vec<Component> = Vec::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(c),
            },
            _ => out.push(c),
        }
    }
    if out.is_empty() {
        return PathBuf::from(".");
    }
    out.iter().collect()
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

/// Build the design of `exp` from `table`, prepare it (docs/spec.md §2) and choose the folds (docs/spec.md §5).
/// The table is consumed so its columns can be released as they are copied into the
/// design; a caller that keeps the table passes a (shallow) clone.
pub fn setup(table: Table, exp: &Experiment) -> Result<Setup> {
    setup_for(table, exp, true)
}

/// [`setup`] for a run that cross-validates (`with_cv`) or only fits the path: a path
/// needs no folds, so the fold checks (too few rows, a bad fold column) do not refuse it.
pub fn setup_for(table: Table, exp: &Experiment, with_cv: bool) -> Result<Setup> {
    let t = Instant::now();
    let ds: Dataset = build_dataset_owned(table, &exp.data_spec())?;
    let n = ds.n_samples();
    let (fold_ids, k) = match (&exp.cv.fold_column, &ds.fold_values) {
        _ if !with_cv => (Vec::new(), 0),
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
