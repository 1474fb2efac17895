//! Small dense kernels shared by the solvers: soft threshold, dot, axpy.
//! Written with four independent accumulators so that LLVM vectorizes them.

/// `sign(u) * max(|u| - t, 0)`: exactly 0 whenever `|u| <= t`.
#[inline(always)]
pub fn soft_threshold(u: f64, t: f64) -> f64 {
    if u > t {
        u - t
    } else if u < -t {
        u + t
    } else {
        0.0
    }
}

/// Run `$body` compiled for AVX-512 or AVX2+FMA when the CPU has them (checked once and
/// cached by std), else for the baseline target. LLVM vectorizes the loops 8-wide with
/// AVX-512 and 4-wide with AVX2 instead of 2-wide with the SSE2 baseline. The three
/// variants live in a private module of the kernel's name (modules and functions have
/// separate namespaces), so the tests can run each path whatever the CPU picks.
macro_rules! dispatch {
    ($name:ident($($arg:ident: $ty:ty),*) -> $ret:ty $body:block) => {
        pub fn $name($($arg: $ty),*) -> $ret {
            #[cfg(target_arch = "x86_64")]
            {
                if std::arch::is_x86_feature_detected!("avx512f") {
                    // SAFETY: the CPU supports the features `widest` was compiled for
                    return unsafe { $name::widest($($arg),*) };
                }
                if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
                    // SAFETY: the CPU supports the features `wide` was compiled for
                    return unsafe { $name::wide($($arg),*) };
                }
            }
            $name::body($($arg),*)
        }

        mod $name {
            #[inline(always)]
            pub(super) fn body($($arg: $ty),*) -> $ret $body

            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx512f,avx2,fma")]
            pub(super) fn widest($($arg: $ty),*) -> $ret {
                body($($arg),*)
            }

            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx2,fma")]
            pub(super) fn wide($($arg: $ty),*) -> $ret {
                body($($arg),*)
            }
        }
    };
}

dispatch!(dot(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    // 32 independent sums: four 8-wide (or eight 4-wide) accumulators hide the FMA latency
    let mut acc = [0.0f64; 32];
    let chunks = n / 32;
    for c in 0..chunks {
        let i = c * 32;
        for k in 0..32 {
            acc[k] += a[i + k] * b[i + k];
        }
    }
    let mut rest = [0.0f64; 8];
    let mut i = chunks * 32;
    while i + 8 <= n {
        for k in 0..8 {
            rest[k] += a[i + k] * b[i + k];
        }
        i += 8;
    }
    let mut s = 0.0;
    for t in i..n {
        s += a[t] * b[t];
    }
    for k in 0..8 {
        rest[k] += (acc[k] + acc[k + 8]) + (acc[k + 16] + acc[k + 24]);
    }
    ((rest[0] + rest[4]) + (rest[1] + rest[5])) + ((rest[2] + rest[6]) + (rest[3] + rest[7])) + s
});

dispatch!(axpy(a: f64, x: &[f64], y: &mut [f64]) -> () {
    let n = x.len().min(y.len());
    let (x, y) = (&x[..n], &mut y[..n]);
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi += a * xi;
    }
});

dispatch!(axpy_f32(a: f64, x: &[f32], y: &mut [f64]) -> () {
    let n = x.len().min(y.len());
    let (x, y) = (&x[..n], &mut y[..n]);
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi += a * f64::from(*xi);
    }
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn soft_threshold_is_exactly_zero_inside_the_band() {
        assert_eq!(soft_threshold(1.0, 1.0), 0.0);
        assert_eq!(soft_threshold(-1.0, 1.0), 0.0);
        assert_eq!(soft_threshold(3.0, 1.0), 2.0);
        assert_eq!(soft_threshold(-3.0, 1.0), -2.0);
    }

    /// Every variant of the kernels this CPU can run: the baseline always, the AVX2 and
    /// AVX-512 ones when the CPU has them (each is checked, not just the widest).
    fn paths() -> Vec<&'static str> {
        #[allow(unused_mut)]
        let mut v = vec!["baseline"];
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx2")
                && std::arch::is_x86_feature_detected!("fma")
            {
                v.push("avx2+fma");
            }
            if std::arch::is_x86_feature_detected!("avx512f") {
                v.push("avx512f");
            }
        }
        v
    }

    fn run_dot(path: &str, a: &[f64], b: &[f64]) -> f64 {
        match path {
            "baseline" => dot::body(a, b),
            // SAFETY: `paths` lists a path only when the CPU supports its features
            #[cfg(target_arch = "x86_64")]
            "avx2+fma" => unsafe { dot::wide(a, b) },
            // SAFETY: as above
            #[cfg(target_arch = "x86_64")]
            "avx512f" => unsafe { dot::widest(a, b) },
            _ => unreachable!("unknown path {path}"),
        }
    }

    fn run_axpy(path: &str, a: f64, x: &[f64], y: &mut [f64]) {
        match path {
            "baseline" => axpy::body(a, x, y),
            // SAFETY: `paths` lists a path only when the CPU supports its features
            #[cfg(target_arch = "x86_64")]
            "avx2+fma" => unsafe { axpy::wide(a, x, y) },
            // SAFETY: as above
            #[cfg(target_arch = "x86_64")]
            "avx512f" => unsafe { axpy::widest(a, x, y) },
            _ => unreachable!("unknown path {path}"),
        }
    }

    fn run_axpy_f32(path: &str, a: f64, x: &[f32], y: &mut [f64]) {
        match path {
            "baseline" => axpy_f32::body(a, x, y),
            // SAFETY: `paths` lists a path only when the CPU supports its features
            #[cfg(target_arch = "x86_64")]
            "avx2+fma" => unsafe { axpy_f32::wide(a, x, y) },
            // SAFETY: as above
            #[cfg(target_arch = "x86_64")]
            "avx512f" => unsafe { axpy_f32::widest(a, x, y) },
            _ => unreachable!("unknown path {path}"),
        }
    }

    /// Lengths covering every remainder of the kernels' blocks (32 and 8) at least twice,
    /// the empty slice included.
    const LENGTHS: std::ops::RangeInclusive<usize> = 0..=70;

    /// Small integers: every product and partial sum is exact in f64, so any summation
    /// order gives the same bits and a kernel that drops or repeats an element cannot hide.
    fn ints(n: usize, seed: usize) -> Vec<f64> {
        (0..n)
            .map(|i| ((i * 7 + seed * 13) % 19) as f64 - 9.0)
            .collect()
    }

    fn wavy(n: usize, f: f64) -> Vec<f64> {
        (0..n).map(|i| (i as f64 * f + 0.3).sin() * 1e3).collect()
    }

    #[test]
    fn dot_matches_the_scalar_sum_on_every_length_and_path() {
        for path in &paths() {
            for n in LENGTHS {
                let (a, b) = (ints(n, 1), ints(n, 2));
                let exact: f64 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
                assert_eq!(run_dot(path, &a, &b), exact, "{path}, n = {n}");
                // non-integer values: equal up to the rounding of the summation order
                let (a, b) = (wavy(n, 0.7), wavy(n, 1.3));
                let naive: f64 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
                let size: f64 = a.iter().zip(&b).map(|(x, y)| (x * y).abs()).sum();
                let got = run_dot(path, &a, &b);
                assert!(
                    (got - naive).abs() <= (n as f64) * f64::EPSILON * size,
                    "{path}, n = {n}: {got} vs {naive}"
                );
            }
        }
    }

    #[test]
    fn dot_reads_the_shorter_length_and_any_start() {
        for path in &paths() {
            let (a, b) = (ints(50, 3), ints(45, 4));
            let exact: f64 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
            assert_eq!(run_dot(path, &a, &b), exact, "{path}");
            // slices starting off any vector boundary
            for off in 1..9 {
                let exact: f64 = a[off..].iter().zip(&b[..40]).map(|(x, y)| x * y).sum();
                assert_eq!(
                    run_dot(path, &a[off..], &b[..40]),
                    exact,
                    "{path}, off {off}"
                );
            }
        }
    }

    #[test]
    fn axpy_matches_the_scalar_loop_bit_for_bit_on_every_length_and_path() {
        // Rust never fuses a * x + y into an FMA on its own, so every path gives the bits
        // of the scalar expression
        for path in &paths() {
            for n in LENGTHS {
                let x = wavy(n, 0.7);
                let y0 = wavy(n + 3, 1.1);
                let a = -0.37;
                let mut y = y0.clone();
                run_axpy(path, a, &x, &mut y);
                for i in 0..n {
                    assert_eq!(y[i], y0[i] + a * x[i], "{path}, n = {n}, i = {i}");
                }
                // y longer than x: the tail is untouched
                assert_eq!(y[n..], y0[n..], "{path}, n = {n}");
            }
        }
    }

    #[test]
    fn axpy_f32_matches_the_scalar_loop_bit_for_bit_on_every_length_and_path() {
        for path in &paths() {
            for n in LENGTHS {
                // y of the size of a x, so that an error of an ulp in a x shows in the sum
                let x: Vec<f32> = wavy(n, 0.9).iter().map(|&v| v as f32 * 1e-3).collect();
                let y0: Vec<f64> = wavy(n + 3, 1.7).iter().map(|v| v * 2.5e-5).collect();
                let a = 2.5e-2;
                let mut y = y0.clone();
                run_axpy_f32(path, a, &x, &mut y);
                for i in 0..n {
                    let want = y0[i] + a * f64::from(x[i]);
                    assert_eq!(y[i], want, "{path}, n = {n}, i = {i}");
                }
                assert_eq!(y[n..], y0[n..], "{path}, n = {n}");
                // x longer than y: only y's length is written
                let mut short = y0[..n / 2].to_vec();
                run_axpy_f32(path, a, &x, &mut short);
                for i in 0..n / 2 {
                    assert_eq!(short[i], y0[i] + a * f64::from(x[i]), "{path}, n = {n}");
                }
            }
        }
    }

    #[test]
    fn the_dispatched_kernels_agree_with_the_baseline() {
        for n in [0, 1, 7, 8, 31, 32, 33, 100] {
            let (a, b) = (ints(n, 5), ints(n, 6));
            assert_eq!(dot(&a, &b), dot::body(&a, &b), "n = {n}");
            let (x, y0) = (wavy(n, 0.2), wavy(n, 0.4));
            let (mut y1, mut y2) = (y0.clone(), y0.clone());
            axpy(1.5, &x, &mut y1);
            axpy::body(1.5, &x, &mut y2);
            assert_eq!(y1, y2, "n = {n}");
            let xf: Vec<f32> = x.iter().map(|&v| v as f32).collect();
            let (mut y1, mut y2) = (y0.clone(), y0);
            axpy_f32(1.5, &xf, &mut y1);
            axpy_f32::body(1.5, &xf, &mut y2);
            assert_eq!(y1, y2, "n = {n}");
        }
    }

    /// Lengths well past the blocks, with every remainder of 32 among them, and one large
    /// enough that each loop runs thousands of times.
    const LONG: [usize; 6] = [1000, 1023, 1024, 1025, 4096 + 31, 65_536 + 17];

    /// The dot product in a plain loop, and the size of its terms, for the rounding bound.
    fn reference_dot(a: &[f64], b: &[f64]) -> (f64, f64) {
        let mut s = 0.0;
        let mut size = 0.0;
        for (x, y) in a.iter().zip(b) {
            s += x * y;
            size += (x * y).abs();
        }
        (s, size)
    }

    #[test]
    fn every_kernel_matches_a_plain_loop_on_long_vectors_on_every_path() {
        for path in &paths() {
            for n in LONG {
                // dot: any summation order (and an FMA, which only rounds less) is within
                // n ulps of the sum of |terms| of the plain loop
                let (a, b) = (wavy(n, 0.37), wavy(n, 0.91));
                let (want, size) = reference_dot(&a, &b);
                let got = run_dot(path, &a, &b);
                assert!(
                    (got - want).abs() <= n as f64 * f64::EPSILON * size,
                    "{path}, n = {n}: {got} vs {want}"
                );
                let (a, b) = (ints(n, 7), ints(n, 8));
                assert_eq!(
                    run_dot(path, &a, &b),
                    reference_dot(&a, &b).0,
                    "{path}, n = {n}"
                );
                // axpy and axpy_f32: one rounding per element whatever the width, so the
                // bits of the scalar expression
                let x = wavy(n, 0.53);
                let y0 = wavy(n, 0.29);
                let mut y = y0.clone();
                run_axpy(path, 0.61, &x, &mut y);
                for i in 0..n {
                    assert_eq!(y[i], y0[i] + 0.61 * x[i], "{path}, n = {n}, i = {i}");
                }
                let xf: Vec<f32> = x.iter().map(|&v| v as f32).collect();
                let mut y = y0.clone();
                run_axpy_f32(path, -1.7, &xf, &mut y);
                for i in 0..n {
                    let want = y0[i] + -1.7 * f64::from(xf[i]);
                    assert_eq!(y[i], want, "{path}, n = {n}, i = {i}");
                }
            }
        }
    }

    #[test]
    fn the_axpy_kernels_take_any_start_and_write_only_the_shorter_length() {
        for path in &paths() {
            let x = wavy(80, 0.77);
            let xf: Vec<f32> = x.iter().map(|&v| v as f32).collect();
            let y0 = wavy(80, 0.19);
            // slices starting off any vector boundary, on either side
            for (ox, oy) in (0..9).flat_map(|i| [(i, 0), (0, i), (i, 8 - i)]) {
                let len = 61;
                let mut y = y0.clone();
                run_axpy(path, 0.3, &x[ox..ox + len], &mut y[oy..oy + len]);
                let mut yf = y0.clone();
                run_axpy_f32(path, 0.3, &xf[ox..ox + len], &mut yf[oy..oy + len]);
                for i in 0..y0.len() {
                    let inside = (oy..oy + len).contains(&i);
                    let (want, want_f) = if inside {
                        let j = i - oy + ox;
                        (y0[i] + 0.3 * x[j], y0[i] + 0.3 * f64::from(xf[j]))
                    } else {
                        (y0[i], y0[i])
                    };
                    assert_eq!(y[i], want, "{path}, axpy, offsets {ox} {oy}, i = {i}");
                    assert_eq!(
                        yf[i], want_f,
                        "{path}, axpy_f32, offsets {ox} {oy}, i = {i}"
                    );
                }
            }
            // x longer than y: only y's length is written (axpy_f32 is checked above)
            for n in [0, 1, 7, 33, 70] {
                let mut short = y0[..n].to_vec();
                run_axpy(path, 2.0, &x, &mut short);
                for i in 0..n {
                    assert_eq!(short[i], y0[i] + 2.0 * x[i], "{path}, n = {n}");
                }
            }
        }
    }
}
