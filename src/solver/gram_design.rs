//! A design known only through its statistics: G = Z^T Z, q = Z^T y_c and the scaling that
//! maps standardized coefficients back to the original columns (docs/spec.md §2).
//!
//! It is built from [`Moments`] (a file streamed into statistics, a statistics file, the
//! training folds of a CV) or from a [`Prepared`] design held in memory; both feed the same
//! n >= p solvers.

use super::gram::GramProblem;
use super::moments::Moments;
use super::prep::{Prepared, is_constant};

/// How standardized coefficients map back: w_j = beta_j / scale_j, b0 = ybar - sum mean_j w_j.
#[derive(Debug, Clone, PartialEq)]
pub struct Scaling {
    /// column means (0 without an intercept)
    pub x_mean: Vec<f64>,
    /// what each column was divided by (1 without `standardize` and for constant columns)
    pub scale: Vec<f64>,
    /// docs/spec.md §2 constant columns: coefficient 0
    pub constant: Vec<bool>,
    /// mean(y), or 0 without an intercept
    pub y_mean: f64,
    pub fit_intercept: bool,
}

impl Scaling {
    pub fn p(&self) -> usize {
        self.scale.len()
    }

    /// Coefficients on the original scale from standardized ones.
    pub fn to_original(&self, beta: &[f64]) -> Vec<f64> {
        beta.iter()
            .zip(&self.scale)
            .zip(&self.constant)
            .map(|((b, s), c)| if *c { 0.0 } else { b / s })
            .collect()
    }

    /// b0 = mean(y) - sum_j mean_j w_j (0 without an intercept).
    pub fn intercept(&self, w: &[f64]) -> f64 {
        if !self.fit_intercept {
            return 0.0;
        }
        self.y_mean - w.iter().zip(&self.x_mean).map(|(w, m)| w * m).sum::<f64>()
    }

    pub fn constant_indices(&self) -> Vec<usize> {
        (0..self.p()).filter(|&j| self.constant[j]).collect()
    }
}

/// The statistics the n >= p solvers need.
#[derive(Debug, Clone)]
pub struct GramDesign {
    n: usize,
    prob: GramProblem,
    scaling: Scaling,
}

impl GramDesign {
    /// From accumulated statistics. `standardize` and `fit_intercept` as in docs/spec.md §2.
    /// Fails (naming the column index) only when an unstandardized column is so large that
    /// its cross-products overflow.
    pub fn from_moments(
        m: &Moments,
        standardize: bool,
        fit_intercept: bool,
    ) -> Result<GramDesign, String> {
        let p = m.p();
        let n = m.n() as usize;
        let nf = m.n() as f64;
        let c = m.stored_c();
        let cy = m.stored_cy();
        let mean = m.stored_mean();
        // the second moments the design uses, in stored units: centred with an intercept,
        // raw (sum x x^T = C + n m m^T) without one
        let moment = |i: usize, j: usize| {
            if fit_intercept {
                c[j * p + i]
            } else {
                c[j * p + i] + nf * mean[i] * mean[j]
            }
        };
        let mut d = vec![1.0; p];
        let mut scale = vec![1.0; p];
        let mut constant = vec![false; p];
        let mut x_mean = vec![0.0; p];
        for j in 0..p {
            let unit = m.unit(j);
            let sd_stored = if n > 0 {
                (moment(j, j).max(0.0) / nf).sqrt()
            } else {
                0.0
            };
            let sd_x = sd_stored * unit;
            constant[j] = n == 0 || is_constant(sd_x, m.max_abs(j), fit_intercept);
            if fit_intercept {
                x_mean[j] = m.mean(j);
            }
            if constant[j] {
                continue;
            }
            // z_j = x_j / scale_j = stored_j * unit_j / scale_j, so G divides by d = scale / unit
            if standardize {
                scale[j] = sd_x;
                d[j] = sd_stored;
            } else {
                d[j] = 1.0 / unit;
            }
        }
        let mut g = vec![0.0; p * p];
        let mut q = vec![0.0; p];
        for j in 0..p {
            if constant[j] {
                continue;
            }
            for i in 0..p {
                if !constant[i] {
                    g[j * p + i] = moment(i, j) / (d[i] * d[j]);
                }
            }
            let my = if fit_intercept {
                cy[j]
            } else {
                cy[j] + nf * mean[j] * m.ymean()
            };
            q[j] = my / d[j];
            if !g[j * p + j].is_finite() || !q[j].is_finite() {
                return Err(format!(
                    "column {j} has values too large to use unstandardized (its squares overflow); turn standardize on or rescale the column"
                ));
            }
        }
        let (y_mean, yy) = if fit_intercept {
            (m.ymean(), m.syy())
        } else {
            (0.0, m.syy() + nf * m.ymean() * m.ymean())
        };
        Ok(GramDesign {
            n,
            prob: GramProblem::new(g, q, yy, p),
            scaling: Scaling {
                x_mean,
                scale,
                constant,
                y_mean,
                fit_intercept,
            },
        })
    }

    /// From a design held in memory (G through one product of its columns).
    pub fn from_prepared(prep: &Prepared) -> GramDesign {
        let (n, p) = (prep.n(), prep.p());
        GramDesign {
            n,
            prob: GramProblem::from_design(prep.z_slice(), prep.y_slice(), n, p, Some(prep.zty())),
            scaling: prep.scaling(),
        }
    }

    pub fn n(&self) -> usize {
        self.n
    }

    pub fn p(&self) -> usize {
        self.prob.p()
    }

    pub fn problem(&self) -> &GramProblem {
        &self.prob
    }

    pub fn scaling(&self) -> &Scaling {
        &self.scaling
    }

    /// ||y_c||^2
    pub fn yy(&self) -> f64 {
        self.prob.yy()
    }

    /// Z^T y_c
    pub fn zty(&self) -> &[f64] {
        self.prob.q()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array1, Array2};

    fn table(n: usize, p: usize) -> (Array2<f64>, Array1<f64>) {
        let x = Array2::from_shape_fn((n, p), |(i, j)| {
            (((i * 31 + j * 17) % 23) as f64 - 11.0) * 0.37 + (j as f64) * 1.5
        });
        let y = Array1::from_shape_fn(n, |i| ((i * 7 % 13) as f64) - 4.2);
        (x, y)
    }

    fn colmajor(x: &Array2<f64>) -> Vec<f64> {
        let (n, p) = x.dim();
        (0..p)
            .flat_map(|j| (0..n).map(move |i| (i, j)))
            .map(|(i, j)| x[(i, j)])
            .collect()
    }

    #[test]
    fn statistics_and_rows_give_the_same_problem() {
        let (n, p) = (40, 4);
        for (standardize, fit_intercept) in
            [(true, true), (false, true), (true, false), (false, false)]
        {
            let (x, y) = table(n, p);
            let m = Moments::from_block(&colmajor(&x), y.as_slice().unwrap(), p);
            let a = GramDesign::from_moments(&m, standardize, fit_intercept).unwrap();
            let b = GramDesign::from_prepared(&Prepared::new(x, y, standardize, fit_intercept));
            let what = format!("standardize {standardize}, intercept {fit_intercept}");
            assert!((a.yy() - b.yy()).abs() <= 1e-12 * b.yy(), "{what}");
            for j in 0..p {
                assert!(
                    (a.zty()[j] - b.zty()[j]).abs() <= 1e-11 * (1.0 + b.zty()[j].abs()),
                    "{what}"
                );
                for i in 0..p {
                    let (ga, gb) = (a.problem().col(j)[i], b.problem().col(j)[i]);
                    assert!(
                        (ga - gb).abs() <= 1e-11 * (1.0 + gb.abs()),
                        "{what}: G[{i},{j}] {ga} vs {gb}"
                    );
                }
                let (sa, sb) = (a.scaling(), b.scaling());
                assert!(
                    (sa.scale[j] - sb.scale[j]).abs() <= 1e-13 * sb.scale[j],
                    "{what}"
                );
                assert!(
                    (sa.x_mean[j] - sb.x_mean[j]).abs() <= 1e-13 * (1.0 + sb.x_mean[j].abs()),
                    "{what}"
                );
                assert_eq!(sa.constant, sb.constant, "{what}");
            }
        }
    }

    #[test]
    fn a_huge_column_standardizes_like_any_other() {
        let (n, p) = (30, 2);
        let (x, y) = table(n, p);
        let mut big = x.clone();
        big.column_mut(0).mapv_inplace(|v| v * 1e306);
        let cm = |a: &Array2<f64>| colmajor(a);
        let small = GramDesign::from_moments(
            &Moments::from_block(&cm(&x), y.as_slice().unwrap(), p),
            true,
            true,
        )
        .unwrap();
        let huge = GramDesign::from_moments(
            &Moments::from_block(&cm(&big), y.as_slice().unwrap(), p),
            true,
            true,
        )
        .unwrap();
        assert!(!huge.scaling().constant[0]);
        for k in 0..p * p {
            let (a, b) = (small.problem().g()[k], huge.problem().g()[k]);
            assert!((a - b).abs() <= 1e-12 * (1.0 + a.abs()), "{a} vs {b}");
        }
        assert!((huge.scaling().scale[0] / small.scaling().scale[0] / 1e306 - 1.0).abs() < 1e-12);
        // unstandardized, its squares overflow: refused with the column named
        let err = GramDesign::from_moments(
            &Moments::from_block(&cm(&big), y.as_slice().unwrap(), p),
            false,
            true,
        )
        .unwrap_err();
        assert!(err.contains("column 0"), "{err}");
    }
}
