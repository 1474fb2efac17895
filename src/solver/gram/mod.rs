//! Coordinate descent in covariance ("Gram") mode, docs/solver.md §3: keep h = Z^T r
//! = q - G beta and never touch the rows again once G = Z^T Z exists. Each update is O(1)
//! to evaluate and O(p) to propagate, so full sweeps over every coordinate are cheap and
//! the KKT check comes for free.
//!
//! - [`GramProblem`] and the solver's state and driver (`GramSolver::solve`: strong rule,
//!   KKT scan, the duality gap, when to stop) live here;
//! - `block`: the active set's compact f32 copy of G and the inner sweeps over it, ended
//!   by one batch update of h;
//! - `newton`: the lasso's active-set Newton steps on the support and their exact line
//!   search.

mod block;
mod newton;

use rayon::prelude::*;

use super::aligned::AlignedVec;
use super::chol::GrowingCholesky;
use super::control::{Cancelled, Control};
use super::gap::{GapInputs, duality_gap, rounding_scale};
use super::soft::{axpy, dot};
use block::ActiveBlock;

/// The sufficient statistics of a centred and scaled design: G = Z^T Z, q = Z^T y_c.
///
/// The fields are private so that the cached diagonal cannot go stale: G is set once, by
/// [`GramProblem::new`] or [`GramProblem::from_design`], and read through accessors.
#[derive(Debug, Clone)]
pub struct GramProblem {
    /// p x p, column-major (symmetric, so row-major too).
    g: Vec<f64>,
    q: Vec<f64>,
    /// ||y_c||^2
    yy: f64,
    p: usize,
    /// the diagonal of G, contiguous: the sweeps read G_jj for every coordinate, and in `g`
    /// consecutive diagonal entries lie p + 1 doubles apart, so each read would be a cache
    /// (and, for large p, a TLB) miss
    diag: Vec<f64>,
}

impl GramProblem {
    pub fn new(g: Vec<f64>, q: Vec<f64>, yy: f64, p: usize) -> GramProblem {
        assert_eq!(g.len(), p * p, "G is p x p");
        let diag = (0..p).map(|j| g[j * p + j]).collect();
        GramProblem { g, q, yy, p, diag }
    }

    /// G and q from a column-major n x p design through faer's (parallel) matrix product.
    /// `q` is Z^T y when the caller has it already (None: computed here).
    pub fn from_design(z: &[f64], y: &[f64], n: usize, p: usize, q: Option<&[f64]>) -> GramProblem {
        let gv = super::linalg::gram(z, n, p);
        let q = match q {
            Some(q) => q.to_vec(),
            None => (0..p).map(|j| dot(&z[j * n..(j + 1) * n], y)).collect(),
        };
        GramProblem::new(gv, q, dot(y, y), p)
    }

    /// G, p x p, column-major (symmetric, so row-major too).
    pub fn g(&self) -> &[f64] {
        &self.g
    }

    /// q = Z^T y_c.
    pub fn q(&self) -> &[f64] {
        &self.q
    }

    /// ||y_c||^2
    pub fn yy(&self) -> f64 {
        self.yy
    }

    pub fn p(&self) -> usize {
        self.p
    }

    /// Column j of G.
    #[inline]
    pub fn col(&self, j: usize) -> &[f64] {
        &self.g[j * self.p..(j + 1) * self.p]
    }

    /// G_jj.
    #[inline]
    pub fn diag(&self, j: usize) -> f64 {
        self.diag[j]
    }
}

/// The outcome of one alpha.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct PointStats {
    /// sweeps over (a subset of) the coordinates
    pub n_iter: usize,
    /// the docs/spec.md §4 gap, absolute
    pub gap: f64,
    /// ||r||^2 at the solution
    pub rss: f64,
    pub converged: bool,
}

impl PointStats {
    /// beta = 0, the exact solution at and above alpha_max.
    pub fn at_zero(gi: &GapInputs, yy: f64) -> PointStats {
        PointStats {
            n_iter: 0,
            gap: duality_gap(gi).max(0.0),
            rss: yy,
            converged: true,
        }
    }

    /// The stopping rule both solvers share: the gap meets tol, the sweeps ran out, or they
    /// stalled at a floating-point fixed point. Converged means the gap met tol or sits
    /// within the rounding of the terms it was computed from.
    pub fn stop_if(
        gi: &GapInputs,
        tol_abs: f64,
        iters: usize,
        max_iter: usize,
        stalled: bool,
    ) -> Option<PointStats> {
        let gap = duality_gap(gi);
        (gap <= tol_abs || iters >= max_iter || stalled).then(|| PointStats {
            n_iter: iters,
            gap: gap.max(0.0),
            rss: gi.rss,
            converged: gap <= tol_abs || gap <= gi.noise(),
        })
    }
}

/// The smallest max v_j delta_j^2 a sweep can show that is more than rounding, given
/// S = sum_j sqrt(v_j) |beta_j|: an update is (error in z_j.r) / v_j, and that error is a few
/// ulps of ||z_j|| (||y_c|| + S) (see `rounding_scale`).
pub(crate) fn rounding_floor(s: f64, yy: f64) -> f64 {
    16.0 * f64::EPSILON * f64::EPSILON * rounding_scale(yy, s) + 1e-28 * yy
}

/// Reads of G's entries above which a gradient update is split over the cores (it is bound
/// by memory bandwidth, so smaller ones stay on one core).
const PAR_COLUMN_READS: usize = 1 << 18;

/// h -= sum over moves of delta_j G_j. Reads |moves| columns of G (p each) and is bound by
/// memory bandwidth, so when that is large each core takes a slice of the rows of h.
fn propagate(prob: &GramProblem, moves: &[(usize, f64)], h: &mut [f64]) {
    let p = prob.p;
    let threads = rayon::current_num_threads();
    if threads > 1 && moves.len() * p >= PAR_COLUMN_READS {
        let chunk = p.div_ceil(threads).next_multiple_of(8);
        h.par_chunks_mut(chunk).enumerate().for_each(|(c, hs)| {
            let off = c * chunk;
            for &(j, d) in moves {
                axpy(-d, &prob.col(j)[off..off + hs.len()], hs);
            }
        });
    } else {
        for &(j, d) in moves {
            axpy(-d, prob.col(j), h);
        }
    }
}

/// Warm-started state along a path.
pub(crate) struct GramSolver<'a> {
    prob: &'a GramProblem,
    pub beta: Vec<f64>,
    /// h = q - G beta = Z^T r (aligned: the batch updates store into it)
    h: AlignedVec<f64>,
    active: Vec<usize>,
    in_active: Vec<bool>,
    q_max: f64,
    /// G restricted to the active set, for the inner sweeps (glmnet's compressed update)
    block: ActiveBlock,
    /// h restricted to the active set (aligned: every sweep update stores into it), and
    /// beta_A when the inner sweeps started
    ha: AlignedVec<f64>,
    start: Vec<f64>,
    /// (j, delta_j) of the last inner sweeps, for the batch update of h
    moves: Vec<(usize, f64)>,
    /// the factor of G_SS + l2 I on the support S, for the Newton step
    chol: GrowingCholesky,
    /// the sign each coordinate of S takes in the Newton step (0 outside S)
    sign: Vec<f64>,
    /// h at the last solution and at the one before, and how many solutions in a row those
    /// come from (the secant step needs two)
    h_last: Vec<f64>,
    h_prev: Vec<f64>,
    solutions: usize,
    /// l1 of the last solution (meaningful when `solutions >= 1`), for the strong rule
    l1_last: f64,
    /// Newton steps the factor could not take (a collinear coordinate); after a few, the
    /// solver keeps to coordinate descent
    newton_refusals: usize,
}

/// The first inner-loop threshold, as a fraction of tol * ||y_c||^2. A round ends with a batch
/// update of h that reads |A| columns of G (|A| p doubles), as much memory traffic as several
/// block sweeps (|A|^2 floats), so converging the block far below tol is cheaper than another
/// round: a tight first threshold trades a few more block sweeps for far fewer rounds; much
/// tighter still costs more sweeps than it saves (docs/solver.md §3).
const THR_START: f64 = 1e-7;

impl<'a> GramSolver<'a> {
    pub fn new(prob: &'a GramProblem) -> Self {
        let q_max = prob.q.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        GramSolver {
            prob,
            beta: vec![0.0; prob.p],
            h: AlignedVec::from_slice(&prob.q),
            active: Vec::new(),
            in_active: vec![false; prob.p],
            q_max,
            block: ActiveBlock::new(),
            ha: AlignedVec::zeros(0),
            start: Vec::new(),
            moves: Vec::new(),
            chol: GrowingCholesky::new(prob.p),
            sign: vec![0.0; prob.p],
            newton_refusals: 0,
            h_last: vec![0.0; prob.p],
            h_prev: vec![0.0; prob.p],
            solutions: 0,
            l1_last: 0.0,
        }
    }

    /// Scan of the coordinates outside the active set: any with |h_j| > `threshold` joins it.
    /// With threshold l1 this is the KKT check (such a coordinate would move off zero); with
    /// the strong rule's 2 l1 - l1_last it admits the likely-active ones early. Returns
    /// whether any joined.
    fn add_violators(&mut self, threshold: f64) -> bool {
        let mut added = false;
        for j in 0..self.prob.p {
            if !self.in_active[j] && self.prob.diag(j) > 0.0 && self.h[j].abs() > threshold {
                self.in_active[j] = true;
                self.active.push(j);
                added = true;
            }
        }
        added
    }

    /// Start from a given beta (e.g. the nearest grid point's solution).
    pub fn warm_start(&mut self, beta: &[f64]) {
        self.solutions = 0;
        self.beta.copy_from_slice(beta);
        self.active.clear();
        self.block.clear();
        self.in_active.iter_mut().for_each(|a| *a = false);
        for (j, &b) in beta.iter().enumerate() {
            if b != 0.0 {
                self.active.push(j);
                self.in_active[j] = true;
            }
        }
        self.refresh_h();
    }

    /// Move beta along the secant from `prev` (the solution two alphas back) through the
    /// current one by `ratio` of the last step. A coordinate the step would push through
    /// zero stays at zero; the solve that follows corrects the rest.
    pub fn extrapolate(&mut self, prev: &[f64], ratio: f64) {
        if !(ratio > 0.0 && ratio <= 4.0) {
            return;
        }
        // h is affine in beta, so h(b + r (b - prev)) = h + r (h - h_prev) when h_prev is h at
        // `prev`; the coordinates the secant leaves at (or clips to) zero are corrected one
        // column each. That replaces a recomputation reading every active column of G.
        let linear = self.solutions >= 2;
        let mut moved = false;
        self.moves.clear();
        for (j, (bj, &pj)) in self.beta.iter_mut().zip(prev).enumerate() {
            let b = *bj;
            let lin = b + ratio * (b - pj);
            let e = if b != 0.0 && lin * b > 0.0 { lin } else { 0.0 };
            if e != b {
                *bj = e;
                moved = true;
            }
            if linear && e != lin {
                self.moves.push((j, e - lin));
            }
        }
        if !moved {
            return;
        }
        if linear {
            for (h, hp) in self.h.iter_mut().zip(&self.h_prev) {
                *h += ratio * (*h - hp);
            }
            propagate(self.prob, &self.moves, &mut self.h);
        } else {
            self.refresh_h();
        }
    }

    /// h = q - G beta from scratch (removes the drift of many axpy updates).
    fn refresh_h(&mut self) {
        self.h.copy_from_slice(&self.prob.q);
        self.moves.clear();
        for &j in &self.active {
            let b = self.beta[j];
            if b != 0.0 {
                self.moves.push((j, b));
            }
        }
        propagate(self.prob, &self.moves, &mut self.h);
    }

    /// The docs/spec.md §4 gap at the current beta, from the statistics alone.
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
        let scale = rounding_scale(yy, self.coef_scale());
        GapInputs {
            l1,
            l2,
            rss: (yy - bq - bh).max(0.0),
            ry: yy - bq,
            beta_l1: b1,
            beta_sq: b2,
            g_max,
            magnitude: yy + bq.abs() + bh.abs() + scale,
        }
    }

    /// S = sum_j ||z_j|| |beta_j|, the size of the terms h = q - G beta sums.
    fn coef_scale(&self) -> f64 {
        self.active
            .iter()
            .map(|&j| self.prob.diag(j).sqrt() * self.beta[j].abs())
            .sum()
    }

    /// The smallest max G_jj delta^2 that is more than rounding.
    fn rounding_floor(&self) -> f64 {
        rounding_floor(self.coef_scale(), self.prob.yy)
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
        let st = self.solve_point(l1, l2, tol, max_iter, ctl)?;
        // keep h at the last two solutions for the next secant step
        std::mem::swap(&mut self.h_prev, &mut self.h_last);
        self.h_last.copy_from_slice(&self.h);
        self.solutions += 1;
        self.l1_last = l1;
        Ok(st)
    }

    fn solve_point(
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
            return Ok(PointStats::at_zero(&self.gap_inputs(l1, l2), yy));
        }
        let tol_abs = tol * yy;
        let mut thr = (THR_START * tol_abs).max(self.rounding_floor());
        let mut iters = 0usize;
        let mut since_refresh = 0usize;
        let mut newton_tries = 0usize;
        let mut last_exact = false;
        if self.solutions >= 1 && l1 < self.l1_last {
            // the sequential strong rule (Tibshirani et al. 2012): a coordinate with
            // |h_j| > 2 l1 - l1_last is likely active at l1, so it joins now rather than as
            // a KKT violation after the sweeps, which costs another round of sweeps and one
            // more batch update of h. A coordinate that stays at zero costs one check per
            // sweep.
            self.add_violators(2.0 * l1 - self.l1_last);
        }
        loop {
            // KKT scan outside the active set (O(1) each), then either a Newton step on the
            // support or the glmnet covariance loop (sweeps on the compact active block, one
            // batch update of h), repeat until the gap is met
            let added = self.add_violators(l1);
            // coordinates an exact step left at zero though they violate KKT (they entered
            // with a sign their solve contradicted): the next step keeps them in
            let stranded = last_exact
                && (self.active.iter()).any(|&j| self.beta[j] == 0.0 && self.h[j].abs() > l1);
            if last_exact && !added && !stranded {
                // exact on S, nothing new to add, and still the gap misses tol: the factor's
                // rounding is the limit, and the sweeps polish from here
                newton_tries = newton::NEWTON_TRIES;
            }
            // the lasso only: the elastic net's l2 moves with alpha, so every alpha would need
            // a new O(|S|^3) factor of G_SS + l2 I, which costs more than the sweeps it would
            // replace (docs/solver.md §4)
            let newton = l2 == 0.0
                && newton_tries < newton::NEWTON_TRIES
                && self.newton_refusals < newton::NEWTON_REFUSALS
                && !self.active.is_empty();
            let dlx_first = if newton {
                newton_tries += 1;
                iters += 1;
                match self.newton(l1, !stranded) {
                    newton::Step::Exact => last_exact = true,
                    newton::Step::Partial => last_exact = false,
                    newton::Step::Stuck => newton_tries = newton::NEWTON_TRIES,
                }
                since_refresh = 0;
                f64::INFINITY
            } else {
                let dlx = if self.active.is_empty() {
                    0.0
                } else {
                    self.inner(l1, l2, thr, max_iter, &mut iters, ctl)?
                };
                if added && iters < max_iter {
                    continue;
                }
                since_refresh += 1;
                if since_refresh >= 8 || tol < 1e-9 {
                    // remove the drift of many batch updates when it could matter
                    self.refresh_h();
                    since_refresh = 0;
                }
                dlx
            };
            let gi = self.gap_inputs(l1, l2);
            // stalled: a fixed point of the sweeps, the gap cannot shrink any further
            let floor = self.rounding_floor();
            if let Some(st) = PointStats::stop_if(&gi, tol_abs, iters, max_iter, dlx_first <= floor)
            {
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
    use crate::solver::soft::soft_threshold;

    fn tiny() -> GramProblem {
        // two orthogonal columns, (1,-1,1,-1) and (1,1,-1,-1), each with ||z_j||^2 = 4
        let n = 4;
        let z = vec![
            1.0, -1.0, 1.0, -1.0, // col 0
            1.0, 1.0, -1.0, -1.0, // col 1
        ];
        let y = vec![2.0, -1.0, 1.0, -2.0];
        GramProblem::from_design(&z, &y, n, 2, None)
    }

    #[test]
    fn the_row_split_batch_update_equals_the_plain_one() {
        // large enough for the parallel branch: 300 moves x p = 1030 (not a multiple of 8)
        let p = 1030;
        let g: Vec<f64> = (0..p * p)
            .map(|i| ((i * 7919 % 1013) as f64 - 506.0) * 1e-3)
            .collect();
        let prob = GramProblem::new(g, vec![0.0; p], 1.0, p);
        let moves: Vec<(usize, f64)> = (0..300)
            .map(|t| ((t * 37) % p, 0.5 - t as f64 * 1e-3))
            .collect();
        let h0: Vec<f64> = (0..p).map(|i| (i as f64).sin()).collect();
        let mut want = h0.clone();
        for &(j, d) in &moves {
            for (w, c) in want.iter_mut().zip(prob.col(j)) {
                *w -= d * c;
            }
        }
        let mut got = h0;
        propagate(&prob, &moves, &mut got);
        for (i, (a, b)) in got.iter().zip(&want).enumerate() {
            assert!((a - b).abs() < 1e-12, "{i}");
        }
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
