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

/// A separator as configs and flags spell it: one of the characters the separator sniffer
/// knows (`,` `;` tab `|`), or `tab` / `\t` for a tab.
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

/// What the value of a key must be, as [`super::diagnose`] checks and describes it when
/// serde refuses a config: the structs above, key by key, with the types serde accepts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Expect {
    /// An f64: a float or an integer.
    Number,
    /// An unsigned integer up to `max` (usize or u64).
    Whole {
        max: u64,
    },
    Bool,
    Text,
    /// A list whose items are each as described.
    List(&'static Expect),
    /// A string naming one of these (a value read by `de_kind`).
    OneOf(&'static [&'static str]),
    /// A serde enum of unit variants: a string naming one of these, or TOML's
    /// `{ name = {} }` spelling of a variant.
    Variant(&'static [&'static str]),
}

/// One section of the file: its keys in the order of its struct, and the keys a config
/// must give.
pub(super) struct SectionKeys {
    pub(super) name: &'static str,
    pub(super) keys: &'static [(&'static str, Expect)],
    pub(super) required: &'static [&'static str],
}

/// The spellings of [`ModelKind`], [`Categorical`] and [`Missing`] in a config.
const KINDS: &[&str] = &["ols", "ridge", "lasso", "elastic-net"];
const CATEGORICAL: &[&str] = &["one-hot", "drop"];
const MISSING: &[&str] = &["drop-rows"];

/// The sections of [`Experiment`] in the order of its fields; `[data]` is the one a config
/// must have. Kept in step with the structs by the tests at the end of this file.
pub(super) const SECTIONS: &[SectionKeys] = &[
    SectionKeys {
        name: "data",
        keys: &[
            ("path", Expect::Text),
            ("target", Expect::Text),
            ("features", Expect::List(&Expect::Text)),
            ("categorical", Expect::Variant(CATEGORICAL)),
            ("missing", Expect::Variant(MISSING)),
            ("separator", Expect::Text),
        ],
        required: &["path", "target"],
    },
    SectionKeys {
        name: "model",
        keys: &[
            ("kind", Expect::OneOf(KINDS)),
            ("alpha", Expect::Number),
            ("l1_ratio", Expect::Number),
            ("standardize", Expect::Bool),
            ("fit_intercept", Expect::Bool),
        ],
        required: &[],
    },
    SectionKeys {
        name: "path",
        keys: &[
            (
                "n_alphas",
                Expect::Whole {
                    max: usize::MAX as u64,
                },
            ),
            ("eps", Expect::Number),
            ("alphas", Expect::List(&Expect::Number)),
        ],
        required: &[],
    },
    SectionKeys {
        name: "cv",
        keys: &[
            (
                "folds",
                Expect::Whole {
                    max: usize::MAX as u64,
                },
            ),
            ("seed", Expect::Whole { max: u64::MAX }),
            ("fold_column", Expect::Text),
        ],
        required: &[],
    },
    SectionKeys {
        name: "solver",
        keys: &[
            ("tol", Expect::Number),
            (
                "max_iter",
                Expect::Whole {
                    max: usize::MAX as u64,
                },
            ),
        ],
        required: &[],
    },
];

/// The section a config must have.
pub(super) const REQUIRED_SECTION: &str = "data";

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

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write as _;

    /// A value serde reads for a key described by `e`.
    fn sample(e: &Expect) -> String {
        match e {
            Expect::Number => "0.5".into(),
            Expect::Whole { .. } => "10".into(),
            Expect::Bool => "true".into(),
            Expect::Text => "\"x\"".into(),
            Expect::List(item) => format!("[{}]", sample(item)),
            Expect::OneOf(names) | Expect::Variant(names) => format!("\"{}\"", names[0]),
        }
    }

    #[test]
    fn every_listed_key_is_read_by_serde_with_its_listed_type_and_values() {
        let mut text = String::new();
        for s in SECTIONS {
            let _ = writeln!(text, "[{}]", s.name);
            for (k, e) in s.keys {
                let _ = writeln!(text, "{k} = {}", sample(e));
            }
        }
        toml::from_str::<Experiment>(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        // every listed name of every enum-like key, and nothing else
        for s in SECTIONS {
            for (k, e) in s.keys {
                let (Expect::OneOf(names) | Expect::Variant(names)) = e else {
                    continue;
                };
                for v in names.iter().chain(&["no-such-value"]) {
                    let one = config(s.name, &format!("{k} = \"{v}\""));
                    let read = toml::from_str::<Experiment>(&one);
                    assert_eq!(read.is_ok(), *v != "no-such-value", "{one}");
                }
            }
        }
    }

    /// A config with the required keys and `line` in `section`.
    fn config(section: &str, line: &str) -> String {
        let data = "[data]\npath = \"d\"\ntarget = \"y\"\n";
        match section {
            "data" => format!("{data}{line}\n"),
            _ => format!("{data}[{section}]\n{line}\n"),
        }
    }

    #[test]
    fn every_key_the_writer_writes_is_listed_in_order_and_nothing_more() {
        let mut e = Experiment::default_for("d.csv", "y");
        e.data.features = Some(vec!["a".into()]);
        e.data.separator = Some(";".into());
        e.model.kind = ModelKind::ElasticNet;
        e.model.alpha = Some(0.5);
        e.model.l1_ratio = Some(0.5);
        e.path.eps = Some(1e-3);
        e.path.alphas = Some(vec![1.0]);
        e.cv.folds = Some(5);
        e.cv.fold_column = Some("f".into());
        let mut written = Vec::new();
        let mut section = String::new();
        for line in e.to_toml_string().lines() {
            if let Some(name) = line.strip_prefix('[') {
                section = name.trim_end_matches(']').to_string();
            } else if let Some((k, _)) = line.split_once(" = ") {
                written.push(format!("{section}.{k}"));
            }
        }
        let listed: Vec<String> = SECTIONS
            .iter()
            .flat_map(|s| s.keys.iter().map(move |(k, _)| format!("{}.{k}", s.name)))
            .collect();
        assert_eq!(written, listed);
        // the required keys are the ones serde insists on
        toml::from_str::<Experiment>(&config(REQUIRED_SECTION, "")).unwrap();
        for s in SECTIONS {
            for k in s.required {
                let without = config(REQUIRED_SECTION, "").replace(&format!("{k} = "), "# ");
                assert!(toml::from_str::<Experiment>(&without).is_err(), "{without}");
            }
        }
        assert!(toml::from_str::<Experiment>("").is_err());
    }

    #[test]
    fn the_listed_values_are_the_enums_spellings() {
        let kinds: Vec<&str> = ModelKind::ALL.iter().map(|k| k.name()).collect();
        assert_eq!(kinds, KINDS);
        // exhaustive matches: a new variant stops this test compiling until it is listed
        let categorical = |c: Categorical| match c {
            Categorical::OneHot | Categorical::Drop => c.name(),
        };
        assert_eq!(
            [Categorical::OneHot, Categorical::Drop].map(categorical),
            CATEGORICAL
        );
        let missing = |m: Missing| match m {
            Missing::DropRows => m.name(),
        };
        assert_eq!([Missing::DropRows].map(missing), MISSING);
    }
}
