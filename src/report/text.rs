//! CSV (one row per alpha) and a plain-text table for people.

use std::fmt::Write;

use super::Report;

/// A number the way people read it: plain in [1e-3, 1e5), scientific outside.
fn g(x: f64) -> String {
    let a = x.abs();
    if a == 0.0 || (1e-3..1e5).contains(&a) {
        let s = format!("{x:.6}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        if s == "-0" { "0".into() } else { s.to_string() }
    } else {
        format!("{x:.4e}")
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// One row per alpha: alpha, intercept, n_nonzero, r2, rel_gap, n_iter, [cv_mean, cv_se],
/// then each feature's coefficient on the original scale.
pub fn to_csv(r: &Report) -> String {
    let p = r.path;
    let mut out = String::new();
    let mut head = vec!["alpha", "intercept", "n_nonzero", "r2", "rel_gap", "n_iter"]
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>();
    if r.cv.is_some() {
        head.push("cv_mean".into());
        head.push("cv_se".into());
    }
    head.extend(r.features.iter().map(|f| csv_field(f)));
    out.push_str(&head.join(","));
    out.push('\n');
    for k in 0..p.alphas.len() {
        let mut row = vec![
            format!("{:?}", p.alphas[k]),
            format!("{:?}", p.intercept[k]),
            p.n_nonzero[k].to_string(),
            format!("{:?}", p.r2[k]),
            format!("{:?}", p.rel_gap[k]),
            p.n_iter[k].to_string(),
        ];
        if let Some(cv) = r.cv {
            row.push(format!("{:?}", cv.cv_mean[k]));
            row.push(format!("{:?}", cv.cv_se[k]));
        }
        row.extend(p.coef.row(k).iter().map(|v| format!("{v:?}")));
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

/// A readable summary: the path (every alpha), then the coefficients at the chosen alpha
/// (alpha_1se with CV, else the smallest alpha).
pub fn to_table(r: &Report) -> String {
    let p = r.path;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} on {} ({} rows{}), target {}: {} features, l1_ratio {}",
        p.kind,
        r.source,
        r.n_samples,
        if r.rows_dropped > 0 {
            format!(", {} dropped", r.rows_dropped)
        } else {
            String::new()
        },
        r.target,
        r.features.len(),
        p.l1_ratio
    );
    for n in r.notes {
        let _ = writeln!(s, "note: {n}");
    }
    for w in r.warnings() {
        let _ = writeln!(s, "warning: {w}");
    }
    let _ = writeln!(s);
    let mut head = format!(
        "{:>5} {:>12} {:>5} {:>8} {:>9} {:>6}",
        "k", "alpha", "nnz", "R2", "rel_gap", "iter"
    );
    if r.cv.is_some() {
        head.push_str(&format!(" {:>12} {:>11}", "cv_mse", "cv_se"));
    }
    let _ = writeln!(s, "{head}");
    for k in 0..p.alphas.len() {
        let _ = write!(
            s,
            "{:>5} {:>12} {:>5} {:>8.4} {:>9.1e} {:>6}",
            k,
            g(p.alphas[k]),
            p.n_nonzero[k],
            p.r2[k],
            p.rel_gap[k],
            p.n_iter[k]
        );
        if let Some(cv) = r.cv {
            let mark = match (k == cv.index_min, k == cv.index_1se) {
                (true, true) => "  <- min, 1se",
                (true, false) => "  <- min",
                (false, true) => "  <- 1se",
                _ => "",
            };
            let _ = write!(s, " {:>12} {:>11}{mark}", g(cv.cv_mean[k]), g(cv.cv_se[k]));
        }
        let _ = writeln!(s);
    }
    let (k, label) = match r.cv {
        Some(cv) => (cv.index_1se, "alpha_1se"),
        None => (p.alphas.len() - 1, "the smallest alpha"),
    };
    let _ = writeln!(
        s,
        "\ncoefficients at {label} = {:.6e} (original scale; standardized in brackets):",
        p.alphas[k]
    );
    let width = r.features.iter().map(|f| f.len()).max().unwrap_or(8).max(9);
    let _ = writeln!(s, "{:>width$} {:>14.6}", "intercept", p.intercept[k]);
    for (j, f) in r.features.iter().enumerate() {
        let c = p.coef[(k, j)];
        let tag = if p.constant[j] {
            "  (constant)"
        } else if c == 0.0 {
            "  (zero)"
        } else {
            ""
        };
        let _ = writeln!(
            s,
            "{f:>width$} {c:>14.6} [{:>11.5}]{tag}",
            p.coef_std[(k, j)]
        );
    }
    if let Some(cv) = r.cv {
        let _ = writeln!(
            s,
            "\n{}-fold CV: alpha_min = {:.6e} (cv_mse {:.6}), alpha_1se = {:.6e} (cv_mse {:.6})",
            cv.folds,
            cv.alpha_min,
            cv.cv_mean[cv.index_min],
            cv.alpha_1se,
            cv.cv_mean[cv.index_1se]
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::g;

    #[test]
    fn numbers_read_naturally() {
        assert_eq!(g(0.5), "0.5");
        assert_eq!(g(12.0), "12");
        assert_eq!(g(0.0), "0");
        assert_eq!(g(1.5e-7), "1.5000e-7");
        assert_eq!(g(2.5e6), "2.5000e6");
        assert_eq!(g(-0.25), "-0.25");
    }
}
