//! The recovery file: when the session ends on SIGHUP or SIGTERM (an SSH connection
//! dropped, a shutdown) with unsaved changes, the experiment is written to
//! `$XDG_STATE_HOME/regscope/recovery.toml` (else `~/.local/state/regscope/`), atomically,
//! and the next start offers it (`R` opens it).

use std::path::{Path, PathBuf};

use crate::config::Experiment;
use crate::error::Result;
use crate::workflow::{DataSource, EMBEDDED_NAME};

/// Where the recovery file lives, from the environment; `None` without a usable home.
pub fn file(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    let dir = match env("XDG_STATE_HOME").filter(|v| Path::new(v).is_absolute()) {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env("HOME").filter(|v| Path::new(v).is_absolute())?)
            .join(".local")
            .join("state"),
    };
    Some(dir.join("regscope").join("recovery.toml"))
}

/// Write `exp` with an absolute data path (so it loads from anywhere) to `file`.
pub fn write(exp: &Experiment, source: &DataSource, file: &Path) -> Result<()> {
    let mut exp = exp.clone();
    exp.data.path = match source {
        DataSource::Embedded => EMBEDDED_NAME.to_string(),
        DataSource::File(p) => std::path::absolute(p)
            .unwrap_or_else(|_| p.clone())
            .display()
            .to_string(),
    };
    exp.save(file).map(|_| ())
}

/// The kept experiment, if there is one that loads.
pub fn read(file: &Path) -> Option<Experiment> {
    if !file.is_file() {
        return None;
    }
    Experiment::load(file).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_follows_xdg_then_home() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(a, _)| *a == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(
            file(&env(&[("XDG_STATE_HOME", "/s"), ("HOME", "/h")])),
            Some(PathBuf::from("/s/regscope/recovery.toml"))
        );
        assert_eq!(
            file(&env(&[("XDG_STATE_HOME", "rel"), ("HOME", "/h")])),
            Some(PathBuf::from("/h/.local/state/regscope/recovery.toml"))
        );
        assert_eq!(file(&env(&[])), None);
    }

    #[test]
    fn a_written_experiment_reads_back_with_an_absolute_data_path() {
        let dir = std::env::temp_dir().join(format!("regscope-recovery-{}", std::process::id()));
        let f = dir.join("state").join("recovery.toml");
        let mut exp = Experiment::default_for("rel/data.csv", "y");
        exp.model.alpha = Some(0.5);
        write(&exp, &DataSource::File("rel/data.csv".into()), &f).unwrap();
        let back = read(&f).expect("reads back");
        assert!(
            Path::new(&back.data.path).is_absolute(),
            "{}",
            back.data.path
        );
        assert_eq!(back.model.alpha, Some(0.5));
        write(&exp, &DataSource::Embedded, &f).unwrap();
        assert_eq!(read(&f).unwrap().data.path, EMBEDDED_NAME);
        assert!(read(&dir.join("none.toml")).is_none());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
