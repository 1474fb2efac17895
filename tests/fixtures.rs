//! The reference fixtures (tests/fixtures, an independent reference set): run the
//! real binary on every case and compare with the expected output at the tolerances of
//! tests/fixtures/README.md (the same as check.py).

#![allow(clippy::unwrap_used)] // a test: a failed step fails it

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// `err <= tol`, false for NaN (so a NaN never passes).
fn within(err: f64, tol: f64) -> bool {
    err <= tol
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn nums(v: &Value, key: &str) -> Vec<f64> {
    v[key]
        .as_array()
        .unwrap_or_else(|| panic!("'{key}' is not an array"))
        .iter()
        .map(|x| x.as_f64().unwrap_or(f64::NAN))
        .collect()
}

fn matrix(v: &Value, key: &str) -> Vec<Vec<f64>> {
    v[key]
        .as_array()
        .unwrap_or_else(|| panic!("'{key}' is not an array"))
        .iter()
        .map(|row| {
            row.as_array()
                .expect("row")
                .iter()
                .map(|x| x.as_f64().unwrap_or(f64::NAN))
                .collect()
        })
        .collect()
}

/// Compare one case; returns the list of failures (empty = pass).
fn check_case(name: &str) -> Vec<String> {
    let dir = fixtures();
    let exp: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join(format!("{name}.expected.json"))).unwrap(),
    )
    .unwrap();
    let command = exp["command"].as_str().unwrap_or("path");
    let out = Command::new(env!("CARGO_BIN_EXE_regscope"))
        .args([command, "--config"])
        .arg(dir.join(format!("{name}.toml")))
        .args(["--format", "json"])
        .current_dir(&dir)
        .output()
        .expect("run regscope");
    assert!(
        out.status.success(),
        "{name}: exit {:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let got: Value = serde_json::from_slice(&out.stdout).expect("stdout is one JSON object");
    let mut fails = Vec::new();
    let mut keys = vec![
        "model",
        "alpha_grid_source",
        "l1_ratio",
        "standardize",
        "fit_intercept",
        "n_samples",
        "features",
        "alphas",
        "coef",
        "coef_std",
        "intercept",
        "n_nonzero",
        "rel_gap",
        "n_iter",
        "warnings",
        "timings_ms",
    ];
    if command == "cv" {
        keys.extend([
            "folds",
            "fold_ids",
            "mse",
            "train_mse",
            "cv_mean",
            "cv_se",
            "alpha_min",
            "alpha_1se",
        ]);
    }
    for k in keys {
        if got.get(k).is_none() {
            fails.push(format!("missing key {k}"));
        }
    }
    for k in ["load", "prepare", "fit"]
        .into_iter()
        .chain((command == "cv").then_some("cv"))
    {
        if !got["timings_ms"][k].is_number() {
            fails.push(format!("timings_ms.{k} missing"));
        }
    }
    if !fails.is_empty() {
        return fails;
    }
    for k in ["n_samples", "standardize", "fit_intercept"] {
        if got[k] != exp[k] {
            fails.push(format!("{k}: got {} expected {}", got[k], exp[k]));
        }
    }
    if let Some(want) = exp["l1_ratio"].as_f64()
        && !(got["l1_ratio"]
            .as_f64()
            .is_some_and(|g| (g - want).abs() <= 1e-12))
    {
        fails.push(format!(
            "l1_ratio: got {}, expected {want}",
            got["l1_ratio"]
        ));
    }
    // columns matched by name
    let names: Vec<&str> = exp["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    let out_names: Vec<&str> = got["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    let mut sorted_a = names.clone();
    let mut sorted_b = out_names.clone();
    sorted_a.sort_unstable();
    sorted_b.sort_unstable();
    if sorted_a != sorted_b {
        return vec![format!("features differ: {out_names:?} vs {names:?}")];
    }
    let perm: Vec<usize> = names
        .iter()
        .map(|n| out_names.iter().position(|o| o == n).unwrap())
        .collect();
    let (ea, ga) = (nums(&exp, "alphas"), nums(&got, "alphas"));
    if ea.len() != ga.len() {
        return vec![format!("{} alphas, expected {}", ga.len(), ea.len())];
    }
    for (i, (a, b)) in ga.iter().zip(&ea).enumerate() {
        if (a - b).abs() > 1e-9 * b.abs() + 1e-300 {
            fails.push(format!("alphas[{i}]: {a} vs {b}"));
        }
    }
    for key in ["coef", "coef_std"] {
        let (em, gm) = (matrix(&exp, key), matrix(&got, key));
        for i in 0..em.len() {
            let tol = 1e-5 * (1.0 + em[i].iter().fold(0.0f64, |m, v| m.max(v.abs())));
            for (j, &want) in em[i].iter().enumerate() {
                let g = gm[i][perm[j]];
                if !within((g - want).abs(), tol) {
                    fails.push(format!(
                        "{key}[{i}][{}]: {g} vs {want} (tol {tol:.2e})",
                        names[j]
                    ));
                }
            }
        }
    }
    let (ei, gi, itol) = (
        nums(&exp, "intercept"),
        nums(&got, "intercept"),
        nums(&exp, "intercept_tol"),
    );
    for i in 0..ei.len() {
        if !within((gi[i] - ei[i]).abs(), itol[i]) {
            fails.push(format!("intercept[{i}]: {} vs {}", gi[i], ei[i]));
        }
    }
    let (lo, hi, gn) = (
        nums(&exp, "n_nonzero_min"),
        nums(&exp, "n_nonzero_max"),
        nums(&got, "n_nonzero"),
    );
    for i in 0..lo.len() {
        if !(lo[i] <= gn[i] && gn[i] <= hi[i]) {
            fails.push(format!(
                "n_nonzero[{i}]: {} not in [{}, {}]",
                gn[i], lo[i], hi[i]
            ));
        }
    }
    if command == "cv" {
        if got["folds"] != exp["folds"] || got["fold_ids"] != exp["fold_ids"] {
            fails.push("folds or fold_ids differ".into());
        }
        for key in ["mse", "train_mse"] {
            let (em, gm) = (matrix(&exp, key), matrix(&got, key));
            for (k, (er, gr)) in em.iter().zip(&gm).enumerate() {
                for (i, (e, g)) in er.iter().zip(gr).enumerate() {
                    if !within((g - e).abs(), 1e-6 * e.abs()) {
                        fails.push(format!("{key}[{k}][{i}]: {g} vs {e}"));
                    }
                }
            }
        }
        for key in ["cv_mean", "cv_se"] {
            for (i, (g, e)) in nums(&got, key).iter().zip(nums(&exp, key)).enumerate() {
                if !within((g - e).abs(), 1e-6 * e.abs()) {
                    fails.push(format!("{key}[{i}]: {g} vs {e}"));
                }
            }
        }
        for key in ["alpha_min", "alpha_1se"] {
            let want = exp[format!("{key}_index")].as_u64().unwrap() as usize;
            let g = got[key].as_f64().unwrap();
            if (g - ea[want]).abs() > 1e-9 * ea[want].abs() {
                fails.push(format!(
                    "{key}: {g}, expected grid index {want} ({})",
                    ea[want]
                ));
            }
        }
    }
    fails
}

#[test]
fn every_reference_fixture_matches() {
    let mut names: Vec<String> = std::fs::read_dir(fixtures())
        .unwrap()
        .filter_map(|e| {
            let n = e.ok()?.file_name().into_string().ok()?;
            n.strip_suffix(".expected.json").map(String::from)
        })
        .collect();
    names.sort();
    assert!(names.len() >= 13, "fixtures missing: {names:?}");
    let mut report = Vec::new();
    for name in &names {
        let fails = check_case(name);
        if !fails.is_empty() {
            report.push(format!(
                "{name}: {} failures, first: {}",
                fails.len(),
                fails[0]
            ));
        }
    }
    assert!(
        report.is_empty(),
        "fixture failures:\n{}",
        report.join("\n")
    );
}
