//! Experiment configs: the TOML schema of docs/spec.md §7.
//!
//! An [`Experiment`] is everything needed to rerun a fit: data, model, grid, CV and
//! solver settings. Configs are read strictly (unknown keys and out-of-range values
//! are errors naming the key and its line) and written in one stable layout, so a
//! config saved from the TUI loads back to the same experiment and a second save is
//! byte-identical.

mod write;

pub use write::{DiskStamp, merge as merge_into_existing, write_atomic};

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer};

use crate::data::{Categorical, DataSpec, LoadOptions, Missing, SEPARATORS};
use crate::error::{Error, Result};
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

    /// Reads and checks a config file. Errors are one line: `FILE: line N: ...`.
    pub fn load(path: &Path) -> Result<Experiment> {
        Experiment::load_stamped(path).map(|(exp, _)| exp)
    }

    /// [`Experiment::load`], with a stamp of the file's contents for
    /// [`Experiment::save_checked`].
    pub fn load_stamped(path: &Path) -> Result<(Experiment, DiskStamp)> {
        let name = path.display().to_string();
        let text = match fs::read(path) {
            Ok(bytes) => String::from_utf8(bytes).map_err(|_| {
                Error::new(format!(
                    "config '{name}' is not UTF-8 text; save it as UTF-8"
                ))
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::new(format!(
                    "config file '{name}' not found; check the path"
                )));
            }
            Err(e) => {
                return Err(Error::new(format!(
                    "cannot read config '{name}': {e}; check the path and its permissions"
                )));
            }
        };
        let stamp = DiskStamp::of_bytes(text.as_bytes());
        Ok((Experiment::from_toml_str(&text, &name)?, stamp))
    }

    /// Parses and checks config text; `origin` names it in errors (a file name, or
    /// something like "`<stdin>`").
    pub fn from_toml_str(text: &str, origin: &str) -> Result<Experiment> {
        let doc = toml::de::DeTable::parse(text)
            .map_err(|e| toml_error(text, origin, &e, "fix the TOML syntax"))?;
        let exp: Experiment = toml::from_str(text).map_err(|e| toml_error(text, origin, &e, ""))?;
        let at = Locator {
            text,
            origin,
            doc: doc.get_ref(),
        };
        exp.validate(&at)?;
        Ok(exp)
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

    /// The config in its one stable layout: keys in the order of docs/spec.md §7, optional keys left out
    /// when unset, floats written so they read back to the same bits.
    pub fn to_toml_string(&self) -> String {
        let mut s = String::new();
        let w = &mut s;
        let _ = writeln!(
            w,
            "# regscope experiment: regscope path|cv --config FILE (format: docs/spec.md §7)"
        );
        let _ = writeln!(w, "\n[data]");
        let _ = writeln!(w, "path = {}", toml_str(&self.data.path));
        let _ = writeln!(w, "target = {}", toml_str(&self.data.target));
        if let Some(f) = &self.data.features {
            let items = f.iter().map(|s| toml_str(s)).collect::<Vec<_>>();
            let _ = writeln!(w, "features = [{}]", items.join(", "));
        }
        let _ = writeln!(w, "categorical = \"{}\"", self.data.categorical.name());
        let _ = writeln!(w, "missing = \"{}\"", self.data.missing.name());
        if let Some(sep) = &self.data.separator {
            let _ = writeln!(w, "separator = {}", toml_str(sep));
        }

        let m = &self.model;
        let _ = writeln!(w, "\n[model]");
        let _ = writeln!(w, "kind = \"{}\"", m.kind.name());
        if let Some(a) = m.alpha {
            let _ = writeln!(w, "alpha = {}", toml_f64(a));
        }
        if let Some(r) = m.l1_ratio {
            let _ = writeln!(w, "l1_ratio = {}", toml_f64(r));
        }
        let _ = writeln!(w, "standardize = {}", m.standardize);
        let _ = writeln!(w, "fit_intercept = {}", m.fit_intercept);

        let _ = writeln!(w, "\n[path]");
        let _ = writeln!(w, "n_alphas = {}", self.path.n_alphas);
        if let Some(e) = self.path.eps {
            let _ = writeln!(w, "eps = {}", toml_f64(e));
        }
        if let Some(a) = &self.path.alphas {
            let items = a.iter().map(|&v| toml_f64(v)).collect::<Vec<_>>();
            let _ = writeln!(w, "alphas = [{}]", items.join(", "));
        }

        let _ = writeln!(w, "\n[cv]");
        if let Some(k) = self.cv.folds {
            let _ = writeln!(w, "folds = {k}");
        }
        let _ = writeln!(w, "seed = {}", self.cv.seed);
        if let Some(c) = &self.cv.fold_column {
            let _ = writeln!(w, "fold_column = {}", toml_str(c));
        }

        let _ = writeln!(w, "\n[solver]");
        let _ = writeln!(w, "tol = {}", toml_f64(self.solver.tol));
        let _ = writeln!(w, "max_iter = {}", self.solver.max_iter);
        s
    }

    /// Writes the config atomically (a temporary file in the same folder, renamed over
    /// the target), so a crash or a full disk never leaves half a config. Over an
    /// existing config only the values change: the user's comments and layout stay, and
    /// a second save of the same experiment is byte-identical. Creates missing folders.
    pub fn save(&self, path: &Path) -> Result<DiskStamp> {
        let existing = fs::read(path).ok().and_then(|b| String::from_utf8(b).ok());
        let text = write::merge(existing.as_deref(), &self.to_toml_string());
        write_atomic(path, text.as_bytes())?;
        Ok(DiskStamp::of_bytes(text.as_bytes()))
    }

    /// [`Experiment::save`], refused when the file no longer holds what `loaded` stamped
    /// (someone edited it since it was read or last saved): the caller asks the user
    /// before saving again without the check. `None` skips the check (a new file).
    pub fn save_checked(&self, path: &Path, loaded: Option<&DiskStamp>) -> Result<DiskStamp> {
        if let Some(stamp) = loaded
            && let Some(now) = DiskStamp::of_file(path)?
            && now != *stamp
        {
            return Err(Error::new(format!(
                "config '{}' was changed on disk since it was loaded; reload it to see the change, or save under another name",
                path.display()
            )));
        }
        self.save(path)
    }

    /// How to read the data file: the separator, when the config names one.
    pub fn load_options(&self) -> LoadOptions {
        LoadOptions {
            separator: self.data.separator.as_deref().and_then(parse_separator),
        }
    }

    fn validate(&self, at: &Locator) -> Result<()> {
        let d = &self.data;
        if d.path.trim().is_empty() {
            return Err(at.err("data", "path", "is empty", "give the data file's path"));
        }
        if d.path.starts_with("embedded:") && d.path != EMBEDDED_DATA {
            return Err(at.err(
                "data",
                "path",
                &format!("= \"{}\" names no built-in sample", d.path),
                &format!("the built-in sample is \"{EMBEDDED_DATA}\""),
            ));
        }
        if d.target.trim().is_empty() {
            return Err(at.err("data", "target", "is empty", "name the column to predict"));
        }
        if let Some(sep) = &d.separator
            && parse_separator(sep).is_none()
        {
            return Err(at.err(
                "data",
                "separator",
                &format!("= {} is not a separator regscope reads", toml_str(sep)),
                "use \",\", \";\", \"\\t\" (tab) or \"|\", or remove it to detect the separator",
            ));
        }
        if d.features.as_ref().is_some_and(|f| f.is_empty()) {
            return Err(at.err(
                "data",
                "features",
                "is an empty list",
                "name at least one column, or remove the key to use every usable column",
            ));
        }

        let m = &self.model;
        if let Some(a) = m.alpha
            && !(a.is_finite() && a >= 0.0)
        {
            return Err(at.err(
                "model",
                "alpha",
                &format!("= {} is out of range", toml_f64(a)),
                "alpha must be a finite number >= 0",
            ));
        }
        if let Some(r) = m.l1_ratio
            && !(0.0..=1.0).contains(&r)
        {
            return Err(at.err(
                "model",
                "l1_ratio",
                &format!("= {} is outside [0, 1]", toml_f64(r)),
                "use a mix between 0 (ridge) and 1 (lasso)",
            ));
        }
        match m.kind {
            ModelKind::Lasso | ModelKind::Ridge => {
                let implied = if m.kind == ModelKind::Lasso { 1.0 } else { 0.0 };
                if let Some(r) = m.l1_ratio
                    && r != implied
                {
                    return Err(at.err(
                        "model",
                        "l1_ratio",
                        &format!(
                            "= {} contradicts kind = \"{}\", which is l1_ratio {}",
                            toml_f64(r),
                            m.kind.name(),
                            implied
                        ),
                        "remove l1_ratio or use kind = \"elastic-net\"",
                    ));
                }
            }
            ModelKind::Ols => {
                if let Some(a) = m.alpha
                    && a != 0.0
                {
                    return Err(at.err(
                        "model",
                        "alpha",
                        &format!(
                            "= {} contradicts kind = \"ols\", which has no penalty",
                            toml_f64(a)
                        ),
                        "remove alpha or pick ridge, lasso or elastic-net",
                    ));
                }
                if let Some(r) = m.l1_ratio
                    && r != 0.0
                {
                    return Err(at.err(
                        "model",
                        "l1_ratio",
                        &format!(
                            "= {} contradicts kind = \"ols\", which has no penalty",
                            toml_f64(r)
                        ),
                        "remove l1_ratio or pick elastic-net",
                    ));
                }
                if let Some(list) = &self.path.alphas
                    && list.iter().any(|&a| a != 0.0)
                {
                    return Err(at.err(
                        "path",
                        "alphas",
                        "lists a penalty but kind = \"ols\" has none",
                        "remove alphas or pick ridge, lasso or elastic-net",
                    ));
                }
            }
            ModelKind::ElasticNet => {}
        }

        let p = &self.path;
        if p.n_alphas < 1 {
            return Err(at.err(
                "path",
                "n_alphas",
                "= 0 is out of range",
                "use at least 1 grid point (100 is the default)",
            ));
        }
        if let Some(e) = p.eps
            && !(e > 0.0 && e < 1.0)
        {
            return Err(at.err(
                "path",
                "eps",
                &format!("= {} is outside (0, 1)", toml_f64(e)),
                "use a ratio like 1e-3 (smallest alpha / largest alpha), or remove it for the default",
            ));
        }
        if let Some(list) = &p.alphas {
            if list.is_empty() {
                return Err(at.err(
                    "path",
                    "alphas",
                    "is an empty list",
                    "list at least one alpha, or remove the key to use the computed grid",
                ));
            }
            if let Some(&bad) = list.iter().find(|a| !(a.is_finite() && **a >= 0.0)) {
                return Err(at.err(
                    "path",
                    "alphas",
                    &format!("holds {}, out of range", toml_f64(bad)),
                    "every alpha must be a finite number >= 0",
                ));
            }
        }

        let c = &self.cv;
        if let Some(k) = c.folds
            && k < 2
        {
            return Err(at.err(
                "cv",
                "folds",
                &format!("= {k} is out of range"),
                "cross-validation needs at least 2 folds (5 is the default)",
            ));
        }
        if c.fold_column.as_ref().is_some_and(|f| f.trim().is_empty()) {
            return Err(at.err(
                "cv",
                "fold_column",
                "is empty",
                "name the column of fold ids, or remove the key",
            ));
        }

        let s = &self.solver;
        if !(s.tol > 0.0 && s.tol.is_finite()) {
            return Err(at.err(
                "solver",
                "tol",
                &format!("= {} is out of range", toml_f64(s.tol)),
                "use a small positive number like 1e-7",
            ));
        }
        if s.max_iter < 1 {
            return Err(at.err(
                "solver",
                "max_iter",
                "= 0 is out of range",
                "use at least 1 (100000 is the default)",
            ));
        }
        Ok(())
    }
}

/// A TOML basic string with the escapes the format needs.
fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// Rust's shortest round-trip form (`0.1`, `1e-7`, `100.0`), which is valid TOML; the
/// non-finite values get TOML's spelling (validation rejects them, but a value built
/// in code must still be written as something TOML can read).
fn toml_f64(v: f64) -> String {
    if v.is_nan() {
        "nan".into()
    } else if v.is_infinite() {
        if v > 0.0 { "inf".into() } else { "-inf".into() }
    } else {
        format!("{v:?}")
    }
}

/// Finds keys in the parsed document so range errors can name their line.
struct Locator<'a> {
    text: &'a str,
    origin: &'a str,
    doc: &'a toml::de::DeTable<'a>,
}

impl Locator<'_> {
    /// The 1-based line of `[section] key`, else of the section, if present.
    fn line(&self, section: &str, key: &str) -> Option<usize> {
        let (sec_key, sec_val) = self
            .doc
            .iter()
            .find(|(k, _)| k.get_ref().as_ref() == section)?;
        let in_section = sec_val.get_ref().as_table().and_then(|t| {
            t.iter()
                .find(|(k, _)| k.get_ref().as_ref() == key)
                .map(|(k, _)| k.span().start)
        });
        Some(line_of(
            self.text,
            in_section.unwrap_or(sec_key.span().start),
        ))
    }

    fn err(&self, section: &str, key: &str, problem: &str, fix: &str) -> Error {
        let line = self
            .line(section, key)
            .map(|n| format!("line {n}: "))
            .unwrap_or_default();
        Error::new(format!(
            "{}: {line}[{section}] {key} {problem}; {fix}",
            self.origin
        ))
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The `[section]` header in force at `line` (the line itself if it is a header), the
/// key written on that line, and whether the line is a header: for errors whose text
/// does not name them.
fn context_of(text: &str, line: usize) -> (Option<String>, Option<String>, bool) {
    let mut section = None;
    let mut key = None;
    let mut is_header = false;
    for (i, l) in text.lines().enumerate().take(line) {
        let t = l.trim();
        let here = i + 1 == line;
        if let Some(rest) = t.strip_prefix('[') {
            is_header = here;
            if let Some(end) = rest.find(']') {
                section = Some(rest[..end].trim().to_string());
            }
        } else if here && let Some((k, _)) = t.split_once('=') {
            let k = k.trim().trim_matches('"').trim_matches('\'');
            if !k.is_empty() && !k.starts_with('#') {
                key = Some(k.to_string());
            }
        }
    }
    (section, key, is_header)
}

fn toml_error(text: &str, origin: &str, e: &toml::de::Error, default_fix: &str) -> Error {
    let msg = e.message().trim();
    let (line, section, key, is_header) = match e.span() {
        Some(span) => {
            let line = line_of(text, span.start);
            let (section, key, is_header) = context_of(text, line);
            (Some(line), section, key, is_header)
        }
        None => (None, None, None, false),
    };
    let line_txt = line.map(|n| format!("line {n}: ")).unwrap_or_default();
    let sec_txt = section
        .as_deref()
        .map(|s| format!("[{s}] "))
        .unwrap_or_default();
    let fix = if let Some(rest) = msg.strip_prefix("unknown field") {
        let rest = rest.trim_start();
        let (field, expected) = rest.split_once(',').unwrap_or((rest, ""));
        let expected = expected.trim();
        let expected = if expected.is_empty() {
            String::new()
        } else {
            format!(" ({expected})")
        };
        let (what, sec_txt) = if is_header {
            ("unknown section", String::new())
        } else {
            ("unknown key", sec_txt)
        };
        return Error::new(format!(
            "{origin}: {line_txt}{sec_txt}{what} {field}{expected}; remove it or fix its spelling"
        ));
    } else if let Some(rest) = msg.strip_prefix("missing field") {
        let field = rest.trim();
        if field == "`data`" {
            return Error::new(format!(
                "{origin}: the config has no [data] section; add one with path and target"
            ));
        }
        let where_ = if section.is_none() {
            "the config".to_string()
        } else {
            sec_txt.trim_end().to_string()
        };
        return Error::new(format!(
            "{origin}: {line_txt}{where_} is missing the key {field}; add {} = ... to it",
            field.trim_matches('`')
        ));
    } else if msg.contains("duplicate") {
        "keep only one of them".to_string()
    } else if !default_fix.is_empty() {
        default_fix.to_string()
    } else if msg.contains("expected f64") || msg.contains("expected a float") {
        "write a number, like 0.5".into()
    } else if msg.contains("expected usize") || msg.contains("expected u64") {
        "write a whole number, like 10".into()
    } else if msg.contains("expected a boolean") {
        "write true or false".into()
    } else if msg.contains("expected a string") {
        "write it in double quotes".into()
    } else if msg.contains("expected a sequence") {
        "write a list, like [\"a\", \"b\"]".into()
    } else if msg.contains("unknown variant") || msg.contains("unknown model kind") {
        "use one of the values listed".into()
    } else {
        "fix the value".into()
    };
    let key_txt = key.map(|k| format!("{k}: ")).unwrap_or_default();
    Error::new(format!(
        "{origin}: {line_txt}{sec_txt}{key_txt}{msg}; {fix}"
    ))
}

#[cfg(test)]
mod tests;
