use super::*;
use crate::data::{Categorical, Missing, build_dataset, load_table};
use crate::solver::ModelKind;
use crate::testing::Scratch;
use proptest::prelude::*;
use std::path::PathBuf;

pub(super) const FULL: &str = r#"# a full config
[data]
path = "sample-data/diabetes.csv"
target = "progression"
features = ["age", "bmi"]
categorical = "one-hot"
missing = "drop-rows"

[model]
kind = "elastic-net"
alpha = 0.1
l1_ratio = 0.5
standardize = true
fit_intercept = true

[path]
n_alphas = 100
eps = 1e-3
alphas = [1.0, 0.1, 0.01]

[cv]
folds = 5
seed = 42
fold_column = "fold"

[solver]
tol = 1e-7
max_iter = 100000
"#;

pub(super) const MINIMAL: &str = "[data]\npath = \"d.csv\"\ntarget = \"y\"\n";

pub(super) fn parse(text: &str) -> Result<Experiment> {
    Experiment::from_toml_str(text, "exp.toml")
}

/// The error message for `text`, which must fail.
pub(super) fn fail(text: &str) -> String {
    match parse(text) {
        Ok(e) => panic!("expected an error, got {e:?}"),
        Err(e) => e.message().to_string(),
    }
}

/// MINIMAL plus a section, so line numbers are predictable: the added text starts on
/// line 4.
pub(super) fn with(extra: &str) -> String {
    format!("{MINIMAL}{extra}")
}

pub(super) fn assert_names(m: &str, parts: &[&str]) {
    for p in parts {
        assert!(m.contains(p), "{p:?} not in: {m}");
    }
    assert!(!m.contains('\n'), "not one line: {m}");
}

#[test]
fn full_config_parses() {
    let e = parse(FULL).unwrap();
    assert_eq!(e.data.features.as_deref().unwrap(), ["age", "bmi"]);
    assert_eq!(e.model.kind, ModelKind::ElasticNet);
    assert_eq!(e.model.alpha, Some(0.1));
    assert_eq!(e.path.eps, Some(1e-3));
    assert_eq!(e.path.alphas.as_deref().unwrap(), [1.0, 0.1, 0.01]);
    assert_eq!(e.cv.folds, Some(5));
    assert_eq!(e.cv.fold_column.as_deref(), Some("fold"));
    assert_eq!(e.solver.tol, 1e-7);
}

#[test]
fn minimal_config_gets_spec_defaults() {
    let e = parse(MINIMAL).unwrap();
    assert_eq!(e, Experiment::default_for("d.csv", "y"));
    assert_eq!(e.model.kind, ModelKind::Lasso);
    assert!(e.model.standardize && e.model.fit_intercept);
    assert_eq!(e.data.categorical, Categorical::OneHot);
    assert_eq!(e.data.missing, Missing::DropRows);
    assert_eq!(e.path.n_alphas, 100);
    assert_eq!(e.path.eps, None);
    assert_eq!(e.cv.folds(), 5);
    assert_eq!(e.cv.seed, 42);
    assert_eq!(e.solver.tol, 1e-7);
    assert_eq!(e.solver.max_iter, 100_000);
}

#[test]
fn integers_are_accepted_where_floats_are_expected() {
    let e = parse(&with(
        "[model]\nkind = \"ridge\"\nalpha = 2\n[solver]\ntol = 1\n",
    ))
    .unwrap();
    assert_eq!(e.model.alpha, Some(2.0));
    assert_eq!(e.solver.tol, 1.0);
}

#[test]
fn effective_l1_ratio_per_kind() {
    let mut m = ModelSection::default();
    assert_eq!(m.effective_l1_ratio(), 1.0);
    m.kind = ModelKind::Ridge;
    assert_eq!(m.effective_l1_ratio(), 0.0);
    m.kind = ModelKind::Ols;
    assert_eq!(m.effective_l1_ratio(), 0.0);
    m.kind = ModelKind::ElasticNet;
    assert_eq!(m.effective_l1_ratio(), 0.5);
    m.l1_ratio = Some(0.7);
    assert_eq!(m.effective_l1_ratio(), 0.7);
}

#[test]
fn data_path_is_relative_to_the_config_folder() {
    let e = Experiment::default_for("../data/x.csv", "y");
    assert_eq!(
        e.data_path(Path::new("/home/u/proj/configs/a.toml")),
        PathBuf::from("/home/u/proj/configs/../data/x.csv")
    );
    assert_eq!(
        e.data_path(Path::new("a.toml")),
        PathBuf::from("../data/x.csv")
    );
    let abs = Experiment::default_for("/srv/x.parquet", "y");
    assert_eq!(
        abs.data_path(Path::new("/home/u/a.toml")),
        PathBuf::from("/srv/x.parquet")
    );
}

#[test]
fn data_spec_and_path_settings_carry_the_config() {
    let e = parse(FULL).unwrap();
    let d = e.data_spec();
    assert_eq!(d.target.as_deref(), Some("progression"));
    assert_eq!(d.fold_column.as_deref(), Some("fold"));
    assert_eq!(d.features, e.data.features);
    let p = e.path_settings();
    assert_eq!(p.kind, ModelKind::ElasticNet);
    assert_eq!(p.l1_ratio, 0.5);
    assert_eq!(p.alphas, e.path.alphas);
    assert_eq!(p.tol, 1e-7);
}

// ---- writing ----

#[test]
fn layout_is_stable_and_readable() {
    let e = parse(FULL).unwrap();
    let text = e.to_toml_string();
    let expected = r#"# regscope experiment: regscope path|cv --config FILE (format: docs/spec.md §7)

[data]
path = "sample-data/diabetes.csv"
target = "progression"
features = ["age", "bmi"]
categorical = "one-hot"
missing = "drop-rows"

[model]
kind = "elastic-net"
alpha = 0.1
l1_ratio = 0.5
standardize = true
fit_intercept = true

[path]
n_alphas = 100
eps = 0.001
alphas = [1.0, 0.1, 0.01]

[cv]
folds = 5
seed = 42
fold_column = "fold"

[solver]
tol = 1e-7
max_iter = 100000
"#;
    assert_eq!(text, expected);
    let minimal = parse(MINIMAL).unwrap().to_toml_string();
    assert!(!minimal.contains("alpha =") && !minimal.contains("eps"));
    assert!(!minimal.contains("folds") && !minimal.contains("features"));
}

#[test]
fn save_load_save_is_byte_identical() {
    let dir = Scratch::new("cfg");
    let first = dir.0.join("a.toml");
    let second = dir.0.join("b.toml");
    let original = dir.file("orig.toml", FULL.as_bytes());
    let e1 = Experiment::load(&original).unwrap();
    e1.save(&first).unwrap();
    let e2 = Experiment::load(&first).unwrap();
    assert_eq!(e1, e2);
    e2.save(&second).unwrap();
    assert_eq!(fs::read(&first).unwrap(), fs::read(&second).unwrap());
}

#[test]
fn save_creates_folders_overwrites_and_leaves_no_temp_files() {
    let dir = Scratch::new("save");
    let target = dir.0.join("deep/er/exp.toml");
    let mut e = Experiment::default_for("../d.csv", "y");
    e.save(&target).unwrap();
    e.model.alpha = Some(0.25);
    e.save(&target).unwrap();
    assert_eq!(Experiment::load(&target).unwrap(), e);
    let names: Vec<_> = fs::read_dir(target.parent().unwrap())
        .unwrap()
        .map(|d| d.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["exp.toml"]);
}

#[test]
fn save_into_an_unwritable_place_is_an_error() {
    let dir = Scratch::new("nosave");
    let blocker = dir.file("file", b"x");
    let m = Experiment::default_for("d.csv", "y")
        .save(&blocker.join("exp.toml"))
        .unwrap_err()
        .message()
        .to_string();
    assert_names(&m, &["cannot save config", "exp.toml"]);
}

#[test]
fn load_errors_name_the_file() {
    let dir = Scratch::new("load");
    let m = Experiment::load(&dir.0.join("none.toml"))
        .unwrap_err()
        .message()
        .to_string();
    assert_names(&m, &["none.toml", "not found"]);
    let bad = dir.file("bad.toml", [0xff, 0xfe, b'[']);
    let m = Experiment::load(&bad).unwrap_err().message().to_string();
    assert_names(&m, &["bad.toml", "UTF-8"]);
    let typo = dir.file(
        "typo.toml",
        b"[data]\npath = \"d.csv\"\ntarget = \"y\"\n[cv]\nfols = 3\n",
    );
    let m = Experiment::load(&typo).unwrap_err().message().to_string();
    assert!(
        m.starts_with(&format!("{}: line 5: [cv]", typo.display())),
        "{m}"
    );
}

fn hand_made() -> Vec<Experiment> {
    let mut out = vec![parse(FULL).unwrap(), parse(MINIMAL).unwrap()];
    let mut e =
        Experiment::default_for("dir with space/ünïcode \"quoted\" \\ file.parquet", "y\tz");
    e.data.features = Some(vec![
        "a'b".into(),
        "c\"d".into(),
        "e\\f".into(),
        "".into(),
        "line\nbreak\r\u{7f}\u{0}".into(),
        "'''".into(),
    ]);
    e.data.categorical = Categorical::Drop;
    e.model.kind = ModelKind::Ridge;
    e.model.alpha = Some(1e-300);
    e.model.l1_ratio = Some(0.0);
    e.model.standardize = false;
    e.path.n_alphas = 1;
    e.path.eps = Some(1e-16);
    e.path.alphas = Some(vec![1e300, 0.1 + 0.2, 5e-324, 0.0]);
    e.cv.folds = Some(10);
    e.cv.seed = u64::MAX;
    e.solver.tol = 1.0 / 3.0;
    e.solver.max_iter = usize::MAX >> 1;
    out.push(e);
    let mut e = Experiment::default_for("/abs/x.csv", "Salary");
    e.model.kind = ModelKind::Ols;
    e.model.alpha = Some(0.0);
    e.model.fit_intercept = false;
    e.cv.fold_column = Some("fold id".into());
    out.push(e);
    let mut e = Experiment::default_for("x.ipc", "y");
    e.model.kind = ModelKind::ElasticNet;
    e.model.l1_ratio = Some(std::f64::consts::FRAC_1_SQRT_2);
    e.model.alpha = Some(123456789.125);
    out.push(e);
    out
}

fn assert_round_trips(e: &Experiment) {
    let text = e.to_toml_string();
    let back = Experiment::from_toml_str(&text, "saved.toml")
        .unwrap_or_else(|err| panic!("{err}\n{text}"));
    assert_eq!(&back, e, "{text}");
    assert_eq!(back.to_toml_string(), text);
}

#[test]
fn hand_made_experiments_round_trip() {
    for e in hand_made() {
        assert_round_trips(&e);
    }
}

fn finite_nonneg() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(0.0),
        0.0f64..1.0,
        (any::<u64>())
            .prop_map(|bits| f64::from_bits(bits >> 1))
            .prop_filter("finite", |v| v.is_finite()),
    ]
}

fn experiment() -> impl Strategy<Value = Experiment> {
    let data = (
        "\\PC{0,12}",
        "\\PC{1,8}",
        proptest::option::of(proptest::collection::vec("\\PC{0,6}", 1..4)),
        any::<bool>(),
    );
    let model = (
        0usize..4,
        proptest::option::of(finite_nonneg()),
        0.0f64..=1.0,
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    );
    let path = (
        1usize..1000,
        proptest::option::of(1e-12f64..0.999),
        proptest::option::of(proptest::collection::vec(finite_nonneg(), 1..5)),
    );
    let cv = (
        proptest::option::of(2usize..50),
        any::<u64>(),
        proptest::option::of("\\PC{1,6}"),
    );
    let solver = (1e-16f64..1.0, 1usize..10_000_000);
    (data, model, path, cv, solver).prop_map(|(d, m, p, c, s)| {
        let mut e = Experiment::default_for(&d.0, d.1);
        if d.0.trim().is_empty() {
            e.data.path = "d.csv".into();
        }
        if e.data.target.trim().is_empty() {
            e.data.target = "y".into();
        }
        e.data.features = d.2;
        e.data.categorical = if d.3 {
            Categorical::Drop
        } else {
            Categorical::OneHot
        };
        let kind = ModelKind::ALL[m.0];
        e.model.kind = kind;
        e.model.alpha = if kind == ModelKind::Ols {
            m.1.map(|_| 0.0)
        } else {
            m.1
        };
        e.model.l1_ratio = match kind {
            ModelKind::ElasticNet => Some(m.2),
            _ if m.5 => kind.implied_l1_ratio(),
            _ => None,
        };
        e.model.standardize = m.3;
        e.model.fit_intercept = m.4;
        e.path.n_alphas = p.0;
        e.path.eps = p.1;
        e.path.alphas = if kind == ModelKind::Ols { None } else { p.2 };
        e.cv.folds = c.0;
        e.cv.seed = c.1;
        e.cv.fold_column = c.2.filter(|f| !f.trim().is_empty());
        e.solver.tol = s.0;
        e.solver.max_iter = s.1;
        e
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn any_valid_experiment_round_trips(e in experiment()) {
        assert_round_trips(&e);
    }
}

// ---- the shipped configs ----

#[test]
fn every_shipped_config_loads_and_builds_its_dataset() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("configs");
    let mut seen = Vec::new();
    for entry in fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("toml") {
            continue;
        }
        let e = Experiment::load(&path).unwrap_or_else(|err| panic!("{err}"));
        let table = load_table(&e.data_path(&path)).unwrap_or_else(|err| panic!("{err}"));
        let d = build_dataset(&table, &e.data_spec()).unwrap_or_else(|err| panic!("{err}"));
        assert!(d.n_samples() > d.n_features(), "{}", path.display());
        if let Some(k) = e.cv.folds {
            assert!(k <= d.n_samples());
        }
        // a save of a shipped config is stable from the first save on
        let text = e.to_toml_string();
        assert_eq!(parse(&text).unwrap(), e);
        seen.push(path.file_name().unwrap().to_string_lossy().into_owned());
    }
    seen.sort();
    assert_eq!(
        seen,
        vec![
            "diabetes-lasso-cv.toml",
            "hitters-enet.toml",
            "longley-ridge.toml",
            "mtcars-enet.toml"
        ]
    );
}

// ---- issue 12: comments kept, changes on disk noticed, the embedded sample, separators ----

#[test]
fn saving_over_a_commented_config_keeps_comments_and_is_stable() {
    let dir = Scratch::new("keep");
    let p = dir.file("exp.toml", FULL.as_bytes());
    let mut e = Experiment::load(&p).unwrap();
    e.model.alpha = Some(0.25);
    e.save(&p).unwrap();
    let first = fs::read_to_string(&p).unwrap();
    assert!(first.starts_with("# a full config\n"), "{first}");
    assert!(first.contains("alpha = 0.25") && !first.contains("alpha = 0.1\n"));
    assert_eq!(Experiment::load(&p).unwrap(), e);
    e.save(&p).unwrap();
    assert_eq!(fs::read_to_string(&p).unwrap(), first);
}

#[test]
fn a_config_changed_on_disk_is_not_overwritten() {
    let dir = Scratch::new("changed");
    let p = dir.file("exp.toml", FULL.as_bytes());
    let (mut e, stamp) = Experiment::load_stamped(&p).unwrap();
    // someone edits the file meanwhile
    let edited = FULL.replace("seed = 42", "seed = 7");
    fs::write(&p, &edited).unwrap();
    e.model.alpha = Some(0.3);
    let m = e.save_checked(&p, Some(&stamp)).unwrap_err().to_string();
    assert_names(&m, &["exp.toml", "changed on disk"]);
    assert_eq!(fs::read_to_string(&p).unwrap(), edited);
    // with the stamp of what is there now, the save goes through and stamps anew
    let now = DiskStamp::of_file(&p).unwrap().unwrap();
    let next = e.save_checked(&p, Some(&now)).unwrap();
    assert_eq!(DiskStamp::of_file(&p).unwrap(), Some(next));
    e.model.alpha = Some(0.4);
    e.save_checked(&p, Some(&next)).unwrap();
}

#[test]
fn the_embedded_sample_name_loads_from_any_folder() {
    let dir = Scratch::new("embedded");
    let e = Experiment::default_for(EMBEDDED_DATA, "progression");
    let p = dir.0.join("deep/exp.toml");
    e.save(&p).unwrap();
    let back = Experiment::load(&p).unwrap();
    assert_eq!(back.data.path, "embedded:diabetes");
    let source = crate::workflow::DataSource::for_experiment(&back, Some(&p));
    assert_eq!(source, crate::workflow::DataSource::Embedded);
    assert_eq!(source.load_for(&back).unwrap().n_rows(), 442);
    let m = fail("[data]\npath = \"embedded:iris\"\ntarget = \"y\"\n");
    assert_names(
        &m,
        &[
            "line 2",
            "[data] path",
            "embedded:iris",
            "embedded:diabetes",
        ],
    );
}

#[test]
fn legacy_saves_of_the_sample_still_open_it() {
    let dir = Scratch::new("legacy");
    let p = dir.file(
        "exp.toml",
        b"[data]\npath = \"sample-data/diabetes.csv\"\ntarget = \"progression\"\n",
    );
    let e = Experiment::load(&p).unwrap();
    let source = crate::workflow::DataSource::for_experiment(&e, Some(&p));
    assert_eq!(source, crate::workflow::DataSource::Embedded);
}

#[test]
fn separator_key_is_checked_and_round_trips() {
    for (written, byte) in [
        (",", b','),
        (";", b';'),
        ("\\t", b'\t'),
        ("tab", b'\t'),
        ("|", b'|'),
    ] {
        let e = parse(&format!("{MINIMAL}separator = \"{written}\"\n")).unwrap();
        assert_eq!(e.load_options().separator, Some(byte), "{written}");
        assert_round_trips(&e);
    }
    let m = fail(&format!("{MINIMAL}separator = \"::\"\n"));
    assert_names(&m, &["line 4", "[data] separator", "\"::\""]);
    assert_eq!(parse(MINIMAL).unwrap().load_options().separator, None);
}
