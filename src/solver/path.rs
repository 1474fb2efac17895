//! A whole regularization path on one prepared design: the grid, the right solver for the
//! model and shape, and the results on both scales.

use ndarray::Array2;

use super::closed::{
    EIG_MIN_RIDGE, EigSolver, KernelRidge, SvdSolver, stationarity, stationarity_gram,
    stationarity_rows,
};
use super::control::{Cancelled, Control, Stage};
use super::gap::relative;
use super::gram::GramProblem;
use super::gram::{GramSolver, PointStats};
use super::gram_design::{GramDesign, Scaling};
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
    grid_for(prep.n(), prep.p(), prep.yy(), q, s)
}

/// The grid of docs/spec.md §3 from the shape, ||y_c||^2 and Z^T y_c alone.
pub fn grid_for(
    n: usize,
    p: usize,
    yy: f64,
    q: &[f64],
    s: &PathSettings,
) -> (Vec<f64>, GridSource) {
    if s.kind == ModelKind::Ols {
        return (vec![0.0], GridSource::Ols);
    }
    if let Some(a) = &s.alphas {
        return (explicit_grid(a), GridSource::Explicit);
    }
    let rho = s.rho();
    let qmax = q.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let amax = alpha_max(qmax, n, rho, yy);
    let eps = s.eps.unwrap_or_else(|| default_eps(n, p, rho));
    (log_grid(amax, eps, s.n_alphas.max(1)), GridSource::Auto)
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

/// The path of a design whose every coefficient is 0 (a constant target).
fn all_zero(p: usize, m: usize, warnings: Vec<SolverWarning>) -> RawPath {
    RawPath {
        beta: vec![vec![0.0; p]; m],
        rss: vec![0.0; m],
        rel_gap: vec![0.0; m],
        n_iter: vec![0; m],
        warnings,
    }
}

fn constant_warnings(scaling: &Scaling) -> Vec<SolverWarning> {
    scaling
        .constant_indices()
        .into_iter()
        .map(SolverWarning::ConstantColumn)
        .collect()
}

/// Solve the path on a prepared design for the given grid (the route depends on rho and
/// shape). With n >= p everything goes through the design's statistics ([`solve_gram`]);
/// the rows only serve the SVD where the statistics would lose accuracy.
pub fn solve_prepared(
    prep: &Prepared,
    s: &PathSettings,
    alphas: &[f64],
    ctl: &Control,
    report: bool,
) -> Result<RawPath, Cancelled> {
    let (n, p) = (prep.n(), prep.p());
    if use_gram(n, p) && prep.yy() > 0.0 {
        let gd = GramDesign::from_prepared(prep);
        return solve_gram(&gd, s, alphas, ctl, report, Some(prep));
    }
    let rho = s.rho();
    let warnings = constant_warnings(&prep.scaling());
    if prep.yy() == 0.0 {
        let mut w = warnings;
        w.push(SolverWarning::ConstantTarget);
        return Ok(all_zero(p, alphas.len(), w));
    }
    let closed = rho == 0.0 || s.kind == ModelKind::Ols;
    // ridge goes through the n x n kernel Z Z^T; the SVD is for OLS, alpha = 0 points of a
    // CD path, and tiny alphas
    let needs_svd = (closed && alphas.iter().any(|&a| a <= 0.0)) || alphas.contains(&0.0);
    let svd = if needs_svd {
        SvdSolver::new(prep.z_slice(), prep.y_slice(), n, p)
    } else {
        None
    };
    let mut out = RawPath {
        beta: Vec::with_capacity(alphas.len()),
        rss: Vec::with_capacity(alphas.len()),
        rel_gap: Vec::with_capacity(alphas.len()),
        n_iter: Vec::with_capacity(alphas.len()),
        warnings,
    };
    if needs_svd && svd.is_none() {
        out.warnings.push(SolverWarning::SvdFailed);
    }
    let z = prep.z_slice();
    let y = prep.y_slice();
    let zty_max = max_abs(prep.zty());
    let nf = n as f64;
    let m = alphas.len();
    if closed {
        ctl.check()?;
        let l2: Vec<f64> = alphas.iter().map(|a| nf * a).collect();
        // the n x n kernel Z Z^T unless an alpha is so small that the rounding of its small
        // eigenvalues would show; else the SVD
        let kernel = if alphas.iter().all(|&a| a > 0.0) {
            KernelRidge::new(z, y, n, p)
                .filter(|e| l2.iter().all(|&l| l >= EIG_MIN_RIDGE * e.lambda_max()))
        } else {
            None
        };
        let (b, rel, rss) = if let Some(kr) = &kernel {
            kr.path(z, y, alphas, &l2, zty_max)
        } else {
            let b = match svd.as_ref() {
                Some(sv) => sv.betas_mat(alphas),
                None => match SvdSolver::new(z, y, n, p) {
                    Some(sv) => sv.betas_mat(alphas),
                    None => {
                        if !out.warnings.contains(&SolverWarning::SvdFailed) {
                            out.warnings.push(SolverWarning::SvdFailed);
                        }
                        faer::Mat::<f64>::zeros(p, m)
                    }
                },
            };
            let (rel, rss) = stationarity_rows(z, y, n, b.as_ref(), &l2, zty_max);
            (b, rel, rss)
        };
        finish_closed(&mut out, &b, rel, rss, svd.as_ref(), alphas);
        if report {
            ctl.report(Stage::Path, m, m);
        }
        return Ok(out);
    }
    // coordinate descent on the residual, warm-started along the path (not the secant
    // start: near interpolation, p > n, it cost more sweeps than it saved)
    let prob = NaiveProblem::new(z, y, n, p);
    let mut cd = NaiveSolver::new(&prob);
    for (k, &a) in alphas.iter().enumerate() {
        ctl.check()?;
        if a == 0.0 {
            // l1 = 0: the CD gap is undefined; OLS in closed form (docs/solver.md §9)
            let beta = match &svd {
                Some(sv) => sv.betas(&[a]).pop().unwrap_or_else(|| vec![0.0; p]),
                None => vec![0.0; p],
            };
            let (rel, rss) = stationarity(z, y, n, p, &beta, 0.0, zty_max);
            out.push_point(beta, rss, rel, 0);
        } else {
            let (l1, l2) = (nf * a * rho, nf * a * (1.0 - rho));
            let st = cd.solve(l1, l2, s.tol, s.max_iter, ctl)?;
            out.push_cd(k, a, &st, &cd.beta, prep.yy(), s.max_iter);
        }
        if report {
            ctl.report(Stage::Path, k + 1, m);
        }
    }
    Ok(out)
}

impl RawPath {
    fn push_point(&mut self, beta: Vec<f64>, rss: f64, rel: f64, iters: usize) {
        self.beta.push(beta);
        self.rss.push(rss);
        self.rel_gap.push(rel);
        self.n_iter.push(iters);
    }

    /// One coordinate-descent point, with a warning when it stopped on max_iter.
    fn push_cd(
        &mut self,
        k: usize,
        a: f64,
        st: &PointStats,
        beta: &[f64],
        yy: f64,
        max_iter: usize,
    ) {
        let rel_gap = relative(st.gap, yy);
        if !st.converged {
            self.warnings.push(SolverWarning::NotConverged {
                index: k,
                alpha: a,
                rel_gap,
                max_iter,
            });
        }
        self.push_point(beta.to_vec(), st.rss, rel_gap, st.n_iter);
    }
}

/// A closed-form path's coefficients and checks into `out`, with the minimum-norm warning
/// when the rows' SVD solved an alpha = 0 point of a rank-deficient design.
fn finish_closed(
    out: &mut RawPath,
    b: &faer::Mat<f64>,
    rel: Vec<f64>,
    rss: Vec<f64>,
    svd: Option<&SvdSolver>,
    alphas: &[f64],
) {
    push_columns(out, b, rel, rss);
    let p = b.nrows();
    if let Some(sv) = svd
        && alphas.contains(&0.0)
        && sv.rank < p
    {
        out.warnings
            .push(SolverWarning::MinimumNorm { rank: sv.rank, p });
    }
}

fn push_columns(out: &mut RawPath, b: &faer::Mat<f64>, rel: Vec<f64>, rss: Vec<f64>) {
    let p = b.nrows();
    for k in 0..b.ncols() {
        out.beta.push((0..p).map(|j| b[(j, k)]).collect());
        out.n_iter.push(0);
    }
    out.rel_gap = rel;
    out.rss = rss;
}

fn max_abs(v: &[f64]) -> f64 {
    v.iter().fold(0.0f64, |m, x| m.max(x.abs()))
}

/// The n >= p path from the design's statistics: closed forms from an eigendecomposition
/// of G, coordinate descent on G. `rows`, when the design is also held in memory, serve
/// the SVD for OLS and for alphas so small that the rounding of G's small eigenvalues
/// would show; without rows those use G's eigendecomposition (a pseudo-inverse).
pub fn solve_gram(
    gd: &GramDesign,
    s: &PathSettings,
    alphas: &[f64],
    ctl: &Control,
    report: bool,
    rows: Option<&Prepared>,
) -> Result<RawPath, Cancelled> {
    let (n, p) = (gd.n(), gd.p());
    let prob = gd.problem();
    let rho = s.rho();
    let m = alphas.len();
    let mut out = RawPath {
        beta: Vec::with_capacity(m),
        rss: Vec::with_capacity(m),
        rel_gap: Vec::with_capacity(m),
        n_iter: Vec::with_capacity(m),
        warnings: constant_warnings(gd.scaling()),
    };
    if gd.yy() == 0.0 {
        out.warnings.push(SolverWarning::ConstantTarget);
        return Ok(all_zero(p, m, out.warnings));
    }
    let closed = rho == 0.0 || s.kind == ModelKind::Ols;
    let nf = n as f64;
    let zty_max = max_abs(gd.zty());
    // what the closed forms stand on: the rows' SVD where they are at hand and needed,
    // else G's eigendecomposition
    let needs_exact = alphas.contains(&0.0) || (closed && alphas.iter().any(|&a| a <= 0.0));
    let svd = match rows {
        Some(prep) if needs_exact => {
            let sv = SvdSolver::new(prep.z_slice(), prep.y_slice(), n, p);
            if sv.is_none() {
                out.warnings.push(SolverWarning::SvdFailed);
            }
            sv
        }
        _ => None,
    };
    let eig = || EigSolver::new(prob.g(), prob.q(), p);
    if closed {
        ctl.check()?;
        let l2: Vec<f64> = alphas.iter().map(|a| nf * a).collect();
        let well_posed = |e: &EigSolver| {
            alphas.iter().all(|&a| a > 0.0)
                && l2.iter().all(|&l| l >= EIG_MIN_RIDGE * e.lambda_max())
        };
        let e = eig();
        let b = match (&e, &svd, rows) {
            (Some(e), _, _) if well_posed(e) => Some(e.betas(alphas, n)),
            (_, Some(sv), _) => Some(sv.betas_mat(alphas)),
            (_, None, Some(prep)) => {
                SvdSolver::new(prep.z_slice(), prep.y_slice(), n, p).map(|sv| sv.betas_mat(alphas))
            }
            (Some(e), None, None) => {
                let (b, rank) = e.betas_pinv(alphas, n);
                if alphas.contains(&0.0) && rank < p {
                    out.warnings.push(SolverWarning::MinimumNorm { rank, p });
                }
                Some(b)
            }
            (None, None, None) => None,
        };
        let b = b.unwrap_or_else(|| {
            out.warnings.push(SolverWarning::SvdFailed);
            faer::Mat::<f64>::zeros(p, m)
        });
        let (rel, rss) = match rows {
            Some(prep) if e.as_ref().is_none_or(|e| !well_posed(e)) => {
                stationarity_rows(prep.z_slice(), prep.y_slice(), n, b.as_ref(), &l2, zty_max)
            }
            _ => stationarity_gram(prob.g(), prob.q(), prob.yy(), b.as_ref(), &l2, zty_max),
        };
        finish_closed(&mut out, &b, rel, rss, svd.as_ref(), alphas);
        if report {
            ctl.report(Stage::Path, m, m);
        }
        return Ok(out);
    }
    // coordinate descent on G, warm-started along the path with the secant start
    let mut cd = GramSolver::new(prob);
    let mut eig_cache: Option<Option<EigSolver>> = None;
    for (k, &a) in alphas.iter().enumerate() {
        ctl.check()?;
        if a == 0.0 {
            // l1 = 0: the CD gap is undefined; OLS in closed form
            let beta = match (&svd, rows) {
                (Some(sv), _) => sv.betas(&[0.0]).pop().unwrap_or_else(|| vec![0.0; p]),
                (None, Some(_)) => vec![0.0; p],
                (None, None) => {
                    let e = eig_cache.get_or_insert_with(eig);
                    match e {
                        Some(e) => {
                            let (b, rank) = e.betas_pinv(&[0.0], n);
                            if rank < p {
                                out.warnings.push(SolverWarning::MinimumNorm { rank, p });
                            }
                            (0..p).map(|j| b[(j, 0)]).collect()
                        }
                        None => vec![0.0; p],
                    }
                }
            };
            let bm = faer::Mat::<f64>::from_fn(p, 1, |j, _| beta[j]);
            let (rel, rss) = match rows {
                Some(prep) => stationarity_rows(
                    prep.z_slice(),
                    prep.y_slice(),
                    n,
                    bm.as_ref(),
                    &[0.0],
                    zty_max,
                ),
                None => {
                    stationarity_gram(prob.g(), prob.q(), prob.yy(), bm.as_ref(), &[0.0], zty_max)
                }
            };
            out.push_point(beta, rss[0], rel[0], 0);
        } else {
            let (l1, l2) = (nf * a * rho, nf * a * (1.0 - rho));
            if let Some(ratio) = secant_ratio(alphas, k) {
                cd.extrapolate(&out.beta[k - 2], ratio);
            }
            let st = cd.solve(l1, l2, s.tol, s.max_iter, ctl)?;
            out.push_cd(k, a, &st, &cd.beta, prob.yy(), s.max_iter);
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
    assemble(&prep.scaling(), prep.n(), prep.yy(), s, alphas, source, raw)
}

/// The docs/spec.md §6 result from the raw path, the scaling, n and ||y_c||^2.
pub fn assemble(
    scaling: &Scaling,
    n: usize,
    yy: f64,
    s: &PathSettings,
    alphas: Vec<f64>,
    source: GridSource,
    raw: RawPath,
) -> PathResult {
    let p = scaling.p();
    let m = alphas.len();
    let mut coef = Array2::<f64>::zeros((m, p));
    let mut coef_std = Array2::<f64>::zeros((m, p));
    let mut intercept = Vec::with_capacity(m);
    let mut n_nonzero = Vec::with_capacity(m);
    for k in 0..m {
        let beta = &raw.beta[k];
        let w = scaling.to_original(beta);
        for j in 0..p {
            coef_std[(k, j)] = if scaling.constant[j] { 0.0 } else { beta[j] };
            coef[(k, j)] = w[j];
        }
        intercept.push(scaling.intercept(&w));
        n_nonzero.push(w.iter().filter(|&&v| v != 0.0).count());
    }
    let nf = (n as f64).max(1.0);
    let train_mse = raw.rss.iter().map(|r| r / nf).collect();
    let r2 = raw
        .rss
        .iter()
        .map(|r| if yy > 0.0 { 1.0 - r / yy } else { 0.0 })
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
        constant: scaling.constant.clone(),
        warnings: raw.warnings,
    }
}

/// The n >= p path from a design's statistics; `rows`, when held too, serve the SVD
/// where G's rounding would show (see [`solve_gram`]).
pub fn fit_path_gram(
    gd: &GramDesign,
    rows: Option<&Prepared>,
    s: &PathSettings,
    ctl: &Control,
) -> Result<PathResult, Cancelled> {
    let (alphas, source) = grid_for(gd.n(), gd.p(), gd.yy(), gd.zty(), s);
    let raw = solve_gram(gd, s, &alphas, ctl, true, rows)?;
    Ok(assemble(
        gd.scaling(),
        gd.n(),
        gd.yy(),
        s,
        alphas,
        source,
        raw,
    ))
}

/// The full path of docs/spec.md §3-4 on all rows.
/// The alpha grid `fit_path` will use, without fitting (so a CV can start alongside it).
pub fn path_alphas(prep: &Prepared, s: &PathSettings) -> Vec<f64> {
    alpha_grid(prep, s, prep.zty()).0
}

pub fn fit_path(prep: &Prepared, s: &PathSettings, ctl: &Control) -> Result<PathResult, Cancelled> {
    let (alphas, source) = alpha_grid(prep, s, prep.zty());
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
    let raw = if closed || prep.yy() == 0.0 {
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
            let prob = GramProblem::from_design(z, y, n, p, Some(prep.zty()));
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
        let rel_gap = relative(st.gap, prep.yy());
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
