//! The validation curve: CV mean with +-1 SE bars and the training error against
//! log10(alpha), labelled alpha_min / alpha_1se markers, and the cursor.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::path_chart::alpha_axis_row;
use super::plot::Plot;
use super::put_str;
use crate::tui::app::App;
use crate::tui::axis::{LinAxis, LogAxis, num};

const GUTTER: u16 = 8;

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let (t, g) = (&app.theme, &app.glyphs);
    let (Some(path), Some(cv)) = (app.path.as_ref(), app.cv_for_path()) else {
        if app.path.is_none() || app.load_error.is_some() {
            super::no_result(app, area, buf);
            return;
        }
        let msg = if app.busy() {
            format!("cross-validating... ({})", app.worker_text())
        } else {
            "no CV result".to_string()
        };
        put_str(buf, area.x, area.y, &msg, area.width, t.dim());
        return;
    };
    if area.height < 4 || area.width < GUTTER + 8 {
        put_str(
            buf,
            area.x,
            area.y,
            "(too small for CV)",
            area.width,
            t.dim(),
        );
        return;
    }
    let pw = area.width - GUTTER;
    let ph = area.height - 2;
    let m = path.alphas.len();
    let train: Vec<f64> = (0..m)
        .map(|i| cv.train_mse.column(i).mean().unwrap_or(f64::NAN))
        .collect();
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for (i, &tr) in train.iter().enumerate() {
        let (mu, se) = (cv.cv_mean[i], cv.cv_se[i]);
        if (mu - se).is_finite() {
            lo = lo.min(mu - se);
            hi = hi.max(mu + se);
        }
        if app.show_train && tr.is_finite() {
            lo = lo.min(tr);
            hi = hi.max(tr);
        }
    }
    let yax = LinAxis::new(lo, hi, ph);
    let ax = LogAxis::from_alphas(&path.alphas, pw).filter(|_| m >= 2);
    let col = |i: usize| -> u16 {
        match &ax {
            Some(ax) => ax.col(path.alphas[i]),
            None => pw / 2,
        }
    };
    let mut plot = Plot::new(pw, ph);
    // markers first (low priority), labelled on the top row
    let mut labels = Vec::new();
    for (i, name) in [(cv.index_min, "min"), (cv.index_1se, "1se")] {
        let c = col(i);
        plot.vrun(c, 0, ph - 1, g.dotted, t.marker(), 1);
        labels.push((c, name));
    }
    let mut last_bar: Option<u16> = None;
    for (i, &tr) in train.iter().enumerate() {
        let c = col(i);
        let (mu, se) = (cv.cv_mean[i], cv.cv_se[i]);
        if last_bar != Some(c) && se.is_finite() {
            plot.vrun(c, yax.row(mu + se), yax.row(mu - se), g.vline, t.dim(), 3);
            last_bar = Some(c);
        }
        if app.show_train && tr.is_finite() {
            plot.put(c, yax.row(tr), g.train, t.train(), 4);
        }
        plot.put(c, yax.row(mu), g.mean, t.error(), 5);
    }
    if let Some(a) = app.alpha() {
        let c = match &ax {
            Some(ax) => ax.col(a),
            None => pw / 2,
        };
        plot.cursor(c, g.vline, t.cursor());
    }
    plot.render(Rect::new(area.x + GUTTER, area.y + 1, pw, ph), buf);
    // marker labels on the top row; "1se" moves right if it would overlap "min"
    let mut free = 0u16;
    labels.sort_by_key(|(c, _)| *c);
    for (c, name) in labels {
        let start = c.saturating_sub(1).max(free).min(pw.saturating_sub(3));
        put_str(
            buf,
            area.x + GUTTER + start,
            area.y,
            name,
            pw - start,
            t.marker(),
        );
        free = start + 4;
    }
    put_str(buf, area.x, area.y, "MSE", GUTTER - 1, t.dim());
    put_str(buf, area.x, area.y + 1, &num(yax.hi), GUTTER - 1, t.dim());
    put_str(buf, area.x, area.y + ph, &num(yax.lo), GUTTER - 1, t.dim());
    alpha_axis_row(
        app,
        buf,
        area.x,
        area.y + area.height - 1,
        GUTTER,
        ax.as_ref(),
    );
}
