//! `regscope plot` run as the real binary on the sample configs: the chart files appear
//! in the folder, the SVGs parse, the PNGs decode to their stated size; bad output
//! folders are one-line errors.

#![allow(clippy::unwrap_used)] // a test: a failed step fails it

mod common;
use common::Scratch;

use std::path::Path;
use std::process::Output;

use resvg::tiny_skia::Pixmap;
use resvg::usvg::roxmltree;

fn config(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("configs")
        .join(name)
        .display()
        .to_string()
}

fn regscope(args: &[&str]) -> Output {
    common::regscope_in(args, None)
}

/// `regscope args` that must succeed.
fn regscope_ok(args: &[&str]) -> Output {
    common::regscope_ok_in(args, None)
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn plot_writes_three_svgs_and_three_pngs() {
    let tmp = Scratch::new();
    let out_dir = tmp.0.join("charts");
    let out = regscope(&[
        "plot",
        "--config",
        &config("diabetes-lasso-cv.toml"),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(
        names_in(&out_dir),
        [
            "coefficients.png",
            "coefficients.svg",
            "cv.png",
            "cv.svg",
            "path.png",
            "path.svg"
        ]
    );
    // stdout lists the files written
    let listed = String::from_utf8_lossy(&out.stdout);
    assert_eq!(listed.lines().count(), 6);
    assert!(listed.lines().all(|l| Path::new(l).is_file()), "{listed}");

    for name in ["coefficients", "path", "cv"] {
        let svg = std::fs::read_to_string(out_dir.join(format!("{name}.svg"))).unwrap();
        let doc = roxmltree::Document::parse(&svg).expect("valid XML");
        let root = doc.root_element();
        let w: u32 = root.attribute("width").unwrap().parse().unwrap();
        let h: u32 = root.attribute("height").unwrap().parse().unwrap();
        assert!(w >= 1200 && h >= 700, "{name}: {w}x{h}");
        let texts: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.text())
            .collect();
        if name != "cv" {
            assert!(
                texts.contains(&"bmi") && texts.contains(&"s5"),
                "{name}: {texts:?}"
            );
        }
        let png = Pixmap::load_png(out_dir.join(format!("{name}.png"))).expect("PNG decodes");
        assert_eq!((png.width(), png.height()), (w, h), "{name}");
    }
}

#[test]
fn plot_svg_only_for_the_other_samples() {
    for cfg in [
        "hitters-enet.toml",
        "longley-ridge.toml",
        "mtcars-enet.toml",
    ] {
        let tmp = Scratch::new();
        let out = regscope(&[
            "plot",
            "--config",
            &config(cfg),
            "--out",
            tmp.0.to_str().unwrap(),
            "--format",
            "svg",
        ]);
        assert!(
            out.status.success(),
            "{cfg}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            names_in(&tmp.0),
            ["coefficients.svg", "cv.svg", "path.svg"],
            "{cfg}"
        );
    }
}

#[test]
fn an_output_path_that_is_a_file_is_a_one_line_error() {
    let tmp = Scratch::new();
    let file = tmp.0.join("taken");
    std::fs::write(&file, "x").unwrap();
    let out = regscope(&["plot", "--out", file.to_str().unwrap(), "--format", "png"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("--out") && err.contains("taken") && err.contains("folder"),
        "{err}"
    );
    assert!(!err.contains("panicked"));
}

#[test]
fn plot_needs_an_output_folder() {
    let out = regscope(&["plot", "--config", &config("diabetes-lasso-cv.toml")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--out"));
}

/// The charts of `plot --stats` come from the statistics alone: the same files, names and
/// numbers as `plot --data` on the same table and folds.
#[test]
fn plot_from_a_statistics_file_matches_plot_from_the_data() {
    let tmp = Scratch::new();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data/hitters.csv");
    let stats = tmp.0.join("hitters.stats.arrow");
    let common = ["--target", "Salary", "--folds", "5", "--seed", "3"];
    let mut args = vec!["stats", "--data", data.to_str().unwrap(), "--out"];
    args.push(stats.to_str().unwrap());
    args.extend(common);
    regscope_ok(&args);

    let from_data = tmp.0.join("data");
    let mut args = vec![
        "plot",
        "--data",
        data.to_str().unwrap(),
        "-f",
        "svg",
        "--out",
    ];
    args.push(from_data.to_str().unwrap());
    args.extend(common);
    regscope_ok(&args);

    let from_stats = tmp.0.join("stats");
    regscope_ok(&[
        "plot",
        "--stats",
        stats.to_str().unwrap(),
        "-f",
        "svg",
        "--out",
        from_stats.to_str().unwrap(),
    ]);
    for name in ["coefficients.svg", "path.svg", "cv.svg"] {
        let a = std::fs::read_to_string(from_data.join(name)).unwrap();
        let b = std::fs::read_to_string(from_stats.join(name)).unwrap();
        let text = |s: &str| -> Vec<String> {
            roxmltree::Document::parse(s)
                .unwrap()
                .descendants()
                .filter(|n| n.has_tag_name("text"))
                .filter_map(|n| n.text().map(str::to_string))
                .collect()
        };
        // labels, tick values, counts and markers agree (coordinates may differ in the
        // last digits)
        assert_eq!(text(&a), text(&b), "{name}");
        if name != "cv.svg" {
            assert!(text(&b).iter().any(|t| t == "Hits"), "{name}");
        }
    }
}

/// A config's own alpha (off the grid) is the alpha of the coefficient chart.
#[test]
fn a_configs_alpha_is_the_coefficient_charts_alpha() {
    let tmp = Scratch::new();
    let cfg = tmp.0.join("at.toml");
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data/mtcars.csv");
    std::fs::write(
        &cfg,
        format!(
            "[data]\npath = {:?}\ntarget = \"mpg\"\n\n[model]\nkind = \"lasso\"\nalpha = 0.4321\n",
            data.display().to_string()
        ),
    )
    .unwrap();
    let out_dir = tmp.0.join("charts");
    regscope_ok(&[
        "plot",
        "--config",
        cfg.to_str().unwrap(),
        "-f",
        "svg",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    let svg = std::fs::read_to_string(out_dir.join("coefficients.svg")).unwrap();
    assert!(svg.contains("0.4321"), "the chart names its alpha");
}
