//! docs/spec.md §2 preprocessing, done in place on the design matrix (one copy of X at most).

use ndarray::{Array1, Array2, ShapeBuilder};

/// A design ready for the solvers: `z` is X centred (with an intercept) and scaled
/// (with `standardize`), stored column-major so every column is one contiguous slice.
///
/// The fields are private so that the layout [`Prepared::col`] and [`Prepared::z_slice`]
/// rely on holds: only [`Prepared::new`] and [`Prepared::new_in_units`] build one, and both
/// store `z` column-major (converting it when needed) and derive every statistic from it.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// n x p, column-major. Constant columns are all zero.
    z: Array2<f64>,
    /// y minus its mean (y itself without an intercept).
    y_c: Array1<f64>,
    /// mean(y), or 0 without an intercept.
    y_mean: f64,
    /// column means, or 0 without an intercept.
    x_mean: Vec<f64>,
    /// s_j: the population sd (RMS without an intercept) of each column, in X's units.
    sd: Vec<f64>,
    /// what z was divided by: s_j with `standardize` (1 for constant columns), else 1.
    scale: Vec<f64>,
    /// docs/spec.md §2 constant columns: coefficient 0, never divided by.
    constant: Vec<bool>,
    /// ||y_c||^2
    yy: f64,
    /// Z^T y_c, needed by the grid, every solver and the checks: computed once here
    zty: Vec<f64>,
    standardize: bool,
    fit_intercept: bool,
}

/// docs/spec.md §2: with an intercept a column is constant when s_j <= 1e-12 max(1, max|x_ij|);
/// without one only an all-zero column is.
pub fn is_constant(sd: f64, max_abs: f64, fit_intercept: bool) -> bool {
    if fit_intercept {
        // written so that a NaN sd counts as constant
        sd.is_nan() || sd <= 1e-12 * max_abs.max(1.0)
    } else {
        max_abs.is_nan() || max_abs <= 0.0
    }
}

/// 1 for ordinary magnitudes (no square can overflow or underflow, and the sums are
/// taken as they are); beyond 2^±400, the power of two at or just below `max_abs`:
/// dividing by it is exact and brings the column's values into [-2, 2].
fn pow2_unit(max_abs: f64) -> f64 {
    let ordinary = 2f64.powi(-400)..=2f64.powi(400);
    if max_abs > 0.0 && max_abs.is_finite() && !ordinary.contains(&max_abs) {
        2f64.powi(max_abs.log2().floor() as i32)
    } else {
        1.0
    }
}

/// A column's mean (0 without an intercept) and population sd.
fn moments_of(col: &[f64], fit_intercept: bool) -> (f64, f64) {
    let n = col.len();
    let nf = n as f64;
    let mean = if fit_intercept && n > 0 {
        // two passes: the second removes the rounding of the first
        let m0 = col.iter().sum::<f64>() / nf;
        m0 + col.iter().map(|v| v - m0).sum::<f64>() / nf
    } else {
        0.0
    };
    let ss: f64 = col.iter().map(|v| (v - mean) * (v - mean)).sum();
    (mean, if n > 0 { (ss / nf).sqrt() } else { 0.0 })
}

impl Prepared {
    /// Centre and scale `x` in place (it is converted to column-major first if needed).
    pub fn new(x: Array2<f64>, y: Array1<f64>, standardize: bool, fit_intercept: bool) -> Prepared {
        Prepared::build(x, y, standardize, fit_intercept, None)
    }

    /// Like [`Prepared::new`] for rows of an already prepared design (a CV fold): the docs/spec.md §2
    /// constant test is made in the original units, `x = z * unit_scale`, with the
    /// original columns' largest magnitudes `max_abs_x`.
    pub fn new_in_units(
        z: Array2<f64>,
        y: Array1<f64>,
        standardize: bool,
        fit_intercept: bool,
        unit_scale: &[f64],
        max_abs_x: &[f64],
    ) -> Prepared {
        Prepared::build(
            z,
            y,
            standardize,
            fit_intercept,
            Some((unit_scale, max_abs_x)),
        )
    }

    fn build(
        x: Array2<f64>,
        y: Array1<f64>,
        standardize: bool,
        fit_intercept: bool,
        units: Option<(&[f64], &[f64])>,
    ) -> Prepared {
        let (n, p) = x.dim();
        assert_eq!(y.len(), n, "x and y must have the same number of rows");
        let mut z = if x.t().is_standard_layout() {
            x
        } else {
            let mut f = Array2::<f64>::zeros((n, p).f());
            f.assign(&x);
            f
        };
        let nf = n as f64;
        let mut x_mean = vec![0.0; p];
        let mut sd = vec![0.0; p];
        let mut scale = vec![1.0; p];
        let mut constant = vec![false; p];
        {
            let data = z
                .as_slice_memory_order_mut()
                .expect("column-major matrix is contiguous");
            for j in 0..p {
                let col = &mut data[j * n..(j + 1) * n];
                let max_abs = col.iter().fold(0.0f64, |m, v| m.max(v.abs()));
                // sums and squares in units of a power of two near max|x| (exact), so a
                // column near the float limit neither overflows nor looks constant
                let unit = pow2_unit(max_abs);
                let (mean, s) = if unit == 1.0 {
                    moments_of(col, fit_intercept)
                } else {
                    let scaled: Vec<f64> = col.iter().map(|v| v / unit).collect();
                    let (m, s) = moments_of(&scaled, fit_intercept);
                    (m * unit, s * unit)
                };
                x_mean[j] = mean;
                sd[j] = s;
                let (s_x, max_x) = match units {
                    Some((sc, mx)) => (s * sc[j], mx[j]),
                    None => (s, max_abs),
                };
                if is_constant(s_x, max_x, fit_intercept) {
                    constant[j] = true;
                    col.iter_mut().for_each(|v| *v = 0.0);
                    continue;
                }
                let sc = if standardize { s } else { 1.0 };
                scale[j] = sc;
                let inv = 1.0 / sc;
                col.iter_mut().for_each(|v| *v = (*v - mean) * inv);
            }
        }
        let y_mean = if fit_intercept && n > 0 {
            let m0 = y.sum() / nf;
            m0 + y.iter().map(|v| v - m0).sum::<f64>() / nf
        } else {
            0.0
        };
        let y_c = y.mapv(|v| v - y_mean);
        let yy = y_c.dot(&y_c);
        let zty = {
            let zs = z
                .as_slice_memory_order()
                .expect("column-major matrix is contiguous");
            let ys = y_c.as_slice().expect("y_c is contiguous");
            (0..p)
                .map(|j| super::soft::dot(&zs[j * n..(j + 1) * n], ys))
                .collect()
        };
        Prepared {
            z,
            y_c,
            y_mean,
            x_mean,
            sd,
            scale,
            constant,
            yy,
            zty,
            standardize,
            fit_intercept,
        }
    }

    pub fn n(&self) -> usize {
        self.z.nrows()
    }

    /// z, n x p, column-major (see [`Prepared::col`] for one column as a slice).
    pub fn z(&self) -> &Array2<f64> {
        &self.z
    }

    /// y minus its mean (y itself without an intercept).
    pub fn y_c(&self) -> &Array1<f64> {
        &self.y_c
    }

    /// mean(y), or 0 without an intercept.
    pub fn y_mean(&self) -> f64 {
        self.y_mean
    }

    /// Column means, or 0 without an intercept.
    pub fn x_mean(&self) -> &[f64] {
        &self.x_mean
    }

    /// s_j: the population sd (RMS without an intercept) of each column, in X's units.
    pub fn sd(&self) -> &[f64] {
        &self.sd
    }

    /// What z was divided by: s_j with `standardize` (1 for constant columns), else 1.
    pub fn scale(&self) -> &[f64] {
        &self.scale
    }

    /// The docs/spec.md §2 constant columns: coefficient 0, never divided by.
    pub fn constant(&self) -> &[bool] {
        &self.constant
    }

    /// ||y_c||^2
    pub fn yy(&self) -> f64 {
        self.yy
    }

    /// Z^T y_c, computed once here.
    pub fn zty(&self) -> &[f64] {
        &self.zty
    }

    pub fn standardize(&self) -> bool {
        self.standardize
    }

    pub fn fit_intercept(&self) -> bool {
        self.fit_intercept
    }

    pub fn p(&self) -> usize {
        self.z.ncols()
    }

    /// Column j of z as a contiguous slice.
    #[inline]
    pub fn col(&self, j: usize) -> &[f64] {
        let n = self.n();
        &self.z_slice()[j * n..(j + 1) * n]
    }

    /// z in column-major memory order.
    #[inline]
    pub fn z_slice(&self) -> &[f64] {
        self.z
            .as_slice_memory_order()
            .expect("column-major matrix is contiguous")
    }

    /// `y_c` as a slice.
    pub fn y_slice(&self) -> &[f64] {
        self.y_c.as_slice().expect("y_c is contiguous")
    }

    /// Coefficients on the original scale from standardized ones: w_j = beta_j / scale_j.
    pub fn to_original(&self, beta: &[f64]) -> Vec<f64> {
        self.scaling().to_original(beta)
    }

    /// b0 = mean(y) - sum_j mean_j w_j (0 without an intercept).
    pub fn intercept(&self, w: &[f64]) -> f64 {
        self.scaling().intercept(w)
    }

    /// What maps this design's coefficients back to the original columns.
    pub fn scaling(&self) -> super::gram_design::Scaling {
        super::gram_design::Scaling {
            x_mean: self.x_mean.clone(),
            scale: self.scale.clone(),
            constant: self.constant.clone(),
            y_mean: self.y_mean,
            fit_intercept: self.fit_intercept,
        }
    }

    /// Names of constant columns' indices (for warnings).
    pub fn constant_indices(&self) -> Vec<usize> {
        (0..self.p()).filter(|&j| self.constant[j]).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn columns_near_the_float_limit_are_not_constant() {
        let big: Vec<f64> = (0..50).map(|i| 4e307 * (1.0 + (i as f64) / 50.0)).collect();
        let x = Array2::from_shape_vec((50, 1), big.clone()).unwrap();
        let y = Array1::from_iter((0..50).map(|i| i as f64));
        let p = Prepared::new(x, y, true, true);
        assert_eq!(p.constant, vec![false]);
        let mean = 4e307 * (1.0 + 49.0 / 100.0);
        assert!((p.x_mean[0] / mean - 1.0).abs() < 1e-14, "{}", p.x_mean[0]);
        assert!(p.sd[0].is_finite() && p.sd[0] > 1e306);
        // z is x standardized: unit variance, zero mean
        let z = p.col(0);
        let m: f64 = z.iter().sum::<f64>() / 50.0;
        let v: f64 = z.iter().map(|t| t * t).sum::<f64>() / 50.0;
        assert!(m.abs() < 1e-12 && (v - 1.0).abs() < 1e-12, "{m} {v}");
    }

    #[test]
    fn standardizes_with_population_sd_and_flags_constants() {
        let x = array![
            [1.0, 3.0, 0.0],
            [2.0, 3.0, 0.0],
            [3.0, 3.0, 0.0],
            [4.0, 3.0, 0.0]
        ];
        let y = array![1.0, 2.0, 3.0, 5.0];
        let p = Prepared::new(x, y, true, true);
        assert!(p.z.t().is_standard_layout());
        assert_eq!(p.x_mean[0], 2.5);
        assert!((p.sd[0] - 1.25f64.sqrt()).abs() < 1e-15);
        assert_eq!(p.constant, vec![false, true, true]);
        let c0 = p.col(0);
        assert!((c0.iter().map(|v| v * v).sum::<f64>() - 4.0).abs() < 1e-12);
        assert!(p.col(1).iter().all(|&v| v == 0.0));
        assert_eq!(p.y_mean, 2.75);
        assert!((p.y_c.sum()).abs() < 1e-15);
        // back to the original scale
        let w = p.to_original(&[1.0, 5.0, 5.0]);
        assert_eq!(w[1], 0.0);
        assert!((w[0] - 1.0 / 1.25f64.sqrt()).abs() < 1e-15);
    }

    #[test]
    fn without_intercept_nothing_is_centred_and_only_zero_columns_are_constant() {
        let x = array![[1.0, 3.0, 0.0], [2.0, 3.0, 0.0]];
        let y = array![1.0, 2.0];
        let p = Prepared::new(x, y, true, false);
        assert_eq!(p.constant, vec![false, false, true]);
        assert_eq!(p.y_mean, 0.0);
        assert!((p.sd[1] - 3.0).abs() < 1e-15);
        assert!((p.col(1)[0] - 1.0).abs() < 1e-15);
    }

    #[test]
    fn without_standardize_columns_are_only_centred() {
        let x = array![[1.0], [3.0]];
        let p = Prepared::new(x, array![0.0, 1.0], false, true);
        assert_eq!(p.scale, vec![1.0]);
        assert_eq!(p.col(0), &[-1.0, 1.0]);
    }
}
