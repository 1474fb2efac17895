//! Atomic file writes: a temporary file in the same folder, flushed, then renamed over
//! the target, so an interrupted export never leaves half a chart behind.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Write `bytes` to `path` atomically, creating missing parent folders.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let name = path.display().to_string();
    let fail = |what: &str, e: std::io::Error| {
        Error::new(format!(
            "cannot write '{name}': {what}: {e}; check that the folder is writable"
        ))
    };
    let file_name = path
        .file_name()
        .ok_or_else(|| Error::new(format!("cannot write '{name}': not a file name")))?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&dir).map_err(|e| fail("creating its folder", e))?;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let tmp = dir.join(format!(
        ".{}.tmp-{}-{nanos}",
        file_name.to_string_lossy(),
        std::process::id()
    ));
    let result = (|| {
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .map_err(|e| fail("creating a temporary file", e))?;
        f.write_all(bytes).map_err(|e| fail("writing", e))?;
        f.sync_all().map_err(|e| fail("flushing to disk", e))?;
        drop(f);
        fs::rename(&tmp, path).map_err(|e| fail("replacing the file", e))
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch() -> PathBuf {
        let d = std::env::temp_dir().join(format!(
            "regscope-export-files-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = fs::remove_dir_all(&d);
        d
    }

    #[test]
    fn writes_replaces_and_leaves_no_temporary_file() {
        let d = scratch();
        let p = d.join("sub").join("a.txt");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        let names: Vec<_> = fs::read_dir(p.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("a.txt")]);
        fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn a_folder_in_the_way_is_a_one_line_error_naming_the_file() {
        let d = scratch();
        let p = d.join("x.svg");
        fs::create_dir_all(p.join("inside")).unwrap();
        let e = write_atomic(&p, b"data").unwrap_err().to_string();
        assert!(e.contains("x.svg") && e.contains("cannot write"), "{e}");
        assert!(!e.contains('\n'));
        // the temporary file was removed again
        assert_eq!(fs::read_dir(&d).unwrap().count(), 1);
        fs::remove_dir_all(&d).unwrap();
    }
}
