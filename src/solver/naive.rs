//! Coordinate descent in residual ("naive") mode, docs/solver.md §5: keep r and update
//! it with one axpy per moved coordinate. For wide data (p > n), where a p x p Gram matrix
//! would dwarf X. Sweeps run over the sequential strong set; a full Z^T r then checks KKT
//! for the rest and gives the docs/spec.md §4 gap.

use rayon::prelude::*;

use super::aligned::AlignedVec;
use super::anderson::Anderson;
use super::control::{Cancelled, Control};
use super::gap::{GapInputs, rounding_scale};
use super::gram::{PointStats, rounding_floor};
use super::soft::{axpy, dot, soft_threshold};

/// A centred, scaled column-major design and its target.
pub struct NaiveProblem<'a> {
    pub z: &'a [f64],
    pub y: &'a [f64],
    pub n: usize,
    pub p: usize,
    /// ||z_j||^2 (0 for constant columns)
    pub v: Vec<f64>,
    /// Z^T y
    pub q: Vec<f64>,
    pub yy: f64,
}

impl<'a> NaiveProblem<'a> {
    pub fn new(z: &'a [f64], y: &'a [f64], n: usize, p: usize) -> Self {
        let (v, q): (Vec<f64>, Vec<f64>) = (0..p)
            .into_par_iter()
            .with_min_len(64)
            .map(|j| {
                let c = &z[j * n..(j + 1) * n];
                (dot(c, c), dot(c, y))
            })
            .unzip();
        NaiveProblem {
            z,
            y,
            n,
            p,
            v,
            q,
            yy: dot(y, y),
        }
    }

    #[inline]
    fn col(&self, j: usize) -> &[f64] {
        &self.z[j * self.n..(j + 1) * self.n]
    }

    /// out = Z^T r, in parallel over columns when the design is large.
    fn zt(&self, r: &[f64], out: &mut [f64]) {
        if self.n * self.p >= 1 << 16 {
            out.par_iter_mut()
                .with_min_len(64)
                .enumerate()
                .for_each(|(j, o)| *o = dot(self.col(j), r));
        } else {
            for (j, o) in out.iter_mut().enumerate() {
                *o = dot(self.col(j), r);
            }
        }
    }
}

pub struct NaiveSolver<'p, 'a> {
    prob: &'p NaiveProblem<'a>,
    pub beta: Vec<f64>,
    /// aligned: every coordinate update stores into it
    r: AlignedVec<f64>,
    /// Z^T r at the last full evaluation
    c: Vec<f64>,
    /// strong set membership and list
    in_strong: Vec<bool>,
    strong: Vec<usize>,
    /// ever-active coordinates (nonzero at some point), a subset of the strong set
    active: Vec<usize>,
    in_active: Vec<bool>,
    q_max: f64,
    /// l1 of the previous alpha (for the sequential strong rule)
    l1_prev: Option<f64>,
    /// extrapolation of the active-set sweeps, and its scratch (beta_A, r)
    anderson: Anderson,
    acc_beta: Vec<f64>,
    acc_r: AlignedVec<f64>,
    /// r came from an extrapolation (a combination of residuals, exact only up to rounding
    /// amplified by the weights): recompute it before it certifies anything
    r_combined: bool,
}

const CHECK_EVERY: usize = 64;

impl<'p, 'a> NaiveSolver<'p, 'a> {
    pub fn new(prob: &'p NaiveProblem<'a>) -> Self {
        let q_max = prob.q.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        NaiveSolver {
            prob,
            beta: vec![0.0; prob.p],
            r: AlignedVec::from_slice(prob.y),
            c: prob.q.clone(),
            in_strong: vec![false; prob.p],
            strong: Vec::new(),
            active: Vec::new(),
            in_active: vec![false; prob.p],
            q_max,
            l1_prev: None,
            anderson: Anderson::new(),
            acc_beta: Vec::new(),
            acc_r: AlignedVec::zeros(0),
            r_combined: false,
        }
    }

    /// Start from a given beta (e.g. the nearest grid point's solution).
    pub fn warm_start(&mut self, beta: &[f64]) {
        self.beta.copy_from_slice(beta);
        self.r.copy_from_slice(self.prob.y);
        self.active.clear();
        self.in_active.iter_mut().for_each(|a| *a = false);
        for (j, &b) in beta.iter().enumerate() {
            if b != 0.0 {
                axpy(-b, self.prob.col(j), &mut self.r);
                self.active.push(j);
                self.in_active[j] = true;
            }
        }
        let mut c = vec![0.0; self.prob.p];
        self.prob.zt(&self.r, &mut c);
        self.c = c;
        self.l1_prev = None;
    }

    fn add_strong(&mut self, j: usize) {
        if !self.in_strong[j] && self.prob.v[j] > 0.0 {
            self.in_strong[j] = true;
            self.strong.push(j);
        }
    }

    /// One pass over the strong set (`all`) or the active set; returns max v_j delta_j^2.
    fn sweep(&mut self, l1: f64, l2: f64, all: bool) -> f64 {
        let mut dlx = 0.0f64;
        let len = if all {
            self.strong.len()
        } else {
            self.active.len()
        };
        for t in 0..len {
            let j = if all { self.strong[t] } else { self.active[t] };
            let vj = self.prob.v[j];
            let col = &self.prob.z[j * self.prob.n..(j + 1) * self.prob.n];
            let bj = self.beta[j];
            let u = dot(col, &self.r) + vj * bj;
            let nb = soft_threshold(u, l1) / (vj + l2);
            if nb != bj {
                let d = nb - bj;
                self.beta[j] = nb;
                axpy(-d, col, &mut self.r);
                dlx = dlx.max(vj * d * d);
                if !self.in_active[j] {
                    self.in_active[j] = true;
                    self.active.push(j);
                }
            }
        }
        dlx
    }

    /// Record the active-set iterate; every DEPTH + 1 sweeps, jump to the Anderson
    /// extrapolation of the last ones when it lowers the objective.
    fn accelerate(&mut self, l1: f64, l2: f64) {
        self.acc_beta.clear();
        self.acc_beta
            .extend(self.active.iter().map(|&j| self.beta[j]));
        if !self.anderson.push(&self.acc_beta, &self.r) {
            return;
        }
        let mut b = std::mem::take(&mut self.acc_beta);
        let mut r = std::mem::take(&mut self.acc_r);
        r.resize(self.r.len());
        if self.anderson.extrapolate(&mut b, &mut r) {
            let objective = |r: &[f64], b: &mut dyn Iterator<Item = f64>| {
                let (mut b1, mut b2) = (0.0, 0.0);
                for v in b {
                    b1 += v.abs();
                    b2 += v * v;
                }
                0.5 * dot(r, r) + l1 * b1 + 0.5 * l2 * b2
            };
            let now = objective(&self.r, &mut self.active.iter().map(|&j| self.beta[j]));
            if objective(&r, &mut b.iter().copied()) < now {
                for (&j, &v) in self.active.iter().zip(&b) {
                    self.beta[j] = v;
                }
                std::mem::swap(&mut self.r, &mut r);
                self.r_combined = true;
            }
        }
        self.acc_beta = b;
        self.acc_r = r;
    }

    /// r = y - Z beta from scratch.
    fn refresh_r(&mut self) {
        self.r.copy_from_slice(self.prob.y);
        for &j in &self.active {
            let b = self.beta[j];
            if b != 0.0 {
                axpy(-b, self.prob.col(j), &mut self.r);
            }
        }
    }

    /// c_j = z_j . r on the strong set only.
    fn refresh_strong_c(&mut self) {
        let (prob, r) = (self.prob, &self.r);
        if prob.n * self.strong.len() >= 1 << 16 {
            let vals: Vec<f64> = self
                .strong
                .par_iter()
                .with_min_len(64)
                .map(|&j| dot(prob.col(j), r))
                .collect();
            for (&j, v) in self.strong.iter().zip(vals) {
                self.c[j] = v;
            }
        } else {
            for &j in &self.strong {
                self.c[j] = dot(prob.col(j), r);
            }
        }
    }

    /// The gap inputs with max |g_j| taken over `over` only (the gap of that subproblem).
    fn gap_inputs_over(&self, l1: f64, l2: f64, over: &[usize]) -> GapInputs {
        let mut gi = self.gap_inputs(l1, l2);
        gi.g_max = over
            .iter()
            .map(|&j| (self.c[j] - l2 * self.beta[j]).abs())
            .fold(0.0, f64::max);
        gi
    }

    fn gap_inputs(&self, l1: f64, l2: f64) -> GapInputs {
        let mut b1 = 0.0;
        let mut b2 = 0.0;
        for &j in &self.active {
            let b = self.beta[j];
            b1 += b.abs();
            b2 += b * b;
        }
        let mut g_max = 0.0f64;
        for (c, b) in self.c.iter().zip(&self.beta) {
            g_max = g_max.max((c - l2 * b).abs());
        }
        let rss = dot(&self.r, &self.r);
        let ry = dot(&self.r, self.prob.y);
        GapInputs {
            l1,
            l2,
            rss,
            ry,
            beta_l1: b1,
            beta_sq: b2,
            g_max,
            magnitude: self.prob.yy
                + rss
                + ry.abs()
                + rounding_scale(self.prob.yy, self.coef_scale()),
        }
    }

    /// S = sum_j ||z_j|| |beta_j|, the size of the terms r = y - Z beta sums.
    fn coef_scale(&self) -> f64 {
        self.active
            .iter()
            .map(|&j| self.prob.v[j].sqrt() * self.beta[j].abs())
            .sum()
    }

    /// The smallest max v_j delta^2 that is more than rounding.
    fn rounding_floor(&self) -> f64 {
        rounding_floor(self.coef_scale(), self.prob.yy)
    }

    /// Solve at one alpha, warm-started; same contract as the Gram solver.
    pub fn solve(
        &mut self,
        l1: f64,
        l2: f64,
        tol: f64,
        max_iter: usize,
        ctl: &Control,
    ) -> Result<PointStats, Cancelled> {
        let yy = self.prob.yy;
        if self.q_max <= l1 * (1.0 + 1e-13) || yy == 0.0 {
            self.beta.iter_mut().for_each(|b| *b = 0.0);
            self.r.copy_from_slice(self.prob.y);
            self.c.copy_from_slice(&self.prob.q);
            self.l1_prev = Some(l1);
            return Ok(PointStats::at_zero(&self.gap_inputs(l1, l2), yy));
        }
        // sequential strong rule: keep j if |z_j . r_prev| >= 2 l1 - l1_prev (plus the active set)
        let l1_prev = self.l1_prev.unwrap_or(self.q_max);
        let cut = 2.0 * l1 - l1_prev;
        for j in 0..self.prob.p {
            if self.c[j].abs() >= cut || self.beta[j] != 0.0 {
                self.add_strong(j);
            }
        }
        let tol_abs = tol * yy;
        let mut thr = tol_abs.max(self.rounding_floor());
        let mut iters = 0usize;
        loop {
            // converge on the strong set
            let mut dlx_strong;
            loop {
                dlx_strong = self.sweep(l1, l2, true);
                iters += 1;
                if dlx_strong <= thr || iters >= max_iter {
                    break;
                }
                let mut dlx = dlx_strong;
                self.anderson.reset();
                while dlx > thr && iters < max_iter {
                    dlx = self.sweep(l1, l2, false);
                    iters += 1;
                    self.accelerate(l1, l2);
                    if iters.is_multiple_of(CHECK_EVERY) {
                        ctl.check()?;
                    }
                }
            }
            if std::mem::take(&mut self.r_combined) {
                self.refresh_r();
            }
            // the gap of the strong-set problem costs |S| dot products; a full Z^T r costs p.
            // While the former is still above tol, tighten and sweep again without the latter
            let floor = self.rounding_floor();
            if iters < max_iter && dlx_strong > floor {
                self.refresh_strong_c();
                let gs = super::gap::duality_gap(&self.gap_inputs_over(l1, l2, &self.strong));
                if gs > tol_abs {
                    thr = (thr * 0.1).max(floor);
                    ctl.check()?;
                    continue;
                }
            }
            // KKT check on everything outside the strong set
            let mut c = std::mem::take(&mut self.c);
            self.prob.zt(&self.r, &mut c);
            self.c = c;
            let mut violated = false;
            for j in 0..self.prob.p {
                if !self.in_strong[j] && self.prob.v[j] > 0.0 && self.c[j].abs() > l1 {
                    self.add_strong(j);
                    violated = true;
                }
            }
            if violated && iters < max_iter {
                continue;
            }
            let gi = self.gap_inputs(l1, l2);
            if let Some(st) =
                PointStats::stop_if(&gi, tol_abs, iters, max_iter, dlx_strong <= floor)
            {
                self.l1_prev = Some(l1);
                return Ok(st);
            }
            thr = (thr * 0.1).max(floor);
            ctl.check()?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solver::gram::{GramProblem, GramSolver};

    #[test]
    fn naive_and_gram_agree_on_a_small_problem() {
        let n = 7;
        let p = 5;
        let mut z = vec![0.0; n * p];
        for j in 0..p {
            for i in 0..n {
                z[j * n + i] = ((i * 7 + j * 3) as f64 * 0.37).sin() + 0.1 * j as f64;
            }
        }
        let y: Vec<f64> = (0..n).map(|i| (i as f64 * 1.3).cos()).collect();
        let np = NaiveProblem::new(&z, &y, n, p);
        let gp = GramProblem::from_design(&z, &y, n, p, None);
        let mut a = NaiveSolver::new(&np);
        let mut b = GramSolver::new(&gp);
        for &(l1, l2) in &[(2.0, 0.0), (0.5, 0.1), (0.05, 0.0)] {
            let sa = a.solve(l1, l2, 1e-14, 100_000, &Control::none()).unwrap();
            let sb = b.solve(l1, l2, 1e-14, 100_000, &Control::none()).unwrap();
            assert!(sa.converged && sb.converged);
            for j in 0..p {
                assert!(
                    (a.beta[j] - b.beta[j]).abs() < 1e-6,
                    "{j}: {} {}",
                    a.beta[j],
                    b.beta[j]
                );
            }
        }
    }
}
