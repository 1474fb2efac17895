//! The `regscope` binary: headless `path` / `cv`, and (with no command) the workbench TUI.

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;
use regscope::cli::{Cli, Plan, plan, run_fit};

fn main() -> ExitCode {
    // matrices freed along the way go back to the system instead of staying resident
    regscope::heap::map_large_blocks();
    regscope::heap::trim_after_large_frees();
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
    let result = plan(&cli).and_then(|p| match p {
        Plan::Fit(a, with_cv) => run_fit(&a, with_cv, &mut io::stdout().lock()),
        Plan::Stats(a) => regscope::cli::run_stats(&a, &mut io::stdout().lock()),
        Plan::Plot(a) => regscope::cli::run_plot(&a, &mut io::stdout().lock()),
        Plan::Diagnose(a) => regscope::cli::run_diagnose(&a, &mut io::stdout().lock()),
        Plan::Compare(a) => regscope::cli::run_compare(&a, &mut io::stdout().lock()),
        Plan::Stability(a) => regscope::cli::run_stability(&a, &mut io::stdout().lock()),
        Plan::Keys => {
            // a closed pipe (`regscope --keys | head`) is not an error
            let _ = write!(
                io::stdout().lock(),
                "{}",
                regscope::tui::keymap::markdown_table()
            );
            Ok(())
        }
        Plan::Workbench {
            file,
            target,
            config,
            stats,
        } => regscope::tui::run(regscope::tui::Options {
            stats,
            // `configs/../x.csv` shown as `x.csv`
            file: file.map(|f| regscope::workflow::normalize(&f)),
            target,
            config,
            flags: regscope::tui::term::UiFlags {
                no_color: cli.no_color,
                ascii: cli.ascii,
                unicode: cli.unicode,
                mouse: cli.mouse,
            },
        }),
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("regscope: error: {e}");
            ExitCode::FAILURE
        }
    }
}
