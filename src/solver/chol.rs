//! A Cholesky factor of G_SS that follows a working set S of coordinates.
//!
//! The Gram solver's Newton step (gram/newton.rs) solves on the current support, and the support
//! changes by a few coordinates between neighbouring alphas, so the factor is updated rather
//! than rebuilt: appending m coordinates is one blocked triangular solve with m right-hand
//! sides (one pass over L), removing one is a rank-one update of the trailing block
//! (O(|S|^2)). The solver's right-hand side is always q_S - l1 s_S, so the factor carries
//! L^-1 q_S and L^-1 s_S along with it (extended for free on every append): a solve at a new
//! l1 is then a single backward pass over L instead of two.

use std::cmp::Ordering;

use faer::linalg::matmul::matmul;
use faer::linalg::triangular_solve::{
    solve_lower_triangular_in_place, solve_upper_triangular_in_place,
};
use faer::{Accum, MatMut, MatRef, Par};

use super::soft::{axpy, dot};

/// A coordinate whose pivot is below this fraction of its diagonal (1 - R^2 of its regression
/// on the coordinates already in) is refused: it is collinear with them to working precision
/// and the Newton step would amplify rounding by more than the certificate can absorb.
const PIVOT_FLOOR: f64 = 1e-8;

/// Lower-triangular L with L L^T = G_SS, S in insertion order, and two right-hand
/// sides (a_S, b_S) with L^-1 a_S and L^-1 b_S.
#[derive(Debug, Clone)]
pub struct GrowingCholesky {
    /// the coordinates of S, in the factor's order
    idx: Vec<usize>,
    /// position of each coordinate in `idx`, usize::MAX when absent
    pos: Vec<usize>,
    /// lower triangle, column-major with leading dimension `cap`
    l: Vec<f64>,
    cap: usize,
    /// the tracked right-hand sides, in the factor's order
    rhs: [Vec<f64>; 2],
    /// L^-1 of them, right in the rows before `fwd_from`
    fwd: [Vec<f64>; 2],
    /// the first row of `fwd` that is stale (usize::MAX: none)
    fwd_from: usize,
}

impl GrowingCholesky {
    /// An empty factor for a p x p matrix.
    pub fn new(p: usize) -> Self {
        GrowingCholesky {
            idx: Vec::new(),
            pos: vec![usize::MAX; p],
            l: Vec::new(),
            cap: 0,
            rhs: [Vec::new(), Vec::new()],
            fwd: [Vec::new(), Vec::new()],
            fwd_from: usize::MAX,
        }
    }

    pub fn len(&self) -> usize {
        self.idx.len()
    }

    /// The coordinates of S in the factor's order.
    pub fn coords(&self) -> &[usize] {
        &self.idx
    }

    pub fn contains(&self, j: usize) -> bool {
        self.pos[j] != usize::MAX
    }

    /// Set the tracked right-hand sides of the coordinates in S (`vals(j)` = (a_j, b_j)); the
    /// forward solves are redone only if a value changed.
    pub fn set_rhs(&mut self, vals: impl Fn(usize) -> [f64; 2]) {
        for (t, &j) in self.idx.iter().enumerate() {
            let v = vals(j);
            for (r, &vr) in self.rhs.iter_mut().zip(&v) {
                if r[t] != vr {
                    r[t] = vr;
                    self.fwd_from = self.fwd_from.min(t);
                }
            }
        }
    }

    /// Room for `need` coordinates. The first call takes the whole p x p at once: the
    /// allocation is lazily zeroed, so only the pages the triangle reaches are ever touched,
    /// where growing by doubling copied the factor at every step and touched (page-faulted)
    /// each new buffer afresh.
    fn reserve(&mut self, need: usize) {
        if need <= self.cap {
            return;
        }
        let cap = self.pos.len().max(need);
        let mut nl = vec![0.0; cap * cap];
        let k = self.idx.len();
        for j in 0..k {
            nl[j * cap + j..j * cap + k]
                .copy_from_slice(&self.l[j * self.cap + j..j * self.cap + k]);
        }
        self.l = nl;
        self.cap = cap;
    }

    /// Append coordinates to S with their right-hand-side values. `g` is the symmetric p x p
    /// matrix, column-major. Returns the coordinates refused as collinear with S (see
    /// `PIVOT_FLOOR`); the rest are in.
    pub fn append(
        &mut self,
        g: &[f64],
        new: &[usize],
        vals: impl Fn(usize) -> [f64; 2],
    ) -> Vec<usize> {
        let p = self.pos.len();
        let k = self.idx.len();
        let m = new.len();
        if m == 0 {
            return Vec::new();
        }
        if self.fwd_from < self.idx.len() {
            self.forward();
        }
        let par = if k * k * m > super::linalg::PAR_FLOPS {
            Par::rayon(0)
        } else {
            Par::Seq
        };
        // W = L^-1 G_{S,new}: a blocked triangular solve, one pass over L for all m columns
        let mut w = vec![0.0; k * m];
        for (r, &j) in new.iter().enumerate() {
            let col = &g[j * p..(j + 1) * p];
            for (t, &i) in self.idx.iter().enumerate() {
                w[r * k + t] = col[i];
            }
        }
        // C = G_{new,new} - W^T W, the Schur complement the new block must factor
        let mut c = vec![0.0; m * m];
        for (b, &jb) in new.iter().enumerate() {
            for (a, &ja) in new.iter().enumerate() {
                c[b * m + a] = g[jb * p + ja];
            }
        }
        if k > 0 {
            let lref = MatRef::from_column_major_slice_with_stride(&self.l, k, k, self.cap);
            let wm = MatMut::from_column_major_slice_mut(&mut w, k, m);
            solve_lower_triangular_in_place(lref, wm, par);
            let wr = MatRef::from_column_major_slice(&w, k, m);
            matmul(
                MatMut::from_column_major_slice_mut(&mut c, m, m),
                Accum::Add,
                wr.transpose(),
                wr,
                -1.0,
                par,
            );
        }
        let floor = |b: usize| PIVOT_FLOOR * g[new[b] * p + new[b]];
        let (acc, l22) =
            factor_blocked(&c, m, floor).unwrap_or_else(|| factor_refusing(&c, m, floor));
        let na = acc.len();
        self.reserve(k + na);
        let cap = self.cap;
        // the new rows of L are W^T: written column by column of L, so each of the k
        // columns takes its na new entries as one contiguous run (row by row, each new row
        // stored to k cache lines of a factor larger than L2, and each line na times)
        for t in 0..k {
            let dst = &mut self.l[t * cap + k..t * cap + k + na];
            for (d, &r) in dst.iter_mut().zip(&acc) {
                *d = w[r * k + t];
            }
        }
        for (b, &r) in acc.iter().enumerate() {
            let i = k + b;
            let wr = &w[r * k..(r + 1) * k];
            for c2 in 0..=b {
                self.l[(k + c2) * cap + i] = l22[c2 * na + b];
            }
            // the tracked forward solves gain row i: (v_i - W_i . y - L22 row . y_new) / d
            let v = vals(new[r]);
            for ((fwd, rhs), &vs) in self.fwd.iter_mut().zip(&mut self.rhs).zip(&v) {
                let mut y = vs - dot(wr, &fwd[..k]);
                for c2 in 0..b {
                    y -= l22[c2 * na + b] * fwd[k + c2];
                }
                fwd.push(y / l22[b * na + b]);
                rhs.push(vs);
            }
            self.pos[new[r]] = i;
            self.idx.push(new[r]);
        }
        (0..m)
            .filter(|r| !acc.contains(r))
            .map(|r| new[r])
            .collect()
    }

    /// Remove coordinate j from S (no-op when absent).
    pub fn remove(&mut self, j: usize) {
        let t = self.pos[j];
        if t == usize::MAX {
            return;
        }
        let k = self.idx.len();
        let cap = self.cap;
        let mut x: Vec<f64> = self.l[t * cap + t + 1..t * cap + k].to_vec();
        // drop row t from the columns before it
        for c in 0..t {
            self.l
                .copy_within(c * cap + t + 1..c * cap + k, c * cap + t);
        }
        // and shift the columns after it one to the left and one up
        for c in t + 1..k {
            self.l
                .copy_within(c * cap + c..c * cap + k, (c - 1) * cap + (c - 1));
        }
        // the trailing block absorbs x x^T: L33' L33'^T = L33 L33^T + x x^T (always stable)
        let m = x.len();
        for i in 0..m {
            let jj = t + i;
            let d = self.l[jj * cap + jj];
            let r = d.hypot(x[i]);
            let (c, s) = (r / d, x[i] / d);
            self.l[jj * cap + jj] = r;
            let col = &mut self.l[jj * cap + jj + 1..jj * cap + t + m];
            for (lv, xv) in col.iter_mut().zip(&mut x[i + 1..]) {
                *lv = (*lv + s * *xv) / c;
                *xv = c * *xv - s * *lv;
            }
        }
        self.idx.remove(t);
        for s in 0..2 {
            self.rhs[s].remove(t);
            self.fwd[s].remove(t);
        }
        // the forward solves change from row t on
        self.fwd_from = self.fwd_from.min(t);
        self.pos[j] = usize::MAX;
        for (u, &i) in self.idx.iter().enumerate().skip(t) {
            self.pos[i] = u;
        }
    }

    /// Bring both tracked forward solves up to date. Rows before `fwd_from` are still right
    /// (L and the right-hand sides above the first change are untouched), so only the rows
    /// from there on are redone: the columns before it contribute one rectangle, the rest
    /// one trailing triangle. A removal or sign change late in S, the common case along a
    /// path, then costs a fraction of a full pass over L.
    fn forward(&mut self) {
        let k = self.idx.len();
        let from = self.fwd_from.min(k);
        let cap = self.cap;
        for s in 0..2 {
            self.fwd[s].truncate(from);
            self.fwd[s].extend_from_slice(&self.rhs[s][from..k]);
        }
        let [f0, f1] = &mut self.fwd;
        for j in 0..k {
            if j >= from {
                let d = self.l[j * cap + j];
                f0[j] /= d;
                f1[j] /= d;
            }
            let lo = (j + 1).max(from);
            let below = &self.l[j * cap + lo..j * cap + k];
            let (v0, v1) = (f0[j], f1[j]);
            axpy(-v0, below, &mut f0[lo..k]);
            axpy(-v1, below, &mut f1[lo..k]);
        }
        self.fwd_from = usize::MAX;
    }

    /// x <- L^-T x, through faer's blocked solve: the off-diagonal blocks become matrix-vector
    /// products, which faer splits across the cores when the factor is large; dot products
    /// column by column would keep the whole pass on one core.
    fn backward(&self, x: &mut [f64]) {
        let k = self.idx.len();
        if k == 0 {
            return;
        }
        let par = if k >= 256 { Par::rayon(0) } else { Par::Seq };
        let lref = MatRef::from_column_major_slice_with_stride(&self.l, k, k, self.cap);
        solve_upper_triangular_in_place(
            lref.transpose(),
            MatMut::from_column_major_slice_mut(&mut x[..k], k, 1),
            par,
        );
    }

    /// Solve G_SS x = c0 a_S + c1 b_S (the tracked right-hand sides) into `x`, in the
    /// factor's order: one backward pass over L.
    pub fn solve(&mut self, c: [f64; 2], x: &mut Vec<f64>) {
        if self.fwd_from < self.idx.len() {
            self.forward();
        }
        x.clear();
        x.extend(
            self.fwd[0]
                .iter()
                .zip(&self.fwd[1])
                .map(|(a, b)| c[0] * a + c[1] * b),
        );
        self.backward(x);
    }
}

/// Blocks this large go through faer's blocked Cholesky first (the row-by-row bordering
/// below is O(m^3) in short dot products).
const BLOCKED_FROM: usize = 48;

/// faer's Cholesky of the m x m block `c`, when it succeeds with every pivot above `floor`:
/// (all rows, the factor column-major). None sends the caller to `factor_refusing`.
fn factor_blocked(
    c: &[f64],
    m: usize,
    floor: impl Fn(usize) -> f64,
) -> Option<(Vec<usize>, Vec<f64>)> {
    if m < BLOCKED_FROM {
        return None;
    }
    let llt = MatRef::from_column_major_slice(c, m, m)
        .llt(faer::Side::Lower)
        .ok()?;
    let l = llt.L();
    let above =
        |i: usize| (l[(i, i)] * l[(i, i)]).partial_cmp(&floor(i)) == Some(Ordering::Greater);
    if !(0..m).all(above) {
        return None;
    }
    let mut out = vec![0.0; m * m];
    for j in 0..m {
        for i in j..m {
            out[j * m + i] = l[(i, j)];
        }
    }
    Some(((0..m).collect(), out))
}

/// Cholesky of the m x m SPD block `c` (column-major), leaving out every row whose pivot falls
/// to `floor(row)` or below. Returns the kept rows and their factor (column-major, |kept|^2),
/// in which only the kept rows take part.
fn factor_refusing(c: &[f64], m: usize, floor: impl Fn(usize) -> f64) -> (Vec<usize>, Vec<f64>) {
    let mut acc: Vec<usize> = Vec::with_capacity(m);
    // rows of the factor so far (row b has b + 1 entries)
    let mut rows: Vec<Vec<f64>> = Vec::with_capacity(m);
    for r in 0..m {
        let mut row = Vec::with_capacity(acc.len() + 1);
        for (b, &a) in acc.iter().enumerate() {
            let s = c[a * m + r] - dot(&row, &rows[b][..b]);
            row.push(s / rows[b][b]);
        }
        let d2 = c[r * m + r] - dot(&row, &row);
        if d2.is_finite() && d2 > floor(r) {
            row.push(d2.sqrt());
            acc.push(r);
            rows.push(row);
        }
    }
    let na = acc.len();
    let mut l = vec![0.0; na * na];
    for (b, row) in rows.iter().enumerate() {
        for (c2, &v) in row.iter().enumerate() {
            l[c2 * na + b] = v;
        }
    }
    (acc, l)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A random SPD p x p matrix (B^T B + 0.1 I).
    fn spd(p: usize, seed: u64) -> Vec<f64> {
        let mut rng = crate::testing::Lcg::new(seed);
        let mut rnd = || rng.centered();
        let b: Vec<f64> = (0..p * p).map(|_| rnd()).collect();
        let mut g = vec![0.0; p * p];
        for i in 0..p {
            for j in 0..p {
                let mut v = if i == j { 0.1 } else { 0.0 };
                for t in 0..p {
                    v += b[i * p + t] * b[j * p + t];
                }
                g[j * p + i] = v;
            }
        }
        g
    }

    /// max |G_SS x - rhs|
    fn residual(g: &[f64], p: usize, s: &[usize], x: &[f64], rhs: &[f64]) -> f64 {
        let mut worst = 0.0f64;
        for (a, &i) in s.iter().enumerate() {
            let mut v = -rhs[a];
            for (b, &j) in s.iter().enumerate() {
                v += g[j * p + i] * x[b];
            }
            worst = worst.max(v.abs());
        }
        worst
    }

    fn vals(j: usize) -> [f64; 2] {
        [
            (j as f64 * 0.37).sin(),
            if j.is_multiple_of(3) { -1.0 } else { 1.0 },
        ]
    }

    /// the right-hand side c0 a_S + c1 b_S in the factor's order
    fn rhs(f: &GrowingCholesky, c: [f64; 2]) -> Vec<f64> {
        rhs_of(f, vals, c)
    }

    /// the same for other tracked values `v(j)` = (a_j, b_j)
    fn rhs_of(f: &GrowingCholesky, v: impl Fn(usize) -> [f64; 2], c: [f64; 2]) -> Vec<f64> {
        (f.coords().iter())
            .map(|&j| c[0] * v(j)[0] + c[1] * v(j)[1])
            .collect()
    }

    #[test]
    fn appends_and_removals_keep_solving_the_current_system() {
        let p = 40;
        let g = spd(p, 7);
        let mut f = GrowingCholesky::new(p);
        let mut x = Vec::new();
        assert!(f.append(&g, &[3, 17, 5], vals).is_empty());
        f.solve([1.0, -0.5], &mut x);
        assert!(residual(&g, p, f.coords(), &x, &rhs(&f, [1.0, -0.5])) < 1e-10);
        // a block large enough for the blocked factorization, then removals at both ends
        assert!(
            f.append(&g, &(6..17).chain(18..39).collect::<Vec<_>>(), vals)
                .is_empty()
        );
        f.solve([1.0, 0.25], &mut x);
        assert!(residual(&g, p, f.coords(), &x, &rhs(&f, [1.0, 0.25])) < 1e-10);
        for j in [3, 38, 20] {
            f.remove(j);
        }
        f.solve([0.5, 1.0], &mut x);
        assert!(residual(&g, p, f.coords(), &x, &rhs(&f, [0.5, 1.0])) < 1e-10);
        for j in 6..39 {
            f.remove(j);
        }
        assert!(f.append(&g, &(20..40).collect::<Vec<_>>(), vals).is_empty());
        for j in [17, 25, 39, 3] {
            f.remove(j);
            assert!(!f.contains(j));
        }
        assert!(f.append(&g, &[0, 1, 17], vals).is_empty());
        assert_eq!(f.len(), 22);
        for c in [[1.0, -2.0], [0.5, 0.1], [1.0, 0.0]] {
            f.solve(c, &mut x);
            let r = residual(&g, p, f.coords(), &x, &rhs(&f, c));
            assert!(r < 1e-10, "{c:?}: residual {r}");
        }
    }

    #[test]
    fn changed_right_hand_sides_are_picked_up() {
        let p = 12;
        let g = spd(p, 3);
        let mut f = GrowingCholesky::new(p);
        assert!(f.append(&g, &(0..p).collect::<Vec<_>>(), vals).is_empty());
        let flipped = |j: usize| [vals(j)[0], -vals(j)[1]];
        f.set_rhs(flipped);
        let mut x = Vec::new();
        f.solve([1.0, 1.0], &mut x);
        let want = rhs_of(&f, flipped, [1.0, 1.0]);
        assert!(residual(&g, p, f.coords(), &x, &want) < 1e-10);
    }

    #[test]
    fn late_changes_redo_only_the_rows_below_them_and_still_solve() {
        let p = 36;
        let g = spd(p, 11);
        let mut f = GrowingCholesky::new(p);
        let mut x = Vec::new();
        assert!(f.append(&g, &(0..30).collect::<Vec<_>>(), vals).is_empty());
        f.solve([1.0, -0.5], &mut x);
        // one right-hand side changed at position 25, then a removal at 20: rows from 20 on
        // are stale, the ones above are kept
        let changed = |j: usize| if j == 25 { [2.0, -1.0] } else { vals(j) };
        f.set_rhs(changed);
        assert_eq!(f.fwd_from, 25);
        f.remove(20);
        assert_eq!(f.fwd_from, 20);
        let kept: Vec<f64> = f.fwd[0][..20].to_vec();
        f.solve([1.0, 0.3], &mut x);
        assert_eq!(&f.fwd[0][..20], &kept[..]);
        let r = residual(&g, p, f.coords(), &x, &rhs_of(&f, changed, [1.0, 0.3]));
        assert!(r < 1e-10, "residual {r}");
        // a removal near the end followed by an append: the new rows need the forward solves
        // brought up to date first
        f.remove(28);
        assert!(f.append(&g, &[31, 33], changed).is_empty());
        f.solve([0.5, 1.0], &mut x);
        let r = residual(&g, p, f.coords(), &x, &rhs_of(&f, changed, [0.5, 1.0]));
        assert!(r < 1e-10, "residual {r}");
    }

    #[test]
    fn a_collinear_coordinate_is_refused_and_the_rest_still_solve() {
        // column 2 = column 0 + column 1 of a 3-column design: G is singular
        let z = [1.0, 2.0, 0.0, 1.0, 0.5, -1.0, 3.0, 1.0, 1.5, 1.0, 3.0, 2.0];
        let (n, p) = (4, 3);
        let mut g = vec![0.0; p * p];
        for i in 0..p {
            for j in 0..p {
                g[j * p + i] = (0..n).map(|t| z[i * n + t] * z[j * n + t]).sum();
            }
        }
        let mut f = GrowingCholesky::new(p);
        assert_eq!(f.append(&g, &[0, 1, 2], vals), vec![2]);
        let mut x = Vec::new();
        f.solve([1.0, 0.0], &mut x);
        assert!(residual(&g, p, &[0, 1], &x, &rhs(&f, [1.0, 0.0])) < 1e-12);
    }
}
