//! From a file (or a folder or glob of files with one schema) straight to per-fold
//! statistics, in bounded memory: polars' streaming engine reads record batches, each batch
//! is cast, one-hot coded and stripped of rows with missing values, and folded into the
//! [`FoldMoments`] (docs/spec.md §8). Only O(K p^2) plus a few batches are held, and the rows
//! themselves only while the table is small (for the SVD and for wide data).
//!
//! Folds: a fold column is read per row. The default folds (a seeded shuffle of the kept
//! rows, docs/spec.md §5) need the number of kept rows before the first row is assigned: it
//! is taken from a row count, and when rows turn out to be dropped for missing values the
//! table is read a second time with the right count, so the folds are exactly those of an
//! in-memory fit.

use std::collections::{BTreeSet, HashSet};
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, sync_channel};

use polars::prelude::*;

use super::design::{
    Categorical, DataSpec, MAX_LEVELS, check_target_scale, copy_numeric, fold_ids as fold_values,
    one_hot,
};
use super::plain_csv::{self, PlainCsv};
use super::table::{Class, class_of, csv_read_error_hint, missing_mask, text_values};
use crate::bail;
use crate::error::{Error, Result};
use crate::solver::{FoldMoments, assign_folds};

/// Values per batch (rows x used columns): large enough for the products to run near the
/// machine's rate, small enough that a few batches in flight stay far below the memory bound.
const BATCH_VALUES: usize = 1 << 22;

/// Rows are kept in memory (for the SVD fallback and wide data) while they hold at most
/// this many values.
pub const KEEP_ROWS_VALUES: usize = 1 << 22;

/// How to assign folds.
#[derive(Debug, Clone, PartialEq)]
pub enum FoldRule {
    /// docs/spec.md §5: K folds from a seeded shuffle of the kept rows.
    Shuffle { k: usize, seed: u64 },
    /// The integer ids of a column; `k` when the config names it (must then agree).
    Column { name: String, k: Option<usize> },
    /// No folds (a path alone): one block of all rows, and no row count needed up front.
    Single,
}

/// A source of record batches: files on disk, or a frame already in memory.
pub enum Source {
    Files { path: String, separator: u8 },
    Frame(DataFrame),
}

/// What a streamed table gives the solvers and the reports.
#[derive(Debug, Clone)]
pub struct Streamed {
    pub source: String,
    /// the source's columns and their types
    pub schema: Vec<(String, String)>,
    pub target: String,
    pub features: Vec<String>,
    /// one-hot coded columns and their levels (the first is the dropped reference level)
    pub levels: Vec<(String, Vec<String>)>,
    pub rows_total: usize,
    pub rows_dropped: usize,
    pub notes: Vec<String>,
    pub moments: FoldMoments,
    /// the fold of every kept row, in file order
    pub fold_ids: Vec<u32>,
    /// the rows (x column-major, y), when the table is small enough to keep
    pub rows: Option<(Vec<f64>, Vec<f64>)>,
}

impl Streamed {
    pub fn n(&self) -> usize {
        self.fold_ids.len()
    }
}

/// How far a read is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadProgress {
    /// rows read so far
    pub rows: usize,
    /// the rows in all: counted (or from the files' metadata), estimated from the bytes
    /// read so far (`estimated`), or 0 when unknown
    pub total: usize,
    pub estimated: bool,
}

/// Progress after each batch; returns whether to go on.
pub type OnBatch<'a> = &'a (dyn Fn(ReadProgress) -> bool + Sync);

/// The file(s) behind `path`: one file, a folder (every data file in it with the same
/// extension), or a glob pattern. Returns the polars path and the format's extension.
pub fn resolve(path: &Path) -> Result<(String, String)> {
    let name = path.display().to_string();
    let has_glob = name.contains(['*', '?', '[']);
    let ext_of = |p: &Path| {
        p.extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default()
    };
    if path.is_dir() {
        let mut exts = BTreeSet::new();
        let entries = std::fs::read_dir(path)
            .map_err(|e| Error::new(format!("cannot list folder '{name}': {e}")))?;
        for e in entries.flatten() {
            let ext = ext_of(&e.path());
            if super::SUPPORTED_EXTENSIONS.contains(&ext.as_str()) {
                exts.insert(ext);
            }
        }
        return match exts.len() {
            0 => bail!(
                "'{name}' is a folder with no data file in it (.csv, .parquet, .ipc, ...); give a file, a folder of data files or a glob"
            ),
            1 => {
                let ext = exts.into_iter().next().unwrap_or_default();
                Ok((format!("{}/*.{ext}", name.trim_end_matches('/')), ext))
            }
            _ => bail!(
                "folder '{name}' mixes data formats ({}); give a glob such as '{name}/*.parquet'",
                exts.into_iter().collect::<Vec<_>>().join(", ")
            ),
        };
    }
    let ext = ext_of(path);
    if !super::SUPPORTED_EXTENSIONS.contains(&ext.as_str()) {
        bail!(
            "cannot read '{name}': its extension is not one of .csv, .tsv, .parquet, .pq, .ipc, .arrow, .feather (rename or convert the file)"
        );
    }
    if !has_glob && !path.exists() {
        bail!("data file '{name}' not found; check the path");
    }
    Ok((name, ext))
}

/// The files a path or glob of [`resolve`] names, for checks polars does not make. A glob
/// is expanded when only its last component has wildcards (`*`, `?`), as `resolve`
/// writes folders; other globs give no files.
pub fn files_of(path: &str) -> Vec<PathBuf> {
    if !path.contains(['*', '?', '[']) {
        return vec![PathBuf::from(path)];
    }
    let p = Path::new(path);
    let (Some(dir), Some(pat)) = (p.parent(), p.file_name().and_then(|f| f.to_str())) else {
        return Vec::new();
    };
    let dir_name = dir.to_string_lossy();
    if dir_name.contains(['*', '?', '[']) || pat.contains('[') {
        return Vec::new();
    }
    let dir = if dir_name.is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    // in name order, as polars expands a glob: the folds follow the row order, which must
    // not depend on the order the folder happens to list its files in
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|f| {
            f.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| wildcard(pat.as_bytes(), n.as_bytes()))
        })
        .collect();
    files.sort();
    files
}

/// `*` and `?` matching of a whole file name.
fn wildcard(pat: &[u8], name: &[u8]) -> bool {
    match (pat.first(), name.first()) {
        (None, None) => true,
        (Some(b'*'), _) => {
            wildcard(&pat[1..], name) || (!name.is_empty() && wildcard(pat, &name[1..]))
        }
        (Some(b'?'), Some(_)) => wildcard(&pat[1..], &name[1..]),
        (Some(a), Some(b)) if a == b => wildcard(&pat[1..], &name[1..]),
        _ => false,
    }
}

/// A lazy scan of the file(s), CSV schemas inferred from the first rows (and from every
/// row when a late value does not fit: see [`scan_checked`]).
fn scan(
    path: &str,
    ext: &str,
    separator: u8,
    infer_rows: Option<usize>,
) -> PolarsResult<LazyFrame> {
    let p = PlRefPath::from(path);
    match ext {
        "csv" | "tsv" => {
            let sep = if ext == "tsv" { b'\t' } else { separator };
            let nulls: Vec<PlSmallStr> = super::table::CSV_NULLS
                .iter()
                .map(|s| PlSmallStr::from(*s))
                .collect();
            LazyCsvReader::new(p)
                .with_has_header(true)
                .with_infer_schema_length(infer_rows)
                .with_separator(sep)
                .with_null_values(Some(NullValues::AllColumns(nulls)))
                .finish()
        }
        "parquet" | "pq" => LazyFrame::scan_parquet(p, ScanArgsParquet::default()),
        _ => LazyFrame::scan_ipc(p, Default::default(), Default::default()),
    }
}

/// The scan's schema.
fn schema_of(lf: &mut LazyFrame, name: &str) -> Result<SchemaRef> {
    lf.collect_schema()
        .map_err(|e| Error::new(format!("cannot read '{name}': {}", csv_read_error_hint(&e))))
}

/// Rows the CSV column types are inferred from on the polars route (a late value that
/// does not fit is read again with every row inferred).
const INFER_ROWS: usize = 10_000;

/// Rows the column types are inferred from before the plain-CSV reader: it only needs to
/// know which columns are numbers, and declines on a later value that is not one.
const PLAIN_INFER_ROWS: usize = 100;

/// Stream a table into per-fold statistics: a plain numeric CSV with the fast reader of
/// `plain_csv`, anything else (or a CSV that reader declines) with polars' streaming
/// engine.
pub fn accumulate(
    source: &Source,
    name: &str,
    spec: &DataSpec,
    folds: &FoldRule,
    keep_rows_values: usize,
    on_batch: OnBatch,
) -> Result<Streamed> {
    if let Some(st) = accumulate_plain(source, name, spec, folds, keep_rows_values, on_batch)? {
        return Ok(st);
    }
    let lazy = |infer_rows: Option<usize>| -> Result<LazyFrame> {
        match source {
            Source::Files { path, separator } => {
                let ext = extension(path);
                if ext == "csv" || ext == "tsv" {
                    let sep = if ext == "tsv" { b'\t' } else { *separator };
                    refuse_lone_quotes(path, sep)?;
                }
                scan(path, &ext, *separator, infer_rows).map_err(|e| {
                    Error::new(format!("cannot read '{name}': {}", csv_read_error_hint(&e)))
                })
            }
            Source::Frame(df) => Ok(df.clone().lazy()),
        }
    };
    // Parquet files are read a row group at a time (bounded memory); a glob that
    // `files_of` does not expand goes to polars' streaming engine
    let preferred = match source {
        Source::Files { path, .. } if matches!(extension(path).as_str(), "parquet" | "pq") => {
            let files = files_of(path);
            if files.is_empty() {
                Preferred::Polars
            } else {
                Preferred::RowGroups(files)
            }
        }
        Source::Files { path, .. }
            if matches!(extension(path).as_str(), "ipc" | "arrow" | "feather") =>
        {
            let files = files_of(path);
            if files.is_empty() {
                Preferred::Polars
            } else {
                Preferred::IpcSlices(files)
            }
        }
        _ => Preferred::Polars,
    };
    let request = Request::new(name, spec, folds, keep_rows_values, on_batch);
    let run = |infer_rows: Option<usize>| -> Result<Streamed> {
        let mut lf = lazy(infer_rows)?;
        let schema = schema_of(&mut lf, name)?;
        stream_with_schema(lf, &schema, &request, &preferred)
    };
    match run(Some(INFER_ROWS)) {
        // a value past the rows the schema was inferred from did not fit its column's
        // type (a late string): infer from every row, as the in-memory reader does
        Err(e) if matches!(source, Source::Files { .. }) && is_late_type_error(e.message()) => {
            run(None)
        }
        r => r,
    }
}

/// [`accumulate`] with the plain-CSV reader alone: `None` when the source is not CSV
/// files or the reader declines them (then nothing was accumulated).
pub fn accumulate_plain(
    source: &Source,
    name: &str,
    spec: &DataSpec,
    folds: &FoldRule,
    keep_rows_values: usize,
    on_batch: OnBatch,
) -> Result<Option<Streamed>> {
    let Source::Files { path, separator } = source else {
        return Ok(None);
    };
    let ext = extension(path);
    if ext != "csv" && ext != "tsv" {
        return Ok(None);
    }
    let sep = if ext == "tsv" { b'\t' } else { *separator };
    refuse_lone_quotes(path, sep)?;
    let Some(plain) = PlainCsv::open(files_of(path), sep) else {
        return Ok(None);
    };
    let request = Request::new(name, spec, folds, keep_rows_values, on_batch);
    let run = || -> Result<Streamed> {
        let mut lf = scan(path, &ext, sep, Some(PLAIN_INFER_ROWS)).map_err(|e| {
            plain.decline();
            Error::new(format!("cannot read '{name}': {}", csv_read_error_hint(&e)))
        })?;
        let schema = schema_of(&mut lf, name).inspect_err(|_| plain.decline())?;
        stream_with_schema(lf, &schema, &request, &Preferred::Plain(&plain))
    };
    match run() {
        Err(_) if plain.declined() => Ok(None),
        r => r.map(Some),
    }
}

/// polars' CSV parser reads out of bounds on a file whose last field is a lone quote:
/// refuse such a file before polars sees it.
fn refuse_lone_quotes(path: &str, sep: u8) -> Result<()> {
    match files_of(path)
        .into_iter()
        .find(|f| super::sniff::lone_quote_at_end(&super::sniff::file_tail(f), sep))
    {
        Some(f) => Err(super::sniff::lone_quote_error(&f.display().to_string())),
        None => Ok(()),
    }
}

fn extension(path: &str) -> String {
    path.rsplit('.')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase()
}

fn is_late_type_error(msg: &str) -> bool {
    msg.contains("could not parse")
        || msg.contains("infer_schema_length")
        || msg.contains("conversion")
}

/// What a read is for, passed down unchanged: the source's name (for messages), the data
/// spec, the fold rule, how many values of rows to keep, and the progress callback.
#[derive(Clone, Copy)]
struct Request<'a> {
    src: &'a str,
    spec: &'a DataSpec,
    folds: &'a FoldRule,
    keep_rows_values: usize,
    on_batch: OnBatch<'a>,
}

impl<'a> Request<'a> {
    fn new(
        src: &'a str,
        spec: &'a DataSpec,
        folds: &'a FoldRule,
        keep_rows_values: usize,
        on_batch: OnBatch<'a>,
    ) -> Request<'a> {
        Request {
            src,
            spec,
            folds,
            keep_rows_values,
            on_batch,
        }
    }
}

/// What [`stream_pass`] copies out of every batch.
struct Plan {
    target: String,
    fold: Option<String>,
    /// the used feature columns in order, with their levels when one-hot coded
    columns: Vec<(String, Option<Vec<String>>)>,
    features: Vec<String>,
    notes: Vec<String>,
}

impl Plan {
    fn used(&self) -> Vec<String> {
        let mut used: Vec<String> = self.columns.iter().map(|(c, _)| c.clone()).collect();
        used.push(self.target.clone());
        used.extend(self.fold.clone());
        used
    }
}

fn stream_with_schema(
    lf: LazyFrame,
    schema: &Schema,
    request: &Request,
    preferred: &Preferred,
) -> Result<Streamed> {
    let Request {
        src, spec, folds, ..
    } = *request;
    let plain = match preferred {
        Preferred::Plain(p) => Some(*p),
        _ => None,
    };
    let mut excluded: HashSet<String> = HashSet::new();
    loop {
        // with the plain reader, any doubt (a plan error, text to code) goes back to the
        // polars route, which has the last word
        // the levels of text features: with the plain reader's own pass when it reads the
        // file (bounded memory), else one query on polars' streaming engine
        let levels_of = |used: &[String], text: &[&String]| match preferred {
            Preferred::Plain(p) => plain_levels(p, schema, used, text, src),
            Preferred::RowGroups(files) => batch_levels(
                super::row_groups::start(files.clone(), used.to_vec()),
                used,
                text,
                src,
            ),
            Preferred::IpcSlices(files) => batch_levels(
                super::ipc_slices::start(files.clone(), used.to_vec(), batch_rows_for(used)),
                used,
                text,
                src,
            ),
            Preferred::Polars => text_levels(lf.clone(), schema, used, text, src),
        };
        let plan = plan(schema, src, spec, folds, &excluded, &levels_of).inspect_err(|_| {
            if let Some(p) = plain {
                p.decline();
            }
        })?;
        let plain_columns = match plain {
            Some(p) => Some(plain_columns(p, &plan, schema).ok_or_else(|| {
                p.decline();
                Error::new(format!("'{src}' is not a plain numeric CSV"))
            })?),
            None => None,
        };
        let reader = match (preferred, plain_columns) {
            (Preferred::Plain(p), Some(c)) => Reader::Plain(p, c),
            (Preferred::RowGroups(files), _) => Reader::RowGroups(files),
            (Preferred::IpcSlices(files), _) => Reader::IpcSlices(files),
            _ => Reader::Polars,
        };
        // the shuffled folds need the row count before the first row; the others count as
        // they read, and their progress takes a total from the files' metadata or a fast
        // line count (polars' engine) or estimates it from the bytes read (plain reader)
        let counted = match (folds, &reader) {
            (FoldRule::Shuffle { .. }, Reader::Plain(p, _)) => Some(
                p.count_rows()
                    .map_err(|e| Error::new(format!("cannot read '{src}': {e}")))?
                    .ok_or_else(|| Error::new(format!("'{src}' is not a plain numeric CSV")))?,
            ),
            (FoldRule::Shuffle { .. }, _) => Some(count_rows(lf.clone(), src)?),
            _ => None,
        };
        if counted == Some(0) {
            bail!("'{src}' has no data rows; check that the file holds a header row and data");
        }
        let progress_total = match (counted, &reader) {
            (Some(n), _) => n,
            (None, Reader::Plain(..)) => 0,
            (None, _) => count_rows(lf.clone(), src).unwrap_or(0),
        };
        let first = stream_pass(
            lf.clone(),
            &reader,
            &plan,
            request,
            counted.unwrap_or(0),
            progress_total,
        )?;
        let rows_total = counted.unwrap_or(first.read);
        if rows_total == 0 {
            bail!("'{src}' has no data rows; check that the file holds a header row and data");
        }
        // columns with no value at all are left out of the default features, as in memory
        let empty: Vec<String> = first
            .missing
            .iter()
            .filter(|(c, k)| {
                *k == rows_total
                    && spec.features.is_none()
                    && plan.columns.iter().any(|(p, _)| p == c)
            })
            .map(|(c, _)| c.clone())
            .collect();
        if !empty.is_empty() {
            excluded.extend(empty);
            continue;
        }
        let n_kept = first.out.n();
        let redo = n_kept != rows_total && matches!(folds, FoldRule::Shuffle { .. });
        let mut pass = if redo {
            // the folds shuffle the kept rows: assign them again with their true count
            stream_pass(lf.clone(), &reader, &plan, request, n_kept, rows_total)?
        } else {
            first
        };
        if pass.out.n() == 0 {
            bail!(
                "every row of '{src}' has a missing value in a used column ({}); leave those columns out of the features or fill them in",
                fmt_missing(&pass.missing)
            );
        }
        let mut notes = plan.notes.clone();
        if !excluded.is_empty() {
            let mut e: Vec<&String> = excluded.iter().collect();
            e.sort();
            notes.push(format!(
                "left out columns with no values at all: {}",
                e.into_iter().cloned().collect::<Vec<_>>().join(", ")
            ));
        }
        let rows_dropped = rows_total - pass.out.n();
        if rows_dropped > 0 {
            notes.push(format!(
                "dropped {rows_dropped} of {rows_total} rows with a missing value ({})",
                fmt_missing(&pass.missing)
            ));
        }
        if let FoldRule::Column { name, k } = folds {
            check_fold_column(&pass.out.moments, name, *k, src)?;
        }
        pass.out.schema = schema
            .iter()
            .map(|(n, dt)| (n.to_string(), dt.to_string()))
            .collect();
        pass.out.rows_total = rows_total;
        pass.out.rows_dropped = rows_dropped;
        pass.out.notes = notes;
        return Ok(pass.out);
    }
}

/// The reader a source asks for (a pass may still fall back to polars' engine).
enum Preferred<'a> {
    Polars,
    Plain(&'a PlainCsv),
    RowGroups(Vec<PathBuf>),
    IpcSlices(Vec<PathBuf>),
}

/// Where a pass reads its batches from.
enum Reader<'a> {
    Polars,
    /// Parquet files, a row group at a time
    RowGroups(&'a [PathBuf]),
    /// Arrow IPC files, a slice of rows at a time
    IpcSlices(&'a [PathBuf]),
    /// the plain-CSV reader, with the position and kind of each used column
    Plain(&'a PlainCsv, Vec<(usize, plain_csv::Kind)>),
}

/// The used columns of `plan` as the plain reader reads them, or None when it cannot:
/// text to one-hot code, a column polars does not read as numbers, a header that is not
/// the schema's.
fn plain_columns(
    csv: &PlainCsv,
    plan: &Plan,
    schema: &Schema,
) -> Option<Vec<(usize, plain_csv::Kind)>> {
    let header = csv.header();
    if header.len() != schema.len()
        || header
            .iter()
            .zip(schema.iter_names())
            .any(|(h, s)| h != s.as_str())
    {
        return None;
    }
    let text: Vec<&String> = plan
        .columns
        .iter()
        .filter(|(_, levels)| levels.is_some())
        .map(|(c, _)| c)
        .collect();
    plain_kinds(header, schema, &plan.used(), &text, plan.fold.as_deref())
}

/// The position in the header and the reading of each used column: text for the one-hot
/// coded ones, whole numbers for the fold column, floats for the rest (which polars must
/// have inferred as numbers); None when a column is missing or of another type.
fn plain_kinds(
    header: &[String],
    schema: &Schema,
    used: &[String],
    text: &[&String],
    fold: Option<&str>,
) -> Option<Vec<(usize, plain_csv::Kind)>> {
    used.iter()
        .map(|c| {
            let j = header.iter().position(|h| h == c)?;
            if text.contains(&c) {
                return Some((j, plain_csv::Kind::Text));
            }
            let numeric = matches!(schema.get(c)?, DataType::Int64 | DataType::Float64);
            let kind = if fold == Some(c.as_str()) {
                plain_csv::Kind::Int
            } else {
                plain_csv::Kind::Float
            };
            numeric.then_some((j, kind))
        })
        .collect()
}

/// [`text_levels`] with the plain-CSV reader: one pass over the used columns, keeping
/// only the distinct values. Declines (and errs) when the reader cannot read them.
fn plain_levels(
    csv: &PlainCsv,
    schema: &Schema,
    used: &[String],
    text: &[&String],
    src: &str,
) -> Result<(Vec<Vec<String>>, usize)> {
    let not_plain = || {
        csv.decline();
        Error::new(format!("'{src}' is not a plain numeric CSV"))
    };
    // a fold column reads as a number here: only its missing values matter
    let kinds = plain_kinds(csv.header(), schema, used, text, None).ok_or_else(not_plain)?;
    batch_levels(csv.start(kinds), used, text, src)
        .map_err(|e| if csv.declined() { not_plain() } else { e })
}

/// [`text_levels`] over a reader's batches, keeping only the distinct values.
fn batch_levels(
    batches: Receiver<PolarsResult<DataFrame>>,
    used: &[String],
    text: &[&String],
    src: &str,
) -> Result<(Vec<Vec<String>>, usize)> {
    let mut sets: Vec<BTreeSet<String>> = vec![BTreeSet::new(); text.len()];
    let mut rows = 0usize;
    for batch in batches {
        let df = batch
            .map_err(|e| Error::new(format!("cannot read '{src}': {}", csv_read_error_hint(&e))))?;
        let mut keep = vec![true; df.height()];
        for c in used {
            let column = df
                .column(c.as_str())
                .map_err(|e| Error::new(format!("cannot read '{src}': {e}")))?;
            for (k, m) in keep.iter_mut().zip(missing_mask(column)) {
                *k &= !m;
            }
        }
        rows += keep.iter().filter(|&&k| k).count();
        for (set, c) in sets.iter_mut().zip(text) {
            let values = df
                .column(c.as_str())
                .and_then(text_values)
                .map_err(|e| Error::new(format!("cannot read '{src}': {e}")))?;
            for (v, k) in values.iter().zip(&keep) {
                if let (Some(v), true) = (v, k)
                    && !set.contains(v)
                {
                    set.insert(v.to_string());
                }
            }
        }
    }
    Ok((
        sets.into_iter().map(|s| s.into_iter().collect()).collect(),
        rows,
    ))
}

fn fmt_missing(m: &[(String, usize)]) -> String {
    let mut v: Vec<&(String, usize)> = m.iter().filter(|(_, k)| *k > 0).collect();
    v.sort_by_key(|c| std::cmp::Reverse(c.1));
    let mut s = v
        .iter()
        .take(8)
        .map(|(c, k)| format!("{c}: {k}"))
        .collect::<Vec<_>>()
        .join(", ");
    if v.len() > 8 {
        s.push_str(&format!(", and {} more columns", v.len() - 8));
    }
    s
}

fn check_fold_column(fm: &FoldMoments, name: &str, want: Option<usize>, src: &str) -> Result<()> {
    let k = fm.k();
    if let Some(w) = want
        && w != k
    {
        bail!(
            "{src}: fold column '{name}': it has ids 0..={} (K = {k}) but [cv] folds = {w}; make them agree or leave folds out",
            k.saturating_sub(1)
        );
    }
    if k < 2 {
        bail!("{src}: fold column '{name}' has a single fold; cross-validation needs at least 2");
    }
    if let Some(f) = fm.counts().iter().position(|&c| c == 0) {
        bail!(
            "{src}: fold column '{name}' has no rows with fold id {f}; fold ids must be 0, 1, ..., K-1, each used"
        );
    }
    Ok(())
}

/// The number of rows of the scan (read from the files' metadata where they have it).
fn count_rows(lf: LazyFrame, src: &str) -> Result<usize> {
    let df = lf
        .select([len().alias("n")])
        .collect()
        .map_err(|e| Error::new(format!("cannot read '{src}': {}", csv_read_error_hint(&e))))?;
    let n = df
        .column("n")
        .ok()
        .and_then(|c| c.get(0).ok())
        .and_then(|v| v.extract::<u64>())
        .unwrap_or(0);
    Ok(n as usize)
}

/// Target, features and fold column from the schema (docs/spec.md §7 defaults), and the
/// levels of text features from one query over the rows that will be kept.
/// The distinct values of the `text` columns over the rows with no missing value in a
/// `used` column, and the number of those rows.
type LevelsOf<'a> = &'a dyn Fn(&[String], &[&String]) -> Result<(Vec<Vec<String>>, usize)>;

fn plan(
    schema: &Schema,
    src: &str,
    spec: &DataSpec,
    folds: &FoldRule,
    excluded: &HashSet<String>,
    levels_of: LevelsOf,
) -> Result<Plan> {
    let mut notes = Vec::new();
    let has = |c: &str| schema.get(c).is_some();
    let missing_col = |c: &str, role: &str, hint: &str| -> Error {
        let names: Vec<String> = schema.iter_names().take(8).map(|s| s.to_string()).collect();
        let close = schema
            .iter_names()
            .find(|n| n.eq_ignore_ascii_case(c))
            .map(|n| format!(" (did you mean '{n}'?)"))
            .unwrap_or_default();
        Error::new(format!(
            "{role} '{c}' is not a column of '{src}'{close}; available: {}{}; {hint}",
            names.join(", "),
            if schema.len() > 8 {
                format!(", … ({} columns)", schema.len())
            } else {
                String::new()
            }
        ))
    };
    let fold = match folds {
        FoldRule::Column { name, .. } => {
            if !has(name) {
                return Err(missing_col(name, "the fold column", "fix [cv] fold_column"));
            }
            Some(name.clone())
        }
        FoldRule::Shuffle { .. } | FoldRule::Single => None,
    };
    let target = match &spec.target {
        Some(t) => {
            let dt = schema
                .get(t)
                .ok_or_else(|| missing_col(t, "the target", "pick one with --target"))?;
            if fold.as_deref() == Some(t.as_str()) {
                bail!(
                    "target '{t}' is also the fold column in '{src}'; pick another target or another fold column"
                );
            }
            if !matches!(class_of(dt), Class::Numeric | Class::Boolean) {
                bail!(
                    "target '{t}' in '{src}' is not a number; pick a numeric column with --target"
                );
            }
            t.clone()
        }
        None => {
            let all: Vec<(&PlSmallStr, &DataType)> = schema.iter().collect();
            let found = all.into_iter().rev().find(|(n, dt)| {
                fold.as_deref() != Some(n.as_str()) && class_of(dt) == Class::Numeric
            });
            match found {
                Some((n, _)) => {
                    notes.push(format!(
                        "no target given: using '{n}', the last numeric column"
                    ));
                    n.to_string()
                }
                None => bail!(
                    "'{src}' has no numeric column to use as the target; pick one with --target"
                ),
            }
        }
    };
    let explicit = spec.features.is_some();
    let mut sources: Vec<(String, bool)> = Vec::new(); // (column, one-hot)
    match &spec.features {
        Some(list) => {
            if list.is_empty() {
                bail!(
                    "the feature list for '{src}' is empty; name at least one column, or give none to use every usable column"
                );
            }
            let mut seen = HashSet::new();
            for f in list {
                let dt = schema
                    .get(f)
                    .ok_or_else(|| missing_col(f, "feature", "fix the name in --features"))?;
                if !seen.insert(f.as_str()) {
                    bail!("feature '{f}' is listed twice; list each column once");
                }
                if *f == target {
                    bail!("feature '{f}' is the target; remove it from the features");
                }
                if Some(f.as_str()) == fold.as_deref() {
                    bail!(
                        "feature '{f}' is the fold column, which is never a feature; remove it from the features"
                    );
                }
                match class_of(dt) {
                    Class::Numeric | Class::Boolean => sources.push((f.clone(), false)),
                    Class::Text if spec.categorical == Categorical::OneHot => {
                        sources.push((f.clone(), true))
                    }
                    Class::Text => bail!(
                        "feature '{f}' in '{src}' is text but categorical is \"drop\"; set categorical = \"one-hot\" or remove it from the features"
                    ),
                    Class::Other => bail!(
                        "feature '{f}' in '{src}' has type {dt}, which regscope cannot use; remove it from the features or convert it to numbers"
                    ),
                }
            }
        }
        None => {
            let (mut dropped_text, mut other) = (Vec::new(), Vec::new());
            for (n, dt) in schema.iter() {
                let n = n.as_str();
                if n == target || Some(n) == fold.as_deref() || excluded.contains(n) {
                    continue;
                }
                match class_of(dt) {
                    Class::Numeric | Class::Boolean => sources.push((n.to_string(), false)),
                    Class::Text if spec.categorical == Categorical::OneHot => {
                        sources.push((n.to_string(), true))
                    }
                    Class::Text => dropped_text.push(n.to_string()),
                    Class::Other => other.push(format!("{n} ({dt})")),
                }
            }
            if !dropped_text.is_empty() {
                notes.push(format!(
                    "left out text columns (categorical = \"drop\"): {}",
                    dropped_text.join(", ")
                ));
            }
            if !other.is_empty() {
                notes.push(format!(
                    "left out columns of a type regscope cannot use: {}",
                    other.join(", ")
                ));
            }
        }
    }
    // levels of the text features on the rows that will be kept; the identifier rule
    // leaves a column out, which can only keep more rows, so repeat until stable
    let mut levels: Vec<(String, Vec<String>)>;
    loop {
        let text: Vec<&String> = sources
            .iter()
            .filter(|(_, oh)| *oh)
            .map(|(c, _)| c)
            .collect();
        if text.is_empty() {
            levels = Vec::new();
            break;
        }
        let mut used: Vec<String> = sources.iter().map(|(c, _)| c.clone()).collect();
        used.push(target.clone());
        used.extend(fold.clone());
        let (lv, n_kept) = levels_of(&used, &text)?;
        levels = text.iter().map(|c| (*c).clone()).zip(lv).collect();
        if explicit {
            break;
        }
        let before = sources.len();
        sources.retain(|(c, oh)| {
            if !*oh {
                return true;
            }
            let l = levels.iter().find(|(n, _)| n == c).map_or(0, |(_, l)| l.len());
            let id = l > MAX_LEVELS || (l == n_kept && n_kept > 1);
            if id {
                let anyway = if l > MAX_LEVELS {
                    format!("over {MAX_LEVELS}, too many to one-hot code")
                } else {
                    "name it in the features to one-hot code it anyway".to_string()
                };
                notes.push(format!(
                    "left out '{c}': a text column with {l} distinct values in {n_kept} rows looks like an identifier ({anyway})"
                ));
            }
            !id
        });
        if sources.len() == before {
            break;
        }
    }
    let mut features = Vec::new();
    let mut columns = Vec::new();
    for (c, oh) in &sources {
        if *oh {
            let l = levels
                .iter()
                .find(|(n, _)| n == c)
                .map(|(_, l)| l.clone())
                .unwrap_or_default();
            if l.len() > MAX_LEVELS {
                bail!(
                    "feature '{c}' in '{src}' is text with {} distinct values, over the {MAX_LEVELS} regscope will one-hot code; leave it out of the features or recode it as numbers",
                    l.len()
                );
            }
            if l.len() == 1 {
                notes.push(format!(
                    "'{c}' has the single value '{}' in the kept rows: no dummy column",
                    l[0]
                ));
            }
            features.extend(l.iter().skip(1).map(|v| format!("{c}_{v}")));
            columns.push((c.clone(), Some(l)));
        } else {
            features.push(c.clone());
            columns.push((c.clone(), None));
        }
    }
    if features.is_empty() {
        bail!(
            "no usable feature left in '{src}' besides the target '{target}'; add numeric columns or name the features to use with --features"
        );
    }
    Ok(Plan {
        target,
        fold,
        columns,
        features,
        notes,
    })
}

/// Distinct values of each text column, in byte order, over the rows with no missing
/// value in a used column, and the number of those rows: one query.
fn text_levels(
    lf: LazyFrame,
    schema: &Schema,
    used: &[String],
    text: &[&String],
    src: &str,
) -> Result<(Vec<Vec<String>>, usize)> {
    let mut keep = lit(true);
    for c in used {
        let mut e = col(c.as_str()).is_not_null();
        if schema.get(c).is_some_and(|d| d.is_float()) {
            e = e.and(col(c.as_str()).is_not_nan());
        }
        keep = keep.and(e);
    }
    let kept = lf.filter(keep);
    let mut exprs: Vec<Expr> = text
        .iter()
        .map(|c| {
            col(c.as_str())
                .cast(DataType::String)
                .unique()
                .implode(false)
                .alias(c.as_str())
        })
        .collect();
    exprs.push(len().alias("__regscope_rows"));
    let df = kept
        .select(exprs)
        // the streaming engine: the in-memory one materializes the used columns
        .collect_with_engine(Engine::Streaming)
        // a query without a multi-sink gives one frame (polars' own collect() relies on it)
        .map(|r| r.unwrap_single())
        .map_err(|e| Error::new(format!("cannot read '{src}': {}", csv_read_error_hint(&e))))?;
    let rows = df
        .column("__regscope_rows")
        .ok()
        .and_then(|c| c.get(0).ok())
        .and_then(|v| v.extract::<u64>())
        .unwrap_or(0) as usize;
    let mut out = Vec::new();
    for c in text {
        let column = df
            .column(c.as_str())
            .map_err(|e| Error::new(format!("cannot read '{src}': {e}")))?;
        let list = column
            .list()
            .map_err(|e| Error::new(format!("cannot read '{src}': {e}")))?;
        let mut set = BTreeSet::new();
        if let Some(inner) = list.get_as_series(0) {
            let s = text_values(&inner.into_column())
                .map_err(|e| Error::new(format!("cannot read '{src}': {e}")))?;
            set.extend(s.iter().flatten().map(str::to_string));
        }
        out.push(set.into_iter().collect());
    }
    Ok((out, rows))
}

/// Rows per batch: about BATCH_VALUES values of the used columns.
fn batch_rows_for(used: &[String]) -> usize {
    (BATCH_VALUES / used.len().max(1)).clamp(1024, 1 << 20)
}

/// One pass's result, with the missing counts of the used columns.
struct Pass {
    out: Streamed,
    missing: Vec<(String, usize)>,
    /// rows read, kept or not
    read: usize,
}

/// Read every batch, drop rows with missing values, fill x, y and the folds, and fold the
/// batch into the statistics. `n_assumed` is the number of kept rows the default folds
/// are drawn for; `total` the rows of the table, when known (else 0; the plain reader
/// then estimates it), for progress.
fn stream_pass(
    lf: LazyFrame,
    reader: &Reader,
    plan: &Plan,
    request: &Request,
    n_assumed: usize,
    total: usize,
) -> Result<Pass> {
    let Request {
        src,
        folds,
        keep_rows_values,
        on_batch,
        ..
    } = *request;
    let used = plan.used();
    let p = plan.features.len();
    let shuffled: Option<Vec<usize>> = match folds {
        FoldRule::Shuffle { k, seed } => Some(assign_folds(n_assumed, *k, *seed)),
        FoldRule::Column { .. } | FoldRule::Single => None,
    };
    let k0 = match folds {
        FoldRule::Shuffle { k, .. } => *k,
        FoldRule::Column { k, .. } => k.unwrap_or(1),
        FoldRule::Single => 1,
    };
    let batch_rows = batch_rows_for(&used);
    let rx = match reader {
        Reader::Plain(csv, columns) => csv.start(columns.clone()),
        Reader::RowGroups(files) => super::row_groups::start(files.to_vec(), used.clone()),
        Reader::IpcSlices(files) => {
            super::ipc_slices::start(files.to_vec(), used.clone(), batch_rows)
        }
        Reader::Polars => start_batches(
            lf.select(used.iter().map(|c| col(c.as_str())).collect::<Vec<_>>()),
            batch_rows,
        ),
    };
    let mut moments = FoldMoments::new(k0, p);
    let mut fold_ids: Vec<u32> = Vec::new();
    let mut missing: Vec<(String, usize)> = used.iter().map(|c| (c.clone(), 0)).collect();
    let mut rows: Option<(Vec<f64>, Vec<f64>)> = Some((Vec::new(), Vec::new()));
    let mut kept_rows: Vec<Vec<f64>> = Vec::new(); // kept x columns while rows are kept
    let mut seen = 0usize;
    // a batch larger than `batch_rows` (a Parquet row group) is taken a slice at a time,
    // so the copies below stay one slice
    let slices = rx
        .into_iter()
        .flat_map(|batch| -> Vec<PolarsResult<DataFrame>> {
            match batch {
                Ok(df) => (0..df.height())
                    .step_by(batch_rows)
                    .map(|at| Ok(df.slice(at as i64, batch_rows)))
                    .collect(),
                Err(e) => vec![Err(e)],
            }
        });
    for batch in slices {
        let df = batch
            .map_err(|e| Error::new(format!("cannot read '{src}': {}", csv_read_error_hint(&e))))?;
        let h = df.height();
        // rows with a missing value in a used column are dropped
        let mut keep = vec![true; h];
        for (i, c) in used.iter().enumerate() {
            let column = df
                .column(c.as_str())
                .map_err(|e| Error::new(format!("cannot read '{src}': {e}")))?;
            let mask = missing_mask(column);
            for (k, m) in keep.iter_mut().zip(&mask) {
                if *m {
                    *k = false;
                }
            }
            missing[i].1 += mask.iter().filter(|&&m| m).count();
        }
        let nb = keep.iter().filter(|&&k| k).count();
        let kept = (nb < h).then_some(keep.as_slice());
        let mut x = vec![0.0; nb * p];
        let mut j = 0;
        for (c, lv) in &plan.columns {
            let column = df
                .column(c.as_str())
                .map_err(|e| Error::new(format!("cannot read '{src}': {e}")))?;
            let width = lv.as_ref().map_or(1, |l| l.len().saturating_sub(1));
            let block = &mut x[j * nb..(j + width) * nb];
            match lv {
                None => copy_numeric(src, column, kept, block).map_err(|e| row_offset(e, seen))?,
                Some(l) => one_hot(src, column, l, kept, block)?,
            }
            j += width;
        }
        let mut y = vec![0.0; nb];
        let tcol = df
            .column(plan.target.as_str())
            .map_err(|e| Error::new(format!("cannot read '{src}': {e}")))?;
        copy_numeric(src, tcol, kept, &mut y).map_err(|e| row_offset(e, seen))?;
        check_target_scale(src, &plan.target, &y, kept).map_err(|e| row_offset(e, seen))?;
        let ids: Vec<u32> = match (&shuffled, &plan.fold) {
            (Some(all), _) => {
                let start = fold_ids.len();
                (0..nb)
                    .map(|i| all.get(start + i).copied().unwrap_or(0) as u32)
                    .collect()
            }
            (None, Some(fc)) => {
                let column = df
                    .column(fc.as_str())
                    .map_err(|e| Error::new(format!("cannot read '{src}': {e}")))?;
                let vals = fold_values(src, column, kept)?;
                let mut ids = Vec::with_capacity(vals.len());
                for (i, v) in vals.into_iter().enumerate() {
                    if v < 0 || v > u32::MAX as i64 / 2 {
                        bail!(
                            "{src}: fold column '{fc}': data row {} has fold id {v}; fold ids must be 0, 1, ..., K-1",
                            seen + i + 1
                        );
                    }
                    ids.push(v as u32);
                }
                let kmax = ids.iter().copied().max().map_or(0, |m| m as usize + 1);
                moments.ensure_folds(kmax);
                ids
            }
            (None, None) => vec![0; nb],
        };
        if shuffled.is_some() && fold_ids.len() + nb > n_assumed {
            // more kept rows than counted: the files changed under us
            bail!("'{src}' changed while it was read (more rows than counted); read it again");
        }
        moments.add_block(&x, &y, &ids);
        fold_ids.extend_from_slice(&ids);
        if let Some((_, ys)) = &mut rows {
            if (ys.len() + nb) * p <= keep_rows_values || ys.len() + nb < p {
                kept_rows.push(x);
                ys.extend_from_slice(&y);
            } else {
                rows = None;
                kept_rows = Vec::new();
            }
        }
        seen += h;
        let estimate = match reader {
            Reader::Plain(csv, _) if total == 0 => csv.estimate_rows(),
            _ => None,
        };
        let progress = ReadProgress {
            rows: seen,
            total: estimate.map_or(total, |e| e.max(seen)),
            estimated: estimate.is_some(),
        };
        if !on_batch(progress) {
            bail!("cancelled");
        }
    }
    let rows = rows.map(|(_, ys)| {
        let n = ys.len();
        let mut xs = vec![0.0; n * p];
        for j in 0..p {
            let mut at = j * n;
            for b in &kept_rows {
                let nb = b.len() / p.max(1);
                xs[at..at + nb].copy_from_slice(&b[j * nb..(j + 1) * nb]);
                at += nb;
            }
        }
        (xs, ys)
    });
    let levels = plan
        .columns
        .iter()
        .filter_map(|(c, l)| l.clone().map(|l| (c.clone(), l)))
        .collect();
    Ok(Pass {
        out: Streamed {
            source: src.to_string(),
            schema: Vec::new(),
            target: plan.target.clone(),
            features: plan.features.clone(),
            levels,
            rows_total: 0,
            rows_dropped: 0,
            notes: Vec::new(),
            moments,
            fold_ids,
            rows,
        },
        missing,
        read: seen,
    })
}

/// An error from a batch names rows within the batch: make them rows of the file.
fn row_offset(e: Error, seen: usize) -> Error {
    if seen == 0 {
        return e;
    }
    let msg = e.message();
    if let Some(at) = msg.find("data row ") {
        let rest = &msg[at + 9..];
        let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
        if let Ok(r) = digits.parse::<usize>() {
            return Error::new(format!(
                "{}data row {}{}",
                &msg[..at],
                r + seen,
                &rest[digits.len()..]
            ));
        }
    }
    e
}

/// Run the query on polars' streaming engine in its own thread, handing over batches of
/// about `batch_rows` rows in order through a channel of two: the reader stays at most two
/// batches ahead, and stops when the receiver goes away (cancel).
fn start_batches(lf: LazyFrame, batch_rows: usize) -> Receiver<PolarsResult<DataFrame>> {
    let (tx, rx) = sync_channel::<PolarsResult<DataFrame>>(2);
    let err_tx = tx.clone();
    std::thread::spawn(move || {
        let sink = lf.sink_batches(
            PlanCallback::new(move |df: DataFrame| Ok(tx.send(Ok(df)).is_err())),
            true,
            NonZeroUsize::new(batch_rows),
        );
        let result = sink.and_then(|lf| lf.collect_with_engine(Engine::Streaming));
        if let Err(e) = result {
            let _ = err_tx.send(Err(e));
        }
    });
    rx
}
