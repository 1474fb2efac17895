//! K-fold cross-validation, docs/spec.md §5.
//!
//! Gram mode (training rows >= p): one pass over the rows builds each fold's centred
//! statistics (docs/solver.md §8); every fold's training statistics are a merge of the other
//! folds' (Chan, Golub, LeVeque), so the Gram work does not grow with K and nothing of the
//! held-out rows leaks into the fit. Held-out errors come from the fold's own statistics
//! (docs/solver.md §8). Otherwise (wide data, ridge and OLS) each fold gathers its training rows,
//! standardizes them itself and solves like a full fit.
//!
//! Memory: the statistics are collected one fold at a time (n/K rows copied at once), and
//! gathered folds run one at a time (one copy of (K-1)/K of the rows alive); the
//! parallelism is within the fold (column-wise copies, the products, the solvers).

use std::sync::atomic::{AtomicUsize, Ordering};

use faer::{Accum, Mat, MatRef, Par};
use ndarray::{Array1, Array2, ShapeBuilder};
use rayon::prelude::*;

use super::closed::EigSolver;
use super::control::{Cancelled, Control, Stage};
use super::gram_design::GramDesign;
use super::moments::{FoldMoments, Moments};
use super::path::{RawPath, SolverWarning, solve_gram, solve_prepared, use_gram};
use super::prep::Prepared;
use super::{ModelKind, PathSettings};

/// docs/spec.md §5 output.
#[derive(Debug, Clone)]
pub struct CvResult {
    pub folds: usize,
    pub fold_ids: Vec<usize>,
    /// K x m held-out mean squared errors
    pub mse: Array2<f64>,
    /// K x m training mean squared errors
    pub train_mse: Array2<f64>,
    pub cv_mean: Vec<f64>,
    pub cv_se: Vec<f64>,
    pub index_min: usize,
    pub index_1se: usize,
    pub alpha_min: f64,
    pub alpha_1se: f64,
    /// (fold, warning) pairs from the fold fits
    pub warnings: Vec<(usize, SolverWarning)>,
    /// m x p: the fraction of the K fold fits in which coefficient j is nonzero at alpha i
    pub selection_frequency: Array2<f64>,
}

/// One fold's errors along the grid.
struct FoldOut {
    mse: Vec<f64>,
    train_mse: Vec<f64>,
    warnings: Vec<SolverWarning>,
    /// m x p: which coefficients are nonzero at each alpha (empty when the fold failed)
    nonzero: Vec<Vec<bool>>,
}

/// Which coefficients of each solution are nonzero.
fn nonzero_of(beta: &[Vec<f64>]) -> Vec<Vec<bool>> {
    beta.iter()
        .map(|b| b.iter().map(|v| *v != 0.0).collect())
        .collect()
}

/// Cross-validate the path on `alphas` (the grid of the full fit) with the given fold ids
/// (0..k). `prep` is the full design; each fold re-centres and re-scales its training rows.
pub fn cross_validate(
    prep: &Prepared,
    fold_ids: &[usize],
    k: usize,
    s: &PathSettings,
    alphas: &[f64],
    ctl: &Control,
) -> Result<CvResult, Cancelled> {
    let n = prep.n();
    assert_eq!(fold_ids.len(), n, "one fold id per row");
    let p = prep.p();
    let min_train = min_train(fold_ids, k);
    let moments = use_gram(min_train, p).then(|| fold_moments_of(prep, fold_ids, k));
    ctl.check()?;
    let design = CvDesign {
        moments: moments.as_ref(),
        rows: Some(prep),
        standardize: prep.standardize(),
        fit_intercept: prep.fit_intercept(),
        full_constant: prep.constant(),
    };
    cross_validate_design(&design, fold_ids, k, s, alphas, ctl)
}

/// The fewest training rows of any fold.
fn min_train(fold_ids: &[usize], k: usize) -> usize {
    let n = fold_ids.len();
    let mut count = vec![0usize; k];
    for &f in fold_ids {
        count[f] += 1;
    }
    count.iter().map(|c| n - c).min().unwrap_or(0)
}

/// K-fold CV of a design given by its per-fold statistics (`moments`, in the original
/// units of the columns), its rows (`rows`), or both. Folds with at least p training rows
/// are solved from the statistics: their training statistics are a merge of the other
/// folds', and the held-out error is a quadratic form in the coefficients, so no row is
/// touched. Other folds (wide data) gather their training rows, which must then be given.
pub fn cross_validate_design(
    d: &CvDesign,
    fold_ids: &[usize],
    k: usize,
    s: &PathSettings,
    alphas: &[f64],
    ctl: &Control,
) -> Result<CvResult, Cancelled> {
    let (moments, rows) = (d.moments, d.rows);
    let p = moments.map_or_else(|| rows.map_or(0, Prepared::p), FoldMoments::p);
    let min_train = match moments {
        Some(fm) => {
            let n: u64 = fm.counts().iter().sum();
            fm.counts()
                .iter()
                .map(|c| (n - c) as usize)
                .min()
                .unwrap_or(0)
        }
        None => min_train(fold_ids, k),
    };
    let done = AtomicUsize::new(0);
    ctl.report(Stage::Cv, 0, k);
    let finish = |r: Result<FoldOut, Cancelled>| {
        if r.is_ok() {
            let d = done.fetch_add(1, Ordering::Relaxed) + 1;
            ctl.report(Stage::Cv, d, k);
        }
        r
    };
    let from_moments = moments.filter(|_| use_gram(min_train, p));
    let outs: Vec<Result<FoldOut, Cancelled>> = if let Some(fm) = from_moments {
        (0..k)
            .into_par_iter()
            .map(|f| finish(moments_fold(fm, d, fold_ids, f, s, alphas, ctl)))
            .collect()
    } else {
        let prep = rows.expect("cross-validating wide data needs its rows");
        // one fold at a time: each copies its training rows, (K-1)/K of X, and folds in
        // parallel would hold one copy per thread (more when a thread waiting inside a
        // solver steals another fold); the solvers parallelize within a fold
        (0..k)
            .map(|f| finish(gathered_fold(prep, fold_ids, f, s, alphas, ctl)))
            .collect()
    };
    let mut folds = Vec::with_capacity(k);
    for o in outs {
        folds.push(o?);
    }
    Ok(summarize(fold_ids, k, alphas, folds))
}

/// cv_mean, cv_se, alpha_min and alpha_1se from the per-fold errors (docs/spec.md §5).
fn summarize(fold_ids: &[usize], k: usize, alphas: &[f64], folds: Vec<FoldOut>) -> CvResult {
    let m = alphas.len();
    let mut mse = Array2::<f64>::zeros((k, m));
    let mut train_mse = Array2::<f64>::zeros((k, m));
    let mut warnings = Vec::new();
    let p = folds
        .iter()
        .find_map(|o| o.nonzero.first().map(Vec::len))
        .unwrap_or(0);
    let mut selection_frequency = Array2::<f64>::zeros((m, p));
    for (f, o) in folds.into_iter().enumerate() {
        for i in 0..m {
            mse[(f, i)] = o.mse[i];
            train_mse[(f, i)] = o.train_mse[i];
        }
        for (i, nz) in o.nonzero.iter().enumerate().take(m) {
            for (j, &on) in nz.iter().enumerate().take(p) {
                if on {
                    selection_frequency[(i, j)] += 1.0 / k as f64;
                }
            }
        }
        warnings.extend(o.warnings.into_iter().map(|w| (f, w)));
    }
    let kf = k as f64;
    let cv_mean: Vec<f64> = (0..m).map(|i| mse.column(i).sum() / kf).collect();
    let cv_se: Vec<f64> = (0..m)
        .map(|i| {
            let mean = cv_mean[i];
            let ss: f64 = mse.column(i).iter().map(|v| (v - mean) * (v - mean)).sum();
            if k > 1 {
                (ss / (kf - 1.0)).sqrt() / kf.sqrt()
            } else {
                0.0
            }
        })
        .collect();
    // ties: the larger alpha, i.e. the first index of the descending grid
    let mut index_min = 0;
    for i in 1..m {
        if cv_mean[i] < cv_mean[index_min] {
            index_min = i;
        }
    }
    let bound = cv_mean[index_min] + cv_se[index_min];
    let index_1se = (0..m)
        .filter(|&i| alphas[i] >= alphas[index_min])
        .find(|&i| cv_mean[i] <= bound)
        .unwrap_or(index_min);
    CvResult {
        folds: k,
        fold_ids: fold_ids.to_vec(),
        mse,
        train_mse,
        cv_mean,
        cv_se,
        index_min,
        index_1se,
        alpha_min: alphas[index_min],
        alpha_1se: alphas[index_1se],
        warnings,
        selection_frequency,
    }
}

/// Rows of `z` (column-major n x p) and `y` selected by `keep`, as a column-major matrix.
fn gather(prep: &Prepared, rows: &[usize]) -> (Array2<f64>, Array1<f64>) {
    let (out, y) = gather_columns(prep, rows);
    let zm = Array2::from_shape_vec((rows.len(), prep.p()).f(), out).expect("shape matches");
    (zm, Array1::from(y))
}

/// The rows `rows` of the prepared design, column-major, and their targets.
fn gather_columns(prep: &Prepared, rows: &[usize]) -> (Vec<f64>, Vec<f64>) {
    let (n, p) = (prep.n(), prep.p());
    let nr = rows.len();
    let z = prep.z_slice();
    let mut out = vec![0.0; nr * p];
    // columns in parallel: the folds run one at a time, so this is where the cores go
    out.par_chunks_mut(nr.max(1))
        .enumerate()
        .for_each(|(j, dst)| {
            let src = &z[j * n..(j + 1) * n];
            for (d, &i) in dst.iter_mut().zip(rows) {
                *d = src[i];
            }
        });
    let y = prep.y_slice();
    (out, rows.iter().map(|&i| y[i]).collect())
}

/// Fold f by gathering its training rows: any solver route, held-out rows scored directly.
fn gathered_fold(
    prep: &Prepared,
    fold_ids: &[usize],
    f: usize,
    s: &PathSettings,
    alphas: &[f64],
    ctl: &Control,
) -> Result<FoldOut, Cancelled> {
    ctl.check()?;
    let train: Vec<usize> = (0..prep.n()).filter(|&i| fold_ids[i] != f).collect();
    let test: Vec<usize> = (0..prep.n()).filter(|&i| fold_ids[i] == f).collect();
    let (zt, yt) = gather(prep, &train);
    let max_abs_x = max_abs_original(prep, &zt);
    let fold = Prepared::new_in_units(
        zt,
        yt,
        prep.standardize(),
        prep.fit_intercept(),
        prep.scale(),
        &max_abs_x,
    );
    let raw: RawPath = solve_prepared(&fold, s, alphas, &ctl.silent(), false)?;
    let nonzero = nonzero_of(&raw.beta);
    let (nv, p) = (test.len(), prep.p());
    let nt = train.len() as f64;
    let m = alphas.len();
    // held-out predictions for every alpha at once: Zv W + b
    let mut w = Mat::<f64>::zeros(p, m);
    let mut b0 = vec![0.0; m];
    for i in 0..m {
        let wz = fold.to_original(&raw.beta[i]);
        b0[i] = fold.intercept(&wz);
        for j in 0..p {
            w[(j, i)] = wz[j];
        }
    }
    // the training copy is done with: release it before copying the held-out rows
    drop(fold);
    let (zv, yv) = gather_columns(prep, &test);
    let zvr = MatRef::from_column_major_slice(&zv, nv, p);
    let mut pred = Mat::<f64>::zeros(nv, m);
    faer::linalg::matmul::matmul(
        pred.as_mut(),
        Accum::Replace,
        zvr,
        w.as_ref(),
        1.0,
        Par::Seq,
    );
    let mse = (0..m)
        .map(|i| {
            let sse: f64 = (0..nv)
                .map(|t| {
                    let e = yv[t] - b0[i] - pred[(t, i)];
                    e * e
                })
                .sum();
            sse / nv as f64
        })
        .collect();
    let train_mse = raw.rss.iter().map(|r| r / nt).collect();
    Ok(FoldOut {
        mse,
        train_mse,
        warnings: raw.warnings,
        nonzero,
    })
}

/// max |x_ij| per column in the original units, from gathered rows of z.
fn max_abs_original(prep: &Prepared, zt: &Array2<f64>) -> Vec<f64> {
    (0..prep.p())
        .into_par_iter()
        .map(|j| {
            let (sc, mu) = (prep.scale()[j], prep.x_mean()[j]);
            if prep.constant()[j] {
                return prep.x_mean()[j].abs();
            }
            zt.column(j)
                .iter()
                .fold(0.0f64, |m, v| m.max((v * sc + mu).abs()))
        })
        .collect()
}

/// Per-fold statistics of a design held in memory, in the original units of its columns
/// (x = z * scale + mean), so a fold's constant-column test and scaling are its own.
pub fn fold_moments_of(prep: &Prepared, fold_ids: &[usize], k: usize) -> FoldMoments {
    let (n, p) = (prep.n(), prep.p());
    let z = prep.z_slice();
    let y = prep.y_slice();
    let folds: Vec<Moments> = (0..k)
        .map(|f| {
            let rows: Vec<usize> = (0..n).filter(|&i| fold_ids[i] == f).collect();
            let nf = rows.len();
            let mut x = vec![0.0; nf * p];
            x.par_chunks_mut(nf.max(1))
                .enumerate()
                .for_each(|(j, dst)| {
                    let (src, sc, mu) = (&z[j * n..(j + 1) * n], prep.scale()[j], prep.x_mean()[j]);
                    for (d, &i) in dst.iter_mut().zip(&rows) {
                        *d = src[i] * sc + mu;
                    }
                });
            let yf: Vec<f64> = rows.iter().map(|&i| y[i] + prep.y_mean()).collect();
            Moments::from_block(&x, &yf, p)
        })
        .collect();
    FoldMoments::from_folds(folds)
}

/// A design to cross-validate: its per-fold statistics (in the original units of the
/// columns), its rows, or both.
pub struct CvDesign<'a> {
    pub moments: Option<&'a FoldMoments>,
    pub rows: Option<&'a Prepared>,
    pub standardize: bool,
    pub fit_intercept: bool,
    /// constant columns of the full fit (their warnings are not repeated per fold)
    pub full_constant: &'a [bool],
}

/// Fold f from statistics: training statistics merged from the other folds, the path
/// solved on them, and the held-out errors from the fold's own statistics.
#[allow(clippy::too_many_arguments)]
fn moments_fold(
    fm: &FoldMoments,
    spec: &CvDesign,
    fold_ids: &[usize],
    f: usize,
    s: &PathSettings,
    alphas: &[f64],
    ctl: &Control,
) -> Result<FoldOut, Cancelled> {
    ctl.check()?;
    let train = fm.complement(f);
    let gd = match GramDesign::from_moments(&train, spec.standardize, spec.fit_intercept) {
        Ok(gd) => gd,
        // only unstandardized huge columns get here, and the full fit refused them already
        Err(_) => return Ok(FoldOut::failed(alphas.len())),
    };
    let closed = s.rho() == 0.0 || s.kind == ModelKind::Ols;
    if closed && let Some(prep) = spec.rows {
        // the rows' SVD where G's eigenvalues would be too coarse
        let l2_min = alphas.iter().fold(f64::INFINITY, |m, &a| m.min(a)) * gd.n() as f64;
        let fine = l2_min > 0.0
            && EigSolver::new(gd.problem().g(), gd.problem().q(), gd.p())
                .is_some_and(|e| l2_min >= super::closed::EIG_MIN_RIDGE * e.lambda_max());
        if !fine {
            return gathered_fold(prep, fold_ids, f, s, alphas, ctl);
        }
    }
    let ctl = ctl.silent();
    let raw = solve_gram(&gd, s, alphas, &ctl, false, None)?;
    let nt = gd.n() as f64;
    let own = fm.fold(f);
    let scaling = gd.scaling();
    let p = gd.p();
    let mut warnings: Vec<SolverWarning> = raw
        .warnings
        .into_iter()
        .filter(|w| match w {
            SolverWarning::ConstantColumn(j) => {
                !spec.full_constant.get(*j).copied().unwrap_or(false)
            }
            _ => true,
        })
        .collect();
    warnings.dedup();
    let mut mse = Vec::with_capacity(alphas.len());
    for beta in &raw.beta {
        let w = scaling.to_original(beta);
        let b0 = scaling.intercept(&w);
        mse.push(held_out_mse(own, &w, b0, p));
    }
    let train_mse = raw.rss.iter().map(|r| r / nt).collect();
    Ok(FoldOut {
        mse,
        train_mse,
        warnings,
        nonzero: nonzero_of(&raw.beta),
    })
}

/// Mean squared error of y - b0 - x.w over the rows summarized by `own`:
/// syy - 2 w.cy + w^T C w + n (ybar - b0 - xbar.w)^2, in each column's stored unit.
fn held_out_mse(own: &Moments, w: &[f64], b0: f64, p: usize) -> f64 {
    let nv = own.n() as f64;
    if nv == 0.0 {
        return f64::NAN;
    }
    let support: Vec<(usize, f64)> = (0..p)
        .filter(|&j| w[j] != 0.0)
        .map(|j| (j, w[j] * own.unit(j)))
        .collect();
    let (c, cy, mean) = (own.stored_c(), own.stored_cy(), own.stored_mean());
    let (mut wcw, mut wcy, mut xw) = (0.0, 0.0, 0.0);
    for &(j, wj) in &support {
        let col = &c[j * p..(j + 1) * p];
        let mut acc = 0.0;
        for &(i, wi) in &support {
            acc += col[i] * wi;
        }
        wcw += wj * acc;
        wcy += wj * cy[j];
        xw += wj * mean[j];
    }
    let delta = own.ymean() - b0 - xw;
    (own.syy() - 2.0 * wcy + wcw + nv * delta * delta).max(0.0) / nv
}

impl FoldOut {
    /// A fold that could not be solved: NaN errors, so the curve shows the gap.
    fn failed(m: usize) -> FoldOut {
        FoldOut {
            mse: vec![f64::NAN; m],
            train_mse: vec![f64::NAN; m],
            warnings: Vec::new(),
            nonzero: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small prepared design and its fold ids: four interleaved folds.
    fn design(fit_intercept: bool) -> (Prepared, Vec<usize>) {
        let (n, p) = (57, 9);
        let x = Array2::from_shape_fn((n, p), |(i, j)| {
            (((i * 31 + j * 17) % 23) as f64 - 11.0) * 0.37 + (j as f64) * 1.5
        });
        let y = Array1::from_shape_fn(n, |i| ((i * 7 % 13) as f64) - 4.2);
        let prep = Prepared::new(x, y, true, fit_intercept);
        let ids = (0..n).map(|i| (i * 5 + 3) % 4).collect();
        (prep, ids)
    }

    /// selection_frequency counts, per alpha and feature, the folds whose own fit (the
    /// training rows prepared and fitted from scratch) has a nonzero coefficient.
    #[test]
    fn selection_frequency_counts_the_fold_fits_nonzeros() {
        let (n, p, k) = (120, 8, 4);
        let x = Array2::from_shape_fn((n, p), |(i, j)| {
            (((i * 37 + j * 11) % 29) as f64 - 14.0) * 0.21 + ((i * j) % 7) as f64 * 0.1
        });
        let y = Array1::from_shape_fn(n, |i| {
            2.0 * x[(i, 0)] - 1.5 * x[(i, 3)] + 0.5 * x[(i, 5)] + ((i * 13 % 17) as f64 - 8.0) * 0.3
        });
        let ids: Vec<usize> = (0..n).map(|i| (i * 7 + 1) % k).collect();
        let prep = Prepared::new(x.clone(), y.clone(), true, true);
        let s = PathSettings {
            kind: ModelKind::Lasso,
            l1_ratio: 1.0,
            n_alphas: 15,
            tol: 1e-12,
            ..PathSettings::default()
        };
        let alphas = crate::solver::path_alphas(&prep, &s);
        let cv = cross_validate(&prep, &ids, k, &s, &alphas, &Control::none()).unwrap();
        assert_eq!(cv.selection_frequency.dim(), (alphas.len(), p));
        let mut counts = Array2::<f64>::zeros((alphas.len(), p));
        for f in 0..k {
            let train: Vec<usize> = (0..n).filter(|&i| ids[i] != f).collect();
            let xf = Array2::from_shape_fn((train.len(), p), |(r, j)| x[(train[r], j)]);
            let yf = Array1::from_shape_fn(train.len(), |r| y[train[r]]);
            let own = Prepared::new(xf, yf, true, true);
            let fixed = PathSettings {
                alphas: Some(alphas.clone()),
                ..s.clone()
            };
            let path = crate::solver::fit_path(&own, &fixed, &Control::none()).unwrap();
            for ((i, j), c) in path.coef.indexed_iter() {
                if *c != 0.0 {
                    counts[(i, j)] += 1.0;
                }
            }
        }
        for ((i, j), c) in counts.indexed_iter() {
            assert_eq!(
                cv.selection_frequency[(i, j)] * k as f64,
                *c,
                "alpha {i}, feature {j}"
            );
        }
        // the smallest alpha keeps the true features in every fold
        let last = alphas.len() - 1;
        for j in [0, 3, 5] {
            assert_eq!(cv.selection_frequency[(last, j)], 1.0);
        }
    }

    /// Statistics-based folds give the same errors as folds that gather their rows.
    #[test]
    fn folds_from_statistics_equal_folds_from_rows() {
        for fit_intercept in [true, false] {
            for (kind, l1_ratio) in [
                (ModelKind::Lasso, 1.0),
                (ModelKind::ElasticNet, 0.4),
                (ModelKind::Ridge, 0.0),
            ] {
                let (prep, ids) = design(fit_intercept);
                let s = PathSettings {
                    kind,
                    l1_ratio,
                    n_alphas: 12,
                    tol: 1e-13,
                    ..PathSettings::default()
                };
                let alphas = crate::solver::path_alphas(&prep, &s);
                let ctl = Control::none();
                let fm = fold_moments_of(&prep, &ids, 4);
                let base = CvDesign {
                    moments: None,
                    rows: Some(&prep),
                    standardize: true,
                    fit_intercept,
                    full_constant: prep.constant(),
                };
                let rows = cross_validate_design(&base, &ids, 4, &s, &alphas, &ctl).unwrap();
                let stats = cross_validate_design(
                    &CvDesign {
                        moments: Some(&fm),
                        ..base
                    },
                    &ids,
                    4,
                    &s,
                    &alphas,
                    &ctl,
                )
                .unwrap();
                for f in 0..4 {
                    for i in 0..alphas.len() {
                        let (a, b) = (stats.mse[(f, i)], rows.mse[(f, i)]);
                        assert!(
                            (a - b).abs() <= 1e-9 * b.abs().max(1e-12),
                            "{kind:?} intercept {fit_intercept} fold {f} alpha {i}: {a} vs {b}"
                        );
                        let (a, b) = (stats.train_mse[(f, i)], rows.train_mse[(f, i)]);
                        assert!(
                            (a - b).abs() <= 1e-9 * b.abs().max(1e-12),
                            "train {kind:?} fold {f} alpha {i}: {a} vs {b}"
                        );
                    }
                }
                assert_eq!(stats.index_min, rows.index_min);
            }
        }
    }

    #[test]
    fn gather_copies_the_rows_in_order() {
        let (prep, _) = design(true);
        let rows = [4, 0, 56, 13];
        let (z, y) = gather(&prep, &rows);
        for (t, &i) in rows.iter().enumerate() {
            assert_eq!(y[t], prep.y_c()[i]);
            for j in 0..prep.p() {
                assert_eq!(z[(t, j)], prep.z()[(i, j)]);
            }
        }
        let (z, y) = gather(&prep, &[]);
        assert_eq!((z.dim(), y.len()), ((0, prep.p()), 0));
    }
}
