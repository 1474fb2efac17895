//! Arrow IPC files read a slice of rows at a time. polars maps an IPC file and the pages
//! it touches stay resident while the mapping lives, so its streaming engine holds most of
//! a large file by the end. Here every slice gets a scan (and a mapping) of its own,
//! dropped before the next; an IPC file's footer indexes its record batches, so a slice
//! reads only the batches it covers. The resident set stays about one slice of the used
//! columns, whatever the file's size.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, sync_channel};

use polars::prelude::*;

/// Read `columns` of `files` in order, `rows` at a time, on a thread of its own. The
/// channel holds no frame (as for Parquet row groups), and the reader stops when the
/// receiver goes away.
pub(super) fn start(
    files: Vec<PathBuf>,
    columns: Vec<String>,
    rows: usize,
) -> Receiver<PolarsResult<DataFrame>> {
    let (tx, rx) = sync_channel::<PolarsResult<DataFrame>>(0);
    std::thread::spawn(move || {
        for f in &files {
            if let Err(e) = read_file(f, &columns, rows, &mut |df| tx.send(Ok(df)).is_ok()) {
                let _ = tx.send(Err(e));
                return;
            }
        }
    });
    rx
}

fn scan(path: &Path, columns: &[String]) -> PolarsResult<LazyFrame> {
    let p = PlRefPath::from(path.to_string_lossy().as_ref());
    Ok(
        LazyFrame::scan_ipc(p, Default::default(), Default::default())?
            .select(columns.iter().map(|c| col(c.as_str())).collect::<Vec<_>>()),
    )
}

/// The slices of one file; `emit` returns whether to go on.
fn read_file(
    path: &Path,
    columns: &[String],
    rows: usize,
    emit: &mut dyn FnMut(DataFrame) -> bool,
) -> PolarsResult<()> {
    let total = scan(path, columns)?
        .select([len().alias("n")])
        .collect()?
        .column("n")?
        .get(0)?
        .extract::<u64>()
        .unwrap_or(0) as usize;
    let step = rows.max(1);
    let mut start = 0;
    while start < total {
        let df = scan(path, columns)?
            .slice(start as i64, step as IdxSize)
            .collect()?;
        start += step;
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
    fn slices_cover_every_row_in_order() {
        let dir = Scratch::new("ipc-slices");
        let n = 1000usize;
        let mut df = DataFrame::new(
            n,
            vec![
                Column::new("a".into(), (0..n as i64).collect::<Vec<_>>()),
                Column::new(
                    "t".into(),
                    (0..n).map(|i| format!("l{}", i % 7)).collect::<Vec<_>>(),
                ),
                Column::new("skip".into(), vec![1.0f64; n]),
            ],
        )
        .unwrap();
        let paths: Vec<PathBuf> = (0..2).map(|k| dir.0.join(format!("p{k}.arrow"))).collect();
        for p in &paths {
            IpcWriter::new(std::fs::File::create(p).unwrap())
                .finish(&mut df)
                .unwrap();
        }
        let frames: Vec<DataFrame> = start(paths, vec!["t".into(), "a".into()], 300)
            .into_iter()
            .map(|f| f.unwrap())
            .collect();
        // 1000 rows in slices of 300: 4 per file
        let heights: Vec<usize> = frames.iter().map(DataFrame::height).collect();
        assert_eq!(heights, [300, 300, 300, 100, 300, 300, 300, 100]);
        assert_eq!(frames[0].get_column_names(), ["t", "a"]);
        let a: Vec<i64> = frames
            .iter()
            .flat_map(|f| {
                f.column("a")
                    .unwrap()
                    .i64()
                    .unwrap()
                    .into_no_null_iter()
                    .collect::<Vec<_>>()
            })
            .collect();
        let want: Vec<i64> = (0..2).flat_map(|_| 0..n as i64).collect();
        assert_eq!(a, want);
    }
}
