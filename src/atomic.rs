//! Files written whole or not at all: a temporary file in the target's folder, filled,
//! flushed to disk, then renamed over the target, so a crash, a full disk or a failed
//! encoder never leaves half a file and an old file stays as it was. Configs, statistics
//! files and exported charts all go through here.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::error::{Error, Result};

/// How [`write_with`] touches the disk; tests swap in failures (a full disk, a read-only
/// folder) that cannot be produced for real without privileges.
pub(crate) struct DiskOps {
    pub create_temp: fn(&Path) -> io::Result<NamedTempFile>,
    /// flush the filled file to disk
    pub sync: fn(&mut NamedTempFile) -> io::Result<()>,
}

pub(crate) const REAL_DISK: DiskOps = DiskOps {
    create_temp: |dir| NamedTempFile::new_in(dir),
    sync: |f| f.as_file().sync_all(),
};

/// Write `bytes` to `path` atomically, creating missing parent folders. `doing` names
/// the action in errors: "cannot {doing} 'PATH': ...", e.g. "save config".
pub fn write_atomic(path: &Path, bytes: &[u8], doing: &str) -> Result<()> {
    write_with(path, doing, &REAL_DISK, &mut |f| f.write_all(bytes))
}

/// [`write_atomic`] with a writer that fills the file (an encoder streaming into it).
pub fn write_atomic_from(
    path: &Path,
    doing: &str,
    fill: &mut dyn FnMut(&mut fs::File) -> io::Result<()>,
) -> Result<()> {
    write_with(path, doing, &REAL_DISK, &mut |f| fill(f.as_file_mut()))
}

pub(crate) fn write_with(
    path: &Path,
    doing: &str,
    ops: &DiskOps,
    fill: &mut dyn FnMut(&mut NamedTempFile) -> io::Result<()>,
) -> Result<()> {
    let name = path.display().to_string();
    if path.file_name().is_none() {
        return Err(Error::new(format!(
            "cannot {doing} '{name}': not a file name; give a path that ends in a file name"
        )));
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let unchanged = if path.exists() {
        " (the old file is unchanged)"
    } else {
        ""
    };
    let fail = |step: &str, e: io::Error| {
        let fix = match e.raw_os_error() {
            Some(28) => "the disk is full: free some space or choose another folder",
            Some(30) => "the file system is read-only: choose another folder",
            Some(13) | Some(1) => {
                "the folder is not writable: choose another folder or fix its permissions"
            }
            _ => "check that the folder exists and is writable",
        };
        Error::new(format!(
            "cannot {doing} '{name}': {step}: {e}; {fix}{unchanged}"
        ))
    };
    fs::create_dir_all(&dir).map_err(|e| fail("creating its folder", e))?;
    let mut tmp = (ops.create_temp)(&dir).map_err(|e| fail("creating a temporary file", e))?;
    // on an error the temporary file is removed when `tmp` drops
    fill(&mut tmp).map_err(|e| fail("writing", e))?;
    (ops.sync)(&mut tmp).map_err(|e| fail("flushing to disk", e))?;
    tmp.persist(path)
        .map_err(|e| fail("replacing the file", e.error))?;
    if let Ok(d) = fs::File::open(&dir) {
        // make the rename itself durable; not every platform allows syncing a folder
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Scratch;

    #[test]
    fn a_write_replaces_the_file_whole_and_creates_folders() {
        let dir = Scratch::new("atomic");
        let target = dir.0.join("a/b/out.txt");
        write_atomic(&target, b"first", "write").unwrap();
        write_atomic(&target, b"second, longer", "write").unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"second, longer");
        write_atomic_from(&target, "write", &mut |f| f.write_all(b"streamed")).unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"streamed");
        // nothing but the target is left in the folder
        assert_eq!(fs::read_dir(dir.0.join("a/b")).unwrap().count(), 1);
    }

    #[test]
    fn a_failed_fill_leaves_the_old_file_and_no_temporary() {
        let dir = Scratch::new("atomic-fail");
        let target = dir.file("out.txt", "old");
        let m = write_atomic_from(&target, "write the chart", &mut |f| {
            f.write_all(b"half")?;
            Err(io::Error::other("the encoder failed"))
        })
        .unwrap_err()
        .to_string();
        assert!(
            m.starts_with("cannot write the chart '") && m.contains("the encoder failed"),
            "{m}"
        );
        assert!(m.ends_with("(the old file is unchanged)"), "{m}");
        assert_eq!(fs::read(&target).unwrap(), b"old");
        assert_eq!(fs::read_dir(&dir.0).unwrap().count(), 1);
    }

    #[test]
    fn a_folder_in_the_way_is_a_one_line_error_naming_the_file() {
        let dir = Scratch::new("atomic-dir");
        let p = dir.0.join("x.svg");
        fs::create_dir_all(p.join("inside")).unwrap();
        let e = write_atomic(&p, b"data", "write").unwrap_err().to_string();
        assert!(e.contains("x.svg") && e.starts_with("cannot write"), "{e}");
        assert!(!e.contains('\n'));
        // the temporary file was removed again
        assert_eq!(fs::read_dir(&dir.0).unwrap().count(), 1);
    }

    #[test]
    fn disk_errors_say_what_to_do() {
        let dir = Scratch::new("atomic-disk");
        let target = dir.0.join("exp.toml");
        let full = DiskOps {
            create_temp: REAL_DISK.create_temp,
            sync: |_| Err(io::Error::from_raw_os_error(28)),
        };
        let m = write_with(&target, "save config", &full, &mut |f| f.write_all(b"x"))
            .unwrap_err()
            .to_string();
        assert!(m.contains("exp.toml") && m.contains("disk is full"), "{m}");
        assert!(!target.exists(), "nothing written");
        let read_only = DiskOps {
            create_temp: |_| Err(io::Error::from_raw_os_error(30)),
            sync: REAL_DISK.sync,
        };
        let m = write_with(&target, "save config", &read_only, &mut |_| Ok(()))
            .unwrap_err()
            .to_string();
        assert!(m.contains("read-only"), "{m}");
        let denied = DiskOps {
            create_temp: |_| Err(io::Error::from_raw_os_error(13)),
            sync: REAL_DISK.sync,
        };
        let m = write_with(&target, "save config", &denied, &mut |_| Ok(()))
            .unwrap_err()
            .to_string();
        assert!(m.contains("not writable"), "{m}");
    }
}
