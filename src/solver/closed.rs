//! Ridge and OLS in closed form, docs/spec.md §4: from an eigendecomposition of Z^T Z (n >= p) or of
//! Z Z^T (p > n) for ridge, else from one thin SVD:
//! beta(alpha) = V diag(d / (d^2 + n alpha)) U^T y_c, for every alpha of the grid at once.

use faer::{Accum, Mat, MatRef, Par};

use super::linalg::PAR_FLOPS;

/// An eigendecomposition solves ridge only while every n·alpha is at least this fraction
/// of the largest eigenvalue: below it the rounding of the small eigenvalues (about
/// 1e-16 λmax) would show in the coefficients, and the rows' SVD is used instead.
pub(crate) const EIG_MIN_RIDGE: f64 = 1e-8;

/// The thin SVD of a design, truncated to its numerical rank.
pub struct SvdSolver {
    /// p x r
    v: Mat<f64>,
    /// r singular values, descending
    d: Vec<f64>,
    /// U^T y_c (r)
    c: Vec<f64>,
    pub n: usize,
    pub p: usize,
    /// singular values above max(n, p) * eps * d_max
    pub rank: usize,
}

impl SvdSolver {
    /// `z` column-major n x p. `None` when the SVD did not converge.
    pub fn new(z: &[f64], y: &[f64], n: usize, p: usize) -> Option<SvdSolver> {
        if n == 0 || p == 0 {
            return Some(SvdSolver {
                v: Mat::zeros(p, 0),
                d: vec![],
                c: vec![],
                n,
                p,
                rank: 0,
            });
        }
        let zr = MatRef::from_column_major_slice(z, n, p);
        let svd = zr.thin_svd().ok()?;
        let s = svd.S();
        let k = n.min(p);
        let d_all: Vec<f64> = (0..k).map(|i| s[i]).collect();
        let d_max = d_all.first().copied().unwrap_or(0.0);
        let cut = (n.max(p) as f64) * f64::EPSILON * d_max;
        let rank = d_all.iter().take_while(|&&d| d > cut && d > 0.0).count();
        let u = svd.U();
        let c: Vec<f64> = (0..rank)
            .map(|i| {
                let col = u.col(i);
                (0..n).map(|t| col[t] * y[t]).sum()
            })
            .collect();
        let v = svd.V().subcols(0, rank).to_owned();
        Some(SvdSolver {
            v,
            d: d_all[..rank].to_vec(),
            c,
            n,
            p,
            rank,
        })
    }

    /// beta(alpha) for each alpha: one vector per alpha.
    pub fn betas(&self, alphas: &[f64]) -> Vec<Vec<f64>> {
        let b = self.betas_mat(alphas);
        (0..alphas.len())
            .map(|k| (0..self.p).map(|j| b[(j, k)]).collect())
            .collect()
    }

    /// p x m: one column of coefficients per alpha.
    pub fn betas_mat(&self, alphas: &[f64]) -> Mat<f64> {
        let m = alphas.len();
        let r = self.rank;
        let nf = self.n as f64;
        // W (r x m): w_i(alpha) = d_i c_i / (d_i^2 + n alpha)
        let mut w = Mat::<f64>::zeros(r, m);
        for (k, &a) in alphas.iter().enumerate() {
            for i in 0..r {
                let d = self.d[i];
                w[(i, k)] = d * self.c[i] / (d * d + nf * a);
            }
        }
        product(self.v.as_ref(), w.as_ref())
    }
}

/// The closed-form rel_gap of docs/spec.md §4: max|Z^T r - l2 beta| / max(max|Z^T y_c|, tiny), and ||r||^2,
/// computed from the residual itself (a real check, not an identity of the formula).
pub fn stationarity(
    z: &[f64],
    y: &[f64],
    n: usize,
    p: usize,
    beta: &[f64],
    l2: f64,
    zty_max: f64,
) -> (f64, f64) {
    let mut r = y.to_vec();
    for j in 0..p {
        if beta[j] != 0.0 {
            super::soft::axpy(-beta[j], &z[j * n..(j + 1) * n], &mut r);
        }
    }
    let mut worst = 0.0f64;
    for j in 0..p {
        let g = super::soft::dot(&z[j * n..(j + 1) * n], &r) - l2 * beta[j];
        worst = worst.max(g.abs());
    }
    let rss = super::soft::dot(&r, &r);
    (worst / zty_max.max(f64::MIN_POSITIVE), rss)
}

/// V W: the coefficients of every alpha from a basis and its per-alpha weights.
fn product(v: MatRef<f64>, w: MatRef<f64>) -> Mat<f64> {
    let mut b = Mat::<f64>::zeros(v.nrows(), w.ncols());
    if v.ncols() > 0 {
        faer::linalg::matmul::matmul(b.as_mut(), Accum::Replace, v, w, 1.0, Par::Seq);
    }
    b
}

/// Ridge for n >= p from the eigendecomposition of G = Z^T Z (p^3, independent of n):
/// beta(alpha) = V diag(1 / (lambda + n alpha)) V^T q. The eigenvalues are d^2, so this is
/// only used when every n alpha is far above the rounding of the small ones (never for OLS).
pub struct EigSolver {
    v: Mat<f64>,
    lam: Vec<f64>,
    /// V^T q
    c: Vec<f64>,
    pub p: usize,
}

impl EigSolver {
    pub fn new(g: &[f64], q: &[f64], p: usize) -> Option<EigSolver> {
        let gm = MatRef::from_column_major_slice(g, p, p);
        let eig = gm.self_adjoint_eigen(faer::Side::Lower).ok()?;
        let lam: Vec<f64> = (0..p).map(|i| eig.S()[i].max(0.0)).collect();
        let v = eig.U().to_owned();
        let c = (0..p)
            .map(|i| (0..p).map(|j| v[(j, i)] * q[j]).sum())
            .collect();
        Some(EigSolver { v, lam, c, p })
    }

    pub fn lambda_max(&self) -> f64 {
        self.lam.iter().copied().fold(0.0, f64::max)
    }

    /// The minimum-norm solutions: eigenvalues below the rounding of G count as zero (as
    /// the SVD's small singular values do), so alpha = 0 gives G's pseudo-inverse applied
    /// to q. Returns the p x m coefficients and the numerical rank.
    pub fn betas_pinv(&self, alphas: &[f64], n: usize) -> (Mat<f64>, usize) {
        // G's eigenvalues carry an absolute rounding of about p eps lambda_max
        let floor = (self.p.max(1) as f64) * f64::EPSILON * self.lambda_max();
        let rank = self.lam.iter().filter(|&&l| l > floor).count();
        let nf = n as f64;
        let w = Mat::<f64>::from_fn(self.p, alphas.len(), |i, k| {
            if self.lam[i] <= floor {
                return 0.0;
            }
            self.c[i] / (self.lam[i] + nf * alphas[k])
        });
        (product(self.v.as_ref(), w.as_ref()), rank)
    }

    /// p x m: one column of coefficients per alpha.
    pub fn betas(&self, alphas: &[f64], n: usize) -> Mat<f64> {
        let m = alphas.len();
        let nf = n as f64;
        let w = Mat::<f64>::from_fn(self.p, m, |i, k| {
            let den = self.lam[i] + nf * alphas[k];
            if den > 0.0 { self.c[i] / den } else { 0.0 }
        });
        product(self.v.as_ref(), w.as_ref())
    }
}

/// Ridge for p > n through the n x n kernel K = Z Z^T = U diag(lam) U^T (the dual form):
/// beta(alpha) = Z^T a(alpha) with a(alpha) = U diag(1 / (lam + n alpha)) U^T y_c. The cost is
/// n^2 p for K, n^3 for its eigendecomposition and n p m for the coefficients, against n^2 p
/// plus a much slower iterative factorization for a thin SVD. As with `EigSolver`, only
/// for alphas far above the rounding of K's small eigenvalues.
pub struct KernelRidge {
    eig: EigSolver,
    k: Vec<f64>,
    n: usize,
    p: usize,
}

impl KernelRidge {
    pub fn new(z: &[f64], y: &[f64], n: usize, p: usize) -> Option<KernelRidge> {
        let k = super::linalg::outer_gram(z, n, p);
        let eig = EigSolver::new(&k, y, n)?;
        Some(KernelRidge { eig, k, n, p })
    }

    pub fn lambda_max(&self) -> f64 {
        self.eig.lambda_max()
    }

    /// The coefficients (p x m) of every alpha, with each point's docs/spec.md §4 stationarity
    /// residual and ||r||^2, checked from the residual r = y_c - K a (Z beta = K a):
    /// Z^T r - l2 beta = Z^T (r - l2 a).
    pub fn path(
        &self,
        z: &[f64],
        y: &[f64],
        alphas: &[f64],
        l2: &[f64],
        zty_max: f64,
    ) -> (Mat<f64>, Vec<f64>, Vec<f64>) {
        let (n, p, m) = (self.n, self.p, alphas.len());
        let zr = MatRef::from_column_major_slice(z, n, p);
        let par = if n * p * m > PAR_FLOPS {
            Par::rayon(0)
        } else {
            Par::Seq
        };
        let a = self.eig.betas(alphas, n);
        let mut b = Mat::<f64>::zeros(p, m);
        faer::linalg::matmul::matmul(
            b.as_mut(),
            Accum::Replace,
            zr.transpose(),
            a.as_ref(),
            1.0,
            par,
        );
        let km = MatRef::from_column_major_slice(&self.k, n, n);
        let mut r = Mat::<f64>::from_fn(n, m, |i, _| y[i]);
        faer::linalg::matmul::matmul(r.as_mut(), Accum::Add, km, a.as_ref(), -1.0, Par::Seq);
        let e = Mat::<f64>::from_fn(n, m, |i, k| r[(i, k)] - l2[k] * a[(i, k)]);
        let mut s = Mat::<f64>::zeros(p, m);
        faer::linalg::matmul::matmul(
            s.as_mut(),
            Accum::Replace,
            zr.transpose(),
            e.as_ref(),
            1.0,
            par,
        );
        let (rel, rss) = rel_and_rss(p, r.as_ref(), |j, k| s[(j, k)], zty_max);
        (b, rel, rss)
    }
}

/// The closed-form rel_gap of docs/spec.md §4 for a whole path from the Gram matrix (p-space, no row
/// access): Z^T r - l2 beta = q - G beta - l2 beta, and ||r||^2 = yy - 2 beta.q + beta.G beta.
pub fn stationarity_gram(
    g: &[f64],
    q: &[f64],
    yy: f64,
    b: MatRef<f64>,
    l2: &[f64],
    zty_max: f64,
) -> (Vec<f64>, Vec<f64>) {
    let (p, m) = (b.nrows(), b.ncols());
    let gm = MatRef::from_column_major_slice(g, p, p);
    let mut gb = Mat::<f64>::zeros(p, m);
    faer::linalg::matmul::matmul(gb.as_mut(), Accum::Replace, gm, b, 1.0, Par::Seq);
    let mut rel = Vec::with_capacity(m);
    let mut rss = Vec::with_capacity(m);
    for k in 0..m {
        let (mut worst, mut bq, mut bgb) = (0.0f64, 0.0, 0.0);
        for j in 0..p {
            let bj = b[(j, k)];
            worst = worst.max((q[j] - gb[(j, k)] - l2[k] * bj).abs());
            bq += bj * q[j];
            bgb += bj * gb[(j, k)];
        }
        rel.push(worst / zty_max.max(f64::MIN_POSITIVE));
        rss.push((yy - 2.0 * bq + bgb).max(0.0));
    }
    (rel, rss)
}

/// The same from the rows: R = y - Z B, then Z^T R - B diag(l2), two matrix products.
pub fn stationarity_rows(
    z: &[f64],
    y: &[f64],
    n: usize,
    b: MatRef<f64>,
    l2: &[f64],
    zty_max: f64,
) -> (Vec<f64>, Vec<f64>) {
    let (p, m) = (b.nrows(), b.ncols());
    let zr = MatRef::from_column_major_slice(z, n, p);
    let mut r = Mat::<f64>::from_fn(n, m, |i, _| y[i]);
    let par = if n * p * m > PAR_FLOPS {
        Par::rayon(0)
    } else {
        Par::Seq
    };
    faer::linalg::matmul::matmul(r.as_mut(), Accum::Add, zr, b, -1.0, par);
    let mut s = Mat::<f64>::zeros(p, m);
    faer::linalg::matmul::matmul(
        s.as_mut(),
        Accum::Replace,
        zr.transpose(),
        r.as_ref(),
        1.0,
        par,
    );
    rel_and_rss(p, r.as_ref(), |j, k| s[(j, k)] - l2[k] * b[(j, k)], zty_max)
}

/// Per alpha k: max_j |g(j, k)| / max(zty_max, tiny) and ||r_k||^2, from the stationarity
/// residual g = Z^T r - l2 beta and the residuals R (n x m).
fn rel_and_rss(
    p: usize,
    r: MatRef<f64>,
    g: impl Fn(usize, usize) -> f64,
    zty_max: f64,
) -> (Vec<f64>, Vec<f64>) {
    (0..r.ncols())
        .map(|k| {
            let worst = (0..p).map(|j| g(j, k).abs()).fold(0.0f64, f64::max);
            let rss: f64 = (0..r.nrows()).map(|i| r[(i, k)] * r[(i, k)]).sum();
            (worst / zty_max.max(f64::MIN_POSITIVE), rss)
        })
        .unzip()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ridge_solves_the_normal_equations() {
        let (n, p) = (6, 3);
        let z: Vec<f64> = (0..n * p)
            .map(|i| ((i * 13 % 7) as f64 - 3.0) * 0.5 + (i as f64 * 0.1).sin())
            .collect();
        let y: Vec<f64> = (0..n).map(|i| i as f64 - 2.5).collect();
        let s = SvdSolver::new(&z, &y, n, p).unwrap();
        let alphas = [1.0, 0.1, 0.0];
        let bs = s.betas(&alphas);
        for (k, &a) in alphas.iter().enumerate() {
            let l2 = n as f64 * a;
            let zty_max = (0..p)
                .map(|j| crate::solver::soft::dot(&z[j * n..(j + 1) * n], &y).abs())
                .fold(0.0, f64::max);
            let (rel, _) = stationarity(&z, &y, n, p, &bs[k], l2, zty_max);
            assert!(rel < 1e-12, "alpha {a}: {rel}");
        }
    }

    #[test]
    fn rank_deficient_ols_gives_the_minimum_norm_solution() {
        // two identical columns: min-norm splits the weight equally
        let n = 4;
        let col = [1.0, -1.0, 2.0, -2.0];
        let mut z = col.to_vec();
        z.extend_from_slice(&col);
        let y = [1.0, -1.0, 2.0, -2.0];
        let s = SvdSolver::new(&z, &y, n, 2).unwrap();
        assert_eq!(s.rank, 1);
        let b = &s.betas(&[0.0])[0];
        assert!((b[0] - 0.5).abs() < 1e-14 && (b[1] - 0.5).abs() < 1e-14);
    }

    #[test]
    fn eigen_ridge_agrees_with_the_svd_and_checks_itself() {
        let (n, p) = (40, 6);
        let z: Vec<f64> = (0..n * p)
            .map(|i| ((i * 17 % 13) as f64 - 6.0) * 0.4 + (i as f64 * 0.37).sin())
            .collect();
        let y: Vec<f64> = (0..n).map(|i| (i as f64 * 0.9).cos() * 3.0).collect();
        let q: Vec<f64> = (0..p)
            .map(|j| crate::solver::soft::dot(&z[j * n..(j + 1) * n], &y))
            .collect();
        let g = crate::solver::linalg::gram(&z, n, p);
        let alphas = [10.0, 1.0, 0.01];
        let e = EigSolver::new(&g, &q, p).unwrap().betas(&alphas, n);
        let s = SvdSolver::new(&z, &y, n, p).unwrap().betas_mat(&alphas);
        for k in 0..3 {
            for j in 0..p {
                assert!((e[(j, k)] - s[(j, k)]).abs() < 1e-10 * (1.0 + s[(j, k)].abs()));
            }
        }
        let l2: Vec<f64> = alphas.iter().map(|a| n as f64 * a).collect();
        let zmax = q.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let yy = crate::solver::soft::dot(&y, &y);
        let (rel_g, rss_g) = stationarity_gram(&g, &q, yy, e.as_ref(), &l2, zmax);
        let (rel_r, rss_r) = stationarity_rows(&z, &y, n, e.as_ref(), &l2, zmax);
        for k in 0..3 {
            assert!(rel_g[k] < 1e-12 && rel_r[k] < 1e-12);
            assert!((rss_g[k] - rss_r[k]).abs() < 1e-9 * yy);
        }
        // a wrong beta is caught
        let wrong = Mat::<f64>::from_fn(p, 1, |j, _| e[(j, 0)] * 1.01);
        assert!(stationarity_rows(&z, &y, n, wrong.as_ref(), &l2[..1], zmax).0[0] > 1e-4);
    }

    #[test]
    fn kernel_ridge_agrees_with_the_svd_on_a_wide_design() {
        let (n, p) = (7, 30);
        let z: Vec<f64> = (0..n * p)
            .map(|i| ((i * 17 % 13) as f64 - 6.0) * 0.4 + (i as f64 * 0.37).sin())
            .collect();
        let y: Vec<f64> = (0..n).map(|i| (i as f64 * 0.9).cos() * 3.0).collect();
        let zmax = (0..p)
            .map(|j| crate::solver::soft::dot(&z[j * n..(j + 1) * n], &y).abs())
            .fold(0.0f64, f64::max);
        let alphas = [10.0, 1.0, 0.01];
        let l2: Vec<f64> = alphas.iter().map(|a| n as f64 * a).collect();
        let kr = KernelRidge::new(&z, &y, n, p).unwrap();
        let (b, rel, rss) = kr.path(&z, &y, &alphas, &l2, zmax);
        let s = SvdSolver::new(&z, &y, n, p).unwrap().betas_mat(&alphas);
        let (rel_r, rss_r) = stationarity_rows(&z, &y, n, b.as_ref(), &l2, zmax);
        let yy = crate::solver::soft::dot(&y, &y);
        for k in 0..3 {
            for j in 0..p {
                assert!((b[(j, k)] - s[(j, k)]).abs() < 1e-10 * (1.0 + s[(j, k)].abs()));
            }
            assert!(rel[k] < 1e-12 && rel_r[k] < 1e-12, "{rel:?} {rel_r:?}");
            assert!((rss[k] - rss_r[k]).abs() < 1e-9 * yy);
        }
    }
}
