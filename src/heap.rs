//! Giving freed heap memory back to the system.
//!
//! glibc keeps small freed blocks, such as the columns of a polars frame released one by
//! one, in its arenas; only `malloc_trim` hands their pages back. Elsewhere than glibc
//! this does nothing.

#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod glibc {
    use std::ffi::c_int;

    unsafe extern "C" {
        // int malloc_trim(size_t pad): any argument is valid, and it is thread-safe
        pub safe fn malloc_trim(pad: usize) -> c_int;
    }
}

/// Returns the allocator's free pages to the system.
pub fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    glibc::malloc_trim(0);
}
