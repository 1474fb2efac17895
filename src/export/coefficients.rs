//! The coefficient chart: signed horizontal bars at one alpha, the standardized scale
//! on the left and the original scale on the right, on shared rows ordered by
//! |coef_std|. Zero coefficients get a hollow dot and "0" (or "constant").

use super::axis::{Area, Frame, Scale, Side, extent, labelled, nice_ticks, num};
use super::font::{fit, text_width};
use super::style::{AXIS, MUTED, NEGATIVE, POSITIVE, SUBTITLE_SIZE, TEXT, TICK_SIZE, ZERO};
use super::svg::{Anchor, Stroke, Svg};
use super::{Chart, ChartInput};

pub const WIDTH: u32 = 1400;
const MIN_HEIGHT: u32 = 700;
/// rows beyond this many are left out (the smallest |coef_std|), with a note
const MAX_ROWS: usize = 40;
const ROW: f64 = 24.0;
const VALUE_SIZE: f64 = 12.0;
const TOP: f64 = 130.0;
const BOTTOM: f64 = 80.0;

pub fn chart(input: &ChartInput) -> Chart {
    let c = &input.coefs;
    let p = c.coef.len().min(c.coef_std.len());
    let mut order: Vec<usize> = (0..p).collect();
    let mag = |j: usize| {
        let v = c.coef_std[j].abs();
        if v.is_nan() { -1.0 } else { v }
    };
    order.sort_by(|&a, &b| mag(b).total_cmp(&mag(a)).then(a.cmp(&b)));
    let shown = &order[..p.min(MAX_ROWS)];
    let rows = shown.len().max(1) as f64;
    let height = ((TOP + rows * ROW + BOTTOM).ceil() as u32).max(MIN_HEIGHT);
    let row_h = (height as f64 - TOP - BOTTOM) / rows;
    let constant = |j: usize| input.path.constant.get(j).copied().unwrap_or(false);

    let mut s = Svg::new(WIDTH, height);
    let nnz = (0..p).filter(|&j| c.coef_std[j] != 0.0).count();
    let w = WIDTH as f64;
    let mut sub = format!(
        "{}; intercept {} (original scale)",
        input.subtitle(),
        num(c.intercept)
    );
    if p > shown.len() {
        sub.push_str(&format!("; the {} largest |coef_std| of {p}", shown.len()));
    }
    s.heading(
        &format!(
            "Coefficients at alpha = {}  ({nnz} of {p} nonzero)",
            num(c.alpha)
        ),
        &sub,
    );

    // the name column, then two panels with room for their value labels
    let names: Vec<String> = shown.iter().map(|&j| input.name(j)).collect();
    let name_w = names
        .iter()
        .map(|n| text_width(n, TICK_SIZE))
        .fold(40.0, f64::max)
        .min(240.0);
    let left = 40.0 + name_w + 16.0;
    let gap = 60.0;
    let panel_w = (w - left - 40.0 - gap) / 2.0;
    let plot_h = rows * row_h;
    let std_label = if input.standardize {
        "standardized scale (coef_std)"
    } else {
        "centred scale (coef_std)"
    };
    let panels = [
        (
            Area {
                x: left,
                y: TOP,
                w: panel_w,
                h: plot_h,
            },
            &c.coef_std,
            std_label,
        ),
        (
            Area {
                x: left + panel_w + gap,
                y: TOP,
                w: panel_w,
                h: plot_h,
            },
            &c.coef,
            "original scale (coef)",
        ),
    ];

    // alternate row shading across both panels, so a row reads left to right
    for r in (1..shown.len()).step_by(2) {
        let y = TOP + r as f64 * row_h;
        s.rect(40.0, y, w - 80.0, row_h, "#f6f6f6", None);
    }
    for (r, name) in names.iter().enumerate() {
        let y = TOP + (r as f64 + 0.5) * row_h + TICK_SIZE * 0.35;
        s.text(
            left - 12.0,
            y,
            TICK_SIZE,
            Anchor::End,
            TEXT,
            &fit(name, TICK_SIZE, name_w),
        );
    }

    for (area, vals, label) in panels {
        let labels: Vec<String> = shown.iter().map(|&j| num(vals[j])).collect();
        let room = |neg: bool| {
            shown
                .iter()
                .zip(&labels)
                .filter(|(j, _)| (vals[**j] < 0.0) == neg && vals[**j] != 0.0)
                .map(|(_, l)| text_width(l, VALUE_SIZE) + 10.0)
                .fold(14.0, f64::max)
        };
        let (lo, hi) = extent(shown.iter().map(|&j| vals[j]).chain([0.0])).unwrap_or((0.0, 0.0));
        let (lo, hi) = if lo == hi { (-1.0, 1.0) } else { (lo, hi) };
        // the bars end where their value labels still fit inside the panel
        let x = Scale::new(lo, hi, area.x + room(true), area.right() - room(false));
        let ticks = labelled(nice_ticks(lo, hi, 5));
        let y = Scale::new(0.0, 1.0, area.y, area.bottom());
        Frame {
            area,
            x,
            y,
            x_ticks: &ticks,
            y_ticks: &[],
            y_side: Side::Left,
            x_label: "",
            y_label: "",
        }
        .draw(&mut s);
        s.title(
            area.x + area.w / 2.0,
            TOP - 14.0,
            SUBTITLE_SIZE + 1.0,
            Anchor::Middle,
            label,
        );
        let x0 = x.px(0.0);
        s.line(x0, area.y, x0, area.bottom(), Stroke::solid(AXIS, 1.2));
        for (r, &j) in shown.iter().enumerate() {
            let v = vals[j];
            let yc = area.y + (r as f64 + 0.5) * row_h;
            let ty = yc + VALUE_SIZE * 0.35;
            if v == 0.0 || !v.is_finite() {
                s.circle(x0, yc, 4.0, "#ffffff", Some(Stroke::solid(ZERO, 1.5)));
                let note = if constant(j) {
                    "constant"
                } else if v == 0.0 {
                    "0"
                } else {
                    "not finite"
                };
                s.text(x0 + 8.0, ty, VALUE_SIZE, Anchor::Start, MUTED, note);
                continue;
            }
            let xv = x.px(v);
            let bar_h = (row_h * 0.62).clamp(3.0, 28.0);
            let color = if v > 0.0 { POSITIVE } else { NEGATIVE };
            s.rect(
                x0.min(xv),
                yc - bar_h / 2.0,
                (xv - x0).abs(),
                bar_h,
                color,
                None,
            );
            let (tx, anchor) = if v > 0.0 {
                (xv + 5.0, Anchor::Start)
            } else {
                (xv - 5.0, Anchor::End)
            };
            s.text(tx, ty, VALUE_SIZE, anchor, TEXT, &num(v));
        }
    }
    s.text(
        40.0,
        height as f64 - 24.0,
        TICK_SIZE,
        Anchor::Start,
        MUTED,
        "bars: positive blue, negative orange; hollow dot: coefficient exactly 0",
    );
    Chart {
        name: "coefficients",
        width: WIDTH,
        height,
        svg: s.finish(),
    }
}
