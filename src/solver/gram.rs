//! Coordinate descent in covariance ("Gram") mode, docs/solver.md §3: keep h = Z^T r
//! = q - G beta and never touch the rows again once G = Z^T Z exists. Each update is O(1)
//! to evaluate and O(p) to propagate, so full sweeps over every coordinate are cheap and
//! the KKT check comes for free.

use rayon::prelude::*;

use super::aligned::AlignedVec;
use super::chol::GrowingCholesky;
use super::control::{Cancelled, Control};
use super::gap::{GapInputs, duality_gap, rounding_scale};
use super::soft::{axpy, axpy_f32, dot, soft_threshold};

/// The sufficient statistics of a centred and scaled design: G = Z^T Z, q = Z^T y_c.
#[derive(Debug, Clone)]
pub struct GramProblem {
    /// p x p, column-major (symmetric, so row-major too).
    pub g: Vec<f64>,
    pub q: Vec<f64>,
    /// ||y_c||^2
    pub yy: f64,
    pub p: usize,
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

    #[inline]
    pub fn col(&self, j: usize) -> &[f64] {
        &self.g[j * self.p..(j + 1) * self.p]
    }

    #[inline]
    pub fn diag(&self, j: usize) -> f64 {
        self.diag[j]
    }
}

/// The outcome of one alpha.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PointStats {
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
pub fn rounding_floor(s: f64, yy: f64) -> f64 {
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
pub struct GramSolver<'a> {
    prob: &'a GramProblem,
    pub beta: Vec<f64>,
    /// h = q - G beta = Z^T r (aligned: the batch updates store into it)
    h: AlignedVec<f64>,
    active: Vec<usize>,
    in_active: Vec<bool>,
    q_max: f64,
    /// G restricted to the active set, column-major with leading dimension `cap`, so the
    /// inner sweeps touch |A| entries per update instead of p (glmnet's compressed update).
    /// Stored in f32: the inner sweeps are bound by reading this block, and its rounding
    /// only perturbs the within-round updates; every round restarts from the exact f64 h
    /// and the gap is always computed in f64, so the certificate is unaffected.
    /// Columns start on 64-byte boundaries (`cap` is a multiple of 16).
    block: AlignedVec<f32>,
    cap: usize,
    /// how many active coordinates `block` covers
    block_len: usize,
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

/// What one Newton step did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NewtonStep {
    /// beta is the exact minimizer on S with the predicted signs
    Exact,
    /// beta moved to the first sign change on the way and those coordinates left S
    Partial,
    /// no step: a coordinate was refused, or the first sign change was at the start
    Stuck,
}

/// The minimizer over t in [0, 1] of the lasso objective on the segment b + t (x - b), where
/// x solves G_SS x = q_S - l1 s and h = q - G b on S (all restricted to S). The smooth part is
/// the quadratic -t h.d + t^2/2 d.G d with G d = h - l1 s; the l1 part is piecewise linear
/// with a kink where a coordinate crosses zero. Walks the kinks in order until the derivative
/// turns non-negative. Returns t and whether it is at a kink.
fn exact_line_search(b: &[f64], x: &[f64], h: &[f64], s: &[f64], l1: f64) -> (f64, bool) {
    let mut slope = 0.0; // -h.d
    let mut curv = 0.0; // d.G d
    let mut l1_slope = 0.0; // sum sign(b_j + t d_j) d_j just after 0
    let mut kinks: Vec<(f64, f64)> = Vec::new(); // (t_j, the jump of l1_slope there)
    // whether the whole segment keeps the signs s, so that x, the minimizer of the piece with
    // those signs, is the answer (computing the root would only add rounding)
    let mut keeps_signs = true;
    for i in 0..b.len() {
        let d = x[i] - b[i];
        slope -= h[i] * d;
        curv += d * (h[i] - l1 * s[i]);
        keeps_signs &= x[i] * s[i] > 0.0 && b[i] * s[i] >= 0.0;
        if b[i] == 0.0 {
            l1_slope += d.abs();
        } else {
            l1_slope += b[i].signum() * d;
            if b[i] * d < 0.0 {
                let t = -b[i] / d;
                if t < 1.0 {
                    kinks.push((t, 2.0 * d.abs()));
                }
            }
        }
    }
    if keeps_signs {
        return (1.0, false);
    }
    if curv.is_nan() || curv <= 0.0 {
        return (0.0, false);
    }
    kinks.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut lo = 0.0;
    for (t_k, jump) in kinks.into_iter().chain(std::iter::once((1.0, 0.0))) {
        // on (lo, t_k) the derivative is slope + l1 l1_slope + t curv
        let root = -(slope + l1 * l1_slope) / curv;
        if root <= lo {
            return (lo, lo > 0.0);
        }
        if root < t_k {
            return (root, false);
        }
        lo = t_k;
        l1_slope += jump;
    }
    (1.0, false)
}

/// Newton steps tried per alpha before coordinate descent takes over.
const NEWTON_TRIES: usize = 6;
/// Refusals after which a solver stops trying Newton steps.
const NEWTON_REFUSALS: usize = 3;

/// The first inner-loop threshold, as a fraction of tol * ||y_c||^2. A round ends with a batch
/// update of h that reads |A| columns of G (|A| p doubles), as much memory traffic as several
/// block sweeps (|A|^2 floats), so converging the block far below tol is cheaper than another
/// round: a tight first threshold trades a few more block sweeps for far fewer rounds; much
/// tighter still costs more sweeps than it saves (docs/solver.md §3).
const THR_START: f64 = 1e-7;

/// Sweeps between cancellation checks.
const CHECK_EVERY: usize = 256;

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
            block: AlignedVec::zeros(0),
            cap: 0,
            block_len: 0,
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

    /// Extend the active block to every active coordinate: O(|A|) per new one.
    fn grow_block(&mut self) {
        let k = self.active.len();
        if k > self.cap {
            // whole cache lines per column, and an odd number of them: with a power-of-two
            // stride every column would start in the same cache sets and the block would use
            // only a fraction of L1 and L2. Room for p x p at once, lazily zeroed, so only
            // what the block reaches is ever touched (and page-faulted): growing by doubling
            // copied the block and touched every new buffer afresh
            let mut cap = self.prob.p.max(k).next_multiple_of(16);
            if (cap / 16).is_multiple_of(2) {
                cap += 16;
            }
            let mut nb = AlignedVec::zeros(cap * cap);
            for t in 0..self.block_len {
                nb[t * cap..t * cap + self.block_len]
                    .copy_from_slice(&self.block[t * self.cap..t * self.cap + self.block_len]);
            }
            self.block = nb;
            self.cap = cap;
        }
        let cap = self.cap;
        for t in self.block_len..k {
            let col = self.prob.col(self.active[t]);
            for s in 0..=t {
                let v = col[self.active[s]] as f32;
                self.block[t * cap + s] = v;
                self.block[s * cap + t] = v;
            }
        }
        self.block_len = k;
    }

    /// Sweeps over the active set on the compact block until max G_jj delta^2 <= thr, then
    /// one batch update of the full h. Returns the last sweep's max change.
    fn inner(
        &mut self,
        l1: f64,
        l2: f64,
        thr: f64,
        max_iter: usize,
        iters: &mut usize,
        ctl: &Control,
    ) -> Result<f64, Cancelled> {
        self.grow_block();
        let k = self.active.len();
        let cap = self.cap;
        self.ha.resize(k);
        self.start.clear();
        for (t, &j) in self.active.iter().enumerate() {
            self.ha[t] = self.h[j];
            self.start.push(self.beta[j]);
        }
        let mut first = None;
        loop {
            let mut dlx = 0.0f64;
            for t in 0..k {
                let j = self.active[t];
                let gjj = self.prob.diag(j);
                if gjj <= 0.0 {
                    continue;
                }
                let bj = self.beta[j];
                let u = self.ha[t] + gjj * bj;
                let nb = soft_threshold(u, l1) / (gjj + l2);
                if nb != bj {
                    let d = nb - bj;
                    self.beta[j] = nb;
                    axpy_f32(-d, &self.block[t * cap..t * cap + k], &mut self.ha);
                    dlx = dlx.max(gjj * d * d);
                }
            }
            *iters += 1;
            first.get_or_insert(dlx);
            if (*iters).is_multiple_of(CHECK_EVERY) {
                ctl.check()?;
            }
            if dlx <= thr || *iters >= max_iter {
                break;
            }
        }
        self.moves.clear();
        for t in 0..k {
            let j = self.active[t];
            let d = self.beta[j] - self.start[t];
            if d != 0.0 {
                self.moves.push((j, d));
            }
        }
        propagate(self.prob, &self.moves, &mut self.h);
        Ok(first.unwrap_or(0.0))
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
        self.block_len = 0;
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

    /// The active-set Newton step of the lasso ("feature-sign search", Lee et al. 2007). S
    /// holds the active coordinates that are nonzero or would move off zero (|h_j| > l1), with
    /// the sign they have or would take. With those signs the objective on S is a quadratic
    /// whose minimizer solves G_SS x = q_S - l1 s. If x keeps every sign it is the minimizer
    /// on S; if not, beta moves toward x only as far as the first sign change (the objective
    /// falls all the way there) and the coordinates that reach zero leave S. One step replaces
    /// the 15-25 sweeps coordinate descent needs per alpha on a large correlated support: the
    /// factor follows S (an append is one pass over it), the solve is one backward pass, and
    /// h off S costs min(|S|, p - |S|) columns of G.
    fn newton(&mut self, l1: f64, exclude_wrong: bool) -> NewtonStep {
        for &j in self.chol.coords() {
            self.sign[j] = 0.0;
        }
        for &j in &self.active {
            let (b, h) = (self.beta[j], self.h[j]);
            self.sign[j] = if b != 0.0 {
                b.signum()
            } else if h.abs() > l1 {
                h.signum()
            } else {
                0.0
            };
        }
        // the factor follows S
        let gone: Vec<usize> = (self.chol.coords().iter().copied())
            .filter(|&j| self.sign[j] == 0.0)
            .collect();
        for j in gone {
            self.chol.remove(j);
        }
        let new: Vec<usize> = (self.active.iter().copied())
            .filter(|&j| self.sign[j] != 0.0 && !self.chol.contains(j))
            .collect();
        // the signs of coordinates staying in S can have changed in coordinate descent
        let (q, sign) = (&self.prob.q, &self.sign);
        self.chol.set_rhs(|j| [q[j], sign[j]]);
        if !self
            .chol
            .append(&self.prob.g, &new, |j| [q[j], sign[j]])
            .is_empty()
        {
            self.newton_refusals += 1;
            return NewtonStep::Stuck;
        }
        let mut x = Vec::new();
        for attempt in 0.. {
            self.chol.solve([1.0, -l1], &mut x);
            if !exclude_wrong {
                break;
            }
            // a coordinate entering at zero whose solution takes the other sign: solve again
            // without it (it stays at zero this step), usually the cheapest way forward
            let wrong: Vec<usize> = (self.chol.coords().iter().zip(&x))
                .filter(|&(&j, &xj)| self.beta[j] == 0.0 && xj * self.sign[j] <= 0.0)
                .map(|(&j, _)| j)
                .collect();
            if wrong.is_empty() {
                break;
            }
            if attempt == 2 {
                return NewtonStep::Stuck;
            }
            for j in wrong {
                self.sign[j] = 0.0;
                self.chol.remove(j);
            }
        }
        let coords = self.chol.coords();
        let gather = |v: &[f64]| -> Vec<f64> { coords.iter().map(|&j| v[j]).collect() };
        let (b, h, s) = (gather(&self.beta), gather(&self.h), gather(&self.sign));
        let (t, kink) = exact_line_search(&b, &x, &h, &s, l1);
        if t <= 0.0 {
            return NewtonStep::Stuck;
        }
        let mut consistent = true;
        for (i, &j) in coords.iter().enumerate() {
            let v = b[i] + t * (x[i] - b[i]);
            // the coordinates whose kink the step stopped at are exactly zero
            let at_kink = kink && b[i] != 0.0 && x[i] * b[i] < 0.0 && b[i] / (b[i] - x[i]) >= t;
            self.beta[j] = if at_kink { 0.0 } else { v };
            consistent &= self.beta[j] * s[i] > 0.0;
        }
        if t >= 1.0 && consistent {
            self.h_after_exact_step(l1);
            NewtonStep::Exact
        } else {
            self.refresh_h();
            NewtonStep::Partial
        }
    }

    /// h after an exact Newton step. On S the step solved h_S = l1 s, so h_S is
    /// that, to the solve's backward error (a few ulps of G_SS beta_S, which the gap absorbs as
    /// it absorbs the rounding of any h). Off S, h_j = q_j - G_{j,S} beta_S, through whichever
    /// is shorter: dots with the columns off S (p - |S| of them) or axpys with those on S.
    fn h_after_exact_step(&mut self, l1: f64) {
        let p = self.prob.p;
        let k = self.chol.len();
        if k * 2 < p {
            self.refresh_h();
        } else {
            let beta = &self.beta;
            let prob = self.prob;
            let chol = &self.chol;
            let fill = |(j, h): (usize, &mut f64)| {
                if !chol.contains(j) {
                    *h = prob.q[j] - dot(prob.col(j), beta);
                }
            };
            if (p - k) * p >= PAR_COLUMN_READS {
                self.h.par_iter_mut().enumerate().for_each(fill);
            } else {
                self.h.iter_mut().enumerate().for_each(fill);
            }
        }
        for &j in self.chol.coords() {
            self.h[j] = l1 * self.sign[j];
        }
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
                newton_tries = NEWTON_TRIES;
            }
            // the lasso only: the elastic net's l2 moves with alpha, so every alpha would need
            // a new O(|S|^3) factor of G_SS + l2 I, which costs more than the sweeps it would
            // replace (docs/solver.md §4)
            let newton = l2 == 0.0
                && newton_tries < NEWTON_TRIES
                && self.newton_refusals < NEWTON_REFUSALS
                && !self.active.is_empty();
            let dlx_first = if newton {
                newton_tries += 1;
                iters += 1;
                match self.newton(l1, !stranded) {
                    NewtonStep::Exact => last_exact = true,
                    NewtonStep::Partial => last_exact = false,
                    NewtonStep::Stuck => newton_tries = NEWTON_TRIES,
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

    /// A correlated n x p design (AR(1)-like columns), standardized, and a response from
    /// its first few columns.
    fn correlated(n: usize, p: usize, dup: bool) -> GramProblem {
        let mut s = 0x9e37_79b9_7f4a_7c15u64;
        let mut rnd = || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 11) as f64 / (1u64 << 53) as f64 - 0.5
        };
        let mut z = vec![0.0; n * p];
        for j in 0..p {
            for i in 0..n {
                let prev = if j > 0 { z[(j - 1) * n + i] } else { 0.0 };
                z[j * n + i] = 0.7 * prev + rnd();
            }
        }
        if dup {
            // an exact copy: the factor must refuse it and the sweeps take over
            let c: Vec<f64> = z[..n].to_vec();
            z[(p - 1) * n..].copy_from_slice(&c);
        }
        let y: Vec<f64> = (0..n)
            .map(|i| z[i] - 2.0 * z[n + i] + z[3 * n + i] + 0.5 * rnd())
            .collect();
        GramProblem::from_design(&z, &y, n, p, None)
    }

    /// Solve a descending path of l1 values with Newton steps on or off.
    fn path(prob: &GramProblem, newton: bool, tol: f64) -> (Vec<Vec<f64>>, Vec<PointStats>, usize) {
        let q_max = prob.q.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let mut s = GramSolver::new(prob);
        if !newton {
            s.newton_refusals = NEWTON_REFUSALS;
        }
        let (mut betas, mut stats) = (Vec::new(), Vec::new());
        for k in 0..30 {
            let l1 = q_max * 0.8f64.powi(k);
            stats.push(s.solve(l1, 0.0, tol, 100_000, &Control::none()).unwrap());
            betas.push(s.beta.clone());
        }
        (betas, stats, s.newton_refusals)
    }

    #[test]
    fn newton_steps_reach_the_coordinate_descent_solution_in_fewer_iterations() {
        let prob = correlated(200, 40, false);
        let (nb, ns, _) = path(&prob, true, 1e-12);
        let (cb, cs, _) = path(&prob, false, 1e-12);
        for (k, (a, b)) in nb.iter().zip(&cb).enumerate() {
            assert!(ns[k].converged && cs[k].converged, "alpha {k}");
            assert!(ns[k].gap <= 1e-12 * prob.yy, "alpha {k}: gap {}", ns[k].gap);
            let scale = b.iter().fold(1e-12f64, |m, v| m.max(v.abs()));
            for (x, y) in a.iter().zip(b) {
                assert!((x - y).abs() <= 1e-5 * scale, "alpha {k}: {x} vs {y}");
            }
        }
        let iters = |st: &[PointStats]| st.iter().map(|s| s.n_iter).sum::<usize>();
        assert!(
            iters(&ns) * 3 < iters(&cs),
            "{} vs {}",
            iters(&ns),
            iters(&cs)
        );
    }

    #[test]
    fn a_duplicated_column_falls_back_to_the_sweeps_and_still_converges() {
        let prob = correlated(120, 12, true);
        let (_, ns, refusals) = path(&prob, true, 1e-10);
        assert!(refusals > 0, "the copy was never refused");
        for (k, st) in ns.iter().enumerate() {
            assert!(
                st.converged && st.gap <= 1e-10 * prob.yy,
                "alpha {k}: {st:?}"
            );
        }
    }

    #[test]
    fn the_line_search_finds_the_minimum_of_the_objective_on_the_segment() {
        // a random SPD G on 6 coordinates, q, a start b with a sign pattern s and the x that
        // minimizes the piece with those signs; compare with a fine grid over [0, 1]
        let mut st = 12345u64;
        let mut rnd = || {
            st ^= st << 13;
            st ^= st >> 7;
            st ^= st << 17;
            (st >> 11) as f64 / (1u64 << 53) as f64 - 0.5
        };
        let k = 6;
        for case in 0..200 {
            let a: Vec<f64> = (0..k * k).map(|_| rnd()).collect();
            let mut g = vec![0.0; k * k];
            for i in 0..k {
                for j in 0..k {
                    g[j * k + i] = (0..k).map(|t| a[i * k + t] * a[j * k + t]).sum::<f64>()
                        + if i == j { 0.2 } else { 0.0 };
                }
            }
            let q: Vec<f64> = (0..k).map(|_| 4.0 * rnd()).collect();
            let l1 = 0.5 + rnd().abs();
            let b: Vec<f64> = (0..k)
                .map(|i| if i % 3 == 0 { 0.0 } else { 2.0 * rnd() })
                .collect();
            let s: Vec<f64> = (0..k)
                .map(|i| {
                    if b[i] != 0.0 {
                        b[i].signum()
                    } else if rnd() > 0.0 {
                        1.0
                    } else {
                        -1.0
                    }
                })
                .collect();
            let gv = |v: &[f64], i: usize| (0..k).map(|j| g[j * k + i] * v[j]).sum::<f64>();
            let h: Vec<f64> = (0..k).map(|i| q[i] - gv(&b, i)).collect();
            // x = G^-1 (q - l1 s) by Gaussian elimination
            let mut m: Vec<Vec<f64>> = (0..k)
                .map(|i| {
                    (0..k)
                        .map(|j| g[j * k + i])
                        .chain([q[i] - l1 * s[i]])
                        .collect()
                })
                .collect();
            for c in 0..k {
                let pivot = m[c].clone();
                for row in m.iter_mut().skip(c + 1) {
                    let f = row[c] / pivot[c];
                    for (v, p) in row.iter_mut().zip(&pivot).skip(c) {
                        *v -= f * p;
                    }
                }
            }
            let mut x = vec![0.0; k];
            for r in (0..k).rev() {
                x[r] = (m[r][k] - (r + 1..k).map(|t| m[r][t] * x[t]).sum::<f64>()) / m[r][r];
            }
            let f = |t: f64| {
                let v: Vec<f64> = (0..k).map(|i| b[i] + t * (x[i] - b[i])).collect();
                let quad: f64 = (0..k).map(|i| 0.5 * v[i] * gv(&v, i) - q[i] * v[i]).sum();
                quad + l1 * v.iter().map(|u| u.abs()).sum::<f64>()
            };
            let (t, _) = exact_line_search(&b, &x, &h, &s, l1);
            let best = (0..=20_000)
                .map(|i| f(i as f64 / 20_000.0))
                .fold(f64::INFINITY, f64::min);
            assert!((0.0..=1.0).contains(&t), "case {case}: t {t}");
            assert!(
                f(t) <= best + 1e-9 * best.abs().max(1.0),
                "case {case}: f({t}) = {} > {best}",
                f(t)
            );
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
