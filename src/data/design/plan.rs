//! The column choices of docs/spec.md §7, made on the whole table before any value is
//! copied: the target, the features (numeric, one-hot coded with their levels, or left out
//! with a note saying why), the fold column and the rows to keep.

use std::collections::{BTreeSet, HashSet};

use polars::prelude::*;

use super::{Categorical, DataSpec, MAX_LEVELS, internal};
use crate::bail;
use crate::data::table::{Class, Table, class_of, is_text, missing_mask, text_values};
use crate::error::Result;

/// How one used column enters `x`.
enum FeatureSource {
    /// Numbers or booleans, cast to f64.
    Numeric(String),
    /// A string column, dummy-coded; the levels are computed on the kept rows.
    OneHot(String),
}

impl FeatureSource {
    fn column(&self) -> &str {
        match self {
            FeatureSource::Numeric(c) | FeatureSource::OneHot(c) => c,
        }
    }
}

/// What [`fill`](super::fill::fill) copies: every decision of docs/spec.md §7, made on the
/// whole table.
pub(super) struct Plan {
    pub(super) target: String,
    pub(super) fold: Option<String>,
    /// the used feature columns in order, with their levels when one-hot coded
    pub(super) columns: Vec<(String, Option<Vec<String>>)>,
    pub(super) features: Vec<String>,
    pub(super) keep: Vec<bool>,
    pub(super) n_kept: usize,
    pub(super) rows_total: usize,
    pub(super) rows_dropped: usize,
    pub(super) notes: Vec<String>,
}

/// Resolves the target, features and fold column and the rows to keep, without copying
/// any values.
pub(super) fn plan_dataset(table: &Table, spec: &DataSpec) -> Result<Plan> {
    let src = table.source();
    let df = table.df();
    let rows_total = df.height();
    if rows_total == 0 {
        bail!("'{src}' has no data rows; check that the file holds a header row and data");
    }
    let mut notes: Vec<Note> = table.notes().iter().cloned().map(Note::Info).collect();

    // The fold column: exists, integer-valued, never a feature.
    let fold = match &spec.fold_column {
        Some(name) => {
            let col = lookup(table, name, "the fold column", "fix [cv] fold_column")?;
            check_integer_valued(src, col)?;
            Some(name.clone())
        }
        None => None,
    };

    // The target.
    let target = match &spec.target {
        Some(name) => {
            let col = lookup(table, name, "the target", "pick one with --target")?;
            if fold.as_deref() == Some(name.as_str()) {
                bail!(
                    "target '{name}' is also the fold column in '{src}'; pick another target or another fold column"
                );
            }
            match class_of(col.dtype()) {
                Class::Numeric | Class::Boolean => {}
                _ => bail!(
                    "target '{name}' in '{src}' is {}, not a number; pick a numeric column with --target",
                    type_name(col.dtype())
                ),
            }
            name.clone()
        }
        None => {
            let found = df.columns().iter().rev().find(|c| {
                fold.as_deref() != Some(c.name().as_str()) && class_of(c.dtype()) == Class::Numeric
            });
            match found {
                Some(c) => {
                    let name = c.name().to_string();
                    notes.push(Note::Info(format!(
                        "no target given: using '{name}', the last numeric column"
                    )));
                    name
                }
                None => bail!(
                    "'{src}' has no numeric column to use as the target; pick one with --target"
                ),
            }
        }
    };

    // The features, before the identifier rule (which needs the kept rows).
    let explicit = spec.features.is_some();
    let mut sources = match &spec.features {
        Some(list) => explicit_features(table, list, &target, fold.as_deref(), spec)?,
        None => default_features(table, &target, fold.as_deref(), spec, &mut notes),
    };

    // Missing values, then the identifier rule on the kept rows. Leaving an identifier
    // out can only keep more rows, so repeat until no column is left out.
    let (keep, n_kept, missing_counts) = loop {
        let mut used: Vec<&str> = vec![target.as_str()];
        used.extend(sources.iter().map(FeatureSource::column));
        used.extend(fold.as_deref());
        let (keep, counts) = keep_mask(table, &used)?;
        let n_kept = keep.iter().filter(|&&k| k).count();
        if n_kept == 0 {
            let who = fmt_counts(&counts);
            bail!(
                "every row of '{src}' has a missing value in a used column ({who}); leave those columns out of the features or fill them in"
            );
        }
        if explicit {
            break (keep, n_kept, counts);
        }
        let mut dropped_any = false;
        let mut kept_sources = Vec::with_capacity(sources.len());
        for s in sources {
            if let FeatureSource::OneHot(name) = &s {
                let levels = levels_of(table, name, &keep)?.len();
                if levels > MAX_LEVELS || (levels == n_kept && n_kept > 1) {
                    let anyway = if levels > MAX_LEVELS {
                        format!("over {MAX_LEVELS}, too many to one-hot code")
                    } else {
                        "name it in the features to one-hot code it anyway".to_string()
                    };
                    notes.push(Note::LeftOut(format!(
                        "left out '{name}': a text column with {levels} distinct values in {n_kept} rows looks like an identifier ({anyway})"
                    )));
                    dropped_any = true;
                    continue;
                }
            }
            kept_sources.push(s);
        }
        sources = kept_sources;
        if !dropped_any {
            break (keep, n_kept, counts);
        }
    };

    let rows_dropped = rows_total - n_kept;
    if rows_dropped > 0 {
        let who = fmt_counts(&missing_counts);
        notes.push(Note::Info(format!(
            "dropped {rows_dropped} of {rows_total} rows with a missing value ({who})"
        )));
    }

    // Levels of every one-hot column on the kept rows, and the final feature names.
    let mut features = Vec::new();
    let mut columns: Vec<(String, Option<Vec<String>>)> = Vec::with_capacity(sources.len());
    for s in &sources {
        match s {
            FeatureSource::Numeric(name) => {
                features.push(name.clone());
                columns.push((name.clone(), None));
            }
            FeatureSource::OneHot(name) => {
                let levels = levels_of(table, name, &keep)?;
                if levels.len() > MAX_LEVELS {
                    bail!(
                        "feature '{name}' in '{src}' is text with {} distinct values, over the {MAX_LEVELS} regscope will one-hot code; leave it out of the features or recode it as numbers",
                        levels.len()
                    );
                }
                if levels.len() == 1 {
                    notes.push(Note::LeftOut(format!(
                        "'{name}' has the single value '{}' in the kept rows: no dummy column",
                        levels[0]
                    )));
                }
                features.extend(levels.iter().skip(1).map(|l| format!("{name}_{l}")));
                columns.push((name.clone(), Some(levels)));
            }
        }
    }
    if features.is_empty() {
        let left_out = notes
            .iter()
            .filter_map(|n| match n {
                Note::LeftOut(t) => Some(t.clone()),
                Note::Info(_) => None,
            })
            .collect::<Vec<_>>();
        let why = if left_out.is_empty() {
            String::new()
        } else {
            format!(" ({})", left_out.join("; "))
        };
        bail!(
            "no usable feature left in '{src}' besides the target '{target}'{why}; add numeric columns or name the features to use with --features"
        );
    }
    let mut seen = HashSet::new();
    for f in &features {
        if !seen.insert(f.as_str()) {
            notes.push(Note::Info(format!(
                "two features are named '{f}' (a dummy name matches another column); rename a column to tell them apart"
            )));
        }
    }

    Ok(Plan {
        target,
        fold,
        columns,
        features,
        keep,
        n_kept,
        rows_total,
        rows_dropped,
        notes: notes.into_iter().map(Note::into_text).collect(),
    })
}

/// A note on a choice made for the user. A `LeftOut` note names a column left out of the
/// features and why; together they explain an empty feature set.
enum Note {
    Info(String),
    LeftOut(String),
}

impl Note {
    fn into_text(self) -> String {
        match self {
            Note::Info(t) | Note::LeftOut(t) => t,
        }
    }
}

/// The column, or an error naming it, the file and a few columns that do exist.
fn lookup<'a>(table: &'a Table, name: &str, role: &str, hint: &str) -> Result<&'a Column> {
    if let Ok(c) = table.df().column(name) {
        return Ok(c);
    }
    let names = table.column_names();
    let close = names
        .iter()
        .find(|c| c.eq_ignore_ascii_case(name))
        .map(|c| format!(" (did you mean '{c}'?)"))
        .unwrap_or_default();
    const SHOWN: usize = 8;
    let mut avail = names
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > SHOWN {
        avail.push_str(&format!(", … ({} columns)", names.len()));
    }
    bail!(
        "{role} '{name}' is not a column of '{}'{close}; available: {avail}; {hint}",
        table.source()
    )
}

fn explicit_features(
    table: &Table,
    list: &[String],
    target: &str,
    fold: Option<&str>,
    spec: &DataSpec,
) -> Result<Vec<FeatureSource>> {
    let src = table.source();
    if list.is_empty() {
        bail!(
            "the feature list for '{src}' is empty; name at least one column, or give none to use every usable column"
        );
    }
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(list.len());
    for name in list {
        let col = lookup(table, name, "feature", "fix the name in --features")?;
        if !seen.insert(name.as_str()) {
            bail!("feature '{name}' is listed twice; list each column once");
        }
        if name == target {
            bail!("feature '{name}' is the target; remove it from the features");
        }
        if Some(name.as_str()) == fold {
            bail!(
                "feature '{name}' is the fold column, which is never a feature; remove it from the features"
            );
        }
        match class_of(col.dtype()) {
            Class::Numeric | Class::Boolean => out.push(FeatureSource::Numeric(name.clone())),
            Class::Text => match spec.categorical {
                Categorical::OneHot => out.push(FeatureSource::OneHot(name.clone())),
                Categorical::Drop => bail!(
                    "feature '{name}' in '{src}' is text but categorical is \"drop\"; set categorical = \"one-hot\" or remove it from the features"
                ),
            },
            Class::Other => bail!(
                "feature '{name}' in '{src}' has type {}, which regscope cannot use; remove it from the features or convert it to numbers",
                col.dtype()
            ),
        }
    }
    Ok(out)
}

fn default_features(
    table: &Table,
    target: &str,
    fold: Option<&str>,
    spec: &DataSpec,
    notes: &mut Vec<Note>,
) -> Vec<FeatureSource> {
    let mut out = Vec::new();
    let mut dropped_text = Vec::new();
    let mut other = Vec::new();
    let mut empty = Vec::new();
    let n = table.n_rows();
    for col in table.df().columns() {
        let name = col.name().as_str();
        if name == target || Some(name) == fold {
            continue;
        }
        let class = class_of(col.dtype());
        if class != Class::Other && col.null_count() == n {
            empty.push(name.to_string());
            continue;
        }
        match class {
            Class::Numeric | Class::Boolean => out.push(FeatureSource::Numeric(name.to_string())),
            Class::Text => match spec.categorical {
                Categorical::OneHot => out.push(FeatureSource::OneHot(name.to_string())),
                Categorical::Drop => dropped_text.push(name.to_string()),
            },
            Class::Other => other.push(format!("{name} ({})", col.dtype())),
        }
    }
    if !dropped_text.is_empty() {
        notes.push(Note::LeftOut(format!(
            "left out text columns (categorical = \"drop\"): {}",
            dropped_text.join(", ")
        )));
    }
    if !other.is_empty() {
        notes.push(Note::LeftOut(format!(
            "left out columns of a type regscope cannot use: {}",
            other.join(", ")
        )));
    }
    if !empty.is_empty() {
        notes.push(Note::LeftOut(format!(
            "left out columns with no values at all: {}",
            empty.join(", ")
        )));
    }
    out
}

/// Per used column with missing values: its name and how many.
type MissingCounts = Vec<(String, usize)>;

/// Rows to keep (no missing value in any used column) and the missing counts.
fn keep_mask(table: &Table, used: &[&str]) -> Result<(Vec<bool>, MissingCounts)> {
    let mut keep = vec![true; table.n_rows()];
    let mut counts = Vec::new();
    for name in used {
        let col = table
            .df()
            .column(name)
            .map_err(|e| internal(table.source(), name, &e))?;
        let mask = missing_mask(col);
        let k = mask.iter().filter(|&&m| m).count();
        if k > 0 {
            counts.push((name.to_string(), k));
            for (keep, m) in keep.iter_mut().zip(mask) {
                *keep &= !m;
            }
        }
    }
    Ok((keep, counts))
}

/// "Salary: 59, Age: 3", the worst columns first and at most eight of them, so a
/// wide file with scattered gaps still gives a readable line.
fn fmt_counts(counts: &MissingCounts) -> String {
    const SHOWN: usize = 8;
    let mut sorted: Vec<&(String, usize)> = counts.iter().collect();
    sorted.sort_by_key(|c| std::cmp::Reverse(c.1));
    let mut s = sorted
        .iter()
        .take(SHOWN)
        .map(|(c, k)| format!("{c}: {k}"))
        .collect::<Vec<_>>()
        .join(", ");
    if sorted.len() > SHOWN {
        s.push_str(&format!(", and {} more columns", sorted.len() - SHOWN));
    }
    s
}

/// Distinct values of a text column on the kept rows, in byte order.
fn levels_of(table: &Table, name: &str, keep: &[bool]) -> Result<Vec<String>> {
    let col = table
        .df()
        .column(name)
        .map_err(|e| internal(table.source(), name, &e))?;
    let values = text_values(col).map_err(|e| internal(table.source(), name, &e))?;
    let set: BTreeSet<&str> = values
        .iter()
        .zip(keep)
        .filter_map(|(v, &k)| if k { v } else { None })
        .collect();
    Ok(set.into_iter().map(str::to_string).collect())
}

/// Fold ids must be integers: whole-number floats and integer strings are accepted,
/// anything else is an error naming the first offending (1-based) data row.
fn check_integer_valued(src: &str, col: &Column) -> Result<()> {
    let name = col.name();
    let dt = col.dtype();
    if dt.is_integer() {
        return Ok(());
    }
    let bad_row = if dt.is_float() {
        let cast = col
            .cast(&DataType::Float64)
            .map_err(|e| internal(src, name, &e))?;
        let ca = cast.f64().map_err(|e| internal(src, name, &e))?;
        // NaN is a missing id (its row is dropped); anything else must be a whole
        // number small enough to convert exactly
        let whole = |v: f64| v.is_finite() && v.fract() == 0.0 && v.abs() < 9.0e15;
        ca.iter()
            .position(|v| v.is_some_and(|v| !v.is_nan() && !whole(v)))
    } else if is_text(dt) {
        let ca = text_values(col).map_err(|e| internal(src, name, &e))?;
        ca.iter()
            .position(|v| v.is_some_and(|v| v.trim().parse::<i64>().is_err()))
    } else {
        // booleans, dates...: the first value present is already wrong
        col.is_not_null().iter().position(|v| v == Some(true))
    };
    match bad_row {
        None => Ok(()),
        Some(i) => {
            let value = col
                .get(i)
                .map(|v| v.to_string())
                .unwrap_or_else(|_| "?".into());
            bail!(
                "fold column '{name}' in '{src}' must hold integers (fold ids 0..K-1), but data row {} holds {value}; fix that value or pick another fold column",
                i + 1
            )
        }
    }
}

/// A type name users recognise: "text" rather than polars' "str".
fn type_name(dt: &DataType) -> String {
    if is_text(dt) {
        "text".into()
    } else if dt.is_bool() {
        "boolean".into()
    } else {
        format!("of type {dt}")
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{csv, err, sample, spec_target};
    use crate::data::{Categorical, DataSpec, Table, build_dataset};
    use polars::prelude::*;

    #[test]
    fn diabetes_default_target_is_progression_with_note() {
        let d = build_dataset(&crate::data::embedded_diabetes(), &DataSpec::default()).unwrap();
        assert_eq!(d.target, "progression");
        assert_eq!(d.features.len(), 10);
        assert_eq!(d.x.dim(), (442, 10));
        assert_eq!(d.y[0], 151.0);
        assert_eq!(d.x[(0, 0)], 59.0);
        assert_eq!(d.x[(441, 9)], 92.0);
        assert_eq!(d.rows_dropped, 0);
        assert!(
            d.notes.iter().any(|n| n.contains("'progression'")),
            "{:?}",
            d.notes
        );
    }

    #[test]
    fn default_target_skips_fold_column_and_text() {
        let t = csv(
            "t.csv",
            "a,y,fold,name\n1,2,0,u\n2,3,1,v\n3,5,0,w\n4,4,1,u\n",
        );
        let d = build_dataset(
            &t,
            &DataSpec {
                fold_column: Some("fold".into()),
                ..DataSpec::default()
            },
        )
        .unwrap();
        assert_eq!(d.target, "y");
        assert_eq!(d.fold_values, Some(vec![0, 1, 0, 1]));
        assert!(!d.features.contains(&"fold".to_string()));
    }

    #[test]
    fn unknown_target_lists_columns() {
        let t = crate::data::embedded_diabetes();
        let m = err(&t, &spec_target("salary"));
        assert!(m.contains("'salary'") && m.contains("diabetes.csv"), "{m}");
        assert!(m.contains("available: age, sex, bmi"), "{m}");
        assert!(m.contains("--target"), "{m}");
        let t = csv("h.csv", "Salary,x\n1,2\n3,4\n");
        let m = err(&t, &spec_target("salary"));
        assert!(m.contains("did you mean 'Salary'"), "{m}");
    }

    #[test]
    fn text_target_is_an_error_naming_its_type() {
        let t = sample("mtcars.csv");
        let m = err(&t, &spec_target("model"));
        assert!(m.contains("'model'") && m.contains("is text"), "{m}");
    }

    #[test]
    fn no_numeric_target_available() {
        let t = csv("s.csv", "a,b\nx,y\nz,w\n");
        let m = err(&t, &DataSpec::default());
        assert!(
            m.contains("s.csv") && m.contains("no numeric column"),
            "{m}"
        );
    }

    #[test]
    fn explicit_feature_errors() {
        let t = csv("f.csv", "a,b,y,fold\n1,2,3,0\n2,1,4,1\n3,3,5,0\n");
        let mk = |f: &[&str]| DataSpec {
            target: Some("y".into()),
            features: Some(f.iter().map(|s| s.to_string()).collect()),
            fold_column: Some("fold".into()),
            ..DataSpec::default()
        };
        let m = err(&t, &mk(&["a", "nope"]));
        assert!(
            m.contains("'nope'") && m.contains("f.csv") && m.contains("available: a, b, y"),
            "{m}"
        );
        let m = err(&t, &mk(&["a", "y"]));
        assert!(m.contains("'y'") && m.contains("target"), "{m}");
        let m = err(&t, &mk(&["fold"]));
        assert!(m.contains("'fold'") && m.contains("fold column"), "{m}");
        let m = err(&t, &mk(&["a", "a"]));
        assert!(m.contains("'a'") && m.contains("twice"), "{m}");
        let m = err(&t, &mk(&[]));
        assert!(m.contains("empty"), "{m}");
        let ok = build_dataset(&t, &mk(&["b", "a"])).unwrap();
        assert_eq!(ok.features, vec!["b", "a"]);
        assert_eq!(ok.x.column(0).to_vec(), vec![2.0, 1.0, 3.0]);
    }

    #[test]
    fn target_cannot_be_the_fold_column() {
        let t = csv("f.csv", "a,y\n1,0\n2,1\n");
        let m = err(
            &t,
            &DataSpec {
                target: Some("y".into()),
                fold_column: Some("y".into()),
                ..DataSpec::default()
            },
        );
        assert!(m.contains("'y'") && m.contains("fold column"), "{m}");
    }

    #[test]
    fn categorical_drop_leaves_text_out_with_note_and_refuses_named_text() {
        let t = csv("c.csv", "x,g,y\n1,a,1\n2,b,2\n3,a,4\n");
        let spec = DataSpec {
            target: Some("y".into()),
            categorical: Categorical::Drop,
            ..DataSpec::default()
        };
        let d = build_dataset(&t, &spec).unwrap();
        assert_eq!(d.features, vec!["x"]);
        assert!(
            d.notes
                .iter()
                .any(|n| n.contains("g") && n.contains("drop"))
        );
        let named = DataSpec {
            features: Some(vec!["g".into()]),
            ..spec
        };
        let m = err(&t, &named);
        assert!(m.contains("'g'") && m.contains("one-hot"), "{m}");
    }

    #[test]
    fn identifier_rule_mtcars_model() {
        let t = sample("mtcars.csv");
        let d = build_dataset(&t, &spec_target("mpg")).unwrap();
        assert_eq!(
            d.features,
            vec![
                "cyl", "disp", "hp", "drat", "wt", "qsec", "vs", "am", "gear", "carb"
            ]
        );
        assert!(
            d.notes
                .iter()
                .any(|n| n.contains("'model'") && n.contains("identifier")),
            "{:?}",
            d.notes
        );
        // named explicitly, 32 levels <= 50: one-hot anyway
        let spec = DataSpec {
            target: Some("mpg".into()),
            features: Some(vec!["model".into(), "wt".into()]),
            ..DataSpec::default()
        };
        let d = build_dataset(&t, &spec).unwrap();
        assert_eq!(d.features.len(), 31 + 1);
        // byte order puts "AMC Javelin" first, and the first level is dropped
        assert_eq!(d.features[0], "model_Cadillac Fleetwood");
        assert!(!d.features.contains(&"model_AMC Javelin".to_string()));
    }

    #[test]
    fn identifier_rule_over_50_levels() {
        let mut text = String::from("id,grp,x,y\n");
        for i in 0..120 {
            text.push_str(&format!("k{},g{},{},{}\n", i % 60, i % 3, i, i * 2));
        }
        let t = csv("ids.csv", &text);
        let d = build_dataset(&t, &spec_target("y")).unwrap();
        assert_eq!(d.features, vec!["grp_g1", "grp_g2", "x"]);
        assert!(
            d.notes
                .iter()
                .any(|n| n.contains("'id'") && n.contains("60"))
        );
        let spec = DataSpec {
            target: Some("y".into()),
            features: Some(vec!["id".into()]),
            ..DataSpec::default()
        };
        let m = err(&t, &spec);
        assert!(
            m.contains("'id'") && m.contains("60") && m.contains("50"),
            "{m}"
        );
    }

    #[test]
    fn identifier_rule_uses_kept_rows() {
        // 'name' has 4 levels in 5 rows, but the row with a missing y is dropped and
        // the 4 kept rows have 4 distinct names: an identifier.
        let t = csv(
            "k.csv",
            "name,x,y\na,1,1\nb,2,NA\nc,3,3\nd,4,4\na,5,NA\ne,6,7\n",
        );
        let d = build_dataset(&t, &spec_target("y")).unwrap();
        assert_eq!(d.features, vec!["x"]);
        assert_eq!(d.rows_dropped, 2);
        assert!(d.notes.iter().any(|n| n.contains("'name'")));
    }

    #[test]
    fn hitters_missing_salary_rows_are_dropped_and_counted() {
        let t = sample("hitters.csv");
        let d = build_dataset(&t, &spec_target("Salary")).unwrap();
        assert_eq!(d.rows_total, 322);
        assert_eq!(d.rows_dropped, 59);
        assert_eq!(d.n_samples(), 263);
        assert!(
            d.notes
                .contains(&"dropped 59 of 322 rows with a missing value (Salary: 59)".to_string()),
            "{:?}",
            d.notes
        );
        assert_eq!(d.n_features(), 19);
        for f in ["League_N", "Division_W", "NewLeague_N"] {
            assert!(d.features.contains(&f.to_string()), "{f}");
        }
        let league = d.features.iter().position(|f| f == "League_N").unwrap();
        assert_eq!(d.features[league - 1], "CWalks");
        assert!(d.y.iter().all(|v| v.is_finite()));
    }

    #[test]
    fn missing_counts_per_column_and_nan() {
        let t = csv("m.csv", "a,b,y\n1,NA,1\nNaN,2,2\n3,3,3\nnull,,4\n5,5,5\n");
        let d = build_dataset(&t, &spec_target("y")).unwrap();
        assert_eq!(d.rows_dropped, 3);
        assert_eq!(d.y.to_vec(), vec![3.0, 5.0]);
        assert!(
            d.notes
                .contains(&"dropped 3 of 5 rows with a missing value (a: 2, b: 2)".to_string()),
            "{:?}",
            d.notes
        );
        // a column not used does not drop rows
        let spec = DataSpec {
            target: Some("y".into()),
            features: Some(vec!["b".into()]),
            ..DataSpec::default()
        };
        let d = build_dataset(&t, &spec).unwrap();
        assert_eq!(d.rows_dropped, 2);
    }

    #[test]
    fn missing_note_lists_the_worst_columns_first_and_at_most_eight() {
        let mut head: Vec<String> = (0..10).map(|j| format!("c{j}")).collect();
        head.push("y".into());
        let mut text = head.join(",") + "\n";
        for i in 0..13 {
            let row: Vec<String> = (0..10)
                .map(|j| {
                    if i == j || (j == 9 && (i == 10 || i == 11)) {
                        "NA".into()
                    } else {
                        "1".into()
                    }
                })
                .chain(std::iter::once(i.to_string()))
                .collect();
            text.push_str(&(row.join(",") + "\n"));
        }
        let d = build_dataset(&csv("w.csv", &text), &spec_target("y")).unwrap();
        let note = d.notes.iter().find(|n| n.starts_with("dropped")).unwrap();
        assert!(
            note.starts_with("dropped 12 of 13 rows with a missing value (c9: 3, c0: 1"),
            "{note}"
        );
        assert!(note.ends_with(", and 2 more columns)"), "{note}");
    }

    #[test]
    fn nan_in_float_columns_of_binary_files_is_missing() {
        let df = df!("x" => [1.0f64, f64::NAN, 3.0, 4.0], "y" => [1.0f64, 2.0, 3.0, 5.0]).unwrap();
        let t = Table::new("nan.parquet", df);
        let d = build_dataset(&t, &spec_target("y")).unwrap();
        assert_eq!(d.rows_dropped, 1);
        assert_eq!(d.x.column(0).to_vec(), vec![1.0, 3.0, 4.0]);
    }

    #[test]
    fn all_rows_dropped_names_the_columns() {
        let t = csv("e.csv", "a,b,y\n1,NA,1\nNA,2,2\n3,NA,3\n");
        let m = err(&t, &spec_target("y"));
        assert!(
            m.contains("e.csv") && m.contains("a: 1") && m.contains("b: 2"),
            "{m}"
        );
    }

    #[test]
    fn no_usable_feature_is_an_error() {
        let t = csv("n.csv", "id,y\nk1,1\nk2,2\nk3,3\n");
        let m = err(&t, &spec_target("y"));
        assert!(
            m.contains("no usable feature") && m.contains("--features"),
            "{m}"
        );
        assert!(m.contains("left out 'id'"), "{m}");
    }

    #[test]
    fn fold_column_must_exist() {
        let t = crate::data::embedded_diabetes();
        let m = err(
            &t,
            &DataSpec {
                fold_column: Some("fold".into()),
                ..DataSpec::default()
            },
        );
        assert!(
            m.contains("fold column 'fold'") && m.contains("available"),
            "{m}"
        );
    }

    #[test]
    fn fold_column_must_be_integer_valued() {
        let spec = DataSpec {
            target: Some("y".into()),
            fold_column: Some("fold".into()),
            ..DataSpec::default()
        };
        let t = csv("f.csv", "x,y,fold\n1,1,0\n2,2,1.0\n3,3,1.5\n4,4,2\n");
        let m = err(&t, &spec);
        assert!(
            m.contains("'fold'") && m.contains("data row 3") && m.contains("1.5"),
            "{m}"
        );
        let t = csv("f.csv", "x,y,fold\n1,1,0\n2,2,1\n3,3,two\n4,4,2\n");
        let m = err(&t, &spec);
        assert!(m.contains("'fold'") && m.contains("data row 3"), "{m}");
        // whole-number floats are fine; a missing fold id drops its row
        let t = csv("f.csv", "x,y,fold\n1,1,0.0\n2,2,NA\n3,3,1.0\n4,4,2\n");
        let d = build_dataset(&t, &spec).unwrap();
        assert_eq!(d.fold_values, Some(vec![0, 1, 2]));
        assert_eq!(d.rows_dropped, 1);
    }

    #[test]
    fn single_level_text_gives_no_dummy() {
        let t = csv("one.csv", "g,x,y\na,1,1\na,2,2\na,3,4\n");
        let d = build_dataset(&t, &spec_target("y")).unwrap();
        assert_eq!(d.features, vec!["x"]);
        assert!(
            d.notes
                .iter()
                .any(|n| n.contains("'g'") && n.contains("single"))
        );
    }

    #[test]
    fn empty_table_is_an_error() {
        let t = csv("h.csv", "a,y\n");
        let m = err(&t, &DataSpec::default());
        assert!(m.contains("h.csv") && m.contains("no data rows"), "{m}");
    }

    #[test]
    fn other_dtypes_left_out_by_default_and_refused_when_named() {
        let bytes = Series::new(
            "raw".into(),
            [b"a".as_slice(), b"b".as_slice(), b"c".as_slice()],
        );
        let df = DataFrame::new(
            3,
            vec![
                bytes.into(),
                Series::new("x".into(), [1.0f64, 2.0, 4.0]).into(),
                Series::new("y".into(), [1.0f64, 2.0, 3.0]).into(),
            ],
        )
        .unwrap();
        let t = Table::new("bin.parquet", df);
        let d = build_dataset(&t, &spec_target("y")).unwrap();
        assert_eq!(d.features, vec!["x"]);
        assert!(
            d.notes.iter().any(|n| n.contains("raw (binary)")),
            "{:?}",
            d.notes
        );
        let spec = DataSpec {
            target: Some("y".into()),
            features: Some(vec!["raw".into()]),
            ..DataSpec::default()
        };
        let m = err(&t, &spec);
        assert!(m.contains("'raw'") && m.contains("binary"), "{m}");
    }

    #[test]
    fn all_null_columns_are_left_out_of_the_default() {
        let t = csv("z.csv", "empty,x,y\nNA,1,1\nNA,2,2\nNA,3,4\n");
        let d = build_dataset(&t, &spec_target("y")).unwrap();
        assert_eq!(d.features, vec!["x"]);
        assert_eq!(d.rows_dropped, 0);
        assert!(d.notes.iter().any(|n| n.contains("empty")));
    }
}
