//! The two header lines (dataset, model, alpha, fit stats; worker state, warnings,
//! config) and the footer of keys generated from the keymap.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use super::put_str;
use crate::solver::ModelKind;
use crate::tui::app::{App, Level};
use crate::tui::axis::{num, num_pm};
use crate::tui::keymap::footer_items;

/// Header line 1: what is fitted and how well, at the cursor. When the full form does
/// not fit in `width`, the compact one; when that does not fit either, whole fields are
/// dropped, least useful first: a number is never cut.
pub fn line1(app: &App, width: u16) -> String {
    let w = usize::from(width);
    let full = fields(app, false);
    let joined = join(app, &full, false);
    if joined.chars().count() <= w {
        return joined;
    }
    let mut fs = fields(app, true);
    loop {
        let s = join(app, &fs, true);
        if s.chars().count() <= w || fs.len() <= 1 {
            return s;
        }
        // drop the least important field (the first of the lowest priority)
        let Some(i) = fs
            .iter()
            .enumerate()
            .min_by_key(|(i, (p, _))| (*p, *i))
            .map(|(i, _)| i)
        else {
            return s;
        };
        fs.remove(i);
    }
}

fn join(app: &App, fs: &[(u8, String)], compact: bool) -> String {
    let sep = if compact {
        app.glyphs.sep.trim()
    } else {
        app.glyphs.sep
    };
    let parts: Vec<&str> = fs.iter().map(|(_, s)| s.as_str()).collect();
    format!(" {}", parts.join(sep))
}

/// The header's fields with their priorities (a higher one is kept longer).
fn fields(app: &App, compact: bool) -> Vec<(u8, String)> {
    let g = &app.glyphs;
    let mut f: Vec<(u8, String)> = Vec::new();
    match &app.info {
        Some(i) => {
            let mut name = std::path::Path::new(&i.source)
                .file_name()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| i.source.clone());
            if compact {
                name = name.trim_end_matches(" (embedded)").to_string();
            }
            f.push((6, format!("{name} {}{}{}", i.n, g.times, i.p)));
            if i.rows_dropped > 0 {
                f.push((
                    1,
                    if compact {
                        format!("-{} rows", i.rows_dropped)
                    } else {
                        format!("{} rows dropped", i.rows_dropped)
                    },
                ));
            }
        }
        None if app.config_error => {
            let name = app
                .config_path
                .as_ref()
                .map_or_else(String::new, |p| p.display().to_string());
            f.push((6, format!("config {name} not loaded")));
        }
        None if app.load_error.is_some() => {
            f.push((6, format!("{} not loaded", app.source.display())));
        }
        None => f.push((6, app.source.display())),
    }
    f.push((9, app.model_label().to_string()));
    let kind = app.exp.model.kind;
    if kind != ModelKind::Ols {
        match app.alpha() {
            Some(a) => {
                let mut s = format!("{} {}", g.alpha, num(a));
                if app.point.is_some() {
                    s.push_str(" (typed)");
                } else if let Some(mark) = app.cursor_mark() {
                    s.push_str(&format!(" ({mark})"));
                }
                f.push((10, s));
                if app.exp.model.effective_l1_ratio() == 0.0
                    && let Some(i) = &app.info
                {
                    let eq = if compact { "~Ridge" } else { "= sklearn Ridge" };
                    f.push((0, format!("{eq}(alpha={})", num(a * i.n as f64))));
                }
            }
            None => f.push((10, format!("{} -", g.alpha))),
        }
        let l1 = if compact { "l1" } else { "l1_ratio" };
        let prio = if kind == ModelKind::ElasticNet { 5 } else { 2 };
        f.push((
            prio,
            format!("{l1} {}", num(app.exp.model.effective_l1_ratio())),
        ));
    }
    if let Some((k, p, r2)) = app.point_stats() {
        f.push((
            4,
            format!("{} {k}/{p}", if compact { "nz" } else { "nonzero" }),
        ));
        let cvl = if compact { "CV" } else { "CV MSE" };
        let cv = app.cv_at_cursor();
        match cv.map(|(mu, se)| num_pm(mu, se)) {
            Some((mu, se)) if compact => f.push((8, format!("{cvl} {mu}{}{se}", g.pm))),
            Some((mu, se)) => f.push((8, format!("{cvl} {mu} {} {se}", g.pm))),
            None => f.push((8, format!("{cvl} -"))),
        }
        if let (Some((mu, _)), Some(var)) = (cv, app.y_variance()) {
            let r = 1.0 - mu / var;
            f.push((
                3,
                format!("CV {} {}", g.r2, num((r * 1000.0).round() / 1000.0)),
            ));
        }
        let train = if compact { "tr" } else { "train" };
        f.push((
            7,
            format!("{} {train} {}", g.r2, num((r2 * 1000.0).round() / 1000.0)),
        ));
    }
    f
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
    // no message: the data's notes (one-hot coding, renamed columns) where users look
    let msg = app.status().cloned().or_else(|| {
        let i = app.info.as_ref()?;
        let mut notes: Vec<String> = i.notes.clone();
        for c in &app.columns {
            if matches!(c.kind, crate::data::ColumnKind::Text { .. }) {
                let prefix = format!("{}_", c.name);
                let dummies: Vec<&str> = i
                    .features
                    .iter()
                    .filter(|f| f.starts_with(&prefix))
                    .map(String::as_str)
                    .collect();
                if !dummies.is_empty() {
                    notes.push(format!(
                        "'{}' one-hot coded as {}",
                        c.name,
                        dummies.join(", ")
                    ));
                }
            }
        }
        if i.rows_dropped > 0 {
            notes.push(format!(
                "{} rows with missing values dropped",
                i.rows_dropped
            ));
        }
        (!notes.is_empty()).then(|| (Level::Info, format!("notes: {}", notes.join("; "))))
    });
    (format!(" {}", parts.join(g.sep)), msg)
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

/// The footer's items that fit in `width`: when not all do, the least needed are
/// left out first, so `f columns  w save  q quit` stay at 80 columns.
pub fn footer_fit(width: u16) -> Vec<(String, &'static str)> {
    let mut items: Vec<(usize, (String, &'static str))> =
        footer_items().into_iter().enumerate().collect();
    let need = |items: &[(usize, (String, &'static str))]| -> usize {
        items
            .iter()
            .map(|(_, (k, n))| k.chars().count() + n.len() + 2)
            .sum()
    };
    // the order in which items go when the line is short
    const DROP: [&str; 13] = [
        "settings", "l1-", "l1+", "1se", "filter", "model", "min", "alpha-", "alpha+", "help",
        "columns", "save", "quit",
    ];
    for name in DROP {
        if need(&items) <= usize::from(width) {
            break;
        }
        items.retain(|(_, (_, n))| *n != name);
    }
    items.into_iter().map(|(_, it)| it).collect()
}

pub fn footer(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let mut x = area.x;
    let end = area.x + area.width;
    for (key, name) in footer_fit(area.width) {
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
