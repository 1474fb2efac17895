//! Stability selection (Meinshausen and Bühlmann 2010), with complementary pairs (Shah and
//! Samworth 2013): is the lasso's choice of features a property of the table or of the
//! sample? The path is refitted on many subsamples of the rows, on the full data's grid,
//! and each feature's selection probability at each alpha is the fraction of subsample
//! fits in which its coefficient is nonzero.
//!
//! With `sample_fraction` 0.5 the subsamples come in complementary pairs: one seeded
//! shuffle of the rows per pair, cut into two disjoint halves. Otherwise each subsample is
//! the first `round(fraction n)` rows of its own shuffle. Each subsample is prepared
//! (centred and scaled) on its own rows, as a CV fold is.
//!
//! The bound on the expected number of falsely selected features of a threshold
//! pi > 1/2 is E(V) <= q^2 / ((2 pi - 1) p), q the mean number of features a subsample
//! fit selects anywhere in the region of the path considered; it holds for complementary
//! pairs without the exchangeability assumption of the original result (Shah and
//! Samworth, Theorem 1). As in R's `stabs`, the region is chosen from a tolerated number
//! of false selections (`pfer`): it runs from the largest alpha down as far as q stays at
//! most sqrt(pfer (2 pi - 1) p), and the selected features are those whose probability
//! reaches the threshold somewhere in it. Further down the path every feature enters, and
//! selection there says nothing.

use std::sync::atomic::{AtomicUsize, Ordering};

use ndarray::{Array1, Array2};
use rayon::prelude::*;

use super::folds::permutation;
use super::{
    Cancelled, Control, FoldMoments, GramDesign, Moments, PathSettings, Prepared, Stage, fit_path,
    fit_path_gram,
};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StabilitySettings {
    /// subsamples (pairs of them with a sample fraction of 0.5)
    pub bootstrap: usize,
    pub sample_fraction: f64,
    pub threshold: f64,
    /// tolerated expected number of false selections: bounds the region of the path
    pub pfer: f64,
    pub seed: u64,
}

#[derive(Debug, Clone)]
pub struct Stability {
    /// the rows of every subsample (its folds, from statistics)
    pub subsamples: Vec<Vec<usize>>,
    pub complementary_pairs: bool,
    /// m x p: the fraction of subsample fits with coefficient j nonzero at alpha i
    pub probability: Array2<f64>,
    /// per alpha i: the mean number of features a subsample fit selects at alphas 0..=i
    pub q_prefix: Vec<f64>,
    /// the region considered: alphas 0..=region_end (None: even the largest alpha
    /// selects more than the pfer allows)
    pub region_end: Option<usize>,
    /// per feature, the largest probability in the region (0 without one)
    pub max_probability: Vec<f64>,
    /// features whose probability reaches the threshold in the region
    pub selected: Vec<usize>,
    /// q of the region (q_prefix at its end)
    pub q: f64,
    /// the bound q^2 / ((2 pi - 1) p) on falsely selected features (None for pi <= 1/2)
    pub ev_bound: Option<f64>,
}

/// The seed of subsample (or pair) `b`.
fn seed_of(seed: u64, b: usize) -> u64 {
    seed.wrapping_add((b as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// The rows of each subsample of `n` rows.
pub fn subsamples(n: usize, st: &StabilitySettings) -> Vec<Vec<usize>> {
    let seed_of = |b: usize| seed_of(st.seed, b);
    if st.sample_fraction == 0.5 {
        let half = n / 2;
        (0..st.bootstrap)
            .flat_map(|b| {
                let perm = permutation(n, seed_of(b));
                [perm[..half].to_vec(), perm[half..2 * half].to_vec()]
            })
            .collect()
    } else {
        let size = ((st.sample_fraction * n as f64).round() as usize).clamp(1, n);
        (0..st.bootstrap)
            .map(|b| permutation(n, seed_of(b))[..size].to_vec())
            .collect()
    }
}

/// The bound q^2 / ((2 pi - 1) p), for pi > 1/2.
pub fn ev_bound(q: f64, threshold: f64, p: usize) -> Option<f64> {
    (threshold > 0.5 && p > 0).then(|| q * q / ((2.0 * threshold - 1.0) * p as f64))
}

/// Stability selection of `prep`'s model (`s`, with its grid fixed in `s.alphas`).
pub fn stability(
    prep: &Prepared,
    s: &PathSettings,
    st: &StabilitySettings,
    ctl: &Control,
) -> Result<Stability, Cancelled> {
    let (n, p) = (prep.n(), prep.p());
    let m = s.alphas.as_ref().map_or(0, Vec::len);
    let subs = subsamples(n, st);
    let done = AtomicUsize::new(0);
    ctl.report(Stage::Subsamples, 0, subs.len());
    let fits: Vec<Result<Array2<bool>, Cancelled>> = subs
        .par_iter()
        .map(|rows| {
            ctl.check()?;
            let sub = subsample(prep, rows);
            let path = fit_path(&sub, s, &ctl.silent())?;
            let k = done.fetch_add(1, Ordering::Relaxed) + 1;
            ctl.report(Stage::Subsamples, k, subs.len());
            Ok(path.coef.mapv(|v| v != 0.0))
        })
        .collect();
    let fits = fits.into_iter().collect::<Result<Vec<_>, Cancelled>>()?;
    Ok(aggregate(fits, subs, st.sample_fraction == 0.5, m, p, st))
}

/// Stability selection from per-fold statistics, when the rows are not at hand: each
/// pair of subsamples is a seeded split of the K folds into two halves (K even), each
/// half's statistics the merge of its folds', prepared on its own and fitted on the
/// full data's grid (`s.alphas`). The folds are a seeded random partition of the rows, so
/// each half is a random half-sample; with few folds the splits repeat (K = 4 has 3).
/// `subsamples` then lists the folds of each half.
pub fn stability_from_folds(
    fm: &FoldMoments,
    standardize: bool,
    fit_intercept: bool,
    s: &PathSettings,
    st: &StabilitySettings,
    ctl: &Control,
) -> Result<Result<Stability, Cancelled>, String> {
    let (k, p) = (fm.k(), fm.p());
    if k < 4 || k % 2 != 0 {
        return Err(format!(
            "stability selection from statistics splits the folds into halves: it needs an even number of folds, at least 4, and these statistics have {k}; write them with --folds 10"
        ));
    }
    let m = s.alphas.as_ref().map_or(0, Vec::len);
    let halves: Vec<Vec<usize>> = (0..st.bootstrap)
        .flat_map(|b| {
            let perm = permutation(k, seed_of(st.seed, b));
            [perm[..k / 2].to_vec(), perm[k / 2..].to_vec()]
        })
        .collect();
    let done = AtomicUsize::new(0);
    ctl.report(Stage::Subsamples, 0, halves.len());
    let fits: Vec<Result<Result<Array2<bool>, Cancelled>, String>> = halves
        .par_iter()
        .map(|folds| {
            if ctl.check().is_err() {
                return Ok(Err(Cancelled));
            }
            let mut half = Moments::empty(p);
            for &f in folds {
                half.merge(fm.fold(f));
            }
            let gd = GramDesign::from_moments(&half, standardize, fit_intercept)?;
            let path = match fit_path_gram(&gd, None, s, &ctl.silent()) {
                Ok(path) => path,
                Err(c) => return Ok(Err(c)),
            };
            let d = done.fetch_add(1, Ordering::Relaxed) + 1;
            ctl.report(Stage::Subsamples, d, halves.len());
            Ok(Ok(path.coef.mapv(|v| v != 0.0)))
        })
        .collect();
    let mut nz = Vec::with_capacity(fits.len());
    for f in fits {
        match f? {
            Ok(x) => nz.push(x),
            Err(c) => return Ok(Err(c)),
        }
    }
    Ok(Ok(aggregate(nz, halves, true, m, p, st)))
}

/// Selection probabilities, the region, the selected set and the bound from the
/// nonzero patterns (m x p) of the subsample fits.
fn aggregate(
    fits: Vec<Array2<bool>>,
    subs: Vec<Vec<usize>>,
    complementary_pairs: bool,
    m: usize,
    p: usize,
    st: &StabilitySettings,
) -> Stability {
    let total = subs.len().max(1) as f64;
    let mut probability = Array2::<f64>::zeros((m, p));
    // entered[i]: features first selected at alpha i, summed over subsamples
    let mut entered = vec![0.0; m];
    for nz in fits {
        for ((i, j), &on) in nz.indexed_iter() {
            if on && i < m {
                probability[(i, j)] += 1.0;
            }
        }
        for j in 0..p {
            if let Some(i) = nz.column(j).iter().position(|&v| v) {
                entered[i] += 1.0;
            }
        }
    }
    probability.mapv_inplace(|c| c / total);
    let q_prefix: Vec<f64> = entered
        .iter()
        .scan(0.0, |acc, e| {
            *acc += e / total;
            Some(*acc)
        })
        .collect();
    let q_max = if st.threshold > 0.5 {
        (st.pfer * (2.0 * st.threshold - 1.0) * p as f64).sqrt()
    } else {
        f64::INFINITY
    };
    let region_end = q_prefix.iter().rposition(|&q| q <= q_max + 1e-12);
    let max_probability: Vec<f64> = (0..p)
        .map(|j| match region_end {
            Some(e) => probability
                .column(j)
                .iter()
                .take(e + 1)
                .fold(0.0f64, |a, &v| a.max(v)),
            None => 0.0,
        })
        .collect();
    let selected = (0..p)
        .filter(|&j| region_end.is_some() && max_probability[j] >= st.threshold)
        .collect();
    let q = region_end.map_or(0.0, |e| q_prefix[e]);
    Stability {
        complementary_pairs,
        subsamples: subs,
        probability,
        q_prefix,
        region_end,
        max_probability,
        selected,
        q,
        ev_bound: ev_bound(q, st.threshold, p),
    }
}

/// The rows `rows` of `prep` in their original units, prepared on their own.
pub fn subsample(prep: &Prepared, rows: &[usize]) -> Prepared {
    let (n, p) = (prep.n(), prep.p());
    let (z, y) = (prep.z_slice(), prep.y_slice());
    let x = Array2::from_shape_fn((rows.len(), p), |(r, j)| {
        z[j * n + rows[r]] * prep.scale()[j] + prep.x_mean()[j]
    });
    let y = Array1::from_shape_fn(rows.len(), |r| y[rows[r]] + prep.y_mean());
    Prepared::new(x, y, prep.standardize(), prep.fit_intercept())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solver::{ModelKind, path_alphas};

    fn settings(b: usize, fraction: f64) -> StabilitySettings {
        StabilitySettings {
            bootstrap: b,
            sample_fraction: fraction,
            threshold: 0.75,
            pfer: 1.0,
            seed: 11,
        }
    }

    #[test]
    fn complementary_pairs_are_disjoint_halves() {
        let subs = subsamples(101, &settings(4, 0.5));
        assert_eq!(subs.len(), 8);
        for pair in subs.chunks(2) {
            assert_eq!(pair[0].len(), 50);
            assert_eq!(pair[1].len(), 50);
            assert!(pair[0].iter().all(|r| !pair[1].contains(r)));
        }
        assert_ne!(subs[0], subs[2], "each pair has its own shuffle");
        let plain = subsamples(100, &settings(3, 0.7));
        assert_eq!(plain.len(), 3);
        assert!(plain.iter().all(|s| s.len() == 70));
        assert_eq!(subsamples(100, &settings(3, 0.7)), plain, "seeded");
    }

    #[test]
    fn probabilities_count_the_subsample_fits_and_find_the_true_features() {
        let (n, p) = (160, 40);
        let mut state = 5u64;
        let mut noise = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
            ((state >> 11) as f64 / (1u64 << 53) as f64) - 0.5
        };
        let x = Array2::from_shape_fn((n, p), |_| noise());
        let y = Array1::from_shape_fn(n, |i| {
            3.0 * x[(i, 1)] - 2.0 * x[(i, 4)] + 2.5 * x[(i, 7)] + 0.3 * noise()
        });
        let prep = Prepared::new(x, y, true, true);
        let mut s = PathSettings {
            kind: ModelKind::Lasso,
            l1_ratio: 1.0,
            n_alphas: 20,
            tol: 1e-10,
            ..PathSettings::default()
        };
        s.alphas = Some(path_alphas(&prep, &s));
        let st = settings(10, 0.5);
        let r = stability(&prep, &s, &st, &Control::none()).unwrap();
        // the counts, refitted here subsample by subsample
        let m = s.alphas.as_ref().unwrap().len();
        let mut counts = Array2::<f64>::zeros((m, p));
        for rows in subsamples(n, &st) {
            let path = fit_path(&subsample(&prep, &rows), &s, &Control::none()).unwrap();
            for ((i, j), v) in path.coef.indexed_iter() {
                if *v != 0.0 {
                    counts[(i, j)] += 1.0;
                }
            }
        }
        for ((i, j), c) in counts.indexed_iter() {
            assert_eq!(r.probability[(i, j)] * 20.0, *c, "alpha {i} feature {j}");
        }
        // q at most sqrt(pfer (2 pi - 1) p) = sqrt(20) in the region, the bound at most pfer
        let end = r.region_end.unwrap();
        assert!(r.q_prefix[end] <= 20f64.sqrt());
        assert!(end + 1 == m || r.q_prefix[end + 1] > 20f64.sqrt());
        assert!(r.q_prefix.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(r.selected, [1, 4, 7]);
        let want = r.q * r.q / ((2.0 * 0.75 - 1.0) * p as f64);
        assert_eq!(r.ev_bound, Some(want));
        assert!(want <= 1.0);
        // the whole path would select every feature
        assert!((0..p).all(|j| r.probability[(m - 1, j)] > 0.5));
        assert_eq!(ev_bound(2.0, 0.5, 10), None);
    }

    /// From per-fold statistics each subsample is a half of the folds; its fit equals
    /// the Gram fit of those folds' rows, prepared on their own.
    #[test]
    fn halves_of_folds_are_the_fits_of_their_rows() {
        let (n, p, k) = (200, 12, 6);
        let mut state = 9u64;
        let mut noise = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
            ((state >> 11) as f64 / (1u64 << 53) as f64) - 0.5
        };
        let x = Array2::from_shape_fn((n, p), |_| noise());
        let y = Array1::from_shape_fn(n, |i| 2.0 * x[(i, 0)] - x[(i, 3)] + 0.2 * noise());
        let folds = crate::solver::assign_folds(n, k, 3);
        let mut fm = FoldMoments::new(k, p);
        let xs: Vec<f64> = x.t().iter().copied().collect(); // column-major
        let ids: Vec<u32> = folds.iter().map(|&f| f as u32).collect();
        fm.add_block(&xs, y.as_slice().unwrap(), &ids);
        let prep = Prepared::new(x, y, true, true);
        let mut s = PathSettings {
            kind: ModelKind::Lasso,
            l1_ratio: 1.0,
            n_alphas: 15,
            tol: 1e-10,
            ..PathSettings::default()
        };
        s.alphas = Some(path_alphas(&prep, &s));
        let st = settings(4, 0.5);
        let r = stability_from_folds(&fm, true, true, &s, &st, &Control::none())
            .unwrap()
            .unwrap();
        assert_eq!(r.subsamples.len(), 8);
        for pair in r.subsamples.chunks(2) {
            assert_eq!(pair[0].len() + pair[1].len(), k);
            assert!(
                pair[0].iter().all(|f| !pair[1].contains(f)),
                "complementary"
            );
        }
        let m = s.alphas.as_ref().unwrap().len();
        let mut counts = Array2::<f64>::zeros((m, p));
        for half in &r.subsamples {
            let rows: Vec<usize> = (0..n).filter(|&i| half.contains(&folds[i])).collect();
            let gd = GramDesign::from_prepared(&subsample(&prep, &rows));
            let path = fit_path_gram(&gd, None, &s, &Control::none()).unwrap();
            for ((i, j), v) in path.coef.indexed_iter() {
                if *v != 0.0 {
                    counts[(i, j)] += 1.0;
                }
            }
        }
        let diff = counts
            .iter()
            .zip(r.probability.iter())
            .filter(|(c, pr)| (**c - **pr * 8.0).abs() > 1e-9)
            .count();
        // the statistics and the rows round differently: at most a borderline entry
        assert!(diff <= 2, "{diff} entries differ");
        assert!(
            r.selected.contains(&0) && r.selected.contains(&3),
            "{:?}",
            r.selected
        );
        // odd or too few folds cannot be halved
        let five = FoldMoments::new(5, p);
        assert!(stability_from_folds(&five, true, true, &s, &st, &Control::none()).is_err());
    }
}
