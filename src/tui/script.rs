//! A scripted worker and an operation decoder for robustness tests of the pure update
//! function: the proptest in `cargo test` and the cargo-fuzz target (fuzz/) both turn
//! bytes or random values into keys, resizes, ticks and worker answers, apply them,
//! draw every frame and check the invariants after each step.

use std::sync::{Arc, OnceLock};

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::config::Experiment;
use crate::data::ColumnInfo;
use crate::solver::{CvResult, PathResult};
use crate::workflow::{DataSource, EMBEDDED_NAME};

use super::app::{App, Overlay};
use super::insight::{Comparison, StabilityReport};
use super::keymap::{BINDINGS, Key};
use super::update::{Effect, Msg, update};
use super::worker::{DataInfo, Job, JobKind, SyncFitter, WorkerMsg};

/// One fit of the embedded sample, replayed as the answer to every job.
pub struct Canned {
    pub columns: Vec<ColumnInfo>,
    pub info: Arc<DataInfo>,
    pub path: Arc<PathResult>,
    pub cv: Arc<CvResult>,
    /// the compare view's answer (`p`)
    pub compared: Arc<Comparison>,
    /// the stability view's answer (`b`), of the lasso
    pub stable: Arc<StabilityReport>,
}

impl Canned {
    /// Fitted once per process.
    pub fn get() -> &'static Canned {
        static C: OnceLock<Canned> = OnceLock::new();
        C.get_or_init(|| {
            let exp = Experiment::default_for(EMBEDDED_NAME, "progression");
            let mut f = SyncFitter::new();
            let job = Job {
                id: 1,
                kind: JobKind::Fit {
                    exp: Box::new(exp),
                    source: DataSource::Embedded,
                    reload: true,
                    stats: None,
                },
            };
            let (mut columns, mut info, mut path, mut cv) = (None, None, None, None);
            let (mut compared, mut stable) = (None, None);
            let lasso = {
                let mut e = Experiment::default_for(EMBEDDED_NAME, "progression");
                e.model.kind = crate::solver::ModelKind::Lasso;
                e
            };
            let mut msgs = f.run(&job);
            for kind in [
                JobKind::Compare {
                    exp: Box::new(lasso.clone()),
                    ratios: crate::solver::compare::DEFAULT_L1_RATIOS.to_vec(),
                },
                JobKind::Stability {
                    exp: Box::new(lasso),
                },
            ] {
                msgs.extend(f.run(&Job { id: 1, kind }));
            }
            for m in msgs {
                match m {
                    WorkerMsg::Loaded(_, c) => columns = Some(c),
                    WorkerMsg::PathReady(_, i, p) => {
                        info = Some(i);
                        path = Some(p);
                    }
                    WorkerMsg::CvReady(_, c) => cv = Some(c),
                    WorkerMsg::Compared(_, Ok(c)) => compared = Some(c),
                    WorkerMsg::Stabilized(_, Ok(s)) => stable = Some(s),
                    _ => {}
                }
            }
            match (columns, info, path, cv, compared, stable) {
                (Some(columns), Some(info), Some(path), Some(cv), Some(compared), Some(stable)) => {
                    Canned {
                        columns,
                        info,
                        path,
                        cv,
                        compared,
                        stable,
                    }
                }
                _ => panic!("the embedded sample did not fit"),
            }
        })
    }
}

/// How the scripted worker answers the oldest pending job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// loaded, path, cv (a fit) or the point result
    Done,
    /// only the path so far (the CV still "running")
    PathOnly,
    Fail,
    Cancel,
    Panic,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Key(Key),
    Resize(u16, u16),
    Tick,
    Answer(Answer),
}

/// Every key of the keymap plus a few printable ones for the prompts.
pub fn all_keys() -> Vec<Key> {
    let mut keys: Vec<Key> = BINDINGS.iter().map(|(_, k, _)| *k).collect();
    for c in ['0', '1', '5', '.', 'e', '-', 'x', 'z', '/', ' '] {
        keys.push(Key::Char(c));
    }
    keys.extend([Key::Backspace, Key::Ctrl('u'), Key::Enter, Key::Esc]);
    keys.sort_by_key(|k| format!("{k:?}"));
    keys.dedup();
    keys
}

/// Two bytes per operation: a kind and an argument.
pub fn decode(bytes: &[u8]) -> Vec<Op> {
    let keys = all_keys();
    bytes
        .chunks(2)
        .map(|c| {
            let (a, b) = (c[0], c.get(1).copied().unwrap_or(0));
            match a % 16 {
                0 => Op::Resize(u16::from(b % 200) + 1, u16::from(b / 4 % 60) + 1),
                1 => Op::Tick,
                2..=4 => Op::Answer(match b % 8 {
                    0..=3 => Answer::Done,
                    4 => Answer::PathOnly,
                    5 => Answer::Fail,
                    6 => Answer::Cancel,
                    _ => Answer::Panic,
                }),
                _ => Op::Key(keys[usize::from(b) % keys.len()]),
            }
        })
        .collect()
}

/// The app, the jobs the scripted worker has not answered yet, and a terminal to draw on.
pub struct Session {
    pub app: App,
    pub pending: Vec<Job>,
    pub quit: bool,
}

impl Session {
    pub fn new() -> Session {
        let exp = Experiment::default_for(EMBEDDED_NAME, "progression");
        let mut s = Session {
            app: App::new(exp, DataSource::Embedded, None),
            pending: Vec::new(),
            quit: false,
        };
        s.app.size = (100, 30);
        let eff = super::update::start(&mut s.app);
        s.effects(eff);
        s
    }

    fn effects(&mut self, effects: Vec<Effect>) {
        for e in effects {
            match e {
                Effect::Submit(job) => self.pending.push(job),
                Effect::Cancel => self.pending.clear(),
                Effect::Quit => self.quit = true,
                // no disk in the script: a save fails, a reload finds nothing
                Effect::Save(path, _, _) => {
                    let more = update(&mut self.app, Msg::Saved(path, Err("scripted".into())));
                    self.effects(more);
                }
                // the export still builds its charts (they must survive any state), but
                // writes nothing
                Effect::Export(job) => {
                    let r = crate::export::charts(&job.input())
                        .iter()
                        .map(|c| c.svg.len())
                        .sum::<usize>();
                    let msg = Msg::Exported(job.dir.clone(), Err(format!("scripted ({r} bytes)")));
                    let more = update(&mut self.app, msg);
                    self.effects(more);
                }
                Effect::Reload(_) => {
                    let more = update(&mut self.app, Msg::Reloaded(Err("scripted".into())));
                    self.effects(more);
                }
                Effect::Redraw | Effect::DropRecovery(_) => {}
            }
        }
    }

    fn answer(&mut self, a: Answer) {
        if self.pending.is_empty() {
            return;
        }
        let job = self.pending.remove(0);
        let c = Canned::get();
        let id = job.id;
        let msgs = match (a, &job.kind) {
            (Answer::Done, JobKind::Fit { .. }) => vec![
                WorkerMsg::Loaded(id, c.columns.clone()),
                WorkerMsg::PathReady(id, c.info.clone(), c.path.clone()),
                WorkerMsg::CvReady(id, c.cv.clone()),
            ],
            (Answer::PathOnly, JobKind::Fit { .. }) => {
                self.pending.insert(0, job.clone());
                vec![WorkerMsg::PathReady(id, c.info.clone(), c.path.clone())]
            }
            (Answer::Done | Answer::PathOnly, JobKind::Point { alpha, .. }) => {
                vec![WorkerMsg::PointReady(id, *alpha, c.path.clone())]
            }
            (Answer::Done | Answer::PathOnly, JobKind::Diagnose) => {
                vec![WorkerMsg::Diagnosed(
                    id,
                    Err("scripted: no diagnosis".into()),
                )]
            }
            (Answer::Done | Answer::PathOnly, JobKind::Compare { .. }) => {
                vec![WorkerMsg::Compared(id, Ok(c.compared.clone()))]
            }
            (Answer::Done | Answer::PathOnly, JobKind::Stability { .. }) => {
                vec![WorkerMsg::Stabilized(id, Ok(c.stable.clone()))]
            }
            (Answer::Fail, _) => vec![WorkerMsg::Failed(id, "scripted failure".into())],
            (Answer::Cancel, _) => vec![WorkerMsg::Cancelled(id)],
            (Answer::Panic, _) => vec![WorkerMsg::Panicked(id, "scripted panic".into())],
        };
        for m in msgs {
            let more = update(&mut self.app, Msg::Worker(m));
            self.effects(more);
        }
    }

    /// Apply one operation, draw, and check the invariants (panics on a violation).
    pub fn step(&mut self, op: Op) {
        match op {
            Op::Key(k) => {
                let e = update(&mut self.app, Msg::Key(k));
                self.effects(e);
            }
            Op::Resize(w, h) => {
                let e = update(&mut self.app, Msg::Resize(w, h));
                self.effects(e);
            }
            Op::Tick => {
                let e = update(&mut self.app, Msg::Tick);
                self.effects(e);
            }
            Op::Answer(a) => self.answer(a),
        }
        self.check();
    }

    fn check(&self) {
        let app = &self.app;
        let (w, h) = app.size;
        let mut t = Terminal::new(TestBackend::new(w.max(1), h.max(1))).expect("test terminal");
        t.draw(|f| super::view::view(app, f)).expect("draw");
        let m = app.grid_len();
        assert!(
            m == 0 || app.idx < m,
            "cursor {} outside a grid of {m}",
            app.idx
        );
        let vis = app.visible_features();
        assert!(
            vis.is_empty() || vis.contains(&app.selected),
            "the selection {} is hidden by the filter '{}'",
            app.selected,
            app.filter
        );
        if matches!(app.overlay, Overlay::Help | Overlay::Log) {
            assert!(app.scroll <= super::view::overlays::max_scroll(app, w, h));
        }
        if let Overlay::Picker(pk) = &app.overlay {
            assert!(pk.cursor < app.columns.len().max(1));
            assert_eq!(pk.included.len(), app.columns.len());
        }
        if let Overlay::Settings(st) = &app.overlay {
            assert!(st.cursor < super::settings::FIELDS.len());
        }
    }
}

impl Default for Session {
    fn default() -> Self {
        Session::new()
    }
}

/// Run a whole script (the fuzz target's body): every operation until a quit.
pub fn run(bytes: &[u8]) {
    let mut s = Session::new();
    for op in decode(bytes) {
        if s.quit {
            break;
        }
        s.step(op);
    }
}
