//! The active block: G restricted to the active set in a compact column-major copy, and
//! the inner sweeps over it (docs/solver.md §3).

use super::{GramProblem, GramSolver, propagate};
use crate::solver::aligned::AlignedVec;
use crate::solver::control::{Cancelled, Control};
use crate::solver::soft::{axpy_f32, soft_threshold};

/// Sweeps between cancellation checks.
const CHECK_EVERY: usize = 256;

/// G restricted to the active set, column-major with leading dimension `cap`, so the
/// inner sweeps touch |A| entries per update instead of p (glmnet's compressed update).
/// Stored in f32: the inner sweeps are bound by reading this block, and its rounding
/// only perturbs the within-round updates; every round restarts from the exact f64 h
/// and the gap is always computed in f64, so the certificate is unaffected.
/// Columns start on 64-byte boundaries (`cap` is a multiple of 16).
pub(super) struct ActiveBlock {
    data: AlignedVec<f32>,
    cap: usize,
    /// how many active coordinates the block covers (its first `len` rows and columns)
    len: usize,
}

impl ActiveBlock {
    pub(super) fn new() -> ActiveBlock {
        ActiveBlock {
            data: AlignedVec::zeros(0),
            cap: 0,
            len: 0,
        }
    }

    /// Forget every coordinate (the active set was rebuilt); the storage stays.
    pub(super) fn clear(&mut self) {
        self.len = 0;
    }

    /// Extend the block to every coordinate of `active` (whose first `len` entries it
    /// covers already): O(|A|) per new one.
    pub(super) fn grow(&mut self, prob: &GramProblem, active: &[usize]) {
        let k = active.len();
        if k > self.cap {
            // whole cache lines per column, and an odd number of them: with a power-of-two
            // stride every column would start in the same cache sets and the block would use
            // only a fraction of L1 and L2. Room for p x p at once, lazily zeroed, so only
            // what the block reaches is ever touched (and page-faulted): growing by doubling
            // copied the block and touched every new buffer afresh
            let mut cap = prob.p.max(k).next_multiple_of(16);
            if (cap / 16).is_multiple_of(2) {
                cap += 16;
            }
            let mut nb = AlignedVec::zeros(cap * cap);
            for t in 0..self.len {
                nb[t * cap..t * cap + self.len]
                    .copy_from_slice(&self.data[t * self.cap..t * self.cap + self.len]);
            }
            self.data = nb;
            self.cap = cap;
        }
        let cap = self.cap;
        for t in self.len..k {
            let col = prob.col(active[t]);
            for s in 0..=t {
                let v = col[active[s]] as f32;
                self.data[t * cap + s] = v;
                self.data[s * cap + t] = v;
            }
        }
        self.len = k;
    }

    /// Column `t` of the block over the covered coordinates, as a function of `t` that
    /// holds the storage, stride and length in locals for the sweeps.
    #[inline]
    pub(super) fn columns<'b>(&'b self) -> impl Fn(usize) -> &'b [f32] + 'b {
        let (data, cap, len) = (&self.data[..], self.cap, self.len);
        move |t| &data[t * cap..t * cap + len]
    }
}

impl GramSolver<'_> {
    /// Sweeps over the active set on the compact block until max G_jj delta^2 <= thr, then
    /// one batch update of the full h. Returns the last sweep's max change.
    pub(super) fn inner(
        &mut self,
        l1: f64,
        l2: f64,
        thr: f64,
        max_iter: usize,
        iters: &mut usize,
        ctl: &Control,
    ) -> Result<f64, Cancelled> {
        self.block.grow(self.prob, &self.active);
        let column = self.block.columns();
        let k = self.active.len();
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
                    axpy_f32(-d, column(t), &mut self.ha);
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_block_holds_g_on_the_active_set_as_it_grows_and_after_a_clear() {
        let p = 7;
        let g: Vec<f64> = (0..p * p)
            .map(|i| {
                let (r, c) = (i % p, i / p);
                (r.min(c) * 10 + r.max(c)) as f64 * 0.5
            })
            .collect();
        let prob = GramProblem::new(g, vec![0.0; p], 1.0, p);
        let mut block = ActiveBlock::new();
        let check = |block: &ActiveBlock, active: &[usize]| {
            let column = block.columns();
            for (t, &j) in active.iter().enumerate() {
                let want: Vec<f32> = active.iter().map(|&s| prob.col(j)[s] as f32).collect();
                assert_eq!(column(t), want.as_slice(), "column {t} of {active:?}");
            }
        };
        let mut active = vec![4, 1];
        block.grow(&prob, &active);
        check(&block, &active);
        // coordinates joining keep the columns already there
        active.extend([6, 0, 3]);
        block.grow(&prob, &active);
        check(&block, &active);
        assert_eq!(block.cap % 16, 0);
        assert!(block.cap >= p);
        // a rebuilt active set in another order
        block.clear();
        let active = vec![2, 5, 4];
        block.grow(&prob, &active);
        check(&block, &active);
    }
}
