//! Every kind of bad input gets one line on stderr that names the file, column, row or key
//! and what to do, a non-zero exit code, and no panic or backtrace.

#![allow(clippy::unwrap_used)] // a test: a failed step fails it

use std::path::{Path, PathBuf};

mod common;
use common::Scratch;

fn diabetes() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data/diabetes.csv")
}

/// Run regscope; assert failure with exit code 1 and one stderr line containing every needle.
fn fails_with(args: &[&str], needles: &[&str]) -> String {
    let out = common::regscope_in(args, None);
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(1), "args {args:?}: stderr {err}");
    assert!(out.stdout.is_empty(), "nothing on stdout on error");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "exactly one line: {err}");
    assert!(lines[0].starts_with("regscope: error: "), "{err}");
    for n in needles {
        assert!(err.contains(n), "stderr {err:?} should mention {n:?}");
    }
    assert!(
        !err.contains("panicked") && !err.contains("backtrace"),
        "{err}"
    );
    err
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn missing_data_file() {
    fails_with(
        &["path", "--data", "/no/such/dir/table.csv", "--target", "y"],
        &["/no/such/dir/table.csv"],
    );
}

#[test]
fn missing_config_file() {
    fails_with(
        &["cv", "--config", "/no/such/exp.toml"],
        &["/no/such/exp.toml"],
    );
}

#[test]
fn unknown_target_and_feature_columns() {
    let d = diabetes();
    fails_with(
        &["path", "--data", s(&d), "--target", "nope"],
        &["nope", "diabetes.csv"],
    );
    fails_with(
        &[
            "path",
            "--data",
            s(&d),
            "--target",
            "progression",
            "--features",
            "bmi,nosuch",
        ],
        &["nosuch"],
    );
}

#[test]
fn non_numeric_target() {
    let t = Scratch::new();
    let f = t.file("cars.csv", "model,mpg,wt\nA,21,2.6\nB,22,2.8\nC,18,3.2\n");
    fails_with(
        &["path", "--data", s(&f), "--target", "model"],
        &["model", "cars.csv"],
    );
}

#[test]
fn no_usable_feature() {
    let t = Scratch::new();
    let f = t.file("ids.csv", "id,y\na,1\nb,2\nc,3\n");
    fails_with(
        &["path", "--data", s(&f), "--target", "y"],
        &["ids.csv", "feature"],
    );
}

#[test]
fn all_rows_dropped() {
    let t = Scratch::new();
    let f = t.file("empty-y.csv", "x,y\n1,NA\n2,NA\n3,NA\n");
    fails_with(
        &["path", "--data", s(&f), "--target", "y"],
        &["empty-y.csv", "y"],
    );
}

#[test]
fn fewer_rows_than_folds() {
    let t = Scratch::new();
    let f = t.file("tiny.csv", "x,y\n1,1\n2,3\n3,2\n4,5\n");
    fails_with(
        &["cv", "--data", s(&f), "--target", "y", "--folds", "10"],
        &["folds", "10", "4 rows"],
    );
}

#[test]
fn bad_fold_column() {
    let t = Scratch::new();
    let f = t.file("f.csv", "x,y,fold\n1,1,0\n2,3,2\n3,2,0\n4,5,2\n");
    fails_with(
        &[
            "cv",
            "--data",
            s(&f),
            "--target",
            "y",
            "--fold-column",
            "fold",
        ],
        &["fold", "no rows"],
    );
}

fn config(t: &Scratch, model: &str, extra: &str) -> PathBuf {
    let data = diabetes();
    t.file(
        "exp.toml",
        format!(
            "[data]\npath = \"{}\"\ntarget = \"progression\"\n\n[model]\n{model}\n{extra}",
            data.display()
        ),
    )
}

#[test]
fn unknown_toml_key_names_key_and_line() {
    let t = Scratch::new();
    let c = config(&t, "kind = \"lasso\"\nalpah = 0.1", "");
    fails_with(
        &["path", "--config", s(&c)],
        &["exp.toml", "line 7", "alpah"],
    );
}

#[test]
fn bad_toml_value_names_key_and_line() {
    let t = Scratch::new();
    let c = config(&t, "kind = \"lasso\"", "\n[path]\nn_alphas = \"ten\"\n");
    fails_with(
        &["path", "--config", s(&c)],
        &["exp.toml", "line 9", "n_alphas"],
    );
}

#[test]
fn negative_alpha_in_config() {
    let t = Scratch::new();
    let c = config(&t, "kind = \"lasso\"\nalpha = -0.5", "");
    fails_with(
        &["path", "--config", s(&c)],
        &["exp.toml", "line 7", "alpha"],
    );
    let c = config(&t, "kind = \"lasso\"", "\n[path]\nalphas = [1.0, -2.0]\n");
    fails_with(&["path", "--config", s(&c)], &["exp.toml", "alphas"]);
}

#[test]
fn l1_ratio_outside_unit_interval() {
    let t = Scratch::new();
    let c = config(&t, "kind = \"elastic-net\"\nl1_ratio = 1.5", "");
    fails_with(
        &["path", "--config", s(&c)],
        &["exp.toml", "line 7", "l1_ratio"],
    );
    fails_with(
        &["path", "--model", "elastic-net", "--l1-ratio", "-0.1"],
        &["--l1-ratio", "between 0"],
    );
    fails_with(
        &["path", "--model", "lasso", "--l1-ratio", "0.5"],
        &["--l1-ratio", "lasso"],
    );
}

#[test]
fn l1_ratio_contradicting_kind_in_config() {
    let t = Scratch::new();
    let c = config(&t, "kind = \"ridge\"\nl1_ratio = 0.5", "");
    fails_with(
        &["path", "--config", s(&c)],
        &["exp.toml", "l1_ratio", "ridge"],
    );
}

#[test]
fn unsupported_extension() {
    let t = Scratch::new();
    let f = t.file("data.xlsx", "x");
    fails_with(
        &["path", "--data", s(&f), "--target", "y"],
        &["data.xlsx", "csv"],
    );
}

#[test]
fn bad_flag_values() {
    fails_with(&["path", "--eps", "2"], &["--eps"]);
    fails_with(&["cv", "--folds", "1"], &["--folds"]);
    fails_with(&["path", "--tol", "0"], &["--tol"]);
}

#[test]
fn usage_errors_exit_2_with_help() {
    let out = common::regscope_in(&["path", "--format", "xml"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--format"));
}

#[test]
fn help_explains_with_examples() {
    for args in [&["--help"][..], &["path", "--help"], &["cv", "--help"]] {
        let out = common::regscope_in(args, None);
        assert!(out.status.success());
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("Example"), "{args:?}: {text}");
        assert!(text.contains("--config") || text.contains("path"), "{text}");
    }
}

#[test]
fn headless_json_on_the_embedded_sample() {
    let out = common::regscope_in(&["cv", "--format", "json"], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["n_samples"], 442);
    assert_eq!(v["features"].as_array().unwrap().len(), 10);
    assert_eq!(v["alphas"].as_array().unwrap().len(), 100);
    assert_eq!(v["mse"].as_array().unwrap().len(), 5);
    assert!(v["alpha_1se"].as_f64().unwrap() >= v["alpha_min"].as_f64().unwrap());
}

#[test]
fn csv_and_table_formats() {
    let out = common::regscope_in(&["path", "--format", "csv", "--n-alphas", "5"], None);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 6);
    assert!(lines[0].starts_with("alpha,intercept,n_nonzero"));
    let out = common::regscope_in(&["cv", "--format", "table", "--n-alphas", "8"], None);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("alpha_min") && text.contains("<- min"),
        "{text}"
    );
}

/// The table_load fuzz target's crasher: a last field that is one lone `"` made polars'
/// CSV parser read out of bounds. It is refused in one line on every route: a small file
/// (read whole), a folder and a glob (streamed).
#[test]
fn a_lone_quote_ending_the_file_is_refused() {
    let dir = Scratch::new();
    let file = dir.0.join("q.tsv");
    std::fs::write(&file, b"gg\tx\t\n\t2\t2\nb\t\"").unwrap();
    fails_with(&["path", "--data", s(&file)], &["q.tsv", "quote"]);
    let csvs = dir.0.join("parts");
    std::fs::create_dir_all(&csvs).unwrap();
    std::fs::write(csvs.join("a.csv"), b"x,y\n1,2\n3,5\n").unwrap();
    std::fs::write(csvs.join("b.csv"), b"x,y\n4,6\n5,\"").unwrap();
    fails_with(&["path", "--data", s(&csvs)], &["b.csv", "quote"]);
    let glob = format!("{}/*.csv", s(&csvs));
    fails_with(&["cv", "--data", &glob], &["b.csv", "quote"]);
}
