//! A whole regularization path on one prepared design: the grid, the right solver for the
//! model and shape, and the results on both scales.

use ndarray::Array2;

use super::closed::{
    EigSolver, KernelRidge, SvdSolver, stationarity, stationarity_gram, stationarity_rows,
};
use super::control::{Cancelled, Control, Stage};
use super::gap::relative;
use super::gram::{GramProblem, GramSolver, PointStats};
use super::grid::{GridSource, alpha_max, default_eps, explicit_grid, log_grid};
use super::naive::{NaiveProblem, NaiveSolver};
use super::prep::Prepared;
use super::{ModelKind, PathSettings};

/// Something a user should know about a fit. Rendered with feature names by `describe`.
#[derive(Debug, Clone, PartialEq)]
pub enum SolverWarning {
    /// docs/spec.md §2: a constant column keeps coefficient 0.
    ConstantColumn(usize),
    /// docs/spec.md §2: y_c is all zero, so every coefficient is 0.
    ConstantTarget,
    /// docs/spec.md §4: max_iter was reached before the gap met tol.
    NotConverged {
        index: usize,
        alpha: f64,
        rel_gap: f64,
        max_iter: usize,
    },
    /// docs/spec.md §4: OLS with p >= n or a rank-deficient design gives the minimum-norm solution.
    MinimumNorm { rank: usize, p: usize },
    /// The SVD of the design did not converge.
    SvdFailed,
}

impl SolverWarning {
    pub fn describe(&self, names: &[String]) -> String {
        let name = |j: usize| names.get(j).cloned().unwrap_or_else(|| format!("#{j}"));
        match self {
            SolverWarning::ConstantColumn(j) => {
                format!(
                    "feature '{}' is constant: its coefficient is fixed at 0",
                    name(*j)
                )
            }
            SolverWarning::ConstantTarget => {
                "the target is constant (after centring): every coefficient is 0".to_string()
            }
            SolverWarning::NotConverged {
                index,
                alpha,
                rel_gap,
                max_iter,
            } => format!(
                "alpha[{index}] = {alpha:.6e}: not converged after max_iter = {max_iter} sweeps \
                 (relative gap {rel_gap:.2e}); raise [solver] max_iter or tol"
            ),
            SolverWarning::MinimumNorm { rank, p } => format!(
                "the standardized design has rank {rank} < {p} features: OLS gives the \
                 minimum-norm solution"
            ),
            SolverWarning::SvdFailed => "the SVD of the design did not converge".to_string(),
        }
    }
}

/// Coefficients on the problem's own (standardized) scale for every alpha, plus the
/// per-alpha diagnostics: what every solver route produces.
#[derive(Debug, Clone)]
pub struct RawPath {
    /// m vectors of p standardized coefficients
    pub beta: Vec<Vec<f64>>,
    pub rss: Vec<f64>,
    pub rel_gap: Vec<f64>,
    pub n_iter: Vec<usize>,
    pub warnings: Vec<SolverWarning>,
}

/// A path in the docs/spec.md §6 layout.
#[derive(Debug, Clone)]
pub struct PathResult {
    pub kind: ModelKind,
    /// the rho that was solved
    pub l1_ratio: f64,
    pub grid_source: GridSource,
    pub alphas: Vec<f64>,
    /// m x p, original scale
    pub coef: Array2<f64>,
    /// m x p, the scale of the problem solved
    pub coef_std: Array2<f64>,
    pub intercept: Vec<f64>,
    pub n_nonzero: Vec<usize>,
    pub rel_gap: Vec<f64>,
    pub n_iter: Vec<usize>,
    /// mean squared error on all rows at each alpha
    pub train_mse: Vec<f64>,
    /// 1 - rss / ||y_c||^2 at each alpha
    pub r2: Vec<f64>,
    pub constant: Vec<bool>,
    pub warnings: Vec<SolverWarning>,
}

/// The grid of docs/spec.md §3 for this design and settings.
pub fn alpha_grid(prep: &Prepared, s: &PathSettings, q: &[f64]) -> (Vec<f64>, GridSource) {
    if s.kind == ModelKind::Ols {
        return (vec![0.0], GridSource::Ols);
    }
    if let Some(a) = &s.alphas {
        return (explicit_grid(a), GridSource::Explicit);
    }
    let rho = s.rho();
    let qmax = q.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let amax = alpha_max(qmax, prep.n(), rho, prep.yy);
    let eps = s
        .eps
        .unwrap_or_else(|| default_eps(prep.n(), prep.p(), rho));
    (log_grid(amax, eps, s.n_alphas.max(1)), GridSource::Auto)
}

/// Z^T y_c.
pub fn zty(prep: &Prepared) -> &[f64] {
    &prep.zty
}

/// The lasso path is piecewise linear in alpha, so the secant through the solutions at
/// alphas k-2 and k-1 is a better start for alpha k than the last solution alone: the
/// fraction of the last step to extrapolate by (None for the first two points, or when
/// an earlier point was not a CD fit).
pub fn secant_ratio(alphas: &[f64], k: usize) -> Option<f64> {
    (k >= 2 && alphas[k - 1] > 0.0 && alphas[k - 2] > alphas[k - 1] && alphas[k] > 0.0)
        .then(|| (alphas[k - 1] - alphas[k]) / (alphas[k - 2] - alphas[k - 1]))
}

/// Whether coordinate descent should run on the Gram matrix (n >= p) or the residual.
pub fn use_gram(n: usize, p: usize) -> bool {
    n >= p
}

/// Solve the path on a prepared design for the given grid (the route depends on rho and shape).
pub fn solve_prepared(
    prep: &Prepared,
    s: &PathSettings,
    alphas: &[f64],
    ctl: &Control,
    report: bool,
) -> Result<RawPath, Cancelled> {
    let (n, p) = (prep.n(), prep.p());
    let rho = s.rho();
    let mut warnings: Vec<SolverWarning> = prep
        .constant_indices()
        .into_iter()
        .map(SolverWarning::ConstantColumn)
        .collect();
    if prep.yy == 0.0 {
        warnings.push(SolverWarning::ConstantTarget);
        let m = alphas.len();
        return Ok(RawPath {
            beta: vec![vec![0.0; p]; m],
            rss: vec![0.0; m],
            rel_gap: vec![0.0; m],
            n_iter: vec![0; m],
            warnings,
        });
    }
    let closed = rho == 0.0 || s.kind == ModelKind::Ols;
    // ridge goes through an eigendecomposition below (of G for n >= p, of Z Z^T for p > n);
    // the SVD is for OLS, alpha = 0 points of a CD path, and tiny alphas
    let needs_svd = (closed && alphas.iter().any(|&a| a <= 0.0)) || alphas.contains(&0.0);
    let svd = if needs_svd {
        let sv = SvdSolver::new(prep.z_slice(), prep.y_slice(), n, p);
        if sv.is_none() {
            warnings.push(SolverWarning::SvdFailed);
        }
        sv
    } else {
        None
    };
    let z = prep.z_slice();
    let y = prep.y_slice();
    let zty_max = prep.zty.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let nf = n as f64;
    let m = alphas.len();
    let mut out = RawPath {
        beta: Vec::with_capacity(m),
        rss: Vec::with_capacity(m),
        rel_gap: Vec::with_capacity(m),
        n_iter: Vec::with_capacity(m),
        warnings,
    };
    // closed form: every alpha from one SVD
    let closed_point = |a: f64, out: &mut RawPath| {
        let beta = match &svd {
            Some(sv) => sv.betas(&[a]).pop().unwrap_or_else(|| vec![0.0; p]),
            None => vec![0.0; p],
        };
        let l2 = nf * a * (1.0 - rho);
        let (rel, rss) = stationarity(z, y, n, p, &beta, if closed { nf * a } else { l2 }, zty_max);
        out.beta.push(beta);
        out.rss.push(rss);
        out.rel_gap.push(rel);
        out.n_iter.push(0);
    };
    if closed {
        ctl.check()?;
        let l2: Vec<f64> = alphas.iter().map(|a| nf * a).collect();
        // n >= p: everything in p-space from G (an eigendecomposition, p^3) unless an alpha
        // is so small that the rounding of G's small eigenvalues would show; else the SVD
        let eig = if n >= p && alphas.iter().all(|&a| a > 0.0) {
            let g = super::linalg::gram(z, n, p);
            EigSolver::new(&g, &prep.zty, p)
                .filter(|e| l2.iter().all(|&l| l >= 1e-8 * e.lambda_max()))
                .map(|e| (e, g))
        } else {
            None
        };
        // p > n: the same through the n x n kernel Z Z^T
        let kernel = if eig.is_none() && n < p && alphas.iter().all(|&a| a > 0.0) {
            KernelRidge::new(z, y, n, p).filter(|e| l2.iter().all(|&l| l >= 1e-8 * e.lambda_max()))
        } else {
            None
        };
        let (b, rel, rss) = match (&eig, &svd) {
            _ if let Some(kr) = &kernel => kr.path(z, y, alphas, &l2, zty_max),
            (Some((e, g)), _) => {
                let b = e.betas(alphas, n);
                let (rel, rss) = stationarity_gram(g, &prep.zty, prep.yy, b.as_ref(), &l2, zty_max);
                (b, rel, rss)
            }
            (None, Some(sv)) => {
                let b = sv.betas_mat(alphas);
                let (rel, rss) = stationarity_rows(z, y, n, b.as_ref(), &l2, zty_max);
                (b, rel, rss)
            }
            (None, None) => {
                // the eigendecomposition was ruled out: fall back to the SVD
                let b = match SvdSolver::new(z, y, n, p) {
                    Some(sv) => sv.betas_mat(alphas),
                    None => {
                        out.warnings.push(SolverWarning::SvdFailed);
                        faer::Mat::<f64>::zeros(p, m)
                    }
                };
                let (rel, rss) = stationarity_rows(z, y, n, b.as_ref(), &l2, zty_max);
                (b, rel, rss)
            }
        };
        for k in 0..m {
            out.beta.push((0..p).map(|j| b[(j, k)]).collect());
            out.n_iter.push(0);
        }
        out.rel_gap = rel;
        out.rss = rss;
        if report {
            ctl.report(Stage::Path, m, m);
        }
        if let Some(sv) = &svd {
            if alphas.contains(&0.0) && sv.rank < p {
                out.warnings
                    .push(SolverWarning::MinimumNorm { rank: sv.rank, p });
            }
        }
        return Ok(out);
    }
    // coordinate descent, warm-started along the path
    // one of these per path, on the stack: the size difference between the variants costs
    // nothing, and boxing would add an indirection to every solve
    #[allow(clippy::large_enum_variant)]
    enum Cd<'p, 'a> {
        Gram(GramSolver<'p>),
        Naive(NaiveSolver<'p, 'a>),
    }
    let gram_prob;
    let naive_prob;
    let mut cd = if use_gram(n, p) {
        gram_prob = GramProblem::from_design(z, y, n, p, Some(&prep.zty));
        Cd::Gram(GramSolver::new(&gram_prob))
    } else {
        naive_prob = NaiveProblem::new(z, y, n, p);
        Cd::Naive(NaiveSolver::new(&naive_prob))
    };
    for (k, &a) in alphas.iter().enumerate() {
        ctl.check()?;
        if a == 0.0 {
            // l1 = 0: the CD gap is undefined; OLS in closed form (docs/solver.md §9)
            closed_point(a, &mut out);
        } else {
            let (l1, l2) = (nf * a * rho, nf * a * (1.0 - rho));
            let secant = secant_ratio(alphas, k);
            let (st, beta): (PointStats, &[f64]) = match &mut cd {
                Cd::Gram(g) => {
                    if let Some(ratio) = secant {
                        g.extrapolate(&out.beta[k - 2], ratio);
                    }
                    (g.solve(l1, l2, s.tol, s.max_iter, ctl)?, &g.beta)
                }
                // (not in residual mode: near interpolation, p > n, the secant start cost
                // more sweeps than it saved on the wide benchmark)
                Cd::Naive(g) => (g.solve(l1, l2, s.tol, s.max_iter, ctl)?, &g.beta),
            };
            let rel_gap = relative(st.gap, prep.yy);
            if !st.converged {
                out.warnings.push(SolverWarning::NotConverged {
                    index: k,
                    alpha: a,
                    rel_gap,
                    max_iter: s.max_iter,
                });
            }
            out.beta.push(beta.to_vec());
            out.rss.push(st.rss);
            out.rel_gap.push(rel_gap);
            out.n_iter.push(st.n_iter);
        }
        if report {
            ctl.report(Stage::Path, k + 1, m);
        }
    }
    Ok(out)
}

/// Assemble the docs/spec.md §6 result from the raw path.
pub fn to_result(
    prep: &Prepared,
    s: &PathSettings,
    alphas: Vec<f64>,
    source: GridSource,
    raw: RawPath,
) -> PathResult {
    let (n, p) = (prep.n(), prep.p());
    let m = alphas.len();
    let mut coef = Array2::<f64>::zeros((m, p));
    let mut coef_std = Array2::<f64>::zeros((m, p));
    let mut intercept = Vec::with_capacity(m);
    let mut n_nonzero = Vec::with_capacity(m);
    for k in 0..m {
        let beta = &raw.beta[k];
        let w = prep.to_original(beta);
        for j in 0..p {
            coef_std[(k, j)] = if prep.constant[j] { 0.0 } else { beta[j] };
            coef[(k, j)] = w[j];
        }
        intercept.push(prep.intercept(&w));
        n_nonzero.push(w.iter().filter(|&&v| v != 0.0).count());
    }
    let nf = (n as f64).max(1.0);
    let train_mse = raw.rss.iter().map(|r| r / nf).collect();
    let r2 = raw
        .rss
        .iter()
        .map(|r| {
            if prep.yy > 0.0 {
                1.0 - r / prep.yy
            } else {
                0.0
            }
        })
        .collect();
    PathResult {
        kind: s.kind,
        l1_ratio: s.rho(),
        grid_source: source,
        alphas,
        coef,
        coef_std,
        intercept,
        n_nonzero,
        rel_gap: raw.rel_gap,
        n_iter: raw.n_iter,
        train_mse,
        r2,
        constant: prep.constant.clone(),
        warnings: raw.warnings,
    }
}

/// The full path of docs/spec.md §3-4 on all rows.
/// The alpha grid `fit_path` will use, without fitting (so a CV can start alongside it).
pub fn path_alphas(prep: &Prepared, s: &PathSettings) -> Vec<f64> {
    alpha_grid(prep, s, zty(prep)).0
}

pub fn fit_path(prep: &Prepared, s: &PathSettings, ctl: &Control) -> Result<PathResult, Cancelled> {
    let (alphas, source) = alpha_grid(prep, s, zty(prep));
    let raw = solve_prepared(prep, s, &alphas, ctl, true)?;
    Ok(to_result(prep, s, alphas, source, raw))
}

/// One fit at an arbitrary alpha (the TUI's typed alpha), warm-started from `warm`
/// (standardized coefficients, e.g. the nearest grid point's). Returns a one-point path.
pub fn fit_alpha(
    prep: &Prepared,
    s: &PathSettings,
    alpha: f64,
    warm: Option<&[f64]>,
    ctl: &Control,
) -> Result<PathResult, Cancelled> {
    let (n, p) = (prep.n(), prep.p());
    let rho = s.rho();
    let closed = rho == 0.0 || s.kind == ModelKind::Ols || alpha == 0.0;
    let raw = if closed || prep.yy == 0.0 {
        solve_prepared(prep, s, &[alpha], ctl, false)?
    } else {
        let mut warnings: Vec<SolverWarning> = prep
            .constant_indices()
            .into_iter()
            .map(SolverWarning::ConstantColumn)
            .collect();
        let (z, y) = (prep.z_slice(), prep.y_slice());
        let nf = n as f64;
        let (l1, l2) = (nf * alpha * rho, nf * alpha * (1.0 - rho));
        let (st, beta) = if use_gram(n, p) {
            let prob = GramProblem::from_design(z, y, n, p, Some(&prep.zty));
            let mut g = GramSolver::new(&prob);
            if let Some(w) = warm {
                g.warm_start(w);
            }
            (g.solve(l1, l2, s.tol, s.max_iter, ctl)?, g.beta)
        } else {
            let prob = NaiveProblem::new(z, y, n, p);
            let mut g = NaiveSolver::new(&prob);
            if let Some(w) = warm {
                g.warm_start(w);
            }
            (g.solve(l1, l2, s.tol, s.max_iter, ctl)?, g.beta)
        };
        let rel_gap = relative(st.gap, prep.yy);
        if !st.converged {
            warnings.push(SolverWarning::NotConverged {
                index: 0,
                alpha,
                rel_gap,
                max_iter: s.max_iter,
            });
        }
        RawPath {
            beta: vec![beta],
            rss: vec![st.rss],
            rel_gap: vec![rel_gap],
            n_iter: vec![st.n_iter],
            warnings,
        }
    };
    Ok(to_result(prep, s, vec![alpha], GridSource::Explicit, raw))
}
