//! glibc allocator settings for a process that allocates and frees matrices of many MB.
//!
//! glibc raises its mmap threshold each time a mapped block is freed (up to 32 MB), so
//! once one matrix has been released the next ones come from the arenas, where a freed
//! matrix stays resident (each thread's arena keeping its own). And small blocks, such as
//! the columns of a polars frame released one by one, are only handed back by
//! `malloc_trim`. Elsewhere than glibc both functions do nothing.
//!
//! The policy is the program's: `main` opts in with [`map_large_blocks`] and
//! [`trim_after_large_frees`]; the library only marks the points where much was freed
//! (`released_large_blocks`), which cost nothing unless the program opted in.

use std::sync::atomic::{AtomicBool, Ordering};

#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod glibc {
    use std::ffi::c_int;

    unsafe extern "C" {
        // int mallopt(int param, int value) and int malloc_trim(size_t pad): any argument
        // is valid, and both are thread-safe
        pub safe fn mallopt(param: c_int, value: c_int) -> c_int;
        pub safe fn malloc_trim(pad: usize) -> c_int;
    }

    /// From glibc's malloc.h.
    pub const M_MMAP_THRESHOLD: c_int = -3;
}

/// Blocks of at least this many bytes get their own mapping, returned to the system when
/// freed.
const MMAP_THRESHOLD: i32 = 1 << 20;

/// Fixes the mmap threshold at `MMAP_THRESHOLD` (1 MiB): call once, at the start of `main`.
pub fn map_large_blocks() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    glibc::mallopt(glibc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
}

static TRIM: AtomicBool = AtomicBool::new(false);

/// Hand the allocator's free pages back to the system at the points the library marks
/// (after a table's columns are copied and freed): call once, at the start of `main`.
pub fn trim_after_large_frees() {
    TRIM.store(true, Ordering::Relaxed);
}

/// Much was just freed: trim the heap if the program asked for it.
pub(crate) fn released_large_blocks() {
    if TRIM.load(Ordering::Relaxed) {
        #[cfg(all(target_os = "linux", target_env = "gnu"))]
        glibc::malloc_trim(0);
    }
}
