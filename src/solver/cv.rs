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

use super::control::{Cancelled, Control, Stage};
use super::gap::relative;
use super::gram::{GramProblem, GramSolver};
use super::path::{RawPath, SolverWarning, solve_prepared, use_gram};
use super::prep::{Prepared, is_constant};
use super::soft::dot;
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
}

/// One fold's errors along the grid.
struct FoldOut {
    mse: Vec<f64>,
    train_mse: Vec<f64>,
    warnings: Vec<SolverWarning>,
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
    let closed = s.rho() == 0.0 || s.kind == ModelKind::Ols;
    let min_train = (0..k)
        .map(|f| n - fold_ids.iter().filter(|&&x| x == f).count())
        .min()
        .unwrap_or(0);
    let done = AtomicUsize::new(0);
    ctl.report(Stage::Cv, 0, k);
    let finish = |r: Result<FoldOut, Cancelled>| {
        if r.is_ok() {
            let d = done.fetch_add(1, Ordering::Relaxed) + 1;
            ctl.report(Stage::Cv, d, k);
        }
        r
    };
    let outs: Vec<Result<FoldOut, Cancelled>> = if !closed && use_gram(min_train, p) {
        // one fold's rows gathered at a time (n/K rows of X alive at once); the Gram
        // product inside uses every core
        let stats: Vec<FoldStats> = (0..k)
            .map(|f| FoldStats::collect(prep, fold_ids, f))
            .collect();
        ctl.check()?;
        (0..k)
            .into_par_iter()
            .map(|f| finish(gram_fold(prep, &stats, f, s, alphas, ctl)))
            .collect()
    } else {
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
    for (f, o) in folds.into_iter().enumerate() {
        for i in 0..m {
            mse[(f, i)] = o.mse[i];
            train_mse[(f, i)] = o.train_mse[i];
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
    }
}

/// Rows of `z` (column-major n x p) and `y` selected by `keep`, as a column-major matrix.
fn gather(prep: &Prepared, rows: &[usize]) -> (Array2<f64>, Array1<f64>) {
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
    let yv: Array1<f64> = rows.iter().map(|&i| y[i]).collect();
    let zm = Array2::from_shape_vec((nr, p).f(), out).expect("shape matches");
    (zm, yv)
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
        prep.standardize,
        prep.fit_intercept,
        &prep.scale,
        &max_abs_x,
    );
    let raw: RawPath = solve_prepared(&fold, s, alphas, &ctl.silent(), false)?;
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
    let (zv, yv) = gather(prep, &test);
    let zvr =
        MatRef::from_column_major_slice(zv.as_slice_memory_order().expect("contiguous"), nv, p);
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
    })
}

/// max |x_ij| per column in the original units, from gathered rows of z.
fn max_abs_original(prep: &Prepared, zt: &Array2<f64>) -> Vec<f64> {
    (0..prep.p())
        .into_par_iter()
        .map(|j| {
            let (sc, mu) = (prep.scale[j], prep.x_mean[j]);
            if prep.constant[j] {
                return prep.x_mean[j].abs();
            }
            zt.column(j)
                .iter()
                .fold(0.0f64, |m, v| m.max((v * sc + mu).abs()))
        })
        .collect()
}

/// Subtracts its mean (two passes: the second removes the rounding of the first) from a
/// non-empty column, and returns the mean.
fn center_column(col: &mut [f64]) -> f64 {
    let nf = col.len() as f64;
    let m0 = col.iter().sum::<f64>() / nf;
    let m = m0 + col.iter().map(|v| v - m0).sum::<f64>() / nf;
    col.iter_mut().for_each(|v| *v -= m);
    m
}

/// Centred co-moments of one fold's rows of z (raw moments without an intercept).
struct FoldStats {
    n: f64,
    mean: Vec<f64>,
    ymean: f64,
    /// p x p column-major: sum (z - m)(z - m)^T
    c: Vec<f64>,
    /// sum (z - m)(y - ybar)
    cy: Vec<f64>,
    syy: f64,
    /// max |x| per column in original units
    max_abs: Vec<f64>,
}

impl FoldStats {
    fn collect(prep: &Prepared, fold_ids: &[usize], f: usize) -> FoldStats {
        let rows: Vec<usize> = (0..prep.n()).filter(|&i| fold_ids[i] == f).collect();
        let (mut zf, mut yf) = gather(prep, &rows);
        let p = prep.p();
        let nf = rows.len();
        let max_abs = max_abs_original(prep, &zf);
        let center = prep.fit_intercept;
        let mut mean = vec![0.0; p];
        let mut ymean = 0.0;
        if center && nf > 0 {
            let data = zf.as_slice_memory_order_mut().expect("contiguous");
            data.par_chunks_mut(nf)
                .zip(mean.par_iter_mut())
                .for_each(|(col, m)| *m = center_column(col));
            let m0 = yf.sum() / nf as f64;
            ymean = m0 + yf.iter().map(|v| v - m0).sum::<f64>() / nf as f64;
            yf.mapv_inplace(|v| v - ymean);
        }
        let zs = zf.as_slice_memory_order().expect("contiguous");
        let cv = super::linalg::gram(zs, nf, p);
        let ys = yf.as_slice().expect("contiguous");
        let cy = (0..p)
            .into_par_iter()
            .map(|j| dot(&zs[j * nf..(j + 1) * nf], ys))
            .collect();
        FoldStats {
            n: nf as f64,
            mean,
            ymean,
            c: cv,
            cy,
            syy: dot(ys, ys),
            max_abs,
        }
    }

    /// Chan-Golub-LeVeque merge of `other` into `self`.
    fn merge(&mut self, other: &FoldStats) {
        let (na, nb) = (self.n, other.n);
        let n = na + nb;
        if nb == 0.0 {
            return;
        }
        if na == 0.0 {
            self.n = nb;
            self.mean.clone_from(&other.mean);
            self.ymean = other.ymean;
            self.c.clone_from(&other.c);
            self.cy.clone_from(&other.cy);
            self.syy = other.syy;
            self.max_abs.clone_from(&other.max_abs);
            return;
        }
        let p = self.mean.len();
        let w = na * nb / n;
        let delta: Vec<f64> = (0..p).map(|j| other.mean[j] - self.mean[j]).collect();
        let dy = other.ymean - self.ymean;
        for j in 0..p {
            let dj = w * delta[j];
            let (cs, co) = (
                &mut self.c[j * p..(j + 1) * p],
                &other.c[j * p..(j + 1) * p],
            );
            for i in 0..p {
                cs[i] += co[i] + dj * delta[i];
            }
            self.cy[j] += other.cy[j] + dj * dy;
            self.mean[j] += delta[j] * nb / n;
            self.max_abs[j] = self.max_abs[j].max(other.max_abs[j]);
        }
        self.syy += other.syy + w * dy * dy;
        self.ymean += dy * nb / n;
        self.n = n;
    }

    fn empty(p: usize) -> FoldStats {
        FoldStats {
            n: 0.0,
            mean: vec![0.0; p],
            ymean: 0.0,
            c: vec![0.0; p * p],
            cy: vec![0.0; p],
            syy: 0.0,
            max_abs: vec![0.0; p],
        }
    }
}

/// Fold f in Gram mode: training statistics merged from the other folds, no row access.
fn gram_fold(
    prep: &Prepared,
    stats: &[FoldStats],
    f: usize,
    s: &PathSettings,
    alphas: &[f64],
    ctl: &Control,
) -> Result<FoldOut, Cancelled> {
    ctl.check()?;
    let p = prep.p();
    let mut t = FoldStats::empty(p);
    for (g, st) in stats.iter().enumerate() {
        if g != f {
            t.merge(st);
        }
    }
    let nt = t.n;
    // the fold's own scaling (docs/spec.md §2, per training fold), in the units of z
    let mut d = vec![1.0; p];
    let mut constant = vec![false; p];
    for j in 0..p {
        let sd_z = (t.c[j * p + j].max(0.0) / nt).sqrt();
        let sd_x = sd_z * prep.scale[j];
        constant[j] = prep.constant[j] || is_constant(sd_x, t.max_abs[j], prep.fit_intercept);
        if prep.standardize && !constant[j] {
            d[j] = sd_z;
        }
    }
    // the merged co-moments become G in place: one p x p matrix per running fold
    let mut g = std::mem::take(&mut t.c);
    let mut q = vec![0.0; p];
    for j in 0..p {
        let col = &mut g[j * p..(j + 1) * p];
        if constant[j] {
            col.fill(0.0);
            continue;
        }
        for (i, v) in col.iter_mut().enumerate() {
            *v = if constant[i] { 0.0 } else { *v / (d[i] * d[j]) };
        }
        q[j] = t.cy[j] / d[j];
    }
    let prob = GramProblem::new(g, q, t.syy, p);
    let mut warnings: Vec<SolverWarning> = (0..p)
        .filter(|&j| constant[j] && !prep.constant[j])
        .map(SolverWarning::ConstantColumn)
        .collect();
    let mut solver = GramSolver::new(&prob);
    let fo = &stats[f];
    let m = alphas.len();
    let mut mse = Vec::with_capacity(m);
    let mut train_mse = Vec::with_capacity(m);
    let rho = s.rho();
    let ctl = ctl.silent();
    // the solutions one and two alphas back, for the secant warm start
    let mut back: [Vec<f64>; 2] = [vec![0.0; p], vec![0.0; p]];
    for (i, &a) in alphas.iter().enumerate() {
        ctl.check()?;
        let (l1, l2) = (nt * a * rho, nt * a * (1.0 - rho));
        if let Some(ratio) = super::path::secant_ratio(alphas, i) {
            solver.extrapolate(&back[1], ratio);
        }
        let st = solver.solve(l1, l2, s.tol, s.max_iter, &ctl)?;
        back.swap(0, 1);
        back[0].copy_from_slice(&solver.beta);
        if !st.converged {
            warnings.push(SolverWarning::NotConverged {
                index: i,
                alpha: a,
                rel_gap: relative(st.gap, prob.yy),
                max_iter: s.max_iter,
            });
        }
        train_mse.push(st.rss / nt);
        // held-out SSE from the fold's statistics (docs/solver.md §8), w in z units
        let support: Vec<(usize, f64)> = (0..p)
            .filter(|&j| solver.beta[j] != 0.0)
            .map(|j| (j, solver.beta[j] / d[j]))
            .collect();
        let mut wcw = 0.0;
        let mut wcy = 0.0;
        let mut wdm = 0.0;
        for &(j, wj) in &support {
            let col = &fo.c[j * p..(j + 1) * p];
            let mut acc = 0.0;
            for &(i, wi) in &support {
                acc += col[i] * wi;
            }
            wcw += wj * acc;
            wcy += wj * fo.cy[j];
            wdm += wj * (fo.mean[j] - t.mean[j]);
        }
        let delta = (fo.ymean - t.ymean) - wdm;
        let sse = (fo.syy - 2.0 * wcy + wcw + fo.n * delta * delta).max(0.0);
        mse.push(sse / fo.n);
    }
    Ok(FoldOut {
        mse,
        train_mse,
        warnings,
    })
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

    /// Fold statistics as they were computed before the copies and the centring went
    /// column-parallel: one column after another.
    fn sequential_stats(prep: &Prepared, ids: &[usize], f: usize) -> FoldStats {
        let (n, p) = (prep.n(), prep.p());
        let rows: Vec<usize> = (0..n).filter(|&i| ids[i] == f).collect();
        let nf = rows.len();
        let z = prep.z_slice();
        let mut zf = vec![0.0; nf * p];
        for j in 0..p {
            for (t, &i) in rows.iter().enumerate() {
                zf[j * nf + t] = z[j * n + i];
            }
        }
        let mut yf: Array1<f64> = rows.iter().map(|&i| prep.y_slice()[i]).collect();
        let max_abs = (0..p)
            .map(|j| {
                if prep.constant[j] {
                    return prep.x_mean[j].abs();
                }
                zf[j * nf..(j + 1) * nf].iter().fold(0.0f64, |m, v| {
                    m.max((v * prep.scale[j] + prep.x_mean[j]).abs())
                })
            })
            .collect();
        let mut mean = vec![0.0; p];
        let mut ymean = 0.0;
        if prep.fit_intercept {
            for j in 0..p {
                let col = &mut zf[j * nf..(j + 1) * nf];
                let m0 = col.iter().sum::<f64>() / nf as f64;
                let m = m0 + col.iter().map(|v| v - m0).sum::<f64>() / nf as f64;
                mean[j] = m;
                col.iter_mut().for_each(|v| *v -= m);
            }
            let m0 = yf.sum() / nf as f64;
            ymean = m0 + yf.iter().map(|v| v - m0).sum::<f64>() / nf as f64;
            yf.mapv_inplace(|v| v - ymean);
        }
        let ys = yf.as_slice().unwrap();
        FoldStats {
            n: nf as f64,
            mean,
            ymean,
            c: crate::solver::linalg::gram(&zf, nf, p),
            cy: (0..p).map(|j| dot(&zf[j * nf..(j + 1) * nf], ys)).collect(),
            syy: dot(ys, ys),
            max_abs,
        }
    }

    fn bits(v: &[f64]) -> Vec<u64> {
        v.iter().map(|x| x.to_bits()).collect()
    }

    #[test]
    fn fold_statistics_are_bitwise_the_sequential_ones() {
        for fit_intercept in [true, false] {
            let (prep, ids) = design(fit_intercept);
            for f in 0..4 {
                let (a, b) = (
                    FoldStats::collect(&prep, &ids, f),
                    sequential_stats(&prep, &ids, f),
                );
                let what = format!("fold {f}, intercept {fit_intercept}");
                assert_eq!(a.n, b.n, "{what}");
                assert_eq!(bits(&a.mean), bits(&b.mean), "{what}");
                assert_eq!(a.ymean.to_bits(), b.ymean.to_bits(), "{what}");
                assert_eq!(bits(&a.c), bits(&b.c), "{what}");
                assert_eq!(bits(&a.cy), bits(&b.cy), "{what}");
                assert_eq!(a.syy.to_bits(), b.syy.to_bits(), "{what}");
                assert_eq!(bits(&a.max_abs), bits(&b.max_abs), "{what}");
            }
        }
    }

    #[test]
    fn gather_copies_the_rows_in_order() {
        let (prep, _) = design(true);
        let rows = [4, 0, 56, 13];
        let (z, y) = gather(&prep, &rows);
        for (t, &i) in rows.iter().enumerate() {
            assert_eq!(y[t], prep.y_c[i]);
            for j in 0..prep.p() {
                assert_eq!(z[(t, j)], prep.z[(i, j)]);
            }
        }
        let (z, y) = gather(&prep, &[]);
        assert_eq!((z.dim(), y.len()), ((0, prep.p()), 0));
    }
}
