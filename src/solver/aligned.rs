//! A buffer whose first element sits on a 64-byte boundary (one AVX-512 vector, one cache
//! line). The solvers' axpy kernels store into h, r and the active block's h every update;
//! with the destination misaligned every 64-byte store straddles two cache lines, which
//! roughly halves the kernel's throughput even in L1. `Vec<f64>` only guarantees 8 (malloc
//! 16), so the buffer over-allocates one vector's worth and starts at the first aligned
//! element: no unsafe code, and the heap allocation never moves because the buffer never
//! grows in place.

use std::ops::{Deref, DerefMut};

const ALIGN: usize = 64;

#[derive(Debug, Default)]
pub struct AlignedVec<T> {
    buf: Vec<T>,
    off: usize,
    len: usize,
}

impl<T: Copy + Default> AlignedVec<T> {
    /// `len` copies of `T::default()` (zeros for the floats).
    pub fn zeros(len: usize) -> Self {
        let lanes = (ALIGN / size_of::<T>()).max(1);
        let buf = vec![T::default(); len + lanes - 1];
        // align_offset may decline (usize::MAX) in theory; then stay unaligned, still correct
        let off = match buf.as_ptr().align_offset(ALIGN) {
            o if o < lanes => o,
            _ => 0,
        };
        AlignedVec { buf, off, len }
    }

    pub fn from_slice(v: &[T]) -> Self {
        let mut a = Self::zeros(v.len());
        a.copy_from_slice(v);
        a
    }

    /// Change the length to `len`; the first min(old, new) elements are kept, new ones are
    /// `T::default()`.
    pub fn resize(&mut self, len: usize) {
        if self.off + len <= self.buf.len() {
            let old = self.len;
            self.len = len;
            if len > old {
                self[old..].fill(T::default());
            }
        } else {
            let mut a = Self::zeros(len.max(2 * self.len));
            a.len = len;
            a[..self.len].copy_from_slice(self);
            *self = a;
        }
    }
}

impl<T: Copy + Default> Clone for AlignedVec<T> {
    fn clone(&self) -> Self {
        Self::from_slice(self)
    }
}

impl<T> Deref for AlignedVec<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.buf[self.off..self.off + self.len]
    }
}

impl<T> DerefMut for AlignedVec<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        &mut self.buf[self.off..self.off + self.len]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_on_a_64_byte_boundary_at_any_length() {
        for len in [0, 1, 7, 8, 9, 1000, 4097] {
            let a = AlignedVec::<f64>::zeros(len);
            assert_eq!(a.len(), len);
            assert!(a.iter().all(|&v| v == 0.0));
            assert_eq!(a.as_ptr() as usize % ALIGN, 0, "f64 len {len}");
            let b = AlignedVec::<f32>::zeros(len);
            assert_eq!(b.as_ptr() as usize % ALIGN, 0, "f32 len {len}");
        }
    }

    #[test]
    fn resize_keeps_the_prefix_zeroes_the_rest_and_stays_aligned() {
        let mut a = AlignedVec::from_slice(&[1.0f64, 2.0, 3.0]);
        a.resize(2);
        assert_eq!(&a[..], &[1.0, 2.0]);
        a.resize(4);
        assert_eq!(&a[..], &[1.0, 2.0, 0.0, 0.0]);
        a.resize(100);
        assert_eq!(a.len(), 100);
        assert_eq!(&a[..4], &[1.0, 2.0, 0.0, 0.0]);
        assert!(a[4..].iter().all(|&v| v == 0.0));
        assert_eq!(a.as_ptr() as usize % ALIGN, 0);
        let c = a.clone();
        assert_eq!(&c[..], &a[..]);
        assert_eq!(c.as_ptr() as usize % ALIGN, 0);
    }
}
