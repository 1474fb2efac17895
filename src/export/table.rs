//! The coefficient table of one fit as CSV: feature, coef, coef_std (and the alpha on
//! every row, so the file explains itself), then the intercept.

use super::ChartInput;

/// A CSV field, quoted when it holds a comma, quote or line break.
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Full-precision numbers (shortest round-trip form); NaN and inf as text.
fn number(v: f64) -> String {
    format!("{v:?}")
}

/// `feature,coef,coef_std,alpha` at the chart's alpha, one row per feature, then a row
/// `(intercept)` with the intercept in `coef` (it has no standardized counterpart).
pub fn coef_csv(input: &ChartInput) -> String {
    let c = &input.coefs;
    let alpha = number(c.alpha);
    let mut s = String::from("feature,coef,coef_std,alpha\n");
    for (j, (b, bs)) in c.coef.iter().zip(&c.coef_std).enumerate() {
        s.push_str(&format!(
            "{},{},{},{alpha}\n",
            field(&input.name(j)),
            number(*b),
            number(*bs)
        ));
    }
    s.push_str(&format!("(intercept),{},,{alpha}\n", number(c.intercept)));
    s
}
