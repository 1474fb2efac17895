//! Log10 axes: the value <-> column mapping shared by the curves, the cursor and the
//! tick labels, decade ticks, and compact number labels. Pure; unit-tested.

/// A horizontal axis in log10(alpha) over `width` columns: column 0 is `lo`,
/// column `width - 1` is `hi` (alpha grows to the right, as in glmnet's plots).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LogAxis {
    pub lo: f64,
    pub hi: f64,
    pub width: u16,
}

impl LogAxis {
    /// From the alphas of a grid (any order). Zero/negative alphas are ignored; a
    /// single alpha gets half a decade either side.
    pub fn from_alphas(alphas: &[f64], width: u16) -> Option<LogAxis> {
        let logs: Vec<f64> = alphas
            .iter()
            .filter(|a| **a > 0.0 && a.is_finite())
            .map(|a| a.log10())
            .collect();
        let lo = logs.iter().cloned().fold(f64::INFINITY, f64::min);
        let hi = logs.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        if !lo.is_finite() || width == 0 {
            return None;
        }
        let (lo, hi) = if hi - lo < 1e-9 {
            (lo - 0.5, hi + 0.5)
        } else {
            (lo, hi)
        };
        Some(LogAxis { lo, hi, width })
    }

    /// The column of an alpha, clamped to the axis.
    pub fn col(&self, alpha: f64) -> u16 {
        self.col_of_log(alpha.max(f64::MIN_POSITIVE).log10())
    }

    pub fn col_of_log(&self, l: f64) -> u16 {
        if self.width <= 1 {
            return 0;
        }
        let t = ((l - self.lo) / (self.hi - self.lo)).clamp(0.0, 1.0);
        (t * f64::from(self.width - 1)).round() as u16
    }

    /// log10(alpha) at the centre of a column.
    pub fn log_at(&self, col: u16) -> f64 {
        if self.width <= 1 {
            return self.lo;
        }
        self.lo + (self.hi - self.lo) * f64::from(col) / f64::from(self.width - 1)
    }

    /// Decade ticks inside the axis as (column, label). When fewer than two decades
    /// fall inside, the two ends are labelled instead.
    pub fn ticks(&self) -> Vec<(u16, String)> {
        let mut out = Vec::new();
        let (a, b) = (self.lo.ceil() as i32, self.hi.floor() as i32);
        if b - a >= 1 {
            let step = (((b - a) as f64) / (f64::from(self.width) / 6.0).max(1.0)).ceil() as i32;
            let step = step.max(1);
            let mut k = a;
            while k <= b {
                out.push((self.col_of_log(f64::from(k)), decade_label(k)));
                k += step;
            }
        } else {
            out.push((0, num(10f64.powf(self.lo))));
            out.push((self.width.saturating_sub(1), num(10f64.powf(self.hi))));
        }
        out
    }
}

/// "1", "10", "0.1", else "1e-3" / "1e4".
pub fn decade_label(k: i32) -> String {
    match k {
        0 => "1".into(),
        1 => "10".into(),
        2 => "100".into(),
        -1 => "0.1".into(),
        -2 => "0.01".into(),
        _ => format!("1e{k}"),
    }
}

/// The TUI's numbers: the project's one format ([`crate::fmt`]) with 4 significant
/// digits, for narrow panes.
pub fn num(v: f64) -> String {
    num_sig(v, 4)
}

/// [`num`] with `sig` significant digits (1..=6).
pub fn num_sig(v: f64, sig: usize) -> String {
    crate::fmt::num_sig(v, sig.clamp(1, 6))
}

/// A mean and its spread in one style: when either needs an exponent both get one, so
/// `1.172e5 ± 2.131e4` rather than `1.172e5 ± 21312`.
pub fn num_pm(mean: f64, spread: f64) -> (String, String) {
    let (a, b) = (num(mean), num(spread));
    if a.contains('e') == b.contains('e') || !mean.is_finite() || !spread.is_finite() {
        return (a, b);
    }
    (sci(mean), sci(spread))
}

/// 4 significant digits with an exponent, trailing zeros dropped (`2.131e4`, `5e-2`).
fn sci(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    let s = format!("{v:.3e}");
    match s.split_once('e') {
        Some((m, e)) => format!("{}e{e}", m.trim_end_matches('0').trim_end_matches('.')),
        None => s,
    }
}

/// A vertical linear axis over `height` rows: row 0 is `hi` (top).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinAxis {
    pub lo: f64,
    pub hi: f64,
    pub height: u16,
}

impl LinAxis {
    /// Any ends are accepted: non-finite ends give [0, 1], swapped ends are swapped
    /// back, and a zero range is widened (without leaving the finite floats).
    pub fn new(lo: f64, hi: f64, height: u16) -> LinAxis {
        let (lo, hi) = if !(lo.is_finite() && hi.is_finite()) {
            (0.0, 1.0)
        } else if lo > hi {
            (hi, lo)
        } else {
            (lo, hi)
        };
        let big = lo.abs().max(hi.abs());
        let (lo, hi) = if half_span(lo, hi) <= f64::EPSILON * big.max(1.0) {
            let pad = 0.5 * big.max(1e-12);
            ((lo - pad).max(-f64::MAX), (hi + pad).min(f64::MAX))
        } else {
            (lo, hi)
        };
        LinAxis { lo, hi, height }
    }

    /// Where `v` sits between the ends, in [0, 1]; `None` for NaN. Computed on halves
    /// so that no difference of two finite values overflows: a span of 1e308 turned
    /// into infinity made the canvas walk a line to `usize::MAX` (the frozen UI).
    pub fn frac(&self, v: f64) -> Option<f64> {
        if v.is_nan() {
            return None;
        }
        let t = (v / 2.0 - self.lo / 2.0) / half_span(self.lo, self.hi);
        Some(if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) })
    }

    /// The row of `v` (row 0 at the top); NaN goes to the bottom row.
    pub fn row(&self, v: f64) -> u16 {
        if self.height <= 1 {
            return 0;
        }
        let t = self.frac(v).unwrap_or(0.0);
        ((1.0 - t) * f64::from(self.height - 1)).round() as u16
    }
}

/// (hi - lo) / 2, finite for any finite ends.
fn half_span(lo: f64, hi: f64) -> f64 {
    hi / 2.0 - lo / 2.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_map_both_ends_and_round_trip() {
        let ax = LogAxis::from_alphas(&[1.0, 1e-3], 31).unwrap();
        assert_eq!(ax.col(1e-3), 0);
        assert_eq!(ax.col(1.0), 30);
        assert_eq!(ax.col(1e-2), 10);
        assert_eq!(ax.col(1e-9), 0, "clamped");
        for c in 0..31 {
            assert_eq!(ax.col_of_log(ax.log_at(c)), c);
        }
    }

    #[test]
    fn decade_ticks_and_labels() {
        let ax = LogAxis::from_alphas(&[2.0, 0.0005], 60).unwrap();
        let t = ax.ticks();
        let labels: Vec<&str> = t.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(labels, ["1e-3", "0.01", "0.1", "1"]);
        assert_eq!(t[0].0, ax.col(1e-3));
        // a narrow axis thins the decades
        let ax = LogAxis::from_alphas(&[1e3, 1e-6], 12).unwrap();
        assert!(ax.ticks().len() <= 5);
        // less than a decade: the ends
        let ax = LogAxis::from_alphas(&[0.5, 0.2], 20).unwrap();
        let t = ax.ticks();
        assert_eq!(t.len(), 2);
        assert_eq!(t[0], (0, "0.2".to_string()));
        assert_eq!(t[1], (19, "0.5".to_string()));
    }

    #[test]
    fn single_alpha_and_degenerate_inputs() {
        let ax = LogAxis::from_alphas(&[0.1], 10).unwrap();
        assert_eq!(ax.col(0.1), 5);
        assert!(LogAxis::from_alphas(&[0.0], 10).is_none());
        assert!(LogAxis::from_alphas(&[], 10).is_none());
        let ax = LogAxis::from_alphas(&[1.0, 0.1], 1).unwrap();
        assert_eq!(ax.col(0.5), 0);
    }

    #[test]
    fn number_labels() {
        assert_eq!(num(0.0), "0");
        assert_eq!(num(1234.5678), "1235");
        assert_eq!(num(0.012345), "0.01235");
        assert_eq!(num(2.5), "2.5");
        assert_eq!(num(1e-5), "1e-5");
        assert_eq!(num(1.2345e-5), "1.234e-5");
        assert_eq!(num(117_000.0), "1.17e5");
        assert_eq!(num(21312.0), "21312");
        assert_eq!(num(99999.9), "1e5");
        assert_eq!(num(f64::NAN), "NaN");
        assert_eq!(num(f64::NEG_INFINITY), "-inf");
        assert_eq!(num_sig(0.012345, 2), "0.012");
        assert_eq!(num_sig(-0.000_012_3, 2), "-1.2e-5");
        assert_eq!(num(-3.0), "-3");
        assert_eq!(
            num_pm(117_190.0, 21312.0),
            ("1.172e5".into(), "2.131e4".into())
        );
        assert_eq!(num_pm(2986.4, 248.3), ("2986".into(), "248.3".into()));
        assert_eq!(num_pm(0.5, 0.0), ("0.5".into(), "0".into()));
        assert_eq!(decade_label(-3), "1e-3");
    }

    #[test]
    fn linear_rows() {
        let ax = LinAxis::new(0.0, 10.0, 11);
        assert_eq!(ax.row(10.0), 0);
        assert_eq!(ax.row(0.0), 10);
        assert_eq!(ax.row(5.0), 5);
        let flat = LinAxis::new(3.0, 3.0, 5);
        assert_eq!(flat.row(3.0), 2);
    }

    /// The freeze of a target with one 1e308 (then `o`): the original-scale coefficients
    /// spanned more than f64::MAX, and the canvas got infinite coordinates.
    #[test]
    fn linear_axis_survives_the_float_limit() {
        let cases = [
            (-1e308, 1.7e308),
            (-f64::MAX, f64::MAX),
            (f64::MAX, f64::MAX),
            (-f64::MAX, -f64::MAX),
            (0.0, 0.0),
            (f64::NAN, 1.0),
            (f64::NEG_INFINITY, f64::INFINITY),
            (5.0, -5.0),
            (1e-320, 1e-320),
        ];
        for (lo, hi) in cases {
            let ax = LinAxis::new(lo, hi, 20);
            assert!(
                ax.lo.is_finite() && ax.hi.is_finite() && ax.lo < ax.hi,
                "{ax:?}"
            );
            for v in [
                lo,
                hi,
                0.0,
                1e308,
                -1e308,
                f64::MAX,
                f64::INFINITY,
                -f64::INFINITY,
            ] {
                if v.is_nan() {
                    // an axis built from NaN ends: NaN itself has no place (checked below)
                    continue;
                }
                let t = ax.frac(v);
                assert!(
                    t.is_some_and(|t| (0.0..=1.0).contains(&t)),
                    "{ax:?} {v} {t:?}"
                );
                assert!(ax.row(v) < 20);
                // what the canvas computes from it stays a small finite number
                let px = t.unwrap() * 199.0;
                assert!(px.is_finite() && px <= 199.0);
            }
            assert_eq!(ax.frac(f64::NAN), None);
        }
        let ax = LinAxis::new(-1e308, 1.7e308, 11);
        assert_eq!(ax.row(1.7e308), 0);
        assert_eq!(ax.row(-1e308), 10);
    }

    #[test]
    fn log_axis_and_labels_survive_odd_values() {
        let ax = LogAxis::from_alphas(&[f64::MAX, f64::MIN_POSITIVE, f64::NAN, f64::INFINITY], 40)
            .unwrap();
        assert!(ax.ticks().len() <= 40);
        assert_eq!(ax.col(f64::NAN), 0);
        assert_eq!(ax.col(f64::INFINITY), 39);
        for v in [
            f64::NAN,
            f64::INFINITY,
            -f64::INFINITY,
            f64::MAX,
            -f64::MIN_POSITIVE,
        ] {
            // at most a sign and ten characters
            assert!(num(v).len() <= 11, "{}", num(v));
        }
    }
}
