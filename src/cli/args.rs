//! Command-line arguments (clap), with every setting of a config available as a flag.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::{Experiment, parse_separator};
use crate::data::Categorical;
use crate::error::{Error, Result};
use crate::solver::ModelKind;

const ABOUT: &str = "A terminal workbench for regularization experiments: lasso, ridge and elastic-net paths with K-fold cross-validation.";

const AFTER: &str = "\
Examples:
  regscope path --config configs/diabetes-lasso-cv.toml --format json
  regscope cv --data sample-data/hitters.csv --target Salary --model elastic-net --l1-ratio 0.5
  regscope                                   # the workbench (TUI) on the embedded diabetes sample
  regscope sample-data/hitters.csv --target Salary
  regscope --config configs/diabetes-lasso-cv.toml
  regscope --stats big.stats.arrow           # the workbench on a statistics file
  regscope cv --format table                 # a text report of the embedded diabetes sample
  regscope plot --config configs/diabetes-lasso-cv.toml --out charts
  regscope diagnose --data sample-data/longley.csv --target Employed   # VIF, condition number
  regscope compare --l1-ratios 0,0.5,1       # ridge, elastic net and lasso on the same folds
The objective (docs/spec.md §1): 1/(2n)||y - b0 - Xw||^2 + alpha (l1_ratio ||w||_1 + (1 - l1_ratio)/2 ||w||_2^2),
on standardized columns by default; ridge alpha here equals scikit-learn Ridge(alpha = n*alpha).";

#[derive(Debug, Parser)]
#[command(name = "regscope", version, about = ABOUT, after_help = AFTER)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// A table to open (CSV, Parquet, IPC/Feather); default: the embedded diabetes sample.
    pub file: Option<PathBuf>,
    /// The target column of FILE (default: its last numeric column).
    #[arg(long, short = 't')]
    pub target: Option<String>,
    /// An experiment config (TOML) to open.
    #[arg(long, short = 'c')]
    pub config: Option<PathBuf>,
    /// A statistics file (written by `regscope stats`) to open: fits without the data.
    #[arg(long, value_name = "FILE", conflicts_with = "file")]
    pub stats: Option<PathBuf>,
    /// No colours (also when NO_COLOR is set); state stays visible by glyphs and bold/reverse.
    #[arg(long)]
    pub no_color: bool,
    /// Draw only ASCII (automatic when the locale is not UTF-8 or TERM is linux/vt100/dumb).
    #[arg(long, conflicts_with = "unicode")]
    pub ascii: bool,
    /// Draw Unicode even when the locale does not say UTF-8.
    #[arg(long)]
    pub unicode: bool,
    /// Capture the mouse (off by default, so the terminal's copy-paste works).
    #[arg(long)]
    pub mouse: bool,
    /// Print the TUI's key table (markdown) and exit.
    #[arg(long)]
    pub keys: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Fit the regularization path and print it (docs/spec.md §6 keys with --format json).
    #[command(
        after_help = "Example:\n  regscope path --config configs/diabetes-lasso-cv.toml --format json\n  regscope path --data sample-data/longley.csv --target Employed --model ridge --format csv"
    )]
    Path(ReportArgs),
    /// Fit the path, then K-fold cross-validate it (cv_mean, cv_se, alpha_min, alpha_1se).
    #[command(
        after_help = "Example:\n  regscope cv --config configs/diabetes-lasso-cv.toml --format json\n  regscope cv --data sample-data/mtcars.csv --target mpg --folds 4 --seed 7"
    )]
    Cv(ReportArgs),
    /// Stream the data into per-fold statistics and write them to a file, for fits without
    /// the data (`path|cv --stats FILE`, `regscope --stats FILE`).
    #[command(
        after_help = "Example:\n  regscope stats --data big.parquet --target y --folds 5 --out big.stats.arrow\n  regscope stats --data 'parts/*.parquet' --target y --fold-column fold --out parts.stats.arrow\n  regscope cv --stats big.stats.arrow --model elastic-net --l1-ratio 0.5 --format json\nThe file is Arrow IPC: one row per fold and feature (n, means, centred cross-products), the provenance as JSON in its schema metadata (docs/stats-format.md)."
    )]
    Stats(StatsArgs),
    /// Fit the path and cross-validate it like `cv`, then write the coefficient, path and
    /// CV charts.
    #[command(
        after_help = "Writes coefficients, path and cv as .svg and/or .png (at least 1200x700 px) into DIR.\n\nExample:\n  regscope plot --config configs/diabetes-lasso-cv.toml --out charts\n  regscope plot --data sample-data/mtcars.csv --target mpg --out charts --format png\n  regscope plot --stats big.stats.arrow --model lasso --out charts"
    )]
    Plot(PlotArgs),
    /// How collinear the features are: VIF, condition number, eigenvalues and correlation
    /// of the features as fitted, and the most correlated pairs.
    #[command(
        after_help = "VIF_j = [R^-1]_jj for R the correlation matrix of the non-constant features (above 5: inflated, above 10: close to a combination of the others); null for aliased features, which are named in the warnings.\n\nExample:\n  regscope diagnose --config configs/diabetes-lasso-cv.toml\n  regscope diagnose --data sample-data/longley.csv --target Employed --format json\n  regscope diagnose --stats big.stats.arrow --format csv"
    )]
    Diagnose(ReportArgs),
    /// Which mix of L1 and L2 fits best: one cross-validated model per l1_ratio on the same
    /// folds (0 is ridge, 1 the lasso), with each one's alpha_min, alpha_1se, CV error and
    /// support size.
    #[command(
        after_help = "Each entry is what `regscope cv` gives for that model and l1_ratio; ridge (0) has its own grid rule.\n\nExample:\n  regscope compare --config configs/diabetes-lasso-cv.toml\n  regscope compare --data sample-data/hitters.csv --target Salary --l1-ratios 0,0.2,0.5,0.8,1 --format json\n  regscope compare --stats big.stats.arrow --format csv"
    )]
    Compare(CompareArgs),
    /// Is the lasso's choice of features stable? Stability selection: each feature's
    /// selection probability over refits on complementary pairs of half-samples, the
    /// features selected at the threshold, and the bound on false selections.
    #[command(
        after_help = "Meinshausen & Bühlmann (2010) with complementary pairs (Shah & Samworth 2013). The region of the path runs from the largest alpha down as far as a subsample fit selects at most sqrt(pfer (2 threshold - 1) p) features on average, so the expected number of false selections is at most --pfer. From --stats (folds, not rows) each pair splits the folds into two halves, which needs an even number of folds; --seed sets the subsamples.\n\nExample:\n  regscope stability --config configs/diabetes-lasso-cv.toml\n  regscope stability --data sample-data/hitters.csv --target Salary --bootstrap 100 --threshold 0.8 --format json"
    )]
    Stability(StabilityArgs),
}

/// `stability`: the experiment, the subsampling and the report format.
#[derive(Debug, Clone, Args)]
pub struct StabilityArgs {
    #[command(flatten)]
    pub fit: FitArgs,
    /// Subsamples (pairs of halves with --sample-fraction 0.5).
    #[arg(long, value_name = "B", default_value_t = 50)]
    pub bootstrap: usize,
    /// The fraction of the rows in each subsample (0.5: complementary pairs).
    #[arg(long, value_name = "F", default_value_t = 0.5)]
    pub sample_fraction: f64,
    /// Selection probability a feature must reach, in (0.5, 1].
    #[arg(long, value_name = "PI", default_value_t = 0.75)]
    pub threshold: f64,
    /// Tolerated expected number of falsely selected features (bounds the path region).
    #[arg(long, value_name = "E", default_value_t = 1.0)]
    pub pfer: f64,
    /// Output format (csv prints the table).
    #[arg(long, short = 'f', value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
}

/// `compare`: the experiment, the mixes and the report format.
#[derive(Debug, Clone, Args)]
pub struct CompareArgs {
    #[command(flatten)]
    pub fit: FitArgs,
    /// The l1_ratios to compare, in [0, 1] (0: ridge, 1: lasso).
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "R,R,...",
        default_value = "0,0.1,0.5,0.9,1"
    )]
    pub l1_ratios: Vec<f64>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
}

/// `path` and `cv`: the experiment and the report format.
#[derive(Debug, Clone, Default, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub fit: FitArgs,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
}

/// `plot`: the experiment, where the charts go and in which formats.
#[derive(Debug, Clone, Args)]
pub struct PlotArgs {
    #[command(flatten)]
    pub fit: FitArgs,
    /// Folder for the charts (created if missing; existing charts are replaced).
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: PathBuf,
    /// Chart files to write.
    #[arg(long, short = 'f', value_enum, default_value_t = ChartFormat::Both)]
    pub format: ChartFormat,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum ChartFormat {
    /// vector charts (.svg)
    Svg,
    /// images (.png)
    Png,
    /// both
    #[default]
    Both,
}

/// `regscope stats`: the data options of a fit, and where to write.
#[derive(Debug, Clone, Args)]
pub struct StatsArgs {
    #[command(flatten)]
    pub fit: FitArgs,
    /// The statistics file to write (Arrow IPC; e.g. data.stats.arrow).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: PathBuf,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// one JSON object (the keys of docs/spec.md §6)
    Json,
    /// one row per alpha
    Csv,
    /// a readable summary
    #[default]
    Table,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    Ols,
    Ridge,
    Lasso,
    ElasticNet,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CategoricalArg {
    OneHot,
    Drop,
}

/// Data, model, grid, CV and solver settings; flags override the config's values.
#[derive(Debug, Clone, Default, Args)]
pub struct FitArgs {
    /// Experiment config (TOML, docs/spec.md §7); paths in it are relative to its folder.
    #[arg(long, short = 'c', value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Data file (CSV, Parquet, IPC/Feather); default: the config's, else the embedded diabetes sample.
    #[arg(long, short = 'd', value_name = "FILE")]
    pub data: Option<PathBuf>,
    /// Fit from a statistics file written by `regscope stats` instead of the data.
    #[arg(long, value_name = "FILE", conflicts_with = "data")]
    pub stats: Option<PathBuf>,
    /// Target column (default with --data: the last numeric column).
    #[arg(long, short = 't', value_name = "COL")]
    pub target: Option<String>,
    /// Feature columns, comma-separated (default: every usable column but the target).
    #[arg(long, value_delimiter = ',', value_name = "COLS")]
    pub features: Option<Vec<String>>,
    /// CSV field separator: , ; | or tab (default: detected from the first lines).
    #[arg(long, value_name = "SEP")]
    pub separator: Option<String>,
    /// String columns: one-hot (levels sorted, first dropped) or drop.
    #[arg(long, value_enum, value_name = "HOW")]
    pub categorical: Option<CategoricalArg>,
    /// Model: ols, ridge, lasso or elastic-net.
    #[arg(long, value_enum, value_name = "KIND")]
    pub model: Option<KindArg>,
    /// Mix of L1 in [0, 1] (elastic-net; default 0.5).
    #[arg(long, value_name = "RHO", allow_negative_numbers = true)]
    pub l1_ratio: Option<f64>,
    /// Number of alphas on the grid.
    #[arg(long, value_name = "M")]
    pub n_alphas: Option<usize>,
    /// Grid ratio alpha_min/alpha_max in (0, 1) (default 1e-3, 1e-2 when p > n, 1e-6 for ridge).
    #[arg(long, value_name = "EPS", allow_negative_numbers = true)]
    pub eps: Option<f64>,
    /// An explicit grid, comma-separated (replaces n_alphas/eps).
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "A,B,...",
        allow_negative_numbers = true
    )]
    pub alphas: Option<Vec<f64>>,
    /// Fit on the raw (centred only) columns instead of standardized ones.
    #[arg(long)]
    pub no_standardize: bool,
    /// Fit without an intercept (nothing is centred).
    #[arg(long)]
    pub no_intercept: bool,
    /// Folds for cv (default 5).
    #[arg(long, value_name = "K")]
    pub folds: Option<usize>,
    /// Seed of the fold shuffle.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Integer column of fold ids 0..K-1 (replaces the seeded folds).
    #[arg(long, value_name = "COL")]
    pub fold_column: Option<String>,
    /// Convergence: relative duality gap (default 1e-7).
    #[arg(long, value_name = "TOL", allow_negative_numbers = true)]
    pub tol: Option<f64>,
    /// Sweeps per alpha before giving up with a warning (default 100000).
    #[arg(long, value_name = "N")]
    pub max_iter: Option<usize>,
}

fn bad(flag: &str, value: impl std::fmt::Display, why: &str) -> Error {
    Error::new(format!("--{flag} {value}: {why}"))
}

impl FitArgs {
    /// Put the flags on top of the experiment, with the same range checks as a config.
    /// CV settings are checked only for a run that cross-validates (`with_cv`): a path
    /// needs no folds.
    pub fn apply(&self, exp: &mut Experiment, with_cv: bool) -> Result<()> {
        if let Some(t) = &self.target {
            exp.data.target = t.clone();
        }
        if let Some(f) = &self.features {
            exp.data.features = Some(f.clone());
        }
        if let Some(sep) = &self.separator {
            if parse_separator(sep).is_none() {
                return Err(bad(
                    "separator",
                    format!("{sep:?}"),
                    "use one of , ; | or tab",
                ));
            }
            exp.data.separator = Some(sep.clone());
        }
        if let Some(c) = self.categorical {
            exp.data.categorical = match c {
                CategoricalArg::OneHot => Categorical::OneHot,
                CategoricalArg::Drop => Categorical::Drop,
            };
        }
        if let Some(k) = self.model {
            exp.model.kind = match k {
                KindArg::Ols => ModelKind::Ols,
                KindArg::Ridge => ModelKind::Ridge,
                KindArg::Lasso => ModelKind::Lasso,
                KindArg::ElasticNet => ModelKind::ElasticNet,
            };
            // a new kind brings its own mix unless one is given with it
            exp.model.l1_ratio = None;
            if exp.model.kind == ModelKind::Ols {
                exp.model.alpha = None;
                exp.path.alphas = None;
            }
        }
        if let Some(r) = self.l1_ratio {
            if !(0.0..=1.0).contains(&r) {
                return Err(bad(
                    "l1-ratio",
                    r,
                    "must be between 0 (ridge) and 1 (lasso)",
                ));
            }
            if let Some(implied) = exp.model.kind.implied_l1_ratio()
                && implied != r
            {
                return Err(bad(
                    "l1-ratio",
                    r,
                    &format!(
                        "contradicts the model {} (l1_ratio {implied}); use --model elastic-net for a mix",
                        exp.model.kind
                    ),
                ));
            }
            exp.model.l1_ratio = Some(r);
        }
        if let Some(m) = self.n_alphas {
            if m < 1 {
                return Err(bad("n-alphas", m, "must be at least 1"));
            }
            exp.path.n_alphas = m;
        }
        if let Some(e) = self.eps {
            if !(e > 0.0 && e < 1.0) {
                return Err(bad("eps", e, "must be inside (0, 1), e.g. 1e-3"));
            }
            exp.path.eps = Some(e);
        }
        if let Some(a) = &self.alphas {
            if a.is_empty() {
                return Err(bad("alphas", "(empty)", "give at least one alpha"));
            }
            if let Some(x) = a.iter().find(|x| !(x.is_finite() && **x >= 0.0)) {
                return Err(bad("alphas", x, "every alpha must be a finite number >= 0"));
            }
            exp.path.alphas = Some(a.clone());
        }
        if self.no_standardize {
            exp.model.standardize = false;
        }
        if self.no_intercept {
            exp.model.fit_intercept = false;
        }
        if let Some(k) = self.folds {
            if k < 2 && with_cv {
                return Err(bad("folds", k, "cross-validation needs at least 2 folds"));
            }
            exp.cv.folds = Some(k);
        }
        if let Some(s) = self.seed {
            exp.cv.seed = s;
        }
        if let Some(c) = &self.fold_column {
            exp.cv.fold_column = Some(c.clone());
        }
        if let Some(t) = self.tol {
            if !(t > 0.0 && t.is_finite()) {
                return Err(bad("tol", t, "must be a positive number, e.g. 1e-7"));
            }
            exp.solver.tol = t;
        }
        if let Some(m) = self.max_iter {
            if m < 1 {
                return Err(bad("max-iter", m, "must be at least 1"));
            }
            exp.solver.max_iter = m;
        }
        Ok(())
    }
}
