//! The TOML schema of docs/spec.md §7 as serde structs, their defaults, and what an
//! experiment means for the loader and the solver.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer};

use crate::data::{Categorical, DataSpec, LoadOptions, Missing, SEPARATORS};
use crate::solver::{ModelKind, PathSettings};

/// Folds when a config does not say (docs/spec.md §5).
pub const DEFAULT_FOLDS: usize = 5;

/// One experiment, as a config file holds it. Every section but `[data]` is optional.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Experiment {
    pub data: DataSection,
    #[serde(default)]
    pub model: ModelSection,
    #[serde(default)]
    pub path: PathSection,
    #[serde(default)]
    pub cv: CvSection,
    #[serde(default)]
    pub solver: SolverSection,
}

/// `[data]`: where the table is and which columns to use.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataSection {
    /// As written: relative paths are relative to the config file's folder
    /// (see [`Experiment::data_path`]), so a project folder can move as a whole.
    /// [`EMBEDDED_DATA`] names the built-in diabetes sample from any folder.
    pub path: String,
    /// Required in a config: an experiment that guessed its target could silently
    /// change meaning when a column is added to the file.
    pub target: String,
    #[serde(default)]
    pub features: Option<Vec<String>>,
    #[serde(default)]
    pub categorical: Categorical,
    #[serde(default)]
    pub missing: Missing,
    /// The CSV field separator (`","`, `";"`, `"\t"` or `"|"`); unset: guessed from the
    /// file's first lines.
    #[serde(default)]
    pub separator: Option<String>,
}

/// The `[data] path` of the diabetes sample compiled into regscope.
pub const EMBEDDED_DATA: &str = "embedded:diabetes";

/// A separator as configs and flags spell it: one of [`SEPARATORS`], or `tab`.
pub fn parse_separator(s: &str) -> Option<u8> {
    match s {
        "tab" | "\\t" => Some(b'\t'),
        _ => match s.as_bytes() {
            [b] if SEPARATORS.contains(b) => Some(*b),
            _ => None,
        },
    }
}

/// `[model]`: which of the four models, and the TUI's current alpha.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelSection {
    #[serde(default = "default_kind", deserialize_with = "de_kind")]
    pub kind: ModelKind,
    /// The alpha the TUI cursor was on; `path` and `cv` ignore it.
    #[serde(default)]
    pub alpha: Option<f64>,
    /// Only meaningful for elastic net (default 0.5); lasso and ridge imply theirs, and
    /// a contradicting value is an error.
    #[serde(default)]
    pub l1_ratio: Option<f64>,
    #[serde(default = "yes")]
    pub standardize: bool,
    #[serde(default = "yes")]
    pub fit_intercept: bool,
}

/// `[path]`: the alpha grid (docs/spec.md §3).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathSection {
    #[serde(default = "default_n_alphas")]
    pub n_alphas: usize,
    /// `None`: the default of docs/spec.md §3, which depends on the data's shape and the model.
    #[serde(default)]
    pub eps: Option<f64>,
    /// An explicit grid, winning over `n_alphas` and `eps`.
    #[serde(default)]
    pub alphas: Option<Vec<f64>>,
}

/// `[cv]`: K-fold cross-validation (docs/spec.md §5).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CvSection {
    /// `None` when the config does not say: docs/spec.md §5 lets a fold column decide K, and
    /// requires `folds` to match it only "if given". [`CvSection::folds`] gives the
    /// count to use when there is no fold column.
    #[serde(default)]
    pub folds: Option<usize>,
    #[serde(default = "default_seed")]
    pub seed: u64,
    #[serde(default)]
    pub fold_column: Option<String>,
}

/// `[solver]`: convergence control (docs/spec.md §4).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SolverSection {
    #[serde(default = "default_tol")]
    pub tol: f64,
    #[serde(default = "default_max_iter")]
    pub max_iter: usize,
}

fn yes() -> bool {
    true
}
fn default_kind() -> ModelKind {
    ModelKind::Lasso
}
fn default_n_alphas() -> usize {
    100
}
fn default_seed() -> u64 {
    42
}
fn default_tol() -> f64 {
    1e-7
}
fn default_max_iter() -> usize {
    100_000
}

fn de_kind<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<ModelKind, D::Error> {
    let s = String::deserialize(d)?;
    ModelKind::from_name(&s).ok_or_else(|| {
        serde::de::Error::custom(format!(
            "unknown model kind `{s}`, expected one of {}",
            kind_list()
        ))
    })
}

fn kind_list() -> String {
    ModelKind::ALL
        .iter()
        .map(|k| format!("`{}`", k.name()))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Default for ModelSection {
    /// Lasso: the model most users open a regularization workbench for.
    fn default() -> Self {
        ModelSection {
            kind: default_kind(),
            alpha: None,
            l1_ratio: None,
            standardize: true,
            fit_intercept: true,
        }
    }
}

impl Default for PathSection {
    fn default() -> Self {
        PathSection {
            n_alphas: default_n_alphas(),
            eps: None,
            alphas: None,
        }
    }
}

impl Default for CvSection {
    fn default() -> Self {
        CvSection {
            folds: None,
            seed: default_seed(),
            fold_column: None,
        }
    }
}

impl Default for SolverSection {
    fn default() -> Self {
        SolverSection {
            tol: default_tol(),
            max_iter: default_max_iter(),
        }
    }
}

impl ModelSection {
    /// The mix actually solved: lasso 1, ridge and OLS 0, elastic net its `l1_ratio`
    /// or 0.5.
    pub fn effective_l1_ratio(&self) -> f64 {
        self.kind
            .implied_l1_ratio()
            .unwrap_or(self.l1_ratio.unwrap_or(0.5))
    }
}

impl CvSection {
    /// The fold count to use without a fold column: the config's, else 5.
    pub fn folds(&self) -> usize {
        self.folds.unwrap_or(DEFAULT_FOLDS)
    }
}

impl Experiment {
    /// A fresh experiment on a bare data file, so the TUI can save what the user
    /// started without a config. Everything but the path and target is a default.
    pub fn default_for(data_path: impl AsRef<Path>, target: impl Into<String>) -> Experiment {
        Experiment {
            data: DataSection {
                path: data_path.as_ref().to_string_lossy().into_owned(),
                target: target.into(),
                features: None,
                categorical: Categorical::default(),
                missing: Missing::default(),
                separator: None,
            },
            model: ModelSection::default(),
            path: PathSection::default(),
            cv: CvSection::default(),
            solver: SolverSection::default(),
        }
    }

    /// Where the data file is: `data.path` taken relative to the config file's folder
    /// unless it is absolute.
    pub fn data_path(&self, config_file: &Path) -> PathBuf {
        let p = Path::new(&self.data.path);
        if p.is_absolute() {
            return p.to_path_buf();
        }
        match config_file.parent() {
            Some(dir) => dir.join(p),
            None => p.to_path_buf(),
        }
    }

    /// The column choices for [`crate::data::build_dataset`]. An empty target (an
    /// experiment started from a bare file) lets the loader pick the last numeric column.
    pub fn data_spec(&self) -> DataSpec {
        DataSpec {
            target: Some(self.data.target.clone()).filter(|t| !t.is_empty()),
            features: self.data.features.clone(),
            categorical: self.data.categorical,
            missing: self.data.missing,
            fold_column: self.cv.fold_column.clone(),
        }
    }

    /// The grid and convergence settings for the solver.
    pub fn path_settings(&self) -> PathSettings {
        PathSettings {
            kind: self.model.kind,
            l1_ratio: self.model.effective_l1_ratio(),
            n_alphas: self.path.n_alphas,
            eps: self.path.eps,
            alphas: self.path.alphas.clone(),
            tol: self.solver.tol,
            max_iter: self.solver.max_iter,
        }
    }

    /// How to read the data file: the separator, when the config names one.
    pub fn load_options(&self) -> LoadOptions {
        LoadOptions {
            separator: self.data.separator.as_deref().and_then(parse_separator),
        }
    }
}
