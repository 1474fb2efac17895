//! From a [`Table`] and a [`DataSpec`] to the numbers the solver needs (docs/spec.md §2 and §7).
//!
//! Two stages, so that every decision is made before any value is copied:
//! - `plan`: the column choices. Resolves the target, the features and the fold column
//!   (the docs/spec.md §7 defaults), the rows to keep (no missing value in a used column),
//!   the one-hot levels on those rows, and a note for every choice made for the user,
//!   left-out columns included. Reads the table, copies no values.
//! - `fill`: copies the planned columns into the column-major design, one-hot codes the
//!   text columns, skips the dropped rows, checks the values (no infinities, a target
//!   whose squares cannot overflow) and reads the fold ids. The streaming reader
//!   (`data/stream.rs`) fills its batches with the same functions.

mod fill;
mod plan;

use ndarray::{Array1, Array2};
use polars::prelude::PolarsError;
use serde::{Deserialize, Serialize};

use super::table::Table;
use crate::error::{Error, Result};

pub(super) use fill::{check_target_scale, copy_numeric, fold_ids, one_hot};

/// A string column with more levels than this is an identifier (docs/spec.md §7): too many
/// dummies to be a sensible default, and refused even when named.
pub const MAX_LEVELS: usize = 50;

/// What to do with string columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Categorical {
    /// Dummy-code: levels sorted by bytes, the first dropped, dummies `{col}_{level}`.
    #[default]
    OneHot,
    /// Leave string columns out of the default features.
    Drop,
}

impl Categorical {
    /// The spelling used in configs.
    pub fn name(self) -> &'static str {
        match self {
            Categorical::OneHot => "one-hot",
            Categorical::Drop => "drop",
        }
    }
}

/// What to do with missing values. One policy today; an enum so configs can name it
/// and later policies (imputation) slot in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Missing {
    /// Drop every row with a missing value in a used column, and count them.
    #[default]
    DropRows,
}

impl Missing {
    /// The spelling used in configs.
    pub fn name(self) -> &'static str {
        match self {
            Missing::DropRows => "drop-rows",
        }
    }
}

/// The user's choices about which columns become `y`, `X` and the fold ids. `None`s
/// mean "pick sensibly and say so in the notes".
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DataSpec {
    pub target: Option<String>,
    pub features: Option<Vec<String>>,
    pub categorical: Categorical,
    pub missing: Missing,
    pub fold_column: Option<String>,
}

/// The design matrix and everything a report needs to explain how it was built.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// The table's source name, for display.
    pub source: String,
    /// n x p, column-major (Fortran order): the solver works column by column.
    pub x: Array2<f64>,
    pub y: Array1<f64>,
    pub target: String,
    /// One name per column of `x`; dummies are `{col}_{level}`.
    pub features: Vec<String>,
    /// The fold column's values on the kept rows, when one was named.
    pub fold_values: Option<Vec<i64>>,
    /// Rows in the table before dropping.
    pub rows_total: usize,
    pub rows_dropped: usize,
    /// Every choice made for the user (default target, left-out columns, dropped rows),
    /// one sentence each, for the status line and reports.
    pub notes: Vec<String>,
}

impl Dataset {
    /// Rows after dropping: the `n` of docs/spec.md §1.
    pub fn n_samples(&self) -> usize {
        self.x.nrows()
    }

    /// Columns of `x` (dummies counted): the `p` of docs/spec.md §1.
    pub fn n_features(&self) -> usize {
        self.x.ncols()
    }
}

/// Builds `x`, `y` and the fold ids from a table: resolves the target and features
/// (docs/spec.md §7 defaults), drops rows with missing values, one-hot codes string columns and
/// copies each column straight from the polars buffers into a column-major matrix.
pub fn build_dataset(table: &Table, spec: &DataSpec) -> Result<Dataset> {
    // a polars frame clones shallowly: the columns are shared, nothing is copied
    build_dataset_owned(table.clone(), spec)
}

/// [`build_dataset`] consuming the table: each column is released as soon as it has been
/// copied into `x`, so the frame and the design never both hold every column (peak memory
/// about one X instead of two, when nothing else shares the table's columns).
pub fn build_dataset_owned(table: Table, spec: &DataSpec) -> Result<Dataset> {
    let plan = plan::plan_dataset(&table, spec)?;
    fill::fill(table, plan)
}

fn internal(src: &str, column: &str, e: &PolarsError) -> Error {
    Error::new(format!(
        "internal error reading column '{column}' of '{src}': {e}; please report it"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::load_table;
    use std::path::Path;

    pub(super) fn csv(name: &str, text: &str) -> Table {
        Table::from_csv_bytes(name, text.as_bytes()).unwrap()
    }

    pub(super) fn sample(name: &str) -> Table {
        load_table(
            &Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("sample-data")
                .join(name),
        )
        .unwrap()
    }

    pub(super) fn spec_target(t: &str) -> DataSpec {
        DataSpec {
            target: Some(t.into()),
            ..DataSpec::default()
        }
    }

    pub(super) fn err(table: &Table, spec: &DataSpec) -> String {
        build_dataset(table, spec)
            .unwrap_err()
            .message()
            .to_string()
    }

    #[test]
    fn owned_build_matches_the_borrowed_one() {
        let folds = csv(
            "f.csv",
            "x,g,y,fold\n1,a,1,0\n2,b,NA,1\n3,a,4,1\n4,c,3,0\n5,b,2,1\n",
        );
        let with_fold = DataSpec {
            target: Some("y".into()),
            fold_column: Some("fold".into()),
            ..DataSpec::default()
        };
        // one-hot coding, dropped rows and identifier columns, and a fold column
        let cases = [
            (sample("hitters.csv"), spec_target("Salary")),
            (sample("mtcars.csv"), spec_target("mpg")),
            (folds, with_fold),
        ];
        for (t, spec) in cases {
            let borrowed = build_dataset(&t, &spec).unwrap();
            let width = t.df().width();
            assert_eq!(build_dataset_owned(t.clone(), &spec).unwrap(), borrowed);
            // building from a borrowed table leaves it whole
            assert_eq!(t.df().width(), width);
        }
    }
}
