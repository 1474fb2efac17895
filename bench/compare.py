#!/usr/bin/env python3
"""regscope vs the fastest Python peers, side by side, at equal accuracy.

  PY=$(bash bench/setup.sh | tail -1)      # the venv's python is setup.sh's last line
  $PY bench/compare.py --bin target/release/regscope --workload mid --task lasso

Workloads: the synthetic generator `synth` below (AR(1) Gaussian features, sparse truth, SNR 3):
tall 50000x200, mid 5000x1000, wide 400x8000 (corr .6), collinear 300x40 (corr .95), or
--shape n,p,nonzeros,corr,seed. Tasks: lasso; enet (l1_ratio .5, or --l1-ratio R); cv (5-fold lasso, the folds a
column of the data file, so both sides use the same folds); ridge. Grid: docs/spec.md §3, 100 alphas.

Accuracy: the docs/spec.md §4 relative duality gap is recomputed HERE, on this script's own standardized
copy of the data, from the coefficients each side returns (regscope's `coef_std`; its own
`rel_gap` is only echoed). Target: max gap over the path <= 1e-6 for everyone (cv: the full fit,
and the fold fits of the peers that follow docs/spec.md; ridge: the ridge gap ||Z'r - l2 b||^2/(2 l2)/||y_c||^2).
Each peer runs at the loosest rung of its tolerance ladder that meets it (cached; --research).

Timing: regscope = timings_ms.fit (+ .cv), median of --reps whole-process runs; a peer = wall time
of its fit call on loaded, standardized data, median of --reps fresh worker processes (each after
an untimed warm-up on a tiny slice). Runs interleave (regscope, peers, regscope, ...). Every
subprocess runs without OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE (OpenBLAS picks its kernel; printed).

Exit: 0 all ran and regscope met the target; 2 regscope missing, failed, bad JSON, another grid
or other folds, or missed the gap target (the last line says which); 1 otherwise (a peer crashed).
"""
import argparse, json, math, os, shutil, statistics, subprocess, sys, time, warnings  # noqa: E401

try:
    import numpy as np
except ImportError:
    sys.exit("compare.py: numpy is missing: run me with the python that setup.sh prints")

TARGET_GAP = 1e-6
GAP_SLACK = 1.001  # a gap within 0.1 % of the target counts as met (recomputation rounding)
N_ALPHAS, K_FOLDS, FOLD_SEED = 100, 5, 42
WORKLOADS = {  # name: (n, p, nonzeros, corr, seed)
    "tall": (50_000, 200, 20, 0.6, 0), "mid": (5_000, 1_000, 50, 0.6, 1),
    "wide": (400, 8_000, 40, 0.6, 2), "collinear": (300, 40, 8, 0.95, 3)}
RHO = {"lasso": 1.0, "enet": 0.5, "cv": 1.0, "ridge": 0.0}
KIND = {"lasso": "lasso", "enet": "elastic-net", "cv": "lasso", "ridge": "ridge"}
SK_TOLS = ("tol", [1e-6, 1e-7, 1e-8, 1e-9, 1e-10])  # sklearn: stops on gap <= tol * ||y||^2
GLMNET = ("thresh", [1e-7, 1e-8, 1e-9, 1e-10, 1e-11, 1e-12, 1e-13, 1e-14])  # glmnet's thresh
CLOSED = ("closed form", [0.0])
PATH_PEERS = {"sklearn": SK_TOLS, "python-glmnet": GLMNET}
PEERS = {"lasso": PATH_PEERS, "enet": PATH_PEERS, "cv": dict(PATH_PEERS, **{"sklearn-LassoCV": SK_TOLS}),
         "ridge": {"numpy-svd": CLOSED, "python-glmnet": GLMNET}}  # task -> peer -> (parameter, ladder)
PATH_NOTE = "sklearn: enet_path(precompute='auto'); python-glmnet: Fortran elnet on the docs/spec.md scale"
PEER_NOTES = {"lasso": PATH_NOTE, "enet": PATH_NOTE,
              "cv": "sklearn, python-glmnet: docs/spec.md §5 on the fixed folds (standardized inside each fold; full "
                    "fit + 5 folds timed); sklearn-LassoCV: LassoCV(cv=the same folds) on globally "
                    "standardized X, as a user calls it (gap: its refit)",
              "ridge": "numpy-svd: one thin SVD, closed form (what sklearn Ridge(solver='svd') does per "
                       "alpha); python-glmnet: coordinate descent, alpha=0"}
CLEAN_ENV = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}


# ------------------------------------------------------------------------------------- data
def synth(n, p, k, corr, seed):
    """The workloads' generator: X[:, j] = corr X[:, j-1] + sqrt(1 - corr^2) e, so
    corr(x_i, x_j) = corr^|i-j|; k true coefficients U(1, 3) with random sign; noise sd = sd(signal)/3.
    The same seed gives the same numbers on every run (the data is cached as parquet in --cache)."""
    rng = np.random.default_rng(seed)
    X = np.empty((n, p))
    X[:, 0] = rng.standard_normal(n)
    s = np.sqrt(1 - corr * corr)
    for j in range(1, p):
        X[:, j] = corr * X[:, j - 1] + s * rng.standard_normal(n)
    beta = np.zeros(p)
    idx = rng.choice(p, size=k, replace=False)
    beta[idx] = rng.choice([-1, 1], size=k) * rng.uniform(1, 3, size=k)
    signal = X @ beta
    return X, signal + np.std(signal) / 3.0 * rng.standard_normal(n)


def fold_ids(n, k=K_FOLDS, seed=FOLD_SEED):
    """A seeded shuffle, then K contiguous blocks, the first n mod K one row longer (docs/spec.md §5)."""
    perm = np.random.default_rng(seed).permutation(n)
    f, start = np.empty(n, dtype=np.int64), 0
    for j in range(k):
        size = n // k + (1 if j < n % k else 0)
        f[perm[start:start + size]] = j
        start += size
    return f


def ensure_data(cache, key, shape, with_folds):
    """Write the workload once as parquet (x00000.., y[, fold]) into the cache; return its path."""
    import pandas as pd

    path = os.path.join(cache, f"synth-{key}{'-folds' if with_folds else ''}.parquet")
    if not os.path.exists(path):
        X, y = synth(*shape)
        df = pd.DataFrame(X, columns=[f"x{j:05d}" for j in range(X.shape[1])])
        df["y"] = y
        if with_folds:
            df["fold"] = fold_ids(len(y))
        df.to_parquet(path + ".tmp", index=False)
        os.replace(path + ".tmp", path)
    return path


def load(path):
    import pandas as pd

    df = pd.read_parquet(path)
    feats = [c for c in df.columns if c not in ("y", "fold")]
    folds = df["fold"].to_numpy(np.int64) if "fold" in df.columns else None
    return df[feats].to_numpy(np.float64), df["y"].to_numpy(np.float64), folds, feats


# ------------------------------------------------------------------------- docs/spec.md arithmetic
def standardize(X, y):
    """docs/spec.md §2: centre, divide by the population sd; a constant column becomes 0."""
    mu = X.mean(axis=0)
    Xc = X - mu
    sd = np.sqrt(np.einsum("ij,ij->j", Xc, Xc) / X.shape[0])
    const = sd <= 1e-12 * np.maximum(1.0, np.abs(X).max(axis=0))
    sd = np.where(const, 1.0, sd)
    Xc /= sd
    Xc[:, const] = 0.0
    ybar = float(y.mean())
    return np.asfortranarray(Xc), y - ybar, mu, sd, ybar


def alpha_grid(Z, yc, rho, eps, m=N_ALPHAS):
    """docs/spec.md §3: alpha_max (the ridge form below rho 1e-3), then m log-spaced values down to eps."""
    n, g = len(yc), float(np.max(np.abs(Z.T @ yc)))
    amax = g / (n * rho) if rho >= 1e-3 else 1e3 * g / (n * math.sqrt(float(yc @ yc) / n))
    return amax * eps ** (np.arange(m) / (m - 1))


def rel_gaps(Z, yc, B, alphas, rho, chunk=25):
    """Relative duality gap at each alpha (B: p x m, standardized scale; NaN -> inf).
    rho > 0: docs/spec.md §4. rho = 0: the ridge gap ||Z'r - l2 b||^2 / (2 l2) (its dual is unconstrained)."""
    n, yy = len(yc), float(yc @ yc)
    out = np.empty(len(alphas))
    for s in range(0, len(alphas), chunk):
        Bc, a = np.asarray(B[:, s:s + chunk], dtype=np.float64), np.asarray(alphas[s:s + chunk])
        R = yc[:, None] - Z @ Bc
        l1, l2 = a * rho * n, a * (1 - rho) * n
        G = Z.T @ R - l2 * Bc
        with np.errstate(divide="ignore", invalid="ignore"):
            if rho == 0:
                gap = np.einsum("ij,ij->j", G, G) / (2 * l2)
            else:
                gmax = np.abs(G).max(axis=0)
                c = np.where(gmax > 0, np.minimum(1.0, l1 / gmax), 1.0)
                gap = (0.5 * (1 + c * c) * np.einsum("ij,ij->j", R, R) + l1 * np.abs(Bc).sum(0)
                       - c * (R.T @ yc) + 0.5 * l2 * (1 + c * c) * np.einsum("ij,ij->j", Bc, Bc))
        out[s:s + chunk] = gap / yy if yy > 0 else gap
    return np.where(np.isnan(out), np.inf, out)


def glmnet_map(alphas, rho, sy):
    """glmnet scales y by its sd sy, which divides the ridge part of its penalty by sy. regscope's
    (alpha, rho) -> glmnet (lambda, mixing a): lambda a = alpha rho, lambda (1-a)/sy = alpha (1-rho)."""
    scale = rho + sy * (1 - rho)
    return rho / scale, np.asarray(alphas) * scale


# ------------------------------------------------------------------------------ peer fits
def fit_sklearn(Z, yc, alphas, rho, tol):
    from sklearn.linear_model import enet_path

    return enet_path(Z, yc, l1_ratio=rho, alphas=alphas, precompute="auto", tol=tol, max_iter=1_000_000)[1]


def fit_glmnet(Z, yc, alphas, rho, thresh):
    from glmnet import ElasticNet  # the module of PyPI python-glmnet

    a_g, lam = glmnet_map(alphas, rho, math.sqrt(float(yc @ yc) / len(yc)))
    m = ElasticNet(alpha=a_g, lambda_path=lam, standardize=False, fit_intercept=False, tol=thresh,
                   max_iter=1_000_000, n_splits=0).fit(Z, yc)
    B = np.full((Z.shape[1], len(alphas)), np.nan)  # alphas glmnet did not reach: NaN -> gap inf
    B[:, :m.coef_path_.shape[1]] = m.coef_path_
    return B


def fit_numpy_svd(Z, yc, alphas, rho, _):
    U, d, Vt = np.linalg.svd(Z, full_matrices=False)
    shrink = d[:, None] / (d[:, None] ** 2 + len(yc) * np.asarray(alphas)[None, :])
    return Vt.T @ (shrink * (U.T @ yc)[:, None])


FITS = {"sklearn": fit_sklearn, "python-glmnet": fit_glmnet, "numpy-svd": fit_numpy_svd}


def spec_cv(fit, X, y, folds, Z, yc, alphas, param):
    """docs/spec.md §5 on fixed folds: the full fit, then per fold: standardize the training rows, fit the
    path on them, score the held-out rows; cv_mean, cv_se, alpha_min, alpha_1se."""
    B_full = fit(Z, yc, alphas, 1.0, param)
    K = int(folds.max()) + 1
    mse, fold_B = np.empty((K, len(alphas))), []
    for k in range(K):
        tr, te = folds != k, folds == k
        Zt, yct, mu, sd, yb = standardize(X[tr], y[tr])
        B = fit(Zt, yct, alphas, 1.0, param)
        mse[k] = np.mean((y[te, None] - yb - ((X[te] - mu) / sd) @ B) ** 2, axis=0)
        fold_B.append(B)
    mean, se = mse.mean(0), mse.std(0, ddof=1) / math.sqrt(K)
    i = int(np.nanargmin(mean))
    j = int(np.nonzero(mean <= mean[i] + se[i])[0][0])
    return (B_full, fold_B), {"alpha_min": float(alphas[i]), "alpha_1se": float(alphas[j]),
                              "cv_mean": mean.tolist()}


def lasso_cv(Z, y, folds, alphas, tol):
    from sklearn.linear_model import LassoCV

    idx, K = np.arange(len(y)), int(folds.max()) + 1
    est = LassoCV(alphas=alphas, cv=[(idx[folds != k], idx[folds == k]) for k in range(K)], tol=tol,
                  max_iter=1_000_000, precompute="auto").fit(Z, y)
    k = int(np.argmin(np.abs(alphas - est.alpha_)))
    return (k, est.coef_), {"alpha_min": float(est.alpha_), "cv_mean": est.mse_path_.mean(1).tolist()}


def worker(spec):
    """One peer run in its own process: load, standardize, warm up, time one call, check the gap."""
    task, peer, param, rho = spec["task"], spec["peer"], spec["param"], spec.get("rho", RHO[spec["task"]])
    X, y, folds, _ = load(spec["data"])

    def run(X, y, folds, alphas):
        Z, yc, *_ = standardize(X, y)  # the full-data preparation is not timed (nor is regscope's)
        alphas = alpha_grid(Z, yc, rho, spec["eps"]) if alphas is None else alphas
        t = time.perf_counter()
        if task != "cv":
            out, info = FITS[peer](Z, yc, alphas, rho, param), {}
        elif peer == "sklearn-LassoCV":
            out, info = lasso_cv(Z, y, folds, alphas, param)
        else:
            out, info = spec_cv(FITS[peer], X, y, folds, Z, yc, alphas, param)
        return time.perf_counter() - t, out, info, Z, yc, alphas

    m = min(len(y), 60)  # warm-up on a tiny slice: imports and first-call costs stay out of the time
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        Zs, ycs, *_ = standardize(X[:m, :10], y[:m])
        run(X[:m, :10], y[:m], np.arange(m) % K_FOLDS, alpha_grid(Zs, ycs, max(rho, 1e-3), 0.1, 5))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        secs, out, info, Z, yc, alphas = run(X, y, folds, None)
    if task != "cv":
        gap = rel_gaps(Z, yc, out, alphas, rho).max()
    elif peer == "sklearn-LassoCV":
        k, coef = out
        gap = rel_gaps(Z, yc, coef[:, None], alphas[k:k + 1], 1.0).max()
    else:  # the full fit and every fold fit, each on its own standardized training rows
        gap = rel_gaps(Z, yc, out[0], alphas, 1.0).max()
        for k, B in enumerate(out[1]):
            Zt, yct, *_ = standardize(X[folds != k], y[folds != k])
            gap = max(gap, rel_gaps(Zt, yct, B, alphas, 1.0).max())
    from threadpoolctl import threadpool_info  # comes with scikit-learn: which BLAS kernel ran

    blas = "; ".join(f"{d['internal_api']} {d.get('version')} {d.get('architecture')} x{d['num_threads']}"
                     for d in threadpool_info() if d["user_api"] == "blas")
    print("@@RESULT " + json.dumps({"seconds": secs, "gap": float(gap), "warnings": len(caught), "blas": blas, **info}))


# -------------------------------------------------------------------------------- regscope
class RegscopeError(Exception):
    """regscope is missing, failed, printed bad JSON or timed out: exit 2."""


def run_regscope(a, toml, ctx):
    """One whole-process run; returns its timings and coef_std (p x m, in our column order)."""
    cmd = [a.bin, "cv" if ctx["task"] == "cv" else "path", "--config", toml, "--format", "json"]
    t = time.perf_counter()
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=a.timeout, env=CLEAN_ENV)
    except subprocess.TimeoutExpired:
        raise RegscopeError(f"timed out after {a.timeout:g} s")
    except OSError as e:
        raise RegscopeError(f"could not start {a.bin}: {e}")
    wall = time.perf_counter() - t
    if p.returncode != 0:
        raise RegscopeError(f"exit code {p.returncode}: {(p.stderr.strip().splitlines() or ['(no stderr)'])[-1]}")
    try:
        out = json.loads(p.stdout)
    except ValueError as e:
        raise RegscopeError(f"bad JSON on stdout: {e}")
    cv = ctx["task"] == "cv"
    stages = ["fit", "cv"] if cv else ["fit"]
    need = ["features", "alphas", "coef_std", "rel_gap", "timings_ms"] + \
        (["fold_ids", "cv_mean", "alpha_min", "alpha_1se"] if cv else [])
    tm = out.get("timings_ms") if isinstance(out.get("timings_ms"), dict) else {}
    missing = [k for k in need if k not in out] + \
        [f"timings_ms.{s}" for s in stages if not isinstance(tm.get(s), (int, float))]
    if missing:
        raise RegscopeError(f"bad JSON: missing or non-numeric {', '.join(missing)}")
    if sorted(out["features"]) != sorted(ctx["feats"]):
        raise RegscopeError(f"bad JSON: features are not the {len(ctx['feats'])} data columns")
    try:
        B = np.asarray(out["coef_std"], dtype=np.float64)
        alphas = np.asarray(out["alphas"], dtype=np.float64)
        self_gap = float(np.max(np.asarray(out["rel_gap"], dtype=np.float64)))
        assert B.shape == (len(alphas), len(ctx["feats"])), f"coef_std is {B.shape}"
        if cv:
            float(out["alpha_min"]), float(out["alpha_1se"]), np.asarray(out["cv_mean"], dtype=np.float64)
    except (AssertionError, ValueError, TypeError) as e:
        raise RegscopeError(f"bad JSON: {e}")
    pos = {f: i for i, f in enumerate(out["features"])}
    return {"seconds": sum(tm[s] for s in stages) / 1e3, "wall": wall, "load": tm.get("load"),
            "prepare": tm.get("prepare"), "B": B[:, [pos[f] for f in ctx["feats"]]].T,
            "alphas": alphas, "self_gap": self_gap, "json": out}


def check_regscope(r, ctx, fails, notes):
    """Recompute the gap of regscope's coef_std on our data; compare its grid (and folds)."""
    r["gap"] = g = float(rel_gaps(ctx["Z"], ctx["yc"], r["B"], r["alphas"], ctx["rho"]).max())
    if len(r["alphas"]) != len(ctx["alphas"]):
        fails.add(f"alpha grid has {len(r['alphas'])} values, docs/spec.md §3 says {len(ctx['alphas'])}")
    elif (d := float(np.max(np.abs(r["alphas"] / ctx["alphas"] - 1)))) > 1e-9:
        fails.add(f"alpha grid differs from docs/spec.md §3 (max relative difference {d:.1e})")
    if not g <= TARGET_GAP * GAP_SLACK:
        fails.add(f"missed the gap target: recomputed max gap {g:.2e} > {TARGET_GAP:g}")
    if ctx["rho"] > 0 and np.any(r["B"][:, 0] != 0):
        notes.add("regscope: a coefficient at alpha_max is not exactly 0 (docs/spec.md §3)")
    if ctx["task"] == "cv" and list(r["json"]["fold_ids"]) != ctx["folds"].tolist():
        fails.add("fold_ids differ from the data's fold column")


# ---------------------------------------------------------------------------------- peers
def run_peer(a, ctx, peer, param):
    spec = {"data": ctx["data"], "task": ctx["task"], "peer": peer, "param": param, "eps": ctx["eps"], "rho": ctx["rho"]}
    t = time.perf_counter()
    try:
        p = subprocess.run([sys.executable, os.path.abspath(__file__), "--worker", json.dumps(spec)],
                           capture_output=True, text=True, timeout=a.timeout, env=CLEAN_ENV)
    except subprocess.TimeoutExpired:
        return {"timeout": True}
    for line in reversed(p.stdout.splitlines()):
        if line.startswith("@@RESULT "):
            return dict(json.loads(line[len("@@RESULT "):]), wall=time.perf_counter() - t)
    return {"error": (p.stderr.strip().splitlines() or [f"exit code {p.returncode}"])[-1]}


def find_setting(a, ctx, peer, cache, log):
    """Walk the peer's ladder (loose -> tight) to the first rung that meets the target and cache
    the outcome. Returns (state, the last run's result, which is the first timed sample, or None)."""
    pname, ladder = PEERS[ctx["task"]][peer]
    key = f"{ctx['key']}|{ctx['task']}|eps={ctx['eps']:g}|{peer}" + (f"|rho={ctx['rho']:g}" if ctx["task"] == "enet" and ctx["rho"] != 0.5 else "")
    hit = None if a.research else cache.get(key)
    if hit and hit["status"] != "met":  # a known miss or timeout is not rerun (--research does)
        return dict(hit, cached=True, pname=pname), None
    rungs = [hit["param"]] + [q for q in ladder if q < hit["param"]] if hit else ladder
    for q in rungs:
        r = run_peer(a, ctx, peer, q)
        log(f"{peer} {pname}{'=%g' % q if q else ''}: " + ("timeout" if "timeout" in r else r.get("error")
                                                           or f"{r['seconds']:.3f} s, gap {r['gap']:.1e}"))
        if "error" in r:  # not cached: may be an environment problem
            return {"status": "error", "param": q, "error": r["error"], "pname": pname}, None
        if "timeout" in r:
            st, r = {"status": "timeout", "param": q}, None
            break
        st = {"status": "met" if r["gap"] <= TARGET_GAP * GAP_SLACK else "missed", "param": q,
              "gap": r["gap"], "seconds": r["seconds"]}
        if st["status"] == "met" or r["wall"] > a.timeout / 3:  # a tighter rung would time out
            break
    cache[key] = st
    with open(ctx["settings_file"] + ".tmp", "w") as f:
        json.dump(cache, f, indent=1, sort_keys=True)
    os.replace(ctx["settings_file"] + ".tmp", ctx["settings_file"])
    return dict(st, pname=pname), r


# ---------------------------------------------------------------------------------- driver
def busy_cores(dt=0.5):
    """How many cores something else keeps busy, from /proc/stat over dt seconds (None: unknown)."""
    def jiffies():  # the "cpu" line: user nice system idle iowait irq softirq ...
        with open("/proc/stat") as f:
            return np.array(f.readline().split()[1:], dtype=float)

    try:
        j0 = jiffies()
        time.sleep(dt)
        d = jiffies() - j0
        return (1 - (d[3] + d[4]) / d.sum()) * os.cpu_count()
    except (OSError, ValueError, IndexError, ZeroDivisionError):
        return None


def write_config(path, data_file, task, eps, tol, label):
    """The docs/spec.md §7 experiment config (data path relative to the config file)."""
    lines = [f"# written by compare.py for {label}/{task}", "[data]", f'path = "{data_file}"',
             'target = "y"', "", "[model]", f'kind = "{KIND[task]}"']
    lines += [f"l1_ratio = {RHO[task]!r}"] if task == "enet" else []
    lines += ["standardize = true", "fit_intercept = true", "",
              "[path]", f"n_alphas = {N_ALPHAS}", f"eps = {eps!r}", ""]
    lines += ["[cv]", f"folds = {K_FOLDS}", 'fold_column = "fold"', ""] if task == "cv" else []
    with open(path, "w") as f:
        f.write("\n".join(lines + ["[solver]", f"tol = {tol!r}", ""]))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--bin", help="the regscope binary (a path, or a name on PATH)")
    ap.add_argument("--workload", choices=sorted(WORKLOADS), default="mid")
    ap.add_argument("--shape", help="a custom workload n,p,nonzeros,corr,seed (replaces --workload)")
    ap.add_argument("--task", choices=list(RHO), default="lasso")
    ap.add_argument("--l1-ratio", type=float, help="the enet task's l1_ratio in (0, 1) (default 0.5)")
    ap.add_argument("--reps", type=int, default=3, help="timed runs per side (default 3)")
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds per run (default 300)")
    ap.add_argument("--tol", type=float, default=TARGET_GAP,
                    help="regscope's [solver] tol (default 1e-6: docs/spec.md §4 stops on gap <= tol ||y_c||^2)")
    ap.add_argument("--peers", help="comma-separated subset of the task's peers")
    ap.add_argument("--threads", type=int, help="set OMP/OPENBLAS/MKL/RAYON_NUM_THREADS for both sides")
    ap.add_argument("--cache", default=os.environ.get("REGSCOPE_PEERS_CACHE", os.path.join(
        os.path.expanduser("~"), ".cache", "regscope-peers", "data")),
        help="data, configs and found settings (default $REGSCOPE_PEERS_CACHE or $HOME/.cache/regscope-peers/data)")
    ap.add_argument("--research", action="store_true", help="ignore the cached peer settings")
    ap.error = lambda msg: (ap.print_usage(sys.stderr), sys.exit(f"compare.py: error: {msg}"))  # exit 1, not 2
    a = ap.parse_args()
    if a.l1_ratio is not None:
        if a.task != "enet" or not 0.0 < a.l1_ratio < 1.0:
            ap.error("--l1-ratio needs --task enet and a value in (0, 1)")
        RHO["enet"] = a.l1_ratio
    if a.worker:
        return worker(json.loads(a.worker))
    t0 = time.time()

    def log(msg):
        print(f"[{time.time() - t0:6.1f}s] {msg}", file=sys.stderr, flush=True)

    if not a.bin or a.reps < 1:
        ap.error("--bin PATH (the regscope binary) is required, and --reps must be >= 1")
    a.bin = a.bin if os.sep in a.bin else (shutil.which(a.bin) or a.bin)
    if not (os.path.isfile(a.bin) and os.access(a.bin, os.X_OK)):
        print(f"regscope FAILED: binary not found or not executable: {a.bin} "
              "(build it, e.g. cargo build --release, and pass --bin target/release/regscope)")
        return 2
    if a.threads:  # one thread count for regscope and the peers alike
        CLEAN_ENV.update({f"{v}_NUM_THREADS": str(a.threads) for v in ("OMP", "OPENBLAS", "MKL", "RAYON")})
    shape, label = WORKLOADS[a.workload], a.workload
    if a.shape:
        try:
            n, p, k, corr, seed = a.shape.split(",")
            shape = (int(n), int(p), int(k), float(corr), int(seed))
        except ValueError:
            ap.error("--shape wants n,p,nonzeros,corr,seed, e.g. 2000,500,20,0.6,7")
        label = f"{shape[0]}x{shape[1]}"
    peers = [q for q in (a.peers.split(",") if a.peers is not None else PEERS[a.task]) if q]
    if [q for q in peers if q not in PEERS[a.task]]:
        ap.error(f"--peers: choose from {', '.join(PEERS[a.task])} for task {a.task}")
    os.makedirs(a.cache, exist_ok=True)
    n, p = shape[:2]
    key = f"n{n}-p{p}-k{shape[2]}-c{shape[3]:g}-s{shape[4]}"
    eps = 1e-6 if a.task == "ridge" else (1e-3 if n >= p else 1e-2)  # docs/spec.md §3 defaults

    busy = busy_cores()
    log(f"data {label} {n}x{p}; busy cores before the run: {busy if busy is None else round(busy, 2)}")
    data = ensure_data(a.cache, key, shape, a.task == "cv")
    toml = os.path.join(a.cache, f"synth-{key}-{a.task}.toml")
    write_config(toml, os.path.basename(data), a.task, eps, a.tol, label)
    X, y, folds, feats = load(data)
    Z, yc, *_ = standardize(X, y)
    del X
    ctx = {"task": a.task, "rho": RHO[a.task], "data": data, "eps": eps, "key": key, "feats": feats,
           "folds": folds, "Z": Z, "yc": yc, "alphas": alpha_grid(Z, yc, RHO[a.task], eps),
           "settings_file": os.path.join(a.cache, "settings.json"), "busy": busy}
    try:
        with open(ctx["settings_file"]) as f:
            cache = json.load(f)
    except (OSError, ValueError):
        cache = {}
    fails, notes, rs, state = set(), set(), [], {}

    def regscope_rep(i):
        r = run_regscope(a, toml, ctx)
        check_regscope(r, ctx, fails, notes)
        log(f"regscope run {i}/{a.reps}: {r['seconds']:.3f} s (process {r['wall']:.2f} s), gap {r['gap']:.1e}")
        for k in ("coef_std", "coef"):  # keep memory flat over the reps
            r["json"].pop(k, None)
        del r["B"]
        rs.append(r)

    try:
        regscope_rep(1)  # first: a broken binary stops everything before the peers run
        for q in peers:  # each peer's setting; its last ladder run is its first sample
            st, first = find_setting(a, ctx, q, cache, log)
            state[q] = dict(st, samples=[first] if first else [])
        for i in range(2, a.reps + 1):  # the other reps, interleaved
            regscope_rep(i)
            for q in [m for m in peers if state[m]["status"] == "met"]:
                r = run_peer(a, ctx, q, state[q]["param"])
                if "seconds" in r:
                    state[q]["samples"].append(r)
                else:
                    state[q].update(status="timeout" if "timeout" in r else "error", error=r.get("error"))
                log(f"{q} run {i}/{a.reps}: " + (f"{r['seconds']:.3f} s" if "seconds" in r else state[q]["status"]))
    except RegscopeError as e:
        print(f"regscope FAILED: {e} ({label}/{a.task})")
        return 2
    t_rs = report(a, ctx, label, shape, toml, rs, peers, state, notes)
    if fails:
        print(f"regscope FAILED: {'; '.join(sorted(fails))} ({label}/{a.task})")
        return 2
    best = min(((statistics.median(s["seconds"] for s in state[q]["samples"]), q) for q in peers
                if state[q]["status"] == "met" and state[q]["samples"]), default=None)
    if best:
        print(f"speedup {best[0] / t_rs if t_rs > 0 else math.inf:.2f} vs {best[1]} ({label}/{a.task})")
    else:
        print(f"speedup nan vs none ({label}/{a.task})")
    return 1 if any(state[q]["status"] == "error" for q in peers) else 0


def report(a, ctx, label, shape, toml, rs, peers, state, notes):
    """Print the table (regscope, then the peers fastest first) and its notes; return regscope's time."""
    cv = a.task == "cv"
    t_rs = statistics.median(r["seconds"] for r in rs)
    cols = ["peer", "setting", "median s", "min s", "max gap"] + (["alpha_min"] if cv else []) + ["peer/regscope"]
    rows = [["regscope", f"tol={a.tol:g}", f"{t_rs:.4g}", f"{min(r['seconds'] for r in rs):.4g}",
             f"{max(r['gap'] for r in rs):.1e}"] + ([f"{rs[0]['json']['alpha_min']:.4g}"] if cv else []) + ["1.00"]]
    blas, peer_rows = None, []
    for q in peers:
        st, smp = state[q], state[q]["samples"]
        setting = st["pname"] if st["pname"] == "closed form" else f"{st['pname']}={st['param']:g}"
        if st["status"] == "missed":
            notes.add(f"{q}: missed the gap target even at {setting}: not counted in the speed-up")
        elif st["status"] != "met":
            notes.add(f"{q}: " + (f"a run took over {a.timeout:g} s" if st["status"] == "timeout" else st["error"])
                      + (" (cached; --research retries)" if st.get("cached") else "") + ": not counted")
        if not smp:
            peer_rows.append((math.inf, [q, setting, "-", "-", "-"] + (["-"] if cv else []) + [st["status"]]))
            continue
        med = statistics.median(s["seconds"] for s in smp)
        blas = blas or smp[0]["blas"]
        if any(s["warnings"] for s in smp):
            notes.add(f"{q}: convergence warnings in its runs")
        if cv and q == "sklearn":
            mine, theirs = np.asarray(rs[0]["json"]["cv_mean"], float), np.asarray(smp[0]["cv_mean"])
            d = float(np.max(np.abs(mine / theirs - 1))) if mine.shape == theirs.shape else math.nan
            notes.add(f"cv: alpha_min regscope {rs[0]['json']['alpha_min']:.6g}, sklearn (docs/spec.md folds) "
                      f"{smp[0]['alpha_min']:.6g}; cv_mean max relative difference {d:.1e}")
        peer_rows.append((med, [q, setting, f"{med:.4g}", f"{min(s['seconds'] for s in smp):.4g}",
                                f"{max(s['gap'] for s in smp):.1e}"] + ([f"{smp[0]['alpha_min']:.4g}"] if cv else [])
                          + [f"{med / t_rs:.2f}" if t_rs > 0 else "inf"]))
    rows += [r for _, r in sorted(peer_rows, key=lambda x: x[0])]
    w = [max(len(r[i]) for r in rows + [cols]) for i in range(len(cols))]
    n, p, k, corr, seed = shape
    print(f"\nregscope vs peers: {label}/{a.task}  (n={n} p={p} nonzeros={k} corr={corr:g} seed={seed}; "
          f"{N_ALPHAS} alphas, eps {ctx['eps']:g}; target max gap <= {TARGET_GAP:g}; median of {a.reps} runs)")
    print(f"data {ctx['data']}\nconfig {toml}")
    b = ctx["busy"]
    print(f"machine: {os.cpu_count()} cores, {'?' if b is None else f'{b:.2f}'} busy before the run; threads: "
          + (f"{a.threads} (--threads)" if a.threads else "each side's default"))
    if b is not None and b > 0.25:
        notes.add(f"{b:.1f} cores were busy before the run started: times are unreliable (README: Noise)")
    unset = {"OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"} & set(os.environ)
    print(f"peers' BLAS: {blas or '-'}" + (f"  ({'/'.join(sorted(unset))} set here: removed for regscope and the "
                                           "peers)" if unset else ""))
    print(f"peers: {PEER_NOTES[a.task]}\n")
    for r in [cols] + rows:
        print("  ".join(c.ljust(w[i]) if i < 2 else c.rjust(w[i]) for i, c in enumerate(r)))
    ld, pr = rs[0]["load"], rs[0]["prepare"]
    stages = f" (load {ld:.0f} ms, prepare {pr:.0f} ms)" if all(isinstance(v, (int, float)) for v in (ld, pr)) else ""
    print(f"\nregscope: time = timings_ms.fit{' + .cv' if cv else ''}; whole process median "
          f"{statistics.median(r['wall'] for r in rs):.3g} s{stages}; self-reported max rel_gap "
          f"{max(r['self_gap'] for r in rs):.1e}")
    for m in sorted(notes):
        print(f"note: {m}")
    return t_rs


if __name__ == "__main__":
    sys.exit(main())
