//! The headless commands: `regscope path` and `regscope cv` (docs/spec.md §6),
//! `regscope stats` (§8) and `regscope plot`.

mod args;
mod compare;
mod diagnose;
mod plot;
mod stability;
mod top;

pub use args::{
    ChartFormat, Cli, Command, CompareArgs, FitArgs, OutputFormat, PlotArgs, ReportArgs, StatsArgs,
};
pub use compare::run_compare;
pub use diagnose::run_diagnose;
pub use plot::run_plot;
pub use stability::run_stability;
pub use top::{Plan, plan};

use std::io::{BufWriter, Write};
use std::time::Instant;

use crate::config::Experiment;
use crate::error::{Error, Result};
use crate::pipeline::Design;
use crate::report::{Report, Timings, to_csv, to_table, write_json};
use crate::solver::{
    Control, CvResult, PathResult, cross_validate, fit_alpha, fit_path, path_alphas,
};
use crate::workflow::{DataSource, EMBEDDED_NAME, normalize, setup_for};

/// The experiment a command line describes: a config (if given) with flags on top;
/// CV settings are checked only when `with_cv`.
pub fn experiment_from_args(a: &FitArgs, with_cv: bool) -> Result<(Experiment, DataSource)> {
    let (mut exp, source) = match (&a.config, &a.data) {
        (Some(cfg), _) => {
            let exp = Experiment::load(cfg)?;
            let mut source = DataSource::for_experiment(&exp, Some(cfg));
            if let Some(d) = &a.data {
                source = DataSource::File(normalize(d));
            }
            (exp, source)
        }
        (None, Some(d)) => (
            Experiment::default_for(d, a.target.clone().unwrap_or_default()),
            DataSource::File(normalize(d)),
        ),
        (None, None) => (
            Experiment::default_for(
                EMBEDDED_NAME,
                a.target.clone().unwrap_or_else(|| "progression".into()),
            ),
            DataSource::Embedded,
        ),
    };
    a.apply(&mut exp, with_cv)?;
    Ok((exp, source))
}

/// One experiment fitted: the path, the CV result (when asked) and what the reports say
/// about the data, from whichever route read it.
pub struct Fitted {
    pub path: PathResult,
    pub cv: Option<CvResult>,
    /// the experiment's own alpha (`model.alpha`, not for OLS) and the fit there, when
    /// asked for
    pub at: Option<(f64, PathResult)>,
    pub features: Vec<String>,
    pub target: String,
    pub source: String,
    pub standardize: bool,
    pub fit_intercept: bool,
    pub n_samples: usize,
    pub rows_dropped: usize,
    pub notes: Vec<String>,
    pub timings: Timings,
}

impl Fitted {
    fn report(&self) -> Report<'_> {
        Report {
            path: &self.path,
            cv: self.cv.as_ref(),
            features: &self.features,
            target: &self.target,
            source: &self.source,
            standardize: self.standardize,
            fit_intercept: self.fit_intercept,
            n_samples: self.n_samples,
            rows_dropped: self.rows_dropped,
            notes: &self.notes,
            timings: self.timings,
        }
    }
}

/// Run `path` or `cv` and write the report to `out`.
pub fn run_fit(a: &ReportArgs, with_cv: bool, out: &mut dyn Write) -> Result<()> {
    let f = fit_experiment(&a.fit, with_cv, false)?;
    write_report(&f.report(), a.format, out)
}

/// Load (or stream, or read the statistics of) the data a command line names, fit the
/// path and, with `with_cv`, cross-validate it; with `own_alpha`, also fit the
/// experiment's own alpha (if it has one).
pub fn fit_experiment(a: &FitArgs, with_cv: bool, own_alpha: bool) -> Result<Fitted> {
    let (exp, source) = experiment_from_args(a, with_cv)?;
    let at = own_alpha
        .then_some(exp.model.alpha)
        .flatten()
        .filter(|_| exp.model.kind != crate::solver::ModelKind::Ols);
    if a.stats.is_none() && !crate::pipeline::statistics_route(&source) {
        return fit_in_memory(&exp, &source, with_cv, at);
    }
    let design = design_from_args(a, with_cv)?;
    fit_design(&design, with_cv, at)
}

/// The path (and with `with_cv` the CV, and the fit at `at`) of a design's settings.
pub(crate) fn fit_design(design: &Design, with_cv: bool, at: Option<f64>) -> Result<Fitted> {
    // the full fit and the folds share the cores: with K folds on c cores the last round of
    // folds would leave cores idle, and the full fit fills them
    let alphas = design.path_alphas();
    let t1 = Instant::now();
    let ((path, fit_ms), cv) = rayon::join(
        || {
            let path = design.fit_path(&Control::none());
            (path, t1.elapsed().as_secs_f64() * 1e3)
        },
        || with_cv.then(|| design.cross_validate(&alphas, &Control::none())),
    );
    let both_ms = t1.elapsed().as_secs_f64() * 1e3;
    let path = path.map_err(|_| Error::new("cancelled"))?;
    debug_assert_eq!(path.alphas, alphas);
    let cv = cv
        .transpose()?
        .transpose()
        .map_err(|_| Error::new("cancelled"))?;
    let at = at
        .map(|alpha| {
            design
                .fit_alpha(alpha, &Control::none())
                .map(|p| (alpha, p))
        })
        .transpose()
        .map_err(|_| Error::new("cancelled"))?;
    // concurrent: fit is the full fit's own wall time, cv the wall time the CV added, so
    // fit + cv is the wall time of both
    let cv_ms = cv.as_ref().map(|_| (both_ms - fit_ms).max(0.0));
    let p = design.provenance.clone();
    Ok(Fitted {
        path,
        cv,
        at,
        features: p.features,
        target: p.target,
        source: p.source,
        standardize: design.standardize,
        fit_intercept: design.fit_intercept,
        n_samples: design.n(),
        rows_dropped: p.rows_dropped,
        notes: p.notes,
        timings: Timings {
            load: design.load_ms,
            prepare: design.prepare_ms,
            fit: fit_ms,
            cv: cv_ms,
        },
    })
}

/// Write a report in the asked format; a reader that went away is no error.
fn write_report(report: &Report, format: OutputFormat, out: &mut dyn Write) -> Result<()> {
    // JSON is serialized straight into the output; the buffer batches its small writes
    let mut w = BufWriter::with_capacity(1 << 16, out);
    match format {
        OutputFormat::Json => write_json(report, &mut w),
        OutputFormat::Csv => w.write_all(to_csv(report).as_bytes()),
        OutputFormat::Table => w.write_all(to_table(report).as_bytes()),
    }
    .and_then(|_| w.flush())
    .or_else(|e| match e.kind() {
        // the reader went away (`regscope ... | head`): nothing more to say to it
        std::io::ErrorKind::BrokenPipe => Ok(()),
        _ => Err(Error::new(format!("cannot write the output: {e}"))),
    })
}

/// Write a command's whole text output; a reader that went away (`| head`) is not an
/// error.
pub(crate) fn write_text(text: &str, out: &mut dyn Write) -> Result<()> {
    let mut w = BufWriter::new(out);
    w.write_all(text.as_bytes())
        .and_then(|_| w.flush())
        .or_else(|e| match e.kind() {
            std::io::ErrorKind::BrokenPipe => Ok(()),
            _ => Err(Error::new(format!("cannot write the output: {e}"))),
        })
}

/// The width of a column of feature names in a text table (at least "feature").
pub(crate) fn name_width<S: AsRef<str>>(names: &[S]) -> usize {
    names
        .iter()
        .map(|n| n.as_ref().chars().count())
        .max()
        .unwrap_or(0)
        .max("feature".len())
}

/// A JSON value as indented text with a final newline.
pub(crate) fn pretty_json(v: &serde_json::Value) -> Result<String> {
    let mut s = serde_json::to_string_pretty(v)
        .map_err(|e| Error::new(format!("internal error writing JSON: {e}")))?;
    s.push('\n');
    Ok(s)
}

/// A table that fits easily: read whole, prepared in memory, fitted (the statistics route
/// gives the same numbers; this one skips its batch copies).
fn fit_in_memory(
    exp: &Experiment,
    source: &DataSource,
    with_cv: bool,
    at: Option<f64>,
) -> Result<Fitted> {
    let t0 = Instant::now();
    let table = source.load_for(exp)?;
    let load_ms = t0.elapsed().as_secs_f64() * 1e3;
    // moved: the table's columns are released as they are copied into the design
    let s = setup_for(table, exp, with_cv)?;
    let alphas = path_alphas(&s.prep, &s.settings);
    let t1 = Instant::now();
    let ((path, fit_ms), cv) = rayon::join(
        || {
            let path = fit_path(&s.prep, &s.settings, &Control::none());
            (path, t1.elapsed().as_secs_f64() * 1e3)
        },
        || {
            with_cv.then(|| {
                cross_validate(
                    &s.prep,
                    &s.fold_ids,
                    s.k,
                    &s.settings,
                    &alphas,
                    &Control::none(),
                )
            })
        },
    );
    let both_ms = t1.elapsed().as_secs_f64() * 1e3;
    let path = path.map_err(|_| Error::new("cancelled"))?;
    let cv = cv.transpose().map_err(|_| Error::new("cancelled"))?;
    let at = at
        .map(|alpha| {
            fit_alpha(&s.prep, &s.settings, alpha, None, &Control::none()).map(|p| (alpha, p))
        })
        .transpose()
        .map_err(|_| Error::new("cancelled"))?;
    let cv_ms = cv.as_ref().map(|_| (both_ms - fit_ms).max(0.0));
    Ok(Fitted {
        path,
        cv,
        at,
        n_samples: s.prep.n(),
        features: s.features,
        target: s.target,
        source: s.dataset_source,
        standardize: exp.model.standardize,
        fit_intercept: exp.model.fit_intercept,
        rows_dropped: s.rows_dropped,
        notes: s.notes,
        timings: Timings {
            load: load_ms,
            prepare: s.prepare_ms,
            fit: fit_ms,
            cv: cv_ms,
        },
    })
}

/// The statistics a command line asks for: streamed from its data, or read from `--stats`.
pub fn design_from_args(a: &FitArgs, with_folds: bool) -> Result<Design> {
    let (exp, source) = experiment_from_args(a, with_folds)?;
    match &a.stats {
        Some(file) => {
            if a.data.is_some() || a.target.is_some() || a.features.is_some() {
                return Err(Error::new(format!(
                    "--stats {}: the statistics fix the data, target and features; drop --data/--target/--features or fit from the data",
                    file.display()
                )));
            }
            Design::from_stats_file(&exp, file)
        }
        None => Design::stream(&exp, &source, with_folds, &|_| true),
    }
}

/// `regscope stats`: stream the data into per-fold statistics and write them to `--out`.
pub fn run_stats(a: &StatsArgs, out: &mut dyn Write) -> Result<()> {
    if a.fit.stats.is_some() {
        return Err(Error::new(
            "regscope stats reads data, not statistics: drop --stats",
        ));
    }
    let design = design_from_args(&a.fit, true)?;
    let stats = design.to_stats_file();
    crate::data::stats_file::write(&a.out, &stats)?;
    let p = &stats.provenance;
    writeln!(
        out,
        "wrote {}: {} rows ({} dropped) x {} features, {} folds, from {} in {:.0} ms",
        a.out.display(),
        design.n(),
        p.rows_dropped,
        design.p(),
        design.k(),
        p.source,
        design.load_ms
    )
    .map_err(|e| Error::new(format!("cannot write the output: {e}")))
}
