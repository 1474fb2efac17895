//! Signed horizontal coefficient bars around a zero column: feature name and value on
//! every row, exact zeros drawn distinctly (a zero mark, no bar, "0"), constant columns
//! flagged, the selection reversed and marked, scrolling to keep it visible.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::widgets::Widget;

use super::put_str;
use crate::tui::app::App;
use crate::tui::axis::{num, num_sig};

pub struct CoefBars<'a> {
    pub app: &'a App,
}

/// The largest |coef| over the whole path on the chosen scale (so bars shrink visibly
/// as alpha grows, instead of being rescaled at every step).
pub fn scale_max(app: &App) -> f64 {
    let mut mx = 0.0f64;
    for r in [app.path.as_ref(), app.point.as_ref().map(|p| &p.result)]
        .into_iter()
        .flatten()
    {
        let m = if app.original_scale {
            &r.coef
        } else {
            &r.coef_std
        };
        for v in m.iter() {
            if v.is_finite() {
                mx = mx.max(v.abs());
            }
        }
    }
    mx
}

/// A value as the bars show it: at most `w` characters.
fn value_text(v: f64, w: usize) -> String {
    let s = num(v);
    if s.len() <= w { s } else { num_sig(v, 2) }
}

impl Widget for &CoefBars<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.app;
        let (t, g) = (&app.theme, &app.glyphs);
        if area.height == 0 || area.width < 12 {
            return;
        }
        let Some(coefs) = app.coefs() else {
            super::no_result(app, area, buf);
            return;
        };
        let names = app.names();
        let constant = app.constant();
        let vis = app.visible_features();
        if vis.is_empty() {
            put_str(
                buf,
                area.x,
                area.y,
                "no feature matches the filter",
                area.width,
                t.dim(),
            );
            return;
        }
        let name_w = names
            .iter()
            .map(|n| n.chars().count())
            .max()
            .unwrap_or(4)
            .clamp(4, 16) as u16;
        let val_w: u16 = 9;
        // the CV folds' selection frequency at the cursor, when there is room for it
        let freq = app
            .selection_frequency()
            .filter(|_| area.width >= 2 + name_w + 1 + val_w + 5 + 12);
        let freq_w: u16 = if freq.is_some() { 5 } else { 0 };
        let fixed = 2 + name_w + 1 + val_w + freq_w + 1;
        let bar_w = area.width.saturating_sub(fixed);
        let half = bar_w / 2;
        let mx = scale_max(app);
        // header: the scale of the bars; when the list scrolls, the last row says where
        // (the header keeps the scale label)
        let scrolls = vis.len() > usize::from(area.height - 1) && area.height >= 3;
        let rows = area.height - 1 - u16::from(scrolls);
        let head = format!("{:<w$}", "feature", w = usize::from(name_w + 2));
        put_str(buf, area.x, area.y, &head, area.width, t.dim());
        put_str(
            buf,
            area.x + 2 + name_w + 1,
            area.y,
            &format!("{:>9}", "value"),
            val_w,
            t.dim(),
        );
        if freq.is_some() {
            put_str(
                buf,
                area.x + 2 + name_w + 1 + val_w,
                area.y,
                " sel",
                freq_w,
                t.dim(),
            );
        }
        if bar_w >= 8 && mx > 0.0 {
            let bx = area.x + fixed;
            put_str(buf, bx, area.y, &format!("-{}", num(mx)), half, t.dim());
            let r = num(mx);
            let rx = bx + bar_w.saturating_sub(r.len() as u16);
            put_str(buf, rx, area.y, &r, bar_w, t.dim());
            put_str(buf, bx + half, area.y, "0", 1, t.dim());
        }
        // scroll so the selection is visible
        let pos = vis.iter().position(|&j| j == app.selected).unwrap_or(0);
        let off = if usize::from(rows) == 0 {
            0
        } else {
            pos.saturating_sub(usize::from(rows) - 1)
        };
        for (r, &j) in vis.iter().skip(off).take(usize::from(rows)).enumerate() {
            let y = area.y + 1 + r as u16;
            let v = coefs.get(j).copied().unwrap_or(0.0);
            let is_const = constant.get(j).copied().unwrap_or(false);
            let sel = j == app.selected;
            let name_style = if sel {
                t.selected().add_modifier(Modifier::REVERSED)
            } else if v == 0.0 {
                t.zero()
            } else {
                t.plain()
            };
            if sel {
                put_str(buf, area.x, y, g.select, 1, t.selected());
            }
            let name: String = names.get(j).map_or(String::new(), |n| {
                n.chars().take(usize::from(name_w)).collect()
            });
            put_str(
                buf,
                area.x + 2,
                y,
                &format!("{name:<w$}", w = usize::from(name_w)),
                name_w,
                name_style,
            );
            let vt = if is_const {
                "const!".to_string()
            } else {
                value_text(v, usize::from(val_w))
            };
            let vstyle = if is_const {
                t.warn()
            } else if v == 0.0 {
                t.zero()
            } else {
                t.plain()
            };
            put_str(
                buf,
                area.x + 2 + name_w + 1,
                y,
                &format!("{vt:>9}"),
                val_w,
                vstyle,
            );
            if let Some(fr) = freq.as_ref().and_then(|f| f.get(j)) {
                let pct = format!("{:>4}", format!("{:.0}%", fr * 100.0));
                let style = if *fr == 0.0 { t.zero() } else { t.plain() };
                put_str(
                    buf,
                    area.x + 2 + name_w + 1 + val_w + 1,
                    y,
                    &pct,
                    freq_w - 1,
                    style,
                );
            }
            if bar_w < 4 {
                continue;
            }
            let bx = area.x + fixed;
            let zx = bx + half;
            if v == 0.0 || mx == 0.0 || v.is_nan() {
                put_str(buf, zx, y, &g.zero_mark.to_string(), 1, t.zero());
                continue;
            }
            // clamped: an infinite coefficient fills its half, no more
            let ratio = (v.abs() / mx).clamp(0.0, 1.0);
            let halves = (ratio * f64::from(half) * 2.0).round().max(1.0) as u16;
            let (full, part) = (halves / 2, halves % 2 == 1);
            let style = if v > 0.0 { t.positive() } else { t.negative() };
            let style = if sel {
                style.add_modifier(Modifier::BOLD)
            } else {
                style
            };
            put_str(buf, zx, y, &g.zero_axis.to_string(), 1, t.dim());
            let mut s = String::new();
            if v > 0.0 {
                for _ in 0..full {
                    s.push(g.bar_full);
                }
                if part {
                    s.push(g.bar_half_pos);
                }
                put_str(buf, zx + 1, y, &s, bar_w - half - 1, style);
            } else {
                if part {
                    s.push(g.bar_half_neg);
                }
                for _ in 0..full {
                    s.push(g.bar_full);
                }
                let len = s.chars().count() as u16;
                let len = len.min(half);
                let s: String = s
                    .chars()
                    .rev()
                    .take(usize::from(len))
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                put_str(buf, zx - len, y, &s, len, style);
            }
        }
        if scrolls {
            let more = format!(
                "{}-{} of {} (j/k scroll)",
                off + 1,
                (off + usize::from(rows)).min(vis.len()),
                vis.len()
            );
            put_str(
                buf,
                area.x + 2,
                area.y + area.height - 1,
                &more,
                area.width.saturating_sub(2),
                t.dim(),
            );
        }
    }
}
