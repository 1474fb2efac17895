//! The workbench: a ratatui TUI over the headless engine.
//!
//! `run()` owns the terminal (restored on quit, on error and on panic), one input
//! thread, and the worker thread. The main loop blocks when idle (no redraw, no CPU),
//! wakes every 100 ms only while a job runs (the spinner), applies every queued
//! message with the pure [`update::update`], then draws once.
//!
//! Test-only: `REGSCOPE_TEST_PANIC=ui` panics on the UI thread at the first key press;
//! `REGSCOPE_TEST_PANIC=worker` panics inside the first job (tests/tui_pty.rs). Both work
//! in debug builds only.

pub mod action;
pub mod app;
pub mod axis;
pub mod export;
pub mod insight;
pub mod insight_keys;
pub mod keymap;
pub mod recovery;
pub mod script;
pub mod settings;
pub mod term;
pub mod theme;
pub mod update;
pub mod view;
pub mod worker;

use std::collections::VecDeque;
use std::io::{self, IsTerminal, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use crossterm::event::{self, Event, KeyEventKind};
use crossterm::{execute, terminal};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use signal_hook::consts::{SIGHUP, SIGTERM};
use signal_hook::iterator::Signals;

use crate::config::Experiment;
use crate::error::{Error, Result};
use crate::workflow::{DataSource, EMBEDDED_NAME};

use app::{App, Level};
use keymap::Key;
use term::{UiFlags, detect};
use theme::{Glyphs, Theme};
use update::{Effect, Msg, update};
use worker::Worker;

/// What the command line asked the TUI to open.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub file: Option<PathBuf>,
    /// a statistics file to fit from (the data stays where it is)
    pub stats: Option<PathBuf>,
    pub target: Option<String>,
    pub config: Option<PathBuf>,
    pub flags: UiFlags,
}

/// The experiment, data source and config path to start with. A config that does not
/// load becomes an error state (no data shown, the header names the config; r retries).
pub fn initial_app(opts: &Options) -> App {
    let embedded = |target: Option<String>| {
        Experiment::default_for(
            EMBEDDED_NAME,
            target.unwrap_or_else(|| "progression".into()),
        )
    };
    if let Some(cfg) = &opts.config {
        match Experiment::load(cfg) {
            Ok(exp) => {
                let source = normalized(DataSource::for_experiment(&exp, Some(cfg)));
                return App::new(exp, source, Some(cfg.clone()));
            }
            Err(e) => {
                let mut app = App::new(embedded(None), DataSource::Embedded, Some(cfg.clone()));
                app.config_error = true;
                app.load_error = Some(e.to_string());
                app.set_status(Level::Error, format!("{e} (fix it, then r reloads)"));
                return app;
            }
        }
    }
    if let Some(file) = &opts.stats {
        return stats_app(file, opts.config.as_deref());
    }
    match &opts.file {
        Some(f) => App::new(
            Experiment::default_for(f, opts.target.clone().unwrap_or_default()),
            normalized(DataSource::File(f.clone())),
            None,
        ),
        None => App::new(embedded(opts.target.clone()), DataSource::Embedded, None),
    }
}

/// The app on a statistics file: the target and features are the file's, the model,
/// grid and CV settings a config's (if one is given) or the defaults.
fn stats_app(file: &Path, config: Option<&Path>) -> App {
    let fail = |msg: String| {
        let exp = Experiment::default_for(EMBEDDED_NAME, "progression");
        let mut app = App::new(exp, DataSource::Embedded, config.map(Path::to_path_buf));
        app.config_error = config.is_some();
        app.load_error = Some(msg.clone());
        app.set_status(Level::Error, msg);
        app
    };
    let provenance = match crate::data::stats_file::read(file) {
        Ok(s) => s.provenance,
        Err(e) => return fail(e.to_string()),
    };
    let mut exp = match config {
        Some(cfg) => match Experiment::load(cfg) {
            Ok(exp) => exp,
            Err(e) => return fail(format!("{e} (fix it, then r reloads)")),
        },
        None => Experiment::default_for(&provenance.source, provenance.target.clone()),
    };
    exp.data.path = provenance.source.clone();
    exp.data.target = provenance.target.clone();
    // the source's columns (a one-hot coded column by its own name), so that a config
    // saved here also loads with the data
    let columns = provenance
        .schema
        .iter()
        .map(|(name, _)| name)
        .filter(|name| {
            **name != provenance.target
                && (provenance.features.contains(name)
                    || provenance.levels.iter().any(|(c, _)| c == *name))
        })
        .cloned()
        .collect();
    exp.data.features = Some(columns);
    let source = DataSource::File(PathBuf::from(&provenance.source));
    let mut app = App::new(exp, source, config.map(Path::to_path_buf));
    app.stats = Some(file.to_path_buf());
    app
}

pub use crate::workflow::normalize;

fn normalized(source: DataSource) -> DataSource {
    match source {
        DataSource::File(p) => DataSource::File(normalize(&p)),
        s => s,
    }
}

/// `data.path` as a config at `cfg` should hold it: relative to the config's folder
/// when the two share a root; the embedded sample is written as
/// "sample-data/diabetes.csv" unchanged.
pub fn data_path_for(source: &DataSource, cfg: &Path) -> String {
    match source {
        DataSource::Embedded => EMBEDDED_NAME.to_string(),
        DataSource::File(p) => {
            let (Ok(abs), Ok(cfg_abs)) = (std::path::absolute(p), std::path::absolute(cfg)) else {
                return p.display().to_string();
            };
            let dir = cfg_abs.parent().unwrap_or(Path::new("/"));
            relative(&abs, dir).unwrap_or(abs).display().to_string()
        }
    }
}

fn relative(path: &Path, base: &Path) -> Option<PathBuf> {
    let a: Vec<Component> = path.components().collect();
    let b: Vec<Component> = base.components().collect();
    if a.first() != b.first() {
        return None;
    }
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut out = PathBuf::new();
    for _ in common..b.len() {
        out.push("..");
    }
    for c in &a[common..] {
        out.push(c.as_os_str());
    }
    Some(out)
}

/// Save `exp` (with `data.path` made relative to the config) and return what was written.
pub fn save_experiment(exp: &Experiment, source: &DataSource, path: &Path) -> Result<Experiment> {
    let mut exp = exp.clone();
    exp.data.path = data_path_for(source, path);
    exp.save(path)?;
    Ok(exp)
}

/// Open the workbench; returns when the user quits.
pub fn run(opts: Options) -> Result<()> {
    if !io::stdout().is_terminal() || !io::stdin().is_terminal() {
        return Err(Error::new(
            "the TUI needs a terminal (stdin/stdout are not one); for a text report run \
             `regscope cv --format table`",
        ));
    }
    let env = |k: &str| std::env::var(k).ok();
    let caps = detect(opts.flags, &env);
    let mut app = initial_app(&opts);
    app.theme = Theme::new(caps.color);
    app.glyphs = Glyphs::new(caps.ascii);
    let recovery_file = recovery::file(&env);
    if let Some(f) = &recovery_file
        && let Some(exp) = recovery::read(f)
    {
        // the key first: the path may not fit on the status line (the log shows it all)
        let text = format!(
            "R opens the unsaved experiment of a session that ended on a signal (kept in {})",
            f.display()
        );
        app.recovery = Some((f.clone(), exp));
        if app.status().is_none() {
            app.set_status(Level::Warning, text);
        } else {
            app.push_log(Level::Warning, text);
        }
    }
    let mut stamp = opts.config.as_deref().and_then(file_stamp);

    term::init(caps.mouse).map_err(|e| Error::new(format!("cannot set up the terminal: {e}")))?;
    let _guard = term::Guard;
    term::install_panic_hook();
    let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout()))
        .map_err(|e| Error::new(format!("cannot set up the terminal: {e}")))?;
    let size = terminal.size().map_err(|e| Error::new(e.to_string()))?;
    app.size = (size.width, size.height);

    let (tx, rx) = mpsc::channel::<Msg>();
    let worker = Worker::spawn(tx.clone(), Msg::Worker);
    let input_tx = tx.clone();
    std::thread::Builder::new()
        .name("regscope-input".into())
        .spawn(move || input_loop(&input_tx))
        .map_err(|e| Error::new(e.to_string()))?;
    let signal_tx = tx.clone();
    let mut signals = Signals::new([SIGHUP, SIGTERM])
        .map_err(|e| Error::new(format!("cannot watch for SIGHUP/SIGTERM: {e}")))?;
    std::thread::Builder::new()
        .name("regscope-signals".into())
        .spawn(move || {
            for sig in signals.forever() {
                if signal_tx.send(Msg::Signal(sig)).is_err() {
                    return;
                }
            }
        })
        .map_err(|e| Error::new(e.to_string()))?;

    // debug builds only (the tests' binary): a release build ignores the switch
    let test_ui_panic =
        cfg!(debug_assertions) && std::env::var("REGSCOPE_TEST_PANIC").as_deref() == Ok("ui");
    let mut queue: VecDeque<Effect> = if app.config_error {
        VecDeque::new() // the config did not load: wait for r
    } else {
        update::start(&mut app).into()
    };
    let mut quit = execute(&mut queue, &mut app, &worker, &mut terminal, &mut stamp);
    draw(&mut terminal, &app)?;
    while !quit {
        let first = if app.busy() {
            match rx.recv_timeout(Duration::from_millis(100)) {
                Ok(m) => m,
                Err(RecvTimeoutError::Timeout) => Msg::Tick,
                Err(RecvTimeoutError::Disconnected) => break,
            }
        } else {
            match rx.recv() {
                Ok(m) => m,
                Err(_) => break,
            }
        };
        // a burst of keys (or progress reports) becomes one frame
        let mut batch = vec![first];
        batch.extend(rx.try_iter());
        for msg in batch {
            if test_ui_panic && matches!(msg, Msg::Key(_)) {
                panic!("test panic on the UI thread (REGSCOPE_TEST_PANIC=ui)");
            }
            if let Msg::Signal(sig) = msg {
                let said = on_signal(&app, sig, recovery_file.as_deref());
                term::restore();
                // the terminal may be gone (a hang-up): a failed write must not panic
                let _ = writeln!(io::stderr(), "regscope: {said}");
                std::process::exit(128 + sig);
            }
            queue.extend(update(&mut app, msg));
        }
        quit = execute(&mut queue, &mut app, &worker, &mut terminal, &mut stamp);
        if !quit {
            draw(&mut terminal, &app)?;
        }
    }
    drop(worker);
    Ok(())
}

/// SIGHUP / SIGTERM: keep unsaved work in the recovery file. Returns what to tell the
/// user.
fn on_signal(app: &App, sig: i32, file: Option<&Path>) -> String {
    let name = if sig == SIGHUP { "SIGHUP" } else { "SIGTERM" };
    if !app.dirty || app.config_error {
        return format!("stopped by {name}; nothing was unsaved");
    }
    let Some(file) = file else {
        return format!(
            "stopped by {name}; the unsaved experiment was lost (no HOME or XDG_STATE_HOME \
             to keep it in)"
        );
    };
    let mut exp = app.exp.clone();
    if exp.model.kind != crate::solver::ModelKind::Ols {
        exp.model.alpha = app.alpha().or(exp.model.alpha);
    }
    match recovery::write(&exp, &app.source, file) {
        Ok(()) => format!(
            "stopped by {name}; the unsaved experiment was kept in {} (the next regscope \
             offers it: R)",
            file.display()
        ),
        Err(e) => format!("stopped by {name}; could not keep the unsaved experiment: {e}"),
    }
}

/// What identifies a version of a file on disk: its modification time and length.
type Stamp = (Option<std::time::SystemTime>, u64);

fn file_stamp(p: &Path) -> Option<Stamp> {
    let m = std::fs::metadata(p).ok()?;
    Some((m.modified().ok(), m.len()))
}

/// Run the effects `update` asked for; some (save, export, reload) feed a message straight
/// back. Returns true when the app should quit. `stamp` is the config file as last
/// read or written, to notice edits made behind the app's back.
fn execute(
    queue: &mut VecDeque<Effect>,
    app: &mut App,
    worker: &Worker,
    terminal: &mut Terminal<CrosstermBackend<io::Stdout>>,
    stamp: &mut Option<Stamp>,
) -> bool {
    let mut quit = false;
    while let Some(e) = queue.pop_front() {
        match e {
            Effect::Quit => quit = true,
            Effect::Submit(job) => worker.submit(job),
            Effect::Cancel => worker.cancel(),
            Effect::Redraw => {
                let _ = terminal.clear();
            }
            Effect::Save(path, exp, force) => {
                let ours = app.config_path.as_deref() == Some(path.as_path()) && !app.config_error;
                if !force && ours && changed_on_disk(&path, *stamp) {
                    queue.extend(update(app, Msg::SaveConflict(path)));
                    continue;
                }
                let r = save_experiment(&exp, &app.source, &path).map_err(|e| e.to_string());
                if r.is_ok() {
                    *stamp = file_stamp(&path);
                }
                queue.extend(update(app, Msg::Saved(path, r)));
            }
            Effect::Export(job) => {
                let r = export::run(&job).map_err(|e| e.to_string());
                queue.extend(update(app, Msg::Exported(job.dir.clone(), r)));
            }
            Effect::Reload(path) => {
                let r = Experiment::load(&path)
                    .map(|exp| {
                        let src = normalized(DataSource::for_experiment(&exp, Some(&path)));
                        (exp, src)
                    })
                    .map_err(|e| e.to_string());
                if r.is_ok() {
                    *stamp = file_stamp(&path);
                }
                queue.extend(update(app, Msg::Reloaded(r)));
            }
            Effect::DropRecovery(file) => {
                let _ = std::fs::remove_file(&file);
            }
        }
    }
    quit
}

/// True when the config at `path` is not the version last read or written (edited,
/// replaced or removed since).
fn changed_on_disk(path: &Path, stamp: Option<Stamp>) -> bool {
    match (stamp, file_stamp(path)) {
        (Some(a), Some(b)) => a != b,
        (Some(_), None) => true, // removed since it was read
        (None, _) => false,      // never read: nothing to protect
    }
}

fn draw(terminal: &mut Terminal<CrosstermBackend<io::Stdout>>, app: &App) -> Result<()> {
    let _ = execute!(terminal.backend_mut(), terminal::BeginSynchronizedUpdate);
    let r = terminal
        .draw(|f| view::view(app, f))
        .map(|_| ())
        .map_err(|e| Error::new(format!("drawing failed: {e}")));
    let _ = execute!(terminal.backend_mut(), terminal::EndSynchronizedUpdate);
    r
}

fn input_loop(tx: &mpsc::Sender<Msg>) {
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        loop {
            let msg = match event::read() {
                Ok(Event::Key(k)) if k.kind == KeyEventKind::Press => match Key::from_event(&k) {
                    Some(key) => Msg::Key(key),
                    None => continue,
                },
                Ok(Event::Resize(w, h)) => Msg::Resize(w, h),
                Ok(_) => continue,
                Err(_) => return,
            };
            if tx.send(msg).is_err() {
                return;
            }
        }
    }));
    if r.is_err() {
        let _ = tx.send(Msg::Panic("the input reader stopped".into()));
    }
}

#[cfg(test)]
mod tests;
