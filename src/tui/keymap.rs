//! The key table as data: `(mode, key, action)`. The help overlay, the footer and
//! README.md are generated from it, so they cannot drift.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;

/// Which key table applies. Text prompts (filter, alpha, save-as) take keys as text
/// and only know Enter, Esc and Backspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    Normal,
    Help,
    Log,
    Collinearity,
    Compare,
    Stability,
    Picker,
    Settings,
}

impl Mode {
    pub fn name(self) -> &'static str {
        match self {
            Mode::Normal => "main screen",
            Mode::Help => "help",
            Mode::Log => "log",
            Mode::Collinearity => "collinearity",
            Mode::Compare => "compare penalties",
            Mode::Stability => "stability selection",
            Mode::Picker => "column picker",
            Mode::Settings => "settings",
        }
    }
}

/// A key as the tables see it: plain keys only (no F-keys); letters compare without
/// the SHIFT bit, because terminals report `H` as `Char('H')` with or without it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    Char(char),
    Ctrl(char),
    Left,
    Right,
    Up,
    Down,
    Home,
    End,
    PageUp,
    PageDown,
    Tab,
    BackTab,
    Esc,
    Enter,
    Backspace,
}

impl Key {
    pub fn from_event(ev: &KeyEvent) -> Option<Key> {
        let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        Some(match ev.code {
            KeyCode::Char(c) if ctrl => Key::Ctrl(c.to_ascii_lowercase()),
            KeyCode::Char(c) => Key::Char(c),
            KeyCode::Left => Key::Left,
            KeyCode::Right => Key::Right,
            KeyCode::Up => Key::Up,
            KeyCode::Down => Key::Down,
            KeyCode::Home => Key::Home,
            KeyCode::End => Key::End,
            KeyCode::PageUp => Key::PageUp,
            KeyCode::PageDown => Key::PageDown,
            KeyCode::Tab => Key::Tab,
            KeyCode::BackTab => Key::BackTab,
            KeyCode::Esc => Key::Esc,
            KeyCode::Enter => Key::Enter,
            KeyCode::Backspace => Key::Backspace,
            _ => return None,
        })
    }

    pub fn label(self) -> String {
        match self {
            Key::Char(' ') => "Space".into(),
            Key::Char(c) => c.to_string(),
            Key::Ctrl(c) => format!("Ctrl-{}", c.to_ascii_uppercase()),
            Key::Left => "Left".into(),
            Key::Right => "Right".into(),
            Key::Up => "Up".into(),
            Key::Down => "Down".into(),
            Key::Home => "Home".into(),
            Key::End => "End".into(),
            Key::PageUp => "PgUp".into(),
            Key::PageDown => "PgDn".into(),
            Key::Tab => "Tab".into(),
            Key::BackTab => "Shift-Tab".into(),
            Key::Esc => "Esc".into(),
            Key::Enter => "Enter".into(),
            Key::Backspace => "Backspace".into(),
        }
    }
}

use Action as A;
use Key as K;
use Mode as M;

/// The whole table. Order matters only for display (help, footer, docs).
pub const BINDINGS: &[(Mode, Key, Action)] = &[
    (M::Normal, K::Char('q'), A::Quit),
    (M::Normal, K::Ctrl('c'), A::ForceQuit),
    (M::Normal, K::Char('?'), A::Help),
    (M::Normal, K::Esc, A::Escape),
    (M::Normal, K::Tab, A::NextPane),
    (M::Normal, K::BackTab, A::PrevPane),
    (M::Normal, K::Right, A::AlphaUp),
    (M::Normal, K::Char('l'), A::AlphaUp),
    (M::Normal, K::Char('+'), A::AlphaUp),
    (M::Normal, K::Char('='), A::AlphaUp),
    (M::Normal, K::Left, A::AlphaDown),
    (M::Normal, K::Char('h'), A::AlphaDown),
    (M::Normal, K::Char('-'), A::AlphaDown),
    (M::Normal, K::Char('L'), A::AlphaUp10),
    (M::Normal, K::PageUp, A::AlphaUp10),
    (M::Normal, K::Char('H'), A::AlphaDown10),
    (M::Normal, K::PageDown, A::AlphaDown10),
    (M::Normal, K::Home, A::AlphaSmallest),
    (M::Normal, K::End, A::AlphaLargest),
    (M::Normal, K::Char('m'), A::JumpMin),
    (M::Normal, K::Char('s'), A::Jump1se),
    (M::Normal, K::Char(']'), A::L1Up),
    (M::Normal, K::Char('['), A::L1Down),
    (M::Normal, K::Char('{'), A::RidgeMix),
    (M::Normal, K::Char('}'), A::LassoMix),
    (M::Normal, K::Char('M'), A::NextModel),
    (M::Normal, K::Up, A::SelectUp),
    (M::Normal, K::Char('k'), A::SelectUp),
    (M::Normal, K::Down, A::SelectDown),
    (M::Normal, K::Char('j'), A::SelectDown),
    (M::Normal, K::Char('/'), A::Filter),
    (M::Normal, K::Char('o'), A::ToggleScale),
    (M::Normal, K::Char('n'), A::ToggleSort),
    (M::Normal, K::Char('t'), A::ToggleTrain),
    (M::Normal, K::Char('f'), A::Picker),
    (M::Normal, K::Char('a'), A::TypeAlpha),
    (M::Normal, K::Char('w'), A::Save),
    (M::Normal, K::Char('W'), A::SaveAs),
    (M::Normal, K::Char('e'), A::Export),
    (M::Normal, K::Char('r'), A::Reload),
    (M::Normal, K::Char('E'), A::Log),
    (M::Normal, K::Ctrl('l'), A::Redraw),
    (M::Normal, K::Char('x'), A::ExtendGrid),
    (M::Normal, K::Char('S'), A::Settings),
    (M::Normal, K::Char('R'), A::Restore),
    (M::Normal, K::Char('c'), A::Collinearity),
    (M::Normal, K::Char('p'), A::Compare),
    (M::Normal, K::Char('b'), A::Stability),
    (M::Help, K::Esc, A::Back),
    (M::Help, K::Char('?'), A::Back),
    (M::Help, K::Char('q'), A::Back),
    (M::Help, K::Up, A::LineUp),
    (M::Help, K::Char('k'), A::LineUp),
    (M::Help, K::Down, A::LineDown),
    (M::Help, K::Char('j'), A::LineDown),
    (M::Help, K::PageUp, A::PageUp),
    (M::Help, K::PageDown, A::PageDown),
    (M::Help, K::Char(' '), A::PageDown),
    (M::Help, K::Home, A::Top),
    (M::Help, K::End, A::Bottom),
    (M::Help, K::Ctrl('c'), A::ForceQuit),
    (M::Help, K::Ctrl('l'), A::Redraw),
    (M::Log, K::Esc, A::Back),
    (M::Log, K::Char('E'), A::Back),
    (M::Log, K::Char('q'), A::Back),
    (M::Log, K::Up, A::LineUp),
    (M::Log, K::Char('k'), A::LineUp),
    (M::Log, K::Down, A::LineDown),
    (M::Log, K::Char('j'), A::LineDown),
    (M::Log, K::PageUp, A::PageUp),
    (M::Log, K::PageDown, A::PageDown),
    (M::Log, K::Home, A::Top),
    (M::Log, K::End, A::Bottom),
    (M::Log, K::Ctrl('c'), A::ForceQuit),
    (M::Log, K::Ctrl('l'), A::Redraw),
    (M::Collinearity, K::Esc, A::Back),
    (M::Collinearity, K::Char('c'), A::Back),
    (M::Collinearity, K::Char('q'), A::Back),
    (M::Collinearity, K::Up, A::LineUp),
    (M::Collinearity, K::Char('k'), A::LineUp),
    (M::Collinearity, K::Down, A::LineDown),
    (M::Collinearity, K::Char('j'), A::LineDown),
    (M::Collinearity, K::PageUp, A::PageUp),
    (M::Collinearity, K::PageDown, A::PageDown),
    (M::Collinearity, K::Enter, A::Accept),
    (M::Collinearity, K::Home, A::Top),
    (M::Collinearity, K::End, A::Bottom),
    (M::Collinearity, K::Ctrl('c'), A::ForceQuit),
    (M::Collinearity, K::Ctrl('l'), A::Redraw),
    (M::Compare, K::Up, A::LineUp),
    (M::Compare, K::Char('k'), A::LineUp),
    (M::Compare, K::Down, A::LineDown),
    (M::Compare, K::Char('j'), A::LineDown),
    (M::Compare, K::Home, A::Top),
    (M::Compare, K::End, A::Bottom),
    (M::Compare, K::Enter, A::Accept),
    (M::Compare, K::Esc, A::Back),
    (M::Compare, K::Char('p'), A::Back),
    (M::Compare, K::Char('q'), A::Back),
    (M::Compare, K::Ctrl('c'), A::ForceQuit),
    (M::Compare, K::Ctrl('l'), A::Redraw),
    (M::Stability, K::Up, A::LineUp),
    (M::Stability, K::Char('k'), A::LineUp),
    (M::Stability, K::Down, A::LineDown),
    (M::Stability, K::Char('j'), A::LineDown),
    (M::Stability, K::PageUp, A::PageUp),
    (M::Stability, K::PageDown, A::PageDown),
    (M::Stability, K::Home, A::Top),
    (M::Stability, K::End, A::Bottom),
    (M::Stability, K::Enter, A::Accept),
    (M::Stability, K::Esc, A::Back),
    (M::Stability, K::Char('b'), A::Back),
    (M::Stability, K::Char('q'), A::Back),
    (M::Stability, K::Ctrl('c'), A::ForceQuit),
    (M::Stability, K::Ctrl('l'), A::Redraw),
    (M::Picker, K::Up, A::LineUp),
    (M::Picker, K::Char('k'), A::LineUp),
    (M::Picker, K::Down, A::LineDown),
    (M::Picker, K::Char('j'), A::LineDown),
    (M::Picker, K::PageUp, A::PageUp),
    (M::Picker, K::PageDown, A::PageDown),
    (M::Picker, K::Home, A::Top),
    (M::Picker, K::End, A::Bottom),
    (M::Picker, K::Char(' '), A::ToggleItem),
    (M::Picker, K::Char('t'), A::SetTarget),
    (M::Picker, K::Char('a'), A::SelectAll),
    (M::Picker, K::Char('n'), A::SelectNone),
    (M::Picker, K::Char('/'), A::ListFilter),
    (M::Picker, K::Enter, A::Accept),
    (M::Picker, K::Esc, A::Back),
    (M::Picker, K::Ctrl('c'), A::ForceQuit),
    (M::Picker, K::Ctrl('l'), A::Redraw),
    (M::Settings, K::Up, A::LineUp),
    (M::Settings, K::Char('k'), A::LineUp),
    (M::Settings, K::Down, A::LineDown),
    (M::Settings, K::Char('j'), A::LineDown),
    (M::Settings, K::Left, A::Decrease),
    (M::Settings, K::Char('h'), A::Decrease),
    (M::Settings, K::Char('-'), A::Decrease),
    (M::Settings, K::Right, A::Increase),
    (M::Settings, K::Char('l'), A::Increase),
    (M::Settings, K::Char('+'), A::Increase),
    (M::Settings, K::Char(' '), A::Increase),
    (M::Settings, K::Enter, A::Accept),
    (M::Settings, K::Esc, A::Back),
    (M::Settings, K::Ctrl('c'), A::ForceQuit),
    (M::Settings, K::Ctrl('l'), A::Redraw),
];

/// The action a key means in a mode.
pub fn lookup(mode: Mode, key: Key) -> Option<Action> {
    BINDINGS
        .iter()
        .find(|(m, k, _)| *m == mode && *k == key)
        .map(|(_, _, a)| *a)
}

/// All keys of an action in a mode, as "Right l + =".
pub fn keys_for(mode: Mode, action: Action) -> String {
    BINDINGS
        .iter()
        .filter(|(m, _, a)| *m == mode && *a == action)
        .map(|(_, k, _)| k.label())
        .collect::<Vec<_>>()
        .join(" ")
}

/// (keys, description) rows of one mode, one per action, in table order.
pub fn help_rows(mode: Mode) -> Vec<(String, &'static str)> {
    let mut seen: Vec<Action> = Vec::new();
    let mut rows = Vec::new();
    for (m, _, a) in BINDINGS {
        if *m == mode && !seen.contains(a) {
            seen.push(*a);
            rows.push((keys_for(mode, *a), a.description()));
        }
    }
    rows
}

/// The footer: the few keys that matter on the main screen, with short names.
pub const FOOTER: &[(Action, &str)] = &[
    (A::Help, "help"),
    (A::AlphaDown, "alpha-"),
    (A::AlphaUp, "alpha+"),
    (A::JumpMin, "min"),
    (A::Jump1se, "1se"),
    (A::L1Down, "l1-"),
    (A::L1Up, "l1+"),
    (A::NextModel, "model"),
    (A::Filter, "filter"),
    (A::Picker, "columns"),
    (A::Settings, "settings"),
    (A::Save, "save"),
    (A::Quit, "quit"),
];

/// Footer items as (first key, short name).
pub fn footer_items() -> Vec<(String, &'static str)> {
    FOOTER
        .iter()
        .map(|(a, name)| {
            let key = BINDINGS
                .iter()
                .find(|(m, _, b)| *m == Mode::Normal && b == a)
                .map(|(_, k, _)| k.label())
                .unwrap_or_default();
            (key, *name)
        })
        .collect()
}

/// The modes the help overlay lists, in order (README's table adds the log's).
pub const HELP_MODES: [Mode; 7] = [
    Mode::Normal,
    Mode::Picker,
    Mode::Settings,
    Mode::Collinearity,
    Mode::Compare,
    Mode::Stability,
    Mode::Help,
];

/// The keys table of README.md (markdown), generated from [`BINDINGS`].
pub fn markdown_table() -> String {
    let mut s = String::new();
    for mode in HELP_MODES.into_iter().chain([Mode::Log]) {
        s.push_str(&format!(
            "\n**{}**\n\n| Keys | Action |\n|---|---|\n",
            mode.name()
        ));
        for (keys, desc) in help_rows(mode) {
            let keys = keys
                .split(' ')
                .map(|k| format!("`{}`", k.replace('|', "\\|")))
                .collect::<Vec<_>>()
                .join(" ");
            s.push_str(&format!("| {keys} | {desc} |\n"));
        }
    }
    s.push_str(
        "\n**text prompts** (filter `/`, alpha `a`, save-as `W`): type, `Backspace` deletes, \
         `Enter` accepts, `Esc` cancels (`Esc` also clears the filter).\n",
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn no_two_bindings_collide_in_a_mode() {
        let mut seen = HashSet::new();
        for (m, k, a) in BINDINGS {
            assert!(
                seen.insert((*m, *k)),
                "{k:?} bound twice in {m:?} (second: {a:?})"
            );
        }
    }

    #[test]
    fn every_action_has_a_key_and_a_description() {
        for a in Action::ALL {
            assert!(BINDINGS.iter().any(|(_, _, b)| *b == a), "{a:?} has no key");
            assert!(!a.description().is_empty(), "{a:?} has no description");
        }
    }

    #[test]
    fn no_function_keys_or_chords_beyond_ctrl_c_and_ctrl_l() {
        for (_, k, _) in BINDINGS {
            if let Key::Ctrl(c) = k {
                assert!(*c == 'c' || *c == 'l', "chord Ctrl-{c} in the keymap");
            }
        }
        // every Normal action except ForceQuit/Redraw has a plain key
        for (m, _, a) in BINDINGS {
            if *m == Mode::Normal && !matches!(a, Action::ForceQuit | Action::Redraw) {
                assert!(
                    BINDINGS
                        .iter()
                        .any(|(m2, k, b)| m2 == m && b == a && !matches!(k, Key::Ctrl(_)))
                );
            }
        }
    }

    #[test]
    fn footer_keys_exist() {
        for (k, _) in footer_items() {
            assert!(!k.is_empty());
        }
    }

    #[test]
    fn shift_letters_match_without_the_shift_bit() {
        let ev = KeyEvent::new(KeyCode::Char('H'), KeyModifiers::SHIFT);
        assert_eq!(
            lookup(Mode::Normal, Key::from_event(&ev).unwrap()),
            Some(Action::AlphaDown10)
        );
        let ev = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(
            lookup(Mode::Normal, Key::from_event(&ev).unwrap()),
            Some(Action::ForceQuit)
        );
    }
}
