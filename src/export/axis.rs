//! Scales, ticks and number labels shared by the charts, and the plot-area frame.
//! Every range is made finite and non-empty first, so inf/NaN data or a flat curve
//! still give a drawable axis.

use super::style::{AXIS, GRID, TEXT, TICK_SIZE};
use super::svg::{Anchor, Stroke, Svg};

/// A rectangle in px: the plot area of a panel.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Area {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Area {
    pub fn right(&self) -> f64 {
        self.x + self.w
    }
    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }
}

/// A linear map from data `lo..hi` to px `a..b` (b < a for a y axis).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    pub lo: f64,
    pub hi: f64,
    pub a: f64,
    pub b: f64,
}

impl Scale {
    pub fn new(lo: f64, hi: f64, a: f64, b: f64) -> Scale {
        let (lo, hi) = span(lo, hi);
        Scale { lo, hi, a, b }
    }

    /// px of a data value; non-finite values stay non-finite (the SVG writer drops them)
    pub fn px(&self, v: f64) -> f64 {
        self.a + (v - self.lo) / (self.hi - self.lo) * (self.b - self.a)
    }
}

/// A finite, non-empty range: NaN/inf ends are replaced, a point gets room either side.
pub fn span(lo: f64, hi: f64) -> (f64, f64) {
    let (lo, hi) = match (lo.is_finite(), hi.is_finite()) {
        (true, true) => (lo.min(hi), lo.max(hi)),
        (true, false) => (lo, lo),
        (false, true) => (hi, hi),
        (false, false) => (0.0, 1.0),
    };
    if hi - lo > 1e-12 * lo.abs().max(hi.abs()).max(1e-300) {
        (lo, hi)
    } else if lo == 0.0 {
        (-1.0, 1.0)
    } else {
        let d = lo.abs() * 0.1;
        (lo - d, hi + d)
    }
}

/// The finite min and max of some values, if any.
pub fn extent(vals: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
    let mut r: Option<(f64, f64)> = None;
    for v in vals.into_iter().filter(|v| v.is_finite()) {
        r = Some(match r {
            None => (v, v),
            Some((a, b)) => (a.min(v), b.max(v)),
        });
    }
    r
}

/// About `target` round ticks inside `lo..=hi` (steps of 1, 2 or 5 times a power of ten).
pub fn nice_ticks(lo: f64, hi: f64, target: usize) -> Vec<f64> {
    let (lo, hi) = span(lo, hi);
    let raw = (hi - lo) / target.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    if !(step.is_finite() && step > 0.0) {
        return vec![lo, hi];
    }
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    if last - first > 1000 {
        return vec![lo, hi];
    }
    (first..=last).map(|k| k as f64 * step).collect()
}

/// Integer decades inside a log10 range; with fewer than two, the ends themselves.
pub fn decade_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let (lo, hi) = span(lo, hi);
    let (a, b) = (lo.ceil() as i64, hi.floor() as i64);
    if b - a >= 1 && b - a <= 60 {
        let step = ((b - a) / 8 + 1).max(1);
        (a..=b)
            .filter(|k| (k - a) % step == 0)
            .map(|k| k as f64)
            .collect()
    } else {
        nice_ticks(lo, hi, 4)
    }
}

/// A tick or label value: the project's number format with four significant digits.
pub fn num(v: f64) -> String {
    crate::fmt::num_sig(v, 4)
}

/// The label of a log10 tick: 10^k as 1e-3, 0.01, 0.1, 1, 10, 100, 1e3.
pub fn decade_label(l: f64) -> String {
    if (l - l.round()).abs() < 1e-9 {
        let k = l.round() as i32;
        return match k {
            -2..=2 => num(10f64.powi(k)),
            _ => format!("1e{k}"),
        };
    }
    num(10f64.powf(l))
}

/// Where a horizontal axis goes: below or above the plot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Left,
    Right,
}

/// Grid lines, the frame and the tick labels of one panel.
pub struct Frame<'a> {
    pub area: Area,
    pub x: Scale,
    pub y: Scale,
    pub x_ticks: &'a [(f64, String)],
    pub y_ticks: &'a [(f64, String)],
    pub y_side: Side,
    pub x_label: &'a str,
    pub y_label: &'a str,
}

impl Frame<'_> {
    pub fn draw(&self, s: &mut Svg) {
        let a = self.area;
        let grid = Stroke::solid(GRID, 1.0);
        for (v, _) in self.x_ticks {
            let x = self.x.px(*v);
            s.line(x, a.y, x, a.bottom(), grid);
        }
        for (v, _) in self.y_ticks {
            let y = self.y.px(*v);
            s.line(a.x, y, a.right(), y, grid);
        }
        s.rect(a.x, a.y, a.w, a.h, "none", Some(Stroke::solid(AXIS, 1.2)));
        for (v, label) in self.x_ticks {
            let x = self.x.px(*v);
            s.line(x, a.bottom(), x, a.bottom() + 5.0, Stroke::solid(AXIS, 1.2));
            s.text(x, a.bottom() + 22.0, TICK_SIZE, Anchor::Middle, TEXT, label);
        }
        let (tx, anchor, tick) = match self.y_side {
            Side::Left => (a.x - 9.0, Anchor::End, -5.0),
            Side::Right => (a.right() + 9.0, Anchor::Start, 5.0),
        };
        let edge = if self.y_side == Side::Left {
            a.x
        } else {
            a.right()
        };
        for (v, label) in self.y_ticks {
            let y = self.y.px(*v);
            s.line(edge, y, edge + tick, y, Stroke::solid(AXIS, 1.2));
            s.text(tx, y + TICK_SIZE * 0.35, TICK_SIZE, anchor, TEXT, label);
        }
        s.text(
            a.x + a.w / 2.0,
            a.bottom() + 48.0,
            TICK_SIZE + 2.0,
            Anchor::Middle,
            TEXT,
            self.x_label,
        );
        let widest = self
            .y_ticks
            .iter()
            .map(|(_, l)| super::font::text_width(l, TICK_SIZE))
            .fold(0.0, f64::max);
        let (ly, deg) = match self.y_side {
            Side::Left => (a.x - 22.0 - widest, -90.0),
            Side::Right => (a.right() + 26.0 + widest, 90.0),
        };
        s.text_rot(
            ly,
            a.y + a.h / 2.0,
            TICK_SIZE + 2.0,
            Anchor::Middle,
            TEXT,
            self.y_label,
            deg,
        );
    }
}

/// Tick positions with their labels, for a linear axis.
pub fn labelled(ticks: Vec<f64>) -> Vec<(f64, String)> {
    ticks.into_iter().map(|t| (t, num(t))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn span_repairs_bad_ranges() {
        assert_eq!(span(1.0, 3.0), (1.0, 3.0));
        assert_eq!(span(3.0, 1.0), (1.0, 3.0));
        assert_eq!(span(0.0, 0.0), (-1.0, 1.0));
        assert_eq!(span(f64::NAN, f64::INFINITY), (0.0, 1.0));
        let (a, b) = span(5.0, 5.0);
        assert!(a < 5.0 && b > 5.0);
        let (a, b) = span(f64::NEG_INFINITY, 2.0);
        assert!(a < 2.0 && b > 2.0);
    }

    #[test]
    fn nice_ticks_are_round_and_inside() {
        let t = nice_ticks(0.0, 1.0, 5);
        assert_eq!(t, vec![0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0]);
        let t = nice_ticks(-37.0, 812.0, 5);
        assert!(t.iter().all(|v| (-37.0..=812.0).contains(v)));
        assert!(t.len() >= 3 && t.len() <= 10, "{t:?}");
        assert!(!nice_ticks(f64::NAN, f64::NAN, 5).is_empty());
        assert!(!nice_ticks(1e300, f64::MAX, 5).is_empty());
    }

    #[test]
    fn decades_inside_the_range() {
        assert_eq!(decade_ticks(-3.2, 0.5), vec![-3.0, -2.0, -1.0, 0.0]);
        // less than a decade: round ticks instead
        assert!(decade_ticks(0.1, 0.4).len() >= 2);
        assert_eq!(decade_label(-1.0), "0.1");
        assert_eq!(decade_label(3.0), "1e3");
        assert_eq!(decade_label(-4.0), "1e-4");
    }

    #[test]
    fn numbers_are_compact() {
        assert_eq!(num(0.0), "0");
        assert_eq!(num(12.5), "12.5");
        assert_eq!(num(1234.5678), "1235");
        assert_eq!(num(0.012346), "0.01235");
        assert_eq!(num(34.941), "34.94");
        assert_eq!(num(0.6000000000000001), "0.6");
        assert_eq!(num(152.13348), "152.1");
        assert_eq!(num(123456.0), "1.235e5");
        assert_eq!(num(-3.4e-6), "-3.4e-6");
        assert_eq!(num(f64::NAN), "NaN");
    }

    #[test]
    fn scale_maps_ends_and_survives_flat_ranges() {
        let s = Scale::new(0.0, 10.0, 100.0, 200.0);
        assert_eq!(s.px(0.0), 100.0);
        assert_eq!(s.px(10.0), 200.0);
        let flat = Scale::new(2.0, 2.0, 0.0, 100.0);
        assert!(flat.px(2.0).is_finite());
        assert!(flat.px(f64::NAN).is_nan());
    }
}
