//! The application state (the model of the update/view split). No terminal, no threads.

use std::path::PathBuf;
use std::sync::Arc;

use crate::config::Experiment;
use crate::data::ColumnInfo;
use crate::solver::{CvResult, ModelKind, PathResult, Progress, Stage};
use crate::workflow::DataSource;

use super::keymap::Mode;
use super::theme::{Glyphs, Theme};
use super::worker::{DataInfo, JobId};

/// Smallest screen the panes fit on; below it a notice asks for more room.
pub const MIN_W: u16 = 40;
pub const MIN_H: u16 = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Bars,
    Path,
    Cv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortBy {
    Magnitude,
    Name,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    Filter,
    Alpha,
    SaveAs,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub text: String,
    /// the filter before the prompt opened (Esc restores it)
    pub before: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Picker {
    pub cursor: usize,
    pub target: String,
    pub included: Vec<bool>,
    pub touched: bool,
    /// only columns whose name contains this (lowercase) are listed
    pub filter: String,
    /// true while typing the filter
    pub typing: bool,
}

impl Picker {
    /// Indices of the listed columns (into `App::columns`).
    pub fn listed(&self, columns: &[ColumnInfo]) -> Vec<usize> {
        let f = self.filter.to_lowercase();
        (0..columns.len())
            .filter(|&i| f.is_empty() || columns[i].name.to_lowercase().contains(&f))
            .collect()
    }
}

/// The settings overlay: a draft of the fit settings, applied (and refitted) on Enter.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub cursor: usize,
    pub draft: Experiment,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    None,
    Help,
    Log,
    /// the collinearity of the features on screen (key `c`), one feature under the cursor
    Collinearity(CollinearityView),
    /// the compare view (key `p`): models on the same folds, one row under the cursor
    Compare(CompareView),
    /// the stability view (key `b`): selection probabilities, one feature under the cursor
    Stability(StabilityView),
    Prompt(Prompt),
    Picker(Picker),
    Settings(Settings),
}

/// The collinearity overlay's diagnosis and the feature under its cursor (an index into
/// the diagnosed columns, `data.d.columns`).
#[derive(Debug, Clone, PartialEq)]
pub struct CollinearityView {
    pub data: Arc<super::worker::Diagnosis>,
    pub cursor: usize,
}

/// The compare view's models and the row under its cursor.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareView {
    pub data: Arc<super::insight::Comparison>,
    pub cursor: usize,
}

/// The stability view's result and the feature under its cursor (an index into
/// [`StabilityView::order`]).
#[derive(Debug, Clone)]
pub struct StabilityView {
    pub data: Arc<super::insight::StabilityReport>,
    pub cursor: usize,
}

impl StabilityView {
    /// The features in display order: the most stable first (largest probability in the
    /// region), then by name.
    pub fn order(&self) -> Vec<usize> {
        let r = &self.data.result;
        let mut v: Vec<usize> = (0..self.data.features.len()).collect();
        v.sort_by(|&a, &b| {
            let pa = r.max_probability.get(a).copied().unwrap_or(0.0);
            let pb = r.max_probability.get(b).copied().unwrap_or(0.0);
            pb.total_cmp(&pa)
                .then_with(|| self.data.features[a].cmp(&self.data.features[b]))
        });
        v
    }

    /// The feature under the cursor.
    pub fn feature(&self) -> Option<usize> {
        self.order().get(self.cursor).copied()
    }
}

impl PartialEq for StabilityView {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.data, &other.data) && self.cursor == other.cursor
    }
}

/// A previous path kept for comparison (see [`App::ghost`]).
#[derive(Debug, Clone)]
pub struct Ghost {
    pub path: Arc<PathResult>,
    pub cv: Option<Arc<CvResult>>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum JobState {
    Idle,
    Running {
        id: JobId,
        progress: Option<Progress>,
        point: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warning,
    Error,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LogEntry {
    pub level: Level,
    pub text: String,
}

/// A fit at a typed alpha off the grid.
#[derive(Debug, Clone)]
pub struct PointFit {
    pub alpha: f64,
    pub result: Arc<PathResult>,
}

pub struct App {
    pub exp: Experiment,
    pub source: DataSource,
    /// the statistics file the fits come from (`regscope --stats FILE`), instead of the
    /// data
    pub stats: Option<PathBuf>,
    pub config_path: Option<PathBuf>,
    pub columns: Vec<ColumnInfo>,
    pub info: Option<Arc<DataInfo>>,
    pub path: Option<Arc<PathResult>>,
    pub cv: Option<Arc<CvResult>>,
    /// The path (and its CV) before the last change of model or l1_ratio on the same
    /// features: drawn dimmed behind the new one, to see what the penalty changed.
    pub ghost: Option<Ghost>,
    pub point: Option<PointFit>,
    /// index into `path.alphas` (descending alphas)
    pub idx: usize,
    /// true once the user moved the cursor (else it lands on alpha_min)
    pub cursor_touched: bool,
    /// the selected feature (index into `info.features`)
    pub selected: usize,
    pub filter: String,
    pub sort: SortBy,
    pub original_scale: bool,
    pub show_train: bool,
    /// the chart shown next to the bars (medium) or the one pane (narrow)
    pub pane: Pane,
    pub overlay: Overlay,
    pub job: JobState,
    /// newest submitted job id, and the newest Fit job id
    pub last_id: JobId,
    pub fit_id: JobId,
    pub path_id: JobId,
    pub cv_id: JobId,
    pub log: Vec<LogEntry>,
    /// the status line (private: [`App::set_status`] also logs it)
    status: Option<(Level, String)>,
    pub dirty: bool,
    pub confirm_quit: bool,
    pub spinner: usize,
    pub size: (u16, u16),
    pub theme: Theme,
    pub glyphs: Glyphs,
    /// an alpha to restore once the first path lands (a config's `model.alpha`)
    pub pending_alpha: Option<f64>,
    /// select the top bar once a new feature list lands
    pub select_first_pending: bool,
    /// an off-grid alpha to fit once the running fit is done (a config's `model.alpha`)
    pub pending_point: Option<f64>,
    /// the last load or fit failed: what went wrong (panes show it, not "waiting")
    pub load_error: Option<String>,
    /// the config given on the command line did not load: no data is shown
    pub config_error: bool,
    /// first line shown in the help and log overlays
    pub scroll: usize,
    /// the last `w` found the config changed on disk: the next `w` overwrites it
    pub confirm_overwrite: bool,
    /// an unsaved experiment of a dropped session, offered at start (R opens it)
    pub recovery: Option<(PathBuf, Experiment)>,
}

/// "reading: 1.2e6 of 2e6 rows, 4.1e5 rows/s, 2 s left (Esc cancels)"; the total and
/// the time left only when the rows are known, "of ~2e6" when estimated.
pub fn reading_text(done: usize, total: usize, per_sec: u64, estimated: bool) -> String {
    use super::axis::num;
    let rate = format!("{} rows/s", num(per_sec as f64));
    if total == 0 || per_sec == 0 {
        return format!("reading: {} rows, {rate} (Esc cancels)", num(done as f64));
    }
    // a second pass (rows were dropped before shuffled folds) reads the table again
    let left = total.saturating_sub(done.min(total)) as f64 / per_sec as f64;
    format!(
        "reading: {} of {}{} rows, {rate}, {:.0} s left (Esc cancels)",
        num(done as f64),
        if estimated { "~" } else { "" },
        num(total as f64),
        left.ceil()
    )
}

impl App {
    pub fn new(exp: Experiment, source: DataSource, config_path: Option<PathBuf>) -> App {
        let pending_alpha = exp.model.alpha;
        App {
            exp,
            source,
            stats: None,
            config_path,
            columns: Vec::new(),
            info: None,
            path: None,
            cv: None,
            ghost: None,
            point: None,
            idx: 0,
            cursor_touched: pending_alpha.is_some(),
            selected: 0,
            filter: String::new(),
            sort: SortBy::Magnitude,
            original_scale: false,
            show_train: true,
            pane: Pane::Path,
            overlay: Overlay::None,
            job: JobState::Idle,
            last_id: 0,
            fit_id: 0,
            path_id: 0,
            cv_id: 0,
            log: Vec::new(),
            status: None,
            dirty: false,
            confirm_quit: false,
            spinner: 0,
            size: (120, 40),
            theme: Theme::new(true),
            glyphs: Glyphs::UNICODE,
            pending_alpha,
            select_first_pending: false,
            pending_point: None,
            load_error: None,
            config_error: false,
            scroll: 0,
            confirm_overwrite: false,
            recovery: None,
        }
    }

    pub fn too_small(&self) -> bool {
        self.size.0 < MIN_W || self.size.1 < MIN_H
    }

    pub fn mode(&self) -> Mode {
        match self.overlay {
            Overlay::Help => Mode::Help,
            Overlay::Log => Mode::Log,
            Overlay::Collinearity(_) => Mode::Collinearity,
            Overlay::Compare(_) => Mode::Compare,
            Overlay::Stability(_) => Mode::Stability,
            Overlay::Picker(_) => Mode::Picker,
            Overlay::Settings(_) => Mode::Settings,
            _ => Mode::Normal,
        }
    }

    pub fn busy(&self) -> bool {
        matches!(self.job, JobState::Running { .. })
    }

    pub fn path_stale(&self) -> bool {
        self.path.is_some() && self.path_id < self.fit_id
    }

    pub fn cv_stale(&self) -> bool {
        self.cv.is_some() && self.cv_id < self.fit_id
    }

    /// The cv result if it belongs to the path on screen.
    pub fn cv_for_path(&self) -> Option<&CvResult> {
        match (&self.cv, &self.path) {
            (Some(cv), Some(p)) if cv.cv_mean.len() == p.alphas.len() => Some(cv),
            _ => None,
        }
    }

    pub fn grid_len(&self) -> usize {
        self.path.as_ref().map_or(0, |p| p.alphas.len())
    }

    /// The alpha under the cursor: a typed one, else the grid's.
    pub fn alpha(&self) -> Option<f64> {
        if let Some(pf) = &self.point {
            return Some(pf.alpha);
        }
        self.path
            .as_ref()
            .and_then(|p| p.alphas.get(self.idx).copied())
    }

    /// The feature names of the result on screen.
    pub fn names(&self) -> &[String] {
        self.info.as_ref().map_or(&[], |i| &i.features)
    }

    /// Coefficients at the cursor, on the chosen scale.
    pub fn coefs(&self) -> Option<Vec<f64>> {
        let (res, row) = match &self.point {
            Some(pf) => (&pf.result, 0),
            None => (self.path.as_ref()?, self.idx),
        };
        let m = if self.original_scale {
            &res.coef
        } else {
            &res.coef_std
        };
        (row < m.nrows()).then(|| m.row(row).to_vec())
    }

    /// Features that entered and that left the support at alpha_1se since the ghost's
    /// model: (entered, left), once both CVs are known.
    pub fn ghost_changes(&self) -> Option<(Vec<String>, Vec<String>)> {
        let g = self.ghost.as_ref()?;
        let (old_cv, new_cv, new) = (g.cv.as_ref()?, self.cv.as_ref()?, self.path.as_ref()?);
        let support = |p: &PathResult, i: usize| -> Vec<bool> {
            (0..p.coef.ncols()).map(|j| p.coef[(i, j)] != 0.0).collect()
        };
        let (a, b) = (
            support(&g.path, old_cv.index_1se),
            support(new, new_cv.index_1se),
        );
        let names = self.names();
        let pick = |want_new: bool| -> Vec<String> {
            (0..a.len().min(b.len()))
                .filter(|&j| b[j] == want_new && a[j] != want_new)
                .filter_map(|j| names.get(j).cloned())
                .collect()
        };
        Some((pick(true), pick(false)))
    }

    /// Per feature, the fraction of the CV folds whose fit selects it (nonzero) at the
    /// cursor's alpha: only on the grid (a typed alpha has no fold fits) and once CV ran
    /// on the path on screen.
    pub fn selection_frequency(&self) -> Option<Vec<f64>> {
        if self.point.is_some() {
            return None;
        }
        let cv = self.cv.as_ref()?;
        let f = &cv.selection_frequency;
        let m = self.path.as_ref()?.alphas.len();
        (f.nrows() == m && self.idx < m && f.ncols() > 0).then(|| f.row(self.idx).to_vec())
    }

    pub fn constant(&self) -> &[bool] {
        self.path.as_ref().map_or(&[], |p| &p.constant)
    }

    /// (nonzero, p, r2, train mse) at the cursor.
    pub fn point_stats(&self) -> Option<(usize, usize, f64)> {
        let (res, row) = match &self.point {
            Some(pf) => (&pf.result, 0),
            None => (self.path.as_ref()?, self.idx),
        };
        Some((
            *res.n_nonzero.get(row)?,
            res.coef.ncols(),
            *res.r2.get(row)?,
        ))
    }

    /// ||y - mean(y)||^2 / n, recovered from the path (r2 = 1 - rss / ||y_c||^2 and
    /// train_mse = rss / n at every alpha), to turn CV MSE into CV R².
    pub fn y_variance(&self) -> Option<f64> {
        let p = self.path.as_ref()?;
        p.train_mse
            .iter()
            .zip(&p.r2)
            .filter(|(m, r)| m.is_finite() && r.is_finite() && **r < 1.0 - 1e-9)
            .map(|(m, r)| m / (1.0 - r))
            .find(|v| v.is_finite() && *v > 0.0)
    }

    /// "min" / "1se" when the cursor is on one of the CV choices.
    pub fn cursor_mark(&self) -> Option<&'static str> {
        let cv = self.cv_for_path()?;
        if self.point.is_some() {
            None
        } else if self.idx == cv.index_min {
            Some("min")
        } else if self.idx == cv.index_1se {
            Some("1se")
        } else {
            None
        }
    }

    /// The selected feature, if the filter shows it.
    pub fn shown_selected(&self) -> Option<usize> {
        self.visible_features()
            .contains(&self.selected)
            .then_some(self.selected)
    }

    /// CV mean and SE at the cursor (grid points only).
    pub fn cv_at_cursor(&self) -> Option<(f64, f64)> {
        if self.point.is_some() {
            return None;
        }
        let cv = self.cv_for_path()?;
        Some((*cv.cv_mean.get(self.idx)?, *cv.cv_se.get(self.idx)?))
    }

    /// Features in display order (sorted, filtered): indices into `names()`.
    pub fn visible_features(&self) -> Vec<usize> {
        let names = self.names();
        let f = self.filter.to_lowercase();
        let mut v: Vec<usize> = (0..names.len())
            .filter(|&j| f.is_empty() || names[j].to_lowercase().contains(&f))
            .collect();
        match self.sort {
            SortBy::Name => v.sort_by(|&a, &b| names[a].cmp(&names[b])),
            SortBy::Magnitude => {
                if let Some(c) = self.coefs() {
                    v.sort_by(|&a, &b| {
                        let (x, y) = (
                            c.get(a).map_or(0.0, |v| v.abs()),
                            c.get(b).map_or(0.0, |v| v.abs()),
                        );
                        y.partial_cmp(&x)
                            .unwrap_or(std::cmp::Ordering::Equal)
                            .then(a.cmp(&b))
                    });
                }
            }
        }
        v
    }

    pub fn model_label(&self) -> &'static str {
        match self.exp.model.kind {
            ModelKind::Ols => "OLS",
            ModelKind::Ridge => "ridge",
            ModelKind::Lasso => "lasso",
            ModelKind::ElasticNet => "elastic net",
        }
    }

    /// "path 37/100", "cv fold 3/5", "alpha fit", "loading", or "ready".
    pub fn worker_text(&self) -> String {
        match self.job {
            JobState::Idle if self.load_error.is_some() => "failed".into(),
            JobState::Idle => "ready".into(),
            JobState::Running { point: true, .. } => "fitting alpha".into(),
            JobState::Running { progress: None, .. } => "loading".into(),
            JobState::Running {
                progress: Some(p), ..
            } => match p.stage {
                Stage::Path => format!("path {}/{}", p.done, p.total),
                Stage::Cv => format!("cv fold {}/{}", (p.done + 1).min(p.total), p.total),
                Stage::Models => format!(
                    "comparing model {}/{} (Esc cancels)",
                    (p.done + 1).min(p.total),
                    p.total
                ),
                Stage::Subsamples => format!(
                    "stability: {}/{} subsample paths (Esc cancels)",
                    p.done, p.total
                ),
                Stage::Read { per_sec, estimated } => {
                    reading_text(p.done, p.total, per_sec, estimated)
                }
            },
        }
    }

    pub fn warning_count(&self) -> usize {
        self.log.iter().filter(|e| e.level != Level::Info).count()
    }

    pub fn config_name(&self) -> String {
        let name = self
            .config_path
            .as_ref()
            .and_then(|p| p.file_name())
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "unsaved".into());
        if self.dirty { format!("{name}*") } else { name }
    }

    /// The path the save-as prompt proposes.
    pub fn default_save_path(&self) -> String {
        if let Some(p) = &self.config_path {
            return p.display().to_string();
        }
        let stem = match &self.source {
            DataSource::Embedded => "diabetes".to_string(),
            DataSource::File(p) => p
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "experiment".into()),
        };
        format!("configs/{stem}-{}.toml", self.exp.model.kind.name())
    }

    /// Show `text` on the status line and keep it in the log: the one way to set it.
    pub fn set_status(&mut self, level: Level, text: impl Into<String>) {
        let text = text.into();
        self.push_log(level, text.clone());
        self.status = Some((level, text));
    }

    pub fn clear_status(&mut self) {
        self.status = None;
    }

    pub fn status(&self) -> Option<&(Level, String)> {
        self.status.as_ref()
    }

    pub fn push_log(&mut self, level: Level, text: impl Into<String>) {
        let text = text.into();
        if level != Level::Info || self.log.last().map(|e| &e.text) != Some(&text) {
            self.log.push(LogEntry { level, text });
        }
        if self.log.len() > 500 {
            self.log.drain(..100);
        }
    }
}

#[cfg(test)]
mod reading_tests {
    use super::reading_text;

    #[test]
    fn reading_progress_with_and_without_a_total() {
        assert_eq!(
            reading_text(1_200_000, 0, 410_000, false),
            "reading: 1.2e6 rows, 4.1e5 rows/s (Esc cancels)"
        );
        assert_eq!(
            reading_text(500_000, 2_000_000, 500_000, false),
            "reading: 5e5 of 2e6 rows, 5e5 rows/s, 3 s left (Esc cancels)"
        );
        assert_eq!(
            reading_text(10, 100, 0, false),
            "reading: 10 rows, 0 rows/s (Esc cancels)"
        );
        assert_eq!(
            reading_text(500_000, 2_000_000, 500_000, true),
            "reading: 5e5 of ~2e6 rows, 5e5 rows/s, 3 s left (Esc cancels)"
        );
    }
}
