//! The stability view (`b`): each feature's selection probability over the subsample
//! fits against log alpha (the stability path of Meinshausen and Bühlmann), with the
//! threshold and the end of the region the error bound covers, above a table of the
//! features, most stable first. Stable features are drawn in colour and marked
//! "selected" in words; the feature under the cursor is bold on the chart.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::overlays::{body_of, boxed, inner_of, log_rect, position};
use super::path_chart::{alpha_axis_row, interp};
use super::plot::Plot;
use super::put_str;
use crate::tui::app::{App, StabilityView};
use crate::tui::axis::{LinAxis, LogAxis, num_sig};

const GUTTER: u16 = 8;
/// Lines above the chart: the settings, the region and its bound, the selected set.
const HEADER: u16 = 3;

/// The chart (when there is room) and the table of `n` features (its header row
/// included) inside the view's box: the chart takes what the table leaves, at least
/// two fifths.
fn layout(inner: Rect, n: usize) -> (Option<Rect>, Rect) {
    let rest = inner.height.saturating_sub(HEADER);
    let n = u16::try_from(n).unwrap_or(u16::MAX);
    let chart_h = if rest >= 14 {
        (rest * 2 / 5).max(rest.saturating_sub(n.saturating_add(1)))
    } else {
        0
    };
    let chart = (chart_h > 0).then(|| Rect::new(inner.x, inner.y + HEADER, inner.width, chart_h));
    let table = Rect::new(
        inner.x,
        inner.y + HEADER + chart_h,
        inner.width,
        rest - chart_h,
    );
    (chart, table)
}

/// Table rows shown at a screen size for `n` features: the page of PageUp/PageDown.
pub fn page(w: u16, h: u16, n: usize) -> usize {
    let inner = inner_of(log_rect(body_of(w, h)));
    usize::from(layout(inner, n).1.height.saturating_sub(1))
}

pub fn render(app: &App, v: &StabilityView, area: Rect, buf: &mut Buffer) {
    let (t, g) = (&app.theme, &app.glyphs);
    let d = &v.data;
    let r = &d.result;
    let st = &d.settings;
    let order = v.order();
    let (_, table) = layout(inner_of(log_rect(area)), order.len());
    let shown = usize::from(table.height.saturating_sub(1));
    let off = v.cursor.saturating_sub(shown.saturating_sub(1));
    let title = format!(
        "stability selection{} (Up/Down choose, Enter selects in the panes, b or Esc closes)",
        position(off, shown, order.len())
    );
    let inner = boxed(app, log_rect(area), &title, buf);
    if inner.height < HEADER + 2 || inner.width < 20 {
        return;
    }
    let (chart, table) = layout(inner, order.len());
    let fits = r.subsamples.len();
    let how = if r.complementary_pairs {
        format!("{} complementary pairs of half-samples", st.bootstrap)
    } else {
        format!(
            "{} subsamples of {}",
            st.bootstrap,
            num_sig(st.sample_fraction, 2)
        )
    };
    let region = match (r.region_end, r.ev_bound) {
        (Some(e), Some(b)) => format!(
            "region alpha >= {}: q = {} features per fit, E(false selections) <= {}",
            num_sig(d.alphas.get(e).copied().unwrap_or(f64::NAN), 3),
            num_sig(r.q, 3),
            num_sig(b, 3)
        ),
        (Some(e), None) => format!(
            "region alpha >= {}",
            num_sig(d.alphas.get(e).copied().unwrap_or(f64::NAN), 3)
        ),
        (None, _) => format!(
            "no region: even the largest alpha selects more than {} false selection(s) allow",
            num_sig(st.pfer, 3)
        ),
    };
    put_str(
        buf,
        inner.x,
        inner.y,
        &format!(
            "{how} ({fits} fits), threshold {}",
            num_sig(st.threshold, 3)
        ),
        inner.width,
        t.dim(),
    );
    put_str(buf, inner.x, inner.y + 1, &region, inner.width, t.dim());
    let names: Vec<&str> = r
        .selected
        .iter()
        .filter_map(|&j| d.features.get(j).map(String::as_str))
        .collect();
    let sel = if names.is_empty() {
        format!(
            "selected: none reaches {} in the region (correlated features share the choice)",
            num_sig(st.threshold, 3)
        )
    } else {
        format!("selected: {}", names.join(", "))
    };
    put_str(buf, inner.x, inner.y + 2, &sel, inner.width, t.plain());
    if let Some(c) = chart {
        stability_chart(app, v, c, buf);
    }
    // the table
    let name_w = d
        .features
        .iter()
        .map(|n| n.chars().count())
        .max()
        .unwrap_or(7)
        .clamp(7, 24);
    let bar_w = usize::from(table.width).saturating_sub(name_w + 20).min(40);
    put_str(
        buf,
        table.x,
        table.y,
        &format!(
            "  {:<name_w$} {:>6}  largest selection probability in the region ({} the threshold)",
            "feature", "P", g.dotted
        ),
        table.width,
        t.dim(),
    );
    for (i, &j) in order.iter().enumerate().skip(off).take(shown) {
        let p = r.max_probability.get(j).copied().unwrap_or(0.0);
        let stable = r.selected.contains(&j);
        let name: String = d.features[j].chars().take(name_w).collect();
        let len = (p.clamp(0.0, 1.0) * bar_w as f64).round() as usize;
        let guide = ((st.threshold * bar_w as f64).round() as usize).min(bar_w.saturating_sub(1));
        let bar: String = (0..bar_w)
            .map(|x| {
                if x < len {
                    g.bar_full
                } else if x == guide {
                    g.dotted
                } else {
                    ' '
                }
            })
            .collect();
        let y = table.y + 1 + (i - off) as u16;
        let cursor = i == v.cursor;
        let style = if cursor {
            t.selected()
        } else if stable {
            t.series(j)
        } else {
            t.plain()
        };
        let line = format!(
            "{} {name:<name_w$} {:>5.0}%  {bar} {}",
            if cursor { g.select } else { " " },
            p * 100.0,
            if stable { "selected" } else { "" }
        );
        put_str(buf, table.x, y, &line, table.width, style);
    }
}

/// Selection probability (0 to 1) of every feature against log alpha.
fn stability_chart(app: &App, v: &StabilityView, area: Rect, buf: &mut Buffer) {
    let (t, g) = (&app.theme, &app.glyphs);
    let d = &v.data;
    let r = &d.result;
    if area.width < GUTTER + 10 || area.height < 4 {
        return;
    }
    let pw = area.width - GUTTER;
    let ph = area.height - 1;
    let Some(ax) = LogAxis::from_alphas(&d.alphas, pw) else {
        return;
    };
    let yax = LinAxis::new(0.0, 1.0, ph);
    let logs: Vec<f64> = d
        .alphas
        .iter()
        .map(|a| a.max(f64::MIN_POSITIVE).log10())
        .collect();
    let mut plot = Plot::new(pw, ph);
    let ty = yax.row(d.settings.threshold);
    for x in 0..pw {
        plot.put(x, ty, g.hline, t.dim(), 1);
    }
    if let Some(a) = r.region_end.and_then(|e| d.alphas.get(e)) {
        plot.vrun(ax.col(*a), 0, ph - 1, g.dotted, t.marker(), 1);
    }
    let cursor = v.feature();
    let p = r.probability.ncols();
    for j in (0..p).filter(|&j| Some(j) != cursor).chain(cursor) {
        let vals: Vec<f64> = r.probability.column(j).to_vec();
        if vals.len() != logs.len() {
            continue;
        }
        let (ch, style, prio) = if Some(j) == cursor {
            (g.point_sel, t.selected(), 6)
        } else if r.selected.contains(&j) {
            (g.point, t.series(j), 4)
        } else {
            (g.point, t.dim(), 2)
        };
        plot.curve(
            |c| Some(yax.row(interp(&logs, &vals, ax.log_at(c)))),
            ch,
            style,
            prio,
        );
    }
    plot.render(Rect::new(area.x + GUTTER, area.y, pw, ph), buf);
    put_str(buf, area.x, area.y, "P = 1", GUTTER - 1, t.dim());
    put_str(
        buf,
        area.x,
        area.y + ty,
        &num_sig(d.settings.threshold, 2),
        GUTTER - 1,
        t.dim(),
    );
    put_str(buf, area.x, area.y + ph - 1, "0", GUTTER - 1, t.dim());
    alpha_axis_row(app, buf, area.x, area.y + ph, GUTTER, Some(&ax));
}
