//! The docs/spec.md §4 duality gap: the one measuring stick every solver reports.

/// The quantities the gap needs, all on the unnormalised scale of docs/spec.md §4.
#[derive(Debug, Clone, Copy)]
pub struct GapInputs {
    pub l1: f64,
    pub l2: f64,
    /// ||r||^2 with r = y_c - Z beta
    pub rss: f64,
    /// r . y_c
    pub ry: f64,
    /// ||beta||_1
    pub beta_l1: f64,
    /// ||beta||_2^2
    pub beta_sq: f64,
    /// max_j |g_j| with g = Z^T r - l2 beta
    pub g_max: f64,
    /// the sum of the magnitudes of the terms the gap was computed from: the rounding in
    /// the gap is a few ulps of this (it can exceed the primal when terms cancel)
    pub magnitude: f64,
}

impl GapInputs {
    /// The size of the rounding error in a gap computed from these inputs.
    pub fn noise(&self) -> f64 {
        64.0 * f64::EPSILON * (self.magnitude + primal(self))
    }
}

/// docs/spec.md §4: gap = 0.5(1+c^2)||r||^2 + l1||b||_1 - c r.y + 0.5 l2 (1+c^2)||b||^2,
/// c = min(1, l1 / max|g|) (1 when g = 0).
pub fn duality_gap(x: &GapInputs) -> f64 {
    let c = if x.g_max > 0.0 {
        (x.l1 / x.g_max).min(1.0)
    } else {
        1.0
    };
    let cc = 1.0 + c * c;
    0.5 * cc * x.rss + x.l1 * x.beta_l1 - c * x.ry + 0.5 * x.l2 * cc * x.beta_sq
}

/// The scale of the rounding that coordinate descent accumulates: every entry of h = Z^T r
/// (Gram mode) or of r (residual mode) carries errors of a few ulps of ||y_c|| + S, with
/// S = sum_j ||z_j|| |beta_j|. S exceeds ||y_c|| by far when collinear columns carry large
/// cancelling coefficients, which is exactly when the gap stalls above a tiny tol.
pub fn rounding_scale(yy: f64, s: f64) -> f64 {
    let a = yy.sqrt() + s;
    a * a
}

/// The primal objective 0.5||r||^2 + l1||b||_1 + 0.5 l2||b||^2 (its size bounds the
/// rounding in a gap computed from it).
pub fn primal(x: &GapInputs) -> f64 {
    0.5 * x.rss + x.l1 * x.beta_l1 + 0.5 * x.l2 * x.beta_sq
}

/// The gap relative to ||y_c||^2 (the absolute gap when ||y_c|| = 0).
pub fn relative(gap: f64, yy: f64) -> f64 {
    if yy > 0.0 { gap / yy } else { gap }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gap_is_zero_at_beta_zero_when_zero_is_optimal() {
        // beta = 0: r = y, rss = ry = yy; g = Z^T y with max |g| <= l1 -> c = 1
        let yy = 3.0;
        let g = GapInputs {
            l1: 2.0,
            l2: 0.0,
            rss: yy,
            ry: yy,
            beta_l1: 0.0,
            beta_sq: 0.0,
            g_max: 1.5,
            magnitude: 0.0,
        };
        assert_eq!(duality_gap(&g), 0.0);
    }

    #[test]
    fn gap_is_positive_away_from_the_optimum() {
        // one feature z = (1, -1), y = (1, -1): z.y = 2; l1 = 1; optimum beta = 0.5
        // beta = 0 is not optimal: gap must be > 0
        let g = GapInputs {
            l1: 1.0,
            l2: 0.0,
            rss: 2.0,
            ry: 2.0,
            beta_l1: 0.0,
            beta_sq: 0.0,
            g_max: 2.0,
            magnitude: 0.0,
        };
        assert!(duality_gap(&g) > 0.0);
        // at the optimum beta = 0.5: r = (0.5, -0.5), rss 0.5, ry 1, g = z.r = 1
        let opt = GapInputs {
            l1: 1.0,
            l2: 0.0,
            rss: 0.5,
            ry: 1.0,
            beta_l1: 0.5,
            beta_sq: 0.25,
            g_max: 1.0,
            magnitude: 0.0,
        };
        assert!(duality_gap(&opt).abs() < 1e-15);
    }
}
