//! A minimal SVG writer: the few shapes the charts use, with coordinates rounded to
//! 0.01 px and every text escaped. Non-finite coordinates are dropped (a shape with
//! one is not drawn), so a NaN in the data can never produce an invalid file.

use std::fmt::Write;

use super::font::FAMILY;

/// Horizontal text anchor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

impl Anchor {
    fn name(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
}

/// Stroke style of a line or polyline.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stroke<'a> {
    pub color: &'a str,
    pub width: f64,
    /// "6 4" for a dashed line
    pub dash: Option<&'a str>,
}

impl<'a> Stroke<'a> {
    pub fn solid(color: &'a str, width: f64) -> Stroke<'a> {
        Stroke {
            color,
            width,
            dash: None,
        }
    }

    pub fn dashed(color: &'a str, width: f64, dash: &'a str) -> Stroke<'a> {
        Stroke {
            color,
            width,
            dash: Some(dash),
        }
    }

    fn attrs(&self) -> String {
        let mut s = format!(
            "stroke=\"{}\" stroke-width=\"{}\"",
            self.color,
            n(self.width)
        );
        if let Some(d) = self.dash {
            let _ = write!(s, " stroke-dasharray=\"{d}\"");
        }
        s
    }
}

/// A document being written.
pub struct Svg {
    pub width: u32,
    pub height: u32,
    body: String,
}

/// A coordinate as text: two decimals, trailing zeros dropped.
fn n(v: f64) -> String {
    let s = format!("{:.2}", v);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

fn finite(vs: &[f64]) -> bool {
    vs.iter().all(|v| v.is_finite())
}

/// Escape text for XML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // characters XML 1.0 forbids
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

impl Svg {
    /// A white canvas of `width` x `height` px.
    pub fn new(width: u32, height: u32) -> Svg {
        let mut s = Svg {
            width,
            height,
            body: String::new(),
        };
        s.rect(0.0, 0.0, width as f64, height as f64, "#ffffff", None);
        s
    }

    pub fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, st: Stroke) {
        if !finite(&[x1, y1, x2, y2]) {
            return;
        }
        let _ = writeln!(
            self.body,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" {}/>",
            n(x1),
            n(y1),
            n(x2),
            n(y2),
            st.attrs()
        );
    }

    /// A polyline through the finite points; a non-finite point breaks it in two.
    pub fn polyline(&mut self, pts: &[(f64, f64)], st: Stroke) {
        for run in pts.split(|(x, y)| !(x.is_finite() && y.is_finite())) {
            if run.len() < 2 {
                continue;
            }
            let points: Vec<String> = run
                .iter()
                .map(|(x, y)| format!("{},{}", n(*x), n(*y)))
                .collect();
            let _ = writeln!(
                self.body,
                "<polyline points=\"{}\" fill=\"none\" {} stroke-linejoin=\"round\"/>",
                points.join(" "),
                st.attrs()
            );
        }
    }

    /// A rectangle; negative width/height are normalized.
    pub fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, fill: &str, stroke: Option<Stroke>) {
        if !finite(&[x, y, w, h]) {
            return;
        }
        let (x, w) = if w < 0.0 { (x + w, -w) } else { (x, w) };
        let (y, h) = if h < 0.0 { (y + h, -h) } else { (y, h) };
        let st = stroke
            .map(|s| format!(" {}", s.attrs()))
            .unwrap_or_default();
        let _ = writeln!(
            self.body,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{fill}\"{st}/>",
            n(x),
            n(y),
            n(w),
            n(h)
        );
    }

    /// A translucent white box that keeps text readable over curves.
    pub fn backdrop(&mut self, x: f64, y: f64, w: f64, h: f64) {
        if !finite(&[x, y, w, h]) {
            return;
        }
        let _ = writeln!(
            self.body,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#ffffff\" fill-opacity=\"0.85\"/>",
            n(x),
            n(y),
            n(w.abs()),
            n(h.abs())
        );
    }

    pub fn circle(&mut self, cx: f64, cy: f64, r: f64, fill: &str, stroke: Option<Stroke>) {
        if !finite(&[cx, cy, r]) {
            return;
        }
        let st = stroke
            .map(|s| format!(" {}", s.attrs()))
            .unwrap_or_default();
        let _ = writeln!(
            self.body,
            "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{fill}\"{st}/>",
            n(cx),
            n(cy),
            n(r)
        );
    }

    /// Text with its baseline at `y`.
    pub fn text(&mut self, x: f64, y: f64, size: f64, anchor: Anchor, color: &str, s: &str) {
        self.text_rot(x, y, size, anchor, color, s, 0.0);
    }

    /// Bold text.
    /// A chart's heading at its top left: the title and, below it, the subtitle.
    pub fn heading(&mut self, title: &str, subtitle: &str) {
        use super::style::{MUTED, SUBTITLE_SIZE, TITLE_SIZE};
        self.title(40.0, 40.0, TITLE_SIZE, Anchor::Start, title);
        self.text(40.0, 66.0, SUBTITLE_SIZE, Anchor::Start, MUTED, subtitle);
    }

    pub fn title(&mut self, x: f64, y: f64, size: f64, anchor: Anchor, s: &str) {
        if !finite(&[x, y]) {
            return;
        }
        let _ = writeln!(
            self.body,
            "<text x=\"{}\" y=\"{}\" font-size=\"{}\" font-weight=\"bold\" text-anchor=\"{}\" fill=\"#202020\">{}</text>",
            n(x),
            n(y),
            n(size),
            anchor.name(),
            escape(s)
        );
    }

    /// Text rotated by `deg` degrees about its anchor point.
    #[allow(clippy::too_many_arguments)]
    pub fn text_rot(
        &mut self,
        x: f64,
        y: f64,
        size: f64,
        anchor: Anchor,
        color: &str,
        s: &str,
        deg: f64,
    ) {
        if !finite(&[x, y, deg]) || s.is_empty() {
            return;
        }
        let rot = if deg != 0.0 {
            format!(" transform=\"rotate({} {} {})\"", n(deg), n(x), n(y))
        } else {
            String::new()
        };
        let _ = writeln!(
            self.body,
            "<text x=\"{}\" y=\"{}\" font-size=\"{}\" text-anchor=\"{}\" fill=\"{color}\"{rot}>{}</text>",
            n(x),
            n(y),
            n(size),
            anchor.name(),
            escape(s)
        );
    }

    /// The finished document.
    pub fn finish(&self) -> String {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"{FAMILY}, sans-serif\">\n{}</svg>\n",
            self.body,
            w = self.width,
            h = self.height,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short_and_never_negative_zero() {
        assert_eq!(n(1.0), "1");
        assert_eq!(n(1.256), "1.26");
        assert_eq!(n(-0.001), "0");
        assert_eq!(n(12.5), "12.5");
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
        assert_eq!(escape("x\u{1}y"), "x y");
    }

    #[test]
    fn non_finite_shapes_are_dropped_and_polylines_split() {
        let mut s = Svg::new(10, 10);
        s.line(0.0, f64::NAN, 1.0, 1.0, Stroke::solid("#000", 1.0));
        s.circle(f64::INFINITY, 0.0, 1.0, "#000", None);
        let pts = [
            (0.0, 0.0),
            (1.0, 1.0),
            (2.0, f64::NAN),
            (3.0, 3.0),
            (4.0, 4.0),
        ];
        s.polyline(&pts, Stroke::solid("#000", 1.0));
        let out = s.finish();
        assert!(!out.contains("<line"));
        assert!(!out.contains("<circle"));
        assert_eq!(out.matches("<polyline").count(), 2);
        assert!(!out.contains("NaN") && !out.contains("inf"));
    }
}
