//! Comparing penalties: which mix of L1 and L2 fits a table best (glmnet's cva.glmnet).
//! One model per l1_ratio is cross-validated on the same folds; each is summarised by
//! its CV choices. `regscope compare` and the workbench's compare view share this.

use super::{CvResult, ModelKind, PathResult};

/// The model an l1_ratio stands for in a comparison: 0 is ridge (with its own grid
/// rule), 1 the lasso, anything between the elastic net.
pub fn kind_for_l1_ratio(r: f64) -> ModelKind {
    if r == 0.0 {
        ModelKind::Ridge
    } else if r == 1.0 {
        ModelKind::Lasso
    } else {
        ModelKind::ElasticNet
    }
}

/// The l1_ratios a comparison uses unless told otherwise: ridge, three mixes, the lasso.
pub const DEFAULT_L1_RATIOS: [f64; 5] = [0.0, 0.1, 0.5, 0.9, 1.0];

/// One model's CV summary.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelSummary {
    pub kind: ModelKind,
    pub l1_ratio: f64,
    pub alpha_min: f64,
    pub cv_min: f64,
    pub cv_se_min: f64,
    pub alpha_1se: f64,
    pub cv_1se: f64,
    pub nonzero_min: usize,
    pub nonzero_1se: usize,
    /// the minimum sits at an end of the grid: the best alpha may lie outside it
    pub edge_min: bool,
}

impl ModelSummary {
    /// The summary of a path and its CV (on the same grid).
    pub fn of(path: &PathResult, cv: &CvResult) -> ModelSummary {
        let m = path.alphas.len();
        let (i, j) = (cv.index_min, cv.index_1se);
        let at = |v: &[f64], k: usize| v.get(k).copied().unwrap_or(f64::NAN);
        let nz = |k: usize| path.n_nonzero.get(k).copied().unwrap_or(0);
        ModelSummary {
            kind: path.kind,
            l1_ratio: path.l1_ratio,
            alpha_min: cv.alpha_min,
            cv_min: at(&cv.cv_mean, i),
            cv_se_min: at(&cv.cv_se, i),
            alpha_1se: cv.alpha_1se,
            cv_1se: at(&cv.cv_mean, j),
            nonzero_min: nz(i),
            nonzero_1se: nz(j),
            edge_min: m > 1 && (i == 0 || i == m - 1),
        }
    }
}

/// The model with the lowest finite CV error at its minimum (the first of ties).
pub fn best(models: &[ModelSummary]) -> Option<usize> {
    models
        .iter()
        .enumerate()
        .filter(|(_, r)| r.cv_min.is_finite())
        .min_by(|a, b| a.1.cv_min.total_cmp(&b.1.cv_min))
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(cv_min: f64) -> ModelSummary {
        ModelSummary {
            kind: ModelKind::Lasso,
            l1_ratio: 1.0,
            alpha_min: 0.1,
            cv_min,
            cv_se_min: 0.0,
            alpha_1se: 0.2,
            cv_1se: cv_min,
            nonzero_min: 1,
            nonzero_1se: 1,
            edge_min: false,
        }
    }

    #[test]
    fn the_kind_follows_the_ratio() {
        assert_eq!(kind_for_l1_ratio(0.0), ModelKind::Ridge);
        assert_eq!(kind_for_l1_ratio(1.0), ModelKind::Lasso);
        assert_eq!(kind_for_l1_ratio(0.3), ModelKind::ElasticNet);
    }

    #[test]
    fn best_skips_non_finite_errors_and_keeps_the_first_tie() {
        let rows = [summary(f64::NAN), summary(2.0), summary(1.0), summary(1.0)];
        assert_eq!(best(&rows), Some(2));
        assert_eq!(best(&[summary(f64::NAN)]), None);
        assert_eq!(best(&[]), None);
    }
}
