//! `view(&App, &mut Frame)`: pure drawing from the state. Layout tiers:
//!
//! ```text
//! wide (>= 120x32)            medium (>= 80x20)          narrow            too small (< 40x10)
//! +--------- status ------+   +------ status -----+     +-- status --+    terminal too small:
//! | bars     | path       |   | bars  | path|cv  |     | one pane   |    need 40x10, have WxH
//! |          |------------|   |       | (Tab)   |     | (Tab)      |
//! |          | cv         |   |       |         |     |            |
//! +--------- footer ------+   +------ footer -----+     +-- footer --+
//! ```

pub mod coef_bars;
pub mod compare;
pub mod cv_chart;
pub mod overlays;
pub mod path_chart;
mod plot;
pub mod stability;
pub mod status;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::widgets::{Block, Widget};

use super::app::{App, Overlay, Pane, SortBy};
use coef_bars::CoefBars;

/// Which layout a size gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    Wide,
    Medium,
    Narrow,
    TooSmall,
}

pub fn tier(w: u16, h: u16) -> Tier {
    if w < super::app::MIN_W || h < super::app::MIN_H {
        Tier::TooSmall
    } else if w >= 120 && h >= 32 {
        Tier::Wide
    } else if w >= 80 && h >= 20 {
        Tier::Medium
    } else {
        Tier::Narrow
    }
}

/// Write at most `max_w` columns of `s` (clipped to the buffer).
pub fn put_str(buf: &mut Buffer, x: u16, y: u16, s: &str, max_w: u16, style: Style) {
    let area = buf.area;
    if y < area.y || y >= area.y + area.height || x >= area.x + area.width || max_w == 0 {
        return;
    }
    let w = max_w.min(area.x + area.width - x);
    buf.set_stringn(x, y, s, usize::from(w), style);
}

pub fn view(app: &App, frame: &mut Frame) {
    let area = frame.area();
    render(app, area, frame.buffer_mut());
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let tier = tier(area.width, area.height);
    if tier == Tier::TooSmall {
        overlays::too_small(app, area, buf);
        return;
    }
    let [head, body, foot] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    status::render(app, head, buf);
    match &app.overlay {
        Overlay::Prompt(p) => overlays::prompt(app, p, foot, buf),
        _ => status::footer(app, foot, buf),
    }
    match tier {
        Tier::Wide => {
            let [left, right] =
                Layout::horizontal([Constraint::Percentage(42), Constraint::Fill(1)]).areas(body);
            let [top, bottom] =
                Layout::vertical([Constraint::Percentage(55), Constraint::Fill(1)]).areas(right);
            pane(app, Pane::Bars, left, buf);
            pane(app, Pane::Path, top, buf);
            pane(app, Pane::Cv, bottom, buf);
        }
        Tier::Medium => {
            let [left, right] =
                Layout::horizontal([Constraint::Percentage(45), Constraint::Fill(1)]).areas(body);
            pane(app, Pane::Bars, left, buf);
            let p = if app.pane == Pane::Bars {
                Pane::Path
            } else {
                app.pane
            };
            pane(app, p, right, buf);
        }
        _ => pane(app, app.pane, body, buf),
    }
    match &app.overlay {
        Overlay::Help => overlays::help(app, body, buf),
        Overlay::Log => overlays::log(app, body, buf),
        Overlay::Picker(pk) => overlays::picker(app, pk, body, buf),
        Overlay::Settings(st) => overlays::settings(app, st, body, buf),
        Overlay::Collinearity(d) => overlays::collinearity(app, d, body, buf),
        Overlay::Compare(v) => compare::render(app, v, body, buf),
        Overlay::Stability(v) => stability::render(app, v, body, buf),
        // the prompt is drawn in the status line
        Overlay::None | Overlay::Prompt(_) => {}
    }
}

/// What a pane without a result says: the error and what to do, or that work is under way.
pub fn no_result(app: &App, area: Rect, buf: &mut Buffer) {
    use ratatui::widgets::{Paragraph, Wrap};
    let (text, style) = match &app.load_error {
        Some(e) => (
            format!(
                "Nothing to show: {e}\n\nWhat next: fix the file or the config and press r \
                 to reload; f picks other columns, S changes the settings; q quits."
            ),
            app.theme.error(),
        ),
        None if app.busy() => (
            format!("loading and fitting... ({})", app.worker_text()),
            app.theme.dim(),
        ),
        None => ("no result yet: r fits again".to_string(), app.theme.dim()),
    };
    Paragraph::new(text)
        .wrap(Wrap { trim: true })
        .style(style)
        .render(area, buf);
}

fn pane_title(app: &App, p: Pane) -> String {
    let stale = |s: bool| if s { " [stale]" } else { "" };
    match p {
        Pane::Bars => {
            let scale = if app.original_scale {
                "original"
            } else {
                "standardized"
            };
            let sort = match app.sort {
                SortBy::Magnitude => "|coef|",
                SortBy::Name => "name",
            };
            let filter = if app.filter.is_empty() {
                String::new()
            } else {
                format!(" filter '{}'", app.filter)
            };
            format!(
                "Coefficients ({scale}, by {sort}){filter}{}",
                stale(app.path_stale())
            )
        }
        Pane::Path => {
            // only a feature the filter shows
            let sel = app
                .shown_selected()
                .and_then(|j| app.names().get(j))
                .map(|n| format!(": {n}"))
                .unwrap_or_default();
            let arrow = if app.glyphs.ascii { "->" } else { "→" };
            // the dimmed previous path, and what changed at alpha_1se
            let ghost = app.ghost.as_ref().map_or(String::new(), |g| {
                let mix = if g.path.kind == crate::solver::ModelKind::ElasticNet {
                    format!(" {}", crate::fmt::num_sig(g.path.l1_ratio, 3))
                } else {
                    String::new()
                };
                let changes = app.ghost_changes().map_or(String::new(), |(inn, out)| {
                    let mut parts: Vec<String> = inn.iter().map(|n| format!("+{n}")).collect();
                    parts.extend(out.iter().map(|n| format!("-{n}")));
                    if parts.is_empty() {
                        " same 1se support".to_string()
                    } else {
                        format!(" 1se: {}", parts.join(" "))
                    }
                });
                format!(" | dim: {}{mix}{changes}", g.path.kind.name())
            });
            // with a ghost the axis note gives way to the list of changes
            let axis = if ghost.is_empty() {
                format!(" (log alpha {arrow})")
            } else {
                String::new()
            };
            format!("Path{axis}{sel}{ghost}{}", stale(app.path_stale()))
        }
        Pane::Cv => {
            let (m, s, tr) = (app.glyphs.mean, app.glyphs.vline, app.glyphs.train);
            let train = if app.show_train {
                format!(" {tr} train")
            } else {
                String::new()
            };
            let folds = app
                .cv_for_path()
                .map_or(String::new(), |c| format!("{}-fold ", c.folds));
            format!(
                "{folds}CV: {m} mean {s} {}1 SE{train}{}",
                app.glyphs.pm,
                stale(app.cv_stale() || (app.cv.is_none() && app.busy()))
            )
        }
    }
}

fn pane(app: &App, p: Pane, area: Rect, buf: &mut Buffer) {
    let block = Block::bordered()
        .border_set(app.glyphs.border)
        .border_style(app.theme.dim())
        .title(format!(" {} ", pane_title(app, p)))
        .title_style(app.theme.title());
    let inner = block.inner(area);
    block.render(area, buf);
    match p {
        Pane::Bars => (&CoefBars { app }).render(inner, buf),
        Pane::Path => path_chart::render(app, inner, buf),
        Pane::Cv => cv_chart::render(app, inner, buf),
    }
}
