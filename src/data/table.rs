//! Reading data files into a [`Table`]: the polars frame plus the name users know it by.

use std::collections::HashSet;
use std::fs::File;
use std::io::{Cursor, Read};
use std::path::Path;

use polars::io::mmap::MmapBytesReader;
use polars::prelude::*;

use super::sniff::{describe, first_ragged_row, header, sniff};

use crate::bail;
use crate::error::{Error, Result};

/// The extensions [`load_table`] understands, for error messages and file pickers.
pub const SUPPORTED_EXTENSIONS: &[&str] =
    &["csv", "tsv", "parquet", "pq", "ipc", "arrow", "feather"];

/// The diabetes data of Efron et al. (2004), compiled in so the workbench starts with
/// something to fit even when no file is given.
pub const DIABETES_CSV: &[u8] = include_bytes!("../../sample-data/diabetes.csv");

/// Strings read as missing in CSV files: empty cells, R's `NA`, and the spellings
/// pandas and polars write for missing floats.
pub(super) const CSV_NULLS: &[&str] = &["", "NA", "NaN", "null"];

/// Bytes of a file read to guess its separator.
const SNIFF_BYTES: u64 = 64 << 10;

/// Bytes of a file read again to explain a CSV parse error.
const EXPLAIN_BYTES: u64 = 16 << 20;

/// How to read a file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoadOptions {
    /// The field separator of CSV/TSV; `None`: guessed from the first lines among
    /// `,` `;` tab and `|`.
    pub separator: Option<u8>,
}

/// A loaded data file. Keeps its source name so every later error can say which file
/// it is about, and notes about how it was read.
#[derive(Debug, Clone)]
pub struct Table {
    df: DataFrame,
    source: String,
    notes: Vec<String>,
}

/// How a column can enter a model, as the target/feature pickers show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnKind {
    /// Integers and floats: used as they are.
    Numeric,
    /// Used as 0/1.
    Boolean,
    /// Strings (and categoricals): one-hot coded; `levels` distinct non-missing values
    /// over the whole table (the identifier rule looks at the kept rows only).
    Text { levels: usize },
    /// Dates, lists, binary...: never used; the polars type name, for display.
    Other(String),
}

/// One column of a [`Table`] as the pickers list it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnInfo {
    pub name: String,
    pub kind: ColumnKind,
    /// Missing values (nulls, and NaN in float columns): rows that would be dropped if
    /// the column were used.
    pub missing: usize,
}

impl Table {
    /// Wraps a frame built elsewhere (tests, other front ends).
    pub fn new(source: impl Into<String>, df: DataFrame) -> Table {
        Table {
            df,
            source: source.into(),
            notes: Vec::new(),
        }
    }

    /// Parses CSV text held in memory (embedded samples, pasted data) with the same
    /// rules as [`load_table`], the separator guessed.
    pub fn from_csv_bytes(name: &str, bytes: &[u8]) -> Result<Table> {
        Table::from_csv_bytes_with(name, bytes, &LoadOptions::default())
    }

    /// [`Table::from_csv_bytes`] with options.
    pub fn from_csv_bytes_with(name: &str, bytes: &[u8], opts: &LoadOptions) -> Result<Table> {
        let head = &bytes[..bytes.len().min(SNIFF_BYTES as usize)];
        let tail = &bytes[bytes.len().saturating_sub(2)..];
        csv_table(
            name,
            head,
            tail,
            &|| Ok(Cursor::new(bytes)),
            b',',
            opts,
            &|| bytes.to_vec(),
        )
    }

    /// How the file was read, when that was a guess the user should know about (a
    /// detected separator, a renamed duplicate header).
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// The file name as the user gave it, for display and error messages.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The frame itself, for views (previews, summaries) this module does not offer.
    pub fn df(&self) -> &DataFrame {
        &self.df
    }

    /// The frame itself, giving up the table: lets a consumer release its columns one by
    /// one (see `crate::data::build_dataset_owned`).
    pub fn into_df(self) -> DataFrame {
        self.df
    }

    /// Rows before any are dropped for missing values.
    pub fn n_rows(&self) -> usize {
        self.df.height()
    }

    /// Names in file order, without the cost of classifying columns.
    pub fn column_names(&self) -> Vec<String> {
        self.df
            .get_column_names()
            .into_iter()
            .map(|s| s.to_string())
            .collect()
    }

    /// Every column with its kind, in file order: what the target/feature pickers list.
    pub fn columns(&self) -> Vec<ColumnInfo> {
        self.df
            .columns()
            .iter()
            .map(|c| ColumnInfo {
                name: c.name().to_string(),
                kind: column_kind(c),
                missing: missing_mask(c).iter().filter(|&&m| m).count(),
            })
            .collect()
    }
}

/// The diabetes table as the default data set. The bytes are checked by the test suite,
/// so parsing them cannot fail at run time.
pub fn embedded_diabetes() -> Table {
    Table::from_csv_bytes("diabetes.csv (built in)", DIABETES_CSV)
        .expect("the embedded diabetes.csv is valid CSV")
}

/// Reads a data file, choosing the format from its extension (CSV/TSV, Parquet,
/// IPC/Feather v2). Every failure is one line naming the file and what to do.
pub fn load_table(path: &Path) -> Result<Table> {
    load_table_with(path, &LoadOptions::default())
}

/// [`load_table`] with options (the CSV separator).
pub fn load_table_with(path: &Path, opts: &LoadOptions) -> Result<Table> {
    let name = path.display().to_string();
    // a folder or a missing file first: its extension is beside the point
    let mut file = open(path, &name)?;
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let supported = SUPPORTED_EXTENSIONS
        .iter()
        .map(|e| format!(".{e}"))
        .collect::<Vec<_>>()
        .join(", ");
    if !SUPPORTED_EXTENSIONS.contains(&ext.as_str()) {
        let what = if ext.is_empty() {
            "has no file extension".to_string()
        } else {
            format!("has the unsupported extension '.{ext}'")
        };
        bail!(
            "cannot read '{name}': it {what}; supported: {supported} (rename or convert the file)"
        );
    }
    let io_error = |e: std::io::Error| {
        Error::new(format!(
            "cannot read data file '{name}': {e}; check that it is still there and readable"
        ))
    };
    match ext.as_str() {
        "csv" | "tsv" => {
            let default = if ext == "tsv" { b'\t' } else { b',' };
            let mut head = Vec::new();
            (&mut file)
                .take(SNIFF_BYTES)
                .read_to_end(&mut head)
                .map_err(io_error)?;
            drop(file);
            let whole = || {
                let mut bytes = Vec::new();
                if let Ok(f) = File::open(path) {
                    let _ = f.take(EXPLAIN_BYTES).read_to_end(&mut bytes);
                }
                bytes
            };
            let tail = super::sniff::file_tail(path);
            csv_table(
                &name,
                &head,
                &tail,
                &|| File::open(path),
                default,
                opts,
                &whole,
            )
        }
        "parquet" | "pq" => read_parquet(path, file)
            .map(|df| Table::new(name.clone(), df))
            .map_err(|e| read_error(&name, "Parquet", &e)),
        _ => IpcReader::new(file)
            .finish()
            .map(|df| Table::new(name.clone(), df))
            .map_err(|e| read_error(&name, "Arrow IPC (Feather v2)", &e)),
    }
}

/// Reads delimited text: the separator given or sniffed from `head` (the file's first
/// bytes), then the checks polars does not make. `whole` re-reads the text to explain a
/// parse error.
fn csv_table<R: MmapBytesReader>(
    name: &str,
    head: &[u8],
    tail: &[u8],
    open: &dyn Fn() -> std::io::Result<R>,
    default: u8,
    opts: &LoadOptions,
    whole: &dyn Fn() -> Vec<u8>,
) -> Result<Table> {
    let sep = opts.separator.unwrap_or_else(|| sniff(head, default));
    if super::sniff::lone_quote_at_end(tail, sep) {
        return Err(super::sniff::lone_quote_error(name));
    }
    // types from the first rows (inferring from every row reads the file twice); a late
    // value that does not fit its column's type (a string after numbers) is read again
    // with every row inferred
    let io_error = |e: std::io::Error| {
        Error::new(format!(
            "cannot read data file '{name}': {e}; check that it is still there and readable"
        ))
    };
    let df = match csv_options(sep, Some(INFER_ROWS))
        .into_reader_with_file_handle(open().map_err(io_error)?)
        .finish()
    {
        Ok(df) => df,
        Err(_) => csv_options(sep, None)
            .into_reader_with_file_handle(open().map_err(io_error)?)
            .finish()
            .map_err(|e| csv_error(name, sep, &e, &whole()))?,
    };
    let mut notes = Vec::new();
    if opts.separator.is_none() && sep != default {
        notes.push(format!(
            "read with {} between fields (detected; --separator or [data] separator sets it)",
            describe(sep)
        ));
    }
    notes.extend(renamed_headers(&header(head, sep), &df));
    check_decimal_commas(name, &df)?;
    Ok(Table {
        df,
        source: name.to_string(),
        notes,
    })
}

/// A note for each header name polars renamed because it repeats an earlier one.
fn renamed_headers(written: &[String], df: &DataFrame) -> Vec<String> {
    let read = df.get_column_names();
    if written.len() != read.len() {
        return Vec::new();
    }
    let mut notes = Vec::new();
    for (i, (w, r)) in written.iter().zip(&read).enumerate() {
        if w != r.as_str() && written[..i].contains(w) {
            notes.push(format!(
                "the header names '{w}' twice: column {} is read as '{r}' (rename it in the file)",
                i + 1
            ));
        }
    }
    notes
}

/// Numbers written with a decimal comma (`1,5`) are read as text; say so instead of
/// letting them become a text column (or a puzzling target error) further on.
fn check_decimal_commas(name: &str, df: &DataFrame) -> Result<()> {
    fn comma_number(v: &str) -> bool {
        let v = v.trim();
        let v = v.strip_prefix(['-', '+']).unwrap_or(v);
        match v.split_once(',') {
            Some((a, b)) => {
                !b.is_empty()
                    && a.bytes().all(|c| c.is_ascii_digit())
                    && b.bytes().all(|c| c.is_ascii_digit())
            }
            None => !v.is_empty() && v.bytes().all(|c| c.is_ascii_digit()),
        }
    }
    for c in df.columns() {
        if !c.dtype().is_string() {
            continue;
        }
        let Ok(values) = c.str() else { continue };
        let mut first_comma = None;
        let mut all_numbers = true;
        for (row, v) in values.iter().enumerate() {
            let Some(v) = v else { continue };
            if !comma_number(v) {
                all_numbers = false;
                break;
            }
            if first_comma.is_none() && v.contains(',') {
                first_comma = Some((row, v.to_string()));
            }
        }
        if let (true, Some((row, v))) = (all_numbers, first_comma) {
            bail!(
                "column '{}' of '{name}' holds numbers with a decimal comma ('{v}' in data row {}); regscope reads decimal points: export the file with '.' as the decimal mark",
                c.name(),
                row + 1
            );
        }
    }
    Ok(())
}

/// A CSV parse error, explained when the rows do not match the header.
fn csv_error(name: &str, sep: u8, e: &PolarsError, bytes: &[u8]) -> Error {
    match first_ragged_row(bytes, sep) {
        Some((row, k, h)) => Error::new(format!(
            "cannot read '{name}' as CSV: data row {row} has {k} fields separated by {} but the header has {h}; if its numbers use decimal commas, export it with decimal points (or with ';' between fields), else quote the values that hold the separator",
            describe(sep)
        )),
        None => read_error(name, "CSV", e),
    }
}

fn open(path: &Path, name: &str) -> Result<File> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => {
            bail!("cannot read '{name}': it is a folder, not a data file; give the path of a file")
        }
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            bail!(
                "data file '{name}' not found; check the path (a config's data.path is relative to the config file's folder)"
            )
        }
        Err(e) => bail!("cannot open data file '{name}': {e}; check the path and its permissions"),
    }
    File::open(path).map_err(|e| {
        Error::new(format!(
            "cannot open data file '{name}': {e}; check its permissions"
        ))
    })
}

/// Parquet files larger than this are decoded a batch of columns at a time.
const PARQUET_BATCH_BYTES: u64 = 8 << 20;

/// Reads a Parquet file. polars maps the whole file and its pages stay resident while the
/// frame is decoded, so a large file is read in batches of columns: each batch touches
/// only its own column chunks, and the peak is about the frame plus one batch instead of
/// the frame plus the file.
fn read_parquet(path: &Path, file: File) -> PolarsResult<DataFrame> {
    read_parquet_batched(path, file, PARQUET_BATCH_BYTES)
}

/// [`read_parquet`] with batches of about `batch_bytes` of the file each.
fn read_parquet_batched(path: &Path, file: File, batch_bytes: u64) -> PolarsResult<DataFrame> {
    let size = file.metadata()?.len();
    let mut reader = ParquetReader::new(file);
    let width = reader.schema()?.len();
    let batches = usize::try_from(size.div_ceil(batch_bytes.max(1))).unwrap_or(usize::MAX);
    if batches <= 1 || width <= 1 {
        return reader.finish();
    }
    // the footer is parsed once and shared by the batch readers
    let metadata = reader.get_metadata()?.clone();
    let per_batch = width.div_ceil(batches.min(width));
    let mut columns = Vec::with_capacity(width);
    let mut height = 0;
    for start in (0..width).step_by(per_batch) {
        let mut batch = ParquetReader::new(File::open(path)?);
        batch.set_metadata(metadata.clone());
        let projection = (start..(start + per_batch).min(width)).collect();
        let df = batch.with_projection(Some(projection)).finish()?;
        height = df.height();
        columns.extend(df.into_columns());
    }
    DataFrame::new(height, columns)
}

/// CSV rules shared by files and embedded bytes: a header row, the schema inferred
/// from every row (a late string must not turn into a parse error), and R/pandas
/// spellings of missing values.
/// Rows the CSV column types are inferred from before a full inference is needed.
const INFER_ROWS: usize = 10_000;

fn csv_options(separator: u8, infer_rows: Option<usize>) -> CsvReadOptions {
    let nulls: Vec<PlSmallStr> = CSV_NULLS.iter().map(|s| PlSmallStr::from(*s)).collect();
    CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(infer_rows)
        .with_rechunk(true)
        .map_parse_options(|o| {
            o.with_separator(separator)
                .with_null_values(Some(NullValues::AllColumns(nulls.clone())))
        })
}

fn read_error(name: &str, format: &str, e: &PolarsError) -> Error {
    let detail = csv_read_error_hint(e);
    Error::new(format!(
        "cannot read '{name}' as {format}: {detail}; check that the file is complete and in that format"
    ))
}

/// polars' message on one line, cut to a readable length.
pub(super) fn csv_read_error_hint(e: &PolarsError) -> String {
    let mut detail = e
        .to_string()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if detail.chars().count() > 240 {
        detail = detail.chars().take(240).collect::<String>() + "...";
    }
    detail
}

/// How a dtype can be used, without the cost of counting levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    Numeric,
    Boolean,
    Text,
    Other,
}

pub(crate) fn class_of(dt: &DataType) -> Class {
    if dt.is_primitive_numeric() || dt.is_decimal() {
        Class::Numeric
    } else if dt.is_bool() {
        Class::Boolean
    } else if is_text(dt) {
        Class::Text
    } else {
        Class::Other
    }
}

fn column_kind(c: &Column) -> ColumnKind {
    match class_of(c.dtype()) {
        Class::Numeric => ColumnKind::Numeric,
        Class::Boolean => ColumnKind::Boolean,
        Class::Text => {
            let levels = text_values(c)
                .map(|ca| ca.iter().flatten().collect::<HashSet<&str>>().len())
                .unwrap_or(0);
            ColumnKind::Text { levels }
        }
        Class::Other => ColumnKind::Other(c.dtype().to_string()),
    }
}

pub(crate) fn is_text(dt: &DataType) -> bool {
    dt.is_string() || dt.is_categorical() || dt.is_enum()
}

/// The column as strings (categoricals decoded).
pub(crate) fn text_values(c: &Column) -> PolarsResult<StringChunked> {
    c.cast(&DataType::String)?.str().cloned()
}

/// One flag per row: null, or NaN in a float column.
///
/// Read from the values rather than with polars' `is_null`/`is_nan`: on a column without
/// nulls those build their result on a shared 8 MB buffer of zeros that polars fills on
/// first use and keeps for the rest of the run.
pub(crate) fn missing_mask(c: &Column) -> Vec<bool> {
    let mut mask: Vec<bool> = if c.null_count() == 0 {
        vec![false; c.len()]
    } else {
        c.is_null().iter().map(|v| v == Some(true)).collect()
    };
    if c.dtype().is_float()
        && let Ok(cast) = c.cast(&DataType::Float64)
        && let Ok(values) = cast.f64()
    {
        for (m, v) in mask.iter_mut().zip(values.iter()) {
            *m |= v.is_some_and(f64::is_nan);
        }
    }
    mask
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Scratch;
    use std::path::PathBuf;

    fn sample(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("sample-data")
            .join(name)
    }

    fn small_frame() -> DataFrame {
        df!(
            "a" => [1i64, 2, 3],
            "b" => [Some(0.5f64), None, Some(2.5)],
            "flag" => [true, false, true],
            "s" => ["x", "y", "x"],
        )
        .unwrap()
    }

    #[test]
    fn embedded_diabetes_is_442_by_11() {
        let t = embedded_diabetes();
        assert_eq!(t.n_rows(), 442);
        let cols = t.columns();
        assert_eq!(cols.len(), 11);
        assert_eq!(cols[10].name, "progression");
        assert!(cols.iter().all(|c| c.kind == ColumnKind::Numeric));
    }

    #[test]
    fn sample_files_load_with_expected_shapes() {
        let hitters = load_table(&sample("hitters.csv")).unwrap();
        assert_eq!((hitters.n_rows(), hitters.df().width()), (322, 20));
        let cols = hitters.columns();
        let salary = cols.iter().find(|c| c.name == "Salary").unwrap();
        assert_eq!(salary.kind, ColumnKind::Numeric);
        assert_eq!(salary.missing, 59);
        for name in ["League", "Division", "NewLeague"] {
            let c = cols.iter().find(|c| c.name == name).unwrap();
            assert_eq!(c.kind, ColumnKind::Text { levels: 2 }, "{name}");
        }
        let mtcars = load_table(&sample("mtcars.csv")).unwrap();
        assert_eq!((mtcars.n_rows(), mtcars.df().width()), (32, 12));
        assert_eq!(mtcars.columns()[0].kind, ColumnKind::Text { levels: 32 });
        let longley = load_table(&sample("longley.csv")).unwrap();
        assert_eq!((longley.n_rows(), longley.df().width()), (16, 8));
    }

    #[test]
    fn a_string_after_the_inferred_rows_reads_the_column_as_text() {
        let mut text = String::from("x,y\n");
        for i in 0..(INFER_ROWS + 50) {
            text.push_str(&format!("{i},{}\n", i % 7));
        }
        text.push_str("late,3\n");
        let t = Table::from_csv_bytes("late.csv", text.as_bytes()).unwrap();
        assert_eq!(t.n_rows(), INFER_ROWS + 51);
        assert!(t.df().column("x").unwrap().dtype().is_string());
        assert!(t.df().column("y").unwrap().dtype().is_integer());
    }

    #[test]
    fn csv_null_spellings_and_late_strings() {
        let mut text = String::from("x,y,z\n");
        for i in 0..300 {
            text.push_str(&format!("{i},{}.5,{i}\n", i % 7));
        }
        text.push_str("NA,NaN,late\n");
        text.push_str(",null,1\n");
        let t = Table::from_csv_bytes("late.csv", text.as_bytes()).unwrap();
        let cols = t.columns();
        assert_eq!(cols[0].kind, ColumnKind::Numeric);
        assert_eq!(cols[0].missing, 2);
        assert_eq!(cols[1].kind, ColumnKind::Numeric);
        assert_eq!(cols[1].missing, 2);
        // a string in row 301 makes the column text instead of a parse error
        assert!(matches!(cols[2].kind, ColumnKind::Text { .. }));
    }

    #[test]
    fn windows_line_endings_and_quoted_r_output() {
        let text = "\"name\",\"x\",\"y\"\r\n\"a, b\",1,NA\r\n\"c\",2.5,3\r\n";
        let t = Table::from_csv_bytes("r.csv", text.as_bytes()).unwrap();
        assert_eq!(t.column_names(), vec!["name", "x", "y"]);
        let cols = t.columns();
        assert_eq!(cols[0].kind, ColumnKind::Text { levels: 2 });
        assert_eq!(cols[2].kind, ColumnKind::Numeric);
        assert_eq!(cols[2].missing, 1);
    }

    #[test]
    fn duplicate_header_names_are_renamed_and_noted() {
        let t = Table::from_csv_bytes("dup.csv", b"a,a,y\n1,2,3\n").unwrap();
        assert_eq!(t.column_names(), vec!["a", "a_duplicated_0", "y"]);
        assert_eq!(t.notes().len(), 1);
        let n = &t.notes()[0];
        assert!(n.contains("'a' twice") && n.contains("column 2") && n.contains("a_duplicated_0"));
        // spaces make names different, not duplicates
        let t = Table::from_csv_bytes("sp.csv", b"a, a,y\n1,2,3\n").unwrap();
        assert!(t.notes().is_empty(), "{:?}", t.notes());
    }

    #[test]
    fn separators_are_detected_and_named_in_a_note() {
        let t = Table::from_csv_bytes("semi.csv", b"a;b;y\n1;2.5;3\n4;5;6\n").unwrap();
        assert_eq!(t.column_names(), vec!["a", "b", "y"]);
        assert_eq!(t.columns()[1].kind, ColumnKind::Numeric);
        assert!(t.notes()[0].contains("';'"), "{:?}", t.notes());
        // the usual separator needs no note
        let t = Table::from_csv_bytes("c.csv", b"a,b\n1,2\n").unwrap();
        assert!(t.notes().is_empty());
        // a given separator is used as is, without a note
        let opts = LoadOptions {
            separator: Some(b'|'),
        };
        let t = Table::from_csv_bytes_with("p.csv", b"a,b|y\n1|2\n", &opts).unwrap();
        assert_eq!(t.column_names(), vec!["a,b", "y"]);
        assert!(t.notes().is_empty());
        // a .tsv whose fields are separated by ';' is read with ';'
        let dir = Scratch::new("tsvsemi");
        let p = dir.file("t.tsv", b"a;b\n1;2\n");
        let t = load_table(&p).unwrap();
        assert_eq!(t.column_names(), vec!["a", "b"]);
    }

    #[test]
    fn decimal_commas_are_an_error_naming_column_row_and_value() {
        let e = Table::from_csv_bytes("eu.csv", b"a;y\n1;2\n3;-4,5\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("'y'") && e.contains("eu.csv") && e.contains("'-4,5'"),
            "{e}"
        );
        assert!(e.contains("data row 2") && e.contains("decimal"), "{e}");
        // text that only looks a little like numbers is left alone
        let t = Table::from_csv_bytes("txt.csv", b"a;y\n1,5 cm;2\nx;3\n").unwrap();
        assert!(matches!(t.columns()[0].kind, ColumnKind::Text { .. }));
        // with ',' between fields too, the rows come out longer than the header
        let e = Table::from_csv_bytes("eu.csv", b"a,y\n1,5,2,5\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("data row 1 has 4 fields") && e.contains("header has 2"),
            "{e}"
        );
        assert!(e.contains("decimal commas"), "{e}");
    }

    #[test]
    fn tsv_uses_tabs() {
        let dir = Scratch::new("tsv");
        let p = dir.file("t.tsv", b"a\tb\n1\t2\n3\t4\n");
        let t = load_table(&p).unwrap();
        assert_eq!(t.column_names(), vec!["a", "b"]);
        assert_eq!(t.n_rows(), 2);
    }

    #[test]
    fn unknown_extension_names_file_and_supported_list() {
        let dir = Scratch::new("ext");
        let p = dir.file("data.xlsx", b"whatever");
        let e = load_table(&p).unwrap_err();
        let m = e.message();
        assert!(m.contains("data.xlsx") && m.contains(".xlsx"), "{m}");
        assert!(m.contains(".csv") && m.contains(".parquet") && m.contains(".feather"));
        let p = dir.file("noext", b"a\n1\n");
        let m = load_table(&p).unwrap_err().message().to_string();
        assert!(
            m.contains("noext") && m.contains("no file extension"),
            "{m}"
        );
    }

    #[test]
    fn missing_file_and_folder_are_one_line_errors() {
        let dir = Scratch::new("missing");
        let p = dir.0.join("nope.csv");
        let m = load_table(&p).unwrap_err().message().to_string();
        assert!(m.contains("nope.csv") && m.contains("not found"), "{m}");
        let sub = dir.0.join("folder.csv");
        std::fs::create_dir(&sub).unwrap();
        let m = load_table(&sub).unwrap_err().message().to_string();
        assert!(m.contains("folder.csv") && m.contains("folder"), "{m}");
        assert!(!m.contains('\n'));
        // a folder without an extension (`--data /tmp`) is still called a folder
        let m = load_table(&dir.0).unwrap_err().message().to_string();
        assert!(m.contains("is a folder") && !m.contains("extension"), "{m}");
    }

    #[test]
    fn corrupt_files_name_the_format() {
        let dir = Scratch::new("corrupt");
        let p = dir.file("bad.parquet", b"this is not parquet at all");
        let m = load_table(&p).unwrap_err().message().to_string();
        assert!(m.contains("bad.parquet") && m.contains("Parquet"), "{m}");
        let p = dir.file("bad.arrow", b"nor is this arrow");
        let m = load_table(&p).unwrap_err().message().to_string();
        assert!(m.contains("bad.arrow") && m.contains("IPC"), "{m}");
        let p = dir.file("ragged.csv", b"a,b\n1,2\n3,4,5,6\n");
        let m = load_table(&p).unwrap_err().message().to_string();
        assert!(m.contains("ragged.csv") && m.contains("CSV"), "{m}");
        let p = dir.file("empty.csv", b"");
        let m = load_table(&p).unwrap_err().message().to_string();
        assert!(m.contains("empty.csv"), "{m}");
    }

    #[test]
    fn parquet_round_trip() {
        let dir = Scratch::new("pq");
        let p = dir.0.join("small.parquet");
        let mut df = small_frame();
        let f = File::create(&p).unwrap();
        ParquetWriter::new(f).finish(&mut df).unwrap();
        let t = load_table(&p).unwrap();
        assert!(t.df().equals_missing(&small_frame()));
        let kinds: Vec<_> = t.columns().into_iter().map(|c| c.kind).collect();
        assert_eq!(
            kinds,
            vec![
                ColumnKind::Numeric,
                ColumnKind::Numeric,
                ColumnKind::Boolean,
                ColumnKind::Text { levels: 2 }
            ]
        );
        // the short extension too
        let p2 = dir.0.join("small.pq");
        std::fs::copy(&p, &p2).unwrap();
        assert_eq!(load_table(&p2).unwrap().n_rows(), 3);
    }

    #[test]
    fn parquet_read_in_column_batches_is_the_same_frame() {
        let dir = Scratch::new("pqb");
        let p = dir.0.join("small.parquet");
        let mut df = small_frame();
        ParquetWriter::new(File::create(&p).unwrap())
            .finish(&mut df)
            .unwrap();
        // one byte per batch: every column is a batch of its own; then two, then one batch
        let size = std::fs::metadata(&p).unwrap().len();
        for batch in [1, size / 2 + 1, size] {
            let read = read_parquet_batched(&p, File::open(&p).unwrap(), batch).unwrap();
            assert!(read.equals_missing(&small_frame()), "batch {batch}");
            assert_eq!(read.get_column_names(), small_frame().get_column_names());
        }
    }

    #[test]
    fn ipc_round_trip_all_extensions() {
        let dir = Scratch::new("ipc");
        let p = dir.0.join("small.arrow");
        let mut df = small_frame();
        let f = File::create(&p).unwrap();
        IpcWriter::new(f).finish(&mut df).unwrap();
        for ext in ["arrow", "ipc", "feather"] {
            let q = dir.0.join(format!("copy.{ext}"));
            std::fs::copy(&p, &q).unwrap();
            let t = load_table(&q).unwrap();
            assert!(t.df().equals_missing(&small_frame()), "{ext}");
            assert_eq!(t.columns()[1].missing, 1);
        }
    }

    #[test]
    fn other_dtypes_are_reported_by_name() {
        let s = Series::new("b".into(), [b"ab".as_slice(), b"cd".as_slice()]);
        let df = DataFrame::new(2, vec![s.into()]).unwrap();
        let t = Table::new("bytes", df);
        assert_eq!(t.columns()[0].kind, ColumnKind::Other("binary".into()));
    }
}
