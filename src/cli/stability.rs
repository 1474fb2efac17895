//! `regscope stability`: stability selection of the lasso or elastic net on the user's
//! table (solver/stability.rs): each feature's selection probability along the path over
//! complementary pairs of half-samples, the features selected at the threshold, and the
//! bound on the expected number of false selections.

use std::io::Write;

use serde_json::json;

use super::args::StabilityArgs;
use super::{OutputFormat, experiment_from_args};
use crate::error::{Error, Result};
use crate::fmt::num_sig;
use crate::solver::stability::{StabilitySettings, stability, stability_from_folds};
use crate::solver::{Control, ModelKind, path_alphas};
use crate::workflow::setup_for;

pub fn run_stability(a: &StabilityArgs, out: &mut dyn Write) -> Result<()> {
    if a.bootstrap == 0 {
        return Err(Error::new("--bootstrap must be at least 1 (50 is usual)"));
    }
    if !(a.sample_fraction > 0.0 && a.sample_fraction < 1.0) {
        return Err(Error::new(format!(
            "--sample-fraction {} must lie strictly between 0 and 1 (0.5 gives complementary pairs)",
            a.sample_fraction
        )));
    }
    if !(a.threshold > 0.5 && a.threshold <= 1.0) {
        return Err(Error::new(format!(
            "--threshold {} must lie in (0.5, 1] for the error bound to hold (0.6 to 0.9 is usual)",
            a.threshold
        )));
    }
    if !(a.pfer > 0.0 && a.pfer.is_finite()) {
        return Err(Error::new(format!(
            "--pfer {} must be a positive number of tolerated false selections (1 is usual)",
            a.pfer
        )));
    }
    let (exp, source) = experiment_from_args(&a.fit, a.fit.stats.is_some())?;
    if !matches!(exp.model.kind, ModelKind::Lasso | ModelKind::ElasticNet) {
        return Err(Error::new(format!(
            "stability selection needs a model that selects features: --model lasso or elastic-net, not {}",
            exp.model.kind.name()
        )));
    }
    let st = StabilitySettings {
        bootstrap: a.bootstrap,
        sample_fraction: a.sample_fraction,
        threshold: a.threshold,
        pfer: a.pfer,
        seed: exp.cv.seed,
    };
    if a.fit.stats.is_some() {
        // the statistics hold the folds, not the rows: halves of the folds
        if a.sample_fraction != 0.5 {
            return Err(Error::new(
                "from a statistics file the subsamples are halves of the folds: drop --sample-fraction (0.5 is the only one), or use --data",
            ));
        }
        let mut design = super::design_from_args(&a.fit, true)?;
        design.settings = exp.path_settings();
        let alphas = design.path_alphas();
        let mut settings = design.settings.clone();
        settings.alphas = Some(alphas.clone());
        let r = stability_from_folds(
            &design.moments,
            design.standardize,
            design.fit_intercept,
            &settings,
            &st,
            &Control::none(),
        )
        .map_err(|e| Error::new(format!("{}: {e}", design.provenance.source)))?
        .map_err(|_| Error::new("cancelled"))?;
        let p = &design.provenance;
        let report = Report {
            source: &p.source,
            target: &p.target,
            n: design.n(),
            names: &p.features,
            rho: settings.rho(),
            alphas: &alphas,
        };
        return write_report(a, &exp, &report, &r, out);
    }
    let setup = setup_for(source.load_for(&exp)?, &exp, false)?;
    let n = setup.prep.n();
    let size = if a.sample_fraction == 0.5 {
        n / 2
    } else {
        (a.sample_fraction * n as f64).round() as usize
    };
    if size < 2 {
        return Err(Error::new(format!(
            "{}: {n} rows give subsamples of {size}; stability selection needs subsamples of at least 2 rows (4 rows with --sample-fraction 0.5)",
            setup.dataset_source
        )));
    }
    let mut settings = setup.settings.clone();
    let alphas = path_alphas(&setup.prep, &settings);
    settings.alphas = Some(alphas.clone());
    let r = stability(&setup.prep, &settings, &st, &Control::none())
        .map_err(|_| Error::new("cancelled"))?;
    let report = Report {
        source: &setup.dataset_source,
        target: &setup.target,
        n: setup.prep.n(),
        names: &setup.features,
        rho: settings.rho(),
        alphas: &alphas,
    };
    write_report(a, &exp, &report, &r, out)
}

/// What the report names besides the result.
struct Report<'a> {
    source: &'a str,
    target: &'a str,
    n: usize,
    names: &'a [String],
    rho: f64,
    alphas: &'a [f64],
}

fn write_report(
    a: &StabilityArgs,
    exp: &crate::config::Experiment,
    rep: &Report,
    r: &crate::solver::stability::Stability,
    out: &mut dyn Write,
) -> Result<()> {
    let (names, alphas) = (rep.names, rep.alphas);
    let selected: Vec<&str> = r.selected.iter().map(|&j| names[j].as_str()).collect();
    let text = match a.format {
        OutputFormat::Json => {
            let probability: Vec<Vec<f64>> = r
                .probability
                .rows()
                .into_iter()
                .map(|row| row.to_vec())
                .collect();
            let v = json!({
                "source": rep.source,
                "target": rep.target,
                "n_samples": rep.n,
                "model": exp.model.kind.name(),
                "l1_ratio": rep.rho,
                "features": names,
                "alphas": alphas,
                "subsamples": r.subsamples.len(),
                "complementary_pairs": r.complementary_pairs,
                "sample_fraction": a.sample_fraction,
                "threshold": a.threshold,
                "pfer": a.pfer,
                "probability": probability,
                "q_prefix": r.q_prefix,
                "region_alpha_min": r.region_end.map(|e| alphas[e]),
                "max_probability": r.max_probability,
                "selected": selected,
                "q": r.q,
                "expected_false_selections_bound": r.ev_bound,
            });
            super::pretty_json(&v)?
        }
        OutputFormat::Csv | OutputFormat::Table => {
            let mut s = format!(
                "stability selection, {} of {} (target {}, {} rows): {} subsample fits{}\n",
                exp.model.kind.name(),
                rep.source,
                rep.target,
                rep.n,
                r.subsamples.len(),
                if r.complementary_pairs {
                    " (complementary pairs of halves)"
                } else {
                    ""
                }
            );
            match r.region_end {
                Some(e) => s.push_str(&format!(
                    "region: alpha from {} down to {} (a subsample fit selects {} features there on average)\n",
                    num_sig(alphas[0], 4),
                    num_sig(alphas[e], 4),
                    num_sig(r.q, 3)
                )),
                None => s.push_str(
                    "region: empty (even the largest alpha selects more features than --pfer allows)\n",
                ),
            }
            let mut order: Vec<usize> = (0..names.len()).collect();
            order.sort_by(|&x, &y| r.max_probability[y].total_cmp(&r.max_probability[x]));
            let width = super::name_width(names);
            s.push_str(&format!("\n  {:<width$}  {:>5}\n", "feature", "prob"));
            for j in order {
                let pr = r.max_probability[j];
                let mark = if r.selected.contains(&j) { "*" } else { " " };
                let bar = "#".repeat((pr * 20.0).round() as usize);
                s.push_str(&format!(
                    "{mark} {:<width$}  {:>4.0}%  {bar}\n",
                    names[j],
                    pr * 100.0
                ));
            }
            s.push_str(&format!(
                "\n* selected at threshold {}: {}\n",
                a.threshold,
                if selected.is_empty() {
                    "none".to_string()
                } else {
                    selected.join(", ")
                }
            ));
            if let Some(b) = r.ev_bound {
                s.push_str(&format!(
                    "expected false selections at most {} (q^2 / ((2 threshold - 1) p))\n",
                    num_sig(b, 3)
                ));
            }
            s
        }
    };
    super::write_text(&text, out)
}
