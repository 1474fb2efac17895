//! The regularization path: every coefficient against log10(alpha), nonzero counts
//! along the top (glmnet), decade ticks below, the cursor, the selected feature named.
//! Unicode mode draws the paths on a braille `Canvas`; ASCII mode on a character grid.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Color;
use ratatui::symbols::Marker;
use ratatui::widgets::Widget;
use ratatui::widgets::canvas::{Canvas, Line as CLine};

use super::plot::Plot;
use super::put_str;
use crate::tui::app::App;
use crate::tui::axis::{LinAxis, LogAxis, num};

const GUTTER: u16 = 8;

/// Linear interpolation of `vals` (on descending `logs`) at `l`.
pub fn interp(logs: &[f64], vals: &[f64], l: f64) -> f64 {
    let m = logs.len();
    if m == 0 {
        return 0.0;
    }
    if l >= logs[0] {
        return vals[0];
    }
    if l <= logs[m - 1] {
        return vals[m - 1];
    }
    let k = logs.partition_point(|&x| x > l).clamp(1, m - 1);
    let (l0, l1) = (logs[k - 1], logs[k]);
    let t = if l0 == l1 { 0.0 } else { (l0 - l) / (l0 - l1) };
    vals[k - 1] + t * (vals[k] - vals[k - 1])
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let (t, g) = (&app.theme, &app.glyphs);
    let Some(path) = app.path.as_ref() else {
        super::no_result(app, area, buf);
        return;
    };
    if area.height < 4 || area.width < GUTTER + 8 {
        put_str(
            buf,
            area.x,
            area.y,
            "(too small for the path)",
            area.width,
            t.dim(),
        );
        return;
    }
    let pw = area.width - GUTTER;
    let ph = area.height - 2;
    let Some(ax) = LogAxis::from_alphas(&path.alphas, pw)
        .filter(|_| path.alphas.iter().filter(|a| **a > 0.0).count() >= 2)
    else {
        put_str(
            buf,
            area.x,
            area.y,
            "a single fit (no alpha path): see the bars",
            area.width,
            t.dim(),
        );
        return;
    };
    let m = if app.original_scale {
        &path.coef
    } else {
        &path.coef_std
    };
    // the previous model's path, dimmed behind (on its own grid, on the same scale)
    let ghost = app.ghost.as_ref().map(|gh| {
        let gm = if app.original_scale {
            &gh.path.coef
        } else {
            &gh.path.coef_std
        };
        let glogs: Vec<f64> = gh
            .path
            .alphas
            .iter()
            .map(|a| a.max(f64::MIN_POSITIVE).log10())
            .collect();
        (gm, glogs)
    });
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    for v in m.iter().chain(ghost.iter().flat_map(|(gm, _)| gm.iter())) {
        if v.is_finite() {
            lo = lo.min(*v);
            hi = hi.max(*v);
        }
    }
    let yax = LinAxis::new(lo, hi, ph);
    let logs: Vec<f64> = path
        .alphas
        .iter()
        .map(|a| a.max(f64::MIN_POSITIVE).log10())
        .collect();
    let mut plot = Plot::new(pw, ph);
    let zr = yax.row(0.0);
    let p = m.ncols();
    let sel = app.selected.min(p.saturating_sub(1));
    let top = Rect::new(area.x + GUTTER, area.y + 1, pw, ph);
    // Unicode: the muted paths, the zero line and the cursor on a braille Canvas; the
    // selected path goes on top as bold cells (visible without colour too).
    // ASCII: everything on the character grid (no ratatui marker is ASCII).
    if !g.ascii {
        let color = |st: ratatui::style::Style| st.fg.unwrap_or(Color::Reset);
        let cursor = app.alpha().map(|a| a.max(f64::MIN_POSITIVE).log10());
        // the canvas gets y as a fraction of the axis: raw values near the float limit
        // overflow its pixel arithmetic (see LinAxis::frac)
        let fy = |v: f64| yax.frac(v);
        Canvas::default()
            .x_bounds([ax.lo, ax.hi])
            .y_bounds([0.0, 1.0])
            .marker(Marker::Braille)
            .paint(|ctx| {
                if let Some(z) = fy(0.0) {
                    ctx.draw(&CLine {
                        x1: ax.lo,
                        y1: z,
                        x2: ax.hi,
                        y2: z,
                        color: color(t.dim()),
                    });
                }
                ctx.layer();
                if let Some((gm, glogs)) = &ghost {
                    for j in 0..gm.ncols() {
                        for k in 1..glogs.len() {
                            let (Some(y1), Some(y2)) = (fy(gm[(k - 1, j)]), fy(gm[(k, j)])) else {
                                continue;
                            };
                            if glogs[k - 1].is_finite() && glogs[k].is_finite() {
                                ctx.draw(&CLine {
                                    x1: glogs[k - 1],
                                    y1,
                                    x2: glogs[k],
                                    y2,
                                    color: color(t.dim()),
                                });
                            }
                        }
                    }
                    ctx.layer();
                }
                for j in (0..p).filter(|&j| j != sel) {
                    let c = color(t.series(j));
                    for k in 1..logs.len() {
                        let (Some(y1), Some(y2)) = (fy(m[(k - 1, j)]), fy(m[(k, j)])) else {
                            continue;
                        };
                        if !(logs[k - 1].is_finite() && logs[k].is_finite()) {
                            continue;
                        }
                        ctx.draw(&CLine {
                            x1: logs[k - 1],
                            y1,
                            x2: logs[k],
                            y2,
                            color: c,
                        });
                    }
                }
                if let Some(l) = cursor.filter(|l| l.is_finite()) {
                    ctx.layer();
                    ctx.draw(&CLine {
                        x1: l,
                        y1: 0.0,
                        x2: l,
                        y2: 1.0,
                        color: color(t.cursor()),
                    });
                }
            })
            .render(top, buf);
    } else {
        for x in 0..pw {
            plot.put(x, zr, g.hline, t.dim(), 1);
        }
    }
    let cols: Vec<f64> = (0..pw).map(|c| ax.log_at(c)).collect();
    let draw = |j: usize, plot: &mut Plot| {
        let vals = m.column(j).to_vec();
        let (ch, style, prio) = if j == sel {
            (g.point_sel, t.selected(), 5)
        } else {
            (g.point, t.series(j), 3)
        };
        let mut prev: Option<u16> = None;
        for (c, l) in cols.iter().enumerate() {
            let r = yax.row(interp(&logs, &vals, *l));
            let x = c as u16;
            match prev {
                Some(pr) if pr.abs_diff(r) > 1 => {
                    let (a, b) = if pr < r { (pr + 1, r) } else { (r, pr - 1) };
                    plot.vrun(x, a, b, ch, style, prio);
                }
                _ => plot.put(x, r, ch, style, prio),
            }
            prev = Some(r);
        }
    };
    if g.ascii {
        if let Some((gm, glogs)) = &ghost {
            for j in 0..gm.ncols() {
                let vals = gm.column(j).to_vec();
                for (c, l) in cols.iter().enumerate() {
                    plot.put(c as u16, yax.row(interp(glogs, &vals, *l)), ':', t.dim(), 1);
                }
            }
        }
        for j in (0..p).filter(|&j| j != sel) {
            draw(j, &mut plot);
        }
    }
    if p > 0 {
        draw(sel, &mut plot);
    }
    if g.ascii
        && let Some(a) = app.alpha()
    {
        plot.cursor(ax.col(a), g.vline, t.cursor());
    }
    // the selected feature's name at its left end
    if let Some(name) = app.names().get(sel)
        && p > 0
    {
        let v0 = interp(&logs, &m.column(sel).to_vec(), cols[0]);
        let r = yax.row(v0);
        let r = if r == zr && r > 0 { r - 1 } else { r };
        plot.text(1, r, name, t.selected(), 6);
    }
    plot.render(top, buf);
    // y labels
    put_str(buf, area.x, area.y + 1, &num(yax.hi), GUTTER - 1, t.dim());
    put_str(buf, area.x, area.y + 1 + zr, "0", GUTTER - 1, t.dim());
    put_str(buf, area.x, area.y + ph, &num(yax.lo), GUTTER - 1, t.dim());
    // nonzero counts along the top
    put_str(buf, area.x, area.y, "nonzero", GUTTER - 1, t.dim());
    let mut x = 0u16;
    while x < pw {
        let i = crate::tui::update::nearest_index(&path.alphas, 10f64.powf(ax.log_at(x)));
        let s = path
            .n_nonzero
            .get(i)
            .map_or(String::new(), |k| k.to_string());
        put_str(buf, area.x + GUTTER + x, area.y, &s, pw - x, t.dim());
        x += 8;
    }
    // decade ticks
    alpha_axis_row(
        app,
        buf,
        area.x,
        area.y + area.height - 1,
        GUTTER,
        Some(&ax),
    );
}

/// The x axis's row of a chart with a `gutter` of y labels at `x`: the alpha label in
/// the gutter, then the decade ticks (`ax` None: the label alone).
pub fn alpha_axis_row(
    app: &App,
    buf: &mut Buffer,
    x: u16,
    y: u16,
    gutter: u16,
    ax: Option<&LogAxis>,
) {
    let (t, g) = (&app.theme, &app.glyphs);
    if let Some(ax) = ax {
        tick_row(buf, x + gutter, y, ax, t.dim());
    }
    put_str(
        buf,
        x,
        y,
        if g.ascii { "alpha" } else { "α" },
        gutter - 1,
        t.dim(),
    );
}

/// Tick labels centred on their columns, skipping ones that would overlap.
pub fn tick_row(buf: &mut Buffer, x0: u16, y: u16, ax: &LogAxis, style: ratatui::style::Style) {
    let mut next_free = 0u16;
    for (c, label) in ax.ticks() {
        let w = label.len() as u16;
        let start = c.saturating_sub(w / 2).min(ax.width.saturating_sub(w));
        if start < next_free {
            continue;
        }
        put_str(buf, x0 + start, y, &label, ax.width - start, style);
        next_free = start + w + 1;
    }
}
