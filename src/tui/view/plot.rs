//! A plain character grid for the charts, written straight into the buffer. Used in both
//! glyph modes (ASCII has no ratatui marker), with draw priorities so the selected path
//! and the CV points win over the muted paths, the axes and the cursor.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

#[derive(Clone, Copy)]
struct Cell {
    ch: char,
    style: Style,
    prio: u8,
}

pub struct Plot {
    pub w: u16,
    pub h: u16,
    cells: Vec<Option<Cell>>,
}

impl Plot {
    pub fn new(w: u16, h: u16) -> Plot {
        Plot {
            w,
            h,
            cells: vec![None; usize::from(w) * usize::from(h)],
        }
    }

    pub fn put(&mut self, x: u16, y: u16, ch: char, style: Style, prio: u8) {
        if x >= self.w || y >= self.h {
            return;
        }
        let c = &mut self.cells[usize::from(y) * usize::from(self.w) + usize::from(x)];
        if c.is_none_or(|c| c.prio <= prio) {
            *c = Some(Cell { ch, style, prio });
        }
    }

    /// A vertical run between two rows (inclusive), at one column.
    pub fn vrun(&mut self, x: u16, y0: u16, y1: u16, ch: char, style: Style, prio: u8) {
        let (a, b) = if y0 <= y1 { (y0, y1) } else { (y1, y0) };
        for y in a..=b {
            self.put(x, y, ch, style, prio);
        }
    }

    /// Add a style to a whole column where something is drawn, else put `ch` there:
    /// the cursor on the alpha_min column keeps the min marker visible.
    pub fn cursor(&mut self, x: u16, ch: char, style: Style) {
        if x >= self.w {
            return;
        }
        for y in 0..self.h {
            let c = &mut self.cells[usize::from(y) * usize::from(self.w) + usize::from(x)];
            match c {
                Some(cell) => cell.style = cell.style.patch(style),
                None => *c = Some(Cell { ch, style, prio: 2 }),
            }
        }
    }

    /// A curve across the columns: `row_at(c)` is its row at column `c` (`None`: not
    /// drawn there). Neighbouring points more than a row apart are joined by a vertical
    /// run, so steep stretches stay connected.
    pub fn curve(&mut self, row_at: impl Fn(u16) -> Option<u16>, ch: char, style: Style, prio: u8) {
        let mut prev: Option<u16> = None;
        for x in 0..self.w {
            let Some(r) = row_at(x) else {
                prev = None;
                continue;
            };
            match prev {
                Some(pr) if pr.abs_diff(r) > 1 => {
                    let (a, b) = if pr < r { (pr + 1, r) } else { (r, pr - 1) };
                    self.vrun(x, a, b, ch, style, prio);
                }
                _ => self.put(x, r, ch, style, prio),
            }
            prev = Some(r);
        }
    }

    pub fn text(&mut self, x: u16, y: u16, s: &str, style: Style, prio: u8) {
        for (i, ch) in s.chars().enumerate() {
            let Ok(i) = u16::try_from(i) else { break };
            self.put(x.saturating_add(i), y, ch, style, prio);
        }
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer) {
        for y in 0..self.h.min(area.height) {
            for x in 0..self.w.min(area.width) {
                if let Some(c) = self.cells[usize::from(y) * usize::from(self.w) + usize::from(x)]
                    && let Some(cell) = buf.cell_mut((area.x + x, area.y + y))
                {
                    cell.set_char(c.ch).set_style(c.style);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::Modifier;

    #[test]
    fn the_cursor_does_not_hide_a_marker() {
        let mut p = Plot::new(5, 4);
        p.vrun(2, 0, 3, ':', Style::new(), 1);
        p.put(2, 1, 'o', Style::new(), 5);
        p.cursor(2, '|', Style::new().add_modifier(Modifier::BOLD));
        let area = Rect::new(0, 0, 5, 4);
        let mut buf = Buffer::empty(area);
        p.render(area, &mut buf);
        assert_eq!(buf[(2, 0)].symbol(), ":", "the marker stays");
        assert_eq!(buf[(2, 1)].symbol(), "o");
        assert!(
            buf[(2, 0)].modifier.contains(Modifier::BOLD),
            "and shows the cursor"
        );
        p.cursor(4, '|', Style::new());
        let mut buf = Buffer::empty(area);
        p.render(area, &mut buf);
        assert_eq!(
            buf[(4, 3)].symbol(),
            "|",
            "an empty column gets the cursor line"
        );
    }
}
