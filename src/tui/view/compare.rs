//! The compare view (`p`): the CV curves of ridge, the elastic nets and the lasso on
//! one log-alpha chart (as glmnet's cva.glmnet plots them), above their table. Each
//! model is drawn with its row number, so the chart reads without colour and in ASCII;
//! its alpha_min is that number in reverse video; the row under the cursor is bold.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;

use super::overlays::{boxed, log_rect};
use super::path_chart::{alpha_axis_row, interp};
use super::plot::Plot;
use super::put_str;
use crate::tui::app::{App, CompareView};
use crate::tui::axis::{LinAxis, LogAxis, num, num_sig};
use crate::tui::insight::ComparedModel;

const GUTTER: u16 = 8;

/// The glyph of model `k` on the chart and in the table: its row number.
fn glyph(k: usize) -> char {
    char::from_digit(((k + 1) % 36) as u32, 36).unwrap_or('?')
}

pub fn render(app: &App, v: &CompareView, area: Rect, buf: &mut Buffer) {
    let r = log_rect(area);
    let inner = boxed(
        app,
        r,
        "compare penalties (Up/Down choose, Enter adopts, p or Esc closes)",
        buf,
    );
    if inner.height < 3 || inner.width < 20 {
        return;
    }
    let t = &app.theme;
    let d = &v.data;
    let head = if inner.width >= 110 {
        format!(
            "{} models on the same {} folds; * lowest CV error, ! minimum at the grid's edge; `regscope compare` gives this table",
            d.models.len(),
            d.folds
        )
    } else {
        format!(
            "{} models, the same {} folds; * lowest CV error; ! minimum at the grid's edge",
            d.models.len(),
            d.folds
        )
    };
    put_str(buf, inner.x, inner.y, &head, inner.width, t.dim());
    let table_h = (d.models.len() as u16 + 1).min(inner.height - 1);
    let chart_h = inner.height - 1 - table_h;
    let wide = inner.width >= 96;
    if chart_h >= 6 {
        chart(
            app,
            v,
            Rect::new(inner.x, inner.y + 1, inner.width, chart_h - 1),
            buf,
        );
    }
    let ty = inner.y + 1 + chart_h;
    let head = if wide {
        format!(
            "   {:<12} {:>8} {:>10} {:>21} {:>4} {:>10} {:>10} {:>4}",
            "model", "l1_ratio", "alpha_min", "CV MSE at min", "nz", "alpha_1se", "CV at 1se", "nz"
        )
    } else {
        format!(
            "   {:<11} {:>5} {:>9} {:>19} {:>3} {:>9} {:>3}",
            "model", "l1", "alpha_min", "CV MSE at min", "nz", "alpha_1se", "nz"
        )
    };
    put_str(buf, inner.x, ty, &head, inner.width, t.dim());
    for (k, m) in d.models.iter().enumerate().take(usize::from(table_h) - 1) {
        let s = &m.summary;
        let mark = if d.best == Some(k) { '*' } else { ' ' };
        let edge = if s.edge_min { " !" } else { "" };
        let cv = format!(
            "{} {} {}",
            num_sig(s.cv_min, 5),
            app.glyphs.pm,
            num_sig(s.cv_se_min, 3)
        );
        let row = if wide {
            format!(
                "{mark}{} {:<12} {:>8} {:>10} {:>21} {:>4} {:>10} {:>10} {:>4}{edge}",
                glyph(k),
                s.kind.name(),
                num_sig(s.l1_ratio, 3),
                num_sig(s.alpha_min, 4),
                cv,
                s.nonzero_min,
                num_sig(s.alpha_1se, 4),
                num_sig(s.cv_1se, 5),
                s.nonzero_1se
            )
        } else {
            format!(
                "{mark}{} {:<11} {:>5} {:>9} {:>19} {:>3} {:>9} {:>3}{edge}",
                glyph(k),
                s.kind.name(),
                num_sig(s.l1_ratio, 2),
                num_sig(s.alpha_min, 3),
                cv,
                s.nonzero_min,
                num_sig(s.alpha_1se, 3),
                s.nonzero_1se
            )
        };
        let y = ty + 1 + k as u16;
        let (style, sel) = if k == v.cursor {
            (t.selected(), app.glyphs.select)
        } else {
            (t.plain(), " ")
        };
        put_str(buf, inner.x, y, sel, 1, style);
        put_str(
            buf,
            inner.x + 1,
            y,
            &row,
            inner.width.saturating_sub(1),
            style,
        );
        // the row number in the model's colour: the chart's legend
        put_str(
            buf,
            inner.x + 2,
            y,
            &glyph(k).to_string(),
            1,
            t.series(k).add_modifier(Modifier::BOLD),
        );
    }
}

/// The CV curves of every model on one log-alpha axis (the union of their grids).
fn chart(app: &App, v: &CompareView, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let models = &v.data.models;
    if area.width < GUTTER + 10 || area.height < 4 {
        return;
    }
    let pw = area.width - GUTTER;
    let ph = area.height - 1;
    let all: Vec<f64> = models
        .iter()
        .flat_map(|m| m.alphas.iter().copied())
        .collect();
    let Some(ax) = LogAxis::from_alphas(&all, pw) else {
        return;
    };
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in models.iter().flat_map(|m| m.cv_mean.iter()) {
        if v.is_finite() {
            lo = lo.min(*v);
            hi = hi.max(*v);
        }
    }
    let yax = LinAxis::new(lo, hi, ph);
    let mut plot = Plot::new(pw, ph);
    let curve = |m: &ComparedModel| -> (Vec<f64>, Vec<f64>) {
        let logs = m
            .alphas
            .iter()
            .map(|a| a.max(f64::MIN_POSITIVE).log10())
            .collect();
        (logs, m.cv_mean.clone())
    };
    // the cursor's model last, so it wins where curves cross
    let order = (0..models.len())
        .filter(|&k| k != v.cursor)
        .chain((v.cursor < models.len()).then_some(v.cursor));
    for k in order {
        let m = &models[k];
        let (logs, vals) = curve(m);
        if logs.is_empty() {
            continue;
        }
        let (first, last) = (logs[0], logs[logs.len() - 1]);
        let (l_hi, l_lo) = (first.max(last), first.min(last));
        let chosen = k == v.cursor;
        let style = if chosen {
            t.series(k).add_modifier(Modifier::BOLD)
        } else {
            t.series(k)
        };
        let prio = if chosen { 6 } else { 3 };
        plot.curve(
            |c| {
                let l = ax.log_at(c);
                let half = (ax.hi - ax.lo) / f64::from(pw.max(2) - 1) / 2.0;
                (l >= l_lo - half && l <= l_hi + half)
                    .then(|| interp(&logs, &vals, l))
                    .filter(|y| y.is_finite())
                    .map(|y| yax.row(y))
            },
            glyph(k),
            style,
            prio,
        );
        let i = m.summary.alpha_min;
        if i.is_finite() && i > 0.0 {
            let y = interp(&logs, &vals, i.log10());
            plot.put(
                ax.col(i),
                yax.row(y),
                glyph(k),
                style.add_modifier(Modifier::REVERSED),
                prio + 1,
            );
        }
    }
    plot.render(Rect::new(area.x + GUTTER, area.y, pw, ph), buf);
    put_str(buf, area.x, area.y, &num(yax.hi), GUTTER - 1, t.dim());
    put_str(buf, area.x, area.y + 1, "CV MSE", GUTTER - 1, t.dim());
    put_str(
        buf,
        area.x,
        area.y + ph - 1,
        &num(yax.lo),
        GUTTER - 1,
        t.dim(),
    );
    alpha_axis_row(app, buf, area.x, area.y + ph, GUTTER, Some(&ax));
}
