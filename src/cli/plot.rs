//! `regscope plot`: fit and cross-validate like `cv`, then write the charts.

use std::io::Write;

use super::args::{ChartFormat, PlotArgs};
use super::{Fitted, fit_experiment};
use crate::error::{Error, Result};
use crate::export::{ChartInput, CoefRow, Format, charts, write_charts};
use crate::solver::{Control, ModelKind, fit_alpha};

impl From<ChartFormat> for Format {
    fn from(f: ChartFormat) -> Format {
        match f {
            ChartFormat::Svg => Format::Svg,
            ChartFormat::Png => Format::Png,
            ChartFormat::Both => Format::Both,
        }
    }
}

/// Write the coefficient, path and CV charts into `--out`; list the files on `out`.
pub fn run_plot(a: &PlotArgs, out: &mut dyn Write) -> Result<()> {
    if a.out.is_file() {
        return Err(Error::new(format!(
            "--out {}: is a file; give a folder for the charts",
            a.out.display()
        )));
    }
    let Fitted {
        exp,
        setup: s,
        path,
        cv,
        ..
    } = fit_experiment(&a.fit, true)?;
    // the coefficient chart: the experiment's own alpha if it has one, else alpha_min
    let coefs = match exp.model.alpha {
        Some(alpha) if exp.model.kind != ModelKind::Ols => {
            let r = fit_alpha(&s.prep, &s.settings, alpha, None, &Control::none())
                .map_err(|_| Error::new("cancelled"))?;
            CoefRow::at(&r, 0)
        }
        _ => CoefRow::at(&path, cv.as_ref().map_or(0, |c| c.index_min)),
    }
    .ok_or_else(|| Error::new("the fit produced no coefficients to plot"))?;
    let cursor = exp.model.alpha.filter(|_| exp.model.kind != ModelKind::Ols);
    let input = ChartInput {
        path: &path,
        cv: cv.as_ref(),
        features: &s.features,
        source: &s.dataset_source,
        target: &s.target,
        standardize: exp.model.standardize,
        coefs,
        cursor,
    };
    let files = write_charts(&a.out, &charts(&input), a.format.into())?;
    let mut list = String::new();
    for f in &files {
        list.push_str(&format!("{}\n", f.display()));
    }
    out.write_all(list.as_bytes())
        .and_then(|_| out.flush())
        .map_err(|e| Error::new(format!("cannot write the output: {e}")))
}
