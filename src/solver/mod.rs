//! The numerical core: docs/spec.md §1-5. No I/O and no UI live here.
//!
//! - `prep`: centring and scaling (docs/spec.md §2), done in place on the design matrix
//!   ([`Prepared`]).
//! - `grid`: the alpha grid (docs/spec.md §3).
//! - `gap`: the duality gap certificate (docs/spec.md §4).
//! - [`gram`] and `naive`: coordinate descent on the Gram matrix (n >= p) or on the
//!   residual (p > n), both warm-started along the path with strong rules and KKT checks.
//! - `chol`: the Cholesky factor of G_SS that follows the support, for the Gram solver's
//!   active-set Newton steps on the lasso.
//! - `closed`: ridge and OLS in closed form (an eigendecomposition of Z^T Z or Z Z^T, or
//!   one thin SVD).
//! - `anderson`: extrapolation of the sweeps' iterates, shared by both CD solvers.
//! - `path`: a whole path ([`fit_path`]) or one alpha (`fit_alpha`).
//! - `cv`: K-fold cross-validation from per-fold statistics ([`cross_validate`]).
//! - `control`: cooperative cancellation and progress reporting ([`Control`]).
//!
//! Only [`gram`] is public as a module (the benches build a [`gram::GramProblem`]); the
//! rest is used through the re-exports below.

mod aligned;
pub(crate) mod anderson;
mod chol;
pub(crate) mod closed;
pub(crate) mod collinearity;
pub(crate) mod compare;
pub(crate) mod control;
pub(crate) mod cv;
pub(crate) mod folds;
pub(crate) mod gap;
pub mod gram;
pub(crate) mod gram_design;
pub(crate) mod grid;
pub(crate) mod linalg;
pub(crate) mod moments;
pub(crate) mod naive;
pub(crate) mod path;
pub(crate) mod prep;
mod soft;
pub(crate) mod stability;

pub use control::{Cancelled, Control, Progress, Stage};
pub use cv::{CvResult, cross_validate};
pub use folds::assign_folds;
pub(crate) use folds::check_fold_ids;
pub use gram_design::{GramDesign, Scaling};
pub use grid::GridSource;
pub use moments::{FoldMoments, Moments};
pub use path::{PathResult, fit_path, path_alphas};
pub(crate) use path::{fit_alpha, fit_path_gram};
pub use prep::Prepared;

use std::fmt;

/// Which model the user asked for. All four are the one elastic-net objective of docs/spec.md §1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ModelKind {
    Ols,
    Ridge,
    Lasso,
    ElasticNet,
}

impl ModelKind {
    pub const ALL: [ModelKind; 4] = [
        ModelKind::Ols,
        ModelKind::Ridge,
        ModelKind::Lasso,
        ModelKind::ElasticNet,
    ];

    /// The name used in configs and JSON ("ols", "ridge", "lasso", "elastic-net").
    pub fn name(self) -> &'static str {
        match self {
            ModelKind::Ols => "ols",
            ModelKind::Ridge => "ridge",
            ModelKind::Lasso => "lasso",
            ModelKind::ElasticNet => "elastic-net",
        }
    }

    pub fn from_name(s: &str) -> Option<ModelKind> {
        ModelKind::ALL.into_iter().find(|k| k.name() == s)
    }

    /// The l1_ratio a kind implies, if it fixes one (lasso 1, ridge and OLS 0).
    pub fn implied_l1_ratio(self) -> Option<f64> {
        match self {
            ModelKind::Ols | ModelKind::Ridge => Some(0.0),
            ModelKind::Lasso => Some(1.0),
            ModelKind::ElasticNet => None,
        }
    }
}

impl fmt::Display for ModelKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Everything that decides a path besides the data (docs/spec.md §3 and §4).
#[derive(Debug, Clone, PartialEq)]
pub struct PathSettings {
    pub kind: ModelKind,
    /// rho in [0, 1]; forced to 1 for lasso and 0 for ridge/OLS by [`PathSettings::rho`].
    pub l1_ratio: f64,
    pub n_alphas: usize,
    /// `None`: the docs/spec.md §3 default for this shape and rho.
    pub eps: Option<f64>,
    /// An explicit grid; wins over `n_alphas` and `eps`. Used sorted descending.
    pub alphas: Option<Vec<f64>>,
    pub tol: f64,
    pub max_iter: usize,
}

impl Default for PathSettings {
    fn default() -> Self {
        PathSettings {
            kind: ModelKind::Lasso,
            l1_ratio: 1.0,
            n_alphas: 100,
            eps: None,
            alphas: None,
            tol: 1e-7,
            max_iter: 100_000,
        }
    }
}

impl PathSettings {
    /// The mix actually solved: the kind's implied ratio, else `l1_ratio`.
    pub fn rho(&self) -> f64 {
        self.kind.implied_l1_ratio().unwrap_or(self.l1_ratio)
    }
}
