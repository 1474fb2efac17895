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

/// docs/spec.md §4: gap = 0.5(1+c^2)||r||^2 + l1||b||_1 - c r.y + 0.5 l2 (1+c^2)||b||^2 with
/// c = min(1, l1 / max|g|), g = Z^T r - l2 b.
fn spec_gap(r: &[f64], y: &[f64], beta: &[f64], g: &[f64], l1: f64, l2: f64) -> f64 {
    let g_max = g.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let c = if g_max > 0.0 {
        (l1 / g_max).min(1.0)
    } else {
        1.0
    };
    let cc = 1.0 + c * c;
    let rr: f64 = r.iter().map(|v| v * v).sum();
    let ry: f64 = r.iter().zip(y).map(|(a, b)| a * b).sum();
    let b1: f64 = beta.iter().map(|b| b.abs()).sum();
    let b2: f64 = beta.iter().map(|b| b * b).sum();
    0.5 * cc * rr + l1 * b1 - c * ry + 0.5 * l2 * cc * b2
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
            let g: Vec<f64> = (0..p)
                .map(|j| prep.col(j).iter().zip(&r).map(|(a, b)| a * b).sum::<f64>() - l2 * beta[j])
                .collect();
            let yy: f64 = y.iter().map(|v| v * v).sum();
            // the docs/spec.md §4 gap recomputed here from the exact residual, not the solver's own
            let gap = if rho > 0.0 { spec_gap(&r, y, &beta, &g, l1, l2) } else { 0.0 };
            if rho > 0.0 {
                prop_assert!(path.rel_gap[k] <= s.tol, "alpha[{k}] rel_gap {}", path.rel_gap[k]);
                prop_assert!(gap <= s.tol * yy + 1e-13 * yy.max(1e-300),
                    "alpha[{k}] recomputed gap {gap} > tol * {yy}");
            }
            for (j, &bj) in beta.iter().enumerate() {
                if prep.constant()[j] {
                    prop_assert_eq!(bj, 0.0);
                    continue;
                }
                let zz: f64 = prep.col(j).iter().map(|v| v * v).sum();
                // relative to the terms of the stationarity equation z_j.r = l2 b_j + l1 s_j,
                // or what the gap certifies when that is more: P(b) - P(b*) >= 0.5||Z(b - b*)||^2
                // + 0.5 l2 ||b - b*||^2, so g_j is within sqrt(2 gap)(||z_j|| + sqrt(l2)) of
                // its value at the optimum
                let zr = g[j] + l2 * bj;
                let scale = zr.abs().max(l1).max(1e-3 * zty_max).max(1e-12);
                let slack = (1e-6 * scale).max(1.01 * (2.0 * gap.max(0.0)).sqrt() * (zz.sqrt() + l2.sqrt()));
                if bj != 0.0 {
                    let want = l1 * bj.signum();
                    prop_assert!((g[j] - want).abs() <= slack,
                        "alpha[{k}] j {j}: KKT active {} vs {want} (rho {rho})", g[j]);
                } else {
                    prop_assert!(g[j].abs() <= l1 + slack,
                        "alpha[{k}] j {j}: KKT zero |{}| > {l1} (rho {rho})", g[j]);
                }
            }
        }
        if rho >= 1e-3 {
            prop_assert!(path.coef_std.row(0).iter().all(|&b| b == 0.0), "first grid point not exactly zero");
            prop_assert!(path.coef.row(0).iter().all(|&b| b == 0.0));
        }
    }
}
