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
    assert!(h.app.status.is_none());
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
fn l1_ratio_steps_clamp_and_switch_to_elastic_net() {
    let mut h = Harness::new();
    h.key(Key::Char(']'));
    assert_eq!(h.app.exp.model.kind, ModelKind::ElasticNet);
    assert_eq!(
        h.app.exp.model.l1_ratio,
        Some(1.0),
        "lasso + 0.05 clamps at 1"
    );
    h.key(Key::Char('['));
    assert_eq!(h.app.exp.model.l1_ratio, Some(0.95));
    h.key(Key::Char('{'));
    assert_eq!(h.app.exp.model.kind, ModelKind::Ridge);
    assert_eq!(h.app.exp.model.l1_ratio, None);
    assert_eq!(h.app.exp.model.effective_l1_ratio(), 0.0);
    h.key(Key::Char('['));
    assert_eq!(
        h.app.exp.model.l1_ratio,
        Some(0.0),
        "ridge - 0.05 clamps at 0"
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
    assert!(matches!(h.app.overlay, Overlay::Prompt(_)));
    h.key(Key::Ctrl('u'));
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
    assert_eq!(h.app.status.as_ref().unwrap().0, Level::Error);
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
    let [Effect::Save(path, exp)] = &e[..] else {
        panic!("{e:?}")
    };
    assert_eq!(path.to_str(), Some("configs/diabetes-lasso.toml"));
    assert_eq!(exp.model.alpha, h.app.alpha());
    update(&mut h.app, Msg::Saved(path.clone(), Ok((**exp).clone())));
    assert!(!h.app.dirty);
    assert_eq!(h.app.config_name(), "diabetes-lasso.toml");
    // w now saves in place
    let e = update(&mut h.app, Msg::Key(Key::Char('w')));
    assert!(matches!(&e[..], [Effect::Save(p, _)] if p == path));
    update(
        &mut h.app,
        Msg::Saved(path.clone(), Err("disk full".into())),
    );
    assert!(h.app.status.as_ref().unwrap().1.contains("disk full"));
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
    assert!(
        h.app
            .status
            .as_ref()
            .unwrap()
            .1
            .contains("worker panicked: boom")
    );
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
    assert_eq!(app.status.as_ref().unwrap().0, Level::Error);
    assert_eq!(app.worker_text(), "ready");
    let t = screen(&mut app, 80, 24);
    assert!(text_of(t.backend().buffer()).contains("error:"));
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
    let dir = std::env::temp_dir().join(format!("regscope-tui-badcfg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
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
    let (level, text) = app.status.clone().unwrap();
    assert_eq!(level, Level::Error);
    assert!(text.contains("bogus"), "{text}");
    assert_eq!(app.config_path.as_deref(), Some(cfg.as_path()));
    let _ = std::fs::remove_dir_all(&dir);
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
    let dir = std::env::temp_dir().join(format!("regscope-tui-cancel-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
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
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn export_key_exports_the_view_at_the_cursor_and_says_where() {
    let mut h = Harness::new();
    h.key(Key::Char('m'));
    h.key(Key::Right);
    let idx = h.app.idx;
    let e = update(&mut h.app, Msg::Key(Key::Char('x')));
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
    let _ = std::fs::remove_dir_all(&dir);
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
    let (level, text) = h.app.status.clone().unwrap();
    assert_eq!(level, Level::Info);
    assert_eq!(text, format!("exported 7 files to {}/", dir.display()));
    std::fs::remove_dir_all(&dir).unwrap();

    update(
        &mut h.app,
        Msg::Exported(dir.clone(), Err("cannot write 'x': disk full".into())),
    );
    let (level, text) = h.app.status.clone().unwrap();
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
        app.status
            .clone()
            .unwrap()
            .1
            .contains("nothing to export yet")
    );
    assert_eq!(
        super::export::default_dir(&app),
        std::path::Path::new("exports/hitters-lasso")
    );
}
