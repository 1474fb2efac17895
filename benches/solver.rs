//! `cargo bench`: the lasso path (100 alphas) and 5-fold CV on synthetic AR(1) data of
//! three shapes of docs/performance.md. The data generator matches the bench
//! harness in spirit: X[:, j] = 0.6 X[:, j-1] + sqrt(1 - 0.36) e, a sparse truth and
//! signal-to-noise 3. Timings only: correctness lives in the tests.

use ndarray::{Array1, Array2, ShapeBuilder};
use regscope::solver::gram::GramProblem;
use regscope::solver::{
    Control, ModelKind, PathSettings, Prepared, assign_folds, cross_validate, fit_path,
};

fn main() {
    divan::main();
}

/// A small normal generator (Box-Muller on SplitMix64), fixed so numbers never move.
struct Rng(u64);

impl Rng {
    fn uniform(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
    fn normal(&mut self) -> f64 {
        let u1 = self.uniform().max(1e-300);
        let u2 = self.uniform();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
}

fn synth(n: usize, p: usize, nonzero: usize, seed: u64) -> (Array2<f64>, Array1<f64>) {
    let mut rng = Rng(seed);
    let corr = 0.6f64;
    let s = (1.0 - corr * corr).sqrt();
    let mut x = Array2::<f64>::zeros((n, p).f());
    for i in 0..n {
        x[(i, 0)] = rng.normal();
    }
    for j in 1..p {
        for i in 0..n {
            x[(i, j)] = corr * x[(i, j - 1)] + s * rng.normal();
        }
    }
    let mut beta = vec![0.0; p];
    for t in 0..nonzero {
        let j = (t * p) / nonzero + (rng.uniform() * (p / nonzero) as f64) as usize;
        let sign = if rng.uniform() < 0.5 { -1.0 } else { 1.0 };
        beta[j.min(p - 1)] = sign * (1.0 + 2.0 * rng.uniform());
    }
    let signal: Vec<f64> = (0..n)
        .map(|i| (0..p).map(|j| x[(i, j)] * beta[j]).sum())
        .collect();
    let mean = signal.iter().sum::<f64>() / n as f64;
    let sd = (signal.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n as f64).sqrt();
    let y = signal.iter().map(|v| v + sd / 3.0 * rng.normal()).collect();
    (x, y)
}

const SHAPES: [(&str, usize, usize, usize); 3] = [
    ("tall", 50_000, 200, 20),
    ("mid", 5_000, 1_000, 50),
    ("wide", 400, 8_000, 40),
];

fn prepared(shape: &str) -> Prepared {
    let &(_, n, p, k) = SHAPES.iter().find(|s| s.0 == shape).expect("known shape");
    let (x, y) = synth(n, p, k, 7);
    Prepared::new(x, y, true, true)
}

fn lasso() -> PathSettings {
    PathSettings {
        kind: ModelKind::Lasso,
        l1_ratio: 1.0,
        n_alphas: 100,
        tol: 1e-6,
        ..PathSettings::default()
    }
}

/// The Gram matrix alone (n p^2 / 2 multiply-adds: 1e9 for tall, 2.5e9 for mid), which
/// bounds the tall lasso path: divide to read it in GFMA/s against the machine's peak.
#[divan::bench(args = ["tall", "mid"], sample_count = 5, sample_size = 1)]
fn gram(bencher: divan::Bencher, shape: &str) {
    let prep = prepared(shape);
    let (n, p) = (prep.n(), prep.p());
    let (z, y) = (prep.z_slice(), prep.y_slice());
    bencher.bench_local(|| GramProblem::from_design(z, y, n, p, Some(prep.zty())));
}

/// Times the full path of `s` on one shape.
fn time_path(bencher: divan::Bencher, shape: &str, s: PathSettings) {
    let prep = prepared(shape);
    bencher.bench_local(|| fit_path(&prep, &s, &Control::none()).expect("not cancelled"));
}

#[divan::bench(args = ["tall", "mid", "wide"], sample_count = 3, sample_size = 1)]
fn lasso_path(bencher: divan::Bencher, shape: &str) {
    time_path(bencher, shape, lasso());
}

/// The elastic net at l1_ratio 0.5 (compare.py's enet task): l2 moves with alpha, so it keeps
/// coordinate descent where the lasso takes Newton steps.
#[divan::bench(args = ["tall", "mid"], sample_count = 3, sample_size = 1)]
fn enet_path(bencher: divan::Bencher, shape: &str) {
    let s = PathSettings {
        kind: ModelKind::ElasticNet,
        l1_ratio: 0.5,
        ..lasso()
    };
    time_path(bencher, shape, s);
}

#[divan::bench(args = ["tall", "mid", "wide"], sample_count = 3, sample_size = 1)]
fn lasso_cv5(bencher: divan::Bencher, shape: &str) {
    let prep = prepared(shape);
    let s = lasso();
    let path = fit_path(&prep, &s, &Control::none()).expect("not cancelled");
    let folds = assign_folds(prep.n(), 5, 42);
    bencher.bench_local(|| {
        cross_validate(&prep, &folds, 5, &s, &path.alphas, &Control::none()).expect("not cancelled")
    });
}

#[divan::bench(args = ["tall", "mid", "wide"], sample_count = 3, sample_size = 1)]
fn ridge_path(bencher: divan::Bencher, shape: &str) {
    let s = PathSettings {
        kind: ModelKind::Ridge,
        l1_ratio: 0.0,
        ..lasso()
    };
    time_path(bencher, shape, s);
}
