//! `regscope compare`: which mix of L1 and L2 fits this table best? Cross-validates one
//! model per l1_ratio on the same folds (ridge for 0 with its own grid rule, the lasso for
//! 1, the elastic net between) and lists each one's alpha_min, alpha_1se, CV error and
//! support size, as glmnet's cva.glmnet does. Each entry is what `regscope cv` gives for
//! that model: the same code on the same data; the statistics are read once.

use std::io::Write;

use serde_json::{Value, json};

use super::args::{CompareArgs, KindArg};
use super::{FitArgs, Fitted, OutputFormat, design_from_args, experiment_from_args, fit_design};
use crate::error::{Error, Result};
use crate::fmt::num_sig;
use crate::pipeline::statistics_route;
use crate::solver::ModelKind;
use crate::solver::compare::{ModelSummary, best, kind_for_l1_ratio};

pub fn run_compare(a: &CompareArgs, out: &mut dyn Write) -> Result<()> {
    if a.fit.model.is_some() || a.fit.l1_ratio.is_some() {
        return Err(Error::new(
            "compare fits one model per l1_ratio: drop --model/--l1-ratio and list the mixes with --l1-ratios (0 is ridge, 1 the lasso)",
        ));
    }
    let ratios = &a.l1_ratios;
    if ratios.is_empty() {
        return Err(Error::new(
            "--l1-ratios is empty; give values in [0, 1], like 0,0.5,1",
        ));
    }
    if let Some(r) = ratios.iter().find(|r| !(0.0..=1.0).contains(*r)) {
        return Err(Error::new(format!(
            "--l1-ratios: {r} is outside [0, 1] (0 is ridge, 1 the lasso)"
        )));
    }
    let args_for = |r: f64| -> FitArgs {
        let mut f = a.fit.clone();
        match kind_for_l1_ratio(r) {
            ModelKind::Ridge => f.model = Some(KindArg::Ridge),
            ModelKind::Lasso => f.model = Some(KindArg::Lasso),
            _ => {
                f.model = Some(KindArg::ElasticNet);
                f.l1_ratio = Some(r);
            }
        }
        f
    };
    let first = args_for(ratios[0]);
    let (_, source) = experiment_from_args(&first, true)?;
    let fits: Vec<Fitted> = if a.fit.stats.is_some() || statistics_route(&source) {
        // the statistics do not depend on the model: read them once
        let mut design = design_from_args(&first, true)?;
        ratios
            .iter()
            .map(|&r| {
                let (exp, _) = experiment_from_args(&args_for(r), true)?;
                design.settings = exp.path_settings();
                fit_design(&design, true, None)
            })
            .collect::<Result<_>>()?
    } else {
        ratios
            .iter()
            .map(|&r| super::fit_experiment(&args_for(r), true, false))
            .collect::<Result<_>>()?
    };
    let rows: Vec<ModelSummary> = fits
        .iter()
        .map(|f| match &f.cv {
            Some(cv) => Ok(ModelSummary::of(&f.path, cv)),
            None => Err(Error::new("internal error: compare ran without CV")),
        })
        .collect::<Result<_>>()?;
    let best = best(&rows);
    let f0 = &fits[0];
    let text = match a.format {
        OutputFormat::Json => {
            let models: Vec<Value> = rows.iter().map(json_of).collect();
            let best = best.map(|i| {
                json!({
                    "index": i,
                    "kind": rows[i].kind.name(),
                    "l1_ratio": rows[i].l1_ratio,
                    "alpha_min": rows[i].alpha_min,
                    "cv_min": rows[i].cv_min,
                })
            });
            let v = json!({
                "source": f0.source,
                "target": f0.target,
                "n_samples": f0.n_samples,
                "folds": f0.cv.as_ref().map(|c| c.folds),
                "models": models,
                "best": best,
            });
            super::pretty_json(&v)?
        }
        OutputFormat::Csv => {
            let mut s = String::from(
                "kind,l1_ratio,alpha_min,cv_min,cv_se_min,alpha_1se,cv_1se,nonzero_min,nonzero_1se,edge_min,best\n",
            );
            for (i, r) in rows.iter().enumerate() {
                s.push_str(&format!(
                    "{},{},{},{},{},{},{},{},{},{},{}\n",
                    r.kind.name(),
                    r.l1_ratio,
                    r.alpha_min,
                    r.cv_min,
                    r.cv_se_min,
                    r.alpha_1se,
                    r.cv_1se,
                    r.nonzero_min,
                    r.nonzero_1se,
                    r.edge_min,
                    best == Some(i)
                ));
            }
            s
        }
        OutputFormat::Table => {
            let mut s = format!(
                "{} models of {} (target {}, {} rows, {} folds), the same folds for each\n\n",
                rows.len(),
                f0.source,
                f0.target,
                f0.n_samples,
                f0.cv.as_ref().map_or(0, |c| c.folds)
            );
            s.push_str(&format!(
                "  {:<12} {:>8} {:>11} {:>21} {:>5} {:>11} {:>11} {:>5}\n",
                "model",
                "l1_ratio",
                "alpha_min",
                "CV MSE at min",
                "nz",
                "alpha_1se",
                "CV at 1se",
                "nz"
            ));
            for (i, r) in rows.iter().enumerate() {
                let mark = if best == Some(i) { "*" } else { " " };
                let edge = if r.edge_min {
                    "  (min at the grid's edge)"
                } else {
                    ""
                };
                s.push_str(&format!(
                    "{mark} {:<12} {:>8} {:>11} {:>21} {:>5} {:>11} {:>11} {:>5}{edge}\n",
                    r.kind.name(),
                    num_sig(r.l1_ratio, 3),
                    num_sig(r.alpha_min, 4),
                    format!("{} ± {}", num_sig(r.cv_min, 5), num_sig(r.cv_se_min, 3)),
                    r.nonzero_min,
                    num_sig(r.alpha_1se, 4),
                    num_sig(r.cv_1se, 5),
                    r.nonzero_1se
                ));
            }
            if let Some(i) = best {
                s.push_str(&format!(
                    "\n* lowest CV error: {} (l1_ratio {})\n",
                    rows[i].kind.name(),
                    num_sig(rows[i].l1_ratio, 3)
                ));
            }
            s
        }
    };
    super::write_text(&text, out)
}

/// One model's entry in the JSON report.
fn json_of(r: &ModelSummary) -> Value {
    json!({
        "kind": r.kind.name(),
        "l1_ratio": r.l1_ratio,
        "alpha_min": r.alpha_min,
        "cv_min": r.cv_min,
        "cv_se_min": r.cv_se_min,
        "alpha_1se": r.alpha_1se,
        "cv_1se": r.cv_1se,
        "nonzero_min": r.nonzero_min,
        "nonzero_1se": r.nonzero_1se,
        "edge_min": r.edge_min,
    })
}
