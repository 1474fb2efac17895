//! Experiment configs: the TOML schema of docs/spec.md §7.
//!
//! An [`Experiment`] is everything needed to rerun a fit: data, model, grid, CV and
//! solver settings. Configs are read strictly (unknown keys and out-of-range values
//! are errors naming the key and its line) and written in one stable layout, so a
//! config saved from the TUI loads back to the same experiment and a second save is
//! byte-identical.
//!
//! - `schema`: the serde structs of the file, their defaults, and what they mean for the
//!   loader ([`Experiment::data_spec`]) and the solver ([`Experiment::path_settings`]);
//! - reading ([`Experiment::load`], [`Experiment::from_toml_str`]) lives here: parse,
//!   deserialize, then `validate`: ranges, empty values and contradictions with the
//!   model kind;
//! - `diagnose`: TOML and serde errors turned into one-line messages naming the key, its
//!   line and the fix, classified by the document's structure and the schema's key table
//!   rather than by the wording of the toml crate's messages;
//! - `write`: the stable layout and atomic saves that keep the user's comments.

mod diagnose;
mod schema;
mod validate;
mod write;

pub use schema::{
    CvSection, DEFAULT_FOLDS, DataSection, EMBEDDED_DATA, Experiment, ModelSection, PathSection,
    SolverSection, parse_separator,
};
pub use write::DiskStamp;

use std::fs;
use std::path::Path;

use serde::Deserialize;
use toml::de::DeTable;

use crate::error::{Error, Result};
use diagnose::Locator;

impl Experiment {
    /// Reads and checks a config file. Errors are one line: `FILE: line N: ...`.
    pub fn load(path: &Path) -> Result<Experiment> {
        Experiment::load_stamped(path).map(|(exp, _)| exp)
    }

    /// [`Experiment::load`], with a stamp of the file's contents for
    /// [`Experiment::save_checked`].
    pub fn load_stamped(path: &Path) -> Result<(Experiment, DiskStamp)> {
        let name = path.display().to_string();
        let text = match fs::read(path) {
            Ok(bytes) => String::from_utf8(bytes).map_err(|_| {
                Error::new(format!(
                    "config '{name}' is not UTF-8 text; save it as UTF-8"
                ))
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::new(format!(
                    "config file '{name}' not found; check the path"
                )));
            }
            Err(e) => {
                return Err(Error::new(format!(
                    "cannot read config '{name}': {e}; check the path and its permissions"
                )));
            }
        };
        let stamp = DiskStamp::of_bytes(text.as_bytes());
        Ok((Experiment::from_toml_str(&text, &name)?, stamp))
    }

    /// Parses and checks config text; `origin` names it in errors (a file name, or
    /// something like "`<stdin>`").
    pub fn from_toml_str(text: &str, origin: &str) -> Result<Experiment> {
        // syntax (and keys defined twice) first; the recovered document tells a duplicate
        let (doc, errors) = DeTable::parse_recoverable(text);
        if let Some(e) = errors.first() {
            return Err(diagnose::parse_error(text, origin, e, doc.get_ref()));
        }
        // then the typed schema, read from that document; a refusal is explained from the
        // document's structure
        let exp =
            Experiment::deserialize(toml::de::Deserializer::from(doc.clone())).map_err(|e| {
                diagnose::schema_error(text, origin, doc.get_ref())
                    .unwrap_or_else(|| diagnose::unexplained(text, origin, &e))
            })?;
        let at = Locator {
            text,
            origin,
            doc: doc.get_ref(),
        };
        exp.validate(&at)?;
        Ok(exp)
    }
}

#[cfg(test)]
mod tests;
