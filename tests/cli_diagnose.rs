//! `regscope diagnose` run as the real binary: the collinearity report of the samples
//! against published values, aliased columns, the three formats, and the same report
//! from a statistics file as from the data.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn sample(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample-data")
        .join(name)
        .display()
        .to_string()
}

fn regscope(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_regscope"))
        .args(args)
        .output()
        .expect("run regscope");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
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
    let dir: PathBuf =
        std::env::temp_dir().join(format!("regscope-diagnose-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
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
    let _ = std::fs::remove_dir_all(&dir);
}
