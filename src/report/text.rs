//! CSV (one row per alpha) and a plain-text table for people.

use std::fmt::Write;

use super::Report;
use crate::fmt::num as g;

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// One row per alpha (README "CSV columns"): alpha, intercept, n_nonzero, r2, rel_gap,
/// n_iter; with CV cv_mean, cv_se, is_alpha_min, is_alpha_1se; then each feature's
/// coefficient on the original scale (named as the feature), then on the standardized
/// scale (`coef_std_{feature}`). Numbers are written in full (shortest round-trip form).
pub fn to_csv(r: &Report) -> String {
    let p = r.path;
    let mut out = String::new();
    let mut head = vec!["alpha", "intercept", "n_nonzero", "r2", "rel_gap", "n_iter"]
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>();
    if r.cv.is_some() {
        for h in ["cv_mean", "cv_se", "is_alpha_min", "is_alpha_1se"] {
            head.push(h.into());
        }
    }
    head.extend(r.features.iter().map(|f| csv_field(f)));
    head.extend(
        r.features
            .iter()
            .map(|f| csv_field(&format!("coef_std_{f}"))),
    );
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
            row.push((k == cv.index_min).to_string());
            row.push((k == cv.index_1se).to_string());
        }
        row.extend(p.coef.row(k).iter().map(|v| format!("{v:?}")));
        row.extend(p.coef_std.row(k).iter().map(|v| format!("{v:?}")));
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
        g(p.l1_ratio)
    );
    for n in r.notes {
        let _ = writeln!(s, "note: {n}");
    }
    for w in r.warnings() {
        let _ = writeln!(s, "warning: {w}");
    }
    let _ = writeln!(s);
    let mut head = format!(
        "{:>5} {:>11} {:>5} {:>8} {:>9} {:>6}",
        "k", "alpha", "nnz", "R2", "rel_gap", "iter"
    );
    if r.cv.is_some() {
        head.push_str(&format!(" {:>12} {:>11}", "cv_mse", "cv_se"));
    }
    let _ = writeln!(s, "{head}");
    for k in 0..p.alphas.len() {
        let _ = write!(
            s,
            "{:>5} {:>11} {:>5} {:>8} {:>9} {:>6}",
            k,
            g(p.alphas[k]),
            p.n_nonzero[k],
            g(p.r2[k]),
            g(p.rel_gap[k]),
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
        "\ncoefficients at {label} = {} (original scale; standardized in brackets):",
        g(p.alphas[k])
    );
    let width = r.features.iter().map(|f| f.len()).max().unwrap_or(8).max(9);
    let _ = writeln!(s, "{:>width$} {:>12}", "intercept", g(p.intercept[k]));
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
            "{f:>width$} {:>12} [{:>11}]{tag}",
            g(c),
            g(p.coef_std[(k, j)])
        );
    }
    if let Some(cv) = r.cv {
        let _ = writeln!(
            s,
            "\n{}-fold CV: alpha_min = {} (cv_mse {}), alpha_1se = {} (cv_mse {})",
            cv.folds,
            g(cv.alpha_min),
            g(cv.cv_mean[cv.index_min]),
            g(cv.alpha_1se),
            g(cv.cv_mean[cv.index_1se])
        );
    }
    s
}
