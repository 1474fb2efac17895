//! The `regscope` binary: headless `path` / `cv`, and (with no command) the workbench.

use std::io;
use std::process::ExitCode;

use clap::Parser;
use regscope::cli::{Cli, Command, run_fit, summary};

fn main() -> ExitCode {
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
        None => {
            if let Some(cfg) = &cli.config {
                let args = regscope::cli::FitArgs {
                    config: Some(cfg.clone()),
                    ..Default::default()
                };
                run_fit(&args, true, &mut out)
            } else {
                summary(cli.file.as_deref(), cli.target.clone(), &mut out)
            }
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
