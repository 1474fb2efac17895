//! What a whole command line asks for. Arguments given before a subcommand
//! (`regscope --config X cv`, `regscope FILE path`) are carried into it, and a
//! combination that cannot be honoured is refused in one line: nothing is dropped.

use std::path::PathBuf;

use super::args::{Cli, Command, CompareArgs, PlotArgs, ReportArgs, StabilityArgs, StatsArgs};
use crate::error::{Error, Result};

/// The one thing to do.
#[derive(Debug, Clone)]
pub enum Plan {
    /// `path` (false) or `cv` (true) with these settings.
    Fit(ReportArgs, bool),
    /// `stats`: write the per-fold statistics.
    Stats(StatsArgs),
    /// `plot`: write the charts.
    Plot(PlotArgs),
    /// `diagnose`: the collinearity report.
    Diagnose(ReportArgs),
    /// `compare`: one CV per l1_ratio.
    Compare(CompareArgs),
    /// `stability`: stability selection.
    Stability(StabilityArgs),
    /// Print the TUI's key table.
    Keys,
    /// Open the workbench.
    Workbench {
        file: Option<PathBuf>,
        target: Option<String>,
        config: Option<PathBuf>,
        stats: Option<PathBuf>,
    },
}

/// Checks the combination of top-level arguments and subcommand, and merges them.
pub fn plan(cli: &Cli) -> Result<Plan> {
    let ui_flags = [
        ("--no-color", cli.no_color),
        ("--ascii", cli.ascii),
        ("--unicode", cli.unicode),
        ("--mouse", cli.mouse),
        ("--keys", cli.keys),
    ];
    match &cli.command {
        Some(cmd) => {
            let (args, with_cv, name) = match cmd {
                Command::Path(a) => (&a.fit, false, "path"),
                Command::Cv(a) => (&a.fit, true, "cv"),
                Command::Stats(s) => (&s.fit, true, "stats"),
                Command::Plot(p) => (&p.fit, true, "plot"),
                Command::Diagnose(d) => (&d.fit, false, "diagnose"),
                Command::Compare(c) => (&c.fit, true, "compare"),
                Command::Stability(c) => (&c.fit, false, "stability"),
            };
            if let Some((flag, _)) = ui_flags.iter().find(|(_, on)| *on) {
                return Err(Error::new(format!(
                    "{flag} applies to the workbench only, not to `regscope {name}`; remove it"
                )));
            }
            let mut a = args.clone();
            merge(&mut a.data, cli.file.clone(), "FILE", "--data", name)?;
            merge(
                &mut a.config,
                cli.config.clone(),
                "--config",
                "--config",
                name,
            )?;
            merge(&mut a.stats, cli.stats.clone(), "--stats", "--stats", name)?;
            merge(
                &mut a.target,
                cli.target.clone(),
                "--target",
                "--target",
                name,
            )?;
            Ok(match cmd {
                Command::Stats(s) => Plan::Stats(StatsArgs {
                    fit: a,
                    out: s.out.clone(),
                }),
                Command::Plot(p) => Plan::Plot(PlotArgs {
                    fit: a,
                    out: p.out.clone(),
                    format: p.format,
                }),
                Command::Stability(c) => Plan::Stability(StabilityArgs {
                    fit: a,
                    ..c.clone()
                }),
                Command::Compare(c) => Plan::Compare(CompareArgs {
                    fit: a,
                    l1_ratios: c.l1_ratios.clone(),
                    format: c.format,
                }),
                Command::Diagnose(r) => Plan::Diagnose(ReportArgs {
                    fit: a,
                    format: r.format,
                }),
                Command::Path(r) | Command::Cv(r) => Plan::Fit(
                    ReportArgs {
                        fit: a,
                        format: r.format,
                    },
                    with_cv,
                ),
            })
        }
        None if cli.keys => {
            if cli.file.is_some()
                || cli.config.is_some()
                || cli.target.is_some()
                || cli.stats.is_some()
            {
                return Err(Error::new(
                    "--keys only prints the key table; remove FILE, --config and --target, or remove --keys",
                ));
            }
            Ok(Plan::Keys)
        }
        None => {
            if let (Some(f), Some(c)) = (&cli.file, &cli.config) {
                return Err(Error::new(format!(
                    "both FILE '{}' and --config '{}' name the data; open one of them (to fit FILE with the config's settings headless: regscope cv --config {} --data {})",
                    f.display(),
                    c.display(),
                    c.display(),
                    f.display()
                )));
            }
            if let (Some(t), Some(c)) = (&cli.target, &cli.config) {
                return Err(Error::new(format!(
                    "--target '{t}' and --config '{}': the config names its own target; set [data] target in it, or drop --config",
                    c.display()
                )));
            }
            if let (Some(t), Some(s)) = (&cli.target, &cli.stats) {
                return Err(Error::new(format!(
                    "--target '{t}' and --stats '{}': a statistics file fixes its target; drop --target (or write new statistics with regscope stats --target {t})",
                    s.display()
                )));
            }
            Ok(Plan::Workbench {
                file: cli.file.clone(),
                target: cli.target.clone(),
                config: cli.config.clone(),
                stats: cli.stats.clone(),
            })
        }
    }
}

/// Carries a value given before the subcommand into it; the same value given twice is
/// fine, two different ones are refused.
fn merge<T: PartialEq + std::fmt::Debug>(
    inner: &mut Option<T>,
    outer: Option<T>,
    outer_name: &str,
    inner_name: &str,
    cmd: &str,
) -> Result<()> {
    let Some(outer) = outer else { return Ok(()) };
    match inner {
        Some(v) if *v != outer => Err(Error::new(format!(
            "{outer_name} before `{cmd}` ({outer:?}) and {inner_name} after it ({v:?}) disagree; give it once"
        ))),
        _ => {
            *inner = Some(outer);
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn plan_of(args: &[&str]) -> Result<Plan> {
        let mut full = vec!["regscope"];
        full.extend_from_slice(args);
        plan(&Cli::try_parse_from(full).expect("clap accepts it"))
    }

    #[test]
    fn config_before_the_subcommand_is_used() {
        let Ok(Plan::Fit(a, true)) = plan_of(&["--config", "x.toml", "cv", "--format", "json"])
        else {
            panic!("a cv fit")
        };
        assert_eq!(a.fit.config, Some(PathBuf::from("x.toml")));
        assert_eq!(a.format, crate::cli::OutputFormat::Json);
    }

    #[test]
    fn stats_opens_the_workbench_or_goes_into_the_subcommand() {
        assert!(matches!(
            plan_of(&["--stats", "s.arrow"]),
            Ok(Plan::Workbench {
                stats: Some(_),
                file: None,
                ..
            })
        ));
        let Ok(Plan::Fit(a, true)) = plan_of(&["--stats", "s.arrow", "cv"]) else {
            panic!("a cv fit")
        };
        assert_eq!(a.fit.stats, Some(PathBuf::from("s.arrow")));
        let m = plan_of(&["--stats", "s.arrow", "-t", "y"])
            .unwrap_err()
            .to_string();
        assert!(m.contains("--stats") && m.contains("--target"), "{m}");
    }

    #[test]
    fn plot_takes_what_came_before_it() {
        let Ok(Plan::Plot(p)) = plan_of(&["--config", "x.toml", "plot", "-o", "d", "-f", "png"])
        else {
            panic!("a plot")
        };
        assert_eq!(p.fit.config, Some(PathBuf::from("x.toml")));
        assert_eq!(p.out, PathBuf::from("d"));
        assert_eq!(p.format, crate::cli::ChartFormat::Png);
    }

    #[test]
    fn file_and_target_before_the_subcommand_become_data_and_target() {
        let Ok(Plan::Fit(a, false)) = plan_of(&["h.csv", "-t", "Salary", "path"]) else {
            panic!("a path fit")
        };
        assert_eq!(a.fit.data, Some(PathBuf::from("h.csv")));
        assert_eq!(a.fit.target.as_deref(), Some("Salary"));
        // the same value twice is fine
        assert!(plan_of(&["h.csv", "path", "--data", "h.csv"]).is_ok());
    }

    #[test]
    fn contradictions_are_refused_naming_both() {
        let m = plan_of(&["a.csv", "cv", "--data", "b.csv"])
            .unwrap_err()
            .to_string();
        assert!(
            m.contains("a.csv") && m.contains("b.csv") && m.contains("FILE"),
            "{m}"
        );
        let m = plan_of(&["--mouse", "cv"]).unwrap_err().to_string();
        assert!(m.contains("--mouse") && m.contains("workbench"), "{m}");
    }

    #[test]
    fn workbench_file_with_config_is_refused() {
        let m = plan_of(&["m.csv", "--config", "l.toml"])
            .unwrap_err()
            .to_string();
        assert!(m.contains("m.csv") && m.contains("l.toml"), "{m}");
        let m = plan_of(&["--config", "l.toml", "-t", "y"])
            .unwrap_err()
            .to_string();
        assert!(m.contains("--target"), "{m}");
        let m = plan_of(&["--keys", "m.csv"]).unwrap_err().to_string();
        assert!(m.contains("--keys"), "{m}");
        assert!(matches!(
            plan_of(&["m.csv", "-t", "y"]),
            Ok(Plan::Workbench {
                file: Some(_),
                target: Some(_),
                config: None,
                stats: None,
            })
        ));
    }
}
