//! The lasso's active-set Newton steps for the Gram solver (docs/solver.md §4): a solve
//! with the Cholesky factor of G_SS that follows the support, then an exact line search
//! along the lasso objective to the first sign change.

use rayon::prelude::*;

use super::{GramSolver, PAR_COLUMN_READS};
use crate::solver::soft::dot;

/// What one Newton step did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Step {
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
pub(super) const NEWTON_TRIES: usize = 6;
/// Refusals after which a solver stops trying Newton steps.
pub(super) const NEWTON_REFUSALS: usize = 3;

impl GramSolver<'_> {
    /// The active-set Newton step of the lasso ("feature-sign search", Lee et al. 2007). S
    /// holds the active coordinates that are nonzero or would move off zero (|h_j| > l1), with
    /// the sign they have or would take. With those signs the objective on S is a quadratic
    /// whose minimizer solves G_SS x = q_S - l1 s. If x keeps every sign it is the minimizer
    /// on S; if not, beta moves toward x only as far as the first sign change (the objective
    /// falls all the way there) and the coordinates that reach zero leave S. One step replaces
    /// the 15-25 sweeps coordinate descent needs per alpha on a large correlated support: the
    /// factor follows S (an append is one pass over it), the solve is one backward pass, and
    /// h off S costs min(|S|, p - |S|) columns of G.
    pub(super) fn newton(&mut self, l1: f64, exclude_wrong: bool) -> Step {
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
            return Step::Stuck;
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
                return Step::Stuck;
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
            return Step::Stuck;
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
            Step::Exact
        } else {
            self.refresh_h();
            Step::Partial
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solver::control::Control;
    use crate::solver::gram::{GramProblem, PointStats};

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
}
