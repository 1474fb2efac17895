//! Fold assignment, docs/spec.md §5. The generator is SplitMix64 (Steele, Lea, Flood 2014) driving a
//! Fisher-Yates shuffle; both are fixed here, so a seed gives the same folds in every
//! version of regscope.

/// SplitMix64: tiny, well-mixed and fully specified, so folds never depend on a crate's
/// version.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in 0..bound (bound >= 1) by Lemire's multiply-shift with rejection.
    fn below(&mut self, bound: u64) -> u64 {
        loop {
            let x = self.next();
            let m = (x as u128) * (bound as u128);
            let low = m as u64;
            if low >= bound.wrapping_neg() % bound {
                return (m >> 64) as u64;
            }
        }
    }
}

/// docs/spec.md §5 default folds: shuffle the rows with the seed, then cut K contiguous blocks, the
/// first `n mod K` one row longer. Returns each row's fold id in 0..K.
pub fn assign_folds(n: usize, k: usize, seed: u64) -> Vec<usize> {
    let perm = permutation(n, seed);
    let mut ids = vec![0usize; n];
    let mut start = 0;
    for f in 0..k {
        let size = n / k + usize::from(f < n % k);
        for &row in &perm[start..start + size] {
            ids[row] = f;
        }
        start += size;
    }
    ids
}

/// The rows 0..n shuffled with the seed (the shuffle of the default folds).
pub fn permutation(n: usize, seed: u64) -> Vec<usize> {
    let mut perm: Vec<usize> = (0..n).collect();
    let mut rng = SplitMix64(seed);
    // Fisher-Yates, from the back
    for i in (1..n).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        perm.swap(i, j);
    }
    perm
}

/// Validate user fold ids (a `fold_column`): integers 0..=K-1, every fold non-empty.
/// Returns (ids, K) or a message naming the first problem.
pub fn check_fold_ids(values: &[i64], folds: Option<usize>) -> Result<(Vec<usize>, usize), String> {
    if values.is_empty() {
        return Err("the fold column has no rows".to_string());
    }
    if let Some((row, v)) = values.iter().enumerate().find(|(_, v)| **v < 0) {
        return Err(format!(
            "row {} has fold id {v}; fold ids must be 0, 1, ..., K-1",
            row + 1
        ));
    }
    let k = values.iter().copied().max().unwrap_or(0) as usize + 1;
    if let Some(want) = folds
        && want != k
    {
        return Err(format!(
            "the fold column has ids 0..={} (K = {k}) but [cv] folds = {want}; make them agree or leave folds out",
            k - 1
        ));
    }
    if k < 2 {
        return Err(
            "the fold column has a single fold; cross-validation needs at least 2".to_string(),
        );
    }
    let mut count = vec![0usize; k];
    for &v in values {
        count[v as usize] += 1;
    }
    if let Some(f) = count.iter().position(|&c| c == 0) {
        return Err(format!(
            "fold {f} has no rows; fold ids must be 0, 1, ..., K-1 without gaps"
        ));
    }
    Ok((values.iter().map(|&v| v as usize).collect(), k))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_are_balanced_and_seeded() {
        let ids = assign_folds(32, 5, 42);
        let mut count = [0; 5];
        for &f in &ids {
            count[f] += 1;
        }
        assert_eq!(count, [7, 7, 6, 6, 6]);
        assert_eq!(ids, assign_folds(32, 5, 42));
        assert_ne!(ids, assign_folds(32, 5, 43));
    }

    #[test]
    fn the_generator_is_stable_across_versions() {
        // pinned: changing the generator would silently change every user's folds
        assert_eq!(assign_folds(10, 3, 42), vec![1, 2, 2, 0, 1, 0, 0, 2, 0, 1]);
    }

    #[test]
    fn fold_column_checks() {
        assert_eq!(
            check_fold_ids(&[0, 1, 1, 0], None).unwrap(),
            (vec![0, 1, 1, 0], 2)
        );
        assert!(
            check_fold_ids(&[0, 2, 2], None)
                .unwrap_err()
                .contains("fold 1 has no rows")
        );
        assert!(
            check_fold_ids(&[0, -1], None)
                .unwrap_err()
                .contains("row 2")
        );
        assert!(
            check_fold_ids(&[0, 1], Some(3))
                .unwrap_err()
                .contains("folds = 3")
        );
    }
}
