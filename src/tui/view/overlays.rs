//! Help (generated from the keymap), the log, the column picker, the text prompt and
//! the too-small notice.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::widgets::{Block, Clear, Paragraph, Widget, Wrap};

use super::put_str;
use crate::data::ColumnKind;
use crate::tui::app::{
    App, CollinearityView, Level, MIN_H, MIN_W, Overlay, Picker, Prompt, PromptKind, Settings,
};
use crate::tui::axis::num_sig;
use crate::tui::keymap::{HELP_MODES, help_rows};
use crate::tui::settings::FIELDS;
use crate::tui::worker::Diagnosis;

pub(super) fn boxed(app: &App, area: Rect, title: &str, buf: &mut Buffer) -> Rect {
    Clear.render(area, buf);
    let block = Block::bordered()
        .border_set(app.glyphs.border)
        .title(format!(" {title} "))
        .title_style(app.theme.title());
    let inner = block.inner(area);
    block.render(area, buf);
    inner
}

fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// The body of the main layout at a screen size (between header and footer).
pub(super) fn body_of(w: u16, h: u16) -> Rect {
    Rect::new(0, 2, w, h.saturating_sub(3))
}

fn help_rect(area: Rect) -> Rect {
    centered(
        area,
        area.width.saturating_sub(4).min(110),
        area.height.saturating_sub(2),
    )
}

pub(super) fn log_rect(area: Rect) -> Rect {
    centered(
        area,
        area.width.saturating_sub(4),
        area.height.saturating_sub(2),
    )
}

pub(super) fn inner_of(r: Rect) -> Rect {
    Rect::new(
        r.x.saturating_add(1),
        r.y.saturating_add(1),
        r.width.saturating_sub(2),
        r.height.saturating_sub(2),
    )
}

/// Greedy word wrap to `w` columns (words longer than a line are cut into pieces).
pub fn wrap(text: &str, w: usize) -> Vec<String> {
    let w = w.max(1);
    let mut out = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        while word.len() > w {
            if !line.is_empty() {
                out.push(std::mem::take(&mut line));
            }
            out.push(word.drain(..w).collect());
        }
        let word: String = word.into_iter().collect();
        let need = line.chars().count() + usize::from(!line.is_empty()) + word.chars().count();
        if need > w && !line.is_empty() {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() || out.is_empty() {
        out.push(line);
    }
    out
}

/// The help as (key column, text) screen lines for a text width: every description
/// wrapped in full, then what the glyphs of the charts mean.
pub fn help_lines(app: &App, width: u16) -> Vec<(String, String)> {
    let kw = if width >= 60 { 16 } else { 10 };
    let dw = usize::from(width.saturating_sub(kw + 1)).max(8);
    let mut rows: Vec<(String, String)> = Vec::new();
    let section = |rows: &mut Vec<(String, String)>, title: &str| {
        if !rows.is_empty() {
            rows.push((String::new(), String::new()));
        }
        rows.push((title.to_string(), String::new()));
    };
    let add = |rows: &mut Vec<(String, String)>, k: String, d: &str| {
        // a key list wider than its column gets a line of its own
        let (k, first_blank) = if k.chars().count() > usize::from(kw) {
            rows.push((k, String::new()));
            (String::new(), true)
        } else {
            (k, false)
        };
        for (i, l) in wrap(d, dw).into_iter().enumerate() {
            let key = if i == 0 && !first_blank {
                k.clone()
            } else {
                String::new()
            };
            rows.push((key, l));
        }
    };
    let g = &app.glyphs;
    for mode in HELP_MODES {
        section(&mut rows, &format!("{}:", mode.name()));
        for (k, d) in help_rows(mode) {
            add(&mut rows, k, d);
        }
    }
    add(
        &mut rows,
        "prompts".into(),
        "filter /, alpha a, save-as W: type; Backspace deletes, Ctrl-U clears, Enter accepts, \
         Esc cancels",
    );
    section(&mut rows, "what the charts show:");
    let glyphs = [
        (
            g.mean.to_string(),
            "CV: the mean held-out MSE at an alpha".to_string(),
        ),
        (
            g.vline.to_string(),
            format!("CV: the mean {} 1 standard error", g.pm),
        ),
        (
            g.train.to_string(),
            "CV: the mean training MSE (t hides it)".to_string(),
        ),
        (
            g.dotted.to_string(),
            "CV: the alpha_min and alpha_1se markers, labelled min and 1se".to_string(),
        ),
        (
            "min".into(),
            "alpha_min, the alpha of least CV error (the cursor starts there; m jumps)".into(),
        ),
        (
            "1se".into(),
            "alpha_1se, the largest alpha whose CV error is within 1 SE of the minimum \
             (a sparser, safer choice; s jumps)"
                .into(),
        ),
        (
            g.zero_mark.to_string(),
            "bars: a coefficient that is exactly zero (not in the model)".into(),
        ),
        (
            format!("{}{}", g.bar_full, g.bar_half_pos),
            "bars: a coefficient, right positive, left negative; const! is a constant column"
                .into(),
        ),
        (
            g.point_sel.to_string(),
            "path: the selected feature's coefficient along alpha; the cursor line is the \
             alpha shown in the header"
                .into(),
        ),
        (
            format!("{} train", g.r2),
            format!(
                "header: {r2} on the training rows; CV {r2} is 1 - CV MSE / variance of y",
                r2 = g.r2
            ),
        ),
    ];
    for (k, d) in glyphs {
        add(&mut rows, k, &d);
    }
    rows
}

/// The log as screen lines (tag, text) for a text width, every entry wrapped in full.
pub fn log_lines(app: &App, width: u16) -> Vec<(Option<Level>, String)> {
    let dw = usize::from(width.saturating_sub(6)).max(8);
    let mut out = Vec::new();
    for e in &app.log {
        for (i, l) in wrap(&e.text, dw).into_iter().enumerate() {
            out.push((if i == 0 { Some(e.level) } else { None }, l));
        }
    }
    out
}

/// The largest useful scroll offset of the open help or log at a screen size.
pub fn max_scroll(app: &App, w: u16, h: u16) -> usize {
    let body = body_of(w, h);
    let (inner, n) = match app.overlay {
        Overlay::Help => {
            let inner = inner_of(help_rect(body));
            (inner, help_lines(app, inner.width).len())
        }
        Overlay::Log => {
            let inner = inner_of(log_rect(body));
            (inner, log_lines(app, inner.width).len())
        }
        Overlay::Collinearity(ref v) => {
            let inner = inner_of(log_rect(body));
            (
                inner,
                collinearity_lines(app, &v.data, v.cursor, inner.width).len(),
            )
        }
        _ => return 0,
    };
    n.saturating_sub(usize::from(inner.height))
}

/// The box of a scrolling overlay of `n` lines in `r`: titled with `what`, the lines
/// shown (when not all fit) and its `keys`; returns the inner area and the first line
/// shown (the scroll offset, clamped so the last page stays full).
fn scrolled_box(
    app: &App,
    r: Rect,
    n: usize,
    what: &str,
    keys: &str,
    buf: &mut Buffer,
) -> (Rect, usize) {
    let height = usize::from(inner_of(r).height);
    let off = app.scroll.min(n.saturating_sub(height));
    let title = format!("{what}{} ({keys})", position(off, height, n));
    (boxed(app, r, &title, buf), off)
}

/// "12-28 of 60" when a list does not fit, else "".
pub(super) fn position(off: usize, shown: usize, total: usize) -> String {
    if total <= shown {
        String::new()
    } else {
        format!(" {}-{} of {total}", off + 1, (off + shown).min(total))
    }
}

pub fn help(app: &App, area: Rect, buf: &mut Buffer) {
    let r = help_rect(area);
    let lines = help_lines(app, inner_of(r).width);
    let (inner, off) = scrolled_box(
        app,
        r,
        lines.len(),
        "keys",
        "Up/Down PgUp/PgDn Home/End scroll, Esc closes",
        buf,
    );
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    let kw = if inner.width >= 60 { 16 } else { 10 };
    for (i, (k, d)) in lines
        .iter()
        .skip(off)
        .take(usize::from(inner.height))
        .enumerate()
    {
        let y = inner.y + i as u16;
        if d.is_empty() {
            put_str(buf, inner.x, y, k, inner.width, app.theme.title());
        } else {
            put_str(buf, inner.x, y, k, kw.min(inner.width), app.theme.title());
            if inner.width > kw + 1 {
                put_str(
                    buf,
                    inner.x + kw + 1,
                    y,
                    d,
                    inner.width - kw - 1,
                    app.theme.plain(),
                );
            }
        }
    }
}

pub fn log(app: &App, area: Rect, buf: &mut Buffer) {
    let r = log_rect(area);
    let lines = log_lines(app, inner_of(r).width);
    let (inner, off) = scrolled_box(
        app,
        r,
        lines.len(),
        "errors, warnings and notes",
        "Up/Down PgUp/PgDn Home/End scroll, Esc closes",
        buf,
    );
    if inner.height == 0 {
        return;
    }
    if app.log.is_empty() {
        put_str(
            buf,
            inner.x,
            inner.y,
            "nothing logged",
            inner.width,
            app.theme.dim(),
        );
        return;
    }
    for (i, (level, text)) in lines
        .iter()
        .skip(off)
        .take(usize::from(inner.height))
        .enumerate()
    {
        let y = inner.y + i as u16;
        if let Some(level) = level {
            let (tag, style) = match level {
                Level::Error => ("error ", app.theme.error()),
                Level::Warning => ("warn  ", app.theme.warn()),
                Level::Info => ("note  ", app.theme.dim()),
            };
            put_str(buf, inner.x, y, tag, inner.width, style);
        }
        put_str(
            buf,
            inner.x + 6,
            y,
            text,
            inner.width.saturating_sub(6),
            app.theme.plain(),
        );
    }
}

/// One line of the collinearity overlay: styled pieces, left to right.
type Spans = Vec<(String, ratatui::style::Style)>;

/// The collinearity overlay's lines at an inner width: the condition number, the VIF
/// bars with the 5 and 10 guides, the most correlated pairs, and the correlation heatmap
/// (a glyph per |r| band and the sign beside it, so it reads without colour and in ASCII).
pub fn collinearity_lines(app: &App, diag: &Diagnosis, cursor: usize, width: u16) -> Vec<Spans> {
    let (t, g) = (&app.theme, &app.glyphs);
    let d = &diag.d;
    let names: Vec<&str> = d
        .columns
        .iter()
        .map(|&j| diag.features.get(j).map_or("?", String::as_str))
        .collect();
    let name_w = names
        .iter()
        .map(|n| n.chars().count())
        .max()
        .unwrap_or(4)
        .clamp(4, 16);
    let short = |n: &str| n.chars().take(name_w).collect::<String>();
    let mut out: Vec<Spans> = Vec::new();
    let line = |s: String, st| vec![(s, st)];
    out.push(line(
        match d.condition_number {
            Some(c) => format!(
                "condition number {} (sqrt of the largest over the smallest eigenvalue of the correlation matrix)",
                num_sig(c, 4)
            ),
            None if names.is_empty() => "no non-constant feature to diagnose".to_string(),
            None => "condition number: infinite (aliased features)".to_string(),
        },
        t.plain(),
    ));
    if !d.constant.is_empty() {
        let c: Vec<&str> = d
            .constant
            .iter()
            .map(|&j| diag.features.get(j).map_or("?", String::as_str))
            .collect();
        out.push(line(
            format!("constant, left out: {}", c.join(", ")),
            t.dim(),
        ));
    }
    out.push(Vec::new());
    // VIF bars on a scale of 0..20, with the guides at 5 and 10
    let bar_w = usize::from(width).saturating_sub(name_w + 14).min(40);
    out.push(line(
        format!(
            " {:<name_w$} {:>8}  VIF (guides at 5 and 10)",
            "feature", ""
        ),
        t.dim(),
    ));
    for (a, n) in names.iter().enumerate() {
        let (mark, name_style) = if a == cursor {
            (g.select, t.selected())
        } else {
            (" ", t.plain())
        };
        let mut l: Spans = vec![(format!("{mark}{:<name_w$} ", short(n)), name_style)];
        match d.vif[a] {
            None => l.push(("     inf  aliased".to_string(), t.error())),
            Some(v) => {
                let style = if v > 10.0 {
                    t.error()
                } else if v > 5.0 {
                    t.warn()
                } else {
                    t.plain()
                };
                l.push((format!("{:>8}  ", num_sig(v, 4)), style));
                let len = ((v.min(20.0) / 20.0) * bar_w as f64).round() as usize;
                let guide = |x: usize| x == bar_w / 4 || x == bar_w / 2;
                let bar: String = (0..bar_w)
                    .map(|x| {
                        if x < len {
                            g.bar_full
                        } else if guide(x) {
                            g.dotted
                        } else {
                            ' '
                        }
                    })
                    .collect();
                l.push((bar, style));
            }
        }
        out.push(l);
    }
    if !d.top_pairs.is_empty() {
        out.push(Vec::new());
        out.push(line("most correlated pairs".into(), t.dim()));
        for &(a, b, r) in &d.top_pairs {
            out.push(line(
                format!("{r:+.3}  {} ~ {}", names[a], names[b]),
                t.plain(),
            ));
        }
    }
    // the heatmap: as many features as fit, two cells each
    let k = names.len();
    let fit = (usize::from(width).saturating_sub(name_w + 2) / 2).min(k);
    if fit > 0 {
        out.push(Vec::new());
        out.push(line(
            format!(
                "correlation{}: |r| < .2 blank, . < .4, : < .6, = < .8, # above; sign beside",
                if fit < k {
                    format!(" (first {fit} of {k} features)")
                } else {
                    String::new()
                }
            ),
            t.dim(),
        ));
        for (a, name) in names.iter().enumerate().take(fit) {
            let mut l: Spans = vec![(format!("{:<name_w$}  ", short(name)), t.plain())];
            for b in 0..fit {
                let r = d.correlation[a * k + b];
                let glyph = match r.abs() {
                    v if v < 0.2 => ' ',
                    v if v < 0.4 => '.',
                    v if v < 0.6 => ':',
                    v if v < 0.8 => '=',
                    _ => '#',
                };
                let (sign, style) = if a == b {
                    ('#', t.dim())
                } else if glyph == ' ' {
                    (' ', t.dim())
                } else if r > 0.0 {
                    ('+', t.positive())
                } else {
                    ('-', t.negative())
                };
                let cell = if a == b {
                    format!("{sign}{sign}")
                } else {
                    format!("{glyph}{sign}")
                };
                l.push((cell, style));
            }
            out.push(l);
        }
    }
    out
}

/// The line of feature `a`'s VIF bar in [`collinearity_lines`] (`a` indexes the
/// diagnosed columns): below the condition number, the constant features if any, a
/// blank line and the header.
pub fn collinearity_row(diag: &Diagnosis, a: usize) -> usize {
    3 + usize::from(!diag.d.constant.is_empty()) + a
}

/// Lines a scrolling overlay shows at a screen size.
pub fn scroll_height(w: u16, h: u16) -> usize {
    usize::from(inner_of(log_rect(body_of(w, h))).height)
}

pub fn collinearity(app: &App, v: &CollinearityView, area: Rect, buf: &mut Buffer) {
    let r = log_rect(area);
    let lines = collinearity_lines(app, &v.data, v.cursor, inner_of(r).width);
    let (inner, off) = scrolled_box(
        app,
        r,
        lines.len(),
        "collinearity of the features",
        "Up/Down choose, Enter selects in the panes, c or Esc closes",
        buf,
    );
    for (i, spans) in lines
        .iter()
        .skip(off)
        .take(usize::from(inner.height))
        .enumerate()
    {
        let y = inner.y + i as u16;
        let mut x = inner.x;
        for (text, style) in spans {
            let w = text.chars().count() as u16;
            put_str(
                buf,
                x,
                y,
                text,
                (inner.x + inner.width).saturating_sub(x),
                *style,
            );
            x = x.saturating_add(w);
        }
    }
}

pub fn picker(app: &App, pk: &Picker, area: Rect, buf: &mut Buffer) {
    let r = centered(area, 64, area.height.saturating_sub(2));
    let listed = pk.listed(&app.columns);
    let shown = usize::from(inner_of(r).height.saturating_sub(2));
    let pos = listed.iter().position(|&i| i == pk.cursor).unwrap_or(0);
    let off = pos.saturating_sub(shown.saturating_sub(1));
    let title = format!("target and features{}", position(off, shown, listed.len()));
    let inner = boxed(app, r, &title, buf);
    if inner.height < 3 {
        return;
    }
    put_str(
        buf,
        inner.x,
        inner.y,
        "Space include  t target  a all  n none  / filter  Enter apply  Esc cancel",
        inner.width,
        app.theme.dim(),
    );
    let filter = if pk.typing {
        format!("filter: {}_", pk.filter)
    } else if pk.filter.is_empty() {
        format!("{} columns; PgUp/PgDn Home/End move", app.columns.len())
    } else {
        format!(
            "filter '{}': {} of {} columns (/ edits)",
            pk.filter,
            listed.len(),
            app.columns.len()
        )
    };
    put_str(
        buf,
        inner.x,
        inner.y + 1,
        &filter,
        inner.width,
        app.theme.dim(),
    );
    let rows = usize::from(inner.height - 2);
    for (row, &i) in listed.iter().skip(off).take(rows).enumerate() {
        let c = &app.columns[i];
        let y = inner.y + 2 + row as u16;
        let mark = if c.name == pk.target {
            "(y)".to_string()
        } else if pk.included.get(i).copied().unwrap_or(false) {
            app.glyphs.check_on.to_string()
        } else {
            app.glyphs.check_off.to_string()
        };
        let kind = match &c.kind {
            ColumnKind::Numeric => "numeric".to_string(),
            ColumnKind::Boolean => "boolean".to_string(),
            ColumnKind::Text { levels } => format!("text, {levels} levels (one-hot)"),
            ColumnKind::Other(t) => format!("unusable ({t})"),
        };
        let miss = if c.missing > 0 {
            format!(", {} missing", c.missing)
        } else {
            String::new()
        };
        let line = format!(
            "{} {mark} {:<20} {kind}{miss}",
            if i == pk.cursor {
                app.glyphs.select
            } else {
                " "
            },
            c.name
        );
        let style = if i == pk.cursor {
            app.theme.selected().add_modifier(Modifier::REVERSED)
        } else {
            app.theme.plain()
        };
        put_str(buf, inner.x, y, &line, inner.width, style);
    }
}

pub fn settings(app: &App, st: &Settings, area: Rect, buf: &mut Buffer) {
    let r = centered(area, 64, (FIELDS.len() as u16 + 5).min(area.height));
    let inner = boxed(
        app,
        r,
        "settings (Enter applies and refits, Esc cancels)",
        buf,
    );
    if inner.height == 0 {
        return;
    }
    put_str(
        buf,
        inner.x,
        inner.y,
        // the long form only where it fits whole
        if inner.width >= 68 {
            "Up/Down choose  Left/Right change  w saves them with the experiment"
        } else {
            "Up/Down choose  Left/Right change"
        },
        inner.width,
        app.theme.dim(),
    );
    for (i, f) in FIELDS.iter().enumerate() {
        let y = inner.y + 2 + i as u16;
        if y >= inner.y + inner.height {
            break;
        }
        let sel = i == st.cursor;
        let line = format!(
            "{} {:<20} {}",
            if sel { app.glyphs.select } else { " " },
            f.key(),
            f.value(&st.draft)
        );
        let style = if sel {
            app.theme.selected().add_modifier(Modifier::REVERSED)
        } else {
            app.theme.plain()
        };
        put_str(buf, inner.x, y, &line, inner.width, style);
    }
}

pub fn prompt(app: &App, p: &Prompt, area: Rect, buf: &mut Buffer) {
    Clear.render(area, buf);
    let label = match p.kind {
        PromptKind::Filter => "filter: ",
        PromptKind::Alpha => "alpha: ",
        PromptKind::SaveAs => "save as: ",
    };
    put_str(buf, area.x, area.y, label, area.width, app.theme.title());
    let x = area.x + label.len() as u16;
    let text = format!("{}_", p.text);
    put_str(
        buf,
        x,
        area.y,
        &text,
        area.width.saturating_sub(label.len() as u16),
        app.theme.plain(),
    );
}

pub fn too_small(app: &App, area: Rect, buf: &mut Buffer) {
    let msg = format!(
        "terminal too small: need {MIN_W}x{MIN_H}, have {}x{}. Enlarge the window; q quits.",
        area.width, area.height
    );
    Paragraph::new(msg)
        .wrap(Wrap { trim: true })
        .style(app.theme.warn())
        .render(area, buf);
}
