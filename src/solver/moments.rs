//! Sufficient statistics of a block of rows: the boundary between the data and the solvers.
//!
//! For n >= p every fit, CV curve and number on screen needs only, per fold: the row count,
//! the column means, the centred cross-products of the features and with the target, and
//! the target's centred sum of squares (docs/spec.md §8). Statistics of disjoint parts merge
//! exactly (Chan, Golub and LeVeque 1979, the pairwise update), so they can be accumulated
//! batch by batch from a file in bounded memory, on several cores, or on a cluster, and the
//! training statistics of a CV fold are the merge of the other folds'.
//!
//! Overflow: a column is stored divided by a power of two `unit[j]` chosen from its largest
//! magnitude (1 unless the magnitude is beyond `HUGE`), so no square overflows even for
//! values near the float limit; powers of two rescale exactly. Standardized quantities do
//! not depend on the unit, so such a column fits like any other.

use super::linalg::gram;

/// Magnitudes above this are stored scaled down: their squares (and sums of squares over
/// many rows) would come close to the float limit.
const HUGE: f64 = 1e150;

/// The power of two a column with largest magnitude `max_abs` is stored divided by.
pub fn unit_for(max_abs: f64) -> f64 {
    if max_abs.is_finite() && max_abs > HUGE {
        // the smallest power of two >= max_abs, so stored values are within [-1, 1]
        2f64.powi(max_abs.log2().ceil() as i32)
    } else {
        1.0
    }
}

/// Count, means and centred co-moments of the rows seen so far.
#[derive(Debug, Clone, PartialEq)]
pub struct Moments {
    p: usize,
    n: u64,
    /// column means, in stored units (x / unit)
    mean: Vec<f64>,
    ymean: f64,
    /// p x p column-major: sum (x - mean)(x - mean)^T, stored units
    c: Vec<f64>,
    /// sum (x - mean)(y - ymean), stored units
    cy: Vec<f64>,
    /// sum (y - ymean)^2
    syy: f64,
    /// largest |x| per column, original units (the constant-column test of docs/spec.md §2)
    max_abs: Vec<f64>,
    /// what each column is stored divided by (a power of two)
    unit: Vec<f64>,
}

impl Moments {
    /// The statistics of no rows.
    pub fn empty(p: usize) -> Moments {
        Moments {
            p,
            n: 0,
            mean: vec![0.0; p],
            ymean: 0.0,
            c: vec![0.0; p * p],
            cy: vec![0.0; p],
            syy: 0.0,
            max_abs: vec![0.0; p],
            unit: vec![1.0; p],
        }
    }

    /// The statistics of a block of rows: `x` column-major (rows x p), `y` one per row.
    /// The block is centred by its own means before the product, so the result is as
    /// accurate as a two-pass computation.
    pub fn from_block(x: &[f64], y: &[f64], p: usize) -> Moments {
        let rows = y.len();
        assert_eq!(x.len(), rows * p, "x must be rows x p");
        let mut m = Moments::empty(p);
        if rows == 0 {
            return m;
        }
        let nf = rows as f64;
        let mut xc = vec![0.0; rows * p];
        for j in 0..p {
            let col = &x[j * rows..(j + 1) * rows];
            let max_abs = col.iter().fold(0.0f64, |a, v| a.max(v.abs()));
            let unit = unit_for(max_abs);
            let inv = 1.0 / unit;
            let out = &mut xc[j * rows..(j + 1) * rows];
            for (o, v) in out.iter_mut().zip(col) {
                *o = v * inv;
            }
            let mean = two_pass_mean(out);
            out.iter_mut().for_each(|v| *v -= mean);
            m.mean[j] = mean;
            m.max_abs[j] = max_abs;
            m.unit[j] = unit;
        }
        let ymean = two_pass_mean(y);
        let yc: Vec<f64> = y.iter().map(|v| v - ymean).collect();
        m.c = gram(&xc, rows, p);
        for j in 0..p {
            m.cy[j] = super::soft::dot(&xc[j * rows..(j + 1) * rows], &yc);
        }
        m.syy = super::soft::dot(&yc, &yc);
        m.ymean = ymean;
        m.n = rows as u64;
        debug_assert!(nf > 0.0);
        m
    }

    pub fn p(&self) -> usize {
        self.p
    }

    /// Number of rows.
    pub fn n(&self) -> u64 {
        self.n
    }

    /// Column means in original units.
    pub fn mean(&self, j: usize) -> f64 {
        self.mean[j] * self.unit[j]
    }

    pub fn ymean(&self) -> f64 {
        self.ymean
    }

    pub fn syy(&self) -> f64 {
        self.syy
    }

    pub fn max_abs(&self, j: usize) -> f64 {
        self.max_abs[j]
    }

    /// The stored unit of column j (a power of two; 1 unless the column is huge).
    pub fn unit(&self, j: usize) -> f64 {
        self.unit[j]
    }

    /// Means in stored units (x / unit).
    pub fn stored_mean(&self) -> &[f64] {
        &self.mean
    }

    /// Centred cross-products in stored units, p x p column-major.
    pub fn stored_c(&self) -> &[f64] {
        &self.c
    }

    /// Centred cross-products with y, stored units.
    pub fn stored_cy(&self) -> &[f64] {
        &self.cy
    }

    /// Bring every column to at least the units of `unit` (powers of two: exact).
    fn rescale_to(&mut self, unit: &[f64]) {
        let p = self.p;
        let f: Vec<f64> = (0..p)
            .map(|j| self.unit[j] / unit[j].max(self.unit[j]))
            .collect();
        if f.iter().all(|&v| v == 1.0) {
            return;
        }
        for j in 0..p {
            for i in 0..p {
                self.c[j * p + i] *= f[i] * f[j];
            }
            self.cy[j] *= f[j];
            self.mean[j] *= f[j];
            self.unit[j] = self.unit[j].max(unit[j]);
        }
    }

    /// Merge the statistics of disjoint rows `other` into `self` (Chan, Golub, LeVeque).
    pub fn merge(&mut self, other: &Moments) {
        assert_eq!(self.p, other.p, "merging statistics of different widths");
        if other.n == 0 {
            return;
        }
        if self.n == 0 {
            let max_abs = std::mem::take(&mut self.max_abs);
            *self = other.clone();
            for (a, b) in self.max_abs.iter_mut().zip(max_abs) {
                *a = a.max(b);
            }
            return;
        }
        let p = self.p;
        let needs_rescale = self.unit != other.unit;
        let scaled;
        let other = if needs_rescale {
            let unit: Vec<f64> = (0..p).map(|j| self.unit[j].max(other.unit[j])).collect();
            self.rescale_to(&unit);
            let mut o = other.clone();
            o.rescale_to(&unit);
            scaled = o;
            &scaled
        } else {
            other
        };
        let (na, nb) = (self.n as f64, other.n as f64);
        let n = na + nb;
        let w = na * nb / n;
        let delta: Vec<f64> = (0..p).map(|j| other.mean[j] - self.mean[j]).collect();
        let dy = other.ymean - self.ymean;
        for j in 0..p {
            let dj = w * delta[j];
            let cs = &mut self.c[j * p..(j + 1) * p];
            let co = &other.c[j * p..(j + 1) * p];
            for i in 0..p {
                cs[i] += co[i] + dj * delta[i];
            }
            self.cy[j] += other.cy[j] + dj * dy;
            self.mean[j] += delta[j] * nb / n;
            self.max_abs[j] = self.max_abs[j].max(other.max_abs[j]);
        }
        self.syy += other.syy + w * dy * dy;
        self.ymean += dy * nb / n;
        self.n += other.n;
    }

    /// Rebuild from stored parts (a statistics file): the inverse of the accessors.
    #[allow(clippy::too_many_arguments)]
    pub fn from_parts(
        p: usize,
        n: u64,
        mean: Vec<f64>,
        ymean: f64,
        c: Vec<f64>,
        cy: Vec<f64>,
        syy: f64,
        max_abs: Vec<f64>,
        unit: Vec<f64>,
    ) -> Result<Moments, String> {
        if mean.len() != p
            || cy.len() != p
            || max_abs.len() != p
            || unit.len() != p
            || c.len() != p * p
        {
            return Err(format!("statistics of width {p} have parts of other sizes"));
        }
        Ok(Moments {
            p,
            n,
            mean,
            ymean,
            c,
            cy,
            syy,
            max_abs,
            unit,
        })
    }
}

/// Per-fold statistics: fold k holds the rows whose fold id is k.
#[derive(Debug, Clone, PartialEq)]
pub struct FoldMoments {
    folds: Vec<Moments>,
    p: usize,
}

impl FoldMoments {
    pub fn new(k: usize, p: usize) -> FoldMoments {
        FoldMoments {
            folds: (0..k.max(1)).map(|_| Moments::empty(p)).collect(),
            p,
        }
    }

    pub fn from_folds(folds: Vec<Moments>) -> FoldMoments {
        let p = folds.first().map_or(0, Moments::p);
        FoldMoments { folds, p }
    }

    pub fn k(&self) -> usize {
        self.folds.len()
    }

    pub fn p(&self) -> usize {
        self.p
    }

    pub fn fold(&self, f: usize) -> &Moments {
        &self.folds[f]
    }

    pub fn folds(&self) -> &[Moments] {
        &self.folds
    }

    /// Grow to at least `k` folds (fold ids read from a column as they come).
    pub fn ensure_folds(&mut self, k: usize) {
        let p = self.p();
        while self.folds.len() < k {
            self.folds.push(Moments::empty(p));
        }
    }

    /// Rows per fold.
    pub fn counts(&self) -> Vec<u64> {
        self.folds.iter().map(Moments::n).collect()
    }

    /// Fold a block of rows in: `x` column-major (rows x p), `y` and `fold` one per row,
    /// fold ids in 0..k. Rows are gathered by fold, then each fold's part is added.
    pub fn add_block(&mut self, x: &[f64], y: &[f64], fold: &[u32]) {
        let rows = y.len();
        let p = self.p();
        assert_eq!(fold.len(), rows, "one fold id per row");
        let k = self.k();
        if k == 1 {
            let b = Moments::from_block(x, y, p);
            self.folds[0].merge(&b);
            return;
        }
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); k];
        for (i, &f) in fold.iter().enumerate() {
            members[f as usize].push(i);
        }
        for (f, rows_f) in members.iter().enumerate() {
            if rows_f.is_empty() {
                continue;
            }
            let nf = rows_f.len();
            let mut xf = vec![0.0; nf * p];
            for j in 0..p {
                let src = &x[j * rows..(j + 1) * rows];
                for (o, &i) in xf[j * nf..(j + 1) * nf].iter_mut().zip(rows_f) {
                    *o = src[i];
                }
            }
            let yf: Vec<f64> = rows_f.iter().map(|&i| y[i]).collect();
            let b = Moments::from_block(&xf, &yf, p);
            self.folds[f].merge(&b);
        }
    }

    /// Merge the statistics of other rows (another batch reader, another file).
    pub fn merge(&mut self, other: &FoldMoments) {
        assert_eq!(
            self.k(),
            other.k(),
            "merging statistics with different folds"
        );
        for (a, b) in self.folds.iter_mut().zip(&other.folds) {
            a.merge(b);
        }
    }

    /// All rows: the folds merged in order (a fixed order, so results are reproducible).
    pub fn total(&self) -> Moments {
        let mut t = Moments::empty(self.p());
        for f in &self.folds {
            t.merge(f);
        }
        t
    }

    /// The training rows of fold `f`: every other fold, merged in order.
    pub fn complement(&self, f: usize) -> Moments {
        let mut t = Moments::empty(self.p());
        for (g, m) in self.folds.iter().enumerate() {
            if g != f {
                t.merge(m);
            }
        }
        t
    }
}

/// The mean with a correction pass, as accurate as the data allow.
fn two_pass_mean(v: &[f64]) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    let nf = v.len() as f64;
    let m0 = v.iter().sum::<f64>() / nf;
    m0 + v.iter().map(|x| x - m0).sum::<f64>() / nf
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Column-major rows x p data with shifted, scaled columns (one of them huge).
    fn data(rows: usize, p: usize, seed: u64, huge: bool) -> (Vec<f64>, Vec<f64>) {
        let mut rng = crate::testing::Lcg::mixed(seed);
        let mut next = || rng.centered();
        let mut x = vec![0.0; rows * p];
        for j in 0..p {
            let (shift, scale) = if huge && j == 0 {
                (0.0, 4e307)
            } else {
                (j as f64 * 10.0, 1.0 + j as f64)
            };
            for i in 0..rows {
                x[j * rows + i] = shift + scale * next();
            }
        }
        let y = (0..rows)
            .map(|i| x[i] * 1e-307 * f64::from(huge) + next() * 3.0 + 1.0)
            .collect();
        (x, y)
    }

    /// Direct two-pass statistics, in original units (finite data only).
    fn direct(x: &[f64], y: &[f64], p: usize) -> (Vec<f64>, Vec<f64>, Vec<f64>, f64) {
        let rows = y.len();
        let mean: Vec<f64> = (0..p)
            .map(|j| two_pass_mean(&x[j * rows..(j + 1) * rows]))
            .collect();
        let ym = two_pass_mean(y);
        let mut c = vec![0.0; p * p];
        let mut cy = vec![0.0; p];
        for j in 0..p {
            for i in 0..p {
                c[j * p + i] = (0..rows)
                    .map(|r| (x[i * rows + r] - mean[i]) * (x[j * rows + r] - mean[j]))
                    .sum();
            }
            cy[j] = (0..rows)
                .map(|r| (x[j * rows + r] - mean[j]) * (y[r] - ym))
                .sum();
        }
        let syy = y.iter().map(|v| (v - ym) * (v - ym)).sum();
        (mean, c, cy, syy)
    }

    fn close(a: f64, b: f64, scale: f64) -> bool {
        (a - b).abs() <= 1e-12 * scale.max(1e-300)
    }

    /// Split `rows` at the given cut points.
    fn block(x: &[f64], rows: usize, p: usize, lo: usize, hi: usize) -> Vec<f64> {
        let mut out = Vec::with_capacity((hi - lo) * p);
        for j in 0..p {
            out.extend_from_slice(&x[j * rows + lo..j * rows + hi]);
        }
        out
    }

    #[test]
    fn one_block_matches_the_direct_two_pass_statistics() {
        let (rows, p) = (37, 5);
        let (x, y) = data(rows, p, 3, false);
        let m = Moments::from_block(&x, &y, p);
        let (mean, c, cy, syy) = direct(&x, &y, p);
        assert_eq!(m.n(), rows as u64);
        for j in 0..p {
            assert!(close(m.mean(j), mean[j], mean[j].abs()));
            assert!(close(
                m.stored_cy()[j],
                cy[j],
                syy.sqrt() * c[j * p + j].sqrt()
            ));
            for i in 0..p {
                let s = (c[i * p + i] * c[j * p + j]).sqrt();
                assert!(close(m.stored_c()[j * p + i], c[j * p + i], s));
            }
        }
        assert!(close(m.syy(), syy, syy));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Accumulating any split of the rows and merging equals the one-shot statistics.
        #[test]
        fn merged_batches_equal_one_shot(
            rows in 2usize..120,
            p in 1usize..7,
            seed in any::<u64>(),
            cuts in proptest::collection::vec(0usize..120, 0..6),
            huge in any::<bool>(),
        ) {
            let (x, y) = data(rows, p, seed, huge);
            let whole = Moments::from_block(&x, &y, p);
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c % (rows + 1)).collect();
            cuts.push(0);
            cuts.push(rows);
            cuts.sort_unstable();
            let mut acc = Moments::empty(p);
            for w in cuts.windows(2) {
                let b = block(&x, rows, p, w[0], w[1]);
                acc.merge(&Moments::from_block(&b, &y[w[0]..w[1]], p));
            }
            prop_assert_eq!(acc.n(), whole.n());
            for j in 0..p {
                prop_assert_eq!(acc.unit(j), whole.unit(j));
                prop_assert_eq!(acc.max_abs(j), whole.max_abs(j));
                let sj = whole.stored_c()[j * p + j].sqrt();
                prop_assert!(close(acc.stored_mean()[j], whole.stored_mean()[j],
                    whole.stored_mean()[j].abs() + sj / (rows as f64).sqrt()));
                prop_assert!(close(acc.stored_cy()[j], whole.stored_cy()[j], sj * whole.syy().sqrt()));
                for i in 0..p {
                    let s = (whole.stored_c()[i * p + i] * whole.stored_c()[j * p + j]).sqrt();
                    prop_assert!(close(acc.stored_c()[j * p + i], whole.stored_c()[j * p + i], s));
                }
            }
            prop_assert!(close(acc.syy(), whole.syy(), whole.syy()));
            prop_assert!(close(acc.ymean(), whole.ymean(), whole.ymean().abs() + (whole.syy() / rows as f64).sqrt()));
        }
    }

    #[test]
    fn huge_columns_are_stored_in_a_power_of_two_unit_and_stay_finite() {
        let (rows, p) = (50, 3);
        let (x, y) = data(rows, p, 9, true);
        let m = Moments::from_block(&x, &y, p);
        assert!(m.unit(0) > 1e307 && m.unit(0).log2().fract() == 0.0);
        assert_eq!(m.unit(1), 1.0);
        assert!(m.stored_c().iter().all(|v| v.is_finite()));
        // the standardized correlation of column 0 with itself is 1, whatever the unit
        let c00 = m.stored_c()[0];
        assert!(c00 > 0.0 && (m.stored_c()[0] / c00 - 1.0).abs() < 1e-15);
        assert!(m.mean(0).is_finite());
    }

    #[test]
    fn folds_split_rows_by_id_and_complements_merge_the_others() {
        let (rows, p) = (40, 3);
        let (x, y) = data(rows, p, 5, false);
        let ids: Vec<u32> = (0..rows as u32).map(|i| (i * 7 + 1) % 4).collect();
        let mut fm = FoldMoments::new(4, p);
        // in two batches, as a streaming reader would
        fm.add_block(&block(&x, rows, p, 0, 17), &y[..17], &ids[..17]);
        fm.add_block(&block(&x, rows, p, 17, rows), &y[17..], &ids[17..]);
        let whole = Moments::from_block(&x, &y, p);
        let total = fm.total();
        assert_eq!(total.n(), rows as u64);
        assert!(close(total.syy(), whole.syy(), whole.syy()));
        for f in 0..4 {
            let own: Vec<usize> = (0..rows).filter(|&i| ids[i] == f as u32).collect();
            assert_eq!(fm.fold(f).n(), own.len() as u64);
            let rest: Vec<usize> = (0..rows).filter(|&i| ids[i] != f as u32).collect();
            let xr: Vec<f64> = (0..p)
                .flat_map(|j| rest.iter().map(move |&i| (j, i)))
                .map(|(j, i)| x[j * rows + i])
                .collect();
            let yr: Vec<f64> = rest.iter().map(|&i| y[i]).collect();
            let direct_rest = Moments::from_block(&xr, &yr, p);
            let comp = fm.complement(f);
            assert_eq!(comp.n(), direct_rest.n());
            for j in 0..p * p {
                assert!(close(
                    comp.stored_c()[j],
                    direct_rest.stored_c()[j],
                    direct_rest.stored_c()[0].abs() * 10.0
                ));
            }
        }
    }

    #[test]
    fn empty_blocks_and_empty_merges_change_nothing() {
        let (x, y) = data(10, 2, 1, false);
        let m = Moments::from_block(&x, &y, 2);
        let mut a = m.clone();
        a.merge(&Moments::empty(2));
        assert_eq!(a, m);
        let mut e = Moments::empty(2);
        e.merge(&m);
        assert_eq!(e, m);
        assert_eq!(Moments::from_block(&[], &[], 2).n(), 0);
    }
}
