//! SPEC 6 JSON: the keys are a contract (more may be added, none renamed).

use serde_json::{Map, Value, json};

use super::Report;

fn matrix(a: &ndarray::Array2<f64>) -> Value {
    Value::Array(
        a.rows()
            .into_iter()
            .map(|r| Value::Array(r.iter().map(|&v| num(v)).collect()))
            .collect(),
    )
}

/// A finite number, or null (JSON has no NaN or infinity).
fn num(v: f64) -> Value {
    serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
}

fn nums(v: &[f64]) -> Value {
    Value::Array(v.iter().map(|&x| num(x)).collect())
}

/// One JSON object for `path` (and `cv` when the report has CV results).
pub fn to_json(r: &Report) -> String {
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
    // additions beyond SPEC 6
    o.insert("target".into(), json!(r.target));
    o.insert("data".into(), json!(r.source));
    o.insert("rows_dropped".into(), json!(r.rows_dropped));
    o.insert("notes".into(), json!(r.notes));
    let constant: Vec<&String> = r
        .features
        .iter()
        .zip(&p.constant)
        .filter(|(_, c)| **c)
        .map(|(f, _)| f)
        .collect();
    o.insert("constant_features".into(), json!(constant));
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
    }
    o.insert("timings_ms".into(), Value::Object(t));
    let mut s = serde_json::to_string(&Value::Object(o)).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}
