//! The two header lines (dataset, model, alpha, fit stats; worker state, warnings,
//! config) and the footer of keys generated from the keymap.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use super::put_str;
use crate::solver::ModelKind;
use crate::tui::app::{App, Level};
use crate::tui::axis::num;
use crate::tui::keymap::footer_items;

/// Header line 1: what is fitted and how well, at the cursor; a compact form when the
/// full one does not fit in `width`.
pub fn line1(app: &App, width: u16) -> String {
    let full = line1_form(app, false);
    if full.chars().count() <= usize::from(width) {
        full
    } else {
        line1_form(app, true)
    }
}

fn line1_form(app: &App, compact: bool) -> String {
    let g = &app.glyphs;
    let mut parts: Vec<String> = Vec::new();
    match &app.info {
        Some(i) => {
            let mut name = std::path::Path::new(&i.source)
                .file_name()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| i.source.clone());
            if compact {
                name = name.trim_end_matches(" (embedded)").to_string();
            }
            let mut s = format!("{name} {}{}{}", i.n, g.times, i.p);
            if i.rows_dropped > 0 {
                if compact {
                    s.push_str(&format!(" (-{})", i.rows_dropped));
                } else {
                    s.push_str(&format!(" ({} rows dropped)", i.rows_dropped));
                }
            }

            parts.push(s);
        }
        None => parts.push(app.source.display()),
    }
    parts.push(app.model_label().to_string());
    let kind = app.exp.model.kind;
    if kind != ModelKind::Ols {
        match app.alpha() {
            Some(a) => {
                let mut s = format!("{} {}", g.alpha, num(a));
                if app.point.is_some() {
                    s.push_str(" (typed)");
                }
                if app.exp.model.effective_l1_ratio() == 0.0
                    && let Some(i) = &app.info
                {
                    let eq = if compact {
                        "~Ridge"
                    } else {
                        " = sklearn Ridge"
                    };
                    s.push_str(&format!("{eq}(alpha={})", num(a * i.n as f64)));
                }
                parts.push(s);
            }
            None => parts.push(format!("{} -", g.alpha)),
        }
        let l1 = if compact { "l1" } else { "l1_ratio" };
        parts.push(format!("{l1} {}", num(app.exp.model.effective_l1_ratio())));
    }
    if let Some((k, p, r2)) = app.point_stats() {
        parts.push(format!(
            "{} {k}/{p}",
            if compact { "nz" } else { "nonzero" }
        ));
        let cvl = if compact { "CV" } else { "CV MSE" };
        match app.cv_at_cursor() {
            Some((mu, se)) if compact => {
                parts.push(format!("{cvl} {}{}{}", num(mu), g.pm, num(se)))
            }
            Some((mu, se)) => parts.push(format!("{cvl} {} {} {}", num(mu), g.pm, num(se))),
            None => parts.push(format!("{cvl} -")),
        }
        parts.push(format!("{} {}", g.r2, num((r2 * 1000.0).round() / 1000.0)));
    }
    let sep = if compact { g.sep.trim() } else { g.sep };
    format!(" {}", parts.join(sep))
}

/// Header line 2: worker state, staleness, warnings, config, the last message.
pub fn line2(app: &App) -> (String, Option<(Level, String)>) {
    let g = &app.glyphs;
    let mut parts = Vec::new();
    let w = app.worker_text();
    if app.busy() {
        let sp = g.spinner[app.spinner % g.spinner.len()];
        parts.push(format!("{sp} {w}"));
    } else {
        parts.push(w);
    }
    if app.path_stale() || app.cv_stale() {
        parts.push("stale".into());
    }
    if let Some(i) = &app.info {
        parts.push(format!("target {}", i.target));
    }
    let n = app.warning_count();
    parts.push(format!("warnings {n}{}", if n > 0 { " (E)" } else { "" }));
    parts.push(format!("config {}", app.config_name()));
    (format!(" {}", parts.join(g.sep)), app.status.clone())
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    if area.height == 0 {
        return;
    }
    buf.set_style(Rect::new(area.x, area.y, area.width, 1), t.status());
    put_str(
        buf,
        area.x,
        area.y,
        &line1(app, area.width),
        area.width,
        t.status(),
    );
    if area.height < 2 {
        return;
    }
    let (s, msg) = line2(app);
    let y = area.y + 1;
    put_str(buf, area.x, y, &s, area.width, t.plain());
    if let Some((level, text)) = msg {
        let used = s.chars().count() as u16;
        if used + 3 < area.width {
            let (prefix, style) = match level {
                Level::Error => ("error: ", t.error()),
                Level::Warning => ("! ", t.warn()),
                Level::Info => ("", t.plain()),
            };
            let x = area.x + used;
            let sep = app.glyphs.sep;
            put_str(buf, x, y, sep, area.width - used, t.plain());
            let x2 = x + sep.chars().count() as u16;
            put_str(
                buf,
                x2,
                y,
                &format!("{prefix}{text}"),
                area.width.saturating_sub(x2 - area.x),
                style,
            );
        }
    }
}

pub fn footer(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let mut x = area.x;
    let end = area.x + area.width;
    for (key, name) in footer_items() {
        let need = (key.chars().count() + name.len() + 2) as u16;
        if x + need > end {
            break;
        }
        put_str(buf, x, area.y, &key, end - x, t.title().patch(Style::new()));
        x += key.chars().count() as u16 + 1;
        put_str(buf, x, area.y, name, end - x, t.dim());
        x += name.len() as u16 + 1;
    }
}
