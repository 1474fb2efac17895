//! The statistics route against the in-memory route: on every fixture, a table streamed
//! into per-fold statistics (rows not kept, so every n >= p fit is solved from the
//! statistics alone) gives the same path and CV as the design built in memory; and a
//! statistics file written by `regscope stats` gives the same JSON as the data.

#![allow(clippy::unwrap_used)] // a test: a failed step fails it

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use regscope::config::Experiment;
use regscope::pipeline::Design;
use regscope::solver::{Control, cross_validate, fit_path, path_alphas};
use regscope::workflow::{DataSource, setup};
use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn cases() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(fixtures())
        .unwrap()
        .filter_map(|e| {
            let name = e.ok()?.file_name().to_string_lossy().to_string();
            name.strip_suffix(".toml").map(str::to_string)
        })
        .collect();
    v.sort();
    v
}

fn close(a: f64, b: f64, scale: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * scale
}

/// Alphas at which G's rounding, not the model, decides the coefficients: the in-memory
/// route solves them through the rows' SVD, which the statistics do not have.
fn near_singular(case: &str) -> bool {
    case.starts_with("longley-ridge") || case.starts_with("diabetes-ols")
}

#[test]
fn statistics_only_fits_equal_in_memory_fits_on_every_fixture() {
    let mut failures = Vec::new();
    for case in cases() {
        let cfg = fixtures().join(format!("{case}.toml"));
        let exp = Experiment::load(&cfg).unwrap();
        let source = DataSource::for_experiment(&exp, Some(&cfg));
        let mem = setup(source.load().unwrap(), &exp).unwrap();
        let mem_path = fit_path(&mem.prep, &mem.settings, &Control::none()).unwrap();
        let streamed = Design::stream_keeping(&exp, &source, true, 0, &|_| true).unwrap();
        assert_eq!(streamed.n(), mem.prep.n(), "{case}: rows");
        assert_eq!(
            streamed.provenance.features, mem.features,
            "{case}: features"
        );
        assert_eq!(streamed.fold_ids, mem.fold_ids, "{case}: folds");
        let st_path = streamed.fit_path(&Control::none()).unwrap();
        assert_eq!(st_path.alphas.len(), mem_path.alphas.len(), "{case}: grid");
        let tol = if near_singular(&case) { 1e-6 } else { 1e-8 };
        for (i, (a, b)) in st_path.alphas.iter().zip(&mem_path.alphas).enumerate() {
            if !close(*a, *b, b.abs().max(1e-300), 1e-12) {
                failures.push(format!("{case}: alpha[{i}] {a} vs {b}"));
            }
        }
        let scale = 1.0 + mem_path.coef_std.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        for ((i, j), b) in mem_path.coef_std.indexed_iter() {
            let a = st_path.coef_std[(i, j)];
            if !close(a, *b, scale, tol) {
                failures.push(format!("{case}: coef_std[{i}][{j}] {a} vs {b}"));
                break;
            }
        }
        if mem.k >= 2 {
            let alphas = path_alphas(&mem.prep, &mem.settings);
            let mem_cv = cross_validate(
                &mem.prep,
                &mem.fold_ids,
                mem.k,
                &mem.settings,
                &alphas,
                &Control::none(),
            )
            .unwrap();
            let st_cv = streamed
                .cross_validate(&alphas, &Control::none())
                .unwrap()
                .unwrap();
            for (i, (a, b)) in st_cv.cv_mean.iter().zip(&mem_cv.cv_mean).enumerate() {
                if !close(*a, *b, b.abs(), tol.max(1e-9)) {
                    failures.push(format!("{case}: cv_mean[{i}] {a} vs {b}"));
                    break;
                }
            }
            if !near_singular(&case) && st_cv.index_min != mem_cv.index_min {
                failures.push(format!(
                    "{case}: alpha_min index {} vs {}",
                    st_cv.index_min, mem_cv.index_min
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn run(args: &[&str], dir: &Path) -> Value {
    let out = common::regscope_ok_in(args, Some(dir));
    serde_json::from_slice(&out.stdout).unwrap_or(Value::Null)
}

/// Every number of two reports agrees to `tol` relative (timings aside).
fn same_numbers(a: &Value, b: &Value, tol: f64, at: &str, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            if (x - y).abs() > tol * (1.0 + y.abs()) {
                out.push(format!("{at}: {x} vs {y}"));
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            if x.len() != y.len() {
                out.push(format!("{at}: length {} vs {}", x.len(), y.len()));
                return;
            }
            for (i, (x, y)) in x.iter().zip(y).enumerate() {
                same_numbers(x, y, tol, &format!("{at}[{i}]"), out);
            }
        }
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in y {
                if k == "timings_ms" {
                    continue;
                }
                match x.get(k) {
                    Some(w) => same_numbers(w, v, tol, &format!("{at}.{k}"), out),
                    None => out.push(format!("{at}.{k} missing")),
                }
            }
        }
        (x, y) => {
            if x != y {
                out.push(format!("{at}: {x} vs {y}"));
            }
        }
    }
}

#[test]
fn a_statistics_file_gives_the_same_json_as_the_data() {
    let dir = fixtures();
    let scratch_dir = common::Scratch::tagged("streaming");
    let scratch = scratch_dir.0.clone();
    for (case, command, extra) in [
        ("diabetes-lasso-cv", "cv", vec![]),
        ("mtcars-enet-cv", "cv", vec![]),
        ("diabetes-enet", "path", vec![]),
        ("diabetes-enet", "cv", vec!["--folds", "4", "--seed", "9"]),
        ("diabetes-ridge", "cv", vec![]),
    ] {
        let cfg = dir.join(format!("{case}.toml"));
        let cfg = cfg.to_str().unwrap();
        let stats = scratch.join(format!("{case}-{command}.stats.arrow"));
        let stats = stats.to_str().unwrap();
        let mut a = vec!["stats", "--config", cfg, "--out", stats];
        a.extend(&extra);
        let out = Command::new(env!("CARGO_BIN_EXE_regscope"))
            .args(&a)
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{case}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut from_data = vec![command, "--config", cfg, "--format", "json"];
        from_data.extend(&extra);
        let mut from_stats = vec![
            command, "--config", cfg, "--stats", stats, "--format", "json",
        ];
        from_stats.extend(&extra);
        let want = run(&from_data, &dir);
        let got = run(&from_stats, &dir);
        let mut diffs = Vec::new();
        same_numbers(&got, &want, 1e-9, case, &mut diffs);
        assert!(
            diffs.is_empty(),
            "{case} {command}: {}",
            diffs.into_iter().take(5).collect::<Vec<_>>().join("; ")
        );
    }
}

#[test]
fn a_folder_of_files_streams_as_one_table() {
    let dir_dir = common::Scratch::tagged("streaming");
    let dir = dir_dir.0.clone();
    let src = std::fs::read_to_string(fixtures().join("diabetes-lasso.csv")).unwrap();
    let mut lines = src.lines();
    let header = lines.next().unwrap();
    let rows: Vec<&str> = lines.collect();
    std::fs::create_dir_all(dir.join("parts")).unwrap();
    for (i, chunk) in rows.chunks(150).enumerate() {
        let mut s = String::from(header);
        s.push('\n');
        for r in chunk {
            s.push_str(r);
            s.push('\n');
        }
        std::fs::write(dir.join(format!("parts/part-{i}.csv")), s).unwrap();
    }
    std::fs::write(dir.join("whole.csv"), &src).unwrap();
    let target = header.split(',').next_back().unwrap();
    let whole = run(
        &[
            "path",
            "--data",
            "whole.csv",
            "--target",
            target,
            "--format",
            "json",
        ],
        &dir,
    );
    let parts = run(
        &[
            "path", "--data", "parts", "--target", target, "--format", "json",
        ],
        &dir,
    );
    let glob = run(
        &[
            "path",
            "--data",
            "parts/part-*.csv",
            "--target",
            target,
            "--format",
            "json",
        ],
        &dir,
    );
    for (name, got) in [("folder", &parts), ("glob", &glob)] {
        let mut diffs = Vec::new();
        let mut want = whole.clone();
        // the source names differ; everything else must not
        let mut got = got.clone();
        for v in [&mut want, &mut got] {
            let o = v.as_object_mut().unwrap();
            o.remove("source");
            o.remove("data");
        }
        same_numbers(&got, &want, 1e-9, name, &mut diffs);
        assert!(
            diffs.is_empty(),
            "{name}: {}",
            diffs.into_iter().take(5).collect::<Vec<_>>().join("; ")
        );
    }
}

/// A feature near the float limit fits like the same feature in ordinary units: the
/// standardized coefficients, R² and CV curve do not depend on a column's scale, on the
/// in-memory route and on the statistics route alike (it was called constant once).
#[test]
fn a_column_near_the_float_limit_fits_like_any_other() {
    let scratch_dir = common::Scratch::tagged("streaming");
    let scratch = scratch_dir.0.clone();
    let write = |name: &str, unit: f64| {
        let mut s = String::from("a,b,y\n");
        for i in 0..60 {
            let a = ((i * 37) % 11) as f64 / 11.0;
            let t = ((i * 13) % 17) as f64 / 17.0;
            let y = a + 0.5 * t + ((i * 7) % 5) as f64 * 0.01;
            s.push_str(&format!("{a},{:e},{y}\n", (1.0 + t) * unit));
        }
        std::fs::write(scratch.join(name), s).unwrap();
    };
    write("small.csv", 4.0);
    write("huge.csv", 4e307);
    let small = run(&["cv", "--data", "small.csv", "--format", "json"], &scratch);
    let huge = run(&["cv", "--data", "huge.csv", "--format", "json"], &scratch);
    let stats = scratch.join("huge.stats.arrow");
    let out = Command::new(env!("CARGO_BIN_EXE_regscope"))
        .args(["stats", "--data", "huge.csv", "--out"])
        .arg(&stats)
        .current_dir(&scratch)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let from_stats = run(
        &["cv", "--stats", stats.to_str().unwrap(), "--format", "json"],
        &scratch,
    );
    assert!(
        huge["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|w| !w.as_str().unwrap().contains("constant"))
    );
    for (name, v) in [("in memory", &huge), ("statistics", &from_stats)] {
        let mut diffs = Vec::new();
        for key in ["coef_std", "r2", "cv_mean", "cv_se", "alpha_min", "alphas"] {
            same_numbers(&v[key], &small[key], 1e-9, key, &mut diffs);
        }
        assert!(diffs.is_empty(), "{name}: {}", diffs.join("\n"));
    }
}

/// The statistics cache: the second open of an unchanged table reads no row and gives
/// the same fits; a changed file, other CV settings or a forced re-read stream again.
#[test]
fn an_unchanged_table_reuses_its_cached_statistics() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let scratch_dir = common::Scratch::tagged("streaming");
    let scratch = scratch_dir.0.clone();
    let cache = scratch.join("cache");
    let data = scratch.join("t.csv");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data/hitters.csv"),
        &data,
    )
    .unwrap();
    let mut exp = Experiment::default_for(&data, "Salary");
    let source = DataSource::File(data.clone());
    let rows = AtomicUsize::new(0);
    let count = |r: regscope::data::stream::ReadProgress| {
        rows.store(r.rows, Ordering::Relaxed);
        true
    };
    let open = |exp: &Experiment, reread: bool| {
        rows.store(0, Ordering::Relaxed);
        let (d, cached) =
            Design::stream_cached(exp, &source, Some(&cache), reread, &count).unwrap();
        (d, cached, rows.load(Ordering::Relaxed))
    };
    let (first, cached, read) = open(&exp, false);
    assert!(!cached && read == 322, "{cached} {read}");
    let (again, cached, read) = open(&exp, false);
    assert!(
        cached && read == 0,
        "from the cache, no row read: {cached} {read}"
    );
    let (a, b) = (
        first.fit_path(&Control::none()).unwrap(),
        again.fit_path(&Control::none()).unwrap(),
    );
    assert_eq!(a.alphas, b.alphas);
    for (x, y) in a.coef_std.iter().zip(b.coef_std.iter()) {
        assert!(close(*x, *y, 1.0, 1e-9), "{x} vs {y}");
    }
    assert_eq!(first.provenance.features, again.provenance.features);
    // a forced re-read, other folds, a changed file: read again
    assert!(!open(&exp, true).1);
    exp.cv.seed = exp.cv.seed.wrapping_add(1);
    assert!(!open(&exp, false).1);
    assert!(open(&exp, false).1);
    let mut text = std::fs::read_to_string(&data).unwrap();
    let row = text.lines().nth(1).unwrap().to_string();
    text.push_str(&row);
    text.push('\n');
    std::fs::write(&data, text).unwrap();
    let (_, cached, read) = open(&exp, false);
    assert!(!cached && read == 323, "{cached} {read}");
}

/// The statistics of a plain numeric CSV read by the plain-CSV reader, against polars
/// reading the same file whole: same rows, folds, features, notes and moments.
fn plain_matches_polars(exp: &Experiment, path: &Path, case: &str) -> bool {
    use regscope::data::stream::{Source, accumulate, accumulate_plain};
    let spec = exp.data_spec();
    let rule = regscope::pipeline::fold_rule(exp, true);
    let files = Source::Files {
        path: path.display().to_string(),
        separator: b',',
    };
    let Some(plain) = accumulate_plain(&files, "t", &spec, &rule, 0, &|_| true).unwrap() else {
        return false;
    };
    let df = regscope::data::load_table(path).unwrap().into_df();
    let polars = accumulate(&Source::Frame(df), "t", &spec, &rule, 0, &|_| true).unwrap();
    assert_eq!(plain.features, polars.features, "{case}: features");
    assert_eq!(plain.fold_ids, polars.fold_ids, "{case}: folds");
    assert_eq!(plain.rows_total, polars.rows_total, "{case}: rows");
    assert_eq!(plain.rows_dropped, polars.rows_dropped, "{case}: dropped");
    assert_eq!(plain.notes, polars.notes, "{case}: notes");
    assert_eq!(plain.moments.k(), polars.moments.k(), "{case}: folds");
    for (f, (a, b)) in plain
        .moments
        .folds()
        .iter()
        .zip(polars.moments.folds())
        .enumerate()
    {
        assert_eq!(a.n(), b.n(), "{case}: fold {f} rows");
        let pairs = a
            .stored_c()
            .iter()
            .zip(b.stored_c())
            .chain(a.stored_cy().iter().zip(b.stored_cy()))
            .chain(a.stored_mean().iter().zip(b.stored_mean()));
        for (x, y) in pairs {
            assert!(
                close(*x, *y, y.abs().max(1.0), 1e-12),
                "{case}: fold {f}: {x} vs {y}"
            );
        }
        assert!(
            close(a.syy(), b.syy(), b.syy().max(1.0), 1e-12),
            "{case}: syy"
        );
    }
    true
}

#[test]
fn the_plain_csv_reader_reads_what_polars_reads() {
    let mut read = Vec::new();
    for case in cases() {
        let cfg = fixtures().join(format!("{case}.toml"));
        let exp = Experiment::load(&cfg).unwrap();
        let DataSource::File(path) = DataSource::for_experiment(&exp, Some(&cfg)) else {
            continue;
        };
        if plain_matches_polars(&exp, &path, &case) {
            read.push(case);
        }
    }
    // the fixtures go through the plain reader, those with text features too
    assert!(
        read.iter().filter(|c| c.starts_with("diabetes")).count() >= 7,
        "read by the plain reader: {read:?}"
    );
    // and a table with text features (League, Division, NewLeague) and missing targets
    let hitters = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data/hitters.csv");
    let exp = Experiment::default_for(&hitters, "Salary");
    assert!(plain_matches_polars(&exp, &hitters, "hitters"));

    // missing values in every spelling, CRLF line ends, a fold column, integers beside
    // floats, an unused text column, a one-hot coded one (missing values, a level seen
    // only on dropped rows, non-ASCII), and no line end after the last row
    let dir_dir = common::Scratch::tagged("streaming");
    let dir = dir_dir.0.clone();
    let mut text = String::from("a,note,b,city,fold,y\r\n");
    for i in 0..3000u64 {
        let a = match i % 97 {
            0 => String::new(),
            1 => "NA".into(),
            2 => "NaN".into(),
            3 => "null".into(),
            _ => format!("{}", (i * 7919 % 1000) as f64 / 8.0 - 40.0),
        };
        let b = format!("{}", (i * 104729 % 313) as i64 - 150);
        let y = format!("{:e}", (i as f64 * 0.37).sin() * 1e3 + 3.0);
        let city = match i % 11 {
            0 if i % 97 == 5 => "Zürich",
            0 => "",
            1 => "NA",
            2 | 3 => "Oslo",
            4..=6 => "Lima",
            _ => "Pune",
        };
        let city = if i % 97 == 0 { "Cork" } else { city };
        text.push_str(&format!("{a},w{i},{b},{city},{},{y}\r\n", i % 4));
    }
    text.truncate(text.len() - 2);
    let path = dir.join("messy.csv");
    std::fs::write(&path, &text).unwrap();
    let mut exp = Experiment::default_for(&path, "y");
    exp.data.features = Some(vec!["a".into(), "b".into()]);
    exp.cv.folds = None;
    exp.cv.fold_column = Some("fold".into());
    assert!(plain_matches_polars(&exp, &path, "messy, fold column"));
    exp.data.features = Some(vec!["a".into(), "city".into(), "b".into()]);
    assert!(plain_matches_polars(&exp, &path, "messy, text feature"));
    exp.data.features = None;
    assert!(plain_matches_polars(&exp, &path, "messy, default features"));
    exp.data.features = Some(vec!["a".into(), "b".into()]);
    exp.cv.fold_column = None;
    exp.cv.folds = Some(5);
    assert!(plain_matches_polars(&exp, &path, "messy, shuffled folds"));
}

/// A folder of Parquet files, read a row group at a time, gives the numbers of the same
/// table read whole from CSV.
#[test]
fn parquet_row_groups_stream_as_one_table() {
    use polars::prelude::{ParquetWriter, SerReader};
    let dir_dir = common::Scratch::tagged("streaming");
    let dir = dir_dir.0.clone();
    let csv = fixtures().join("diabetes-lasso-cv.csv");
    let df = polars::prelude::CsvReadOptions::default()
        .with_has_header(true)
        .try_into_reader_with_file_path(Some(csv.clone()))
        .unwrap()
        .finish()
        .unwrap();
    std::fs::create_dir_all(dir.join("parts")).unwrap();
    let half = df.height() / 2;
    for (i, mut part) in [df.slice(0, half), df.slice(half as i64, df.height() - half)]
        .into_iter()
        .enumerate()
    {
        let f = std::fs::File::create(dir.join(format!("parts/p{i}.parquet"))).unwrap();
        ParquetWriter::new(f)
            .with_row_group_size(Some(50))
            .finish(&mut part)
            .unwrap();
    }
    std::fs::copy(&csv, dir.join("whole.csv")).unwrap();
    let target = df.get_column_names().last().unwrap().to_string();
    let cv = |data: &str| {
        run(
            &[
                "cv", "--data", data, "--target", &target, "--format", "json",
            ],
            &dir,
        )
    };
    let mut want = cv("whole.csv");
    let mut got = cv("parts");
    for v in [&mut want, &mut got] {
        let o = v.as_object_mut().unwrap();
        o.remove("source");
        o.remove("data");
    }
    let mut diffs = Vec::new();
    same_numbers(&got, &want, 1e-9, "parquet", &mut diffs);
    assert!(
        diffs.is_empty(),
        "{}",
        diffs.into_iter().take(5).collect::<Vec<_>>().join("; ")
    );
}

/// One cell of a generated CSV: numbers in several spellings and the missing spellings.
fn cell() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    prop_oneof![
        6 => (-1e3f64..1e3).prop_map(|v| format!("{v}")),
        2 => (-1e3f64..1e3).prop_map(|v| format!("{v:e}")),
        2 => (-500i64..500).prop_map(|v| v.to_string()),
        1 => Just(String::new()),
        1 => Just("NA".to_string()),
        1 => Just("NaN".to_string()),
        1 => Just("null".to_string()),
    ]
}

/// A value of a text column.
fn text_cell() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    proptest::sample::select(vec![
        "north",
        "south",
        "east",
        "",
        "NA",
        "null",
        "Ünïcode",
        "with space",
        "x",
        "1",
    ])
    .prop_map(str::to_string)
}

/// A value the plain reader must hand back to polars (or read as polars does).
fn odd_cell() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    proptest::sample::select(vec![
        "abc", "\"1\"", " 1", "+1", "1e", "inf", "1,5", "5.", "-0", ".5",
    ])
    .prop_map(str::to_string)
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

    /// On any small table, the plain-CSV reader either declines or gives what polars
    /// gives: the same rows, folds and statistics, or the same refusal.
    #[test]
    fn the_plain_reader_agrees_with_polars_or_declines(
        mut rows in proptest::collection::vec(proptest::collection::vec(cell(), 3), 1..50),
        odd in proptest::option::of((0usize..50, 0usize..3, odd_cell())),
        texts in proptest::collection::vec(text_cell(), 50),
        crlf in proptest::prelude::any::<bool>(),
        final_newline in proptest::prelude::any::<bool>(),
    ) {
        // half of the tables hold one odd value, anywhere
        if let Some((r, c, v)) = odd {
            let r = r % rows.len();
            rows[r][c] = v;
        }
        use regscope::data::stream::{Source, accumulate, accumulate_plain};
        let dir_dir = common::Scratch::tagged("streaming");
    let dir = dir_dir.0.clone();
        let end = if crlf { "\r\n" } else { "\n" };
        let mut text = format!("a,b,t,y{end}");
        for (r, t) in rows.iter().zip(&texts) {
            text.push_str(&format!("{},{},{t},{}", r[0], r[1], r[2]));
            text.push_str(end);
        }
        if !final_newline {
            text.truncate(text.len() - end.len());
        }
        let path = dir.join("t.csv");
        std::fs::write(&path, &text).unwrap();
        let mut exp = Experiment::default_for(&path, "y");
        exp.data.features = Some(vec!["a".into(), "b".into(), "t".into()]);
        exp.cv.folds = Some(2);
        let spec = exp.data_spec();
        let rule = regscope::pipeline::fold_rule(&exp, true);
        let files = Source::Files { path: path.display().to_string(), separator: b',' };
        let plain = accumulate_plain(&files, "t", &spec, &rule, 0, &|_| true);
        let polars = regscope::data::load_table(&path)
            .and_then(|t| accumulate(&Source::Frame(t.into_df()), "t", &spec, &rule, 0, &|_| true));
        match (plain, polars) {
            (Ok(None), _) => {}
            (Ok(Some(a)), Ok(b)) => {
                proptest::prop_assert_eq!(&a.features, &b.features);
                proptest::prop_assert_eq!(&a.notes, &b.notes);
                proptest::prop_assert_eq!(&a.fold_ids, &b.fold_ids);
                proptest::prop_assert_eq!(a.rows_total, b.rows_total);
                proptest::prop_assert_eq!(a.rows_dropped, b.rows_dropped);
                for (x, y) in a.moments.folds().iter().zip(b.moments.folds()) {
                    proptest::prop_assert_eq!(x.n(), y.n());
                    for (u, v) in x.stored_c().iter().zip(y.stored_c()) {
                        proptest::prop_assert!(close(*u, *v, v.abs().max(1.0), 1e-12), "{} vs {}", u, v);
                    }
                }
            }
            (Ok(Some(_)), Err(e)) => proptest::prop_assert!(false, "plain read what polars refused: {}\n{}", e, text),
            (Err(e), Ok(_)) => proptest::prop_assert!(false, "plain refused what polars read: {}\n{}", e, text),
            (Err(_), Err(_)) => {}
        }
    }
}

/// Progress of a read without a counting pass (fold column, or no folds): Parquet takes
/// its total from the files' metadata, a plain CSV estimates it from the bytes per row
/// of what it parsed (flagged as an estimate), and the last report has every row. The
/// files sit in folders, which always stream.
#[test]
fn progress_has_a_total_without_a_counting_pass() {
    use polars::prelude::{NamedFrom, ParquetWriter, Series};
    use regscope::data::stream::ReadProgress;
    use std::sync::Mutex;
    let scratch = common::Scratch::tagged("progress");
    let n = 40_000usize;
    let mut csv = String::from("x0,x1,fold,y\n");
    for i in 0..n {
        let (a, b) = ((i * 7919 % 1000) as f64 / 37.0, (i % 13) as f64);
        csv.push_str(&format!("{a},{b},{},{}\n", i % 5, a - 2.0 * b));
    }
    std::fs::create_dir_all(scratch.0.join("csv")).unwrap();
    std::fs::create_dir_all(scratch.0.join("pq")).unwrap();
    scratch.file("csv/t.csv", &csv);
    let col = |name: &str, f: &dyn Fn(usize) -> f64| {
        polars::prelude::Column::from(Series::new(name.into(), (0..n).map(f).collect::<Vec<_>>()))
    };
    let mut df = polars::prelude::DataFrame::new(
        n,
        vec![
            col("x0", &|i| (i * 7919 % 1000) as f64 / 37.0),
            col("x1", &|i| (i % 13) as f64),
            col("fold", &|i| (i % 5) as f64),
            col("y", &|i| {
                (i * 7919 % 1000) as f64 / 37.0 - 2.0 * (i % 13) as f64
            }),
        ],
    )
    .unwrap();
    ParquetWriter::new(std::fs::File::create(scratch.0.join("pq/t.parquet")).unwrap())
        .with_row_group_size(Some(5_000))
        .finish(&mut df)
        .unwrap();
    for (path, estimated) in [(scratch.0.join("csv"), true), (scratch.0.join("pq"), false)] {
        let mut exp = Experiment::default_for(&path, "y");
        exp.cv.fold_column = Some("fold".into());
        let seen: Mutex<Vec<ReadProgress>> = Mutex::new(Vec::new());
        let record = |r: ReadProgress| {
            seen.lock().unwrap().push(r);
            true
        };
        let d = Design::stream(&exp, &DataSource::File(path.clone()), true, &record).unwrap();
        assert_eq!(d.n(), n);
        let seen = seen.into_inner().unwrap();
        let last = seen.last().expect("progress reports");
        assert_eq!(last.rows, n, "{}", path.display());
        for r in &seen {
            assert!(r.total >= r.rows, "{r:?}");
            assert_eq!(r.estimated, estimated, "{}: {r:?}", path.display());
            if estimated {
                let off = (r.total as f64 / n as f64 - 1.0).abs();
                assert!(off < 0.01, "estimate {} of {n} rows", r.total);
            } else {
                assert_eq!(r.total, n);
            }
        }
    }
}

/// Folders of Arrow IPC and Parquet files with text features stream (their levels found
/// a slice or row group at a time) to the numbers of the same table read whole from CSV.
#[test]
fn ipc_and_parquet_with_text_features_stream_as_the_csv() {
    use polars::prelude::{IpcWriter, ParquetWriter, SerWriter};
    let scratch = common::Scratch::tagged("ipc-text");
    let dir = scratch.0.clone();
    let csv = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data/hitters.csv");
    // read as regscope reads it ("NA" is missing)
    let df = regscope::data::load_table(&csv).unwrap().into_df();
    std::fs::create_dir_all(dir.join("ipc")).unwrap();
    std::fs::create_dir_all(dir.join("pq")).unwrap();
    let half = df.height() / 2;
    for (i, mut part) in [df.slice(0, half), df.slice(half as i64, df.height() - half)]
        .into_iter()
        .enumerate()
    {
        let f = std::fs::File::create(dir.join(format!("ipc/p{i}.arrow"))).unwrap();
        IpcWriter::new(f).finish(&mut part).unwrap();
        let f = std::fs::File::create(dir.join(format!("pq/p{i}.parquet"))).unwrap();
        ParquetWriter::new(f)
            .with_row_group_size(Some(40))
            .finish(&mut part)
            .unwrap();
    }
    std::fs::copy(&csv, dir.join("whole.csv")).unwrap();
    let cv = |data: &str| {
        let mut v = run(
            &[
                "cv", "--data", data, "--target", "Salary", "--format", "json",
            ],
            &dir,
        );
        let o = v.as_object_mut().unwrap();
        o.remove("source");
        o.remove("data");
        o.remove("timings_ms");
        v
    };
    let want = cv("whole.csv");
    assert!(
        want["features"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == "League_N"),
        "one-hot coded: {}",
        want["features"]
    );
    for folder in ["ipc", "pq"] {
        let got = cv(folder);
        let mut diffs = Vec::new();
        same_numbers(&got, &want, 1e-9, folder, &mut diffs);
        assert!(diffs.is_empty(), "{folder}: {}", diffs.join("\n"));
    }
}

/// A folder's files are read in name order (as polars expands a glob), whatever order
/// the folder lists them in: the shuffled folds follow the row order.
#[test]
fn a_folder_is_read_in_name_order() {
    let scratch = common::Scratch::tagged("order");
    let names = [
        "q.csv", "b.csv", "z.csv", "a.csv", "m.csv", "c.csv", "y.csv",
    ];
    for n in names {
        scratch.file(n, "x,y\n1,2\n");
    }
    let glob = format!("{}/*.csv", scratch.0.display());
    let got: Vec<String> = regscope::data::stream::files_of(&glob)
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().to_string())
        .collect();
    let mut want: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(got, want);
}
