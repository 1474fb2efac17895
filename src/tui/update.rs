//! `update`: the only place state changes. Pure: no I/O, no threads, no terminal.
//! It returns effects that `run()` executes (submit a job, cancel, save, export, reload, quit).

use std::path::PathBuf;

use crate::config::Experiment;
use crate::solver::ModelKind;
use crate::workflow::DataSource;

use super::action::Action;
use super::app::{
    App, JobState, Level, Overlay, Pane, Picker, PointFit, Prompt, PromptKind, SortBy,
};
use super::export::{self, ExportJob};
use super::keymap::{Key, lookup};
use super::worker::{Job, JobKind, WorkerMsg};

/// Everything `update` reacts to.
#[derive(Debug, Clone)]
pub enum Msg {
    Key(Key),
    Resize(u16, u16),
    /// the spinner tick while a job runs
    Tick,
    Worker(WorkerMsg),
    /// the outcome of an `Effect::Save`: the experiment as written, or an error
    Saved(PathBuf, Result<Experiment, String>),
    /// the outcome of an `Effect::Export`: its folder and the files written, or an error
    Exported(PathBuf, Result<Vec<PathBuf>, String>),
    /// the outcome of an `Effect::Reload` of a config file
    Reloaded(Result<(Experiment, DataSource), String>),
    /// a panic caught on another thread (e.g. a rayon thread of the worker)
    Panic(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Submit(Job),
    Cancel,
    Save(PathBuf, Box<Experiment>),
    /// write the charts and the coefficient table of the view on screen
    Export(Box<ExportJob>),
    Reload(PathBuf),
    Quit,
    /// clear and repaint everything (Ctrl-L)
    Redraw,
}

/// Apply one message.
pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(k) => on_key(app, k),
        Msg::Resize(w, h) => {
            app.size = (w, h);
            vec![]
        }
        Msg::Tick => {
            if app.busy() {
                app.spinner = app.spinner.wrapping_add(1);
            }
            vec![]
        }
        Msg::Worker(w) => on_worker(app, w),
        Msg::Saved(path, Ok(exp)) => {
            app.exp = exp;
            app.dirty = false;
            app.set_status(Level::Info, format!("saved {}", path.display()));
            app.config_path = Some(path);
            vec![]
        }
        Msg::Saved(path, Err(e)) => {
            app.set_status(Level::Error, format!("save {}: {e}", path.display()));
            vec![]
        }
        Msg::Exported(dir, Ok(files)) => {
            let no_cv = !files
                .iter()
                .any(|f| f.file_stem().is_some_and(|s| s == "cv"));
            app.set_status(
                Level::Info,
                format!(
                    "exported {} files to {}/{}",
                    files.len(),
                    dir.display(),
                    if no_cv {
                        " (no CV result yet: no cv chart)"
                    } else {
                        ""
                    }
                ),
            );
            vec![]
        }
        Msg::Exported(dir, Err(e)) => {
            app.set_status(Level::Error, format!("export to {}: {e}", dir.display()));
            vec![]
        }
        Msg::Reloaded(Ok((exp, source))) => {
            app.pending_alpha = exp.model.alpha;
            app.cursor_touched = exp.model.alpha.is_some();
            app.exp = exp;
            app.source = source;
            app.dirty = false;
            app.set_status(Level::Info, "reloaded");
            vec![submit_fit(app, true)]
        }
        Msg::Reloaded(Err(e)) => {
            app.set_status(Level::Error, e);
            vec![]
        }
        Msg::Panic(m) => {
            app.set_status(Level::Error, format!("internal error: {m}"));
            vec![]
        }
    }
}

impl App {
    pub fn set_status(&mut self, level: Level, text: impl Into<String>) {
        let text = text.into();
        self.push_log(level, text.clone());
        self.status = Some((level, text));
    }
}

/// The first job: load and fit.
pub fn start(app: &mut App) -> Vec<Effect> {
    vec![submit_fit(app, true)]
}

fn next_id(app: &mut App) -> u64 {
    app.last_id += 1;
    app.last_id
}

fn submit_fit(app: &mut App, reload: bool) -> Effect {
    let id = next_id(app);
    app.fit_id = id;
    app.point = None;
    app.job = JobState::Running {
        id,
        progress: None,
        point: false,
    };
    Effect::Submit(Job {
        id,
        kind: JobKind::Fit {
            exp: Box::new(app.exp.clone()),
            source: app.source.clone(),
            reload,
        },
    })
}

fn on_worker(app: &mut App, w: WorkerMsg) -> Vec<Effect> {
    let id = w.id();
    if id < app.last_id {
        return vec![]; // stale: a newer job was submitted since
    }
    match w {
        WorkerMsg::Progress(_, p) => {
            if let JobState::Running { progress, .. } = &mut app.job {
                *progress = Some(p);
            }
        }
        WorkerMsg::Loaded(_, cols) => app.columns = cols,
        WorkerMsg::PathReady(_, info, path) => {
            let before = app.alpha();
            let names_changed = app.info.as_ref().map(|i| &i.features) != Some(&info.features);
            if names_changed {
                app.selected = 0;
                app.select_first_pending = true;
                for n in &info.notes {
                    app.push_log(Level::Info, n.clone());
                }
            }
            for w in &path.warnings {
                app.push_log(Level::Warning, w.describe(&info.features));
            }
            app.info = Some(info);
            app.path = Some(path);
            app.path_id = id;
            app.cv = None;
            let target = app.pending_alpha.take().or(before);
            if let Some(a) = target {
                app.idx = nearest_index(app.path.as_ref().map_or(&[][..], |p| &p.alphas), a);
            }
            app.idx = app.idx.min(app.grid_len().saturating_sub(1));
        }
        WorkerMsg::CvReady(_, cv) => {
            let names = app.names().to_vec();
            for (k, w) in &cv.warnings {
                app.push_log(Level::Warning, format!("fold {k}: {}", w.describe(&names)));
            }
            if !app.cursor_touched && cv.cv_mean.len() == app.grid_len() {
                app.idx = cv.index_min;
            }
            app.cv = Some(cv);
            app.cv_id = id;
            app.job = JobState::Idle;
            if std::mem::take(&mut app.select_first_pending)
                && let Some(&j) = app.visible_features().first()
            {
                app.selected = j;
            }
        }
        WorkerMsg::PointReady(_, alpha, res) => {
            let names = app.names().to_vec();
            for w in &res.warnings {
                app.push_log(Level::Warning, w.describe(&names));
            }
            app.point = Some(PointFit { alpha, result: res });
            app.job = JobState::Idle;
        }
        WorkerMsg::Failed(_, e) => {
            app.set_status(Level::Error, e);
            app.job = JobState::Idle;
        }
        WorkerMsg::Cancelled(_) => app.job = JobState::Idle,
        WorkerMsg::Panicked(_, m) => {
            app.set_status(
                Level::Error,
                format!("worker panicked: {m} (press r to retry)"),
            );
            app.job = JobState::Idle;
        }
    }
    vec![]
}

/// The grid index nearest to `alpha` in log space.
pub fn nearest_index(alphas: &[f64], alpha: f64) -> usize {
    let l = alpha.max(f64::MIN_POSITIVE).log10();
    alphas
        .iter()
        .enumerate()
        .min_by(|(_, a), (_, b)| {
            let da = (a.max(f64::MIN_POSITIVE).log10() - l).abs();
            let db = (b.max(f64::MIN_POSITIVE).log10() - l).abs();
            da.partial_cmp(&db).unwrap_or(std::cmp::Ordering::Equal)
        })
        .map_or(0, |(i, _)| i)
}

fn on_key(app: &mut App, key: Key) -> Vec<Effect> {
    if key == Key::Ctrl('c') {
        return vec![Effect::Quit];
    }
    if let Overlay::Prompt(_) = app.overlay {
        return on_prompt_key(app, key);
    }
    let Some(action) = lookup(app.mode(), key) else {
        return vec![];
    };
    if app.too_small()
        && !matches!(
            action,
            Action::Quit
                | Action::ForceQuit
                | Action::Help
                | Action::Escape
                | Action::Back
                | Action::Redraw
        )
    {
        return vec![];
    }
    let confirm = std::mem::replace(&mut app.confirm_quit, false);
    if app.mode() == super::keymap::Mode::Picker {
        return on_picker(app, action);
    }
    act(app, action, confirm)
}

/// Apply an action (the keymap has already resolved the key).
pub fn act(app: &mut App, action: Action, confirm: bool) -> Vec<Effect> {
    let m = app.grid_len();
    match action {
        Action::Quit => {
            if !app.dirty || confirm {
                return vec![Effect::Quit];
            }
            app.confirm_quit = true;
            app.status = Some((
                Level::Warning,
                "unsaved changes: q again quits, w saves".into(),
            ));
        }
        Action::ForceQuit => return vec![Effect::Quit],
        Action::Help => app.overlay = Overlay::Help,
        Action::Log => app.overlay = Overlay::Log,
        Action::Back => app.overlay = Overlay::None,
        Action::Redraw => return vec![Effect::Redraw],
        Action::Escape => {
            if app.busy() {
                app.job = JobState::Idle;
                app.status = Some((
                    Level::Warning,
                    "fit cancelled: the panes show the last result (r refits)".into(),
                ));
                return vec![Effect::Cancel];
            } else if !app.filter.is_empty() {
                app.filter.clear();
            } else {
                app.status = None;
            }
        }
        Action::NextPane | Action::PrevPane => {
            let wide = app.size.0 >= 120 && app.size.1 >= 32;
            let medium = app.size.0 >= 80 && app.size.1 >= 20;
            let order: &[Pane] = if wide || medium {
                &[Pane::Path, Pane::Cv]
            } else {
                &[Pane::Bars, Pane::Path, Pane::Cv]
            };
            let i = order.iter().position(|p| *p == app.pane).unwrap_or(0);
            let n = order.len();
            let j = if action == Action::NextPane {
                (i + 1) % n
            } else {
                (i + n - 1) % n
            };
            app.pane = order[j];
        }
        Action::AlphaUp => step(app, -1),
        Action::AlphaDown => step(app, 1),
        Action::AlphaUp10 => step(app, -10),
        Action::AlphaDown10 => step(app, 10),
        Action::AlphaSmallest if m > 0 => set_idx(app, m - 1),
        Action::AlphaLargest if m > 0 => set_idx(app, 0),
        Action::JumpMin | Action::Jump1se => {
            let target = app.cv_for_path().map(|cv| {
                if action == Action::JumpMin {
                    cv.index_min
                } else {
                    cv.index_1se
                }
            });
            match target {
                Some(i) => set_idx(app, i),
                None => app.status = Some((Level::Info, "no CV result yet".into())),
            }
        }
        Action::L1Up | Action::L1Down => {
            let rho = app.exp.model.effective_l1_ratio();
            let d = if action == Action::L1Up { 0.05 } else { -0.05 };
            let new = ((rho + d).clamp(0.0, 1.0) * 100.0).round() / 100.0;
            if new == rho && app.exp.model.kind == ModelKind::ElasticNet {
                return vec![];
            }
            app.exp.model.kind = ModelKind::ElasticNet;
            app.exp.model.l1_ratio = Some(new);
            return changed(app);
        }
        Action::RidgeMix | Action::LassoMix => {
            let kind = if action == Action::RidgeMix {
                ModelKind::Ridge
            } else {
                ModelKind::Lasso
            };
            if app.exp.model.kind == kind {
                return vec![];
            }
            set_kind(app, kind);
            return changed(app);
        }
        Action::NextModel => {
            let i = ModelKind::ALL
                .iter()
                .position(|k| *k == app.exp.model.kind)
                .unwrap_or(0);
            set_kind(app, ModelKind::ALL[(i + 1) % ModelKind::ALL.len()]);
            return changed(app);
        }
        Action::SelectUp | Action::SelectDown => {
            let vis = app.visible_features();
            if !vis.is_empty() {
                let pos = vis.iter().position(|&j| j == app.selected);
                let new = match (pos, action == Action::SelectDown) {
                    (None, _) => 0,
                    (Some(p), true) => (p + 1).min(vis.len() - 1),
                    (Some(p), false) => p.saturating_sub(1),
                };
                app.selected = vis[new];
            }
        }
        Action::Filter => {
            app.overlay = Overlay::Prompt(Prompt {
                kind: PromptKind::Filter,
                text: app.filter.clone(),
                before: app.filter.clone(),
            })
        }
        Action::TypeAlpha => {
            app.overlay = Overlay::Prompt(Prompt {
                kind: PromptKind::Alpha,
                text: app.alpha().map(|a| format!("{a}")).unwrap_or_default(),
                before: String::new(),
            })
        }
        Action::SaveAs => {
            app.overlay = Overlay::Prompt(Prompt {
                kind: PromptKind::SaveAs,
                text: app.default_save_path(),
                before: String::new(),
            })
        }
        Action::Export => match export::job(app) {
            Ok(job) => return vec![Effect::Export(Box::new(job))],
            Err(why) => app.set_status(Level::Info, why),
        },
        Action::Save => match app.config_path.clone() {
            Some(p) => return vec![save_effect(app, p)],
            None => return act(app, Action::SaveAs, false),
        },
        Action::Reload => {
            return match app.config_path.clone() {
                Some(p) => vec![Effect::Reload(p)],
                None => {
                    app.set_status(Level::Info, "reloading the data");
                    vec![submit_fit(app, true)]
                }
            };
        }
        Action::ToggleScale => app.original_scale = !app.original_scale,
        Action::ToggleSort => {
            app.sort = match app.sort {
                SortBy::Magnitude => SortBy::Name,
                SortBy::Name => SortBy::Magnitude,
            }
        }
        Action::ToggleTrain => app.show_train = !app.show_train,
        Action::Picker => {
            if app.columns.is_empty() {
                app.status = Some((Level::Info, "no table loaded yet".into()));
            } else {
                app.overlay = Overlay::Picker(open_picker(app));
            }
        }
        _ => {}
    }
    vec![]
}

fn set_kind(app: &mut App, kind: ModelKind) {
    app.exp.model.kind = kind;
    app.exp.model.l1_ratio = match kind {
        ModelKind::ElasticNet => Some(app.exp.model.l1_ratio.unwrap_or(0.5)),
        _ => None,
    };
    if kind == ModelKind::Ols {
        app.exp.path.alphas = None;
    }
}

/// The experiment changed in a way that needs a refit.
fn changed(app: &mut App) -> Vec<Effect> {
    app.dirty = true;
    app.status = None;
    vec![submit_fit(app, false)]
}

fn step(app: &mut App, d: isize) {
    let m = app.grid_len();
    if m == 0 {
        return;
    }
    let from = match &app.point {
        Some(pf) => nearest_index(
            &app.path.as_ref().map_or(vec![], |p| p.alphas.clone()),
            pf.alpha,
        ),
        None => app.idx,
    };
    let to = (from as isize + d).clamp(0, m as isize - 1) as usize;
    set_idx(app, to);
}

fn set_idx(app: &mut App, i: usize) {
    let m = app.grid_len();
    if m == 0 {
        return;
    }
    let i = i.min(m - 1);
    if i != app.idx || app.point.is_some() {
        app.dirty = true;
    }
    app.idx = i;
    app.point = None;
    app.cursor_touched = true;
}

fn save_effect(app: &mut App, path: PathBuf) -> Effect {
    let mut exp = app.exp.clone();
    exp.model.alpha = if exp.model.kind == ModelKind::Ols {
        None
    } else {
        app.alpha()
    };
    Effect::Save(path, Box::new(exp))
}

fn on_prompt_key(app: &mut App, key: Key) -> Vec<Effect> {
    let Overlay::Prompt(p) = &mut app.overlay else {
        return vec![];
    };
    match key {
        Key::Char(c) => p.text.push(c),
        Key::Backspace => {
            p.text.pop();
        }
        Key::Ctrl('u') => p.text.clear(),
        Key::Esc => {
            if p.kind == PromptKind::Filter {
                app.filter = p.before.clone();
            }
            app.overlay = Overlay::None;
            return vec![];
        }
        Key::Enter => {
            let p = p.clone();
            app.overlay = Overlay::None;
            return accept_prompt(app, p);
        }
        Key::Ctrl('l') => return vec![Effect::Redraw],
        _ => {}
    }
    if let Overlay::Prompt(p) = &app.overlay
        && p.kind == PromptKind::Filter
    {
        app.filter = p.text.clone();
    }
    vec![]
}

fn accept_prompt(app: &mut App, p: Prompt) -> Vec<Effect> {
    match p.kind {
        PromptKind::Filter => app.filter = p.text,
        PromptKind::SaveAs => {
            let t = p.text.trim();
            if t.is_empty() {
                app.status = Some((Level::Warning, "no file name: not saved".into()));
            } else {
                return vec![save_effect(app, PathBuf::from(t))];
            }
        }
        PromptKind::Alpha => {
            let t = p.text.trim();
            match t.parse::<f64>() {
                Ok(a) if a.is_finite() && a > 0.0 => return type_alpha(app, a),
                _ => app.set_status(
                    Level::Error,
                    format!("alpha '{t}': give a positive number such as 0.01 or 1e-3"),
                ),
            }
        }
    }
    vec![]
}

/// A typed alpha: on the grid (to 1e-9 relative) it is a cursor move; off the grid a
/// warm-started single fit from the nearest grid point.
fn type_alpha(app: &mut App, a: f64) -> Vec<Effect> {
    let Some(path) = app.path.clone() else {
        app.pending_alpha = Some(a);
        return vec![];
    };
    if app.exp.model.kind == ModelKind::Ols {
        app.status = Some((Level::Info, "OLS has no alpha".into()));
        return vec![];
    }
    if app.busy() {
        app.status = Some((
            Level::Info,
            "wait for the running fit, then type the alpha".into(),
        ));
        return vec![];
    }
    let i = nearest_index(&path.alphas, a);
    app.cursor_touched = true;
    app.dirty = true;
    if ((path.alphas[i] - a) / a).abs() < 1e-9 {
        set_idx(app, i);
        return vec![];
    }
    app.idx = i;
    let warm = (i < path.coef_std.nrows()).then(|| path.coef_std.row(i).to_vec());
    let id = next_id(app);
    app.job = JobState::Running {
        id,
        progress: None,
        point: true,
    };
    vec![Effect::Submit(Job {
        id,
        kind: JobKind::Point {
            exp: Box::new(app.exp.clone()),
            alpha: a,
            warm,
        },
    })]
}

fn usable(c: &crate::data::ColumnInfo) -> bool {
    !matches!(c.kind, crate::data::ColumnKind::Other(_))
}

fn open_picker(app: &App) -> Picker {
    let target = app
        .info
        .as_ref()
        .map(|i| i.target.clone())
        .unwrap_or_else(|| app.exp.data.target.clone());
    let feats = app.names();
    let included = app
        .columns
        .iter()
        .map(|c| {
            c.name != target
                && usable(c)
                && feats
                    .iter()
                    .any(|f| *f == c.name || f.starts_with(&format!("{}_", c.name)))
        })
        .collect();
    Picker {
        cursor: 0,
        target,
        included,
        touched: false,
    }
}

fn on_picker(app: &mut App, action: Action) -> Vec<Effect> {
    let n = app.columns.len();
    let Overlay::Picker(pk) = &mut app.overlay else {
        return vec![];
    };
    match action {
        Action::SelectUp => pk.cursor = pk.cursor.saturating_sub(1),
        Action::SelectDown => pk.cursor = (pk.cursor + 1).min(n.saturating_sub(1)),
        Action::ToggleItem => {
            if let Some(c) = app.columns.get(pk.cursor)
                && usable(c)
                && c.name != pk.target
            {
                pk.included[pk.cursor] = !pk.included[pk.cursor];
                pk.touched = true;
            }
        }
        Action::SetTarget => {
            if let Some(c) = app.columns.get(pk.cursor)
                && matches!(
                    c.kind,
                    crate::data::ColumnKind::Numeric | crate::data::ColumnKind::Boolean
                )
            {
                pk.target = c.name.clone();
                pk.included[pk.cursor] = false;
            }
        }
        Action::Back => app.overlay = Overlay::None,
        Action::Redraw => return vec![Effect::Redraw],
        Action::ForceQuit => return vec![Effect::Quit],
        Action::Accept => {
            let pk = pk.clone();
            app.overlay = Overlay::None;
            let features: Vec<String> = app
                .columns
                .iter()
                .zip(&pk.included)
                .filter(|(c, inc)| **inc && c.name != pk.target)
                .map(|(c, _)| c.name.clone())
                .collect();
            if pk.touched && features.is_empty() {
                app.set_status(Level::Error, "choose at least one feature");
                return vec![];
            }
            let new_features = if pk.touched { Some(features) } else { None };
            let target_changed = pk.target != app.exp.data.target;
            if !target_changed && (!pk.touched || new_features == app.exp.data.features) {
                return vec![];
            }
            app.exp.data.target = pk.target;
            if pk.touched || target_changed {
                app.exp.data.features = new_features;
            }
            return changed(app);
        }
        _ => {}
    }
    vec![]
}
