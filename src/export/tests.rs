//! Charts of a real fit (the embedded diabetes sample) and of broken or degenerate
//! results: valid XML with the names and axis labels, PNGs of the stated size whose
//! curve colours cover a plausible area, and no panic on NaN, inf or flat data.

use ndarray::Array2;
use resvg::tiny_skia::Pixmap;
use resvg::usvg::roxmltree;

use super::*;
use crate::config::Experiment;
use crate::data::embedded_diabetes;
use crate::solver::{Control, GridSource, cross_validate, fit_path};
use crate::workflow::{EMBEDDED_NAME, setup};

struct Fit {
    path: PathResult,
    cv: Option<CvResult>,
    features: Vec<String>,
}

fn diabetes(kind: &str, with_cv: bool) -> Fit {
    let mut exp = Experiment::default_for(EMBEDDED_NAME, "progression");
    exp.model.kind = ModelKind::from_name(kind).unwrap();
    exp.path.n_alphas = 40;
    let s = setup(embedded_diabetes(), &exp).unwrap();
    let path = fit_path(&s.prep, &s.settings, &Control::none()).unwrap();
    let cv = with_cv.then(|| {
        cross_validate(
            &s.prep,
            &s.fold_ids,
            s.k,
            &s.settings,
            &path.alphas,
            &Control::none(),
        )
        .unwrap()
    });
    Fit {
        path,
        cv,
        features: s.features,
    }
}

fn input<'a>(f: &'a Fit, row: usize) -> ChartInput<'a> {
    ChartInput {
        path: &f.path,
        cv: f.cv.as_ref(),
        features: &f.features,
        source: "sample-data/diabetes.csv",
        target: "progression",
        standardize: true,
        coefs: CoefRow::at(&f.path, row).unwrap(),
        cursor: None,
    }
}

/// Every text node of an SVG, after checking it parses as XML.
fn texts(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).expect("the SVG is well-formed XML");
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text().map(str::to_string))
        .collect()
}

fn find<'a>(charts: &'a [Chart], name: &str) -> &'a Chart {
    charts.iter().find(|c| c.name == name).unwrap()
}

/// Pixels within a small distance of an #rrggbb colour.
fn pixels_near(png: &Pixmap, hex: &str) -> usize {
    let c = |k: usize| u8::from_str_radix(&hex[1 + 2 * k..3 + 2 * k], 16).unwrap() as i32;
    let (r, g, b) = (c(0), c(1), c(2));
    png.pixels()
        .iter()
        .filter(|p| {
            let p = p.demultiply();
            (p.red() as i32 - r).abs() + (p.green() as i32 - g).abs() + (p.blue() as i32 - b).abs()
                < 40
        })
        .count()
}

fn decode(chart: &Chart) -> Pixmap {
    let bytes = render_png(chart).unwrap();
    Pixmap::decode_png(&bytes).expect("the PNG decodes")
}

#[test]
fn svgs_parse_and_hold_the_feature_names_and_axis_labels() {
    let f = diabetes("lasso", true);
    let inp = input(&f, 25);
    let charts = charts(&inp);
    let names: Vec<&str> = charts.iter().map(|c| c.name).collect();
    assert_eq!(names, ["coefficients", "path", "cv"]);

    let coef = texts(&find(&charts, "coefficients").svg);
    for feat in &f.features {
        assert!(coef.contains(feat), "coefficients chart lacks {feat}");
    }
    assert!(coef.iter().any(|t| t.contains("standardized scale")));
    assert!(coef.iter().any(|t| t.contains("original scale")));

    let path = texts(&find(&charts, "path").svg);
    // the lasso keeps every diabetes feature at the smallest alpha: all labelled
    for feat in &f.features {
        assert!(path.contains(feat), "path chart lacks {feat}");
    }
    assert!(path.iter().any(|t| t.starts_with("alpha (log scale")));
    assert!(path.iter().any(|t| t == "coefficient (standardized scale)"));
    assert!(path.iter().any(|t| t == "nonzero coefficients"));
    assert!(path.iter().any(|t| t.starts_with("alpha_min ")));
    assert!(path.iter().any(|t| t.starts_with("alpha_1se ")));

    let cv = texts(&find(&charts, "cv").svg);
    assert!(cv.iter().any(|t| t == "mean squared error"));
    assert!(cv.iter().any(|t| t.starts_with("alpha (log scale")));
    assert!(cv.iter().any(|t| t == "5-fold cross-validation"));
}

#[test]
fn pngs_have_the_stated_size_and_visible_curves() {
    let f = diabetes("lasso", true);
    let inp = input(&f, 25);
    let charts = charts(&inp);
    for c in &charts {
        assert!(
            c.width >= 1200 && c.height >= 700,
            "{} is {}x{}",
            c.name,
            c.width,
            c.height
        );
        let png = decode(c);
        assert_eq!(
            (png.width(), png.height()),
            (c.width, c.height),
            "{}",
            c.name
        );
    }
    let area = |c: &Chart| (c.width * c.height) as usize;

    // the cv chart: the red CV curve with its dots and the blue training curve
    let cv = find(&charts, "cv");
    let png = decode(cv);
    let red = pixels_near(&png, style::CV);
    let blue = pixels_near(&png, style::TRAIN);
    assert!(red > area(cv) / 2000, "CV curve covers {red} px");
    assert!(blue > area(cv) / 2000, "training curve covers {blue} px");
    assert!(red < area(cv) / 10 && blue < area(cv) / 10);

    // the path chart: ten coloured lines
    let path = find(&charts, "path");
    let png = decode(path);
    let coloured: usize = style::PALETTE[..f.features.len().min(12)]
        .iter()
        .map(|c| pixels_near(&png, c))
        .sum();
    assert!(
        coloured > area(path) / 300,
        "path lines cover {coloured} px"
    );

    // the coefficient chart: bars of both signs
    let coef = find(&charts, "coefficients");
    let png = decode(coef);
    let pos = pixels_near(&png, style::POSITIVE);
    let neg = pixels_near(&png, style::NEGATIVE);
    assert!(
        pos > area(coef) / 500 && neg > area(coef) / 500,
        "bars {pos} / {neg} px"
    );
}

#[test]
fn an_ols_fit_draws_notices_not_curves() {
    let f = diabetes("ols", true);
    let inp = input(&f, 0);
    let charts = charts(&inp);
    assert_eq!(charts.len(), 3);
    let path = texts(&find(&charts, "path").svg);
    assert!(path.iter().any(|t| t.contains("no positive alpha")));
    let cv = find(&charts, "cv");
    assert!(
        texts(&cv.svg)
            .iter()
            .any(|t| t.contains("single fit at alpha = 0"))
    );
    // the pixel check fails on a chart with no curve, so it can tell one from a blank chart
    let png = decode(cv);
    assert_eq!(pixels_near(&png, style::CV), 0);
    assert_eq!(pixels_near(&png, style::TRAIN), 0);
    // the coefficients still show
    let coef = texts(&find(&charts, "coefficients").svg);
    assert!(coef.iter().any(|t| t == "bmi"));
}

#[test]
fn without_cv_there_is_no_cv_chart_and_no_markers() {
    let f = diabetes("ridge", false);
    let inp = input(&f, 10);
    let charts = charts(&inp);
    let names: Vec<&str> = charts.iter().map(|c| c.name).collect();
    assert_eq!(names, ["coefficients", "path"]);
    let path = texts(&charts[1].svg);
    assert!(!path.iter().any(|t| t.starts_with("alpha_min")));
}

/// A hand-made result with NaN, inf, a constant feature and a flat CV curve.
fn broken() -> Fit {
    let m = 4;
    let mut coef = Array2::<f64>::zeros((m, 3));
    coef[(0, 0)] = f64::NAN;
    coef[(1, 0)] = f64::INFINITY;
    coef[(2, 1)] = -2.0;
    coef[(3, 1)] = -3.0;
    let path = PathResult {
        kind: ModelKind::Lasso,
        l1_ratio: 1.0,
        grid_source: GridSource::Explicit,
        alphas: vec![f64::INFINITY, 1.0, 0.5, 0.0],
        coef_std: coef.clone(),
        coef,
        intercept: vec![1.0, f64::NAN, 1.0, 1.0],
        n_nonzero: vec![0, 1, 1, 1],
        rel_gap: vec![0.0; m],
        n_iter: vec![0; m],
        train_mse: vec![1.0; m],
        r2: vec![0.0; m],
        constant: vec![false, false, true],
        warnings: vec![],
    };
    let cv = CvResult {
        folds: 2,
        fold_ids: vec![0, 1],
        mse: Array2::from_elem((2, m), 3.0),
        train_mse: Array2::from_elem((2, m), f64::NAN),
        cv_mean: vec![3.0, 3.0, f64::INFINITY, 3.0],
        cv_se: vec![0.0, f64::NAN, 0.0, 0.0],
        index_min: 1,
        index_1se: 1,
        alpha_min: 1.0,
        alpha_1se: 1.0,
        warnings: vec![],
        selection_frequency: Array2::zeros((m, 3)),
    };
    Fit {
        path,
        cv: Some(cv),
        features: vec!["a<&>".into(), "b".into(), "c".into()],
    }
}

#[test]
fn nan_inf_and_flat_data_give_valid_charts() {
    let f = broken();
    for row in 0..4 {
        let mut inp = input(&f, row);
        inp.cursor = Some(f64::NAN);
        for c in charts(&inp) {
            let t = texts(&c.svg);
            assert!(
                !c.svg.contains("=\"NaN\"") && !c.svg.contains("inf\""),
                "{}",
                c.name
            );
            if c.name == "coefficients" {
                assert!(t.iter().any(|s| s == "a<&>"), "{t:?}");
            }
            let png = decode(&c);
            assert_eq!(png.width(), c.width);
        }
    }
    let inp = input(&f, 3);
    let coef = texts(&find(&charts(&inp), "coefficients").svg);
    assert!(coef.iter().any(|t| t == "constant"));
    let path = texts(&find(&charts(&inp), "path").svg);
    assert!(
        path.iter()
            .any(|t| t.contains("alpha = 0 is not on the log axis"))
    );
}

#[test]
fn a_single_alpha_and_all_zero_coefficients_still_draw() {
    let mut f = broken();
    f.path.alphas = vec![0.3; 4];
    f.path.coef_std.fill(0.0);
    f.path.coef.fill(0.0);
    let inp = input(&f, 0);
    for c in charts(&inp) {
        texts(&c.svg);
        decode(&c);
    }
}

#[test]
fn many_features_keep_the_largest_forty_rows() {
    let mut f = broken();
    let p = 120;
    f.features = (0..p).map(|j| format!("x{j}")).collect();
    f.path.coef = Array2::from_shape_fn((4, p), |(i, j)| (i * j) as f64 - 100.0);
    f.path.coef_std = f.path.coef.clone();
    f.path.constant = vec![false; p];
    let inp = input(&f, 2);
    let coef = find(&charts(&inp), "coefficients").clone();
    let t = texts(&coef.svg);
    assert!(
        t.iter()
            .any(|s| s.contains("the 40 largest |coef_std| of 120"))
    );
    // |2j - 100| is largest at j = 119 and smallest near j = 50
    assert!(t.contains(&"x119".to_string()) && !t.contains(&"x50".to_string()));
    assert!(coef.height >= 700);
}

#[test]
fn the_coefficient_table_has_every_feature_and_the_intercept() {
    let f = diabetes("lasso", false);
    let inp = input(&f, 20);
    let csv = coef_csv(&inp);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "feature,coef,coef_std,alpha");
    assert_eq!(lines.len(), 1 + f.features.len() + 1);
    let alpha = format!("{:?}", f.path.alphas[20]);
    for (j, feat) in f.features.iter().enumerate() {
        let cells: Vec<&str> = lines[1 + j].split(',').collect();
        assert_eq!(cells[0], feat);
        assert_eq!(cells[1].parse::<f64>().unwrap(), f.path.coef[(20, j)]);
        assert_eq!(cells[2].parse::<f64>().unwrap(), f.path.coef_std[(20, j)]);
        assert_eq!(cells[3], alpha);
    }
    let last: Vec<&str> = lines.last().unwrap().split(',').collect();
    assert_eq!(last[0], "(intercept)");
    assert_eq!(last[1].parse::<f64>().unwrap(), f.path.intercept[20]);
    assert_eq!(last[2], "");

    // names with commas or quotes are quoted
    let g = broken();
    let mut names = g.features.clone();
    names[1] = "b,\"x\"".into();
    let inp = ChartInput {
        features: &names,
        ..input(&g, 2)
    };
    assert!(coef_csv(&inp).contains("\n\"b,\"\"x\"\"\",-2.0,-2.0,0.5\n"));
}

#[test]
fn write_charts_writes_each_format() {
    let f = diabetes("lasso", true);
    let inp = input(&f, 10);
    let charts = charts(&inp);
    let dir = std::env::temp_dir().join(format!("regscope-export-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let svg_only = write_charts(&dir.join("svg"), &charts, Format::Svg).unwrap();
    assert_eq!(svg_only.len(), 3);
    assert!(svg_only.iter().all(|p| p.extension().unwrap() == "svg"));
    let both = write_charts(&dir.join("both"), &charts, Format::Both).unwrap();
    assert_eq!(both.len(), 6);
    for p in &both {
        assert!(
            std::fs::metadata(p).unwrap().len() > 1000,
            "{}",
            p.display()
        );
    }
    let png = write_charts(&dir.join("png"), &charts, Format::Png).unwrap();
    let bytes = std::fs::read(&png[0]).unwrap();
    assert_eq!(&bytes[..4], b"\x89PNG");
    // no temporary files left behind
    assert_eq!(std::fs::read_dir(dir.join("both")).unwrap().count(), 6);
    std::fs::remove_dir_all(&dir).unwrap();
}
