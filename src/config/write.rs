//! Saving configs: one stable layout ([`Experiment::to_toml_string`]); over an existing
//! file the user's comments and formatting are kept (only changed values are rewritten),
//! every write is atomic, and a file changed on disk since it was read is not overwritten
//! silently.

use std::fmt::Write as _;
use std::fs;
use std::hash::{Hash, Hasher};
use std::io;
use std::path::Path;

use toml_edit::{DocumentMut, Item, Table, Value};

use super::Experiment;
use crate::error::{Error, Result};

impl Experiment {
    /// The config in its one stable layout: keys in the order of docs/spec.md §7, optional keys left out
    /// when unset, floats written so they read back to the same bits.
    pub fn to_toml_string(&self) -> String {
        let mut s = String::new();
        let w = &mut s;
        let _ = writeln!(
            w,
            "# regscope experiment: regscope path|cv --config FILE (format: docs/spec.md §7)"
        );
        let _ = writeln!(w, "\n[data]");
        let _ = writeln!(w, "path = {}", toml_str(&self.data.path));
        let _ = writeln!(w, "target = {}", toml_str(&self.data.target));
        if let Some(f) = &self.data.features {
            let items = f.iter().map(|s| toml_str(s)).collect::<Vec<_>>();
            let _ = writeln!(w, "features = [{}]", items.join(", "));
        }
        let _ = writeln!(w, "categorical = \"{}\"", self.data.categorical.name());
        let _ = writeln!(w, "missing = \"{}\"", self.data.missing.name());
        if let Some(sep) = &self.data.separator {
            let _ = writeln!(w, "separator = {}", toml_str(sep));
        }

        let m = &self.model;
        let _ = writeln!(w, "\n[model]");
        let _ = writeln!(w, "kind = \"{}\"", m.kind.name());
        if let Some(a) = m.alpha {
            let _ = writeln!(w, "alpha = {}", toml_f64(a));
        }
        if let Some(r) = m.l1_ratio {
            let _ = writeln!(w, "l1_ratio = {}", toml_f64(r));
        }
        let _ = writeln!(w, "standardize = {}", m.standardize);
        let _ = writeln!(w, "fit_intercept = {}", m.fit_intercept);

        let _ = writeln!(w, "\n[path]");
        let _ = writeln!(w, "n_alphas = {}", self.path.n_alphas);
        if let Some(e) = self.path.eps {
            let _ = writeln!(w, "eps = {}", toml_f64(e));
        }
        if let Some(a) = &self.path.alphas {
            let items = a.iter().map(|&v| toml_f64(v)).collect::<Vec<_>>();
            let _ = writeln!(w, "alphas = [{}]", items.join(", "));
        }

        let _ = writeln!(w, "\n[cv]");
        if let Some(k) = self.cv.folds {
            let _ = writeln!(w, "folds = {k}");
        }
        let _ = writeln!(w, "seed = {}", self.cv.seed);
        if let Some(c) = &self.cv.fold_column {
            let _ = writeln!(w, "fold_column = {}", toml_str(c));
        }

        let _ = writeln!(w, "\n[solver]");
        let _ = writeln!(w, "tol = {}", toml_f64(self.solver.tol));
        let _ = writeln!(w, "max_iter = {}", self.solver.max_iter);
        s
    }

    /// Writes the config atomically (a temporary file in the same folder, renamed over
    /// the target), so a crash or a full disk never leaves half a config. Over an
    /// existing config only the values change: the user's comments and layout stay, and
    /// a second save of the same experiment is byte-identical. Creates missing folders.
    pub fn save(&self, path: &Path) -> Result<DiskStamp> {
        let existing = fs::read(path).ok().and_then(|b| String::from_utf8(b).ok());
        let text = merge(existing.as_deref(), &self.to_toml_string());
        crate::atomic::write_atomic(path, text.as_bytes(), "save config")?;
        Ok(DiskStamp::of_bytes(text.as_bytes()))
    }

    /// [`Experiment::save`], refused when the file no longer holds what `loaded` stamped
    /// (someone edited it since it was read or last saved): the caller asks the user
    /// before saving again without the check. `None` skips the check (a new file).
    pub fn save_checked(&self, path: &Path, loaded: Option<&DiskStamp>) -> Result<DiskStamp> {
        if let Some(stamp) = loaded
            && let Some(now) = DiskStamp::of_file(path)?
            && now != *stamp
        {
            return Err(Error::new(format!(
                "config '{}' was changed on disk since it was loaded; reload it to see the change, or save under another name",
                path.display()
            )));
        }
        self.save(path)
    }
}

/// A TOML basic string with the escapes the format needs.
pub(super) fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// Rust's shortest round-trip form (`0.1`, `1e-7`, `100.0`), which is valid TOML; the
/// non-finite values get TOML's spelling (validation rejects them, but a value built
/// in code must still be written as something TOML can read).
pub(super) fn toml_f64(v: f64) -> String {
    if v.is_nan() {
        "nan".into()
    } else if v.is_infinite() {
        if v > 0.0 { "inf".into() } else { "-inf".into() }
    } else {
        format!("{v:?}")
    }
}

/// What a config file held when it was read or written: lets a later save notice that
/// someone else changed the file meanwhile (see [`Experiment::save_checked`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DiskStamp {
    len: usize,
    hash: u64,
}

impl DiskStamp {
    pub fn of_bytes(bytes: &[u8]) -> DiskStamp {
        let mut h = std::hash::DefaultHasher::new();
        bytes.hash(&mut h);
        DiskStamp {
            len: bytes.len(),
            hash: h.finish(),
        }
    }

    /// The stamp of the file as it is now; `None` when there is no such file.
    pub fn of_file(path: &Path) -> Result<Option<DiskStamp>> {
        match fs::read(path) {
            Ok(bytes) => Ok(Some(DiskStamp::of_bytes(&bytes))),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::new(format!(
                "cannot read config '{}': {e}; check its permissions",
                path.display()
            ))),
        }
    }
}

/// The text to write for a config whose fresh layout is `fresh`, over the file's
/// `existing` text: the existing document with its values replaced, keys no longer set
/// removed and new keys appended to their section, so comments and the user's layout
/// stay. Text that is not TOML is replaced by the fresh layout.
fn merge(existing: Option<&str>, fresh: &str) -> String {
    let Some(Ok(mut doc)) = existing.map(str::parse::<DocumentMut>) else {
        return fresh.to_string();
    };
    let Ok(new) = fresh.parse::<DocumentMut>() else {
        return fresh.to_string();
    };
    for (name, item) in new.as_table().iter() {
        let Some(new_table) = item.as_table() else {
            continue;
        };
        match doc.get_mut(name).and_then(Item::as_table_mut) {
            Some(old_table) => merge_table(old_table, new_table),
            None => {
                let mut t = new_table.clone();
                // placed after the file's own sections
                t.set_position(None);
                doc.insert(name, Item::Table(t));
            }
        }
    }
    doc.to_string()
}

fn merge_table(old: &mut Table, new: &Table) {
    let stale: Vec<String> = old
        .iter()
        .filter(|(k, _)| !new.contains_key(k))
        .map(|(k, _)| k.to_string())
        .collect();
    for k in stale {
        old.remove(&k);
    }
    for (k, item) in new.iter() {
        let Some(new_value) = item.as_value() else {
            continue;
        };
        match old.get_mut(k) {
            Some(Item::Value(old_value)) => {
                if !same(old_value, new_value) {
                    // the comment after the value stays with it
                    let decor = old_value.decor().clone();
                    *old_value = new_value.clone();
                    *old_value.decor_mut() = decor;
                }
            }
            _ => {
                old.insert(k, Item::Value(new_value.clone()));
            }
        }
    }
}

/// Equal values, whatever their spelling (`1e-7` and `0.0000001`), so an unchanged value
/// keeps the user's spelling.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(a), Value::String(b)) => a.value() == b.value(),
        (Value::Integer(a), Value::Integer(b)) => a.value() == b.value(),
        (Value::Float(a), Value::Float(b)) => a.value().to_bits() == b.value().to_bits(),
        (Value::Boolean(a), Value::Boolean(b)) => a.value() == b.value(),
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| same(x, y))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Scratch;

    const COMMENTED: &str = "\
# my lasso experiment: keep this note
[data]
path = \"d.csv\"   # the cleaned file
target = \"y\"

[model]
kind = \"lasso\"
# the alpha I liked
alpha = 0.5

[solver]
tol = 0.0000001
max_iter = 100000
";

    #[test]
    fn merge_keeps_comments_and_spelling_and_changes_values() {
        let fresh = "[data]\npath = \"d.csv\"\ntarget = \"z\"\n\n[model]\nkind = \"lasso\"\nalpha = 0.25\nstandardize = true\n\n[cv]\nseed = 42\n\n[solver]\ntol = 1e-7\nmax_iter = 100000\n";
        let out = merge(Some(COMMENTED), fresh);
        for kept in [
            "# my lasso experiment: keep this note",
            "path = \"d.csv\"   # the cleaned file",
            "# the alpha I liked",
            "tol = 0.0000001",
        ] {
            assert!(out.contains(kept), "{kept:?} lost:\n{out}");
        }
        assert!(out.contains("target = \"z\""), "{out}");
        assert!(out.contains("alpha = 0.25"), "{out}");
        assert!(out.contains("standardize = true"), "{out}");
        // a new section goes after the file's own, whatever the fresh order
        assert!(
            out.find("[cv]").unwrap() > out.find("[solver]").unwrap(),
            "{out}"
        );
        // a second save of the same values changes nothing
        assert_eq!(merge(Some(&out), fresh), out);
    }

    #[test]
    fn merge_removes_unset_keys_and_replaces_non_toml() {
        let fresh = "[data]\npath = \"d.csv\"\ntarget = \"y\"\n\n[model]\nkind = \"lasso\"\n";
        let out = merge(Some(COMMENTED), fresh);
        assert!(!out.contains("alpha ="), "{out}");
        assert_eq!(merge(Some("not = [toml"), fresh), fresh);
        assert_eq!(merge(None, fresh), fresh);
    }

    #[test]
    fn stamps_tell_contents_apart() {
        let dir = Scratch::new("stamp");
        let p = dir.file("a.toml", b"x = 1\n");
        let s = DiskStamp::of_file(&p).unwrap().unwrap();
        assert_eq!(s, DiskStamp::of_bytes(b"x = 1\n"));
        fs::write(&p, b"x = 2\n").unwrap();
        assert_ne!(DiskStamp::of_file(&p).unwrap(), Some(s));
        assert_eq!(DiskStamp::of_file(&dir.0.join("none.toml")).unwrap(), None);
    }
}
