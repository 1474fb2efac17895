//! Update (pure) tests, widget buffer tests and whole-screen snapshots at four sizes,
//! Unicode and ASCII, fed by the real solver run synchronously on the embedded sample.

use std::sync::Arc;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;

use super::action::Action;
use super::app::{App, JobState, Level, Overlay, Pane, SortBy};
use super::keymap::Key;
use super::theme::{Glyphs, Theme};
use super::update::{Effect, Msg, act, start, update};
use super::view;
use super::worker::{Job, JobKind, SyncFitter, WorkerMsg};
use crate::config::Experiment;
use crate::solver::ModelKind;
use crate::workflow::{DataSource, EMBEDDED_NAME};

pub struct Harness {
    pub app: App,
    pub fitter: SyncFitter,
}

impl Harness {
    pub fn new() -> Harness {
        let exp = Experiment::default_for(EMBEDDED_NAME, "progression");
        let mut h = Harness {
            app: App::new(exp, DataSource::Embedded, None),
            fitter: SyncFitter::new(),
        };
        let eff = start(&mut h.app);
        h.run(eff);
        h
    }

    /// Execute effects the way run() does, with jobs run synchronously.
    pub fn run(&mut self, effects: Vec<Effect>) -> bool {
        let mut quit = false;
        for e in effects {
            match e {
                Effect::Submit(job) => {
                    for m in self.fitter.run(&job) {
                        let more = update(&mut self.app, Msg::Worker(m));
                        quit |= self.run(more);
                    }
                }
                Effect::Quit => quit = true,
                _ => {}
            }
        }
        quit
    }

    pub fn key(&mut self, k: Key) -> bool {
        let e = update(&mut self.app, Msg::Key(k));
        self.run(e)
    }
}

fn screen(app: &mut App, w: u16, h: u16) -> Terminal<TestBackend> {
    app.size = (w, h);
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| view::view(app, f)).unwrap();
    t
}

fn text_of(buf: &Buffer) -> String {
    let mut s = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            s.push_str(buf[(x, y)].symbol());
        }
        s.push('\n');
    }
    s
}

// ---------- update: pure ----------

#[test]
fn start_submits_a_fit_and_results_make_it_ready() {
    let h = Harness::new();
    assert_eq!(h.app.job, JobState::Idle);
    assert_eq!(h.app.worker_text(), "ready");
    let cv = h.app.cv.as_ref().unwrap();
    assert_eq!(h.app.idx, cv.index_min, "the cursor lands on alpha_min");
    assert_eq!(h.app.names().len(), 10);
    assert!(!h.app.path_stale() && !h.app.cv_stale());
}

#[test]
fn stale_job_results_are_ignored() {
    let mut h = Harness::new();
    let old_path = h.app.path.clone().unwrap();
    // a new fit is submitted (l1 change); results of the old id arrive late
    let eff = act(&mut h.app, Action::L1Down, false);
    let Some(Effect::Submit(job)) = eff.first().cloned() else {
        panic!("{eff:?}")
    };
    assert!(h.app.busy());
    assert!(
        h.app.path_stale(),
        "the old result stays on screen, marked stale"
    );
    let stale = WorkerMsg::PathReady(job.id - 1, h.app.info.clone().unwrap(), old_path.clone());
    update(&mut h.app, Msg::Worker(stale));
    assert!(h.app.path_stale());
    assert!(h.app.busy());
    update(
        &mut h.app,
        Msg::Worker(WorkerMsg::Failed(job.id - 1, "late".into())),
    );
    assert!(h.app.busy(), "a stale failure does not end the current job");
    assert!(h.app.status().is_none());
    // the current id lands
    for m in h.fitter.run(&job) {
        update(&mut h.app, Msg::Worker(m));
    }
    assert!(!h.app.busy());
    assert!(!h.app.path_stale());
    assert_eq!(h.app.path.as_ref().unwrap().l1_ratio, 0.95);
}

#[test]
fn escape_cancels_a_running_job_and_keeps_the_last_result() {
    let mut h = Harness::new();
    let eff = act(&mut h.app, Action::LassoMix, false);
    assert!(eff.is_empty(), "already lasso: nothing to do");
    let eff = act(&mut h.app, Action::RidgeMix, false);
    assert!(matches!(eff[..], [Effect::Submit(_)]));
    let eff = update(&mut h.app, Msg::Key(Key::Esc));
    assert_eq!(eff, vec![Effect::Cancel]);
    assert!(!h.app.busy());
    assert_eq!(h.app.worker_text(), "ready");
    assert!(h.app.path.is_some() && h.app.path_stale());
    // the worker's Cancelled for that id changes nothing
    let id = h.app.last_id;
    update(&mut h.app, Msg::Worker(WorkerMsg::Cancelled(id)));
    assert!(!h.app.busy());
    // Esc when idle with a filter clears it; never quits
    h.app.filter = "b".into();
    assert!(update(&mut h.app, Msg::Key(Key::Esc)).is_empty());
    assert!(h.app.filter.is_empty());
}

#[test]
fn grid_stepping_and_clamping_need_no_job() {
    let mut h = Harness::new();
    let m = h.app.grid_len();
    assert_eq!(m, 100);
    assert!(act(&mut h.app, Action::AlphaLargest, false).is_empty());
    assert_eq!(h.app.idx, 0);
    act(&mut h.app, Action::AlphaUp, false);
    assert_eq!(h.app.idx, 0, "clamped at the largest alpha");
    act(&mut h.app, Action::AlphaDown, false);
    assert_eq!(h.app.idx, 1);
    act(&mut h.app, Action::AlphaDown10, false);
    assert_eq!(h.app.idx, 11);
    act(&mut h.app, Action::AlphaUp10, false);
    act(&mut h.app, Action::AlphaUp10, false);
    assert_eq!(h.app.idx, 0);
    act(&mut h.app, Action::AlphaSmallest, false);
    assert_eq!(h.app.idx, m - 1);
    act(&mut h.app, Action::AlphaDown10, false);
    assert_eq!(h.app.idx, m - 1, "clamped at the smallest alpha");
    act(&mut h.app, Action::Jump1se, false);
    assert_eq!(h.app.idx, h.app.cv.as_ref().unwrap().index_1se);
    act(&mut h.app, Action::JumpMin, false);
    assert_eq!(h.app.idx, h.app.cv.as_ref().unwrap().index_min);
    assert!(!h.app.busy());
    // keys resolve through the keymap
    h.key(Key::Char('L'));
    assert_eq!(
        h.app.idx,
        h.app.cv.as_ref().unwrap().index_min.saturating_sub(10)
    );
}

#[test]
fn l1_ratio_steps_move_between_ridge_elastic_net_and_lasso() {
    let mut h = Harness::new();
    // lasso is the top: ] says so and changes nothing
    assert!(update(&mut h.app, Msg::Key(Key::Char(']'))).is_empty());
    assert_eq!(h.app.exp.model.kind, ModelKind::Lasso);
    assert!(h.app.status().unwrap().1.contains("towards ridge"));
    h.key(Key::Char('['));
    assert_eq!(h.app.exp.model.kind, ModelKind::ElasticNet);
    assert_eq!(h.app.exp.model.l1_ratio, Some(0.95));
    h.key(Key::Char(']'));
    assert_eq!(
        h.app.exp.model.kind,
        ModelKind::Lasso,
        "0.95 + 0.05 is lasso"
    );
    assert_eq!(h.app.exp.model.l1_ratio, None);
    h.key(Key::Char('{'));
    assert_eq!(h.app.exp.model.kind, ModelKind::Ridge);
    assert_eq!(h.app.exp.model.l1_ratio, None);
    assert_eq!(h.app.exp.model.effective_l1_ratio(), 0.0);
    // [ on ridge: a word, not "elastic net ... l1 0"
    assert!(update(&mut h.app, Msg::Key(Key::Char('['))).is_empty());
    assert_eq!(h.app.exp.model.kind, ModelKind::Ridge);
    assert!(h.app.status().unwrap().1.contains("ridge"));
    let t = screen(&mut h.app, 120, 40);
    let top = text_of(t.backend().buffer());
    assert!(
        !top.lines().next().unwrap().contains("elastic net"),
        "{top}"
    );
    h.key(Key::Char(']'));
    assert_eq!(h.app.exp.model.kind, ModelKind::ElasticNet);
    assert_eq!(h.app.exp.model.l1_ratio, Some(0.05));
    h.key(Key::Char('['));
    assert_eq!(
        h.app.exp.model.kind,
        ModelKind::Ridge,
        "0.05 - 0.05 is ridge"
    );
    h.key(Key::Char('}'));
    assert_eq!(h.app.exp.model.kind, ModelKind::Lasso);
    assert!(h.app.dirty);
    assert!(!h.app.busy());
}

#[test]
fn model_cycles_through_all_four_and_ols_has_no_alpha() {
    let mut h = Harness::new();
    let mut seen = vec![h.app.exp.model.kind];
    for _ in 0..4 {
        h.key(Key::Char('M'));
        seen.push(h.app.exp.model.kind);
        assert!(!h.app.busy());
        assert!(h.app.path.is_some());
    }
    assert_eq!(
        seen,
        [
            ModelKind::Lasso,
            ModelKind::ElasticNet,
            ModelKind::Ols,
            ModelKind::Ridge,
            ModelKind::Lasso
        ]
    );
}

#[test]
fn typed_alpha_off_grid_is_a_point_fit_and_on_grid_a_move() {
    let mut h = Harness::new();
    let grid = h.app.path.as_ref().unwrap().alphas.clone();
    h.key(Key::Char('a'));
    let Overlay::Prompt(p) = &h.app.overlay else {
        panic!("{:?}", h.app.overlay)
    };
    assert_eq!(
        p.text, "",
        "the alpha prompt starts empty: typing never appends"
    );
    for c in format!("{}", grid[5]).chars() {
        h.key(Key::Char(c));
    }
    h.key(Key::Enter);
    assert_eq!(h.app.idx, 5);
    assert!(h.app.point.is_none());
    // off grid
    h.key(Key::Char('a'));
    h.key(Key::Ctrl('u'));
    for c in "0.123".chars() {
        h.key(Key::Char(c));
    }
    let eff = update(&mut h.app, Msg::Key(Key::Enter));
    let [
        Effect::Submit(Job {
            kind: JobKind::Point { alpha, warm, .. },
            ..
        }),
    ] = &eff[..]
    else {
        panic!("{eff:?}")
    };
    assert_eq!(*alpha, 0.123);
    assert_eq!(warm.as_ref().map(Vec::len), Some(10));
    h.run(eff);
    assert_eq!(h.app.alpha(), Some(0.123));
    assert!(h.app.point.is_some());
    // a bad number is an in-app error
    h.key(Key::Char('a'));
    h.key(Key::Ctrl('u'));
    h.key(Key::Char('x'));
    h.key(Key::Enter);
    assert_eq!(h.app.status().unwrap().0, Level::Error);
    // stepping leaves the typed alpha for the grid
    h.key(Key::Right);
    assert!(h.app.point.is_none());
}

#[test]
fn quit_asks_once_when_unsaved_and_ctrl_c_always_quits() {
    let mut h = Harness::new();
    assert_eq!(
        update(&mut h.app, Msg::Key(Key::Char('q'))),
        vec![Effect::Quit]
    );
    h.key(Key::Right);
    assert!(h.app.dirty);
    assert!(update(&mut h.app, Msg::Key(Key::Char('q'))).is_empty());
    assert_eq!(
        update(&mut h.app, Msg::Key(Key::Char('q'))),
        vec![Effect::Quit]
    );
    // another key in between resets the question
    update(&mut h.app, Msg::Key(Key::Char('q')));
    update(&mut h.app, Msg::Key(Key::Right));
    assert!(update(&mut h.app, Msg::Key(Key::Char('q'))).is_empty());
    assert_eq!(
        update(&mut h.app, Msg::Key(Key::Ctrl('c'))),
        vec![Effect::Quit]
    );
}

#[test]
fn save_as_prompt_and_saved_message() {
    let mut h = Harness::new();
    h.key(Key::Right);
    let e = update(&mut h.app, Msg::Key(Key::Char('w')));
    assert!(e.is_empty());
    let Overlay::Prompt(p) = &h.app.overlay else {
        panic!()
    };
    assert_eq!(p.text, "configs/diabetes-lasso.toml");
    let e = update(&mut h.app, Msg::Key(Key::Enter));
    let [Effect::Save(path, exp, false)] = &e[..] else {
        panic!("{e:?}")
    };
    assert_eq!(path.to_str(), Some("configs/diabetes-lasso.toml"));
    assert_eq!(exp.model.alpha, h.app.alpha());
    update(&mut h.app, Msg::Saved(path.clone(), Ok((**exp).clone())));
    assert!(!h.app.dirty);
    assert_eq!(h.app.config_name(), "diabetes-lasso.toml");
    // w now saves in place
    let e = update(&mut h.app, Msg::Key(Key::Char('w')));
    assert!(matches!(&e[..], [Effect::Save(p, _, false)] if p == path));
    update(
        &mut h.app,
        Msg::Saved(path.clone(), Err("disk full".into())),
    );
    assert!(h.app.status().unwrap().1.contains("disk full"));
}

#[test]
fn filter_sort_select_and_toggles() {
    let mut h = Harness::new();
    h.key(Key::Char('/'));
    for c in "s".chars() {
        h.key(Key::Char(c));
    }
    assert_eq!(h.app.filter, "s", "the filter applies while typing");
    h.key(Key::Enter);
    let vis = h.app.visible_features();
    assert!(vis.iter().all(|&j| h.app.names()[j].contains('s')));
    h.key(Key::Char('n'));
    assert_eq!(h.app.sort, SortBy::Name);
    let vis = h.app.visible_features();
    h.app.selected = vis[0];
    h.key(Key::Down);
    assert_eq!(h.app.selected, vis[1]);
    h.key(Key::Up);
    h.key(Key::Up);
    assert_eq!(h.app.selected, vis[0]);
    h.key(Key::Char('o'));
    assert!(h.app.original_scale);
    h.key(Key::Char('t'));
    assert!(!h.app.show_train);
    h.key(Key::Tab);
    assert_eq!(h.app.pane, Pane::Cv);
}

#[test]
fn picker_changes_the_target_and_features_and_refits() {
    let mut h = Harness::new();
    h.key(Key::Char('f'));
    assert!(matches!(h.app.overlay, Overlay::Picker(_)));
    // columns: age sex bmi bp s1..s6 progression; exclude 'age'
    h.key(Key::Char(' '));
    h.key(Key::Enter);
    assert_eq!(h.app.exp.data.features.as_ref().map(Vec::len), Some(9));
    assert_eq!(h.app.names().len(), 9);
    assert!(!h.app.names().contains(&"age".to_string()));
    // target: bmi
    h.key(Key::Char('f'));
    h.key(Key::Down);
    h.key(Key::Down);
    h.key(Key::Char('t'));
    h.key(Key::Enter);
    assert_eq!(h.app.exp.data.target, "bmi");
    assert_eq!(h.app.info.as_ref().unwrap().target, "bmi");
    assert!(!h.app.names().contains(&"bmi".to_string()));
}

#[test]
fn too_small_ignores_all_but_quit_help_escape_redraw() {
    let mut h = Harness::new();
    update(&mut h.app, Msg::Resize(30, 8));
    let idx = h.app.idx;
    assert!(update(&mut h.app, Msg::Key(Key::Right)).is_empty());
    assert!(update(&mut h.app, Msg::Key(Key::Char(']'))).is_empty());
    assert_eq!(h.app.idx, idx);
    assert_eq!(
        update(&mut h.app, Msg::Key(Key::Ctrl('l'))),
        vec![Effect::Redraw]
    );
    assert_eq!(
        update(&mut h.app, Msg::Key(Key::Char('q'))),
        vec![Effect::Quit]
    );
}

#[test]
fn worker_panic_and_failures_show_in_app() {
    let mut h = Harness::new();
    let id = h.app.last_id;
    update(
        &mut h.app,
        Msg::Worker(WorkerMsg::Panicked(id, "boom".into())),
    );
    assert!(h.app.status().unwrap().1.contains("worker panicked: boom"));
    assert_eq!(h.app.warning_count(), 1);
    h.key(Key::Char('E'));
    assert!(matches!(h.app.overlay, Overlay::Log));
    let t = screen(&mut h.app, 100, 30);
    assert!(text_of(t.backend().buffer()).contains("worker panicked: boom"));
}

#[test]
fn a_data_error_is_shown_not_fatal() {
    let exp = Experiment::default_for("/nonexistent/x.csv", "");
    let mut app = App::new(exp, DataSource::File("/nonexistent/x.csv".into()), None);
    let eff = start(&mut app);
    let mut f = SyncFitter::new();
    let Effect::Submit(job) = &eff[0] else {
        panic!()
    };
    for m in f.run(job) {
        update(&mut app, Msg::Worker(m));
    }
    assert_eq!(app.status().unwrap().0, Level::Error);
    assert_eq!(app.worker_text(), "failed", "not 'ready'");
    let t = screen(&mut app, 80, 24);
    let text = text_of(t.backend().buffer());
    assert!(text.contains("error:"), "{text}");
    assert!(!text.contains("waiting"), "{text}");
    assert!(
        text.contains("Nothing to show") && text.contains("press r"),
        "{text}"
    );
    assert!(
        text.lines().next().unwrap().contains("not loaded"),
        "{text}"
    );
}

#[test]
fn the_real_worker_drops_superseded_jobs() {
    let (tx, rx) = std::sync::mpsc::channel::<WorkerMsg>();
    let w = super::worker::Worker::spawn(tx, |m| m);
    let exp = Experiment::default_for(EMBEDDED_NAME, "progression");
    let job = |id, r| Job {
        id,
        kind: JobKind::Fit {
            exp: Box::new({
                let mut e = exp.clone();
                e.model.kind = ModelKind::ElasticNet;
                e.model.l1_ratio = Some(r);
                e
            }),
            source: DataSource::Embedded,
            reload: false,
            stats: None,
        },
    };
    for (i, r) in [0.1, 0.2, 0.3, 0.4, 0.5].into_iter().enumerate() {
        w.submit(job(i as u64 + 1, r));
    }
    let mut last = None;
    while let Ok(m) = rx.recv_timeout(std::time::Duration::from_secs(60)) {
        if let WorkerMsg::CvReady(id, cv) = &m {
            last = Some((*id, cv.clone()));
            if *id == 5 {
                break;
            }
        }
    }
    let (id, _) = last.expect("the newest job finishes");
    assert_eq!(id, 5);
}

// ---------- widgets ----------

#[test]
fn bars_show_exact_zeros_distinctly_and_mark_the_selection() {
    let mut h = Harness::new();
    act(&mut h.app, Action::AlphaLargest, false);
    h.app.glyphs = Glyphs::ASCII;
    let area = Rect::new(0, 0, 50, 12);
    let mut buf = Buffer::empty(area);
    (&view::coef_bars::CoefBars { app: &h.app }).render_into(area, &mut buf);
    let text = text_of(&buf);
    // at alpha_max every lasso coefficient is exactly zero: "0" and the zero mark
    let rows: Vec<&str> = text.lines().skip(1).take(10).collect();
    assert!(
        rows.iter().all(|r| r.contains(" 0 ") && r.contains('o')),
        "{text}"
    );
    assert!(!text.contains('#'));
    act(&mut h.app, Action::AlphaSmallest, false);
    let mut buf = Buffer::empty(area);
    (&view::coef_bars::CoefBars { app: &h.app }).render_into(area, &mut buf);
    let text = text_of(&buf);
    assert!(text.contains('#') && text.contains('|'), "{text}");
    // the selected row starts with '>' and its name is reversed
    let sel_row = text.lines().position(|l| l.starts_with('>')).unwrap() as u16;
    assert!(buf[(2, sel_row)].modifier.contains(Modifier::REVERSED));
}

trait RenderInto {
    fn render_into(self, area: Rect, buf: &mut Buffer);
}
impl RenderInto for &view::coef_bars::CoefBars<'_> {
    fn render_into(self, area: Rect, buf: &mut Buffer) {
        ratatui::widgets::Widget::render(self, area, buf);
    }
}

#[test]
fn no_color_theme_sets_no_colours() {
    let mut h = Harness::new();
    h.app.theme = Theme::new(false);
    let t = screen(&mut h.app, 120, 40);
    for c in t.backend().buffer().content() {
        assert_eq!(c.fg, ratatui::style::Color::Reset);
        assert_eq!(c.bg, ratatui::style::Color::Reset);
    }
}

#[test]
fn every_size_renders_without_panicking() {
    let mut h = Harness::new();
    for ascii in [false, true] {
        h.app.glyphs = Glyphs::new(ascii);
        for w in [0u16, 1, 5, 20, 39, 40, 41, 60, 79, 80, 119, 120, 200] {
            for hgt in [0u16, 1, 3, 9, 10, 11, 20, 24, 31, 32, 50] {
                for overlay in [Overlay::None, Overlay::Help, Overlay::Log] {
                    h.app.overlay = overlay;
                    let _ = screen(&mut h.app, w.max(1), hgt.max(1));
                }
            }
        }
    }
}

// ---------- whole-screen snapshots ----------

fn snap_app(ascii: bool) -> App {
    let mut h = Harness::new();
    h.app.glyphs = Glyphs::new(ascii);
    // the third-largest coefficient selected, the cursor on alpha_min
    h.key(Key::Down);
    h.key(Key::Down);
    h.app
}

fn check_snapshot(ascii: bool, w: u16, hgt: u16) {
    let mut app = snap_app(ascii);
    let t = screen(&mut app, w, hgt);
    let name = format!(
        "screen_{}_{w}x{hgt}",
        if ascii { "ascii" } else { "unicode" }
    );
    if ascii {
        let text = text_of(t.backend().buffer());
        assert!(text.is_ascii(), "non-ASCII in the ASCII screen:\n{text}");
    }
    insta::assert_snapshot!(name, t.backend());
}

#[test]
fn snapshot_unicode_120x40() {
    check_snapshot(false, 120, 40);
}
#[test]
fn snapshot_unicode_80x24() {
    check_snapshot(false, 80, 24);
}
#[test]
fn snapshot_unicode_60x20() {
    check_snapshot(false, 60, 20);
}
#[test]
fn snapshot_unicode_30x8() {
    check_snapshot(false, 30, 8);
}
#[test]
fn snapshot_ascii_120x40() {
    check_snapshot(true, 120, 40);
}
#[test]
fn snapshot_ascii_80x24() {
    check_snapshot(true, 80, 24);
}
#[test]
fn snapshot_ascii_60x20() {
    check_snapshot(true, 60, 20);
}
#[test]
fn snapshot_ascii_30x8() {
    check_snapshot(true, 30, 8);
}

#[test]
fn snapshot_help_overlay_ascii_120x40() {
    let mut app = snap_app(true);
    app.overlay = Overlay::Help;
    let t = screen(&mut app, 120, 40);
    assert!(text_of(t.backend().buffer()).is_ascii());
    insta::assert_snapshot!("help_ascii_120x40", t.backend());
}

#[test]
fn snapshot_ridge_shows_the_sklearn_equivalent() {
    let mut h = Harness::new();
    h.key(Key::Char('{'));
    let t = screen(&mut h.app, 120, 40);
    let text = text_of(t.backend().buffer());
    assert!(text.contains("Ridge(alpha="), "{text}");
    let _ = Arc::strong_count(h.app.path.as_ref().unwrap());
}

#[test]
fn docs_contain_every_key_line() {
    let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    for line in super::keymap::markdown_table().lines() {
        assert!(
            docs.contains(line),
            "README.md lacks the line:\n{line}\n(regenerate with `regscope --keys`)"
        );
    }
}

#[test]
fn a_bad_config_opens_with_the_error_shown() {
    let scratch = Scratch::new("tui-badcfg");
    let dir = scratch.0.clone();
    let cfg = dir.join("bad.toml");
    std::fs::write(
        &cfg,
        "[data]\npath = \"x.csv\"\ntarget = \"y\"\nbogus = 1\n",
    )
    .unwrap();
    let app = super::initial_app(&super::Options {
        config: Some(cfg.clone()),
        ..Default::default()
    });
    let (level, text) = app.status().cloned().unwrap();
    assert_eq!(level, Level::Error);
    assert!(text.contains("bogus"), "{text}");
    assert_eq!(app.config_path.as_deref(), Some(cfg.as_path()));
    // the header names the config that failed, never the embedded sample
    let mut app = app;
    let t = screen(&mut app, 120, 40);
    let screen_text = text_of(t.backend().buffer());
    let head = screen_text.lines().next().unwrap();
    assert!(
        head.contains("bad.toml") && head.contains("not loaded"),
        "{head}"
    );
    assert!(!screen_text.contains("diabetes"), "{screen_text}");
    assert!(!screen_text.contains("ready"), "{screen_text}");
    assert!(screen_text.contains("Nothing to show"), "{screen_text}");
    // w does not overwrite the broken config: it asks where to save
    update(&mut app, Msg::Key(Key::Char('w')));
    assert!(matches!(app.overlay, Overlay::Prompt(_)));
}

#[test]
fn saved_data_paths_are_relative_to_the_config_folder() {
    use std::path::Path;
    let cwd = std::env::current_dir().unwrap();
    let data = DataSource::File(cwd.join("sample-data/hitters.csv"));
    assert_eq!(
        super::data_path_for(&data, &cwd.join("configs/x.toml")),
        "../sample-data/hitters.csv"
    );
    assert_eq!(
        super::data_path_for(&data, Path::new("x.toml")),
        "sample-data/hitters.csv"
    );
    assert_eq!(
        super::data_path_for(&DataSource::Embedded, Path::new("/elsewhere/x.toml")),
        EMBEDDED_NAME
    );
}

#[test]
fn a_running_fit_is_cancelled_promptly() {
    use std::io::Write;
    // a problem big enough that the path takes a while: n = 3000, p = 300, tight tol
    let scratch = Scratch::new("tui-cancel");
    let dir = scratch.0.clone();
    let file = dir.join("big.csv");
    let mut s: u64 = 1;
    let mut next = || {
        s = s
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((s >> 11) as f64 / (1u64 << 53) as f64) - 0.5
    };
    let mut f = std::io::BufWriter::new(std::fs::File::create(&file).unwrap());
    let p = 300;
    let head: Vec<String> = (0..p).map(|j| format!("x{j}")).collect();
    writeln!(f, "{},y", head.join(",")).unwrap();
    for _ in 0..3000 {
        let x: Vec<f64> = (0..p).map(|_| next()).collect();
        let y: f64 = x.iter().take(50).sum::<f64>() + next();
        let row: Vec<String> = x.iter().map(|v| format!("{v:.5}")).collect();
        writeln!(f, "{},{y:.5}", row.join(",")).unwrap();
    }
    drop(f);
    let mut exp = Experiment::default_for(&file, "y");
    exp.model.kind = ModelKind::ElasticNet;
    exp.model.l1_ratio = Some(0.5);
    exp.path.n_alphas = 300;
    exp.solver.tol = 1e-12;
    let (tx, rx) = std::sync::mpsc::channel::<WorkerMsg>();
    let w = super::worker::Worker::spawn(tx, |m| m);
    w.submit(Job {
        id: 1,
        kind: JobKind::Fit {
            exp: Box::new(exp),
            source: DataSource::File(file),
            reload: false,
            stats: None,
        },
    });
    // wait until the path is under way, then cancel
    loop {
        match rx
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("progress")
        {
            WorkerMsg::Progress(1, pr) if pr.done >= 1 => break,
            WorkerMsg::CvReady(..) => panic!("finished before it could be cancelled"),
            WorkerMsg::Failed(_, e) => panic!("{e}"),
            _ => {}
        }
    }
    let t = std::time::Instant::now();
    w.cancel();
    loop {
        match rx
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("an answer")
        {
            WorkerMsg::Cancelled(1) => break,
            WorkerMsg::CvReady(..) => panic!("the cancel was not honoured"),
            _ => {}
        }
    }
    assert!(
        t.elapsed() < std::time::Duration::from_secs(2),
        "cancel took {:?}",
        t.elapsed()
    );
    drop(w);
}

// ---------- issue 12: trust ----------

use crate::testing::Scratch;

/// A harness on a CSV file: `p` numeric features x0.., a text column `city`, target y.
fn csv_harness(dir: &Scratch, p: usize, rows: usize) -> Harness {
    use std::fmt::Write as _;
    let mut s = String::new();
    let head: Vec<String> = (0..p).map(|j| format!("x{j}")).collect();
    let _ = writeln!(s, "{},city,y", head.join(","));
    let mut r: u64 = 7;
    let mut next = || {
        r = r
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((r >> 11) as f64 / (1u64 << 53) as f64) - 0.5
    };
    for i in 0..rows {
        let x: Vec<f64> = (0..p).map(|_| next()).collect();
        let y = x.iter().take(3).sum::<f64>() + 0.1 * next();
        let row: Vec<String> = x.iter().map(|v| format!("{v:.4}")).collect();
        let city = ["a", "b", "c"][i % 3];
        let _ = writeln!(s, "{},{city},{y:.4}", row.join(","));
    }
    let file = dir.0.join("wide.csv");
    std::fs::write(&file, s).unwrap();
    let exp = Experiment::default_for(&file, "y");
    let mut h = Harness {
        app: App::new(exp, DataSource::File(file), None),
        fitter: SyncFitter::new(),
    };
    let eff = start(&mut h.app);
    h.run(eff);
    assert!(h.app.cv.is_some(), "{:?}", h.app.status());
    h
}

/// Defect 1: coefficients near the float limit on the original scale (a target with
/// one 1e308, then `o`) froze the UI inside the canvas; every pane must draw them.
#[test]
fn extreme_coefficients_draw_in_every_pane() {
    let mut h = Harness::new();
    let mut path = (**h.app.path.as_ref().unwrap()).clone();
    path.coef[(0, 0)] = 1.7e308;
    path.coef[(1, 1)] = -1.7e308;
    path.coef[(2, 2)] = f64::INFINITY;
    path.coef[(3, 3)] = f64::NAN;
    path.coef[(50, 4)] = 4e307;
    path.coef_std[(60, 5)] = f64::NEG_INFINITY;
    path.r2[h.app.idx] = f64::NAN;
    h.app.path = Some(Arc::new(path));
    let mut cv = (**h.app.cv.as_ref().unwrap()).clone();
    cv.cv_mean[10] = f64::INFINITY;
    cv.cv_se[10] = f64::NAN;
    cv.cv_mean[11] = 1e308;
    cv.cv_se[11] = 1e308;
    h.app.cv = Some(Arc::new(cv));
    for ascii in [false, true] {
        h.app.glyphs = Glyphs::new(ascii);
        for scale in [true, false] {
            h.app.original_scale = scale;
            for (w, hgt) in [(120, 40), (80, 24), (60, 20)] {
                let t = screen(&mut h.app, w, hgt);
                assert!(text_of(t.backend().buffer()).contains("Path"));
            }
        }
    }
}

/// Defect 3, the issue's repro: f Space Down Space Enter, then f Down Down t Enter.
#[test]
fn the_picker_fits_exactly_what_it_shows() {
    let mut h = Harness::new();
    for k in [
        Key::Char('f'),
        Key::Char(' '),
        Key::Down,
        Key::Char(' '),
        Key::Enter,
    ] {
        h.key(k);
    }
    assert_eq!(h.app.names().len(), 8);
    for k in [Key::Char('f'), Key::Down, Key::Down, Key::Char('t')] {
        h.key(k);
    }
    // what the picker shows now
    let Overlay::Picker(pk) = h.app.overlay.clone() else {
        panic!()
    };
    let shown: Vec<String> = h
        .app
        .columns
        .iter()
        .zip(&pk.included)
        .filter(|(c, inc)| **inc && c.name != pk.target)
        .map(|(c, _)| c.name.clone())
        .collect();
    h.key(Key::Enter);
    assert_eq!(h.app.info.as_ref().unwrap().target, "bmi");
    assert_eq!(h.app.names(), &shown[..]);
    for gone in ["progression", "sex", "age", "bmi"] {
        assert!(!h.app.names().contains(&gone.to_string()), "{gone} fitted");
    }
    // select none / all, page keys and the filter
    h.key(Key::Char('f'));
    h.key(Key::Char('n'));
    h.key(Key::Enter);
    assert!(h.app.status().unwrap().1.contains("at least one feature"));
    h.key(Key::Char('f'));
    h.key(Key::End);
    let Overlay::Picker(pk) = &h.app.overlay else {
        panic!()
    };
    assert_eq!(pk.cursor, h.app.columns.len() - 1);
    h.key(Key::Home);
    h.key(Key::Char('/'));
    for c in "s".chars() {
        h.key(Key::Char(c));
    }
    h.key(Key::Enter);
    h.key(Key::Char('n'));
    h.key(Key::Char('a'));
    h.key(Key::Enter);
    // the listed columns (with an s) all ticked; bp stays as it was; bmi is the target
    let names = h.app.names().to_vec();
    let want = [
        "sex",
        "bp",
        "s1",
        "s2",
        "s3",
        "s4",
        "s5",
        "s6",
        "progression",
    ];
    assert_eq!(names, want);
}

#[test]
fn t_on_a_text_column_says_why() {
    let dir = Scratch::new("textcol");
    let mut h = csv_harness(&dir, 4, 30);
    h.key(Key::Char('f'));
    let city = h.app.columns.iter().position(|c| c.name == "city").unwrap();
    for _ in 0..city {
        h.key(Key::Down);
    }
    h.key(Key::Char('t'));
    let (level, text) = h.app.status().cloned().unwrap();
    assert_eq!(level, Level::Warning);
    assert!(
        text.contains("'city' cannot be the target") && text.contains("text"),
        "{text}"
    );
    let Overlay::Picker(pk) = &h.app.overlay else {
        panic!()
    };
    assert_eq!(pk.target, "y");
    // one-hot coding is a note on the main screen, not only behind E
    h.key(Key::Esc);
    h.app.clear_status();
    let t = screen(&mut h.app, 120, 40);
    let line2 = text_of(t.backend().buffer())
        .lines()
        .nth(1)
        .unwrap()
        .to_string();
    assert!(
        line2.contains("notes:") && line2.contains("city"),
        "{line2}"
    );
}

/// Defect 10.
#[test]
fn the_filter_never_leaves_the_selection_hidden() {
    let mut h = Harness::new();
    let bmi = h.app.names().iter().position(|n| n == "bmi").unwrap();
    h.app.selected = bmi;
    h.key(Key::Char('/'));
    h.key(Key::Char('s'));
    assert_ne!(h.app.selected, bmi, "bmi is hidden by 's'");
    assert!(h.app.visible_features().contains(&h.app.selected));
    let t = screen(&mut h.app, 120, 40);
    let text = text_of(t.backend().buffer());
    let name = &h.app.names()[h.app.selected];
    assert!(text.contains(&format!("): {name} ")), "{text}");
    assert!(!text.contains(": bmi"), "{text}");
    // no match: no name in the path title
    for c in "zzz".chars() {
        h.key(Key::Char(c));
    }
    h.key(Key::Enter);
    let t = screen(&mut h.app, 120, 40);
    let text = text_of(t.backend().buffer());
    assert!(text.contains("no feature matches"), "{text}");
    let title_row = text
        .lines()
        .find(|l| l.contains("Path (log alpha"))
        .unwrap();
    assert!(!title_row.contains("): "), "{title_row}");
    // Esc clears the filter; the selection stays shown
    h.key(Key::Esc);
    assert!(h.app.visible_features().contains(&h.app.selected));
}

/// Defect 11: every width from 40 to 130 shows whole fields only.
#[test]
fn the_header_drops_whole_fields_never_cuts_a_number() {
    let mut h = Harness::new();
    h.key(Key::Char('H'));
    let full = view::status::line1(&h.app, 1000);
    let full_fields: Vec<&str> = full.split(h.app.glyphs.sep).map(str::trim).collect();
    for w in 40..=130u16 {
        let line = view::status::line1(&h.app, w);
        assert!(line.chars().count() <= usize::from(w), "{w}: {line}");
        let sep = if line == full {
            h.app.glyphs.sep
        } else {
            h.app.glyphs.sep.trim()
        };
        for field in line.split(sep).map(str::trim) {
            // each shown field is a whole field of the full form, or its compact twin
            // (same label start, same numbers)
            let nums = |s: &str| -> Vec<String> {
                s.split(|c: char| !(c.is_ascii_digit() || c == '.' || c == 'e' || c == '-'))
                    .filter(|t| t.chars().any(|c| c.is_ascii_digit()))
                    .map(str::to_string)
                    .collect()
            };
            let whole = full_fields.iter().any(|f| {
                *f == field || (f.chars().next() == field.chars().next() && nums(f) == nums(field))
            });
            assert!(whole, "{w}: '{field}' in {line}");
        }
        // the CV error and its SE are shown whole or not at all
        if let Some(i) = line.find('±') {
            let se: String = line[i + '±'.len_utf8()..]
                .trim_start()
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != '│')
                .collect();
            let (_, want) = h.app.cv_at_cursor().unwrap();
            assert_eq!(se, crate::tui::axis::num(want), "{w}: {line}");
        }
    }
    let at60 = view::status::line1(&h.app, 60);
    assert!(at60.contains('α') && at60.contains("CV "), "{at60}");
}

/// Defect 12: a config's alpha off the grid is fitted as such on reload.
#[test]
fn an_off_grid_alpha_survives_save_and_reload() {
    let mut h = Harness::new();
    h.key(Key::Char('{')); // ridge
    h.key(Key::Char('a'));
    for c in "30".chars() {
        h.key(Key::Char(c));
    }
    h.key(Key::Enter);
    assert_eq!(h.app.alpha(), Some(30.0));
    let e = update(&mut h.app, Msg::Key(Key::Char('W')));
    assert!(e.is_empty());
    let e = update(&mut h.app, Msg::Key(Key::Enter));
    let [Effect::Save(_, exp, _)] = &e[..] else {
        panic!("{e:?}")
    };
    assert_eq!(exp.model.alpha, Some(30.0));
    // reload it: the cursor is on 30, not on the nearest grid point
    let exp = (**exp).clone();
    let e = update(&mut h.app, Msg::Reloaded(Ok((exp, DataSource::Embedded))));
    h.run(e);
    assert_eq!(h.app.alpha(), Some(30.0));
    assert!(h.app.point.is_some());
    assert!(!h.app.dirty, "restoring the saved alpha is no edit");
    let t = screen(&mut h.app, 120, 40);
    assert!(text_of(t.backend().buffer()).contains("α 30 (typed)"));
}

/// Defect 5: every description readable in full at 80x24, by scrolling.
#[test]
fn help_is_readable_in_full_at_80x24() {
    let mut h = Harness::new();
    h.app.size = (80, 24);
    h.key(Key::Char('?'));
    let max = view::overlays::max_scroll(&h.app, 80, 24);
    assert!(max > 0, "the help is longer than one screen at 80x24");
    // the key and text columns at this size
    let mut seen = String::new();
    for off in 0..=max {
        h.app.scroll = off;
        let t = screen(&mut h.app, 80, 24);
        let text = text_of(t.backend().buffer());
        // the first help line at this offset
        let row = text.lines().nth(4).unwrap().to_string();
        seen.push_str(&row);
        seen.push('\n');
        if off == max {
            for l in text.lines().skip(5) {
                seen.push_str(l);
                seen.push('\n');
            }
        }
    }
    let norm = |t: &str| -> String {
        // borders and the scrollbar's thumb are not words
        t.split(|c: char| c.is_whitespace() || "│|▶█".contains(c))
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let words = norm(&seen);
    for mode in [super::keymap::Mode::Normal, super::keymap::Mode::Picker] {
        for (_, d) in super::keymap::help_rows(mode) {
            let d = norm(d);
            assert!(words.contains(&d), "not readable in full: '{d}'");
        }
    }
    assert!(words.contains("alpha_min"), "the glyphs are explained");
    // keys: End, Home, PgDn
    h.key(Key::End);
    assert_eq!(h.app.scroll, max);
    h.key(Key::Home);
    assert_eq!(h.app.scroll, 0);
    h.key(Key::PageDown);
    assert!(h.app.scroll > 1);
    h.key(Key::Up);
    h.key(Key::Esc);
    assert!(matches!(h.app.overlay, Overlay::None));
}

#[test]
fn the_log_wraps_and_scrolls() {
    let mut h = Harness::new();
    h.app.size = (80, 24);
    let long = (0..60)
        .map(|i| format!("word{i}"))
        .collect::<Vec<_>>()
        .join(" ");
    h.app.push_log(Level::Warning, long.clone());
    for i in 0..40 {
        h.app.push_log(Level::Warning, format!("entry {i}"));
    }
    h.key(Key::Char('E'));
    let max = view::overlays::max_scroll(&h.app, 80, 24);
    assert_eq!(h.app.scroll, max, "opens on the newest entries");
    let t = screen(&mut h.app, 80, 24);
    assert!(text_of(t.backend().buffer()).contains("entry 39"));
    h.key(Key::Home);
    let mut all = String::new();
    for _ in 0..3 {
        let t = screen(&mut h.app, 80, 24);
        all.push_str(&text_of(t.backend().buffer()));
        h.key(Key::Down);
    }
    let seen: std::collections::HashSet<&str> =
        all.split(|c: char| c.is_whitespace() || c == '│').collect();
    for i in 0..60 {
        assert!(
            seen.contains(format!("word{i}").as_str()),
            "word{i} of the long entry"
        );
    }
    assert!(all.contains("word59"), "the long entry is wrapped, not cut");
    h.key(Key::PageDown);
    h.key(Key::PageUp);
    h.key(Key::End);
    assert_eq!(h.app.scroll, max);
}

/// Defect 6: the CV minimum at the grid's edge is said, and x extends the grid.
#[test]
fn alpha_min_at_the_grid_edge_is_said_and_x_extends_the_grid() {
    let mut h = Harness::new();
    h.app.exp.model.kind = ModelKind::ElasticNet;
    h.app.exp.model.l1_ratio = Some(0.05);
    let e = act(&mut h.app, Action::Reload, false);
    h.run(e);
    let cv = h.app.cv.clone().unwrap();
    assert_eq!(cv.index_min, cv.cv_mean.len() - 1, "the issue's case");
    let (level, text) = h.app.status().cloned().unwrap();
    assert_eq!(level, Level::Warning);
    assert!(
        text.contains("smallest alpha") && text.contains("path.eps"),
        "{text}"
    );
    let low = *h.app.path.as_ref().unwrap().alphas.last().unwrap();
    let n = h.app.exp.path.n_alphas;
    h.key(Key::Char('x'));
    let eps = h.app.exp.path.eps.unwrap();
    let path = h.app.path.clone().unwrap();
    let new_low = *path.alphas.last().unwrap();
    assert!((new_low / low - 0.1).abs() < 1e-6, "{low} -> {new_low}");
    assert!((eps - new_low / path.alphas[0]).abs() < 1e-12);
    assert!(
        h.app.exp.path.n_alphas > n,
        "the same density over one more decade"
    );
    assert!(h.app.dirty);
}

#[test]
fn the_footer_keeps_columns_save_and_quit_at_80() {
    for w in [60u16, 80, 100, 120] {
        let mut h = Harness::new();
        let t = screen(&mut h.app, w, 24);
        let text = text_of(t.backend().buffer());
        let foot = text.lines().last().unwrap();
        if w >= 80 {
            for item in ["f columns", "w save", "q quit"] {
                assert!(foot.contains(item), "{w}: {foot}");
            }
        }
        assert!(foot.contains("q quit"), "{w}: {foot}");
    }
}

#[test]
fn switching_model_lands_on_the_new_alpha_min() {
    let mut h = Harness::new();
    h.key(Key::Home);
    assert_eq!(h.app.idx, h.app.grid_len() - 1);
    h.key(Key::Char('{'));
    let cv = h.app.cv.clone().unwrap();
    assert_eq!(h.app.idx, cv.index_min);
    assert_eq!(h.app.cursor_mark(), Some("min"));
    h.key(Key::Char('M'));
    h.key(Key::Char('M'));
    let cv = h.app.cv.clone().unwrap();
    assert_eq!(h.app.idx, cv.index_min);
    let t = screen(&mut h.app, 200, 40);
    let head = text_of(t.backend().buffer())
        .lines()
        .next()
        .unwrap()
        .to_string();
    assert!(
        head.contains("(min)") && head.contains("R² train") && head.contains("CV R²"),
        "{head}"
    );
}

/// On wide data the scroll position is on its own row; the axis label stays.
#[test]
fn wide_data_scrolls_without_hiding_the_bar_scale() {
    let dir = Scratch::new("wide");
    let mut h = csv_harness(&dir, 40, 60);
    h.key(Key::Char('s'));
    let t = screen(&mut h.app, 80, 24);
    let text = text_of(t.backend().buffer());
    let mx = view::coef_bars::scale_max(&h.app);
    let head = text.lines().nth(3).unwrap();
    assert!(head.contains(&crate::tui::axis::num(mx)), "{head}\n{text}");
    assert!(!head.contains(" of "), "{head}");
    assert!(
        text.contains(&format!(" of {}", h.app.names().len())),
        "{text}"
    );
}

#[test]
fn settings_change_the_fit_and_are_saved() {
    let mut h = Harness::new();
    h.key(Key::Char('S'));
    assert!(matches!(h.app.overlay, Overlay::Settings(_)));
    let t = screen(&mut h.app, 80, 24);
    let text = text_of(t.backend().buffer());
    for key in [
        "cv.folds",
        "cv.seed",
        "path.n_alphas",
        "path.eps",
        "model.standardize",
        "model.fit_intercept",
        "data.categorical",
    ] {
        assert!(text.contains(key), "{key}\n{text}");
    }
    h.key(Key::Left); // folds 5 -> 4
    h.key(Key::Down);
    h.key(Key::Right); // seed 43
    h.key(Key::Enter);
    assert_eq!(h.app.cv.as_ref().unwrap().folds, 4);
    assert_eq!(h.app.exp.cv.seed, 43);
    assert!(h.app.dirty);
    let e = update(&mut h.app, Msg::Key(Key::Char('w')));
    assert!(e.is_empty());
    let e = update(&mut h.app, Msg::Key(Key::Enter));
    let [Effect::Save(_, exp, _)] = &e[..] else {
        panic!("{e:?}")
    };
    assert_eq!(exp.cv.folds, Some(4));
    assert_eq!(exp.cv.seed, 43);
    // Esc drops a draft
    h.key(Key::Char('S'));
    h.key(Key::Right);
    h.key(Key::Esc);
    assert_eq!(h.app.exp.cv.folds, Some(4));
}

#[test]
fn a_config_changed_on_disk_is_not_overwritten_silently() {
    let mut h = Harness::new();
    let path = std::path::PathBuf::from("x.toml");
    h.app.config_path = Some(path.clone());
    update(&mut h.app, Msg::SaveConflict(path.clone()));
    let (level, text) = h.app.status().cloned().unwrap();
    assert_eq!(level, Level::Warning);
    assert!(
        text.contains("changed on disk") && text.contains("w again"),
        "{text}"
    );
    // w again: a forced save
    let e = update(&mut h.app, Msg::Key(Key::Char('w')));
    assert!(
        matches!(&e[..], [Effect::Save(p, _, true)] if *p == path),
        "{e:?}"
    );
    // any other key in between asks again
    update(&mut h.app, Msg::SaveConflict(path.clone()));
    update(&mut h.app, Msg::Key(Key::Right));
    let e = update(&mut h.app, Msg::Key(Key::Char('w')));
    assert!(matches!(&e[..], [Effect::Save(_, _, false)]), "{e:?}");
}

/// Defect 4: a config saved from the embedded sample loads back from any folder.
#[test]
fn a_config_saved_from_the_embedded_sample_loads_from_anywhere() {
    let dir = Scratch::new("embedded");
    let cfg = dir.0.join("configs").join("d.toml");
    let exp = Experiment::default_for(EMBEDDED_NAME, "progression");
    super::save_experiment(&exp, &DataSource::Embedded, &cfg).unwrap();
    let back = Experiment::load(&cfg).unwrap();
    assert_eq!(
        DataSource::for_experiment(&back, Some(&cfg)),
        DataSource::Embedded
    );
    let app = super::initial_app(&super::Options {
        config: Some(cfg),
        ..Default::default()
    });
    assert_eq!(app.source, DataSource::Embedded);
    assert!(!app.config_error);
}

#[test]
fn data_paths_are_shown_normalized() {
    use std::path::Path;
    assert_eq!(
        super::normalize(Path::new("configs/../sample-data/hitters.csv")),
        Path::new("sample-data/hitters.csv")
    );
    assert_eq!(
        super::normalize(Path::new("./a/./b/../c")),
        Path::new("a/c")
    );
    assert_eq!(super::normalize(Path::new("../x/../y")), Path::new("../y"));
    assert_eq!(super::normalize(Path::new("/../a")), Path::new("/a"));
}

#[test]
fn a_recovered_experiment_opens_with_r() {
    let mut h = Harness::new();
    let mut exp = Experiment::default_for(EMBEDDED_NAME, "progression");
    exp.model.kind = ModelKind::Ridge;
    let file = std::path::PathBuf::from("/state/regscope/recovery.toml");
    h.app.recovery = Some((file.clone(), exp));
    let e = update(&mut h.app, Msg::Key(Key::Char('R')));
    assert!(e.contains(&Effect::DropRecovery(file)), "{e:?}");
    h.run(e);
    assert_eq!(h.app.exp.model.kind, ModelKind::Ridge);
    assert!(h.app.dirty, "recovered work is unsaved work");
    assert!(h.app.recovery.is_none());
}

mod update_props {
    use super::super::script::{Session, decode};
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

        /// Any sequence of keys, resizes, ticks and worker answers keeps the invariants
        /// (checked after every step) and every frame draws.
        #[test]
        fn any_event_sequence_keeps_the_invariants(bytes in proptest::collection::vec(any::<u8>(), 0..120)) {
            let mut s = Session::new();
            for op in decode(&bytes) {
                if s.quit {
                    break;
                }
                s.step(op);
            }
        }
    }
}

#[test]
fn export_key_exports_the_view_at_the_cursor_and_says_where() {
    let mut h = Harness::new();
    h.key(Key::Char('m'));
    h.key(Key::Right);
    let idx = h.app.idx;
    let e = update(&mut h.app, Msg::Key(Key::Char('e')));
    let [Effect::Export(job)] = &e[..] else {
        panic!("{e:?}")
    };
    assert_eq!(job.dir, std::path::Path::new("exports/diabetes-lasso"));
    let path = h.app.path.clone().unwrap();
    assert_eq!(job.cursor, Some(path.alphas[idx]));
    assert_eq!(job.coefs.alpha, path.alphas[idx]);
    assert_eq!(job.coefs.coef_std, path.coef_std.row(idx).to_vec());
    assert_eq!(job.coefs.coef, path.coef.row(idx).to_vec());
    assert!(job.cv.is_some());

    // run it into a scratch folder the way run() does, and feed the outcome back
    let dir = std::env::temp_dir().join(format!("regscope-tui-export-{}", std::process::id()));
    let job = super::export::ExportJob {
        dir: dir.clone(),
        ..(**job).clone()
    };
    let r = super::export::run(&job).map_err(|e| e.to_string());
    let files = r.clone().unwrap();
    let mut names: Vec<String> = files
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "coefficients.csv",
            "coefficients.png",
            "coefficients.svg",
            "cv.png",
            "cv.svg",
            "path.png",
            "path.svg"
        ]
    );
    let csv = std::fs::read_to_string(dir.join("coefficients.csv")).unwrap();
    assert!(csv.starts_with("feature,coef,coef_std,alpha\n"));
    assert!(csv.contains("\n(intercept),"));
    let e = update(&mut h.app, Msg::Exported(dir.clone(), r));
    assert!(e.is_empty());
    let (level, text) = h.app.status().cloned().unwrap();
    assert_eq!(level, Level::Info);
    assert_eq!(text, format!("exported 7 files to {}/", dir.display()));
    std::fs::remove_dir_all(&dir).unwrap();

    update(
        &mut h.app,
        Msg::Exported(dir.clone(), Err("cannot write 'x': disk full".into())),
    );
    let (level, text) = h.app.status().cloned().unwrap();
    assert_eq!(level, Level::Error);
    assert!(text.contains("disk full") && text.contains(&dir.display().to_string()));
}

#[test]
fn export_before_the_first_fit_says_there_is_nothing_yet() {
    let exp = Experiment::default_for("sample-data/hitters.csv", "Salary");
    let mut app = App::new(
        exp,
        DataSource::File("sample-data/hitters.csv".into()),
        None,
    );
    let e = act(&mut app, Action::Export, false);
    assert!(e.is_empty());
    assert!(
        app.status()
            .cloned()
            .unwrap()
            .1
            .contains("nothing to export yet")
    );
    assert_eq!(
        super::export::default_dir(&app),
        std::path::Path::new("exports/hitters-lasso")
    );
}

/// `regscope --stats FILE`: the workbench fits from a statistics file alone, with the
/// numbers of the same table read whole; the file fixes the target and features, so the
/// picker says so instead of opening; a model switch and a typed alpha still fit.
#[test]
fn a_statistics_file_opens_in_the_workbench() {
    let dir = Scratch::new("stats");
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data/hitters.csv");
    let mut exp = Experiment::default_for(&data, "Salary");
    let design =
        crate::pipeline::Design::stream(&exp, &DataSource::File(data.clone()), true, &|_| true)
            .unwrap();
    let file = dir.0.join("hitters.stats.arrow");
    crate::data::stats_file::write(&file, &design.to_stats_file()).unwrap();

    let mut from_stats = Harness {
        app: super::initial_app(&super::Options {
            stats: Some(file.clone()),
            ..Default::default()
        }),
        fitter: SyncFitter::new(),
    };
    assert_eq!(from_stats.app.stats.as_deref(), Some(file.as_path()));
    assert_eq!(from_stats.app.exp.data.target, "Salary");
    let eff = start(&mut from_stats.app);
    from_stats.run(eff);
    assert_eq!(
        from_stats.app.exp.data.features.as_ref().map(Vec::len),
        Some(19),
        "the source's columns, League by its own name"
    );
    exp.data.features = from_stats.app.exp.data.features.clone();
    let mut whole = Harness {
        app: App::new(exp, DataSource::File(data), None),
        fitter: SyncFitter::new(),
    };
    let eff = start(&mut whole.app);
    whole.run(eff);
    assert!(from_stats.app.cv.is_some(), "{:?}", from_stats.app.status());
    assert!(whole.app.cv.is_some(), "{:?}", whole.app.status());
    let (a, b) = (
        from_stats.app.cv.clone().unwrap(),
        whole.app.cv.clone().unwrap(),
    );
    assert_eq!(a.index_min, b.index_min);
    for (x, y) in a.cv_mean.iter().zip(&b.cv_mean) {
        assert!((x - y).abs() <= 1e-9 * y.abs(), "{x} vs {y}");
    }
    let (pa, pb) = (
        from_stats.app.path.clone().unwrap(),
        whole.app.path.clone().unwrap(),
    );
    for (x, y) in pa.coef_std.iter().zip(pb.coef_std.iter()) {
        assert!((x - y).abs() <= 1e-8 * (1.0 + y.abs()), "{x} vs {y}");
    }
    assert_eq!(from_stats.app.names(), whole.app.names());

    from_stats.key(Key::Char('f'));
    assert!(matches!(from_stats.app.overlay, Overlay::None));
    let (_, text) = from_stats.app.status().cloned().unwrap();
    assert!(text.contains("fixes the target and features"), "{text}");

    from_stats.key(Key::Char('M'));
    assert_eq!(from_stats.app.exp.model.kind, ModelKind::ElasticNet);
    assert!(from_stats.app.cv.is_some());
    from_stats.key(Key::Char('a'));
    from_stats.key(Key::Ctrl('u'));
    for c in "5".chars() {
        from_stats.key(Key::Char(c));
    }
    from_stats.key(Key::Enter);
    assert_eq!(from_stats.app.alpha(), Some(5.0));
    assert!(
        from_stats.app.point.is_some(),
        "{:?}",
        from_stats.app.status()
    );

    // the folds are the file's: changing them says so
    from_stats.key(Key::Char('S'));
    from_stats.key(Key::Right);
    from_stats.key(Key::Enter);
    let (level, text) = from_stats.app.status().cloned().unwrap();
    assert_eq!(level, Level::Warning);
    assert!(text.contains("fixes the folds"), "{text}");
    assert_eq!(
        from_stats.app.cv.as_ref().unwrap().folds,
        5,
        "still the file's folds"
    );

    // the compare view works from the statistics, with the numbers of the whole table
    let compared = |h: &mut Harness| {
        h.key(Key::Char('p'));
        let Overlay::Compare(v) = h.app.overlay.clone() else {
            panic!("no compare view: {:?}", h.app.status());
        };
        h.key(Key::Esc);
        v.data
    };
    let (a, b) = (compared(&mut from_stats), compared(&mut whole));
    assert_eq!(a.models.len(), b.models.len());
    for (x, y) in a.models.iter().zip(&b.models) {
        assert_eq!(x.summary.kind, y.summary.kind);
        assert!((x.summary.alpha_min / y.summary.alpha_min - 1.0).abs() < 1e-9);
        assert!((x.summary.cv_min / y.summary.cv_min - 1.0).abs() < 1e-9);
    }
    // stability selection from statistics halves the folds: 5 cannot be halved
    from_stats.key(Key::Char('b'));
    assert!(matches!(from_stats.app.overlay, Overlay::None));
    let (_, text) = from_stats.app.status().cloned().unwrap();
    assert!(text.contains("even number of folds"), "{text}");
}

/// A statistics file that cannot be read is an error state, not a blank workbench.
#[test]
fn an_unreadable_statistics_file_is_an_error_state() {
    let dir = Scratch::new("badstats");
    let file = dir.0.join("not.stats.arrow");
    std::fs::write(&file, b"not arrow").unwrap();
    let app = super::initial_app(&super::Options {
        stats: Some(file),
        ..Default::default()
    });
    let (level, text) = app.status().cloned().unwrap();
    assert_eq!(level, Level::Error);
    assert!(text.contains("not.stats.arrow"), "{text}");
    assert!(app.load_error.is_some());
}

/// After a change of mix, the previous path stays dimmed behind the new one and the
/// path pane's title says what entered or left the support at alpha_1se; a change of
/// features drops it.
#[test]
fn a_new_mix_keeps_the_previous_path_as_a_ghost() {
    let mut h = Harness::new();
    assert!(h.app.ghost.is_none());
    let lasso = h.app.path.clone().unwrap();
    let lasso_cv = h.app.cv.clone().unwrap();
    h.key(Key::Char('{')); // ridge
    let g = h.app.ghost.as_ref().expect("a ghost after the change");
    assert!(Arc::ptr_eq(&g.path, &lasso));
    assert!(Arc::ptr_eq(g.cv.as_ref().unwrap(), &lasso_cv));
    // ridge keeps every feature: those the lasso dropped at its alpha_1se entered
    let (entered, left) = h.app.ghost_changes().unwrap();
    let names = h.app.names().to_vec();
    let want: Vec<String> = (0..names.len())
        .filter(|&j| lasso.coef[(lasso_cv.index_1se, j)] == 0.0)
        .map(|j| names[j].clone())
        .collect();
    assert!(!want.is_empty());
    assert_eq!(entered, want);
    assert!(left.is_empty());
    let t = screen(&mut h.app, 120, 40);
    let text = text_of(t.backend().buffer());
    assert!(text.contains("dim: lasso 1se: +"), "{text}");
    for (w, hh, ascii) in [(120, 40, false), (80, 24, false), (80, 24, true)] {
        h.app.glyphs = Glyphs::new(ascii);
        let t = screen(&mut h.app, w, hh);
        let name = format!("ghost_{}_{w}x{hh}", if ascii { "ascii" } else { "unicode" });
        insta::assert_snapshot!(name, t.backend());
    }
    h.app.glyphs = Glyphs::UNICODE;
    // ASCII draws the ghost with ':' on the character grid
    h.app.glyphs = Glyphs::ASCII;
    let colons = |app: &mut App| {
        let t = screen(app, 120, 40);
        text_of(t.backend().buffer()).matches(':').count()
    };
    let with = colons(&mut h.app);
    let ghost = h.app.ghost.take();
    let without = colons(&mut h.app);
    assert!(with > without + 20, "{with} vs {without}");
    h.app.ghost = ghost;
    // other features: the ghost goes
    h.app.exp.data.features = Some(vec!["bmi".into(), "s5".into()]);
    let eff = super::update::changed(&mut h.app);
    h.run(eff);
    assert!(h.app.ghost.is_none());
}

/// A session's first job loads with `reload` set; it must still take unchanged statistics
/// from the cache (it passed it by once). Only `r` on statistics already on screen reads
/// the table again.
#[test]
fn the_first_job_of_a_session_reuses_cached_statistics() {
    let dir = crate::testing::Scratch::new("tui-stats-cache");
    let parts = dir.0.join("parts");
    std::fs::create_dir_all(&parts).unwrap();
    let csv = std::str::from_utf8(crate::data::DIABETES_CSV).unwrap();
    let mut lines = csv.lines();
    let header = lines.next().unwrap();
    let rows: Vec<&str> = lines.collect();
    for (i, chunk) in rows.chunks(200).enumerate() {
        let mut text = format!("{header}\n");
        for r in chunk {
            text.push_str(r);
            text.push('\n');
        }
        std::fs::write(parts.join(format!("p{i}.csv")), text).unwrap();
    }
    let exp = Experiment::default_for(parts.display().to_string(), "progression");
    // a folder streams: the statistics route, with its cache
    let job = |id| Job {
        id,
        kind: JobKind::Fit {
            exp: Box::new(exp.clone()),
            source: DataSource::File(parts.clone()),
            reload: true,
            stats: None,
        },
    };
    let notes = |msgs: &[WorkerMsg]| -> Vec<String> {
        msgs.iter()
            .find_map(|m| match m {
                WorkerMsg::PathReady(_, info, _) => Some(info.notes.clone()),
                _ => None,
            })
            .expect("a path")
    };
    let from_cache = |n: &[String]| n.iter().any(|n| n.contains("reused from the cache"));
    let cache = dir.0.join("cache");
    let first = SyncFitter::with_stats_dir(cache.clone()).run(&job(1));
    assert!(!from_cache(&notes(&first)), "nothing cached yet");
    // a new session on the unchanged table: its first job (reload set) uses the cache
    let mut session = SyncFitter::with_stats_dir(cache.clone());
    let second = session.run(&job(1));
    assert!(from_cache(&notes(&second)), "{:?}", notes(&second));
    // `r` on statistics on screen reads the table again
    let third = session.run(&job(2));
    assert!(!from_cache(&notes(&third)));
    // a fitter without a cache folder never reuses
    let plain = SyncFitter::new().run(&job(1));
    assert!(!from_cache(&notes(&plain)));
}

/// `c` computes the collinearity of the features on screen on the worker and opens it:
/// the VIFs with their guides, the most correlated pairs and the heatmap; `c` closes it.
#[test]
fn the_collinearity_overlay_shows_vifs_pairs_and_the_heatmap() {
    let mut h = Harness::new();
    h.key(Key::Char('c'));
    let Overlay::Collinearity(v) = &h.app.overlay else {
        panic!("no overlay: {:?}", h.app.status());
    };
    let d = &v.data;
    let s1 = d.features.iter().position(|f| f == "s1").unwrap();
    let vif = d.d.vif[d.d.columns.iter().position(|&j| j == s1).unwrap()].unwrap();
    assert!((vif - 59.20).abs() < 0.01, "{vif}");
    assert!(!h.app.busy());
    for (w, hh, ascii) in [(120, 40, false), (80, 24, false), (80, 24, true)] {
        h.app.glyphs = Glyphs::new(ascii);
        let t = screen(&mut h.app, w, hh);
        let text = text_of(t.backend().buffer());
        assert!(text.contains("condition number 21.68"), "{text}");
        assert!(text.contains("+0.897  s1 ~ s2") || hh < 40, "{text}");
        let name = format!(
            "collinearity_{}_{w}x{hh}",
            if ascii { "ascii" } else { "unicode" }
        );
        insta::assert_snapshot!(name, t.backend());
    }
    h.key(Key::Char('c'));
    assert!(matches!(h.app.overlay, Overlay::None));
}

/// The cv result of `exp` on the embedded sample, fitted on its own.
fn cv_alone(exp: &Experiment) -> (Arc<crate::solver::PathResult>, Arc<crate::solver::CvResult>) {
    let msgs = SyncFitter::new().run(&Job {
        id: 1,
        kind: JobKind::Fit {
            exp: Box::new(exp.clone()),
            source: DataSource::Embedded,
            reload: true,
            stats: None,
        },
    });
    let path = msgs.iter().find_map(|m| match m {
        WorkerMsg::PathReady(_, _, p) => Some(p.clone()),
        _ => None,
    });
    let cv = msgs.iter().find_map(|m| match m {
        WorkerMsg::CvReady(_, c) => Some(c.clone()),
        _ => None,
    });
    (path.expect("a path"), cv.expect("a cv"))
}

/// `p` cross-validates ridge, three elastic nets and the lasso on the fit's folds and
/// opens the compare view on the model on screen; each row is what a fit of that model
/// alone gives; Enter adopts a row (a refit, the old path as the ghost); `p` closes.
#[test]
fn the_compare_view_matches_each_model_alone_and_adopts_a_row() {
    let mut h = Harness::new();
    h.key(Key::Char('p'));
    let Overlay::Compare(v) = h.app.overlay.clone() else {
        panic!("no compare view: {:?}", h.app.status());
    };
    assert!(!h.app.busy());
    let ratios: Vec<f64> = v.data.models.iter().map(|m| m.summary.l1_ratio).collect();
    assert_eq!(ratios, crate::solver::compare::DEFAULT_L1_RATIOS);
    assert_eq!(v.cursor, 4, "the lasso on screen is the cursor's row");
    for m in &v.data.models {
        let exp = super::insight::with_mix(&h.app.exp, m.summary.l1_ratio);
        let (path, cv) = cv_alone(&exp);
        assert_eq!(m.summary.kind, exp.model.kind);
        assert_eq!(m.alphas, path.alphas, "{:?}", m.summary.kind);
        assert_eq!(m.cv_mean, cv.cv_mean);
        assert_eq!(m.summary.alpha_min, cv.alpha_min);
        assert_eq!(m.summary.alpha_1se, cv.alpha_1se);
        assert_eq!(m.summary.nonzero_min, path.n_nonzero[cv.index_min]);
    }
    let best = v.data.best.expect("a best model");
    let lowest = v
        .data
        .models
        .iter()
        .map(|m| m.summary.cv_min)
        .fold(f64::INFINITY, f64::min);
    assert_eq!(v.data.models[best].summary.cv_min, lowest);
    for (w, hh, ascii) in [(120, 40, false), (80, 24, false), (80, 24, true)] {
        h.app.glyphs = Glyphs::new(ascii);
        let t = screen(&mut h.app, w, hh);
        let text = text_of(t.backend().buffer());
        assert!(text.contains("compare penalties"), "{text}");
        assert!(
            text.contains("elastic-net") && text.contains("ridge"),
            "{text}"
        );
        let name = format!(
            "compare_{}_{w}x{hh}",
            if ascii { "ascii" } else { "unicode" }
        );
        insta::assert_snapshot!(name, t.backend());
    }
    // Home: ridge; Enter adopts it and refits; the lasso stays as the ghost
    h.key(Key::Home);
    h.key(Key::Enter);
    assert!(matches!(h.app.overlay, Overlay::None));
    assert_eq!(h.app.exp.model.kind, ModelKind::Ridge);
    assert!(h.app.dirty);
    assert!(h.app.ghost.is_some(), "the lasso's path stays dimmed");
    let status = h.app.status().map(|s| s.1.clone()).unwrap_or_default();
    assert!(status.contains("adopted ridge"), "{status}");
    // an elastic net row sets its l1_ratio
    h.key(Key::Char('p'));
    h.key(Key::Down);
    h.key(Key::Down);
    h.key(Key::Enter);
    assert_eq!(h.app.exp.model.kind, ModelKind::ElasticNet);
    assert_eq!(h.app.exp.model.l1_ratio, Some(0.5));
    // p and Esc close without a change
    h.key(Key::Char('p'));
    h.key(Key::Char('p'));
    assert!(matches!(h.app.overlay, Overlay::None));
    assert_eq!(h.app.exp.model.l1_ratio, Some(0.5));
}

/// `b` runs stability selection of the lasso on the worker and opens the view: the
/// settings and the bound, the selected set, the stability path and the table, most
/// stable first; Enter selects the feature under the cursor in the panes.
#[test]
fn the_stability_view_lists_features_and_selects_one_in_the_panes() {
    let mut h = Harness::new();
    h.key(Key::Char('b'));
    let Overlay::Stability(v) = h.app.overlay.clone() else {
        panic!("no stability view: {:?}", h.app.status());
    };
    let r = &v.data.result;
    assert_eq!(r.subsamples.len(), 100, "50 complementary pairs");
    assert_eq!(v.data.features, h.app.names());
    assert_eq!(v.data.alphas, h.app.path.as_ref().unwrap().alphas);
    // most stable first; the selected set is the features at or over the threshold
    let order = v.order();
    let p: Vec<f64> = order.iter().map(|&j| r.max_probability[j]).collect();
    assert!(p.windows(2).all(|w| w[0] >= w[1]), "{p:?}");
    for &j in &order {
        assert_eq!(
            r.selected.contains(&j),
            r.max_probability[j] >= 0.75,
            "{}",
            v.data.features[j]
        );
    }
    for (w, hh, ascii) in [(120, 40, false), (80, 24, false), (80, 24, true)] {
        h.app.glyphs = Glyphs::new(ascii);
        let t = screen(&mut h.app, w, hh);
        let text = text_of(t.backend().buffer());
        assert!(
            text.contains("50 complementary pairs of half-samples (100 fits)"),
            "{text}"
        );
        assert!(text.contains("selected"), "{text}");
        let name = format!(
            "stability_{}_{w}x{hh}",
            if ascii { "ascii" } else { "unicode" }
        );
        insta::assert_snapshot!(name, t.backend());
    }
    // the second feature of the table becomes the panes' selection
    h.key(Key::Down);
    h.key(Key::Enter);
    assert!(matches!(h.app.overlay, Overlay::None));
    assert_eq!(h.app.selected, order[1]);
    let t = screen(&mut h.app, 120, 40);
    let name = &h.app.names()[order[1]];
    let status = h.app.status().map(|s| s.1.clone()).unwrap_or_default();
    assert!(status.contains(&format!("{name} selected")), "{status}");
    assert!(text_of(t.backend().buffer()).contains(name.as_str()));
    // ridge selects nothing: b says so and starts no job
    h.key(Key::Char('{'));
    assert_eq!(h.app.exp.model.kind, ModelKind::Ridge);
    let eff = update(&mut h.app, Msg::Key(Key::Char('b')));
    assert!(eff.is_empty());
    let status = h.app.status().map(|s| s.1.clone()).unwrap_or_default();
    assert!(status.contains("needs a model that selects"), "{status}");
}

/// The heavy views run as worker jobs: their progress shows in the status line, Esc
/// cancels them, and a cancelled job opens nothing.
#[test]
fn heavy_views_report_progress_and_cancel_with_esc() {
    use crate::solver::{Progress, Stage};
    let mut h = Harness::new();
    for (key, stage, text) in [
        (
            'b',
            Stage::Subsamples,
            "stability: 12/100 subsample paths (Esc cancels)",
        ),
        ('p', Stage::Models, "comparing model 3/5 (Esc cancels)"),
    ] {
        let eff = update(&mut h.app, Msg::Key(Key::Char(key)));
        let id = match eff.as_slice() {
            [Effect::Submit(job)] => job.id,
            other => panic!("{other:?}"),
        };
        assert!(h.app.busy());
        let done = if stage == Stage::Subsamples { 12 } else { 2 };
        let total = if stage == Stage::Subsamples { 100 } else { 5 };
        update(
            &mut h.app,
            Msg::Worker(WorkerMsg::Progress(id, Progress { stage, done, total })),
        );
        assert_eq!(h.app.worker_text(), text);
        // a second heavy key while one runs waits
        update(&mut h.app, Msg::Key(Key::Char(key)));
        assert!(
            h.app
                .status()
                .is_some_and(|s| s.1.contains("wait for the running job"))
        );
        let eff = update(&mut h.app, Msg::Key(Key::Esc));
        assert!(eff.iter().any(|e| matches!(e, Effect::Cancel)), "{eff:?}");
        assert!(!h.app.busy());
        update(&mut h.app, Msg::Worker(WorkerMsg::Cancelled(id)));
        assert!(matches!(h.app.overlay, Overlay::None));
    }
}

/// In the collinearity overlay Up/Down move a cursor over the features (the list scrolls
/// with it) and Enter selects the feature in the panes, so the path draws it bold.
#[test]
fn the_collinearity_cursor_selects_a_feature_in_the_panes() {
    let mut h = Harness::new();
    h.app.size = (80, 24);
    h.key(Key::Char('c'));
    let Overlay::Collinearity(v) = &h.app.overlay else {
        panic!("no overlay: {:?}", h.app.status());
    };
    let data = v.data.clone();
    let n = data.d.columns.len();
    for _ in 0..n + 3 {
        h.key(Key::Down);
    }
    let Overlay::Collinearity(v) = &h.app.overlay else {
        panic!("closed");
    };
    assert_eq!(v.cursor, n - 1, "the cursor stops at the last feature");
    let line = super::view::overlays::collinearity_row(&data, n - 1);
    let shown = super::view::overlays::scroll_height(80, 24);
    assert!(
        h.app.scroll <= line && line < h.app.scroll + shown,
        "the cursor's row is on screen: {} {line} {shown}",
        h.app.scroll
    );
    let t = screen(&mut h.app, 80, 24);
    let last = &data.features[data.d.columns[n - 1]];
    assert!(
        text_of(t.backend().buffer()).contains(&format!("▶{last}")),
        "{}",
        text_of(t.backend().buffer())
    );
    h.key(Key::Up);
    h.key(Key::Enter);
    assert!(matches!(h.app.overlay, Overlay::None));
    let j = data.d.columns[n - 2];
    assert_eq!(h.app.selected, j);
    let t = screen(&mut h.app, 120, 40);
    let text = text_of(t.backend().buffer());
    assert!(
        text.contains(&format!("Path (log alpha →): {}", data.features[j])),
        "{text}"
    );
}
