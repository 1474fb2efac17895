//! docs/spec.md §6 JSON: the keys are a contract (more may be added, none renamed).
//!
//! Written straight to the output as it is serialized: a tree of `serde_json::Value`s
//! for the coefficient matrices (plus the text) would cost several times the design
//! matrix on wide data.

use std::io::Write;

use serde::ser::{Serialize, SerializeMap, Serializer};

use super::Report;

/// A finite number, or null (JSON has no NaN or infinity).
struct Num(f64);

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0.is_finite() {
            s.serialize_f64(self.0)
        } else {
            s.serialize_unit()
        }
    }
}

/// A sequence of [`Num`]s.
struct Nums<I>(I);

impl<'a, I: Iterator<Item = &'a f64> + Clone> Serialize for Nums<I> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.clone().map(|&v| Num(v)))
    }
}

fn nums(v: &[f64]) -> Nums<std::slice::Iter<'_, f64>> {
    Nums(v.iter())
}

/// A matrix as an array of rows.
struct Matrix<'a>(&'a ndarray::Array2<f64>);

impl Serialize for Matrix<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.rows().into_iter().map(|r| Nums(r.into_iter())))
    }
}

/// The whole report as one object, keys in contract order.
struct Json<'a, 'r>(&'a Report<'r>);

impl Serialize for Json<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        let p = r.path;
        let mut o = s.serialize_map(None)?;
        o.serialize_entry("model", p.kind.name())?;
        o.serialize_entry("alpha_grid_source", p.grid_source.name())?;
        o.serialize_entry("l1_ratio", &Num(p.l1_ratio))?;
        o.serialize_entry("standardize", &r.standardize)?;
        o.serialize_entry("fit_intercept", &r.fit_intercept)?;
        o.serialize_entry("n_samples", &r.n_samples)?;
        o.serialize_entry("features", r.features)?;
        o.serialize_entry("alphas", &nums(&p.alphas))?;
        o.serialize_entry("coef", &Matrix(&p.coef))?;
        o.serialize_entry("coef_std", &Matrix(&p.coef_std))?;
        o.serialize_entry("intercept", &nums(&p.intercept))?;
        o.serialize_entry("n_nonzero", &p.n_nonzero)?;
        o.serialize_entry("rel_gap", &nums(&p.rel_gap))?;
        o.serialize_entry("n_iter", &p.n_iter)?;
        o.serialize_entry("warnings", &r.warnings())?;
        // additions beyond docs/spec.md §6
        o.serialize_entry("target", r.target)?;
        o.serialize_entry("data", r.source)?;
        o.serialize_entry("rows_dropped", &r.rows_dropped)?;
        o.serialize_entry("notes", r.notes)?;
        o.serialize_entry("constant_features", &r.constant_features())?;
        o.serialize_entry("r2", &nums(&p.r2))?;
        if let Some(cv) = r.cv {
            o.serialize_entry("folds", &cv.folds)?;
            o.serialize_entry("fold_ids", &cv.fold_ids)?;
            o.serialize_entry("mse", &Matrix(&cv.mse))?;
            o.serialize_entry("train_mse", &Matrix(&cv.train_mse))?;
            o.serialize_entry("cv_mean", &nums(&cv.cv_mean))?;
            o.serialize_entry("cv_se", &nums(&cv.cv_se))?;
            o.serialize_entry("alpha_min", &Num(cv.alpha_min))?;
            o.serialize_entry("alpha_1se", &Num(cv.alpha_1se))?;
            o.serialize_entry("alpha_min_index", &cv.index_min)?;
            o.serialize_entry("alpha_1se_index", &cv.index_1se)?;
            o.serialize_entry("selection_frequency", &Matrix(&cv.selection_frequency))?;
        }
        o.serialize_entry("timings_ms", &Timings(r))?;
        o.end()
    }
}

/// The `timings_ms` object (`cv` only for a CV run).
struct Timings<'a, 'r>(&'a Report<'r>);

impl Serialize for Timings<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let t = &self.0.timings;
        let mut o = s.serialize_map(None)?;
        o.serialize_entry("load", &Num(t.load))?;
        o.serialize_entry("prepare", &Num(t.prepare))?;
        o.serialize_entry("fit", &Num(t.fit))?;
        if let Some(cv) = t.cv {
            o.serialize_entry("cv", &Num(cv))?;
        }
        o.end()
    }
}

/// One JSON object (and a newline) for `path` (and `cv` when the report has CV results),
/// serialized straight into `out`.
pub fn write_json(r: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    Json(r).serialize(&mut serde_json::Serializer::new(&mut *out))?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Experiment;
    use crate::report::Timings;
    use crate::solver::{Control, cross_validate, fit_path};
    use crate::workflow::{EMBEDDED_NAME, setup};
    use serde_json::{Map, Value, json};

    /// [`write_json`] into a string.
    fn to_json(r: &Report) -> String {
        let mut buf = Vec::new();
        write_json(r, &mut buf).unwrap();
        String::from_utf8(buf).unwrap()
    }

    /// The report as it was rendered before streaming: a `Value` tree, then its text.
    fn tree_json(r: &Report) -> String {
        let num = |v: f64| serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number);
        let nums = |v: &[f64]| Value::Array(v.iter().map(|&x| num(x)).collect());
        let matrix = |a: &ndarray::Array2<f64>| {
            Value::Array(
                a.rows()
                    .into_iter()
                    .map(|r| Value::Array(r.iter().map(|&v| num(v)).collect()))
                    .collect(),
            )
        };
        let p = r.path;
        let mut o = Map::new();
        o.insert("model".into(), json!(p.kind.name()));
        o.insert("alpha_grid_source".into(), json!(p.grid_source.name()));
        o.insert("l1_ratio".into(), num(p.l1_ratio));
        o.insert("standardize".into(), json!(r.standardize));
        o.insert("fit_intercept".into(), json!(r.fit_intercept));
        o.insert("n_samples".into(), json!(r.n_samples));
        o.insert("features".into(), json!(r.features));
        o.insert("alphas".into(), nums(&p.alphas));
        o.insert("coef".into(), matrix(&p.coef));
        o.insert("coef_std".into(), matrix(&p.coef_std));
        o.insert("intercept".into(), nums(&p.intercept));
        o.insert("n_nonzero".into(), json!(p.n_nonzero));
        o.insert("rel_gap".into(), nums(&p.rel_gap));
        o.insert("n_iter".into(), json!(p.n_iter));
        o.insert("warnings".into(), json!(r.warnings()));
        o.insert("target".into(), json!(r.target));
        o.insert("data".into(), json!(r.source));
        o.insert("rows_dropped".into(), json!(r.rows_dropped));
        o.insert("notes".into(), json!(r.notes));
        o.insert("constant_features".into(), json!(r.constant_features()));
        o.insert("r2".into(), nums(&p.r2));
        let mut t = Map::new();
        t.insert("load".into(), num(r.timings.load));
        t.insert("prepare".into(), num(r.timings.prepare));
        t.insert("fit".into(), num(r.timings.fit));
        if let Some(cv) = r.timings.cv {
            t.insert("cv".into(), num(cv));
        }
        if let Some(cv) = r.cv {
            o.insert("folds".into(), json!(cv.folds));
            o.insert("fold_ids".into(), json!(cv.fold_ids));
            o.insert("mse".into(), matrix(&cv.mse));
            o.insert("train_mse".into(), matrix(&cv.train_mse));
            o.insert("cv_mean".into(), nums(&cv.cv_mean));
            o.insert("cv_se".into(), nums(&cv.cv_se));
            o.insert("alpha_min".into(), num(cv.alpha_min));
            o.insert("alpha_1se".into(), num(cv.alpha_1se));
            o.insert("alpha_min_index".into(), json!(cv.index_min));
            o.insert("alpha_1se_index".into(), json!(cv.index_1se));
            o.insert(
                "selection_frequency".into(),
                matrix(&cv.selection_frequency),
            );
        }
        o.insert("timings_ms".into(), Value::Object(t));
        serde_json::to_string(&Value::Object(o)).unwrap() + "\n"
    }

    #[test]
    fn streamed_json_is_the_value_tree_text() {
        let exp = Experiment::default_for(EMBEDDED_NAME, "progression");
        let s = setup(crate::data::embedded_diabetes(), &exp).unwrap();
        let mut path = fit_path(&s.prep, &s.settings, &Control::none()).unwrap();
        let cv = cross_validate(
            &s.prep,
            &s.fold_ids,
            s.k,
            &s.settings,
            &path.alphas,
            &Control::none(),
        )
        .unwrap();
        // numbers JSON cannot hold become null in both
        path.coef[(3, 2)] = f64::NAN;
        path.r2[1] = f64::INFINITY;
        path.rel_gap[0] = -0.0;
        for cv in [None, Some(&cv)] {
            let report = Report {
                path: &path,
                cv,
                features: &s.features,
                target: &s.target,
                source: &s.dataset_source,
                standardize: true,
                fit_intercept: true,
                n_samples: s.prep.n(),
                rows_dropped: s.rows_dropped,
                notes: &s.notes,
                timings: Timings {
                    load: 1.5,
                    prepare: f64::NAN,
                    fit: 3.0,
                    cv: cv.map(|_| 4.25),
                },
            };
            assert_eq!(to_json(&report), tree_json(&report));
        }
    }
}
