//! The insight commands run as the real binary. `regscope diagnose`: the collinearity
//! report of the samples against published values, aliased columns, the three formats,
//! and the same report from a statistics file as from the data. `regscope compare`:
//! every entry equals what `regscope cv` gives for that model, from data and from
//! statistics.

#![allow(clippy::unwrap_used)] // a test: a failed step fails it

mod common;

use std::path::Path;

use serde_json::Value;

fn sample(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample-data")
        .join(name)
        .display()
        .to_string()
}

fn regscope(args: &[&str]) -> String {
    String::from_utf8(common::regscope_ok_in(args, None).stdout).unwrap()
}

fn json(args: &[&str]) -> Value {
    serde_json::from_str(&regscope(args)).unwrap()
}

fn vif_of(v: &Value, feature: &str) -> Value {
    let names = v["features"].as_array().unwrap();
    let at = names.iter().position(|n| n == feature).unwrap();
    v["vif"][at].clone()
}

#[test]
fn diabetes_vifs_are_the_published_ones() {
    // statsmodels' variance_inflation_factor / R's car::vif on the diabetes data
    let v = json(&["diagnose", "--format", "json"]);
    for (f, want) in [
        ("age", 1.217),
        ("sex", 1.278),
        ("bmi", 1.509),
        ("bp", 1.459),
        ("s1", 59.20),
        ("s2", 39.19),
        ("s3", 15.40),
        ("s4", 8.891),
        ("s5", 10.08),
        ("s6", 1.485),
    ] {
        let got = vif_of(&v, f).as_f64().unwrap();
        assert!((got - want).abs() <= 5e-4 * want, "{f}: {got} vs {want}");
    }
    assert_eq!(v["n_samples"], 442);
    let cond = v["condition_number"].as_f64().unwrap();
    let eig: Vec<f64> = v["eigenvalues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_f64().unwrap())
        .collect();
    assert_eq!(eig.len(), 10);
    assert!((cond - (eig[0] / eig[9]).sqrt()).abs() <= 1e-12 * cond);
    assert!((eig.iter().sum::<f64>() - 10.0).abs() < 1e-9, "trace of R");
    let r = &v["correlation"];
    assert_eq!(r.as_array().unwrap().len(), 10);
    assert_eq!(r[0][0], 1.0);
    let top = &v["top_pairs"][0];
    assert_eq!(
        (top["a"].as_str(), top["b"].as_str()),
        (Some("s1"), Some("s2"))
    );
    assert!((top["r"].as_f64().unwrap() - 0.8967).abs() < 1e-3);
    assert_eq!(v["warnings"].as_array().unwrap().len(), 0);
}

#[test]
fn an_aliased_column_is_null_and_named_and_the_others_are_longleys() {
    // longley's rownames is Year - 1946: Year is aliased
    let v = json(&[
        "diagnose",
        "--data",
        &sample("longley.csv"),
        "--target",
        "Employed",
        "--format",
        "json",
    ]);
    assert_eq!(vif_of(&v, "Year"), Value::Null);
    assert_eq!(v["condition_number"], Value::Null);
    let warnings = v["warnings"].to_string();
    assert!(
        warnings.contains("aliased") && warnings.contains("Year"),
        "{warnings}"
    );
    // the textbook Longley VIFs (rownames plays Year's part)
    for (f, want) in [
        ("GNP.deflator", 135.53),
        ("GNP", 1788.51),
        ("Unemployed", 33.62),
        ("Armed.Forces", 3.589),
        ("Population", 399.15),
        ("rownames", 758.98),
    ] {
        let got = vif_of(&v, f).as_f64().unwrap();
        assert!((got - want).abs() <= 5e-4 * want, "{f}: {got} vs {want}");
    }
    let table = regscope(&[
        "diagnose",
        "--data",
        &sample("longley.csv"),
        "--target",
        "Employed",
    ]);
    assert!(table.contains("infinite (aliased features)"), "{table}");
    assert!(
        table.contains("aliased") && table.contains("high (> 10)"),
        "{table}"
    );
}

#[test]
fn csv_has_a_row_per_feature_with_its_vif_and_correlations() {
    let csv = regscope(&["diagnose", "--format", "csv"]);
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(header[..3], ["feature", "vif", "age"]);
    assert_eq!(header.len(), 12);
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 10);
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r.len(), 12);
        assert_eq!(r[2 + i].parse::<f64>().unwrap(), 1.0);
    }
    assert_eq!(rows[4][0], "s1");
    assert!((rows[4][1].parse::<f64>().unwrap() - 59.20).abs() < 0.01);
}

#[test]
fn a_statistics_file_gives_the_same_diagnosis_as_the_data() {
    let scratch = common::Scratch::tagged("diagnose");
    let dir = scratch.0.clone();
    let stats = dir.join("h.stats.arrow");
    let data = sample("hitters.csv");
    regscope(&[
        "stats",
        "--data",
        &data,
        "--target",
        "Salary",
        "--out",
        stats.to_str().unwrap(),
    ]);
    let from_data = json(&[
        "diagnose", "--data", &data, "--target", "Salary", "--format", "json",
    ]);
    let from_stats = json(&[
        "diagnose",
        "--stats",
        stats.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(from_data["features"], from_stats["features"]);
    assert_eq!(from_data["n_samples"], from_stats["n_samples"]);
    let flat = |v: &Value| -> Vec<f64> {
        let mut out = Vec::new();
        for key in ["vif", "eigenvalues", "condition_number"] {
            match &v[key] {
                Value::Array(a) => out.extend(a.iter().filter_map(Value::as_f64)),
                x => out.extend(x.as_f64()),
            }
        }
        for row in v["correlation"].as_array().unwrap() {
            out.extend(row.as_array().unwrap().iter().filter_map(Value::as_f64));
        }
        out
    };
    let (a, b) = (flat(&from_data), flat(&from_stats));
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert!((x - y).abs() <= 1e-9 * x.abs().max(1.0), "{x} vs {y}");
    }
}

fn fails(args: &[&str]) -> String {
    common::regscope_fails(args)
}

/// Each `compare` entry against `cv` for the same model, on the same data or statistics.
fn compare_equals_cv(source: &[&str]) {
    let mut args = vec!["compare", "--l1-ratios", "0,0.5,1", "--format", "json"];
    args.extend_from_slice(source);
    let cmp = json(&args);
    let models = cmp["models"].as_array().unwrap();
    assert_eq!(models.len(), 3);
    let mut best = (f64::INFINITY, 0);
    for (i, (m, model)) in models
        .iter()
        .zip([
            vec!["--model", "ridge"],
            vec!["--model", "elastic-net", "--l1-ratio", "0.5"],
            vec!["--model", "lasso"],
        ])
        .enumerate()
    {
        let mut args = vec!["cv", "--format", "json"];
        args.extend_from_slice(&model);
        args.extend_from_slice(source);
        let cv = json(&args);
        let (imin, i1se) = (
            cv["alpha_min_index"].as_u64().unwrap() as usize,
            cv["alpha_1se_index"].as_u64().unwrap() as usize,
        );
        assert_eq!(m["kind"], cv["model"], "{source:?}");
        assert_eq!(m["l1_ratio"], cv["l1_ratio"]);
        assert_eq!(m["alpha_min"], cv["alpha_min"]);
        assert_eq!(m["alpha_1se"], cv["alpha_1se"]);
        assert_eq!(m["cv_min"], cv["cv_mean"][imin]);
        assert_eq!(m["cv_se_min"], cv["cv_se"][imin]);
        assert_eq!(m["cv_1se"], cv["cv_mean"][i1se]);
        assert_eq!(m["nonzero_min"], cv["n_nonzero"][imin]);
        assert_eq!(m["nonzero_1se"], cv["n_nonzero"][i1se]);
        let m_alphas = cv["alphas"].as_array().unwrap().len();
        assert_eq!(m["edge_min"], imin == 0 || imin == m_alphas - 1);
        let v = m["cv_min"].as_f64().unwrap();
        if v < best.0 {
            best = (v, i);
        }
    }
    assert_eq!(cmp["best"]["index"], best.1);
    assert_eq!(cmp["folds"], 5);
}

#[test]
fn compare_entries_are_what_cv_gives() {
    compare_equals_cv(&[]);
    compare_equals_cv(&["--data", &sample("mtcars.csv"), "--target", "mpg"]);
}

#[test]
fn compare_from_statistics_reads_them_once_and_equals_cv() {
    let scratch = common::Scratch::tagged("compare");
    let dir = scratch.0.clone();
    let stats = dir.join("h.stats.arrow");
    regscope(&[
        "stats",
        "--data",
        &sample("hitters.csv"),
        "--target",
        "Salary",
        "--out",
        stats.to_str().unwrap(),
    ]);
    compare_equals_cv(&["--stats", stats.to_str().unwrap()]);
}

#[test]
fn compare_refuses_a_single_model_and_bad_mixes() {
    let e = fails(&["compare", "--model", "lasso"]);
    assert!(e.contains("--l1-ratios"), "{e}");
    let e = fails(&["compare", "--l1-ratios", "0,1.5"]);
    assert!(e.contains("1.5") && e.contains("[0, 1]"), "{e}");
    let table = regscope(&["compare", "--l1-ratios", "0,1"]);
    assert!(
        table.contains("ridge") && table.contains("lasso") && table.contains("lowest CV error"),
        "{table}"
    );
    let csv = regscope(&["compare", "--l1-ratios", "0,1", "--format", "csv"]);
    assert_eq!(csv.lines().count(), 3);
    assert!(csv.starts_with("kind,l1_ratio,alpha_min,cv_min,"));
}

#[test]
fn stability_selects_the_stable_diabetes_features_with_its_bound() {
    let v = json(&["stability", "--format", "json"]);
    assert_eq!(v["selected"], serde_json::json!(["bmi", "s5"]));
    assert_eq!(v["subsamples"], 100);
    assert_eq!(v["complementary_pairs"], true);
    let (m, p) = (
        v["alphas"].as_array().unwrap().len(),
        v["features"].as_array().unwrap().len(),
    );
    let prob = v["probability"].as_array().unwrap();
    assert_eq!(prob.len(), m);
    assert!(prob.iter().all(|r| r.as_array().unwrap().len() == p));
    // the bound: q^2 / ((2 pi - 1) p), at most the tolerated pfer (1)
    let q = v["q"].as_f64().unwrap();
    let bound = v["expected_false_selections_bound"].as_f64().unwrap();
    assert!((bound - q * q / (0.5 * p as f64)).abs() < 1e-12);
    assert!(bound <= 1.0);
    // the same seed gives the same subsamples, another seed other ones
    assert_eq!(json(&["stability", "--format", "json"]), v);
    let other = json(&["stability", "--seed", "3", "--format", "json"]);
    assert_ne!(other["probability"], v["probability"]);
    let table = regscope(&["stability", "--bootstrap", "10"]);
    assert!(
        table.contains("20 subsample fits")
            && table.contains("selected at threshold 0.75: bmi, s5"),
        "{table}"
    );
}

#[test]
fn stability_refuses_what_it_cannot_do() {
    let e = fails(&["stability", "--model", "ridge"]);
    assert!(e.contains("lasso or elastic-net"), "{e}");
    let e = fails(&["stability", "--threshold", "0.5"]);
    assert!(e.contains("(0.5, 1]"), "{e}");
    let e = fails(&["stability", "--sample-fraction", "1"]);
    assert!(e.contains("between 0 and 1"), "{e}");
    let scratch = common::Scratch::tagged("stability");
    let dir = scratch.0.clone();
    // statistics with an odd number of folds cannot be halved
    let five = dir.join("five.stats.arrow");
    regscope(&["stats", "--out", five.to_str().unwrap()]);
    let e = fails(&["stability", "--stats", five.to_str().unwrap()]);
    assert!(e.contains("even number of folds") && e.contains("5"), "{e}");
    let tiny = dir.join("tiny.csv");
    std::fs::write(&tiny, "a,b,y\n1,2,3\n2,1,4\n3,5,1\n").unwrap();
    let e = fails(&[
        "stability",
        "--data",
        tiny.to_str().unwrap(),
        "--target",
        "y",
    ]);
    assert!(e.contains("3 rows give subsamples of 1"), "{e}");
    // a table with no non-constant feature: diagnose says so
    let flat = dir.join("flat.csv");
    std::fs::write(&flat, "a,y\n1,3\n1,4\n1,1\n").unwrap();
    let t = regscope(&[
        "diagnose",
        "--data",
        flat.to_str().unwrap(),
        "--target",
        "y",
    ]);
    assert!(t.contains("no non-constant feature"), "{t}");
}

/// From a statistics file (10 folds) the subsamples are halves of the folds: the same
/// shape of report, and on diabetes the same selection as the rows' half-samples.
#[test]
fn stability_from_statistics_halves_the_folds() {
    let scratch = common::Scratch::tagged("stability-stats");
    let ten = scratch.0.join("ten.stats.arrow");
    regscope(&["stats", "--out", ten.to_str().unwrap(), "--folds", "10"]);
    let from_stats = json(&[
        "stability",
        "--stats",
        ten.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let from_rows = json(&["stability", "--folds", "10", "--format", "json"]);
    assert_eq!(from_stats["subsamples"], 100);
    assert_eq!(from_stats["complementary_pairs"], true);
    assert_eq!(from_stats["n_samples"], 442);
    // the full data's grid, from the statistics instead of the rows
    for (a, b) in from_stats["alphas"]
        .as_array()
        .unwrap()
        .iter()
        .zip(from_rows["alphas"].as_array().unwrap())
    {
        let (a, b) = (a.as_f64().unwrap(), b.as_f64().unwrap());
        assert!((a - b).abs() <= 1e-12 * b, "{a} vs {b}");
    }
    assert_eq!(from_stats["selected"], from_rows["selected"]);
    let probability = from_stats["probability"].as_array().unwrap();
    assert_eq!(probability.len(), 100);
    for row in probability {
        for v in row.as_array().unwrap() {
            let v = v.as_f64().unwrap();
            // a fraction of 100 fits
            assert!((0.0..=1.0).contains(&v) && ((v * 100.0).round() - v * 100.0).abs() < 1e-9);
        }
    }
    let e = fails(&[
        "stability",
        "--stats",
        ten.to_str().unwrap(),
        "--sample-fraction",
        "0.6",
    ]);
    assert!(e.contains("halves of the folds"), "{e}");
}
