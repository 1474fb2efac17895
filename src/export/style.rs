//! Colours and sizes shared by the charts (colour-blind-safe Okabe-Ito hues first).

pub const TEXT: &str = "#202020";
pub const MUTED: &str = "#6b6b6b";
pub const AXIS: &str = "#404040";
pub const GRID: &str = "#e6e6e6";
pub const ZERO: &str = "#9a9a9a";

/// bars of positive / negative coefficients
pub const POSITIVE: &str = "#0072b2";
pub const NEGATIVE: &str = "#d55e00";

/// the CV mean and its error bars; the training curve
pub const CV: &str = "#c0392b";
pub const TRAIN: &str = "#0072b2";

/// the alpha_min and alpha_1se lines
pub const MIN_LINE: &str = "#009e73";
pub const SE_LINE: &str = "#7b4fa0";
/// the cursor's alpha (TUI exports)
pub const CURSOR: &str = "#303030";

/// one colour per feature line, cycled
pub const PALETTE: [&str; 12] = [
    "#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#7f3c8d", "#3b3b3b",
    "#a6761d", "#1b9e77", "#e7298a", "#66a61e",
];

pub const TITLE_SIZE: f64 = 22.0;
pub const SUBTITLE_SIZE: f64 = 15.0;
pub const TICK_SIZE: f64 = 14.0;
pub const LABEL_SIZE: f64 = 14.0;
