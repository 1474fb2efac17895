//! `cargo bench --bench tui`: one whole-screen frame at 120x40 with p = 200 features,
//! and a grid step from key to frame (update + draw through ratatui's diff). The fixture
//! is a real lasso path + 5-fold CV on synthetic data (n = 400, p = 200), computed once.

#![allow(clippy::unwrap_used)] // a benchmark: a failed step stops it

use std::io::Write;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use regscope::config::Experiment;
use regscope::tui::app::App;
use regscope::tui::keymap::Key;
use regscope::tui::update::{Effect, Msg, start, update};
use regscope::tui::view;
use regscope::tui::worker::SyncFitter;
use regscope::workflow::DataSource;

fn main() {
    divan::main();
}

/// The app after a real fit on a synthetic table with `p` features.
fn fixture(p: usize) -> App {
    let dir = std::env::temp_dir().join(format!("regscope-bench-tui-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("wide.csv");
    let n = 400;
    let mut s: u64 = 7;
    let mut next = || {
        s = s
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((s >> 11) as f64 / (1u64 << 53) as f64) - 0.5
    };
    let mut f = std::io::BufWriter::new(std::fs::File::create(&file).unwrap());
    let names: Vec<String> = (0..p).map(|j| format!("feature_{j:03}")).collect();
    writeln!(f, "{},y", names.join(",")).unwrap();
    for _ in 0..n {
        let x: Vec<f64> = (0..p).map(|_| next()).collect();
        let y: f64 = x
            .iter()
            .take(20)
            .enumerate()
            .map(|(j, v)| v * (j as f64 - 9.5))
            .sum::<f64>()
            + next();
        let row: Vec<String> = x.iter().map(|v| format!("{v:.6}")).collect();
        writeln!(f, "{},{y:.6}", row.join(",")).unwrap();
    }
    drop(f);
    let exp = Experiment::default_for(&file, "y");
    let mut app = App::new(exp, DataSource::File(file), None);
    app.size = (120, 40);
    let mut fitter = SyncFitter::new();
    for e in start(&mut app) {
        if let Effect::Submit(job) = e {
            for m in fitter.run(&job) {
                update(&mut app, Msg::Worker(m));
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(app.cv.is_some(), "the fixture fit finished");
    assert_eq!(app.names().len(), p);
    app
}

/// One full frame rendered into an empty buffer (no diff: every cell is drawn).
#[divan::bench]
fn frame_120x40_p200(bencher: divan::Bencher) {
    let app = fixture(200);
    let area = Rect::new(0, 0, 120, 40);
    bencher.bench_local(|| {
        let mut buf = Buffer::empty(area);
        view::render(&app, area, &mut buf);
        buf
    });
}

/// A key press moving alpha one grid step, to the frame on the (test) terminal.
#[divan::bench]
fn grid_step_key_to_frame_p200(bencher: divan::Bencher) {
    let mut app = fixture(200);
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
    term.draw(|f| view::view(&app, f)).unwrap();
    let mut right = true;
    bencher.bench_local(|| {
        let k = if right { Key::Right } else { Key::Left };
        right = !right;
        let eff = update(&mut app, Msg::Key(k));
        assert!(eff.is_empty(), "a grid step needs no job");
        term.draw(|f| view::view(&app, f)).unwrap();
    });
}
