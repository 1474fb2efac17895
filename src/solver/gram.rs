//! Coordinate descent in covariance ("Gram") mode, SOLVER_NOTES 2b: keep h = Z^T r
//! = q - G beta and never touch the rows again once G = Z^T Z exists. Each update is O(1)
//! to evaluate and O(p) to propagate, so full sweeps over every coordinate are cheap and
//! the KKT check comes for free.

use super::control::{Cancelled, Control};
use super::gap::{GapInputs, duality_gap, primal};
use super::soft::{axpy, dot, soft_threshold};

/// The sufficient statistics of a centred and scaled design: G = Z^T Z, q = Z^T y_c.
#[derive(Debug, Clone)]
pub struct GramProblem {
    /// p x p, column-major (symmetric, so row-major too).
    pub g: Vec<f64>,
    pub q: Vec<f64>,
    /// ||y_c||^2
    pub yy: f64,
    pub p: usize,
}

impl GramProblem {
    /// G and q from a column-major n x p design through faer's (parallel) matrix product.
    pub fn from_design(z: &[f64], y: &[f64], n: usize, p: usize) -> GramProblem {
        use faer::{Accum, Mat, MatRef, Par};
        let zr = MatRef::from_column_major_slice(z, n, p);
        let mut g = Mat::<f64>::zeros(p, p);
        let par = if n * p * p > 1 << 22 {
            Par::rayon(0)
        } else {
            Par::Seq
        };
        faer::linalg::matmul::matmul(g.as_mut(), Accum::Replace, zr.transpose(), zr, 1.0, par);
        let mut gv = vec![0.0; p * p];
        for j in 0..p {
            for i in 0..p {
                // symmetrise: the product is symmetric up to rounding
                gv[j * p + i] = 0.5 * (g[(i, j)] + g[(j, i)]);
            }
        }
        let q = (0..p).map(|j| dot(&z[j * n..(j + 1) * n], y)).collect();
        GramProblem {
            g: gv,
            q,
            yy: dot(y, y),
            p,
        }
    }

    #[inline]
    pub fn col(&self, j: usize) -> &[f64] {
        &self.g[j * self.p..(j + 1) * self.p]
    }

    #[inline]
    pub fn diag(&self, j: usize) -> f64 {
        self.g[j * self.p + j]
    }
}

/// The outcome of one alpha.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PointStats {
    /// sweeps over (a subset of) the coordinates
    pub n_iter: usize,
    /// the SPEC 4 gap, absolute
    pub gap: f64,
    /// ||r||^2 at the solution
    pub rss: f64,
    pub converged: bool,
}

/// Warm-started state along a path.
pub struct GramSolver<'a> {
    prob: &'a GramProblem,
    pub beta: Vec<f64>,
    /// h = q - G beta = Z^T r
    h: Vec<f64>,
    active: Vec<usize>,
    in_active: Vec<bool>,
    q_max: f64,
}

/// Sweeps between cancellation checks.
const CHECK_EVERY: usize = 256;

impl<'a> GramSolver<'a> {
    pub fn new(prob: &'a GramProblem) -> Self {
        let q_max = prob.q.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        GramSolver {
            prob,
            beta: vec![0.0; prob.p],
            h: prob.q.clone(),
            active: Vec::new(),
            in_active: vec![false; prob.p],
            q_max,
        }
    }

    /// Start from a given beta (e.g. the nearest grid point's solution).
    pub fn warm_start(&mut self, beta: &[f64]) {
        self.beta.copy_from_slice(beta);
        self.active.clear();
        self.in_active.iter_mut().for_each(|a| *a = false);
        for (j, &b) in beta.iter().enumerate() {
            if b != 0.0 {
                self.active.push(j);
                self.in_active[j] = true;
            }
        }
        self.refresh_h();
    }

    /// h = q - G beta from scratch (removes the drift of many axpy updates).
    fn refresh_h(&mut self) {
        self.h.copy_from_slice(&self.prob.q);
        for &j in &self.active {
            let b = self.beta[j];
            if b != 0.0 {
                axpy(-b, self.prob.col(j), &mut self.h);
            }
        }
    }

    /// One cyclic pass over `idx` (or over every coordinate); returns max_j G_jj delta_j^2.
    fn sweep(&mut self, l1: f64, l2: f64, all: bool) -> f64 {
        let p = self.prob.p;
        let mut dlx = 0.0f64;
        let n_idx = if all { p } else { self.active.len() };
        for t in 0..n_idx {
            let j = if all { t } else { self.active[t] };
            let gjj = self.prob.diag(j);
            if gjj <= 0.0 {
                continue;
            }
            let bj = self.beta[j];
            let u = self.h[j] + gjj * bj;
            let nb = soft_threshold(u, l1) / (gjj + l2);
            if nb != bj {
                let d = nb - bj;
                self.beta[j] = nb;
                axpy(-d, self.prob.col(j), &mut self.h);
                dlx = dlx.max(gjj * d * d);
                if !self.in_active[j] {
                    self.in_active[j] = true;
                    self.active.push(j);
                }
            }
        }
        dlx
    }

    /// The SPEC 4 gap at the current beta, from the statistics alone.
    pub fn gap_inputs(&self, l1: f64, l2: f64) -> GapInputs {
        let mut bq = 0.0;
        let mut bh = 0.0;
        let mut b1 = 0.0;
        let mut b2 = 0.0;
        for &j in &self.active {
            let b = self.beta[j];
            bq += b * self.prob.q[j];
            bh += b * self.h[j];
            b1 += b.abs();
            b2 += b * b;
        }
        let mut g_max = 0.0f64;
        for (h, b) in self.h.iter().zip(&self.beta) {
            g_max = g_max.max((h - l2 * b).abs());
        }
        let yy = self.prob.yy;
        GapInputs {
            l1,
            l2,
            rss: (yy - bq - bh).max(0.0),
            ry: yy - bq,
            beta_l1: b1,
            beta_sq: b2,
            g_max,
        }
    }

    /// Solve at one alpha (l1 = n alpha rho, l2 = n alpha (1 - rho)), warm-started from the
    /// current state. Stops when the gap is <= tol * ||y_c||^2 or after `max_iter` sweeps.
    pub fn solve(
        &mut self,
        l1: f64,
        l2: f64,
        tol: f64,
        max_iter: usize,
        ctl: &Control,
    ) -> Result<PointStats, Cancelled> {
        let yy = self.prob.yy;
        // zero is optimal when every |z_j . y_c| <= l1: exact zeros, no rounding residue
        if self.q_max <= l1 * (1.0 + 1e-13) || yy == 0.0 {
            self.beta.iter_mut().for_each(|b| *b = 0.0);
            self.h.copy_from_slice(&self.prob.q);
            let gi = self.gap_inputs(l1, l2);
            return Ok(PointStats {
                n_iter: 0,
                gap: duality_gap(&gi).max(0.0),
                rss: yy,
                converged: true,
            });
        }
        let tol_abs = tol * yy;
        // the rounding floor of max G_jj delta^2, in the units of ||y_c||^2
        let floor = yy * 1e-28;
        let mut thr = tol_abs.max(floor);
        let mut iters = 0usize;
        loop {
            let dlx_full = self.sweep(l1, l2, true);
            iters += 1;
            let mut dlx = dlx_full;
            while dlx > thr && iters < max_iter {
                dlx = self.sweep(l1, l2, false);
                iters += 1;
                if iters % CHECK_EVERY == 0 {
                    ctl.check()?;
                }
            }
            self.refresh_h();
            let gi = self.gap_inputs(l1, l2);
            let gap = duality_gap(&gi);
            // a fixed point of the sweeps: the gap cannot shrink any further in floating point
            let stalled = dlx_full <= floor;
            let noise = 64.0 * f64::EPSILON * (primal(&gi) + yy);
            if gap <= tol_abs || iters >= max_iter || stalled {
                let converged = gap <= tol_abs || gap <= noise;
                return Ok(PointStats {
                    n_iter: iters,
                    gap: gap.max(0.0),
                    rss: gi.rss,
                    converged,
                });
            }
            thr = (thr * 0.1).max(floor);
            ctl.check()?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> GramProblem {
        // z1 = (1,-1,0,0)*..., build from a small design
        let n = 4;
        let z = vec![
            1.0, -1.0, 1.0, -1.0, // col 0
            1.0, 1.0, -1.0, -1.0, // col 1
        ];
        let y = vec![2.0, -1.0, 1.0, -2.0];
        GramProblem::from_design(&z, &y, n, 2)
    }

    #[test]
    fn zero_is_returned_exactly_above_alpha_max() {
        let prob = tiny();
        let qmax = prob.q.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let mut s = GramSolver::new(&prob);
        let st = s.solve(qmax, 0.0, 1e-12, 1000, &Control::none()).unwrap();
        assert!(s.beta.iter().all(|&b| b == 0.0));
        assert_eq!(st.n_iter, 0);
        assert!(st.converged);
    }

    #[test]
    fn orthogonal_design_gives_the_soft_thresholded_solution() {
        let prob = tiny();
        // orthogonal columns with ||z||^2 = 4: beta_j = S(q_j, l1) / (4 + l2)
        let mut s = GramSolver::new(&prob);
        let (l1, l2) = (1.0, 0.5);
        let st = s.solve(l1, l2, 1e-14, 1000, &Control::none()).unwrap();
        assert!(st.converged);
        for j in 0..2 {
            let want = soft_threshold(prob.q[j], l1) / (4.0 + l2);
            assert!(
                (s.beta[j] - want).abs() < 1e-14,
                "{} vs {}",
                s.beta[j],
                want
            );
        }
        assert!(st.gap <= 1e-14 * prob.yy);
    }
}
