//! Dense products through faer, shared by the solvers.

use faer::linalg::matmul::triangular::{BlockStructure, matmul};
use faer::{Accum, Mat, MatRef, Par};

/// Z^T Z of a column-major n x p matrix as a full symmetric p x p column-major Vec.
/// Only the lower triangle is computed (half the flops of a plain product), on all cores
/// when the product is large enough to pay for the threads.
pub fn gram(z: &[f64], n: usize, p: usize) -> Vec<f64> {
    let zr = MatRef::from_column_major_slice(z, n, p);
    let mut g = Mat::<f64>::zeros(p, p);
    let par = if n * p * p > 1 << 22 {
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
            let v = g[(i, j)];
            out[j * p + i] = v;
            out[i * p + j] = v;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
