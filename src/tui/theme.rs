//! Colours (the 16 ANSI ones, default background) and glyphs (Unicode or ASCII).
//! State is always also carried by a glyph or a modifier, so NO_COLOR loses nothing.

use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::border;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    pub fn new(color: bool) -> Theme {
        Theme { color }
    }
    fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }
    pub fn plain(&self) -> Style {
        Style::new()
    }
    pub fn dim(&self) -> Style {
        self.fg(Color::DarkGray)
    }
    pub fn title(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }
    pub fn selected(&self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }
    pub fn cursor(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    pub fn positive(&self) -> Style {
        self.fg(Color::Green)
    }
    pub fn negative(&self) -> Style {
        self.fg(Color::Red)
    }
    pub fn zero(&self) -> Style {
        self.fg(Color::DarkGray).add_modifier(Modifier::DIM)
    }
    pub fn warn(&self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }
    pub fn error(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }
    pub fn marker(&self) -> Style {
        self.fg(Color::Magenta)
    }
    pub fn train(&self) -> Style {
        self.fg(Color::Blue)
    }
    pub fn status(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }
    /// The colour of path `j` (unselected paths cycle through six ANSI colours).
    pub fn series(&self, j: usize) -> Style {
        const C: [Color; 6] = [
            Color::Blue,
            Color::Green,
            Color::Magenta,
            Color::Cyan,
            Color::Red,
            Color::Gray,
        ];
        self.fg(C[j % C.len()])
    }
}

/// Every non-letter symbol the views draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Glyphs {
    pub ascii: bool,
    pub alpha: &'static str,
    pub pm: &'static str,
    pub times: &'static str,
    pub r2: &'static str,
    pub sep: &'static str,
    pub bar_full: char,
    pub bar_half_pos: char,
    pub bar_half_neg: char,
    pub zero_axis: char,
    pub zero_mark: char,
    pub point: char,
    pub point_sel: char,
    pub vline: char,
    pub hline: char,
    pub dotted: char,
    pub mean: char,
    pub train: char,
    pub select: &'static str,
    pub spinner: &'static [&'static str],
    pub border: border::Set<'static>,
    pub check_on: &'static str,
    pub check_off: &'static str,
}

pub const ASCII_BORDER: border::Set<'static> = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

impl Glyphs {
    pub const UNICODE: Glyphs = Glyphs {
        ascii: false,
        alpha: "α",
        pm: "±",
        times: "×",
        r2: "R²",
        sep: " │ ",
        bar_full: '█',
        bar_half_pos: '▌',
        bar_half_neg: '▐',
        zero_axis: '│',
        zero_mark: '○',
        point: '·',
        point_sel: '●',
        vline: '│',
        hline: '─',
        dotted: '┊',
        mean: '●',
        train: '∘',
        select: "▶",
        spinner: &["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"],
        border: border::ROUNDED,
        check_on: "[x]",
        check_off: "[ ]",
    };
    pub const ASCII: Glyphs = Glyphs {
        ascii: true,
        alpha: "alpha",
        pm: "+/-",
        times: "x",
        r2: "R2",
        sep: " | ",
        bar_full: '#',
        bar_half_pos: '+',
        bar_half_neg: '+',
        zero_axis: '|',
        zero_mark: 'o',
        point: '.',
        point_sel: '*',
        vline: '|',
        hline: '-',
        dotted: ':',
        mean: 'o',
        train: '+',
        select: ">",
        spinner: &["|", "/", "-", "\\"],
        border: ASCII_BORDER,
        check_on: "[x]",
        check_off: "[ ]",
    };

    pub fn new(ascii: bool) -> Glyphs {
        if ascii {
            Glyphs::ASCII
        } else {
            Glyphs::UNICODE
        }
    }
}
