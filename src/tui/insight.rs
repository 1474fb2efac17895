//! The worker's heavy analyses behind the compare (`p`) and stability (`b`) views: what
//! they compute and from what. Both run on the worker thread with progress and the
//! cancel flag, on the rows or statistics the fit on screen was made from, and give the
//! same numbers as `regscope compare` and `regscope stability` with the same settings.

use crate::config::Experiment;
use crate::pipeline::Design;
use crate::solver::compare::{ModelSummary, best, kind_for_l1_ratio};
use crate::solver::stability::{Stability, StabilitySettings, stability, stability_from_folds};
use crate::solver::{
    Cancelled, Control, ModelKind, Prepared, Stage, cross_validate, fit_path, path_alphas,
};
use crate::workflow::Setup;

/// The settings of the workbench's stability view: `regscope stability` with its
/// defaults (50 complementary pairs of half-samples, threshold 0.75, one tolerated false
/// selection) and the experiment's CV seed.
pub fn stability_settings(exp: &Experiment) -> StabilitySettings {
    StabilitySettings {
        bootstrap: 50,
        sample_fraction: 0.5,
        threshold: 0.75,
        pfer: 1.0,
        seed: exp.cv.seed,
    }
}

/// What the fits on screen were made from.
pub enum Basis<'a> {
    /// rows in memory and their folds
    Rows(&'a Setup),
    /// a design on the statistics route (its rows only when small or wide)
    Design(&'a mut Design),
}

/// One model of a comparison and its CV curve.
#[derive(Debug, Clone, PartialEq)]
pub struct ComparedModel {
    pub summary: ModelSummary,
    pub alphas: Vec<f64>,
    pub cv_mean: Vec<f64>,
    pub cv_se: Vec<f64>,
}

/// Several mixes of L1 and L2 cross-validated on the same folds.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub models: Vec<ComparedModel>,
    /// the model with the lowest CV error
    pub best: Option<usize>,
    pub folds: usize,
}

/// The experiment `exp` with the model an l1_ratio stands for.
pub fn with_mix(exp: &Experiment, r: f64) -> Experiment {
    let mut e = exp.clone();
    e.model.kind = kind_for_l1_ratio(r);
    e.model.l1_ratio = (e.model.kind == ModelKind::ElasticNet).then_some(r);
    e
}

/// Cross-validate one model per l1_ratio on the same folds, reporting models done.
pub fn compare(
    exp: &Experiment,
    ratios: &[f64],
    mut basis: Basis<'_>,
    ctl: &Control,
) -> Result<Result<Comparison, Cancelled>, String> {
    let mut models = Vec::with_capacity(ratios.len());
    let mut folds = 0;
    for (k, &r) in ratios.iter().enumerate() {
        ctl.report(Stage::Models, k, ratios.len());
        let settings = with_mix(exp, r).path_settings();
        let quiet = ctl.silent();
        let (path, cv) = match &mut basis {
            Basis::Rows(s) => {
                let path = match fit_path(&s.prep, &settings, &quiet) {
                    Ok(p) => p,
                    Err(c) => return Ok(Err(c)),
                };
                match cross_validate(&s.prep, &s.fold_ids, s.k, &settings, &path.alphas, &quiet) {
                    Ok(cv) => (path, cv),
                    Err(c) => return Ok(Err(c)),
                }
            }
            Basis::Design(d) => {
                d.settings = settings;
                let path = match d.fit_path(&quiet) {
                    Ok(p) => p,
                    Err(c) => return Ok(Err(c)),
                };
                match d.cross_validate(&path.alphas, &quiet) {
                    Ok(Ok(cv)) => (path, cv),
                    Ok(Err(c)) => return Ok(Err(c)),
                    Err(e) => return Err(e.to_string()),
                }
            }
        };
        folds = cv.folds;
        models.push(ComparedModel {
            summary: ModelSummary::of(&path, &cv),
            alphas: path.alphas.clone(),
            cv_mean: cv.cv_mean.clone(),
            cv_se: cv.cv_se.clone(),
        });
    }
    ctl.report(Stage::Models, ratios.len(), ratios.len());
    let summaries: Vec<ModelSummary> = models.iter().map(|m| m.summary.clone()).collect();
    Ok(Ok(Comparison {
        best: best(&summaries),
        models,
        folds,
    }))
}

/// Stability selection of the experiment's model, with its features' names.
#[derive(Debug, Clone)]
pub struct StabilityReport {
    pub features: Vec<String>,
    pub alphas: Vec<f64>,
    pub settings: StabilitySettings,
    pub result: Stability,
}

/// Stability selection on the rows of the fit on screen, or on halves of its folds when
/// only statistics are at hand. Errors (as a message) when the model selects nothing or
/// the statistics' folds cannot be halved.
pub fn stability_of(
    exp: &Experiment,
    basis: Basis<'_>,
    features: &[String],
    ctl: &Control,
) -> Result<Result<StabilityReport, Cancelled>, String> {
    if !matches!(exp.model.kind, ModelKind::Lasso | ModelKind::ElasticNet) {
        return Err(format!(
            "stability selection needs a model that selects features, not {}: M or ] moves to the lasso or the elastic net",
            exp.model.kind.name()
        ));
    }
    let st = stability_settings(exp);
    let d = match basis {
        Basis::Rows(s) => return rows_stability(exp, &s.prep, features, st, ctl),
        Basis::Design(d) => d,
    };
    if let Some(prep) = &d.prep {
        return rows_stability(exp, prep, features, st, ctl);
    }
    // statistics alone: halves of the folds
    d.settings = exp.path_settings();
    let alphas = d.path_alphas();
    let mut settings = d.settings.clone();
    settings.alphas = Some(alphas.clone());
    let r = stability_from_folds(
        &d.moments,
        d.standardize,
        d.fit_intercept,
        &settings,
        &st,
        ctl,
    )?;
    Ok(r.map(|result| StabilityReport {
        features: features.to_vec(),
        alphas,
        settings: st,
        result,
    }))
}

/// Stability selection on rows: complementary pairs of half-samples.
fn rows_stability(
    exp: &Experiment,
    prep: &Prepared,
    features: &[String],
    st: StabilitySettings,
    ctl: &Control,
) -> Result<Result<StabilityReport, Cancelled>, String> {
    if prep.n() / 2 < 2 {
        return Err(format!(
            "{} rows give half-samples of {}; stability selection needs at least 4 rows",
            prep.n(),
            prep.n() / 2
        ));
    }
    let mut settings = exp.path_settings();
    let alphas = path_alphas(prep, &settings);
    settings.alphas = Some(alphas.clone());
    Ok(
        stability(prep, &settings, &st, ctl).map(|result| StabilityReport {
            features: features.to_vec(),
            alphas,
            settings: st,
            result,
        }),
    )
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicBool;
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::solver::Progress;
    use crate::workflow::{DataSource, EMBEDDED_NAME, setup};

    fn embedded() -> (Experiment, Setup) {
        let exp = Experiment::default_for(EMBEDDED_NAME, "progression");
        let table = DataSource::Embedded.load().expect("the sample loads");
        let s = setup(table, &exp).expect("the sample sets up");
        (exp, s)
    }

    #[test]
    fn a_set_cancel_flag_stops_both_analyses() {
        let (exp, s) = embedded();
        let flag = AtomicBool::new(true);
        let ctl = Control::new(Some(&flag), None);
        assert!(matches!(
            compare(&exp, &[0.0, 1.0], Basis::Rows(&s), &ctl),
            Ok(Err(Cancelled))
        ));
        assert!(matches!(
            stability_of(&exp, Basis::Rows(&s), &s.features, &ctl),
            Ok(Err(Cancelled))
        ));
    }

    #[test]
    fn progress_counts_models_and_subsample_paths() {
        let (exp, s) = embedded();
        let seen: Arc<Mutex<Vec<Progress>>> = Arc::default();
        let log = seen.clone();
        let report = move |p: Progress| log.lock().unwrap().push(p);
        let ctl = Control::new(None, Some(&report));
        let c = compare(&exp, &[0.0, 0.5, 1.0], Basis::Rows(&s), &ctl)
            .unwrap()
            .unwrap();
        assert_eq!(c.models.len(), 3);
        assert_eq!(c.folds, s.k);
        let r = stability_of(&exp, Basis::Rows(&s), &s.features, &ctl)
            .unwrap()
            .unwrap();
        assert_eq!(r.features, s.features);
        let seen = seen.lock().unwrap();
        let models: Vec<usize> = seen
            .iter()
            .filter(|p| p.stage == Stage::Models)
            .map(|p| p.done)
            .collect();
        assert_eq!(models, [0, 1, 2, 3]);
        let subs: Vec<&Progress> = seen
            .iter()
            .filter(|p| p.stage == Stage::Subsamples)
            .collect();
        assert_eq!(subs.len(), 101, "a start and one per subsample path");
        assert!(subs.iter().all(|p| p.total == 100));
        assert_eq!(subs.iter().map(|p| p.done).max(), Some(100));
    }

    #[test]
    fn stability_halves_folds_without_rows_and_needs_a_selecting_model() {
        let (mut exp, s) = embedded();
        // statistics alone (no rows kept): halves of the folds, which must be even
        let stream = |folds: usize| {
            let mut e = exp.clone();
            e.cv.folds = Some(folds);
            crate::pipeline::Design::stream_keeping(&e, &DataSource::Embedded, true, 0, &|_| true)
                .expect("the sample streams")
        };
        let mut five = stream(5);
        assert!(five.prep.is_none(), "no rows kept");
        let odd = stability_of(
            &exp,
            Basis::Design(&mut five),
            &s.features,
            &Control::none(),
        )
        .unwrap_err();
        assert!(odd.contains("even number of folds"), "{odd}");
        let mut ten = stream(10);
        let halves = stability_of(&exp, Basis::Design(&mut ten), &s.features, &Control::none())
            .unwrap()
            .unwrap();
        assert_eq!(halves.result.subsamples.len(), 100);
        assert!(
            halves.result.subsamples.iter().all(|h| h.len() == 5),
            "folds per half"
        );
        let rows = stability_of(&exp, Basis::Rows(&s), &s.features, &Control::none())
            .unwrap()
            .unwrap();
        assert_eq!(halves.result.selected, rows.result.selected);
        exp.model.kind = ModelKind::Ridge;
        let ridge = stability_of(&exp, Basis::Rows(&s), &s.features, &Control::none()).unwrap_err();
        assert!(ridge.contains("needs a model that selects"), "{ridge}");
    }
}
