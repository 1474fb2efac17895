//! Statistics files: the per-fold statistics of a table with their provenance, so a fit
//! and its CV can be run again without the data (docs/stats-format.md).
//!
//! An Arrow IPC file (readable by pyarrow, polars, DuckDB...). One row per fold and feature:
//! `fold`, `feature`, `n`, `ymean`, `syy` (the fold's scalars, repeated), `mean`, `unit`,
//! `max_abs`, `cy`, and `c_0 .. c_{p-1}` (column j of the fold's centred cross-products).
//! The schema metadata key `regscope.stats` holds the provenance as JSON, with the format
//! name and version.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use crate::bail;
use crate::error::{Error, Result};
use crate::solver::{FoldMoments, Moments};

/// The metadata key of the provenance.
pub const META_KEY: &str = "regscope.stats";
/// The format name and version written and accepted.
pub const FORMAT: &str = "regscope-stats";
pub const VERSION: u32 = 1;

/// Where the statistics came from, and everything a fit from them reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    pub format: String,
    pub version: u32,
    /// the data file(s) as given
    pub source: String,
    /// the source's columns and their polars types
    pub schema: Vec<(String, String)>,
    pub target: String,
    pub features: Vec<String>,
    /// one-hot coded columns and their levels (the first is the reference)
    pub levels: Vec<(String, Vec<String>)>,
    pub folds: FoldProvenance,
    pub rows_total: usize,
    pub rows_dropped: usize,
    /// rows per fold
    pub counts: Vec<u64>,
    pub notes: Vec<String>,
    /// the `regscope` version that wrote the file
    pub written_by: String,
}

/// How the rows were split into folds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "kebab-case")]
pub enum FoldProvenance {
    /// docs/spec.md §5: a seeded shuffle of the kept rows; the ids can be drawn again.
    Shuffle { k: usize, seed: u64 },
    /// A fold column's ids, run-length coded as [id, count] pairs in row order.
    Column { name: String, runs: Vec<(u32, u64)> },
}

impl FoldProvenance {
    /// The fold of every kept row, in row order.
    pub fn fold_ids(&self, n: usize) -> Vec<usize> {
        match self {
            FoldProvenance::Shuffle { k, seed } => crate::solver::assign_folds(n, *k, *seed),
            FoldProvenance::Column { runs, .. } => runs
                .iter()
                .flat_map(|&(id, c)| std::iter::repeat_n(id as usize, c as usize))
                .collect(),
        }
    }

    /// Run-length code fold ids.
    pub fn runs(ids: &[u32]) -> Vec<(u32, u64)> {
        let mut runs: Vec<(u32, u64)> = Vec::new();
        for &id in ids {
            match runs.last_mut() {
                Some((last, c)) if *last == id => *c += 1,
                _ => runs.push((id, 1)),
            }
        }
        runs
    }
}

/// A statistics file's contents.
#[derive(Debug, Clone, PartialEq)]
pub struct StatsFile {
    pub provenance: Provenance,
    pub moments: FoldMoments,
}

/// Write `stats` to `path` atomically: a temporary file in the same folder, renamed over
/// the old one only once complete, so a failed write leaves the old file as it was.
pub fn write(path: &Path, stats: &StatsFile) -> Result<()> {
    let name = path.display().to_string();
    let fm = &stats.moments;
    let p = fm.p();
    let k = fm.k();
    let rows = k * p;
    let mut fold = Vec::with_capacity(rows);
    let mut feature = Vec::with_capacity(rows);
    let (mut n, mut ymean, mut syy) = (
        Vec::with_capacity(rows),
        Vec::with_capacity(rows),
        Vec::with_capacity(rows),
    );
    let (mut mean, mut unit, mut max_abs, mut cy) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut c: Vec<Vec<f64>> = (0..p).map(|_| Vec::with_capacity(rows)).collect();
    for f in 0..k {
        let m = fm.fold(f);
        for j in 0..p {
            fold.push(f as u32);
            feature.push(
                stats
                    .provenance
                    .features
                    .get(j)
                    .cloned()
                    .unwrap_or_default(),
            );
            n.push(m.n());
            ymean.push(m.ymean());
            syy.push(m.syy());
            mean.push(m.stored_mean()[j]);
            unit.push(m.unit(j));
            max_abs.push(m.max_abs(j));
            cy.push(m.stored_cy()[j]);
            for (i, ci) in c.iter_mut().enumerate() {
                ci.push(m.stored_c()[j * p + i]);
            }
        }
    }
    let mut columns: Vec<Column> = vec![
        Column::new("fold".into(), fold),
        Column::new("feature".into(), feature),
        Column::new("n".into(), n),
        Column::new("ymean".into(), ymean),
        Column::new("syy".into(), syy),
        Column::new("mean".into(), mean),
        Column::new("unit".into(), unit),
        Column::new("max_abs".into(), max_abs),
        Column::new("cy".into(), cy),
    ];
    for (i, ci) in c.into_iter().enumerate() {
        columns.push(Column::new(format!("c_{i}").into(), ci));
    }
    let mut df = DataFrame::new(rows, columns)
        .map_err(|e| Error::new(format!("cannot build the statistics for '{name}': {e}")))?;
    let json = serde_json::to_string(&stats.provenance)
        .map_err(|e| Error::new(format!("cannot encode the provenance of '{name}': {e}")))?;
    let mut meta = BTreeMap::new();
    meta.insert(PlSmallStr::from(META_KEY), PlSmallStr::from(json));
    let meta = Arc::new(meta);
    crate::atomic::write_atomic_from(path, "write statistics file", &mut |file| {
        let mut w = IpcWriter::new(file);
        w.set_custom_schema_metadata(meta.clone());
        w.finish(&mut df).map_err(std::io::Error::other)
    })
}

/// Read a statistics file, checking its format, version and shape.
pub fn read(path: &Path) -> Result<StatsFile> {
    let name = path.display().to_string();
    let file = File::open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            Error::new(format!("statistics file '{name}' not found; write one with `regscope stats ... --out {name}`"))
        } else {
            Error::new(format!("cannot open statistics file '{name}': {e}"))
        }
    })?;
    let not_stats = |why: &str| {
        Error::new(format!(
            "'{name}' is not a regscope statistics file ({why}); write one with `regscope stats`"
        ))
    };
    let mut reader = IpcReader::new(file);
    let meta = reader
        .custom_metadata()
        .map_err(|_| not_stats("not an Arrow IPC file"))?;
    let json = meta
        .as_ref()
        .and_then(|m| m.get(META_KEY))
        .ok_or_else(|| not_stats("no regscope.stats metadata"))?;
    let provenance: Provenance =
        serde_json::from_str(json).map_err(|e| not_stats(&format!("bad provenance: {e}")))?;
    if provenance.format != FORMAT {
        return Err(not_stats("another format"));
    }
    if provenance.version > VERSION {
        bail!(
            "statistics file '{name}' has format version {}, newer than this regscope reads ({VERSION}); update regscope",
            provenance.version
        );
    }
    let df = reader
        .finish()
        .map_err(|e| Error::new(format!("cannot read statistics file '{name}': {e}")))?;
    let p = provenance.features.len();
    let k = provenance.counts.len();
    if df.height() != k * p {
        return Err(not_stats(&format!(
            "{} rows for {k} folds of {p} features",
            df.height()
        )));
    }
    let f64_col = |c: &str| -> Result<Vec<f64>> {
        let col = df
            .column(c)
            .map_err(|_| not_stats(&format!("no column {c}")))?;
        let ca = col
            .f64()
            .map_err(|_| not_stats(&format!("column {c} is not f64")))?;
        Ok(ca.iter().map(|v| v.unwrap_or(f64::NAN)).collect())
    };
    let n_col = df.column("n").map_err(|_| not_stats("no column n"))?;
    let n_ca = n_col.u64().map_err(|_| not_stats("column n is not u64"))?;
    let n: Vec<u64> = n_ca.iter().map(|v| v.unwrap_or(0)).collect();
    let (ymean, syy, mean, unit, max_abs, cy) = (
        f64_col("ymean")?,
        f64_col("syy")?,
        f64_col("mean")?,
        f64_col("unit")?,
        f64_col("max_abs")?,
        f64_col("cy")?,
    );
    let c: Vec<Vec<f64>> = (0..p)
        .map(|i| f64_col(&format!("c_{i}")))
        .collect::<Result<_>>()?;
    let mut folds = Vec::with_capacity(k);
    for f in 0..k {
        let r0 = f * p;
        let mut cm = vec![0.0; p * p];
        for j in 0..p {
            for i in 0..p {
                cm[j * p + i] = c[i][r0 + j];
            }
        }
        let (nf, ym, sy) = if p > 0 {
            (n[r0], ymean[r0], syy[r0])
        } else {
            (0, 0.0, 0.0)
        };
        let m = Moments::from_parts(
            p,
            nf,
            mean[r0..r0 + p].to_vec(),
            ym,
            cm,
            cy[r0..r0 + p].to_vec(),
            sy,
            max_abs[r0..r0 + p].to_vec(),
            unit[r0..r0 + p].to_vec(),
        )
        .map_err(|e| not_stats(&e))?;
        folds.push(m);
    }
    Ok(StatsFile {
        provenance,
        moments: FoldMoments::from_folds(folds),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_statistics_file_reads_back_bit_for_bit() {
        let scratch = crate::testing::Scratch::new("stats");
        let dir = &scratch.0;
        let (rows, p) = (30, 3);
        let x: Vec<f64> = (0..rows * p)
            .map(|i| ((i * 37 % 11) as f64) * 0.7 - (i % 5) as f64)
            .collect();
        let y: Vec<f64> = (0..rows).map(|i| (i % 7) as f64 * 1.3).collect();
        let ids: Vec<u32> = (0..rows as u32).map(|i| i % 3).collect();
        let mut fm = FoldMoments::new(3, p);
        fm.add_block(&x, &y, &ids);
        let stats = StatsFile {
            provenance: Provenance {
                format: FORMAT.into(),
                version: VERSION,
                source: "t.csv".into(),
                schema: vec![("a".into(), "f64".into())],
                target: "y".into(),
                features: vec!["a".into(), "b".into(), "c".into()],
                levels: vec![],
                folds: FoldProvenance::Column {
                    name: "fold".into(),
                    runs: FoldProvenance::runs(&ids),
                },
                rows_total: 31,
                rows_dropped: 1,
                counts: fm.counts(),
                notes: vec!["dropped 1 of 31 rows".into()],
                written_by: "test".into(),
            },
            moments: fm,
        };
        let path = dir.join("s.stats.arrow");
        write(&path, &stats).unwrap();
        let back = read(&path).unwrap();
        assert_eq!(back, stats);
        assert_eq!(
            back.provenance.folds.fold_ids(rows),
            ids.iter().map(|&i| i as usize).collect::<Vec<_>>()
        );
        // a data file is refused with a line that says what to do
        let csv = scratch.file("d.csv", b"a,b\n1,2\n");
        let err = read(&csv).unwrap_err().to_string();
        assert!(err.contains("not a regscope statistics file"), "{err}");
    }
}
