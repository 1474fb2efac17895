//! Loading tables with polars and turning them into a design matrix (docs/spec.md §2 and §7).
//!
//! - [`load_table`] reads CSV/TSV, Parquet and IPC/Feather files into a [`Table`], whose
//!   [`Table::columns`] is what the target/feature pickers list.
//! - [`build_dataset`] applies a [`DataSpec`] (target, features, categorical coding,
//!   missing-value policy, fold column) and produces a [`Dataset`]: a column-major `x`,
//!   `y`, feature names and human-readable notes about every choice made on the user's
//!   behalf. `build_dataset_owned` does the same consuming the table, releasing each
//!   column once copied.

mod design;
mod ipc_slices;
mod plain_csv;
mod row_groups;
mod sniff;
pub(crate) mod stats_cache;
pub(crate) mod stats_file;
pub mod stream;
mod table;

pub(crate) use sniff::CANDIDATES as SEPARATORS;

/// The separator of CSV text among `,` `;` tab and `|` (`,` when unsure).
pub(crate) fn sniff_separator(head: &[u8]) -> u8 {
    sniff::sniff(head, b',')
}

pub(crate) use design::build_dataset_owned;
pub use design::{Categorical, DataSpec, Dataset, Missing, build_dataset};
pub use table::{ColumnInfo, ColumnKind, DIABETES_CSV, LoadOptions, Table, load_table};
pub(crate) use table::{SUPPORTED_EXTENSIONS, embedded_diabetes, load_table_with};
