//! End to end: the real `regscope` binary in a real pseudo-terminal (portable-pty), its
//! output parsed by vt100. Every wait polls the parsed screen for a text with a
//! generous timeout and prints the screen when it fails; nothing sleeps and hopes.

#![allow(clippy::unwrap_used)] // a test: a failed step fails it

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod common;
use common::Scratch;

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use regscope::config::Experiment;
use regscope::solver::ModelKind;

const TIMEOUT: Duration = Duration::from_secs(30);

/// The binary under test. `REGSCOPE_BIN` overrides it for local runs where several
/// worktrees share one CARGO_TARGET_DIR (they overwrite each other's uplifted
/// target/debug/regscope); CI uses `CARGO_BIN_EXE_regscope`.
fn binary() -> String {
    let bin = std::env::var("REGSCOPE_BIN")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_regscope").to_string());
    let out = std::process::Command::new(&bin)
        .arg("--keys")
        .output()
        .expect("run regscope --keys");
    assert!(
        out.status.success() && String::from_utf8_lossy(&out.stdout).contains("main screen"),
        "{bin} is not this tree's regscope (another worktree sharing CARGO_TARGET_DIR may have \
         overwritten target/debug/regscope); point REGSCOPE_BIN at target/debug/deps/regscope-<hash>"
    );
    bin
}

struct Term {
    parser: vt100::Parser,
    raw: Vec<u8>,
    eof: bool,
}

struct Session {
    state: Arc<Mutex<Term>>,
    master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
}

fn nz(v: u16) -> NonZeroU16 {
    NonZeroU16::new(v).unwrap()
}

impl Session {
    fn start(args: &[&str], envs: &[(&str, &str)], cwd: &Path, rows: u16, cols: u16) -> Session {
        let pty = native_pty_system();
        let pair = pty
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(binary());
        cmd.args(args);
        cmd.cwd(cwd);
        cmd.env("TERM", "xterm-256color");
        cmd.env("LANG", "C.UTF-8");
        cmd.env_remove("NO_COLOR");
        cmd.env_remove("REGSCOPE_TEST_PANIC");
        // the recovery file goes to the scratch folder, never the user's home
        cmd.env("XDG_STATE_HOME", cwd.join("state"));
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).expect("spawn regscope");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = pair.master.take_writer().unwrap();
        let state = Arc::new(Mutex::new(Term {
            parser: vt100::Parser::new(nz(rows), nz(cols), 0),
            raw: Vec::new(),
            eof: false,
        }));
        let st = state.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => {
                        st.lock().unwrap().eof = true;
                        return;
                    }
                    Ok(n) => {
                        let mut t = st.lock().unwrap();
                        t.parser.process(&buf[..n]);
                        t.raw.extend_from_slice(&buf[..n]);
                    }
                }
            }
        });
        Session {
            state,
            master: pair.master,
            writer,
            child,
        }
    }

    fn screen(&self) -> String {
        self.state.lock().unwrap().parser.screen().contents()
    }

    fn row(&self, r: u16) -> String {
        let t = self.state.lock().unwrap();
        let cols = t.parser.screen().size().1;
        t.parser.screen().contents_between(r, 0, r, cols.into())
    }

    fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let t0 = Instant::now();
        loop {
            let s = self.screen();
            if pred(&s) {
                return s;
            }
            if t0.elapsed() > TIMEOUT {
                panic!("timed out waiting for {what}; the screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn wait_text(&self, text: &str) -> String {
        self.wait_for(&format!("'{text}'"), |s| s.contains(text))
    }

    /// "ready" in the status line and the fit statistics drawn.
    fn wait_ready(&self) -> String {
        self.wait_for("ready", |s| {
            let l0 = s.lines().next().unwrap_or("");
            s.lines().nth(1).is_some_and(|l| l.contains("ready"))
                && (l0.contains("nz ") || l0.contains("nonzero "))
                && !l0.contains("CV -")
                && !l0.contains("CV MSE -")
        })
    }

    fn keys(&mut self, bytes: &str) {
        self.writer.write_all(bytes.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    fn resize(&mut self, rows: u16, cols: u16) {
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        self.state
            .lock()
            .unwrap()
            .parser
            .set_size(nz(rows), nz(cols));
    }

    fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let t0 = Instant::now();
        loop {
            if let Some(st) = self.child.try_wait().unwrap() {
                // let the reader drain what is left
                let t1 = Instant::now();
                while !self.state.lock().unwrap().eof && t1.elapsed() < Duration::from_secs(2) {
                    std::thread::sleep(Duration::from_millis(10));
                }
                return st;
            }
            if t0.elapsed() > TIMEOUT {
                let _ = self.child.kill();
                panic!("regscope did not exit; the screen:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn raw(&self) -> Vec<u8> {
        self.state.lock().unwrap().raw.clone()
    }
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// The terminal was handed back: the alternate screen left after it was last entered,
/// and the cursor shown after that.
fn assert_restored(raw: &[u8]) {
    let enter = rfind(raw, b"\x1b[?1049h").expect("entered the alternate screen");
    let leave = rfind(raw, b"\x1b[?1049l").expect("left the alternate screen");
    assert!(leave > enter, "left the alternate screen after entering it");
    let show = rfind(raw, b"\x1b[?25h").expect("showed the cursor");
    assert!(show > enter, "cursor shown at the end");
}

#[test]
fn workbench_end_to_end() {
    let dir = Scratch::tagged("e2e");
    let mut s = Session::start(&[], &[], &dir.0, 40, 120);
    let first = s.wait_ready();
    assert!(first.contains("diabetes.csv"), "{first}");
    assert!(first.contains("lasso"));

    // one grid step: the status line and the bars change, no refit
    let status0 = s.row(0);
    let bars0: Vec<String> = (4..14).map(|r| s.row(r)).collect();
    s.keys("l");
    let t0 = status0.trim_end().to_string();
    s.wait_for("the alpha to move", |sc| {
        sc.lines()
            .next()
            .is_some_and(|l| l.trim_end() != t0 && l.contains("lasso"))
    });
    let s1 = s.wait_ready();
    let bars1: Vec<String> = (4..14).map(|r| s.row(r)).collect();
    assert_ne!(bars0, bars1, "the bars change with alpha:\n{s1}");
    assert!(
        s1.lines().nth(1).unwrap().contains("config unsaved*"),
        "{s1}"
    );

    // model switch: lasso -> elastic net (refit)
    s.keys("M");
    s.wait_text("elastic net");
    s.wait_ready();
    // l1_ratio 0.5 -> 0.55 (refit finishes)
    s.keys("]");
    s.wait_for("l1_ratio 0.55 in the header", |sc| {
        sc.lines()
            .next()
            .is_some_and(|l| l.contains("l1_ratio 0.55") || l.contains("l1 0.55"))
    });
    let sc = s.wait_ready();
    assert!(sc.contains("elastic net"));
    // the elastic net 0.5's path stays behind, dimmed, named in the path's title
    s.wait_text("dim: elastic-net 0.5");

    // save-as into the scratch folder
    let cfg = dir.0.join("configs").join("e2e.toml");
    s.keys("W");
    s.wait_text("save as:");
    s.keys("\x15"); // Ctrl-U clears the proposed path
    s.keys(cfg.to_str().unwrap());
    s.wait_text("e2e.toml_");
    s.keys("\r");
    s.wait_text("saved ");
    s.wait_text("config e2e.toml ");
    let text = std::fs::read_to_string(&cfg).expect("the config was written");
    let exp = Experiment::load(&cfg).expect("the saved config loads");
    assert_eq!(exp.model.kind, ModelKind::ElasticNet);
    assert_eq!(exp.model.l1_ratio, Some(0.55));
    assert!(exp.model.alpha.is_some_and(|a| a > 0.0));
    assert_eq!(exp.data.path, "embedded:diabetes");
    assert_eq!(exp.data.target, "progression");
    assert_eq!(
        exp.to_toml_string(),
        text,
        "loads back to the same experiment, byte for byte"
    );

    // collinearity: c opens the overlay (computed on the worker), c closes it
    s.keys("c");
    s.wait_text("condition number 21.68");
    s.wait_text("s1 ~ s2");
    s.keys("c");
    s.wait_for("the overlay to close", |sc| {
        !sc.contains("condition number")
    });

    // compare penalties: p runs the five models on the worker and opens the view; the
    // cursor moves; p closes it without adopting (the experiment stays unchanged)
    s.keys("p");
    s.wait_text("compare penalties");
    s.wait_text("5 lasso");
    s.keys("k");
    s.keys("p");
    s.wait_for("the compare view to close", |sc| {
        !sc.contains("compare penalties")
    });

    // stability selection: b fits 100 half-sample paths on the worker; Enter selects the
    // most stable feature in the panes
    s.keys("b");
    s.wait_text("50 complementary pairs of half-samples (100 fits)");
    s.keys("\r");
    s.wait_text("selected in the panes");

    // export: the charts and the coefficient table land under exports/ in the working
    // folder, and the status line says where
    s.keys("e");
    s.wait_text("exported 7 files to exports/diabetes-");
    let exports = dir.0.join("exports");
    let sub = std::fs::read_dir(&exports)
        .expect("exports/ was created")
        .next()
        .expect("one folder")
        .unwrap()
        .path();
    for f in ["coefficients.csv", "coefficients.png", "path.svg", "cv.png"] {
        assert!(sub.join(f).is_file(), "{f} in {}", sub.display());
    }

    // too small, then back
    s.resize(8, 30);
    s.wait_text("too small");
    // (keys while too small are ignored: a unit test checks that; here the order of a
    // key and the resize signal is not defined)
    s.resize(40, 120);
    let back = s.wait_ready();
    assert!(back.contains("Coefficients"), "{back}");
    assert!(
        back.lines().nth(1).unwrap().contains("config e2e.toml "),
        "no change while too small:\n{back}"
    );

    s.keys("q");
    let st = s.wait_exit();
    assert!(st.success(), "exit status {st:?}");
    assert_restored(&s.raw());
}

#[test]
fn ui_panic_restores_the_terminal_and_exits_non_zero() {
    let dir = Scratch::tagged("uipanic");
    let mut s = Session::start(&[], &[("REGSCOPE_TEST_PANIC", "ui")], &dir.0, 30, 100);
    s.wait_ready();
    s.keys("x");
    let st = s.wait_exit();
    assert!(!st.success(), "a UI panic exits non-zero");
    let raw = s.raw();
    assert_restored(&raw);
    let leave = rfind(&raw, b"\x1b[?1049l").unwrap();
    let msg = rfind(&raw, b"internal error").expect("the panic is reported");
    assert!(msg > leave, "reported after the terminal was restored");
}

#[test]
fn worker_panic_is_shown_and_the_ui_keeps_running() {
    let dir = Scratch::tagged("wpanic");
    let mut s = Session::start(
        &["--ascii"],
        &[("REGSCOPE_TEST_PANIC", "worker")],
        &dir.0,
        30,
        100,
    );
    let sc = s.wait_text("worker panicked");
    assert!(sc.is_ascii(), "--ascii draws only ASCII:\n{sc}");
    s.wait_for("ready after the panic", |sc| {
        sc.lines().nth(1).is_some_and(|l| l.contains("ready"))
    });
    assert!(
        !s.raw().windows(8).any(|w| w == b"\x1b[?1049l"),
        "the screen was not torn down"
    );
    s.keys("r"); // retry
    s.wait_ready();
    s.keys("q");
    let st = s.wait_exit();
    assert!(st.success(), "exit status {st:?}");
    assert_restored(&s.raw());
}

fn signal(s: &Session, sig: &str) {
    let pid = s.child.process_id().expect("the child's pid");
    let st = std::process::Command::new("kill")
        .args([sig, &pid.to_string()])
        .status()
        .expect("run kill");
    assert!(st.success());
}

/// An SSH drop (SIGHUP) or a SIGTERM: the terminal is restored, the unsaved experiment
/// is kept, and the next start offers it.
#[test]
fn a_signal_keeps_the_unsaved_experiment_and_the_next_start_offers_it() {
    let dir = Scratch::tagged("signal");
    let recovery = dir.0.join("state").join("regscope").join("recovery.toml");
    let mut s = Session::start(&[], &[], &dir.0, 30, 100);
    s.wait_ready();
    s.keys("{"); // ridge: an unsaved change
    s.wait_for("ridge fitted", |sc| {
        sc.lines().next().is_some_and(|l| l.contains("ridge")) && sc.contains("unsaved*")
    });
    s.wait_ready();
    signal(&s, "-TERM");
    let st = s.wait_exit();
    assert!(!st.success(), "a signal is not a clean exit");
    assert_restored(&s.raw());
    let exp = Experiment::load(&recovery).expect("the recovery file loads");
    assert_eq!(exp.model.kind, ModelKind::Ridge);
    assert_eq!(exp.data.path, "embedded:diabetes");

    // the next start offers it; R opens it (and removes the file)
    let mut s = Session::start(&[], &[], &dir.0, 30, 100);
    s.wait_text("R opens the unsaved experiment");
    s.wait_ready();
    s.keys("R");
    s.wait_text("opened the recovered experiment");
    s.wait_for("ridge", |sc| {
        sc.lines().next().is_some_and(|l| l.contains("ridge"))
    });
    assert!(!recovery.exists(), "opened: the file is gone");
    s.wait_ready();
    // still unsaved: a hang-up keeps it again
    signal(&s, "-HUP");
    s.wait_exit();
    assert_restored(&s.raw());
    assert_eq!(
        Experiment::load(&recovery).expect("kept again").model.kind,
        ModelKind::Ridge
    );
}

#[test]
fn a_missing_file_shows_an_error_state_not_ready() {
    let dir = Scratch::tagged("missing");
    let mut s = Session::start(&["nope.csv"], &[], &dir.0, 24, 80);
    let sc = s.wait_text("Nothing to show");
    let l2 = sc.lines().nth(1).unwrap();
    assert!(l2.contains("failed") && !l2.contains("ready"), "{sc}");
    assert!(sc.lines().next().unwrap().contains("not loaded"), "{sc}");
    assert!(!sc.contains("waiting"), "{sc}");
    s.keys("q");
    assert!(s.wait_exit().success());
}

/// A config edited behind the app's back is not overwritten by `w` without asking.
#[test]
fn a_config_changed_on_disk_is_not_overwritten_silently() {
    let dir = Scratch::tagged("conflict");
    let cfg = dir.0.join("exp.toml");
    let exp = Experiment::default_for("sample-data/diabetes.csv", "progression");
    exp.save(&cfg).unwrap();
    let mut s = Session::start(&["--config", cfg.to_str().unwrap()], &[], &dir.0, 30, 100);
    s.wait_ready();
    s.keys("l");
    s.wait_text("exp.toml*");
    // someone edits the file meanwhile
    let edited = format!("# my notes\n{}", exp.to_toml_string());
    std::fs::write(&cfg, &edited).unwrap();
    s.keys("w");
    s.wait_text("changed on disk");
    assert_eq!(
        std::fs::read_to_string(&cfg).unwrap(),
        edited,
        "not overwritten"
    );
    s.keys("w");
    s.wait_text("saved ");
    let back = Experiment::load(&cfg).unwrap();
    assert!(back.model.alpha.is_some());
    s.keys("q");
    assert!(s.wait_exit().success());
}
