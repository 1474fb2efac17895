//! Terminal setup and teardown, capability detection, and the panic hook.

use std::io::{self, Write};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::ThreadId;

use crossterm::{
    cursor, event, execute,
    terminal::{self, EnterAlternateScreen, LeaveAlternateScreen},
};

/// What the terminal can show, from flags and the environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caps {
    pub color: bool,
    pub ascii: bool,
    pub mouse: bool,
}

/// The UI flags of the command line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UiFlags {
    pub no_color: bool,
    pub ascii: bool,
    pub unicode: bool,
    pub mouse: bool,
}

/// Colour unless `--no-color` or a non-empty NO_COLOR; ASCII if `--ascii`, Unicode if
/// `--unicode`, else ASCII when TERM is linux/vt100/dumb or the locale is not UTF-8.
pub fn detect(flags: UiFlags, env: &dyn Fn(&str) -> Option<String>) -> Caps {
    let no_color = flags.no_color || env("NO_COLOR").is_some_and(|v| !v.is_empty());
    let ascii = if flags.ascii {
        true
    } else if flags.unicode {
        false
    } else {
        let term = env("TERM").unwrap_or_default();
        let locale = ["LC_ALL", "LC_CTYPE", "LANG"]
            .iter()
            .find_map(|k| env(k).filter(|v| !v.is_empty()))
            .unwrap_or_default()
            .to_ascii_lowercase();
        matches!(term.as_str(), "linux" | "vt100" | "vt102" | "dumb")
            || !(locale.contains("utf-8") || locale.contains("utf8"))
    };
    Caps {
        color: !no_color,
        ascii,
        mouse: flags.mouse,
    }
}

static MOUSE: AtomicBool = AtomicBool::new(false);
static ACTIVE: AtomicBool = AtomicBool::new(false);
static UI_THREAD: OnceLock<ThreadId> = OnceLock::new();

/// Raw mode, alternate screen, hidden cursor (and mouse capture if asked).
pub fn init(mouse: bool) -> io::Result<()> {
    terminal::enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    let mut out = io::stdout();
    execute!(out, EnterAlternateScreen, cursor::Hide)?;
    if mouse {
        execute!(out, event::EnableMouseCapture)?;
        MOUSE.store(true, Ordering::SeqCst);
    }
    Ok(())
}

/// Undo [`init`]; safe to call twice (the second call does nothing).
pub fn restore() {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return;
    }
    let mut out = io::stdout();
    if MOUSE.swap(false, Ordering::SeqCst) {
        let _ = execute!(out, event::DisableMouseCapture);
    }
    let _ = terminal::disable_raw_mode();
    let _ = execute!(out, LeaveAlternateScreen, cursor::Show);
    let _ = out.flush();
}

/// Restores the terminal when dropped (normal return and errors).
pub struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

/// Wrap the current hook: a panic on the UI thread restores the terminal first, then
/// reports through the previous hook; a panic on any other thread (the worker, its
/// rayon helpers, the input reader) prints nothing: those threads run under
/// `catch_unwind` and the UI shows the message, keeping its screen.
pub fn install_panic_hook() {
    let _ = UI_THREAD.set(std::thread::current().id());
    let prev = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if Some(&std::thread::current().id()) == UI_THREAD.get() {
            restore();
            prev(info);
        }
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| {
            pairs
                .iter()
                .find(|(a, _)| *a == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn capabilities_from_flags_and_env() {
        let f = UiFlags::default();
        let c = detect(
            f,
            &env_of(&[("LANG", "en_US.UTF-8"), ("TERM", "xterm-256color")]),
        );
        assert_eq!(
            c,
            Caps {
                color: true,
                ascii: false,
                mouse: false
            }
        );
        let c = detect(f, &env_of(&[("LANG", "C"), ("TERM", "xterm")]));
        assert!(c.ascii, "non-UTF-8 locale");
        let c = detect(f, &env_of(&[("LANG", "C.UTF-8"), ("TERM", "linux")]));
        assert!(c.ascii, "linux console");
        let c = detect(
            f,
            &env_of(&[("LC_ALL", "C.utf8"), ("LANG", "C"), ("NO_COLOR", "1")]),
        );
        assert!(!c.ascii && !c.color);
        let c = detect(f, &env_of(&[("NO_COLOR", "")]));
        assert!(c.color, "empty NO_COLOR is ignored");
        let c = detect(
            UiFlags {
                unicode: true,
                no_color: true,
                mouse: true,
                ..f
            },
            &env_of(&[("TERM", "dumb")]),
        );
        assert_eq!(
            c,
            Caps {
                color: false,
                ascii: false,
                mouse: true
            }
        );
        let c = detect(
            UiFlags { ascii: true, ..f },
            &env_of(&[("LANG", "C.UTF-8")]),
        );
        assert!(c.ascii);
    }
}
