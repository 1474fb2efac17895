//! Help (generated from the keymap), the log, the column picker, the text prompt and
//! the too-small notice.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::widgets::{Block, Clear, Paragraph, Widget, Wrap};

use super::put_str;
use crate::data::ColumnKind;
use crate::tui::app::{App, Level, MIN_H, MIN_W, Picker, Prompt, PromptKind};
use crate::tui::keymap::{Mode, help_rows};

fn boxed(app: &App, area: Rect, title: &str, buf: &mut Buffer) -> Rect {
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

pub fn help(app: &App, area: Rect, buf: &mut Buffer) {
    let r = centered(
        area,
        area.width.saturating_sub(4).min(110),
        area.height.saturating_sub(2),
    );
    let inner = boxed(app, r, "keys (Esc closes)", buf);
    let mut lines: Vec<(String, String)> = help_rows(Mode::Normal)
        .into_iter()
        .map(|(k, d)| (k, d.to_string()))
        .collect();
    lines.push((String::new(), String::new()));
    lines.push(("column picker (f):".into(), String::new()));
    for (k, d) in help_rows(Mode::Picker) {
        lines.push((k, d.to_string()));
    }
    lines.push((
        "prompts:".into(),
        "type; Backspace, Ctrl-U clear, Enter, Esc".into(),
    ));
    if inner.height == 0 {
        return;
    }
    let per_col = usize::from(inner.height);
    let ncols = lines.len().div_ceil(per_col).max(1);
    let col_w = inner.width / ncols as u16;
    for (i, (k, d)) in lines.iter().enumerate() {
        let c = (i / per_col) as u16;
        let y = inner.y + (i % per_col) as u16;
        let x = inner.x + c * col_w;
        put_str(buf, x, y, k, 16.min(col_w), app.theme.title());
        if col_w > 17 {
            put_str(buf, x + 17, y, d, col_w - 18, app.theme.plain());
        }
    }
}

pub fn log(app: &App, area: Rect, buf: &mut Buffer) {
    let r = centered(
        area,
        area.width.saturating_sub(4),
        area.height.saturating_sub(2),
    );
    let inner = boxed(app, r, "errors, warnings and notes (Esc closes)", buf);
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
    let h = usize::from(inner.height);
    let skip = app.log.len().saturating_sub(h);
    for (i, e) in app.log.iter().skip(skip).enumerate() {
        let (tag, style) = match e.level {
            Level::Error => ("error ", app.theme.error()),
            Level::Warning => ("warn  ", app.theme.warn()),
            Level::Info => ("note  ", app.theme.dim()),
        };
        let y = inner.y + i as u16;
        put_str(buf, inner.x, y, tag, inner.width, style);
        put_str(
            buf,
            inner.x + 6,
            y,
            &e.text,
            inner.width.saturating_sub(6),
            app.theme.plain(),
        );
    }
}

pub fn picker(app: &App, pk: &Picker, area: Rect, buf: &mut Buffer) {
    let r = centered(area, 60, area.height.saturating_sub(2));
    let inner = boxed(app, r, "target and features", buf);
    if inner.height < 3 {
        return;
    }
    put_str(
        buf,
        inner.x,
        inner.y,
        "Space include  t target  Enter apply  Esc cancel",
        inner.width,
        app.theme.dim(),
    );
    let rows = usize::from(inner.height - 1);
    let off = pk.cursor.saturating_sub(rows.saturating_sub(1));
    for (i, c) in app.columns.iter().enumerate().skip(off).take(rows) {
        let y = inner.y + 1 + (i - off) as u16;
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
            ColumnKind::Text { levels } => format!("text, {levels} levels"),
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
