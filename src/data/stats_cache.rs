//! A cache of statistics for tables read in batches: reopening an unchanged table with
//! the same data spec reads its statistics file instead of the table. An entry is keyed
//! by the files' paths, sizes and modification times, the spec and the program version,
//! and lives in `$XDG_CACHE_HOME/regscope/stats/` (else `~/.cache/regscope/stats/`).
//! A stale or unreadable entry is never used: the key changes with the files.

use std::path::{Path, PathBuf};

use super::stats_file::{self, StatsFile};
use crate::error::Result;

/// The cache folder, from the environment; `None` without a usable home.
pub fn dir(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    let base = match env("XDG_CACHE_HOME").filter(|v| Path::new(v).is_absolute()) {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env("HOME").filter(|v| Path::new(v).is_absolute())?).join(".cache"),
    };
    Some(base.join("regscope").join("stats"))
}

/// The cache folder of this process's environment.
pub fn default_dir() -> Option<PathBuf> {
    dir(&|k| std::env::var(k).ok())
}

/// The entry for `files` read with `spec` (any text that changes with every setting
/// that shapes the statistics). `None` when a file's size or time cannot be read.
pub fn entry(dir: &Path, files: &[PathBuf], spec: &str) -> Option<PathBuf> {
    let mut key = format!("regscope {}\n{spec}\n", env!("CARGO_PKG_VERSION"));
    let mut files: Vec<&PathBuf> = files.iter().collect();
    files.sort();
    for f in files {
        let m = std::fs::metadata(f).ok()?;
        let t = m
            .modified()
            .ok()?
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?;
        let abs = std::path::absolute(f).ok()?;
        key.push_str(&format!(
            "{}\t{}\t{}\n",
            abs.display(),
            m.len(),
            t.as_nanos()
        ));
    }
    Some(dir.join(format!("{:016x}.stats.arrow", fnv1a(key.as_bytes()))))
}

/// The cached statistics, if the entry exists and reads.
pub fn load(entry: &Path) -> Option<StatsFile> {
    entry
        .is_file()
        .then(|| stats_file::read(entry).ok())
        .flatten()
}

/// Keep `stats` under `entry` (atomically; the folder is created).
pub fn store(entry: &Path, stats: &StatsFile) -> Result<()> {
    if let Some(d) = entry.parent() {
        std::fs::create_dir_all(d)
            .map_err(|e| crate::error::Error::new(format!("cannot create {}: {e}", d.display())))?;
    }
    stats_file::write(entry, stats)
}

/// 64-bit FNV-1a: a stable hash (std's changes between releases) for file names.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(tag: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!(
            "regscope-cache-{tag}-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos())
        ));
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn the_folder_follows_xdg_then_home() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(
            dir(&env(&[("XDG_CACHE_HOME", "/c"), ("HOME", "/h")])),
            Some(PathBuf::from("/c/regscope/stats"))
        );
        assert_eq!(
            dir(&env(&[("XDG_CACHE_HOME", "rel"), ("HOME", "/h")])),
            Some(PathBuf::from("/h/.cache/regscope/stats"))
        );
        assert_eq!(dir(&env(&[])), None);
    }

    #[test]
    fn the_entry_changes_with_the_file_and_the_spec() {
        let d = scratch("key");
        let f = d.join("t.csv");
        std::fs::write(&f, "x,y\n1,2\n").unwrap();
        let files = vec![f.clone()];
        let a = entry(&d, &files, "spec 1").unwrap();
        assert_eq!(entry(&d, &files, "spec 1"), Some(a.clone()), "stable");
        assert_ne!(entry(&d, &files, "spec 2"), Some(a.clone()), "the spec");
        std::fs::write(&f, "x,y\n1,2\n3,4\n").unwrap();
        assert_ne!(entry(&d, &files, "spec 1"), Some(a.clone()), "the size");
        assert_eq!(entry(&d, &[d.join("gone.csv")], "spec 1"), None);
        assert!(load(&a).is_none(), "nothing stored yet");
        let _ = std::fs::remove_dir_all(&d);
    }
}
