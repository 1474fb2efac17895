//! regscope: a terminal workbench for regularization experiments.
//!
//! Layers, with dependencies pointing down only:
//! - [`solver`]: the pure numerical core (preprocessing, grids, coordinate descent,
//!   closed-form ridge/OLS, cross-validation). No I/O, no UI.
//! - [`data`] and [`config`]: polars loading into a design matrix; TOML experiments.
//! - `report` and [`cli`]: the headless `path` / `cv` / `stats` / `plot` commands.
//! - `export`: the charts (SVG, PNG) and the coefficient table (CSV) for `plot` and
//!   the TUI's export key.
//! - `tui`: the interactive workbench on top of all of them.
//! - [`fmt`]: the one readable number format of tables and messages.
//! - [`heap`]: allocator settings that keep released matrices from staying resident.

pub mod atomic;
pub mod cli;
pub mod config;
pub mod data;
pub mod error;
pub(crate) mod export;
pub mod fmt;
pub mod heap;
pub mod pipeline;
pub(crate) mod report;
pub mod solver;
#[cfg(test)]
mod testing;
pub mod tui;
pub mod workflow;
