//! From an experiment to fits through per-fold statistics: the data path of the headless
//! commands. A table (a file, a folder or glob of files, or the embedded sample) is
//! streamed into [`FoldMoments`]; a statistics file gives them back without the data. For
//! n >= p the path and every CV fold are solved from those statistics alone; the rows are
//! kept in memory only while the table is small (for the SVD of OLS and tiny ridge
//! alphas) or wide (p > n, solved on the rows).

use std::path::Path;
use std::time::Instant;

use ndarray::{Array1, Array2, ShapeBuilder};

use crate::config::Experiment;
use crate::data::stats_file::{self, FoldProvenance, Provenance, StatsFile};
use crate::data::stream::{self, FoldRule, KEEP_ROWS_VALUES, Source};
use crate::error::{Error, Result};
use crate::solver::cv::{CvDesign, cross_validate_design};
use crate::solver::path::{grid_for, use_gram};
use crate::solver::{
    Cancelled, Control, CvResult, FoldMoments, GramDesign, PathResult, PathSettings, Prepared,
    fit_alpha, fit_path, fit_path_gram, path_alphas,
};
use crate::workflow::DataSource;

/// Everything the fits need, from a streamed table or a statistics file.
pub struct Design {
    pub provenance: Provenance,
    pub moments: FoldMoments,
    /// the fold of every kept row
    pub fold_ids: Vec<usize>,
    /// the rows, when kept (small or wide tables)
    pub prep: Option<Prepared>,
    /// the statistics the n >= p solvers use
    pub gram: Option<GramDesign>,
    pub settings: PathSettings,
    pub standardize: bool,
    pub fit_intercept: bool,
    /// wall milliseconds reading (and accumulating) and preparing
    pub load_ms: f64,
    pub prepare_ms: f64,
}

/// The fold rule an experiment asks for (`Single` when no CV is wanted).
pub fn fold_rule(exp: &Experiment, with_folds: bool) -> FoldRule {
    if !with_folds {
        return FoldRule::Single;
    }
    match &exp.cv.fold_column {
        Some(c) => FoldRule::Column {
            name: c.clone(),
            k: exp.cv.folds,
        },
        None => FoldRule::Shuffle {
            k: exp.cv.folds(),
            seed: exp.cv.seed,
        },
    }
}

impl Design {
    /// Stream the experiment's table. `on_batch(rows_read)` reports progress and returns
    /// false to cancel.
    pub fn stream(
        exp: &Experiment,
        source: &DataSource,
        with_folds: bool,
        on_batch: stream::OnBatch,
    ) -> Result<Design> {
        Design::stream_keeping(exp, source, with_folds, KEEP_ROWS_VALUES, on_batch)
    }

    /// [`Design::stream`] keeping the rows while they hold at most `keep_rows_values`
    /// values (tests force the statistics-only route with 0).
    pub fn stream_keeping(
        exp: &Experiment,
        source: &DataSource,
        with_folds: bool,
        keep_rows_values: usize,
        on_batch: stream::OnBatch,
    ) -> Result<Design> {
        let t = Instant::now();
        let rule = fold_rule(exp, with_folds);
        let spec = exp.data_spec();
        let files = |p: &Path| -> Result<Source> {
            let (path, ext) = stream::resolve(p)?;
            let separator = match exp.load_options().separator {
                Some(sep) => sep,
                None if ext == "csv" => sniff_file(&path),
                None => b',',
            };
            Ok(Source::Files { path, separator })
        };
        // a mid-sized CSV of plain numbers is read by the plain-CSV reader, in chunks,
        // faster than whole; one it declines is read whole below
        if let DataSource::File(p) = source
            && !streams(p)
            && plain_candidate(p)
        {
            let name = p.display().to_string();
            let src = files(p)?;
            if let Some(st) =
                stream::accumulate_plain(&src, &name, &spec, &rule, keep_rows_values, on_batch)?
            {
                return Design::from_streamed(exp, st, &rule, Vec::new(), t);
            }
        }
        let (src, name, read_notes) = match source {
            DataSource::File(p) if streams(p) => (files(p)?, p.display().to_string(), Vec::new()),
            // a table that fits easily is read whole, with every check and note of the
            // in-memory reader (separator, duplicated headers, decimal commas)
            _ => {
                let table = source.load_for(exp)?;
                let notes = table.notes().to_vec();
                let name = table.source().to_string();
                (Source::Frame(table.into_df()), name, notes)
            }
        };
        let st = stream::accumulate(&src, &name, &spec, &rule, keep_rows_values, on_batch)?;
        Design::from_streamed(exp, st, &rule, read_notes, t)
    }

    /// The design of a streamed table; `read_notes` go first among its notes, and `t`
    /// is when reading began.
    fn from_streamed(
        exp: &Experiment,
        mut st: stream::Streamed,
        rule: &FoldRule,
        read_notes: Vec<String>,
        t: Instant,
    ) -> Result<Design> {
        st.notes.splice(0..0, read_notes);
        let load_ms = t.elapsed().as_secs_f64() * 1e3;
        let folds = match rule {
            FoldRule::Shuffle { k, seed } => FoldProvenance::Shuffle { k: *k, seed: *seed },
            FoldRule::Column { name, .. } => FoldProvenance::Column {
                name: name.clone(),
                runs: FoldProvenance::runs(&st.fold_ids),
            },
            FoldRule::Single => FoldProvenance::Column {
                name: String::new(),
                runs: vec![(0, st.fold_ids.len() as u64)],
            },
        };
        let fold_ids: Vec<usize> = st.fold_ids.iter().map(|&f| f as usize).collect();
        let provenance = Provenance {
            format: stats_file::FORMAT.into(),
            version: stats_file::VERSION,
            source: st.source.clone(),
            schema: st.schema.clone(),
            target: st.target.clone(),
            features: st.features.clone(),
            levels: st.levels.clone(),
            folds,
            rows_total: st.rows_total,
            rows_dropped: st.rows_dropped,
            counts: st.moments.counts(),
            notes: st.notes.clone(),
            written_by: format!("regscope {}", env!("CARGO_PKG_VERSION")),
        };
        Design::assemble(exp, provenance, st.moments, fold_ids, st.rows, load_ms)
    }

    /// From a statistics file: the data settings come from the file, the model, grid and
    /// solver settings from `exp`.
    pub fn from_stats_file(exp: &Experiment, path: &Path) -> Result<Design> {
        let t = Instant::now();
        let stats = stats_file::read(path)?;
        Design::from_stats(exp, stats, t.elapsed().as_secs_f64() * 1e3)
    }

    /// From statistics already in memory (see [`Design::from_stats_file`]).
    pub fn from_stats(exp: &Experiment, stats: StatsFile, load_ms: f64) -> Result<Design> {
        let StatsFile {
            provenance,
            moments,
        } = stats;
        let n: u64 = moments.counts().iter().sum();
        let fold_ids = provenance.folds.fold_ids(n as usize);
        Design::assemble(exp, provenance, moments, fold_ids, None, load_ms)
    }

    /// [`Design::stream`] through the statistics cache in `cache` (see
    /// `data::stats_cache`): an unchanged table with the same data and CV settings is not
    /// read again unless `reread`. Returns the design and whether it came from the
    /// cache; a cache that cannot be written is skipped silently (it only saves time).
    pub fn stream_cached(
        exp: &Experiment,
        source: &DataSource,
        cache: Option<&Path>,
        reread: bool,
        on_batch: stream::OnBatch,
    ) -> Result<(Design, bool)> {
        let entry = match source {
            DataSource::File(p) => cache.and_then(|dir| {
                let (path, _) = stream::resolve(p).ok()?;
                let files = stream::files_of(&path);
                let spec = format!("{:?}\n{:?}", exp.data, exp.cv);
                (!files.is_empty())
                    .then(|| crate::data::stats_cache::entry(dir, &files, &spec))
                    .flatten()
            }),
            DataSource::Embedded => None,
        };
        if !reread && let Some(stats) = entry.as_deref().and_then(crate::data::stats_cache::load) {
            return Ok((Design::from_stats(exp, stats, 0.0)?, true));
        }
        let design = Design::stream(exp, source, true, on_batch)?;
        if let Some(e) = &entry {
            let _ = crate::data::stats_cache::store(e, &design.to_stats_file());
        }
        Ok((design, false))
    }

    fn assemble(
        exp: &Experiment,
        provenance: Provenance,
        moments: FoldMoments,
        fold_ids: Vec<usize>,
        rows: Option<(Vec<f64>, Vec<f64>)>,
        load_ms: f64,
    ) -> Result<Design> {
        let t = Instant::now();
        let (standardize, fit_intercept) = (exp.model.standardize, exp.model.fit_intercept);
        let p = moments.p();
        let n: usize = moments.counts().iter().sum::<u64>() as usize;
        let prep = match rows {
            Some((x, y)) if y.len() == n => {
                let x = Array2::from_shape_vec((n, p).f(), x)
                    .map_err(|e| Error::new(format!("internal error shaping the rows: {e}")))?;
                Some(Prepared::new(
                    x,
                    Array1::from(y),
                    standardize,
                    fit_intercept,
                ))
            }
            _ => None,
        };
        let gram = if use_gram(n, p) {
            let total = moments.total();
            Some(
                GramDesign::from_moments(&total, standardize, fit_intercept).map_err(|e| {
                    let name = column_name(&e, &provenance.features);
                    Error::new(format!("{}: {name}", provenance.source))
                })?,
            )
        } else {
            None
        };
        if gram.is_none() && prep.is_none() {
            return Err(Error::new(format!(
                "{}: {n} rows and {p} features (p > n) need the rows themselves, which a statistics file does not hold; fit from the data instead",
                provenance.source
            )));
        }
        Ok(Design {
            provenance,
            moments,
            fold_ids,
            prep,
            gram,
            settings: exp.path_settings(),
            standardize,
            fit_intercept,
            load_ms,
            prepare_ms: t.elapsed().as_secs_f64() * 1e3,
        })
    }

    pub fn n(&self) -> usize {
        self.fold_ids.len()
    }

    pub fn p(&self) -> usize {
        self.moments.p()
    }

    pub fn k(&self) -> usize {
        self.moments.k()
    }

    /// The grid of the full fit.
    pub fn path_alphas(&self) -> Vec<f64> {
        match (&self.gram, &self.prep) {
            (Some(gd), _) => grid_for(gd.n(), gd.p(), gd.yy(), gd.zty(), &self.settings).0,
            (None, Some(prep)) => path_alphas(prep, &self.settings),
            (None, None) => Vec::new(),
        }
    }

    /// The path on all rows.
    pub fn fit_path(&self, ctl: &Control) -> std::result::Result<PathResult, Cancelled> {
        match (&self.gram, &self.prep) {
            (Some(gd), rows) => fit_path_gram(gd, rows.as_ref(), &self.settings, ctl),
            (None, Some(prep)) => fit_path(prep, &self.settings, ctl),
            (None, None) => Err(Cancelled),
        }
    }

    /// One fit at `alpha` (an experiment's own alpha, off the grid): a one-point path.
    pub fn fit_alpha(
        &self,
        alpha: f64,
        ctl: &Control,
    ) -> std::result::Result<PathResult, Cancelled> {
        match (&self.gram, &self.prep) {
            (Some(gd), rows) => {
                let one = PathSettings {
                    alphas: Some(vec![alpha]),
                    ..self.settings.clone()
                };
                fit_path_gram(gd, rows.as_ref(), &one, ctl)
            }
            (None, Some(prep)) => fit_alpha(prep, &self.settings, alpha, None, ctl),
            (None, None) => Err(Cancelled),
        }
    }

    /// K-fold CV on the full fit's grid. Errors (as a message) when there are fewer rows
    /// than folds.
    pub fn cross_validate(
        &self,
        alphas: &[f64],
        ctl: &Control,
    ) -> Result<std::result::Result<CvResult, Cancelled>> {
        let k = self.k();
        let n = self.n();
        if let Some(f) = self.moments.counts().iter().position(|&c| c == 0) {
            return Err(Error::new(format!(
                "{}: [cv] folds = {k} but fold {f} has no row ({n} rows{}); use at most {n} folds",
                self.provenance.source,
                if self.provenance.rows_dropped > 0 {
                    format!(
                        " left after dropping {} with missing values",
                        self.provenance.rows_dropped
                    )
                } else {
                    String::new()
                }
            )));
        }
        let full_constant = self
            .gram
            .as_ref()
            .map(|g| g.scaling().constant.clone())
            .or_else(|| self.prep.as_ref().map(|p| p.constant().to_vec()))
            .unwrap_or_default();
        let d = CvDesign {
            moments: Some(&self.moments),
            rows: self.prep.as_ref(),
            standardize: self.standardize,
            fit_intercept: self.fit_intercept,
            full_constant: &full_constant,
        };
        Ok(cross_validate_design(
            &d,
            &self.fold_ids,
            k,
            &self.settings,
            alphas,
            ctl,
        ))
    }

    /// The statistics and their provenance, for `regscope stats --out`.
    pub fn to_stats_file(&self) -> StatsFile {
        StatsFile {
            provenance: self.provenance.clone(),
            moments: self.moments.clone(),
        }
    }
}

/// Files larger than this, folders and globs are streamed; smaller files are read whole
/// (polars' in-memory readers are several times faster than its streaming ones, and the
/// frame stays a few hundred MB).
pub const STREAM_BYTES: u64 = 256 << 20;

/// CSV files larger than this are tried with the plain-CSV reader (data/plain_csv.rs)
/// by the headless commands; a smaller file is read whole, which costs little at that
/// size and keeps every check and note of the in-memory reader.
pub const PLAIN_CSV_BYTES: u64 = 16 << 20;

/// Whether `path` is a CSV file worth trying with the plain-CSV reader.
fn plain_candidate(path: &Path) -> bool {
    let csv = path.extension().is_some_and(|e| {
        let e = e.to_string_lossy().to_ascii_lowercase();
        e == "csv" || e == "tsv"
    });
    csv && std::fs::metadata(path).is_ok_and(|m| m.len() > PLAIN_CSV_BYTES)
}

/// Whether the headless commands fit `source` through per-fold statistics (a large or
/// multi-file table, or a CSV for the plain reader) rather than reading it whole.
pub fn statistics_route(source: &DataSource) -> bool {
    match source {
        DataSource::Embedded => false,
        DataSource::File(p) => streams(p) || plain_candidate(p),
    }
}

/// Whether the workbench streams `source` (else it reads it whole).
pub fn streams_source(source: &DataSource) -> bool {
    match source {
        DataSource::Embedded => false,
        DataSource::File(p) => streams(p),
    }
}

/// Whether `path` is read in batches rather than whole.
fn streams(path: &Path) -> bool {
    let name = path.to_string_lossy();
    if name.contains(['*', '?', '[']) || path.is_dir() {
        return true;
    }
    std::fs::metadata(path).is_ok_and(|m| m.len() > STREAM_BYTES)
}

/// The separator of a CSV file, guessed from its first 64 KiB.
fn sniff_file(path: &str) -> u8 {
    use std::io::Read;
    let mut head = Vec::new();
    if let Ok(f) = std::fs::File::open(path) {
        let _ = f.take(64 << 10).read_to_end(&mut head);
    }
    crate::data::sniff_separator(&head)
}

/// "column 3" in a solver message becomes the column's name.
fn column_name(msg: &str, features: &[String]) -> String {
    if let Some(rest) = msg.strip_prefix("column ") {
        let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
        if let Some(name) = digits.parse::<usize>().ok().and_then(|j| features.get(j)) {
            return format!("column '{name}'{}", &rest[digits.len()..]);
        }
    }
    msg.to_string()
}
