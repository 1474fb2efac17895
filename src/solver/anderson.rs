//! Anderson extrapolation of coordinate-descent iterates (docs/solver.md §6; skglm, celer's dual
//! extrapolation; Bertrand & Massias 2021). On a fixed working set a CD sweep is close to a
//! linear map, so its iterates approach the fixed point along a few slowly decaying
//! directions; the affine combination of the last K iterates that minimises the norm of their
//! successive differences cancels those directions. The caller evaluates the objective at the
//! extrapolated point and keeps it only if it is lower, so a bad guess costs one cheap check.
//!
//! Besides the coefficients, each snapshot carries a vector that is affine in them (the
//! residual r = y - Z beta, or h = q - G beta): with weights summing to one the same
//! combination of those vectors is exact for the extrapolated coefficients, at no O(n p) cost.

/// Iterates kept per extrapolation (skglm's default).
pub const DEPTH: usize = 5;

pub struct Anderson {
    /// DEPTH + 1 snapshots of (coefficients, affine companion), oldest first
    beta: Vec<Vec<f64>>,
    aux: Vec<Vec<f64>>,
    len: usize,
}

impl Default for Anderson {
    fn default() -> Self {
        Self::new()
    }
}

impl Anderson {
    pub fn new() -> Self {
        Anderson {
            beta: vec![Vec::new(); DEPTH + 1],
            aux: vec![Vec::new(); DEPTH + 1],
            len: 0,
        }
    }

    /// Forget the stored iterates (the working set or the alpha changed).
    pub fn reset(&mut self) {
        self.len = 0;
    }

    /// Record one iterate; returns true when DEPTH + 1 are stored and `extrapolate` can run.
    pub fn push(&mut self, beta: &[f64], aux: &[f64]) -> bool {
        if self.len == DEPTH + 1 {
            self.len = 0;
        }
        let i = self.len;
        self.beta[i].clear();
        self.beta[i].extend_from_slice(beta);
        self.aux[i].clear();
        self.aux[i].extend_from_slice(aux);
        self.len += 1;
        self.len == DEPTH + 1
    }

    /// The extrapolated (coefficients, companion) into `beta_out` and `aux_out`, or false when
    /// the differences are degenerate (then nothing is written). Resets the store.
    pub fn extrapolate(&mut self, beta_out: &mut [f64], aux_out: &mut [f64]) -> bool {
        if self.len != DEPTH + 1 {
            return false;
        }
        self.len = 0;
        // U^T U for the differences u_i = beta_{i+1} - beta_i, i < DEPTH
        let diffs: Vec<Vec<f64>> = self
            .beta
            .windows(2)
            .map(|w| difference(&w[1], &w[0]))
            .collect();
        let mut utu = [[0.0f64; DEPTH]; DEPTH];
        for (a, ua) in diffs.iter().enumerate() {
            for (b, ub) in diffs.iter().enumerate().take(a + 1) {
                let s: f64 = ua.iter().zip(ub).map(|(x, y)| x * y).sum();
                utu[a][b] = s;
                utu[b][a] = s;
            }
        }
        let Some(c) = affine_weights(utu) else {
            return false;
        };
        beta_out.iter_mut().for_each(|v| *v = 0.0);
        aux_out.iter_mut().for_each(|v| *v = 0.0);
        for (i, &ci) in c.iter().enumerate() {
            for (o, v) in beta_out.iter_mut().zip(&self.beta[i + 1]) {
                *o += ci * v;
            }
            for (o, v) in aux_out.iter_mut().zip(&self.aux[i + 1]) {
                *o += ci * v;
            }
        }
        true
    }
}

fn difference(a: &[f64], b: &[f64]) -> Vec<f64> {
    a.iter().zip(b).map(|(x, y)| x - y).collect()
}

/// c = z / sum(z) with (U^T U) z = 1: the weights summing to one that minimise ||U c||.
/// A tiny ridge keeps nearly dependent differences solvable; None when it still fails.
fn affine_weights(mut m: [[f64; DEPTH]; DEPTH]) -> Option<[f64; DEPTH]> {
    let trace: f64 = (0..DEPTH).map(|i| m[i][i]).sum();
    if trace.is_nan() || trace <= 0.0 || trace.is_infinite() {
        return None;
    }
    for (i, row) in m.iter_mut().enumerate() {
        row[i] += 1e-10 * trace;
    }
    let a = faer::Mat::<f64>::from_fn(DEPTH, DEPTH, |i, j| m[i][j]);
    use faer::linalg::solvers::Solve;
    let llt = a.llt(faer::Side::Lower).ok()?;
    let z = llt.solve(faer::Mat::<f64>::from_fn(DEPTH, 1, |_, _| 1.0));
    let z: [f64; DEPTH] = std::array::from_fn(|i| z[(i, 0)]);
    let sum: f64 = z.iter().sum();
    if sum == 0.0 || !sum.is_finite() {
        return None;
    }
    let c = z.map(|v| v / sum);
    c.iter().all(|v| v.is_finite()).then_some(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_extrapolation_nearly_solves_a_linear_fixed_point_iteration() {
        // x_{k+1} = M x_k + b with M diagonal (4 modes, fewer than DEPTH): the affine
        // combination of DEPTH iterates that cancels the differences is the fixed point, up to
        // the small ridge that keeps the rank-deficient system solvable
        let m = [0.9, 0.5, -0.3, 0.8];
        let b = [1.0, -2.0, 0.5, 0.3];
        let fixed: Vec<f64> = (0..4).map(|i| b[i] / (1.0 - m[i])).collect();
        let mut x = vec![0.0; 4];
        let mut acc = Anderson::new();
        let mut ready = false;
        for _ in 0..=DEPTH {
            // the companion is an affine function of x: 2x + 1
            let aux: Vec<f64> = x.iter().map(|v| 2.0 * v + 1.0).collect();
            ready = acc.push(&x, &aux);
            x = (0..4).map(|i| m[i] * x[i] + b[i]).collect();
        }
        assert!(ready);
        let (mut xb, mut xa) = (vec![0.0; 4], vec![0.0; 4]);
        assert!(acc.extrapolate(&mut xb, &mut xa));
        let err = |v: &[f64]| (0..4).map(|i| (v[i] - fixed[i]).abs()).fold(0.0, f64::max);
        // the last iterate is still 5.9 away (0.9^5 of 10); the extrapolation is within 1e-3
        assert!(err(&x) > 1.0);
        assert!(err(&xb) < 1e-3, "{xb:?}");
        for i in 0..4 {
            assert!((xa[i] - (2.0 * xb[i] + 1.0)).abs() < 1e-9);
        }
    }

    #[test]
    fn identical_iterates_are_refused() {
        let mut acc = Anderson::new();
        for _ in 0..=DEPTH {
            acc.push(&[1.0, 2.0], &[0.0]);
        }
        let (mut b, mut a) = (vec![9.0; 2], vec![9.0; 1]);
        assert!(!acc.extrapolate(&mut b, &mut a));
        assert_eq!(b, vec![9.0; 2]);
    }
}
