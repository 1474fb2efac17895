//! How collinear the features are, from their statistics alone: the correlation matrix R
//! of the non-constant features, its eigenvalues and condition number, the variance
//! inflation factors VIF_j = [R^-1]_jj, and the most correlated pairs. This is what
//! decides how unstable an unpenalised or lasso fit is, and how much ridge helps.
//!
//! The correlation is always of the centred columns (the usual definition of the VIF),
//! whatever the model's `fit_intercept` and `standardize`. A column that is a linear
//! combination of earlier ones (to 1e-10 of its variance) is *aliased*: R is singular,
//! its VIF is infinite and is reported as `None`, the others' VIFs are those of the
//! non-aliased set, and the condition number is `None`.

use faer::linalg::solvers::Solve;
use faer::{Mat, MatRef, Side};

use super::Moments;
use super::prep::is_constant;

/// Residual variance (as a fraction of the column's) below which a column is aliased.
const ALIAS_TOL: f64 = 1e-10;

#[derive(Debug, Clone, PartialEq)]
pub struct Collinearity {
    /// the non-constant features the rest refers to (indices into the input's columns)
    pub columns: Vec<usize>,
    /// constant features, left out of everything
    pub constant: Vec<usize>,
    /// correlation matrix of `columns`, row-major m x m
    pub correlation: Vec<f64>,
    /// VIF of each of `columns`; `None` when aliased
    pub vif: Vec<Option<f64>>,
    /// positions in `columns` of the aliased ones
    pub aliased: Vec<usize>,
    /// eigenvalues of R, largest first
    pub eigenvalues: Vec<f64>,
    /// sqrt(lambda_max / lambda_min), `None` when R is singular (aliased columns)
    pub condition_number: Option<f64>,
    /// the `top` most correlated pairs (positions in `columns`, r), by |r| then order
    pub top_pairs: Vec<(usize, usize, f64)>,
}

/// The collinearity diagnostics of the columns of `m`, with the `top` most correlated
/// pairs.
pub fn collinearity(m: &Moments, top: usize) -> Collinearity {
    let p = m.p();
    let nf = m.n() as f64;
    let c = m.stored_c();
    let (mut columns, mut constant) = (Vec::new(), Vec::new());
    for j in 0..p {
        let sd = if nf > 0.0 {
            (c[j * p + j].max(0.0) / nf).sqrt() * m.unit(j)
        } else {
            0.0
        };
        if nf == 0.0 || is_constant(sd, m.max_abs(j), true) {
            constant.push(j);
        } else {
            columns.push(j);
        }
    }
    let k = columns.len();
    let r = Mat::<f64>::from_fn(k, k, |a, b| {
        let (i, j) = (columns[a], columns[b]);
        if a == b {
            1.0
        } else {
            let v = c[j * p + i] / (c[i * p + i] * c[j * p + j]).sqrt();
            v.clamp(-1.0, 1.0)
        }
    });
    let aliased = aliased_columns(r.as_ref());
    let kept: Vec<usize> = (0..k).filter(|a| !aliased.contains(a)).collect();
    let mut vif = vec![None; k];
    if !kept.is_empty() {
        let rs = Mat::<f64>::from_fn(kept.len(), kept.len(), |a, b| r[(kept[a], kept[b])]);
        if let Ok(llt) = rs.llt(Side::Lower) {
            let inv = llt.solve(Mat::<f64>::identity(kept.len(), kept.len()));
            for (a, &col) in kept.iter().enumerate() {
                vif[col] = Some(inv[(a, a)].max(1.0));
            }
        }
    }
    let mut eigenvalues: Vec<f64> = if k > 0 {
        r.self_adjoint_eigenvalues(Side::Lower)
            .unwrap_or_default()
            .into_iter()
            .map(|v| v.max(0.0))
            .collect()
    } else {
        Vec::new()
    };
    eigenvalues.sort_by(|a, b| b.total_cmp(a));
    let condition_number = match (eigenvalues.first(), eigenvalues.last()) {
        (Some(&hi), Some(&lo)) if aliased.is_empty() && lo > 0.0 => Some((hi / lo).sqrt()),
        _ => None,
    };
    let mut pairs: Vec<(usize, usize, f64)> = (0..k)
        .flat_map(|a| (a + 1..k).map(move |b| (a, b)))
        .map(|(a, b)| (a, b, r[(a, b)]))
        .collect();
    pairs.sort_by(|x, y| y.2.abs().total_cmp(&x.2.abs()));
    pairs.truncate(top);
    Collinearity {
        correlation: (0..k * k)
            .map(|i| r[(i / k.max(1), i % k.max(1))])
            .collect(),
        columns,
        constant,
        vif,
        aliased,
        eigenvalues,
        condition_number,
        top_pairs: pairs,
    }
}

/// Positions of the columns of the correlation matrix `r` that are linear combinations of
/// earlier ones: a Cholesky factor built column by column, skipping a column whose
/// residual variance is below `ALIAS_TOL` (of its own, which is 1).
fn aliased_columns(r: MatRef<f64>) -> Vec<usize> {
    let k = r.nrows();
    let mut l = Mat::<f64>::zeros(k, k);
    let mut kept: Vec<usize> = Vec::new();
    let mut aliased = Vec::new();
    for j in 0..k {
        // row j of L against the kept columns: L[j, kk] = (r[j, kk] - sum L[j, .] L[kk, .]) / L[kk, kk]
        let mut row = vec![0.0; kept.len()];
        for (a, &kk) in kept.iter().enumerate() {
            let mut s = r[(j, kk)];
            for (b, v) in row.iter().enumerate().take(a) {
                s -= v * l[(kk, kept[b])];
            }
            row[a] = s / l[(kk, kk)];
        }
        let residual = 1.0 - row.iter().map(|v| v * v).sum::<f64>();
        if residual <= ALIAS_TOL {
            aliased.push(j);
            continue;
        }
        for (a, &kk) in kept.iter().enumerate() {
            l[(j, kk)] = row[a];
        }
        l[(j, j)] = residual.sqrt();
        kept.push(j);
    }
    aliased
}

#[cfg(test)]
mod tests {
    use super::*;
    use faer::linalg::solvers::SolveLstsq;

    /// Column-major rows x p data with some collinearity: x2 near x0 + x1, x3 independent.
    fn data(rows: usize, seed: u64) -> Vec<f64> {
        let mut rng = crate::testing::Lcg::new(seed);
        let mut next = || rng.centered();
        let mut x = vec![0.0; rows * 4];
        for i in 0..rows {
            let (a, b) = (next(), next());
            x[i] = a;
            x[rows + i] = b * 3.0 + 10.0;
            x[2 * rows + i] = a + b + 0.05 * next();
            x[3 * rows + i] = next() * 100.0;
        }
        x
    }

    /// VIF_j = 1 / (1 - R^2_j), R^2_j from regressing column j on the others (with an
    /// intercept) by least squares on the rows: independent of R^-1.
    fn vif_by_regression(x: &[f64], rows: usize, p: usize, j: usize) -> f64 {
        let others: Vec<usize> = (0..p).filter(|&c| c != j).collect();
        let a = Mat::<f64>::from_fn(rows, others.len() + 1, |i, c| {
            if c == 0 {
                1.0
            } else {
                x[others[c - 1] * rows + i]
            }
        });
        let y = Mat::<f64>::from_fn(rows, 1, |i, _| x[j * rows + i]);
        let qr = a.qr();
        let beta = qr.solve_lstsq(&y);
        let fitted = &a * &beta;
        let mean = (0..rows).map(|i| y[(i, 0)]).sum::<f64>() / rows as f64;
        let ss_res: f64 = (0..rows)
            .map(|i| (y[(i, 0)] - fitted[(i, 0)]).powi(2))
            .sum();
        let ss_tot: f64 = (0..rows).map(|i| (y[(i, 0)] - mean).powi(2)).sum();
        1.0 / (ss_res / ss_tot)
    }

    #[test]
    fn vif_and_condition_number_match_regressions_and_the_svd() {
        let rows = 500;
        let x = data(rows, 7);
        let m = Moments::from_block(&x, &vec![0.0; rows], 4);
        let d = collinearity(&m, 3);
        assert_eq!(d.columns, [0, 1, 2, 3]);
        for j in 0..4 {
            let want = vif_by_regression(&x, rows, 4, j);
            let got = d.vif[j].unwrap();
            assert!(
                (got - want).abs() <= 1e-8 * want,
                "VIF {j}: {got} vs {want}"
            );
        }
        assert!(d.vif[2].unwrap() > 100.0 && d.vif[3].unwrap() < 1.1);
        // cond(R) = sigma_max / sigma_min of the centred, unit-variance columns
        let z = Mat::<f64>::from_fn(rows, 4, |i, j| {
            let col = &x[j * rows..(j + 1) * rows];
            let mean = col.iter().sum::<f64>() / rows as f64;
            let sd = (col.iter().map(|v| (v - mean).powi(2)).sum::<f64>()).sqrt();
            (col[i] - mean) / sd
        });
        let s = z.singular_values().unwrap();
        let (hi, lo) = (s[0], s[s.len() - 1]);
        let cond = d.condition_number.unwrap();
        assert!(
            (cond - hi / lo).abs() <= 1e-8 * cond,
            "{cond} vs {}",
            hi / lo
        );
        for (e, sv) in d.eigenvalues.iter().zip(&s) {
            assert!((e - sv * sv).abs() <= 1e-10 * d.eigenvalues[0]);
        }
        // the strongest pair involves x2 and its sources
        let (a, b, r) = d.top_pairs[0];
        assert!(b == 2 && a < 2 && r > 0.5, "{:?}", d.top_pairs);
        assert_eq!(d.top_pairs.len(), 3);
        for (a, b, r) in &d.top_pairs {
            assert_eq!(d.correlation[a * 4 + b], *r);
            assert_eq!(d.correlation[b * 4 + a], *r);
        }
    }

    #[test]
    fn aliased_and_constant_columns_are_named_not_inverted() {
        let rows = 200;
        let mut x = data(rows, 3);
        // x2 = x0 + x1 exactly, and a fifth, constant column
        for i in 0..rows {
            x[2 * rows + i] = x[i] + x[rows + i];
        }
        x.extend(std::iter::repeat_n(4.0, rows));
        let m = Moments::from_block(&x, &vec![0.0; rows], 5);
        let d = collinearity(&m, 10);
        assert_eq!(d.constant, [4]);
        assert_eq!(d.columns, [0, 1, 2, 3]);
        assert_eq!(d.aliased, [2]);
        assert!(d.vif[2].is_none());
        assert!(d.condition_number.is_none());
        // the others' VIFs are those of the set without the aliased column
        let kept = [0usize, 1, 3];
        let xs: Vec<f64> = kept
            .iter()
            .flat_map(|&j| x[j * rows..(j + 1) * rows].to_vec())
            .collect();
        for (a, &j) in kept.iter().enumerate() {
            let want = vif_by_regression(&xs, rows, 3, a);
            let got = d.vif[j].unwrap();
            assert!(
                (got - want).abs() <= 1e-8 * want,
                "VIF {j}: {got} vs {want}"
            );
        }
        assert!(d.eigenvalues.last().unwrap().abs() < 1e-10);
        assert_eq!(d.top_pairs.len(), 6);
    }
}
