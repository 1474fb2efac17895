//! The one font of the charts, compiled in so a PNG renders the same text on a machine
//! with no fonts at all: DejaVu Sans (Bitstream Vera license, `font/LICENSE`).
//! Text widths come from its advance table, so the layout can keep labels from
//! overlapping or running off the canvas.

use std::sync::OnceLock;

/// The family name the SVG asks for; it is the embedded font's own name.
pub const FAMILY: &str = "DejaVu Sans";

/// DejaVuSans.ttf, version 2.37.
pub static TTF: &[u8] = include_bytes!("font/DejaVuSans.ttf");

/// (units per em, advance of each char below U+0250 in font units; 0 = no glyph)
struct Metrics {
    upem: f64,
    advance: Vec<u16>,
    fallback: u16,
}

fn metrics() -> &'static Metrics {
    static M: OnceLock<Metrics> = OnceLock::new();
    M.get_or_init(|| match ttf_parser::Face::parse(TTF, 0) {
        Ok(face) => {
            let adv = |c: char| {
                face.glyph_index(c)
                    .and_then(|g| face.glyph_hor_advance(g))
                    .unwrap_or(0)
            };
            let advance: Vec<u16> = (0u32..0x250)
                .map(|u| char::from_u32(u).map_or(0, adv))
                .collect();
            Metrics {
                upem: face.units_per_em() as f64,
                fallback: adv('M'),
                advance,
            }
        }
        // the bytes are compiled in and tested below; an em per char is a safe guess
        Err(_) => Metrics {
            upem: 1.0,
            advance: Vec::new(),
            fallback: 1,
        },
    })
}

/// The width of `s` in px at font size `size` (no kerning: a slight overestimate).
pub fn text_width(s: &str, size: f64) -> f64 {
    let m = metrics();
    let units: f64 = s
        .chars()
        .map(|c| {
            let a = m.advance.get(c as usize).copied().unwrap_or(0);
            (if a == 0 { m.fallback } else { a }) as f64
        })
        .sum();
    units / m.upem * size
}

/// `s` shortened with an ellipsis to fit `max` px at `size`.
pub fn fit(s: &str, size: f64, max: f64) -> String {
    if text_width(s, size) <= max {
        return s.to_string();
    }
    let mut out: String = s.to_string();
    while !out.is_empty() {
        out.pop();
        let t = format!("{out}…");
        if text_width(&t, size) <= max {
            return t;
        }
    }
    String::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_font_parses_and_measures() {
        let face = ttf_parser::Face::parse(TTF, 0).expect("embedded font parses");
        assert!(face.glyph_index('a').is_some());
        let w = text_width("MMMM", 10.0);
        assert!(w > 20.0 && w < 50.0, "width {w}");
        assert!(text_width("iiii", 10.0) < w);
        assert_eq!(text_width("", 10.0), 0.0);
        // twice the size, twice the width
        assert!((text_width("abc", 20.0) - 2.0 * text_width("abc", 10.0)).abs() < 1e-9);
    }

    #[test]
    fn fit_shortens_with_an_ellipsis() {
        assert_eq!(fit("short", 10.0, 1000.0), "short");
        let f = fit("a_very_long_feature_name", 10.0, 60.0);
        assert!(f.ends_with('…'), "{f}");
        assert!(text_width(&f, 10.0) <= 60.0);
        assert_eq!(fit("abc", 10.0, 0.0), "");
    }
}
