//! The alpha grid of docs/spec.md §3.

/// Where a path's alphas came from (reported as `alpha_grid_source`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GridSource {
    /// alpha_max * eps^(k/(m-1)), docs/spec.md §3.
    Auto,
    /// The user's `alphas` list, sorted descending.
    Explicit,
    /// OLS: the single alpha 0.
    Ols,
}

impl GridSource {
    pub fn name(self) -> &'static str {
        match self {
            GridSource::Auto => "auto",
            GridSource::Explicit => "explicit",
            GridSource::Ols => "ols",
        }
    }
}

/// The docs/spec.md §3 default eps: 1e-6 for ridge (closed form), else 1e-3 when n >= p and
/// 1e-2 when n < p (glmnet's choice for wide data).
pub fn default_eps(n: usize, p: usize, rho: f64) -> f64 {
    if rho == 0.0 {
        1e-6
    } else if n >= p {
        1e-3
    } else {
        1e-2
    }
}

/// alpha_max of docs/spec.md §3 from `max_j |z_j . y_c|`, n, rho and sd_y = sqrt(||y_c||^2 / n).
pub fn alpha_max(max_abs_zy: f64, n: usize, rho: f64, yy: f64) -> f64 {
    let n = n as f64;
    if rho >= 1e-3 {
        max_abs_zy / (n * rho)
    } else {
        let sd_y = (yy / n).sqrt();
        if sd_y > 0.0 {
            1e3 * max_abs_zy / (n * sd_y)
        } else {
            0.0
        }
    }
}

/// m log-spaced values from alpha_max down to alpha_max * eps (m = 1: [alpha_max]).
pub fn log_grid(alpha_max: f64, eps: f64, m: usize) -> Vec<f64> {
    if m == 1 {
        return vec![alpha_max];
    }
    let denom = (m - 1) as f64;
    (0..m)
        .map(|k| alpha_max * eps.powf(k as f64 / denom))
        .collect()
}

/// An explicit grid, used as given but sorted descending (duplicates kept).
pub fn explicit_grid(alphas: &[f64]) -> Vec<f64> {
    let mut a = alphas.to_vec();
    a.sort_by(|x, y| y.total_cmp(x));
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_runs_from_alpha_max_down_to_eps_times_alpha_max() {
        let g = log_grid(2.0, 1e-3, 4);
        assert_eq!(g.len(), 4);
        assert_eq!(g[0], 2.0);
        assert!((g[3] - 2e-3).abs() < 1e-15);
        assert!((g[1] - 0.2).abs() < 1e-14);
        assert_eq!(log_grid(5.0, 0.1, 1), vec![5.0]);
    }

    #[test]
    fn ridge_grid_is_unit_free() {
        // multiplying y by c multiplies z.y and sd_y by c: alpha_max does not move
        let a = alpha_max(10.0, 100, 0.0, 400.0);
        let b = alpha_max(10.0 * 7.0, 100, 0.0, 400.0 * 49.0);
        assert!((a - b).abs() < 1e-12 * a);
        assert_eq!(alpha_max(10.0, 100, 0.5, 1.0), 10.0 / 50.0);
    }

    #[test]
    fn default_eps_follows_spec() {
        assert_eq!(default_eps(10, 5, 1.0), 1e-3);
        assert_eq!(default_eps(5, 10, 1.0), 1e-2);
        assert_eq!(default_eps(5, 10, 0.0), 1e-6);
    }

    #[test]
    fn explicit_grid_is_sorted_descending() {
        assert_eq!(explicit_grid(&[0.1, 1.0, 0.01]), vec![1.0, 0.1, 0.01]);
    }
}
