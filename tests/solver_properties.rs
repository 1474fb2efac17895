//! Property tests of the numerical core on random problems: every path point meets the
//! KKT conditions and the duality-gap target, and the first grid point is exactly zero.

use ndarray::{Array1, Array2};
use proptest::prelude::*;
use regscope::solver::{Control, ModelKind, PathSettings, Prepared, fit_path};

/// A random design with optional duplicated and constant columns.
fn problem() -> impl Strategy<Value = (Array2<f64>, Array1<f64>)> {
    (1usize..=60, 1usize..=60, any::<u64>(), 0usize..3, 0usize..3).prop_map(
        |(n, p, seed, dups, consts)| {
            let mut state = seed | 1;
            let mut next = move || {
                // xorshift64*: plenty for test data
                state ^= state >> 12;
                state ^= state << 25;
                state ^= state >> 27;
                (state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64 - 0.5
            };
            let mut x = Array2::<f64>::zeros((n, p));
            for v in x.iter_mut() {
                *v = next() * 4.0;
            }
            // neighbouring columns correlated, like real data
            for j in 1..p {
                for i in 0..n {
                    x[(i, j)] += 0.5 * x[(i, j - 1)];
                }
            }
            for d in 0..dups.min(p.saturating_sub(1)) {
                let col = x.column(d).to_owned();
                x.column_mut(p - 1 - d).assign(&col);
            }
            for c in 0..consts.min(p) {
                x.column_mut(c).fill(3.0 + c as f64);
            }
            let y: Array1<f64> = (0..n)
                .map(|i| x.row(i).iter().take(3).sum::<f64>() + next())
                .collect();
            (x, y)
        },
    )
}

fn settings(rho: f64) -> PathSettings {
    let kind = if rho == 0.0 {
        ModelKind::Ridge
    } else if rho == 1.0 {
        ModelKind::Lasso
    } else {
        ModelKind::ElasticNet
    };
    PathSettings {
        kind,
        l1_ratio: rho,
        n_alphas: 12,
        eps: None,
        alphas: None,
        tol: 1e-11,
        max_iter: 1_000_000,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn every_path_point_meets_kkt_and_the_gap(
        (x, y) in problem(),
        rho in prop::sample::select(vec![0.0, 0.01, 0.5, 1.0]),
        standardize in any::<bool>(),
        intercept in any::<bool>(),
    ) {
        let prep = Prepared::new(x, y, standardize, intercept);
        let s = settings(rho);
        let path = fit_path(&prep, &s, &Control::none()).expect("not cancelled");
        let (n, p) = (prep.n(), prep.p());
        let y = prep.y_slice();
        let zty_max = (0..p).map(|j| prep.col(j).iter().zip(y).map(|(a, b)| a * b).sum::<f64>().abs()).fold(0.0, f64::max);
        for (k, &alpha) in path.alphas.iter().enumerate() {
            let beta: Vec<f64> = path.coef_std.row(k).to_vec();
            prop_assert!(beta.iter().all(|b| b.is_finite()));
            let mut r = y.to_vec();
            for (j, b) in beta.iter().enumerate() {
                for (ri, zi) in r.iter_mut().zip(prep.col(j)) {
                    *ri -= zi * b;
                }
            }
            let (l1, l2) = (n as f64 * alpha * rho, n as f64 * alpha * (1.0 - rho));
            if rho > 0.0 {
                prop_assert!(path.rel_gap[k] <= s.tol, "alpha[{k}] rel_gap {}", path.rel_gap[k]);
            }
            for (j, &bj) in beta.iter().enumerate() {
                if prep.constant[j] {
                    prop_assert_eq!(bj, 0.0);
                    continue;
                }
                let zr: f64 = prep.col(j).iter().zip(&r).map(|(a, b)| a * b).sum();
                let g = zr - l2 * bj;
                // relative to the terms of the stationarity equation z_j.r = l2 b_j + l1 s_j
                let scale = zr.abs().max(l1).max(1e-3 * zty_max).max(1e-12);
                if bj != 0.0 {
                    let want = l1 * bj.signum();
                    prop_assert!((g - want).abs() <= 1e-6 * scale,
                        "alpha[{k}] j {j}: KKT active {g} vs {want} (rho {rho})");
                } else {
                    prop_assert!(g.abs() <= l1 + 1e-6 * scale,
                        "alpha[{k}] j {j}: KKT zero |{g}| > {l1} (rho {rho})");
                }
            }
        }
        if rho >= 1e-3 {
            prop_assert!(path.coef_std.row(0).iter().all(|&b| b == 0.0), "first grid point not exactly zero");
            prop_assert!(path.coef.row(0).iter().all(|&b| b == 0.0));
        }
    }
}
