//! Parquet files read one row group at a time. polars maps a Parquet file and the pages
//! it touches stay resident while the mapping lives, so its streaming engine holds most of
//! a large file by the end. Here every row group gets a reader (and a mapping) of its
//! own, dropped before the next: the resident set stays about one row group of the used
//! columns, whatever the file's size.

use std::fs::File;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, sync_channel};

use polars::prelude::*;

/// Read `columns` of `files` in order, one frame per row group, on a thread of its own.
/// The channel holds no frame: the reader decodes the next row group while the caller
/// works on one, then waits for it to be taken (a row group can be large, so only those
/// two are held), and it stops when the receiver goes away.
pub(super) fn start(
    files: Vec<PathBuf>,
    columns: Vec<String>,
) -> Receiver<PolarsResult<DataFrame>> {
    let (tx, rx) = sync_channel::<PolarsResult<DataFrame>>(0);
    std::thread::spawn(move || {
        for f in &files {
            if let Err(e) = read_file(f, &columns, &mut |df| tx.send(Ok(df)).is_ok()) {
                let _ = tx.send(Err(e));
                return;
            }
        }
    });
    rx
}

/// The row groups of one file; `emit` returns whether to go on.
fn read_file(
    path: &PathBuf,
    columns: &[String],
    emit: &mut dyn FnMut(DataFrame) -> bool,
) -> PolarsResult<()> {
    let metadata = ParquetReader::new(File::open(path)?)
        .get_metadata()?
        .clone();
    let mut start = 0;
    for group in &metadata.row_groups {
        let rows = group.num_rows();
        let mut reader = ParquetReader::new(File::open(path)?);
        reader.set_metadata(metadata.clone());
        let df = reader
            .with_columns(Some(columns.to_vec()))
            .with_slice(Some((start, rows)))
            .finish()?;
        start += rows;
        if !emit(df) {
            return Ok(());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Scratch;

    #[test]
    fn row_groups_come_in_order_with_the_asked_columns() {
        let dir = Scratch::new("row-groups");
        let n = 10_000;
        let mut df = df!(
            "a" => (0..n).map(|i| i as f64).collect::<Vec<_>>(),
            "b" => (0..n).map(|i| format!("t{i}")).collect::<Vec<_>>(),
            "c" => (0..n).map(|i| i as i64 * 2).collect::<Vec<_>>(),
        )
        .unwrap();
        let path = dir.0.join("t.parquet");
        ParquetWriter::new(File::create(&path).unwrap())
            .with_row_group_size(Some(3_000))
            .finish(&mut df)
            .unwrap();
        let second = dir.0.join("u.parquet");
        std::fs::copy(&path, &second).unwrap();
        let frames: Vec<DataFrame> = start(vec![path, second], vec!["c".into(), "a".into()])
            .into_iter()
            .map(|r| r.unwrap())
            .collect();
        assert!(frames.len() > 2, "{} frames", frames.len());
        let mut next = 0usize;
        for df in &frames {
            assert_eq!(df.get_column_names(), ["c", "a"]);
            for v in df.column("a").unwrap().f64().unwrap().iter() {
                assert_eq!(v.unwrap(), (next % n) as f64);
                next += 1;
            }
        }
        assert_eq!(next, 2 * n);
        let missing = start(vec![dir.0.join("t.parquet")], vec!["zz".into()])
            .into_iter()
            .next()
            .unwrap();
        assert!(missing.is_err());
    }
}
