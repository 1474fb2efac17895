//! Issue 12, the command line: arguments before a subcommand, separators, values near
//! the float limit, CV-only checks kept out of `path`, the grid-edge warning, the CSV
//! columns, a closed pipe, and a data file that changes under a run.

#![allow(clippy::unwrap_used)] // a test: a failed step fails it

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod common;
use common::Scratch;

use regscope::config::Experiment;
use regscope::workflow::DataSource;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// regscope run from the repository's folder.
fn run(args: &[&str]) -> Output {
    common::regscope_in(args, Some(root()))
}

fn ok_json(args: &[&str]) -> serde_json::Value {
    let out = run(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

/// The one error line of a failing run.
fn one_line_error(args: &[&str]) -> String {
    let out = run(args);
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
    assert!(out.stdout.is_empty());
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("regscope: error: ") && !err.contains("panicked"));
    err
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn notes(v: &serde_json::Value) -> String {
    v["notes"].to_string()
}

// ---- defect 2: arguments before the subcommand ----

#[test]
fn a_config_before_the_subcommand_is_honoured() {
    let v = ok_json(&[
        "--config",
        "configs/hitters-enet.toml",
        "cv",
        "--format",
        "json",
    ]);
    assert_eq!(v["target"], "Salary");
    assert!(
        v["data"].as_str().unwrap().ends_with("hitters.csv"),
        "{}",
        v["data"]
    );
}

#[test]
fn a_file_before_the_subcommand_is_honoured() {
    let v = ok_json(&[
        "sample-data/hitters.csv",
        "path",
        "--format",
        "json",
        "--n-alphas",
        "5",
    ]);
    assert_eq!(v["data"], "sample-data/hitters.csv");
    let v = ok_json(&[
        "sample-data/longley.csv",
        "-t",
        "Employed",
        "path",
        "--format",
        "json",
    ]);
    assert_eq!(v["target"], "Employed");
}

#[test]
fn contradicting_or_unusable_combinations_are_refused_in_one_line() {
    let e = one_line_error(&[
        "sample-data/mtcars.csv",
        "--config",
        "configs/longley-ridge.toml",
    ]);
    assert!(
        e.contains("mtcars.csv") && e.contains("longley-ridge.toml"),
        "{e}"
    );
    let e = one_line_error(&[
        "sample-data/mtcars.csv",
        "cv",
        "--data",
        "sample-data/longley.csv",
    ]);
    assert!(e.contains("mtcars.csv") && e.contains("longley.csv"), "{e}");
    let e = one_line_error(&["--ascii", "path"]);
    assert!(e.contains("--ascii"), "{e}");
}

// ---- defect 7: path needs no CV ----

#[test]
fn path_accepts_what_only_cv_would_refuse() {
    let dir = Scratch::new();
    let one = write(dir.path(), "one.csv", "x1,x2,y\n1,2,3\n");
    let out = run(&[
        "path",
        "--data",
        s(&one),
        "--target",
        "y",
        "--format",
        "json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let e = one_line_error(&["cv", "--data", s(&one), "--target", "y"]);
    assert!(e.contains("folds") && e.contains("1 rows"), "{e}");
    let v = ok_json(&[
        "path",
        "--folds",
        "1",
        "--format",
        "json",
        "--n-alphas",
        "3",
    ]);
    assert_eq!(v["alphas"].as_array().unwrap().len(), 3);
    let e = one_line_error(&["cv", "--folds", "1"]);
    assert!(e.contains("--folds 1"), "{e}");
}

// ---- defect 8: separators ----

#[test]
fn semicolon_tab_and_pipe_files_are_read_and_the_separator_is_named() {
    let dir = Scratch::new();
    for (sep, shown) in [(";", "';'"), ("\t", "tab"), ("|", "'|'")] {
        let text = format!(
            "a{sep}b{sep}y\n1{sep}2{sep}3\n2{sep}1{sep}4\n3{sep}5{sep}2\n4{sep}3{sep}6\n5{sep}4{sep}5\n6{sep}6{sep}7\n"
        );
        let p = write(dir.path(), "f.csv", &text);
        let v = ok_json(&["path", "--data", s(&p), "--target", "y", "--format", "json"]);
        assert_eq!(v["features"], serde_json::json!(["a", "b"]), "{sep:?}");
        assert!(notes(&v).contains(shown), "{sep:?}: {}", notes(&v));
    }
}

#[test]
fn an_explicit_separator_wins_and_a_bad_one_is_refused() {
    let dir = Scratch::new();
    // with the flag, ',' inside a name is part of it
    let p = write(dir.path(), "f.csv", "a,x;b;y\n1;2;3\n2;1;4\n3;5;2\n4;3;6\n");
    let v = ok_json(&[
        "path",
        "--data",
        s(&p),
        "--target",
        "y",
        "--separator",
        ";",
        "--format",
        "json",
    ]);
    assert_eq!(v["features"], serde_json::json!(["a,x", "b"]));
    let e = one_line_error(&["path", "--data", s(&p), "--separator", "::"]);
    assert!(e.contains("--separator"), "{e}");
}

#[test]
fn decimal_commas_get_a_clear_message() {
    let dir = Scratch::new();
    let p = write(dir.path(), "eu.csv", "a;b;y\n1,5;2;3,25\n2,5;1;4,5\n");
    let e = one_line_error(&["path", "--data", s(&p), "--target", "y"]);
    assert!(
        e.contains("eu.csv") && e.contains("decimal comma") && e.contains("'1,5'"),
        "{e}"
    );
    assert!(e.contains("data row 1"), "{e}");
    let p = write(dir.path(), "eu2.csv", "a,y\n1,5,3,25\n2,5,4,5\n");
    let e = one_line_error(&["path", "--data", s(&p), "--target", "y"]);
    assert!(
        e.contains("decimal commas") && !e.contains("truncate_ragged_lines"),
        "{e}"
    );
    assert!(e.contains("data row 1") && e.contains("4 fields"), "{e}");
}

// ---- defect 1: values near the float limit ----

#[test]
fn a_target_near_the_float_limit_is_refused_and_huge_features_are_not() {
    let dir = Scratch::new();
    let mut text = String::from("x,y\n");
    for i in 0..50 {
        let y = if i == 10 {
            "1e308".into()
        } else {
            format!("{}", i % 7)
        };
        text.push_str(&format!("{},{y}\n", i % 5));
    }
    let p = write(dir.path(), "big.csv", &text);
    let e = one_line_error(&["cv", "--data", s(&p), "--target", "y"]);
    for part in ["big.csv", "'y'", "data row 11", "1e308", "rescale"] {
        assert!(e.contains(part), "{part:?}: {e}");
    }
    let p = write(dir.path(), "inf.csv", "x,y\n1,2\n1e309,3\n2,4\n");
    let e = one_line_error(&["path", "--data", s(&p), "--target", "y"]);
    assert!(
        e.contains("'x'") && e.contains("data row 2") && e.contains("inf"),
        "{e}"
    );
    let p = write(
        dir.path(),
        "huge.csv",
        "x,y\n4e307,1\n3e307,2\n1e307,2\n2e307,5\n",
    );
    let out = run(&["path", "--data", s(&p), "--target", "y", "--format", "json"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !err.contains("infinite") && !err.contains("overflow"),
        "{err}"
    );
}

// ---- defect 6: the CV minimum at the edge of the grid ----

#[test]
fn a_minimum_at_the_grid_edge_is_warned_with_the_fix() {
    let args = [
        "cv",
        "--model",
        "elastic-net",
        "--l1-ratio",
        "0.05",
        "--n-alphas",
        "20",
    ];
    let mut json = args.to_vec();
    json.extend(["--format", "json"]);
    let v = ok_json(&json);
    assert_eq!(v["alpha_min_index"], 19);
    let w = v["warnings"].to_string();
    assert!(
        w.contains("smallest alpha of the grid") && w.contains("--eps"),
        "{w}"
    );
    assert!(w.contains("path.eps"), "{w}");
    let out = run(&args);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("warning: alpha_min is the smallest alpha"),
        "{text}"
    );
    // the default lasso minimum is inside the grid: no such warning
    let v = ok_json(&["cv", "--format", "json"]);
    assert!(!v["warnings"].to_string().contains("of the grid"));
}

// ---- CSV output ----

#[test]
fn csv_holds_markers_intercept_and_standardized_coefficients() {
    let out = run(&["cv", "--format", "csv", "--n-alphas", "12"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    let head: Vec<&str> = lines[0].split(',').collect();
    assert_eq!(
        &head[..10],
        &[
            "alpha",
            "intercept",
            "n_nonzero",
            "r2",
            "rel_gap",
            "n_iter",
            "cv_mean",
            "cv_se",
            "is_alpha_min",
            "is_alpha_1se"
        ]
    );
    assert_eq!(head[10], "age");
    assert!(head.contains(&"coef_std_age") && head.contains(&"coef_std_s6"));
    assert_eq!(head.len(), 10 + 2 * 10);
    let col = |name: &str| head.iter().position(|h| *h == name).unwrap();
    let rows: Vec<Vec<&str>> = lines[1..].iter().map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 12);
    assert_eq!(
        rows.iter()
            .filter(|r| r[col("is_alpha_min")] == "true")
            .count(),
        1
    );
    assert_eq!(
        rows.iter()
            .filter(|r| r[col("is_alpha_1se")] == "true")
            .count(),
        1
    );
    // at alpha_max every coefficient is zero, standardized or not
    assert_eq!(rows[0][col("coef_std_bmi")].parse::<f64>().unwrap(), 0.0);
    let last = &rows[11];
    assert!(last[col("coef_std_bmi")].parse::<f64>().unwrap() > 0.0);
    // at alpha_max the intercept is mean(progression); below it, b0 = ybar - mean.w moves
    let b0_max = rows[0][col("intercept")].parse::<f64>().unwrap();
    assert!((b0_max - 152.13348416289594).abs() < 1e-9, "{b0_max}");
    let b0_min = last[col("intercept")].parse::<f64>().unwrap();
    assert!(
        b0_min.is_finite() && (b0_min - b0_max).abs() > 1.0,
        "{b0_min}"
    );
}

// ---- defect 13 ----

#[test]
fn a_folder_as_data_gets_a_proper_message() {
    let dir = Scratch::new();
    let e = one_line_error(&["path", "--data", s(dir.path())]);
    assert!(e.contains("is a folder") && !e.contains("extension"), "{e}");
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_regscope"))
        .args(["cv", "--format", "csv"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // the reader goes away before the first byte is written, like `| head -0`
    drop(child.stdout.take());
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    assert!(err.is_empty(), "{err}");
    assert!(status.success());
}

#[test]
fn table_numbers_have_one_readable_format() {
    let out = run(&["cv", "--format", "table", "--n-alphas", "10"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        !text.contains("e0 ") && !text.contains("e0\n") && !text.contains("0.0e0"),
        "{text}"
    );
    assert!(text.contains("coefficients at alpha_1se = "), "{text}");
}

#[test]
fn config_relative_data_paths_are_shown_normalized() {
    let v = ok_json(&[
        "path",
        "--config",
        "configs/diabetes-lasso-cv.toml",
        "--format",
        "json",
        "--n-alphas",
        "3",
    ]);
    assert_eq!(v["data"], "sample-data/diabetes.csv");
}

#[test]
fn a_duplicated_header_is_noted() {
    let dir = Scratch::new();
    let p = write(dir.path(), "dup.csv", "a,a,y\n1,2,3\n2,1,4\n3,5,2\n4,3,7\n");
    let v = ok_json(&["path", "--data", s(&p), "--target", "y", "--format", "json"]);
    assert!(notes(&v).contains("'a' twice"), "{}", notes(&v));
}

// ---- faults: the data file changes under a session ----

#[test]
fn a_data_file_deleted_or_truncated_after_loading_gives_clear_errors() {
    let dir = Scratch::new();
    let csv = std::fs::read(root().join("sample-data/hitters.csv")).unwrap();
    let p = dir.path().join("h.csv");
    std::fs::write(&p, &csv).unwrap();
    let cfg = dir.path().join("h.toml");
    std::fs::write(&cfg, "[data]\npath = \"h.csv\"\ntarget = \"Salary\"\n").unwrap();
    let exp = Experiment::load(&cfg).unwrap();
    let source = DataSource::for_experiment(&exp, Some(&cfg));
    assert!(source.load_for(&exp).is_ok());
    // cut in the middle of a row: the short last row is missing values, not a crash
    std::fs::write(&p, &csv[..csv.len() / 2 + 7]).unwrap();
    match source.load_for(&exp) {
        Ok(t) => assert!(t.n_rows() < 322),
        Err(e) => assert!(e.to_string().contains("h.csv"), "{e}"),
    }
    // cut inside the header: no data rows
    std::fs::write(&p, &csv[..20]).unwrap();
    let out = run(&["cv", "--config", s(&cfg)]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("h.csv") && !err.contains("panicked"), "{err}");
    std::fs::remove_file(&p).unwrap();
    let e = source.load_for(&exp).unwrap_err().to_string();
    assert!(e.contains("h.csv") && e.contains("not found"), "{e}");
    // a Parquet file cut short names the format
    let pq = dir.path().join("h.parquet");
    std::fs::write(&pq, b"PAR1 this file was cut short").unwrap();
    let e = one_line_error(&["path", "--data", s(&pq)]);
    assert!(e.contains("h.parquet") && e.contains("Parquet"), "{e}");
}
