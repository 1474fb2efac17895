//! The path chart: every coefficient (on the scale solved) against log10(alpha), alpha
//! growing to the right as in glmnet's plots, each line labelled at its small-alpha
//! end, nonzero counts along the top, and the alpha_min / alpha_1se lines.

use super::axis::{
    Area, Frame, Scale, Side, decade_label, decade_ticks, extent, labelled, nice_ticks, num, span,
};
use super::font::{fit, text_width};
use super::style::{
    AXIS, CURSOR, LABEL_SIZE, MIN_LINE, MUTED, PALETTE, SE_LINE, SUBTITLE_SIZE, TICK_SIZE,
};
use super::svg::{Anchor, Stroke, Svg};
use super::{Chart, ChartInput, log_alphas};

pub const WIDTH: u32 = 1400;
pub const HEIGHT: u32 = 800;
/// lines labelled at most (the largest |coef| at the smallest alpha)
const MAX_LABELS: usize = 30;

/// Spread label positions (sorted ascending) at least `gap` apart inside `lo..=hi`.
pub fn spread(ys: &mut [f64], gap: f64, lo: f64, hi: f64) {
    let n = ys.len();
    if n == 0 {
        return;
    }
    // more labels than room: squeeze the gap
    let gap = gap.min((hi - lo) / n.max(2) as f64);
    for i in 0..n {
        let min = if i == 0 { lo } else { ys[i - 1] + gap };
        ys[i] = ys[i].max(min);
    }
    for i in (0..n).rev() {
        let max = if i == n - 1 { hi } else { ys[i + 1] - gap };
        ys[i] = ys[i].min(max);
    }
}

/// The x axis of the path and CV charts: log10 of the positive alphas.
pub struct AlphaAxis {
    pub scale: Scale,
    pub ticks: Vec<(f64, String)>,
    /// (grid index, log10 alpha)
    pub points: Vec<(usize, f64)>,
}

impl AlphaAxis {
    pub fn new(alphas: &[f64], a: f64, b: f64) -> Option<AlphaAxis> {
        let points = log_alphas(alphas);
        let (lo, hi) = extent(points.iter().map(|(_, l)| *l))?;
        let (lo, hi) = if hi - lo < 1e-9 {
            (lo - 0.5, hi + 0.5)
        } else {
            // a little room so the end points and their error bars stay inside the frame
            let pad = (hi - lo) * 0.015;
            span(lo - pad, hi + pad)
        };
        let ticks = decade_ticks(lo, hi)
            .into_iter()
            .map(|t| (t, decade_label(t)))
            .collect();
        Some(AlphaAxis {
            scale: Scale::new(lo, hi, a, b),
            ticks,
            points,
        })
    }

    /// px of an alpha, if it is on the axis
    pub fn px(&self, alpha: f64) -> Option<f64> {
        (alpha.is_finite() && alpha > 0.0).then(|| self.scale.px(alpha.log10()))
    }
}

/// Nonzero counts along the top of a plot, at grid points at least 34 px apart.
pub fn nonzero_counts(s: &mut Svg, x: &AlphaAxis, n_nonzero: &[usize], area: Area) {
    let mut last = f64::NEG_INFINITY;
    let mut pts: Vec<(f64, usize)> = x
        .points
        .iter()
        .filter_map(|(i, l)| Some((x.scale.px(*l), *n_nonzero.get(*i)?)))
        .collect();
    pts.sort_by(|a, b| a.0.total_cmp(&b.0));
    for (px, k) in pts {
        if px - last < 34.0 {
            continue;
        }
        last = px;
        s.line(px, area.y, px, area.y - 5.0, Stroke::solid(AXIS, 1.0));
        s.text(
            px,
            area.y - 9.0,
            TICK_SIZE - 1.0,
            Anchor::Middle,
            MUTED,
            &k.to_string(),
        );
    }
    s.text(
        area.x + area.w / 2.0,
        area.y - 32.0,
        TICK_SIZE,
        Anchor::Middle,
        MUTED,
        "nonzero coefficients",
    );
}

/// Vertical alpha_min / alpha_1se lines (and the cursor), labelled inside the top.
pub fn markers(s: &mut Svg, input: &ChartInput, x: &AlphaAxis, area: Area) {
    let mut lines: Vec<(f64, String, &str, &str)> = Vec::new();
    if let Some(cv) = input.cv {
        lines.push((cv.alpha_min, "alpha_min".into(), MIN_LINE, "8 5"));
        lines.push((cv.alpha_1se, "alpha_1se".into(), SE_LINE, "3 4"));
    }
    if let Some(a) = input.cursor {
        lines.push((a, "selected".into(), CURSOR, "12 3 2 3"));
    }
    for (k, (alpha, name, color, dash)) in lines.into_iter().enumerate() {
        let Some(px) = x.px(alpha) else { continue };
        s.line(
            px,
            area.y,
            px,
            area.bottom(),
            Stroke::dashed(color, 2.0, dash),
        );
        let label = format!("{name} {}", num(alpha));
        // right of the line unless that runs out of the plot
        let tw = text_width(&label, TICK_SIZE);
        let (tx, anchor) = if px + 6.0 + tw < area.right() {
            (px + 6.0, Anchor::Start)
        } else {
            (px - 6.0, Anchor::End)
        };
        let ty = area.y + 20.0 + 18.0 * k as f64;
        let bx = if anchor == Anchor::Start {
            tx - 2.0
        } else {
            tx - tw - 2.0
        };
        s.backdrop(bx, ty - TICK_SIZE, tw + 4.0, TICK_SIZE + 4.0);
        s.text(tx, ty, TICK_SIZE, anchor, color, &label);
    }
}

/// A notice in the middle of an empty plot.
pub fn notice(s: &mut Svg, area: Area, text: &str) {
    s.rect(
        area.x,
        area.y,
        area.w,
        area.h,
        "none",
        Some(Stroke::solid(AXIS, 1.2)),
    );
    s.text(
        area.x + area.w / 2.0,
        area.y + area.h / 2.0,
        SUBTITLE_SIZE + 2.0,
        Anchor::Middle,
        MUTED,
        text,
    );
}

pub fn chart(input: &ChartInput) -> Chart {
    let path = input.path;
    let mut s = Svg::new(WIDTH, HEIGHT);
    let (w, h) = (WIDTH as f64, HEIGHT as f64);
    s.heading("Regularization path", &input.subtitle());
    let p = path.coef_std.ncols();
    let m = path.coef_std.nrows().min(path.alphas.len());

    // labels go left of the plot, at the small-alpha ends; the y axis is on the right
    let label_w = (0..p)
        .map(|j| text_width(&input.name(j), LABEL_SIZE))
        .fold(60.0, f64::max)
        .min(220.0);
    let area = Area {
        x: 40.0 + label_w + 24.0,
        y: 130.0,
        w: w - (40.0 + label_w + 24.0) - 120.0,
        h: h - 130.0 - 90.0,
    };
    let Some(x) = AlphaAxis::new(&path.alphas[..m], area.x, area.right()) else {
        notice(
            &mut s,
            area,
            "no positive alpha to put on a log axis (OLS is a single fit at alpha = 0)",
        );
        return Chart {
            name: "path",
            width: WIDTH,
            height: HEIGHT,
            svg: s.finish(),
        };
    };
    let vals = x
        .points
        .iter()
        .flat_map(|(i, _)| path.coef_std.row(*i).to_vec())
        .chain([0.0]);
    let (lo, hi) = extent(vals).unwrap_or((-1.0, 1.0));
    let (lo, hi) = span(lo, hi);
    let pad = (hi - lo) * 0.04;
    let y = Scale::new(lo - pad, hi + pad, area.bottom(), area.y);
    let y_ticks = labelled(nice_ticks(lo - pad, hi + pad, 6));
    let y_label = if input.standardize {
        "coefficient (standardized scale)"
    } else {
        "coefficient (centred scale)"
    };
    Frame {
        area,
        x: x.scale,
        y,
        x_ticks: &x.ticks,
        y_ticks: &y_ticks,
        y_side: Side::Right,
        x_label: "alpha (log scale; more penalty to the right)",
        y_label,
    }
    .draw(&mut s);
    s.line(
        area.x,
        y.px(0.0),
        area.right(),
        y.px(0.0),
        Stroke::solid(AXIS, 1.0),
    );
    nonzero_counts(&mut s, &x, &path.n_nonzero, area);

    // the smallest alpha is the labelled end
    let end = x
        .points
        .iter()
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, _)| *i)
        .unwrap_or(0);
    let mut by_x = x.points.clone();
    by_x.sort_by(|a, b| a.1.total_cmp(&b.1));
    for j in 0..p {
        let pts: Vec<(f64, f64)> = by_x
            .iter()
            .map(|(i, l)| (x.scale.px(*l), y.px(path.coef_std[(*i, j)])))
            .collect();
        s.polyline(&pts, Stroke::solid(PALETTE[j % PALETTE.len()], 2.0));
    }
    markers(&mut s, input, &x, area);

    let mut ends: Vec<(usize, f64)> = (0..p)
        .map(|j| (j, path.coef_std[(end, j)]))
        .filter(|(_, v)| v.is_finite() && *v != 0.0)
        .collect();
    ends.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then(a.0.cmp(&b.0)));
    let left_out = ends.len().saturating_sub(MAX_LABELS);
    ends.truncate(MAX_LABELS);
    ends.sort_by(|a, b| y.px(a.1).total_cmp(&y.px(b.1)));
    let want: Vec<f64> = ends.iter().map(|(_, v)| y.px(*v)).collect();
    let mut at = want.clone();
    spread(
        &mut at,
        LABEL_SIZE + 3.0,
        area.y + LABEL_SIZE,
        area.bottom(),
    );
    for (k, (j, _)) in ends.iter().enumerate() {
        let color = PALETTE[j % PALETTE.len()];
        s.line(
            area.x,
            want[k],
            area.x - 10.0,
            at[k],
            Stroke::solid(color, 1.2),
        );
        s.text(
            area.x - 13.0,
            at[k] + LABEL_SIZE * 0.35,
            LABEL_SIZE,
            Anchor::End,
            color,
            &fit(&input.name(*j), LABEL_SIZE, label_w),
        );
    }
    let zero_at_end = p - ends.len() - left_out;
    let mut note = String::new();
    if left_out > 0 {
        note.push_str(&format!("{left_out} smaller lines unlabelled; "));
    }
    if zero_at_end > 0 {
        note.push_str(&format!(
            "{zero_at_end} features are 0 at the smallest alpha; "
        ));
    }
    if x.points.len() < m {
        note.push_str("alpha = 0 is not on the log axis; ");
    }
    if !note.is_empty() {
        let note = note.trim_end_matches("; ");
        s.text(40.0, h - 20.0, TICK_SIZE, Anchor::Start, MUTED, note);
    }
    Chart {
        name: "path",
        width: WIDTH,
        height: HEIGHT,
        svg: s.finish(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_keeps_order_gap_and_bounds() {
        let mut ys = vec![10.0, 11.0, 12.0, 50.0];
        spread(&mut ys, 5.0, 0.0, 100.0);
        for w in ys.windows(2) {
            assert!(w[1] - w[0] >= 5.0 - 1e-9, "{ys:?}");
        }
        assert!(ys[0] >= 0.0 && ys[3] <= 100.0);
        assert_eq!(ys[3], 50.0);
        // crowded at the bottom: pushed up, still inside
        let mut ys = vec![99.0, 100.0, 100.0];
        spread(&mut ys, 10.0, 0.0, 100.0);
        assert_eq!(ys, vec![80.0, 90.0, 100.0]);
        // more labels than room: squeezed, still ordered and inside
        let mut ys = vec![5.0; 30];
        spread(&mut ys, 10.0, 0.0, 100.0);
        assert!(ys.windows(2).all(|w| w[1] >= w[0]));
        assert!(ys.iter().all(|v| (0.0..=100.0).contains(v)));
    }
}
