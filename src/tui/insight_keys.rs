//! The compare (`p`) and stability (`b`) views: starting their jobs, taking their
//! results, and their keys. Pure, like `update`.

use std::sync::Arc;

use super::action::{Action, pane_actions};
use super::app::{App, CompareView, JobState, Level, Overlay, StabilityView};
use super::insight::{Comparison, StabilityReport};
use super::update::{Effect, changed, next_id};
use super::worker::{Job, JobKind};
use crate::solver::ModelKind;
use crate::solver::compare::{DEFAULT_L1_RATIOS, kind_for_l1_ratio};

/// Submit a heavy analysis once a fit is on screen and nothing runs.
fn start(app: &mut App, key: char, kind: JobKind) -> Vec<Effect> {
    if app.busy() {
        app.set_status(
            Level::Info,
            format!("wait for the running job (Esc cancels it), then press {key}"),
        );
        return vec![];
    }
    if app.path.is_none() {
        app.set_status(Level::Info, "no fit yet: load a table first");
        return vec![];
    }
    let id = next_id(app);
    app.job = JobState::Running {
        id,
        progress: None,
        point: false,
    };
    vec![Effect::Submit(Job { id, kind })]
}

/// `p`: cross-validate ridge, three elastic nets and the lasso on the fit's folds.
pub fn start_compare(app: &mut App) -> Vec<Effect> {
    let kind = JobKind::Compare {
        exp: Box::new(app.exp.clone()),
        ratios: DEFAULT_L1_RATIOS.to_vec(),
    };
    start(app, 'p', kind)
}

/// `b`: stability selection of the model on screen.
pub fn start_stability(app: &mut App) -> Vec<Effect> {
    if !matches!(app.exp.model.kind, ModelKind::Lasso | ModelKind::ElasticNet) {
        app.set_status(
            Level::Info,
            format!(
                "stability selection needs a model that selects features, not {}: M or ] moves to the lasso or the elastic net",
                app.model_label()
            ),
        );
        return vec![];
    }
    let kind = JobKind::Stability {
        exp: Box::new(app.exp.clone()),
    };
    start(app, 'b', kind)
}

/// The worker's comparison: open the view on the model on screen (else the best).
pub fn compared(app: &mut App, c: Result<Arc<Comparison>, String>) {
    app.job = JobState::Idle;
    match c {
        Ok(data) => {
            let rho = app.exp.model.effective_l1_ratio();
            let cursor = data
                .models
                .iter()
                .position(|m| m.summary.kind == app.exp.model.kind && m.summary.l1_ratio == rho)
                .or(data.best)
                .unwrap_or(0);
            app.overlay = Overlay::Compare(CompareView { data, cursor });
        }
        Err(e) => app.set_status(Level::Warning, e),
    }
}

/// The worker's stability selection: open the view on the most stable feature.
pub fn stabilized(app: &mut App, r: Result<Arc<StabilityReport>, String>) {
    app.job = JobState::Idle;
    match r {
        Ok(data) => app.overlay = Overlay::Stability(StabilityView { data, cursor: 0 }),
        Err(e) => app.set_status(Level::Warning, e),
    }
}

/// Keys of the compare view: choose a row, adopt it (a refit; the path on screen stays
/// dimmed behind the new one), close.
pub fn on_compare(app: &mut App, action: Action) -> Vec<Effect> {
    let Overlay::Compare(v) = &mut app.overlay else {
        return vec![];
    };
    let last = v.data.models.len().saturating_sub(1);
    match action {
        Action::LineUp => v.cursor = v.cursor.saturating_sub(1),
        Action::LineDown => v.cursor = (v.cursor + 1).min(last),
        Action::Top => v.cursor = 0,
        Action::Bottom => v.cursor = last,
        Action::Back => app.overlay = Overlay::None,
        Action::Redraw => return vec![Effect::Redraw],
        Action::ForceQuit => return vec![Effect::Quit],
        Action::Accept => {
            let Some(m) = v.data.models.get(v.cursor) else {
                return vec![];
            };
            let r = m.summary.l1_ratio;
            app.overlay = Overlay::None;
            let kind = kind_for_l1_ratio(r);
            let l1 = (kind == ModelKind::ElasticNet).then_some(r);
            if app.exp.model.kind == kind
                && (kind != ModelKind::ElasticNet || app.exp.model.l1_ratio == l1)
            {
                app.set_status(Level::Info, "that model is on screen already");
                return vec![];
            }
            app.exp.model.kind = kind;
            app.exp.model.l1_ratio = l1;
            let eff = changed(app);
            app.set_status(
                Level::Info,
                format!(
                    "adopted {} (l1_ratio {}): the previous path stays dimmed behind",
                    kind.name(),
                    crate::fmt::num_sig(r, 3)
                ),
            );
            return eff;
        }
        pane_actions!()
        | Action::ToggleItem
        | Action::SetTarget
        | Action::PageUp
        | Action::PageDown
        | Action::SelectAll
        | Action::SelectNone
        | Action::ListFilter
        | Action::Decrease
        | Action::Increase => {}
    }
    vec![]
}

/// Keys of the stability view: choose a feature, select it in the panes, close.
pub fn on_stability(app: &mut App, action: Action, page: usize) -> Vec<Effect> {
    let Overlay::Stability(v) = &mut app.overlay else {
        return vec![];
    };
    let last = v.data.features.len().saturating_sub(1);
    match action {
        Action::LineUp => v.cursor = v.cursor.saturating_sub(1),
        Action::LineDown => v.cursor = (v.cursor + 1).min(last),
        Action::PageUp => v.cursor = v.cursor.saturating_sub(page.max(1)),
        Action::PageDown => v.cursor = (v.cursor + page.max(1)).min(last),
        Action::Top => v.cursor = 0,
        Action::Bottom => v.cursor = last,
        Action::Back => app.overlay = Overlay::None,
        Action::Redraw => return vec![Effect::Redraw],
        Action::ForceQuit => return vec![Effect::Quit],
        Action::Accept => {
            let Some(j) = v.feature() else {
                return vec![];
            };
            // the stability view's features are the fit's, in the same order
            select_in_panes(app, j);
        }
        pane_actions!()
        | Action::ToggleItem
        | Action::SetTarget
        | Action::SelectAll
        | Action::SelectNone
        | Action::ListFilter
        | Action::Decrease
        | Action::Increase => {}
    }
    vec![]
}

/// Keys of the collinearity overlay that act on its cursor: choose a feature, select it
/// in the panes (its path is drawn bold). Scrolling is `update`'s.
pub fn on_collinearity(app: &mut App, action: Action) -> Vec<Effect> {
    let Overlay::Collinearity(v) = &mut app.overlay else {
        return vec![];
    };
    let last = v.data.d.columns.len().saturating_sub(1);
    match action {
        Action::LineUp => v.cursor = v.cursor.saturating_sub(1),
        Action::LineDown => v.cursor = (v.cursor + 1).min(last),
        Action::Accept => {
            let Some(&j) = v.data.d.columns.get(v.cursor) else {
                return vec![];
            };
            select_in_panes(app, j);
        }
        pane_actions!()
        | Action::Back
        | Action::Redraw
        | Action::ForceQuit
        | Action::ToggleItem
        | Action::SetTarget
        | Action::PageUp
        | Action::PageDown
        | Action::Top
        | Action::Bottom
        | Action::SelectAll
        | Action::SelectNone
        | Action::ListFilter
        | Action::Decrease
        | Action::Increase => {}
    }
    vec![]
}

/// Close the view and make feature `j` the panes' selection (clearing a filter that
/// would hide it).
fn select_in_panes(app: &mut App, j: usize) {
    let name = app.names().get(j).cloned().unwrap_or_default();
    app.overlay = Overlay::None;
    app.selected = j;
    if app.shown_selected().is_none() {
        app.filter.clear();
    }
    app.set_status(Level::Info, format!("{name} selected in the panes"));
}
