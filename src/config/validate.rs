//! The checks serde cannot make: ranges, empty values and settings that contradict the
//! model kind, each an error naming the key, its line and the fix.

use super::diagnose::Locator;
use super::write::{toml_f64, toml_str};
use super::{EMBEDDED_DATA, Experiment, parse_separator};
use crate::error::Result;
use crate::solver::ModelKind;

impl Experiment {
    pub(super) fn validate(&self, at: &Locator) -> Result<()> {
        let d = &self.data;
        if d.path.trim().is_empty() {
            return Err(at.err("data", "path", "is empty", "give the data file's path"));
        }
        if d.path.starts_with("embedded:") && d.path != EMBEDDED_DATA {
            return Err(at.err(
                "data",
                "path",
                &format!("= \"{}\" names no built-in sample", d.path),
                &format!("the built-in sample is \"{EMBEDDED_DATA}\""),
            ));
        }
        if d.target.trim().is_empty() {
            return Err(at.err("data", "target", "is empty", "name the column to predict"));
        }
        if let Some(sep) = &d.separator
            && parse_separator(sep).is_none()
        {
            return Err(at.err(
                "data",
                "separator",
                &format!("= {} is not a separator regscope reads", toml_str(sep)),
                "use \",\", \";\", \"\\t\" (tab) or \"|\", or remove it to detect the separator",
            ));
        }
        if d.features.as_ref().is_some_and(|f| f.is_empty()) {
            return Err(at.err(
                "data",
                "features",
                "is an empty list",
                "name at least one column, or remove the key to use every usable column",
            ));
        }

        let m = &self.model;
        if let Some(a) = m.alpha
            && !(a.is_finite() && a >= 0.0)
        {
            return Err(at.err(
                "model",
                "alpha",
                &format!("= {} is out of range", toml_f64(a)),
                "alpha must be a finite number >= 0",
            ));
        }
        if let Some(r) = m.l1_ratio
            && !(0.0..=1.0).contains(&r)
        {
            return Err(at.err(
                "model",
                "l1_ratio",
                &format!("= {} is outside [0, 1]", toml_f64(r)),
                "use a mix between 0 (ridge) and 1 (lasso)",
            ));
        }
        match m.kind {
            ModelKind::Lasso | ModelKind::Ridge => {
                let implied = if m.kind == ModelKind::Lasso { 1.0 } else { 0.0 };
                if let Some(r) = m.l1_ratio
                    && r != implied
                {
                    return Err(at.err(
                        "model",
                        "l1_ratio",
                        &format!(
                            "= {} contradicts kind = \"{}\", which is l1_ratio {}",
                            toml_f64(r),
                            m.kind.name(),
                            implied
                        ),
                        "remove l1_ratio or use kind = \"elastic-net\"",
                    ));
                }
            }
            ModelKind::Ols => {
                if let Some(a) = m.alpha
                    && a != 0.0
                {
                    return Err(at.err(
                        "model",
                        "alpha",
                        &format!(
                            "= {} contradicts kind = \"ols\", which has no penalty",
                            toml_f64(a)
                        ),
                        "remove alpha or pick ridge, lasso or elastic-net",
                    ));
                }
                if let Some(r) = m.l1_ratio
                    && r != 0.0
                {
                    return Err(at.err(
                        "model",
                        "l1_ratio",
                        &format!(
                            "= {} contradicts kind = \"ols\", which has no penalty",
                            toml_f64(r)
                        ),
                        "remove l1_ratio or pick elastic-net",
                    ));
                }
                if let Some(list) = &self.path.alphas
                    && list.iter().any(|&a| a != 0.0)
                {
                    return Err(at.err(
                        "path",
                        "alphas",
                        "lists a penalty but kind = \"ols\" has none",
                        "remove alphas or pick ridge, lasso or elastic-net",
                    ));
                }
            }
            ModelKind::ElasticNet => {}
        }

        let p = &self.path;
        if p.n_alphas < 1 {
            return Err(at.err(
                "path",
                "n_alphas",
                "= 0 is out of range",
                "use at least 1 grid point (100 is the default)",
            ));
        }
        if let Some(e) = p.eps
            && !(e > 0.0 && e < 1.0)
        {
            return Err(at.err(
                "path",
                "eps",
                &format!("= {} is outside (0, 1)", toml_f64(e)),
                "use a ratio like 1e-3 (smallest alpha / largest alpha), or remove it for the default",
            ));
        }
        if let Some(list) = &p.alphas {
            if list.is_empty() {
                return Err(at.err(
                    "path",
                    "alphas",
                    "is an empty list",
                    "list at least one alpha, or remove the key to use the computed grid",
                ));
            }
            if let Some(&bad) = list.iter().find(|a| !(a.is_finite() && **a >= 0.0)) {
                return Err(at.err(
                    "path",
                    "alphas",
                    &format!("holds {}, out of range", toml_f64(bad)),
                    "every alpha must be a finite number >= 0",
                ));
            }
        }

        let c = &self.cv;
        if let Some(k) = c.folds
            && k < 2
        {
            return Err(at.err(
                "cv",
                "folds",
                &format!("= {k} is out of range"),
                "cross-validation needs at least 2 folds (5 is the default)",
            ));
        }
        if c.fold_column.as_ref().is_some_and(|f| f.trim().is_empty()) {
            return Err(at.err(
                "cv",
                "fold_column",
                "is empty",
                "name the column of fold ids, or remove the key",
            ));
        }

        let s = &self.solver;
        if !(s.tol > 0.0 && s.tol.is_finite()) {
            return Err(at.err(
                "solver",
                "tol",
                &format!("= {} is out of range", toml_f64(s.tol)),
                "use a small positive number like 1e-7",
            ));
        }
        if s.max_iter < 1 {
            return Err(at.err(
                "solver",
                "max_iter",
                "= 0 is out of range",
                "use at least 1 (100000 is the default)",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{MINIMAL, assert_names, fail, parse, with};

    #[test]
    fn range_errors_name_key_and_line() {
        let cases: &[(&str, &[&str])] = &[
            (
                "[model]\nkind = \"ridge\"\nalpha = -0.5\n",
                &["line 6", "[model] alpha", "-0.5", ">= 0"],
            ),
            (
                "[model]\nkind = \"elastic-net\"\nl1_ratio = 1.5\n",
                &["line 6", "[model] l1_ratio", "1.5", "[0, 1]"],
            ),
            (
                "[model]\nkind = \"elastic-net\"\nl1_ratio = -0.1\n",
                &["line 6", "l1_ratio", "-0.1"],
            ),
            (
                "[path]\nn_alphas = 0\n",
                &["line 5", "[path] n_alphas", "at least 1"],
            ),
            ("[path]\neps = 0.0\n", &["line 5", "[path] eps", "(0, 1)"]),
            ("[path]\neps = 1.0\n", &["line 5", "[path] eps", "(0, 1)"]),
            (
                "[path]\neps = 2e-3\n\n\nalphas = []\n",
                &["line 8", "[path] alphas", "empty"],
            ),
            (
                "[path]\nalphas = [1.0, -0.1]\n",
                &["line 5", "[path] alphas", "-0.1"],
            ),
            (
                "[cv]\nseed = 1\nfolds = 1\n",
                &["line 6", "[cv] folds", "at least 2"],
            ),
            ("[cv]\nfolds = 0\n", &["line 5", "[cv] folds"]),
            (
                "[solver]\ntol = 0.0\n",
                &["line 5", "[solver] tol", "positive"],
            ),
            (
                "[solver]\ntol = -1e-7\n",
                &["line 5", "[solver] tol", "-1e-7"],
            ),
            ("[solver]\ntol = nan\n", &["line 5", "[solver] tol"]),
            (
                "[solver]\nmax_iter = 0\n",
                &["line 5", "[solver] max_iter", "at least 1"],
            ),
            (
                "[cv]\nfold_column = \"\"\n",
                &["line 5", "[cv] fold_column", "empty"],
            ),
            (
                "[model]\nalpha = inf\n",
                &["line 5", "[model] alpha", "finite"],
            ),
        ];
        for (extra, parts) in cases {
            let m = fail(&with(extra));
            assert_names(&m, parts);
            assert!(m.starts_with("exp.toml: "), "{m}");
        }
        let m = fail("[data]\npath = \"d.csv\"\ntarget = \"y\"\nfeatures = []\n");
        assert_names(&m, &["line 4", "[data] features", "empty"]);
        let m = fail("[data]\npath = \"\"\ntarget = \"y\"\n");
        assert_names(&m, &["line 2", "[data] path", "empty"]);
    }

    #[test]
    fn kind_contradictions() {
        let cases: &[(&str, &[&str])] = &[
            (
                "[model]\nkind = \"lasso\"\nl1_ratio = 0.5\n",
                &["line 6", "l1_ratio", "lasso", "elastic-net"],
            ),
            (
                "[model]\nkind = \"ridge\"\nl1_ratio = 0.3\n",
                &["line 6", "l1_ratio", "ridge"],
            ),
            (
                "[model]\nkind = \"ols\"\nalpha = 0.1\n",
                &["line 6", "[model] alpha", "ols", "no penalty"],
            ),
            (
                "[model]\nkind = \"ols\"\nl1_ratio = 0.5\n",
                &["line 6", "l1_ratio", "ols"],
            ),
            (
                "[model]\nkind = \"ols\"\n[path]\nalphas = [0.5]\n",
                &["line 7", "[path] alphas", "ols"],
            ),
        ];
        for (extra, parts) in cases {
            assert_names(&fail(&with(extra)), parts);
        }
        // consistent values are fine, as the reference fixtures write them
        for ok in [
            "[model]\nkind = \"lasso\"\nl1_ratio = 1.0\n",
            "[model]\nkind = \"ridge\"\nl1_ratio = 0.0\n",
            "[model]\nkind = \"ols\"\nalpha = 0.0\n",
            "[model]\nkind = \"elastic-net\"\nl1_ratio = 0.0\n",
        ] {
            parse(&with(ok)).unwrap();
        }
    }

    #[test]
    fn dotted_and_inline_keys_still_get_lines() {
        let m = fail(&format!("model.alpha = -1.0\n{MINIMAL}"));
        assert_names(&m, &["line 1", "[model] alpha"]);
        let m = fail(&format!("solver = {{ tol = 0.0 }}\n{MINIMAL}"));
        assert_names(&m, &["line 1", "[solver] tol"]);
    }
}
