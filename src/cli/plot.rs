//! `regscope plot`: fit and cross-validate like `cv`, then write the charts.

use std::io::Write;

use super::args::{ChartFormat, PlotArgs};
use super::fit_experiment;
use crate::error::{Error, Result};
use crate::export::{ChartInput, CoefRow, Format, charts, write_charts};

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
    // the coefficient chart: the experiment's own alpha if it has one, else alpha_min
    let f = fit_experiment(&a.fit, true, true)?;
    let cursor = f.at.as_ref().map(|(alpha, _)| *alpha);
    let coefs = match &f.at {
        Some((_, one)) => CoefRow::at(one, 0),
        None => CoefRow::at(&f.path, f.cv.as_ref().map_or(0, |c| c.index_min)),
    }
    .ok_or_else(|| Error::new("the fit produced no coefficients to plot"))?;
    let input = ChartInput {
        path: &f.path,
        cv: f.cv.as_ref(),
        features: &f.features,
        source: &f.source,
        target: &f.target,
        standardize: f.standardize,
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
