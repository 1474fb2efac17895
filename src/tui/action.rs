//! User intents. Keys map to these (see [`super::keymap`]); `update` is the only consumer.

/// Everything a key can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Quit,
    ForceQuit,
    Help,
    Escape,
    NextPane,
    PrevPane,
    AlphaUp,
    AlphaDown,
    AlphaUp10,
    AlphaDown10,
    AlphaSmallest,
    AlphaLargest,
    JumpMin,
    Jump1se,
    L1Up,
    L1Down,
    RidgeMix,
    LassoMix,
    NextModel,
    SelectUp,
    SelectDown,
    Filter,
    ToggleScale,
    ToggleSort,
    ToggleTrain,
    Picker,
    TypeAlpha,
    Save,
    SaveAs,
    Export,
    Reload,
    Log,
    Redraw,
    ExtendGrid,
    Settings,
    Restore,
    Collinearity,
    Compare,
    Stability,
    // overlays
    Accept,
    Back,
    ToggleItem,
    SetTarget,
    LineUp,
    LineDown,
    PageUp,
    PageDown,
    Top,
    Bottom,
    SelectAll,
    SelectNone,
    ListFilter,
    Decrease,
    Increase,
}

impl Action {
    /// Every action, for the keymap completeness test and the help screen.
    pub const ALL: [Action; 54] = [
        Action::Quit,
        Action::ForceQuit,
        Action::Help,
        Action::Escape,
        Action::NextPane,
        Action::PrevPane,
        Action::AlphaUp,
        Action::AlphaDown,
        Action::AlphaUp10,
        Action::AlphaDown10,
        Action::AlphaSmallest,
        Action::AlphaLargest,
        Action::JumpMin,
        Action::Jump1se,
        Action::L1Up,
        Action::L1Down,
        Action::RidgeMix,
        Action::LassoMix,
        Action::NextModel,
        Action::SelectUp,
        Action::SelectDown,
        Action::Filter,
        Action::ToggleScale,
        Action::ToggleSort,
        Action::ToggleTrain,
        Action::Picker,
        Action::TypeAlpha,
        Action::Save,
        Action::SaveAs,
        Action::Export,
        Action::Reload,
        Action::Log,
        Action::Redraw,
        Action::ExtendGrid,
        Action::Settings,
        Action::Restore,
        Action::Collinearity,
        Action::Compare,
        Action::Stability,
        Action::Accept,
        Action::Back,
        Action::ToggleItem,
        Action::SetTarget,
        Action::LineUp,
        Action::LineDown,
        Action::PageUp,
        Action::PageDown,
        Action::Top,
        Action::Bottom,
        Action::SelectAll,
        Action::SelectNone,
        Action::ListFilter,
        Action::Decrease,
        Action::Increase,
    ];

    /// One line for the help overlay and README.md.
    pub fn description(self) -> &'static str {
        match self {
            Action::Quit => "quit (asks once more if the experiment is unsaved)",
            Action::ForceQuit => "quit at once, always",
            Action::Help => "this help",
            Action::Escape => "cancel the running fit / close / clear the filter",
            Action::NextPane => "next chart pane",
            Action::PrevPane => "previous chart pane",
            Action::AlphaUp => "alpha one grid step up (more penalty)",
            Action::AlphaDown => "alpha one grid step down (less penalty)",
            Action::AlphaUp10 => "alpha ten grid steps up",
            Action::AlphaDown10 => "alpha ten grid steps down",
            Action::AlphaSmallest => "smallest alpha of the grid",
            Action::AlphaLargest => "largest alpha of the grid",
            Action::JumpMin => "jump to alpha_min (least CV error)",
            Action::Jump1se => "jump to alpha_1se (largest alpha within 1 SE)",
            Action::L1Up => {
                "l1_ratio + 0.05 towards lasso (ridge becomes elastic net 0.05; 1 is lasso; refits)"
            }
            Action::L1Down => {
                "l1_ratio - 0.05 towards ridge (lasso becomes elastic net 0.95; 0 is ridge; refits)"
            }
            Action::RidgeMix => "l1_ratio = 0: ridge (refits)",
            Action::LassoMix => "l1_ratio = 1: lasso (refits)",
            Action::NextModel => "next model: OLS, ridge, lasso, elastic net (refits)",
            Action::SelectUp => "select the previous feature",
            Action::SelectDown => "select the next feature",
            Action::Filter => "filter features by name",
            Action::ToggleScale => "standardized / original coefficient scale",
            Action::ToggleSort => "sort bars by |coef| / by name",
            Action::ToggleTrain => "show / hide the training error curve",
            Action::Picker => "choose the target and features",
            Action::TypeAlpha => "type an exact alpha (off-grid: a warm-started fit)",
            Action::Save => "save the experiment (TOML)",
            Action::SaveAs => "save the experiment as... (path prompt)",
            Action::Export => {
                "export the charts (SVG, PNG) and the coefficient table (CSV) to exports/DATA-MODEL/"
            }
            Action::Reload => "reload the config / data from disk and refit",
            Action::Log => "error and warning log",
            Action::Redraw => "redraw the whole screen",
            Action::ExtendGrid => {
                "extend the grid a decade below its smallest alpha (path.eps / 10; refits)"
            }
            Action::Settings => "settings: folds, seed, grid, standardize, intercept, text columns",
            Action::Restore => "open the unsaved experiment recovered from a dropped session",
            Action::Collinearity => {
                "collinearity: VIF, condition number, correlation heatmap, most correlated pairs"
            }
            Action::Compare => {
                "compare penalties: ridge, elastic nets and the lasso cross-validated on the same folds (Enter adopts one)"
            }
            Action::Stability => {
                "stability selection: each feature's selection probability over 100 half-samples"
            }
            Action::Accept => "accept / apply",
            Action::Back => "close / cancel",
            Action::ToggleItem => "include / exclude the feature",
            Action::SetTarget => "make this column the target (numeric or boolean only)",
            Action::LineUp => "one line / item up",
            Action::LineDown => "one line / item down",
            Action::PageUp => "one page up",
            Action::PageDown => "one page down",
            Action::Top => "to the top",
            Action::Bottom => "to the bottom",
            Action::SelectAll => "include every usable column (the listed ones)",
            Action::SelectNone => "exclude every column (the listed ones)",
            Action::ListFilter => "filter the columns by name (Enter/Esc ends typing)",
            Action::Decrease => "decrease / toggle the setting",
            Action::Increase => "increase / toggle the setting",
        }
    }
}

/// The actions of the main panes (bound in the normal mode only), as a pattern: an
/// overlay's match over actions names them with this macro and stays exhaustive, so a
/// new action must be placed in every mode.
macro_rules! pane_actions {
    () => {
        Action::Quit
            | Action::Help
            | Action::Escape
            | Action::NextPane
            | Action::PrevPane
            | Action::AlphaUp
            | Action::AlphaDown
            | Action::AlphaUp10
            | Action::AlphaDown10
            | Action::AlphaSmallest
            | Action::AlphaLargest
            | Action::JumpMin
            | Action::Jump1se
            | Action::L1Up
            | Action::L1Down
            | Action::RidgeMix
            | Action::LassoMix
            | Action::NextModel
            | Action::SelectUp
            | Action::SelectDown
            | Action::Filter
            | Action::ToggleScale
            | Action::ToggleSort
            | Action::ToggleTrain
            | Action::Picker
            | Action::TypeAlpha
            | Action::Save
            | Action::SaveAs
            | Action::Export
            | Action::Reload
            | Action::Log
            | Action::ExtendGrid
            | Action::Settings
            | Action::Restore
            | Action::Collinearity
            | Action::Compare
            | Action::Stability
    };
}
pub(crate) use pane_actions;

/// The list actions of the picker (and the paging of help and log) that neither the
/// main panes nor the settings overlay use, as a pattern (see [`pane_actions`]).
macro_rules! list_actions {
    () => {
        Action::ToggleItem
            | Action::SetTarget
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom
            | Action::SelectAll
            | Action::SelectNone
            | Action::ListFilter
    };
}
pub(crate) use list_actions;
