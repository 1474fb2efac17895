//! `regscope diagnose`: how collinear the features are (VIF, condition number,
//! eigenvalues and correlation of the features as fitted, the most correlated pairs),
//! from the same statistics the fits use, so it also works from `--stats`.

use std::io::Write;

use serde_json::{Value, json};

use super::{OutputFormat, ReportArgs, design_from_args};
use crate::error::Result;
use crate::fmt::num_sig;
use crate::solver::collinearity::{Collinearity, collinearity};

/// Pairs listed as the most correlated.
const TOP_PAIRS: usize = 10;

/// The usual VIF guides: above 5 a coefficient's variance is clearly inflated, above 10
/// the feature is close to a combination of the others.
const VIF_HIGH: f64 = 10.0;
const VIF_MODERATE: f64 = 5.0;

pub fn run_diagnose(a: &ReportArgs, out: &mut dyn Write) -> Result<()> {
    let design = design_from_args(&a.fit, false)?;
    let d = collinearity(&design.moments.total(), TOP_PAIRS);
    let p = &design.provenance;
    let report = Diagnosis {
        source: &p.source,
        target: &p.target,
        n: design.n(),
        all: &p.features,
        d: &d,
    };
    let text = match a.format {
        OutputFormat::Json => super::pretty_json(&report.json())?,
        OutputFormat::Csv => report.csv(),
        OutputFormat::Table => report.table(),
    };
    super::write_text(&text, out)
}

struct Diagnosis<'a> {
    source: &'a str,
    target: &'a str,
    n: usize,
    /// every feature of the design (the diagnosis refers to the non-constant ones)
    all: &'a [String],
    d: &'a Collinearity,
}

impl Diagnosis<'_> {
    fn names(&self) -> Vec<&str> {
        self.d
            .columns
            .iter()
            .map(|&j| self.all[j].as_str())
            .collect()
    }

    fn warnings(&self) -> Vec<String> {
        let mut w = Vec::new();
        if !self.d.constant.is_empty() {
            let names: Vec<&str> = self
                .d
                .constant
                .iter()
                .map(|&j| self.all[j].as_str())
                .collect();
            w.push(format!(
                "constant features left out (their coefficient is 0 in every fit): {}",
                names.join(", ")
            ));
        }
        if !self.d.aliased.is_empty() {
            let names = self.names();
            let aliased: Vec<&str> = self.d.aliased.iter().map(|&a| names[a]).collect();
            w.push(format!(
                "aliased features (linear combinations of earlier ones; VIF infinite, written null): {}",
                aliased.join(", ")
            ));
        }
        w
    }

    fn json(&self) -> Value {
        let names = self.names();
        let k = names.len();
        let correlation: Vec<Vec<f64>> = (0..k)
            .map(|a| self.d.correlation[a * k..(a + 1) * k].to_vec())
            .collect();
        let pairs: Vec<Value> = self
            .d
            .top_pairs
            .iter()
            .map(|&(a, b, r)| json!({"a": names[a], "b": names[b], "r": r}))
            .collect();
        json!({
            "source": self.source,
            "target": self.target,
            "n_samples": self.n,
            "features": names,
            "vif": self.d.vif,
            "condition_number": self.d.condition_number,
            "eigenvalues": self.d.eigenvalues,
            "correlation": correlation,
            "top_pairs": pairs,
            "warnings": self.warnings(),
        })
    }

    /// One row per feature: its VIF, then its correlation with every feature.
    fn csv(&self) -> String {
        let names = self.names();
        let k = names.len();
        let quote = |s: &str| {
            if s.contains([',', '"', '\n']) {
                format!("\"{}\"", s.replace('"', "\"\""))
            } else {
                s.to_string()
            }
        };
        let mut s = String::from("feature,vif");
        for n in &names {
            s.push(',');
            s.push_str(&quote(n));
        }
        s.push('\n');
        for (a, n) in names.iter().enumerate() {
            s.push_str(&quote(n));
            s.push(',');
            if let Some(v) = self.d.vif[a] {
                s.push_str(&format!("{v}"));
            }
            for b in 0..k {
                s.push_str(&format!(",{}", self.d.correlation[a * k + b]));
            }
            s.push('\n');
        }
        s
    }

    fn table(&self) -> String {
        let names = self.names();
        let width = super::name_width(&names);
        let mut s = format!(
            "collinearity of {} features of {} (target {}, {} rows)\n",
            names.len(),
            self.source,
            self.target,
            self.n
        );
        match self.d.condition_number {
            Some(c) => s.push_str(&format!(
                "condition number {} (sqrt of the largest over the smallest eigenvalue of the correlation matrix)\n",
                num_sig(c, 4)
            )),
            None if names.is_empty() => s.push_str("no non-constant feature to diagnose\n"),
            None => s.push_str("condition number: infinite (aliased features)\n"),
        }
        if let (Some(hi), Some(lo)) = (self.d.eigenvalues.first(), self.d.eigenvalues.last()) {
            s.push_str(&format!(
                "eigenvalues from {} down to {}\n",
                num_sig(*hi, 4),
                num_sig(*lo, 4)
            ));
        }
        s.push_str(&format!("\n{:<width$}  {:>9}\n", "feature", "VIF"));
        for (a, n) in names.iter().enumerate() {
            let (v, note) = match self.d.vif[a] {
                None => ("inf".to_string(), "  aliased"),
                Some(v) if v > VIF_HIGH => (num_sig(v, 4), "  high (> 10)"),
                Some(v) if v > VIF_MODERATE => (num_sig(v, 4), "  moderate (> 5)"),
                Some(v) => (num_sig(v, 4), ""),
            };
            s.push_str(&format!("{n:<width$}  {v:>9}{note}\n"));
        }
        if !self.d.top_pairs.is_empty() {
            s.push_str("\nmost correlated pairs\n");
            for &(a, b, r) in &self.d.top_pairs {
                s.push_str(&format!(
                    "{:>7}  {} ~ {}\n",
                    format!("{r:+.3}"),
                    names[a],
                    names[b]
                ));
            }
        }
        for w in self.warnings() {
            s.push_str(&format!("\nwarning: {w}\n"));
        }
        s
    }
}
