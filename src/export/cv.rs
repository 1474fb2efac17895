//! The CV chart: the held-out mean squared error with +-1 SE bars, the training error
//! (mean over the folds), the alpha_min / alpha_1se lines with the 1-SE threshold, and
//! nonzero counts along the top, on the path chart's alpha axis.

use super::axis::{Area, Frame, Scale, Side, extent, labelled, nice_ticks, num, span};
use super::path::{AlphaAxis, markers, nonzero_counts, notice};
use super::style::{CV, MIN_LINE, SE_LINE, TEXT, TICK_SIZE, TRAIN};
use super::svg::{Anchor, Stroke, Svg};
use super::{Chart, ChartInput};
use crate::solver::CvResult;

pub const WIDTH: u32 = 1400;
pub const HEIGHT: u32 = 800;

pub fn chart(input: &ChartInput, cv: &CvResult) -> Chart {
    let mut s = Svg::new(WIDTH, HEIGHT);
    let (w, h) = (WIDTH as f64, HEIGHT as f64);
    let m = cv
        .cv_mean
        .len()
        .min(cv.cv_se.len())
        .min(input.path.alphas.len());
    s.heading(
        &format!("{}-fold cross-validation", cv.folds),
        &input.subtitle(),
    );
    let area = Area {
        x: 120.0,
        y: 160.0,
        w: w - 120.0 - 60.0,
        h: h - 160.0 - 90.0,
    };
    let Some(x) = AlphaAxis::new(&input.path.alphas[..m], area.x, area.right()) else {
        let text = match (cv.cv_mean.first(), cv.cv_se.first()) {
            (Some(mean), Some(se)) => format!(
                "a single fit at alpha = 0: CV mean squared error {} ± {}",
                num(*mean),
                num(*se)
            ),
            _ => "no CV result to draw".into(),
        };
        notice(&mut s, area, &text);
        return Chart {
            name: "cv",
            width: WIDTH,
            height: HEIGHT,
            svg: s.finish(),
        };
    };
    legend(&mut s, 40.0, 94.0);
    let train: Vec<f64> = (0..m)
        .map(|i| {
            if i >= cv.train_mse.ncols() || cv.train_mse.nrows() == 0 {
                return f64::NAN;
            }
            let col = cv.train_mse.column(i);
            col.sum() / col.len() as f64
        })
        .collect();
    let vals = x.points.iter().map(|(i, _)| *i).flat_map(|i| {
        [
            cv.cv_mean[i] - cv.cv_se[i],
            cv.cv_mean[i] + cv.cv_se[i],
            train[i],
        ]
    });
    let (lo, hi) = extent(vals).unwrap_or((0.0, 1.0));
    let (lo, hi) = span(lo, hi);
    let pad = (hi - lo) * 0.05;
    let y = Scale::new(lo - pad, hi + pad, area.bottom(), area.y);
    let y_ticks = labelled(nice_ticks(lo - pad, hi + pad, 6));
    Frame {
        area,
        x: x.scale,
        y,
        x_ticks: &x.ticks,
        y_ticks: &y_ticks,
        y_side: Side::Left,
        x_label: "alpha (log scale; more penalty to the right)",
        y_label: "mean squared error",
    }
    .draw(&mut s);
    nonzero_counts(&mut s, &x, &input.path.n_nonzero, area);

    // the 1-SE threshold the alpha_1se rule uses
    if let (Some(mean), Some(se)) = (cv.cv_mean.get(cv.index_min), cv.cv_se.get(cv.index_min)) {
        let ty = y.px(mean + se);
        if ty.is_finite() && ty >= area.y && ty <= area.bottom() {
            s.line(
                area.x,
                ty,
                area.right(),
                ty,
                Stroke::dashed(SE_LINE, 1.0, "2 4"),
            );
        }
    }
    let mut by_x = x.points.clone();
    by_x.sort_by(|a, b| a.1.total_cmp(&b.1));
    let train_pts: Vec<(f64, f64)> = by_x
        .iter()
        .map(|(i, l)| (x.scale.px(*l), y.px(train[*i])))
        .collect();
    s.polyline(&train_pts, Stroke::solid(TRAIN, 2.5));
    let cap = (area.w / by_x.len().max(1) as f64 * 0.3).clamp(1.5, 5.0);
    for (i, l) in &by_x {
        let px = x.scale.px(*l);
        let (mean, se) = (cv.cv_mean[*i], cv.cv_se[*i]);
        if se.is_finite() && se > 0.0 {
            let (y0, y1) = (y.px(mean - se), y.px(mean + se));
            let st = Stroke::solid("#9b9b9b", 1.2);
            s.line(px, y0, px, y1, st);
            s.line(px - cap, y0, px + cap, y0, st);
            s.line(px - cap, y1, px + cap, y1, st);
        }
    }
    let cv_pts: Vec<(f64, f64)> = by_x
        .iter()
        .map(|(i, l)| (x.scale.px(*l), y.px(cv.cv_mean[*i])))
        .collect();
    s.polyline(&cv_pts, Stroke::solid(CV, 1.5));
    for (px, py) in &cv_pts {
        s.circle(*px, *py, 3.5, CV, None);
    }
    markers(&mut s, input, &x, area);
    Chart {
        name: "cv",
        width: WIDTH,
        height: HEIGHT,
        svg: s.finish(),
    }
}

/// One row of legend entries under the subtitle.
fn legend(s: &mut Svg, x0: f64, y: f64) {
    let entries: [(&str, &str, Option<&str>); 5] = [
        (CV, "CV mean ± 1 SE", None),
        (TRAIN, "training error (mean over folds)", None),
        (MIN_LINE, "alpha_min: least CV error", Some("8 5")),
        (SE_LINE, "alpha_1se: largest alpha within 1 SE", Some("3 4")),
        (SE_LINE, "1-SE threshold", Some("2 4")),
    ];
    let mut x = x0;
    for (color, text, dash) in entries {
        let st = match dash {
            Some(d) => Stroke::dashed(color, 2.0, d),
            None => Stroke::solid(color, 2.5),
        };
        s.line(x, y - 5.0, x + 28.0, y - 5.0, st);
        if dash.is_none() && color == CV {
            s.circle(x + 14.0, y - 5.0, 3.5, CV, None);
        }
        s.text(x + 34.0, y, TICK_SIZE, Anchor::Start, TEXT, text);
        x += 34.0 + super::font::text_width(text, TICK_SIZE) + 30.0;
    }
}
