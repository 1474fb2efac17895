//! Helpers of the unit tests: scratch folders and a seeded generator of test data.

use std::path::PathBuf;

/// A fresh folder under the system temp dir (`tempfile`), removed on drop; `.0` is its
/// path.
pub(crate) struct Scratch(pub PathBuf, #[allow(dead_code)] tempfile::TempDir);

impl Scratch {
    pub fn new(tag: &str) -> Scratch {
        let dir = tempfile::Builder::new()
            .prefix(&format!("regscope-{tag}-"))
            .tempdir()
            .expect("a scratch folder in the temp dir");
        Scratch(dir.path().to_path_buf(), dir)
    }

    /// Write `contents` to `name` in the folder; its path.
    pub fn file(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let p = self.0.join(name);
        std::fs::write(&p, contents).expect("write a scratch file");
        p
    }
}

/// Knuth's MMIX linear congruential generator: plenty for test data, and the same
/// numbers on every platform.
pub(crate) struct Lcg(u64);

impl Lcg {
    const A: u64 = 6364136223846793005;
    const C: u64 = 1442695040888963407;

    pub fn new(seed: u64) -> Lcg {
        Lcg(seed)
    }

    /// A seed stirred once (different seeds then start far apart).
    pub fn mixed(seed: u64) -> Lcg {
        Lcg(seed.wrapping_mul(Self::A).wrapping_add(Self::C))
    }

    /// Uniform in [-0.5, 0.5).
    pub fn centered(&mut self) -> f64 {
        self.0 = self.0.wrapping_mul(Self::A).wrapping_add(Self::C);
        ((self.0 >> 11) as f64 / (1u64 << 53) as f64) - 0.5
    }
}
