#!/usr/bin/env python3
"""End to end, as a user meets it: from a data file on disk to the lasso path.

  PY=$(bash bench/setup.sh | tail -1)
  $PY bench/e2e.py --bin target/release/regscope --shape tall --fmt csv

regscope: the whole `regscope path --data F --target y --model lasso --tol 1e-6` process (wall).
peer: in an already-running Python (imports not timed, as in a notebook): pandas.read_csv
(engine='pyarrow') or pandas.read_parquet, to numpy, standardize, sklearn enet_path (tol 1e-6).
Interleaved, median of --reps. Last line: 'speedup X.XX vs pandas+sklearn (SHAPE FMT e2e)'."""
import argparse, os, statistics, subprocess, sys, time, warnings
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare  # noqa: E402  (the same synthetic generator)
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.linear_model import enet_path  # noqa: E402
warnings.simplefilter("ignore")

ap = argparse.ArgumentParser()
ap.add_argument("--bin", required=True)
ap.add_argument("--shape", default="tall", choices=["tall", "mid"])
ap.add_argument("--fmt", default="csv", choices=["csv", "parquet"])
ap.add_argument("--reps", type=int, default=3)
a = ap.parse_args()
cache = os.path.expanduser("~/.cache/regscope-peers/e2e")
os.makedirs(cache, exist_ok=True)
n, p, k, corr, seed = compare.WORKLOADS[a.shape]
path = os.path.join(cache, f"e2e-{a.shape}.{a.fmt}")
if not os.path.exists(path):
    X, y = compare.synth(n, p, k, corr, seed)
    df = pd.DataFrame(X, columns=[f"x{j:04d}" for j in range(p)]); df["y"] = y
    tmp = path + ".tmp"
    df.to_csv(tmp, index=False) if a.fmt == "csv" else df.to_parquet(tmp, index=False)
    os.replace(tmp, path)

def peer():
    t = time.perf_counter()
    df = pd.read_csv(path, engine="pyarrow") if a.fmt == "csv" else pd.read_parquet(path)
    y = df.pop("y").to_numpy(dtype=float); X = df.to_numpy(dtype=float)
    Z = (X - X.mean(0)) / X.std(0); yc = y - y.mean()
    enet_path(Z, yc, l1_ratio=1.0, eps=1e-3, n_alphas=100, tol=1e-6)
    return time.perf_counter() - t

def ours():
    t = time.perf_counter()
    r = subprocess.run([a.bin, "path", "--data", path, "--target", "y", "--model", "lasso",
                        "--tol", "1e-6", "--format", "json"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, env=compare.CLEAN_ENV)
    if r.returncode != 0:
        print(r.stderr.decode()[:300]); print("regscope failed"); sys.exit(2)
    return time.perf_counter() - t

peer(); ours()  # warm the page cache and the imports
P, R = [], []
for _ in range(a.reps):
    R.append(ours()); P.append(peer())
r, q = statistics.median(R), statistics.median(P)
print(f"{a.shape} {a.fmt} ({os.path.getsize(path) / 1e6:.0f} MB): regscope {r:.3f} s, pandas+sklearn {q:.3f} s")
print(f"speedup {q / r:.2f} vs pandas+sklearn ({a.shape} {a.fmt} e2e)")
