//! The `regscope` binary: headless `path` / `cv` / `plot`, and (with no command) the workbench TUI.

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;
use regscope::cli::{Cli, Command, run_fit, run_plot};

fn main() -> ExitCode {
    // matrices freed along the way go back to the system instead of staying resident
    regscope::heap::map_large_blocks();
    // one line, no backtrace: a panic is a bug, but the user still gets a plain message
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("regscope: internal error: {msg}{at} (please report this)");
    }));
    let cli = Cli::parse();
    let mut out = io::stdout().lock();
    let result = match &cli.command {
        Some(Command::Path(a)) => run_fit(a, false, &mut out),
        Some(Command::Cv(a)) => run_fit(a, true, &mut out),
        Some(Command::Plot(a)) => run_plot(a, &mut out),
        None if cli.keys => {
            let _ = write!(out, "{}", regscope::tui::keymap::markdown_table());
            Ok(())
        }
        None => {
            drop(out);
            regscope::tui::run(regscope::tui::Options {
                file: cli.file.clone(),
                target: cli.target.clone(),
                config: cli.config.clone(),
                flags: regscope::tui::term::UiFlags {
                    no_color: cli.no_color,
                    ascii: cli.ascii,
                    unicode: cli.unicode,
                    mouse: cli.mouse,
                },
            })
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("regscope: error: {e}");
            ExitCode::FAILURE
        }
    }
}
