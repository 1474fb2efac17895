//! Dense products through faer, shared by the solvers.

/// Products with more multiply-adds than this run on every core (faer's `Par::rayon`);
/// below it the threads would cost more than they save.
pub(crate) const PAR_FLOPS: usize = 1 << 22;

use faer::linalg::matmul::triangular::{BlockStructure, matmul};
use faer::{Accum, MatMut, MatRef, Par};

/// Z^T Z of a column-major n x p matrix as a full symmetric p x p column-major Vec.
/// Only the lower triangle is computed (half the flops of a plain product), on all cores
/// when the product is large enough to pay for the threads, straight into the returned
/// buffer (one p x p matrix alive, not two).
pub fn gram(z: &[f64], n: usize, p: usize) -> Vec<f64> {
    let zr = MatRef::from_column_major_slice(z, n, p);
    lower_product(zr.transpose(), n)
}

/// Z Z^T (n x n) of a column-major n x p matrix, full symmetric column-major: the kernel
/// matrix of a wide design.
pub fn outer_gram(z: &[f64], n: usize, p: usize) -> Vec<f64> {
    let zr = MatRef::from_column_major_slice(z, n, p);
    lower_product(zr, p)
}

/// A A^T for A (d x inner), symmetrized into a full column-major d x d Vec.
///
/// When the inner dimension is very long (tall designs: n >= 64 p) each core takes a
/// contiguous slice of it and computes its own lower triangle sequentially, and the slices'
/// products are summed: the cores then never share an output block, where faer's parallel
/// product splits the small d x d output and leaves them unevenly loaded. That costs one
/// extra d x d buffer per extra core, so on squarer products (where the output is large
/// enough for faer's own split to balance) faer's parallel product is used instead.
fn lower_product(a: MatRef<f64>, inner: usize) -> Vec<f64> {
    let d = a.nrows();
    let mut out = vec![0.0; d * d];
    let big = inner * d * d > PAR_FLOPS;
    let threads = rayon::current_num_threads();
    if big && threads > 1 && inner >= 64 * d {
        let chunk = inner.div_ceil(threads);
        let mut parts: Vec<Vec<f64>> = (1..threads).map(|_| vec![0.0; d * d]).collect();
        rayon::scope(|s| {
            for (t, part) in parts.iter_mut().enumerate() {
                let start = (t + 1) * chunk;
                let len = chunk.min(inner.saturating_sub(start));
                s.spawn(move |_| lower_into(part, a.subcols(start, len), Par::Seq));
            }
            lower_into(&mut out, a.subcols(0, chunk.min(inner)), Par::Seq);
        });
        for part in &parts {
            for j in 0..d {
                for (o, v) in out[j * d + j..(j + 1) * d]
                    .iter_mut()
                    .zip(&part[j * d + j..(j + 1) * d])
                {
                    *o += v;
                }
            }
        }
    } else {
        lower_into(&mut out, a, if big { Par::rayon(0) } else { Par::Seq });
    }
    // mirror the lower triangle into the upper one
    for j in 0..d {
        for i in j + 1..d {
            out[i * d + j] = out[j * d + i];
        }
    }
    out
}

/// The lower triangle of A A^T into `out` (d x d, column-major).
fn lower_into(out: &mut [f64], a: MatRef<f64>, par: Par) {
    let d = a.nrows();
    matmul(
        MatMut::from_column_major_slice_mut(out, d, d),
        BlockStructure::TriangularLower,
        Accum::Replace,
        a,
        BlockStructure::Rectangular,
        a.transpose(),
        BlockStructure::Rectangular,
        1.0,
        par,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The product through a separate faer matrix, as `gram` computed it before writing
    /// into its output directly.
    fn gram_via_mat(z: &[f64], n: usize, p: usize) -> Vec<f64> {
        let zr = MatRef::from_column_major_slice(z, n, p);
        let mut g = faer::Mat::<f64>::zeros(p, p);
        let par = if n * p * p > PAR_FLOPS {
            Par::rayon(0)
        } else {
            Par::Seq
        };
        matmul(
            g.as_mut(),
            BlockStructure::TriangularLower,
            Accum::Replace,
            zr.transpose(),
            BlockStructure::Rectangular,
            zr,
            BlockStructure::Rectangular,
            1.0,
            par,
        );
        let mut out = vec![0.0; p * p];
        for j in 0..p {
            for i in j..p {
                out[j * p + i] = g[(i, j)];
                out[i * p + j] = g[(i, j)];
            }
        }
        out
    }

    #[test]
    fn gram_in_place_is_bitwise_the_product_through_a_matrix() {
        // odd sizes (padded faer strides) and one large enough for the threads
        for (n, p) in [(5, 3), (37, 13), (64, 64), (301, 131)] {
            let z: Vec<f64> = (0..n * p)
                .map(|i| ((i * 7919 % 1013) as f64 - 506.0) / 97.0)
                .collect();
            let (a, b) = (gram(&z, n, p), gram_via_mat(&z, n, p));
            let same = a.iter().zip(&b).all(|(x, y)| x.to_bits() == y.to_bits());
            assert!(same, "n = {n}, p = {p}");
        }
    }

    #[test]
    fn the_parallel_gram_of_a_tall_design_matches_the_naive_product() {
        // n p^2 > 2^22: faer's parallel product
        let (n, p) = (20_001, 16);
        let z: Vec<f64> = (0..n * p)
            .map(|i| ((i * 7919 % 101) as f64 - 50.0) * 0.01)
            .collect();
        let g = gram(&z, n, p);
        for a in 0..p {
            for b in 0..p {
                let want: f64 = (0..n).map(|i| z[a * n + i] * z[b * n + i]).sum();
                assert!((g[b * p + a] - want).abs() < 1e-9 * want.abs().max(1.0));
            }
        }
    }

    #[test]
    fn gram_matches_the_naive_product() {
        let (n, p) = (7, 4);
        let z: Vec<f64> = (0..n * p)
            .map(|i| ((i * 31 % 11) as f64 - 5.0) * 0.3)
            .collect();
        let g = gram(&z, n, p);
        for a in 0..p {
            for b in 0..p {
                let want: f64 = (0..n).map(|i| z[a * n + i] * z[b * n + i]).sum();
                assert!((g[b * p + a] - want).abs() < 1e-12);
            }
        }
        let k = outer_gram(&z, n, p);
        for a in 0..n {
            for b in 0..n {
                let want: f64 = (0..p).map(|j| z[j * n + a] * z[j * n + b]).sum();
                assert!((k[b * n + a] - want).abs() < 1e-12);
            }
        }
    }
}
