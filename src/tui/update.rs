//! `update`: the only place state changes. Pure: no I/O, no threads, no terminal.
//! It returns effects that `run()` executes (submit a job, cancel, save, export, reload, quit).

use std::path::PathBuf;

use crate::config::Experiment;
use crate::solver::ModelKind;
use crate::workflow::DataSource;

use super::action::Action;
use super::app::{
    App, Ghost, JobState, Level, Overlay, Pane, Picker, PointFit, Prompt, PromptKind, SortBy,
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
    /// `Effect::Save` found the config changed on disk since it was loaded or saved
    SaveConflict(PathBuf),
    /// SIGHUP or SIGTERM arrived (`run` handles it before `update`)
    Signal(i32),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Submit(Job),
    Cancel,
    /// write the config; `force`: even if it changed on disk since it was read
    Save(PathBuf, Box<Experiment>, bool),
    /// write the charts and the coefficient table of the view on screen
    Export(Box<ExportJob>),
    Reload(PathBuf),
    /// the recovered experiment was opened: remove its file
    DropRecovery(PathBuf),
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
            clamp_scroll(app);
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
            app.confirm_overwrite = false;
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
            app.pending_point = None;
            app.cursor_touched = exp.model.alpha.is_some();
            app.exp = exp;
            app.source = source;
            app.dirty = false;
            app.config_error = false;
            app.load_error = None;
            app.set_status(Level::Info, "reloaded");
            vec![submit_fit(app, true)]
        }
        Msg::Reloaded(Err(e)) => {
            app.load_error = Some(e.clone());
            app.set_status(Level::Error, e);
            vec![]
        }
        Msg::Signal(_) => vec![],
        Msg::SaveConflict(path) => {
            app.confirm_overwrite = true;
            app.set_status(
                Level::Warning,
                // the file name, not the whole path: the advice must fit on the line
                format!(
                    "{} changed on disk since it was loaded: w again overwrites it, \
                     W saves elsewhere, r reloads it (dropping your changes)",
                    path.file_name().map_or_else(
                        || path.display().to_string(),
                        |f| f.to_string_lossy().to_string()
                    )
                ),
            );
            vec![]
        }
        Msg::Panic(m) => {
            app.set_status(Level::Error, format!("internal error: {m}"));
            vec![]
        }
    }
}

/// The first job: load and fit.
pub fn start(app: &mut App) -> Vec<Effect> {
    vec![submit_fit(app, true)]
}

pub(super) fn next_id(app: &mut App) -> u64 {
    app.last_id += 1;
    app.last_id
}

fn submit_fit(app: &mut App, reload: bool) -> Effect {
    let id = next_id(app);
    app.fit_id = id;
    app.point = None;
    app.load_error = None;
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
            stats: app.stats.clone(),
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
            // a new model or mix on the same features: the old path stays as a ghost
            let mix_changed = app.path.as_ref().is_some_and(|old| {
                old.kind != path.kind || (old.l1_ratio - path.l1_ratio).abs() > 1e-12
            });
            if names_changed {
                app.ghost = None;
            } else if mix_changed && let Some(old) = app.path.take() {
                app.ghost = Some(Ghost {
                    path: old,
                    cv: app.cv.take(),
                });
            }
            app.info = Some(info);
            app.path = Some(path);
            app.path_id = id;
            app.cv = None;
            app.load_error = None;
            let pending = app.pending_alpha.take();
            let target = pending.or(before);
            if let Some(a) = target {
                let alphas = app.path.as_ref().map_or(&[][..], |p| &p.alphas);
                app.idx = nearest_index(alphas, a);
                // a config's alpha off the grid is fitted as such once the CV is done
                if let Some(a) = pending
                    && app.exp.model.kind != ModelKind::Ols
                    && alphas
                        .get(app.idx)
                        .is_some_and(|g| ((g - a) / a).abs() >= 1e-9)
                {
                    app.pending_point = Some(a);
                }
            }
            app.idx = app.idx.min(app.grid_len().saturating_sub(1));
            fix_selection(app);
        }
        WorkerMsg::CvReady(_, cv) => {
            let names = app.names().to_vec();
            for (k, w) in &cv.warnings {
                app.push_log(Level::Warning, format!("fold {k}: {}", w.describe(&names)));
            }
            if !app.cursor_touched && cv.cv_mean.len() == app.grid_len() {
                app.idx = cv.index_min;
            }
            let edge = edge_warning(app, &cv);
            app.cv = Some(cv);
            app.cv_id = id;
            app.job = JobState::Idle;
            if std::mem::take(&mut app.select_first_pending)
                && let Some(&j) = app.visible_features().first()
            {
                app.selected = j;
            }
            fix_selection(app);
            if let Some(w) = edge {
                app.set_status(Level::Warning, w);
            }
            if let Some(a) = app.pending_point.take() {
                // restoring a config's alpha is not an edit
                let was = app.dirty;
                let eff = type_alpha(app, a);
                app.dirty = was;
                return eff;
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
        WorkerMsg::Diagnosed(_, d) => {
            app.job = JobState::Idle;
            match d {
                Ok(d) => {
                    app.overlay =
                        Overlay::Collinearity(super::app::CollinearityView { data: d, cursor: 0 });
                    app.scroll = 0;
                }
                Err(e) => app.set_status(Level::Info, e),
            }
        }
        WorkerMsg::Compared(_, c) => super::insight_keys::compared(app, c),
        WorkerMsg::Stabilized(_, r) => super::insight_keys::stabilized(app, r),
        WorkerMsg::Failed(_, e) => {
            app.load_error = Some(e.clone());
            app.set_status(Level::Error, e);
            app.job = JobState::Idle;
        }
        WorkerMsg::Cancelled(_) => {
            app.job = JobState::Idle;
            // a typed alpha was cancelled: the cursor is back on the grid
            app.pending_point = None;
        }
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

/// A warning when alpha_min sits at an end of the grid: the CV minimum may lie outside.
fn edge_warning(app: &App, cv: &crate::solver::CvResult) -> Option<String> {
    let m = cv.cv_mean.len();
    if m < 2 || app.exp.model.kind == ModelKind::Ols || m != app.grid_len() {
        return None;
    }
    let how = if app.exp.path.alphas.is_some() {
        "add smaller alphas to path.alphas"
    } else {
        "x extends the grid (or lower path.eps)"
    };
    if cv.index_min == m - 1 {
        Some(format!(
            "alpha_min is the smallest alpha of the grid: the CV minimum may lie below; {how}"
        ))
    } else if cv.index_min == 0 {
        Some(
            "alpha_min is the largest alpha of the grid: no penalty level beat the null model"
                .into(),
        )
    } else {
        None
    }
}

/// Keep the selection on a shown feature: the first shown one when the filter hides it.
fn fix_selection(app: &mut App) {
    if app.shown_selected().is_none()
        && let Some(&j) = app.visible_features().first()
    {
        app.selected = j;
    }
}

fn on_key(app: &mut App, key: Key) -> Vec<Effect> {
    if key == Key::Ctrl('c') {
        return vec![Effect::Quit];
    }
    if let Overlay::Prompt(_) = app.overlay {
        return on_prompt_key(app, key);
    }
    if let Overlay::Picker(pk) = &mut app.overlay
        && pk.typing
    {
        match key {
            Key::Char(c) => pk.filter.push(c),
            Key::Backspace => {
                pk.filter.pop();
            }
            Key::Ctrl('u') => pk.filter.clear(),
            Key::Esc | Key::Enter => pk.typing = false,
            _ => {}
        }
        let listed = pk.listed(&app.columns);
        if !listed.contains(&pk.cursor)
            && let Some(&i) = listed.first()
        {
            pk.cursor = i;
        }
        return vec![];
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
    let overwrite = std::mem::replace(&mut app.confirm_overwrite, false);
    match app.mode() {
        super::keymap::Mode::Picker => on_picker(app, action),
        super::keymap::Mode::Settings => super::settings::on_settings(app, action),
        super::keymap::Mode::Compare => super::insight_keys::on_compare(app, action),
        super::keymap::Mode::Collinearity
            if matches!(action, Action::LineUp | Action::LineDown | Action::Accept) =>
        {
            let eff = super::insight_keys::on_collinearity(app, action);
            follow_cursor(app);
            eff
        }
        super::keymap::Mode::Stability => {
            let n = match &app.overlay {
                Overlay::Stability(v) => v.data.features.len(),
                _ => 0,
            };
            let page = super::view::stability::page(app.size.0, app.size.1, n);
            super::insight_keys::on_stability(app, action, page)
        }
        super::keymap::Mode::Help
        | super::keymap::Mode::Log
        | super::keymap::Mode::Collinearity
            if matches!(
                action,
                Action::LineUp
                    | Action::LineDown
                    | Action::PageUp
                    | Action::PageDown
                    | Action::Top
                    | Action::Bottom
            ) =>
        {
            scroll(app, action);
            vec![]
        }
        _ if action == Action::Save && overwrite => match app.config_path.clone() {
            Some(p) => vec![save_effect(app, p, true)],
            None => act(app, action, confirm),
        },
        _ => act(app, action, confirm),
    }
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
            app.set_status(Level::Warning, "unsaved changes: q again quits, w saves");
        }
        Action::ForceQuit => return vec![Effect::Quit],
        Action::Help => {
            app.scroll = 0;
            app.overlay = Overlay::Help;
        }
        Action::Collinearity => {
            if app.busy() {
                app.set_status(Level::Info, "wait for the running fit, then press c");
            } else if app.path.is_none() {
                app.set_status(Level::Info, "no fit yet: nothing to diagnose");
            } else {
                let id = next_id(app);
                app.job = JobState::Running {
                    id,
                    progress: None,
                    point: false,
                };
                return vec![Effect::Submit(Job {
                    id,
                    kind: JobKind::Diagnose,
                })];
            }
        }
        Action::Compare => return super::insight_keys::start_compare(app),
        Action::Stability => return super::insight_keys::start_stability(app),
        Action::Log => {
            // the newest entries first in view: open at the bottom
            app.overlay = Overlay::Log;
            app.scroll = usize::MAX;
            clamp_scroll(app);
        }
        Action::Back => app.overlay = Overlay::None,
        Action::Redraw => return vec![Effect::Redraw],
        Action::Escape => {
            if app.busy() {
                app.job = JobState::Idle;
                app.set_status(
                    Level::Warning,
                    "fit cancelled: the panes show the last result (r refits)",
                );
                return vec![Effect::Cancel];
            } else if !app.filter.is_empty() {
                app.filter.clear();
                fix_selection(app);
            } else {
                app.clear_status();
            }
        }
        Action::NextPane | Action::PrevPane => {
            use super::view::{Tier, tier};
            let order: &[Pane] =
                if matches!(tier(app.size.0, app.size.1), Tier::Wide | Tier::Medium) {
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
                None => app.set_status(Level::Info, "no CV result yet"),
            }
        }
        Action::L1Up | Action::L1Down => {
            let kind = app.exp.model.kind;
            let rho = app.exp.model.effective_l1_ratio();
            let up = action == Action::L1Up;
            // ridge (and OLS) sit at l1_ratio 0, lasso at 1: going past an end is a no-op
            // with a word, and reaching an end lands on that model, not on "elastic net 0"
            if (!up && rho <= 0.0) || (up && kind == ModelKind::Lasso) {
                let what = if up {
                    "lasso is l1_ratio 1, the top: [ moves towards ridge"
                } else {
                    "l1_ratio is 0 (ridge) already: ] moves towards lasso"
                };
                app.set_status(Level::Info, what);
                return vec![];
            }
            let d = if up { 0.05 } else { -0.05 };
            let new = ((rho + d).clamp(0.0, 1.0) * 100.0).round() / 100.0;
            if new <= 0.0 {
                set_kind(app, ModelKind::Ridge);
            } else if new >= 1.0 {
                set_kind(app, ModelKind::Lasso);
            } else {
                app.exp.model.kind = ModelKind::ElasticNet;
                app.exp.model.l1_ratio = Some(new);
            }
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
            // empty, so typing never appends to a prefilled value; the current alpha
            // is in the header
            app.overlay = Overlay::Prompt(Prompt {
                kind: PromptKind::Alpha,
                text: String::new(),
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
            Some(p) if !app.config_error => return vec![save_effect(app, p, false)],
            _ => return act(app, Action::SaveAs, false),
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
            if let Some(file) = &app.stats {
                app.set_status(
                    Level::Info,
                    format!(
                        "{} fixes the target and features; regscope stats --out writes statistics for others",
                        file.display()
                    ),
                );
            } else if app.columns.is_empty() {
                app.set_status(Level::Info, "no table loaded yet");
            } else {
                app.overlay = Overlay::Picker(open_picker(app));
            }
        }
        Action::ExtendGrid => return extend_grid(app),
        Action::Settings => {
            app.overlay = Overlay::Settings(super::app::Settings {
                cursor: 0,
                draft: app.exp.clone(),
            })
        }
        Action::Restore => match app.recovery.take() {
            Some((file, exp)) => {
                let source = if exp.data.path == crate::workflow::EMBEDDED_NAME {
                    DataSource::Embedded
                } else {
                    DataSource::File(PathBuf::from(&exp.data.path))
                };
                let mut eff = update(app, Msg::Reloaded(Ok((exp, source))));
                app.dirty = true;
                app.config_path = None;
                app.set_status(
                    Level::Info,
                    "opened the recovered experiment: w saves it".to_string(),
                );
                eff.push(Effect::DropRecovery(file));
                return eff;
            }
            None => {
                app.set_status(Level::Info, "no recovered experiment to open");
            }
        },
        // not bound in this mode (see keymap.rs), or no grid to move on
        crate::tui::action::list_actions!()
        | Action::Accept
        | Action::LineUp
        | Action::LineDown
        | Action::Decrease
        | Action::Increase
        | Action::AlphaSmallest
        | Action::AlphaLargest => {}
    }
    vec![]
}

/// Extend the computed grid one decade below its smallest alpha, at the same density.
fn extend_grid(app: &mut App) -> Vec<Effect> {
    if app.exp.model.kind == ModelKind::Ols {
        app.set_status(Level::Info, "OLS has no alpha grid");
        return vec![];
    }
    if app.exp.path.alphas.is_some() {
        app.set_status(
            Level::Info,
            "the grid is the config's path.alphas: add smaller alphas there",
        );
        return vec![];
    }
    let Some(path) = app.path.as_ref().filter(|p| p.alphas.len() >= 2) else {
        app.set_status(Level::Info, "no grid yet");
        return vec![];
    };
    let (hi, lo) = (path.alphas[0], path.alphas[path.alphas.len() - 1]);
    let old = app.exp.path.eps.unwrap_or(lo / hi);
    let new = old * 0.1;
    if !(old > 0.0 && old < 1.0 && new > 1e-12) {
        app.set_status(
            Level::Warning,
            "the grid already reaches 1e-12 of alpha_max: not extended",
        );
        return vec![];
    }
    let decades = -old.log10();
    let n = app.exp.path.n_alphas as f64;
    app.exp.path.eps = Some(new);
    app.exp.path.n_alphas = ((n * (decades + 1.0) / decades).round() as usize).clamp(2, 1000);
    let eff = changed(app);
    app.set_status(
        Level::Info,
        format!(
            "grid extended: path.eps = {}, n_alphas = {} (refitting)",
            crate::tui::axis::num(new),
            app.exp.path.n_alphas
        ),
    );
    eff
}

/// Move the help or log view; clamped to its content at the current size.
fn scroll(app: &mut App, action: Action) {
    let page = usize::from(app.size.1.saturating_sub(8)).max(1);
    app.scroll = match action {
        Action::LineUp => app.scroll.saturating_sub(1),
        Action::LineDown => app.scroll.saturating_add(1),
        Action::PageUp => app.scroll.saturating_sub(page),
        Action::PageDown => app.scroll.saturating_add(page),
        Action::Top => 0,
        _ => usize::MAX,
    };
    clamp_scroll(app);
}

/// Scroll the collinearity overlay so that its cursor's row is on screen.
fn follow_cursor(app: &mut App) {
    let Overlay::Collinearity(v) = &app.overlay else {
        return;
    };
    let (w, h) = app.size;
    let line = super::view::overlays::collinearity_row(&v.data, v.cursor);
    let shown = super::view::overlays::scroll_height(w, h).max(1);
    if line < app.scroll {
        app.scroll = line;
    } else if line >= app.scroll + shown {
        app.scroll = line + 1 - shown;
    }
    clamp_scroll(app);
}

fn clamp_scroll(app: &mut App) {
    let (w, h) = app.size;
    let max = super::view::overlays::max_scroll(app, w, h);
    app.scroll = app.scroll.min(max);
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

/// The experiment changed in a way that needs a refit. The new fit's grid is another
/// scale: the cursor lands on its alpha_min again.
pub(super) fn changed(app: &mut App) -> Vec<Effect> {
    app.dirty = true;
    app.clear_status();
    app.cursor_touched = false;
    app.pending_point = None;
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

fn save_effect(app: &mut App, path: PathBuf, force: bool) -> Effect {
    let mut exp = app.exp.clone();
    exp.model.alpha = if exp.model.kind == ModelKind::Ols {
        None
    } else {
        app.alpha()
    };
    Effect::Save(path, Box::new(exp), force)
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
                fix_selection(app);
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
        fix_selection(app);
    }
    vec![]
}

fn accept_prompt(app: &mut App, p: Prompt) -> Vec<Effect> {
    match p.kind {
        PromptKind::Filter => {
            app.filter = p.text;
            fix_selection(app);
        }
        PromptKind::SaveAs => {
            let t = p.text.trim();
            if t.is_empty() {
                app.set_status(Level::Warning, "no file name: not saved");
            } else {
                return vec![save_effect(app, PathBuf::from(t), false)];
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
        app.set_status(Level::Info, "OLS has no alpha");
        return vec![];
    }
    if app.busy() {
        app.set_status(Level::Info, "wait for the running fit, then type the alpha");
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
        filter: String::new(),
        typing: false,
    }
}

/// Rows of the picker list at the current size (the overlay's inner height less its
/// key line).
fn picker_page(app: &App) -> usize {
    usize::from(app.size.1.saturating_sub(3 + 2 + 2 + 1)).max(1)
}

fn on_picker(app: &mut App, action: Action) -> Vec<Effect> {
    let page = picker_page(app);
    let Overlay::Picker(pk) = &mut app.overlay else {
        return vec![];
    };
    let listed = pk.listed(&app.columns);
    let pos = listed.iter().position(|&i| i == pk.cursor).unwrap_or(0);
    let last = listed.len().saturating_sub(1);
    let move_to = |pk: &mut Picker, p: usize| {
        if let Some(&i) = listed.get(p.min(last)) {
            pk.cursor = i;
        }
    };
    match action {
        Action::LineUp => move_to(pk, pos.saturating_sub(1)),
        Action::LineDown => move_to(pk, pos + 1),
        Action::PageUp => move_to(pk, pos.saturating_sub(page)),
        Action::PageDown => move_to(pk, pos + page),
        Action::Top => move_to(pk, 0),
        Action::Bottom => move_to(pk, last),
        Action::ListFilter => pk.typing = true,
        Action::SelectAll | Action::SelectNone => {
            let on = action == Action::SelectAll;
            for &i in &listed {
                if let Some(c) = app.columns.get(i)
                    && usable(c)
                    && c.name != pk.target
                {
                    pk.included[i] = on;
                }
            }
            pk.touched = true;
        }
        Action::ToggleItem => {
            if let Some(c) = app.columns.get(pk.cursor) {
                if c.name == pk.target {
                    app.set_status(
                        Level::Info,
                        format!("'{}' is the target; t on another column changes it", c.name),
                    );
                } else if !usable(c) {
                    app.set_status(
                        Level::Info,
                        format!("'{}' cannot be a feature: {}", c.name, kind_name(c)),
                    );
                } else {
                    pk.included[pk.cursor] = !pk.included[pk.cursor];
                    pk.touched = true;
                    app.clear_status();
                }
            }
        }
        Action::SetTarget => {
            if let Some(c) = app.columns.get(pk.cursor) {
                if matches!(
                    c.kind,
                    crate::data::ColumnKind::Numeric | crate::data::ColumnKind::Boolean
                ) {
                    pk.target = c.name.clone();
                    pk.included[pk.cursor] = false;
                    pk.touched = true;
                    app.clear_status();
                } else {
                    app.set_status(
                        Level::Warning,
                        format!(
                            "'{}' cannot be the target: it is {}; the target must be numeric \
                             or boolean",
                            c.name,
                            kind_name(c)
                        ),
                    );
                }
            }
        }
        Action::Back => app.overlay = Overlay::None,
        Action::Redraw => return vec![Effect::Redraw],
        Action::ForceQuit => return vec![Effect::Quit],
        Action::Accept => {
            let pk = pk.clone();
            app.overlay = Overlay::None;
            if !pk.touched {
                return vec![];
            }
            // exactly what the picker shows: the ticked columns, never the target
            let features: Vec<String> = app
                .columns
                .iter()
                .zip(&pk.included)
                .filter(|(c, inc)| **inc && c.name != pk.target)
                .map(|(c, _)| c.name.clone())
                .collect();
            if features.is_empty() {
                app.set_status(Level::Error, "choose at least one feature");
                return vec![];
            }
            let same_features = app.names().len() == features.len()
                && app.exp.data.features.as_ref() == Some(&features);
            if pk.target == app.exp.data.target && same_features {
                return vec![];
            }
            app.exp.data.target = pk.target;
            app.exp.data.features = Some(features);
            return changed(app);
        }
        // the panes' actions and the other overlays' are not bound here (keymap.rs)
        crate::tui::action::pane_actions!() | Action::Decrease | Action::Increase => {}
    }
    vec![]
}

fn kind_name(c: &crate::data::ColumnInfo) -> String {
    match &c.kind {
        crate::data::ColumnKind::Numeric => "numeric".into(),
        crate::data::ColumnKind::Boolean => "boolean".into(),
        crate::data::ColumnKind::Text { levels } => format!("text ({levels} levels)"),
        crate::data::ColumnKind::Other(t) => format!("of type {t}, which regscope cannot use"),
    }
}
