//! Helpers shared by the integration tests that run the real binary.

#![allow(dead_code)] // each test crate uses some of them

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `regscope args` in `dir` (the current folder when None).
pub fn regscope_in(args: &[&str], dir: Option<&Path>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_regscope"));
    c.args(args);
    if let Some(d) = dir {
        c.current_dir(d);
    }
    c.output().expect("run regscope")
}

/// `regscope args` in `dir` that must succeed.
pub fn regscope_ok_in(args: &[&str], dir: Option<&Path>) -> Output {
    let out = regscope_in(args, dir);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// `regscope args` that must fail: its stderr.
pub fn regscope_fails(args: &[&str]) -> String {
    let out = regscope_in(args, None);
    assert!(!out.status.success(), "{args:?} should fail");
    String::from_utf8_lossy(&out.stderr).to_string()
}

/// A fresh folder under the system temp dir (`tempfile`), removed on drop; `.0` is its
/// path.
pub struct Scratch(pub PathBuf, tempfile::TempDir);

impl Scratch {
    pub fn new() -> Scratch {
        Scratch::tagged("test")
    }

    pub fn tagged(tag: &str) -> Scratch {
        let dir = tempfile::Builder::new()
            .prefix(&format!("regscope-{tag}-"))
            .tempdir()
            .expect("a scratch folder in the temp dir");
        Scratch(dir.path().to_path_buf(), dir)
    }

    pub fn path(&self) -> &Path {
        self.1.path()
    }

    /// Write `contents` to `name` in the folder; its path.
    pub fn file(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let p = self.0.join(name);
        std::fs::write(&p, contents).expect("write a scratch file");
        p
    }
}
