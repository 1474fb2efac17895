//! The headless commands: `regscope path` and `regscope cv` (SPEC 6), and `regscope plot`.

mod args;
mod plot;

pub use args::{ChartFormat, Cli, Command, FitArgs, OutputFormat, PlotArgs, ReportArgs};
pub use plot::run_plot;

use std::io::{BufWriter, Write};
use std::time::Instant;

use crate::config::Experiment;
use crate::error::{Error, Result};
use crate::report::{Report, Timings, to_csv, to_table, write_json};
use crate::solver::{Control, CvResult, PathResult, cross_validate, fit_path, path_alphas};
use crate::workflow::{DataSource, EMBEDDED_NAME, Setup, setup};

/// The experiment a command line describes: a config (if given) with flags on top.
pub fn experiment_from_args(a: &FitArgs) -> Result<(Experiment, DataSource)> {
    let (mut exp, source) = match (&a.config, &a.data) {
        (Some(cfg), _) => {
            let exp = Experiment::load(cfg)?;
            let mut source = DataSource::for_experiment(&exp, Some(cfg));
            if let Some(d) = &a.data {
                source = DataSource::File(d.clone());
            }
            (exp, source)
        }
        (None, Some(d)) => (
            Experiment::default_for(d, a.target.clone().unwrap_or_default()),
            DataSource::File(d.clone()),
        ),
        (None, None) => (
            Experiment::default_for(
                EMBEDDED_NAME,
                a.target.clone().unwrap_or_else(|| "progression".into()),
            ),
            DataSource::Embedded,
        ),
    };
    a.apply(&mut exp)?;
    Ok((exp, source))
}

/// One experiment, loaded, fitted and (if asked) cross-validated.
pub struct Fitted {
    pub exp: Experiment,
    pub setup: Setup,
    pub path: PathResult,
    pub cv: Option<CvResult>,
    pub timings: Timings,
}

/// Load the data a command line names, fit the path and, with `with_cv`, cross-validate it.
pub fn fit_experiment(a: &FitArgs, with_cv: bool) -> Result<Fitted> {
    let (exp, source) = experiment_from_args(a)?;
    let t0 = Instant::now();
    let table = source.load()?;
    let load_ms = t0.elapsed().as_secs_f64() * 1e3;
    // moved: the table's columns are released as they are copied into the design
    let s = setup(table, &exp)?;
    // the full fit and the folds share the cores: with K folds on c cores the last round of
    // folds would leave cores idle, and the full fit fills them
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
    debug_assert_eq!(path.alphas, alphas);
    let cv = cv.transpose().map_err(|_| Error::new("cancelled"))?;
    // concurrent: fit is the full fit's own wall time, cv the wall time the CV added, so
    // fit + cv is the wall time of both
    let cv_ms = cv.as_ref().map(|_| (both_ms - fit_ms).max(0.0));
    let timings = Timings {
        load: load_ms,
        prepare: s.prepare_ms,
        fit: fit_ms,
        cv: cv_ms,
    };
    Ok(Fitted {
        exp,
        setup: s,
        path,
        cv,
        timings,
    })
}

/// Run `path` or `cv` and write the report to `out`.
pub fn run_fit(a: &ReportArgs, with_cv: bool, out: &mut dyn Write) -> Result<()> {
    let Fitted {
        exp,
        setup: s,
        path,
        cv,
        timings,
    } = fit_experiment(&a.fit, with_cv)?;
    let report = Report {
        path: &path,
        cv: cv.as_ref(),
        features: &s.features,
        target: &s.target,
        source: &s.dataset_source,
        standardize: exp.model.standardize,
        fit_intercept: exp.model.fit_intercept,
        n_samples: s.prep.n(),
        rows_dropped: s.rows_dropped,
        notes: &s.notes,
        timings,
    };
    // JSON is serialized straight into the output; the buffer batches its small writes
    let mut w = BufWriter::with_capacity(1 << 16, out);
    match a.format {
        OutputFormat::Json => write_json(&report, &mut w),
        OutputFormat::Csv => w.write_all(to_csv(&report).as_bytes()),
        OutputFormat::Table => w.write_all(to_table(&report).as_bytes()),
    }
    .and_then(|_| w.flush())
    .map_err(|e| Error::new(format!("cannot write the output: {e}")))
}
