//! A fast reader for the common large CSV: numbers only, no quotes. Such a file is read in
//! chunks of [`CHUNK_BYTES`] (never mapped whole, so memory stays bounded), each chunk is
//! cut at line ends into one piece per core, and every piece is parsed straight into
//! `f64` columns of the used fields, skipping the others.
//!
//! It gives exactly what polars' CSV reader gives on such a file: the same float parser
//! (`fast_float2`), the same missing-value spellings, rows in file order. Anything else
//! (a quote, a text value in a used column, a ragged row, a blank line, a field with
//! leading spaces) *declines*: the reader stops, raises its `declined` flag, and the
//! caller reads the table again with polars, which handles and reports every case.

use std::fs::File;
use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, sync_channel};

use polars::prelude::*;
use rayon::prelude::*;

/// Bytes read per chunk: enough rows per piece for the products to run near the
/// machine's rate, little enough that a few chunks in flight stay far below the memory
/// bound.
const CHUNK_BYTES: usize = 16 << 20;

/// How one column is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// a number; missing values become NaN (which the batch reader counts as missing)
    Float,
    /// a whole number (the fold column); missing values become null
    Int,
    /// text (a one-hot coded feature), any field as it stands; missing values become null
    Text,
}

/// The used columns of one piece: numbers (NaN when missing), and for a text column the
/// index of each row's value into that column's `words` (NaN when missing).
pub(super) struct Parsed {
    cols: Vec<Vec<f64>>,
    words: Vec<Vec<Box<str>>>,
}

impl std::ops::Deref for Parsed {
    type Target = [Vec<f64>];
    fn deref(&self) -> &[Vec<f64>] {
        &self.cols
    }
}

/// A CSV file (or several with one header) that may be plain numbers.
pub(super) struct PlainCsv {
    files: Vec<PathBuf>,
    sep: u8,
    header: Vec<String>,
    declined: Arc<AtomicBool>,
    /// bytes and rows of the pieces parsed so far: the table's row count is estimated
    /// from their ratio and the files' sizes, for progress without a counting pass
    parsed: Arc<[AtomicU64; 2]>,
    bytes_total: u64,
}

impl PlainCsv {
    /// The reader for `files`, or None when a header rules it out (a quote, a repeated or
    /// empty name, files with different headers).
    pub(super) fn open(files: Vec<PathBuf>, sep: u8) -> Option<PlainCsv> {
        let mut header: Option<Vec<String>> = None;
        for f in &files {
            let line = header_line(f)?;
            if line.contains(&b'"') {
                return None;
            }
            let names: Vec<String> = std::str::from_utf8(&line)
                .ok()?
                .split(sep as char)
                .map(str::to_string)
                .collect();
            let mut seen = std::collections::HashSet::new();
            if names
                .iter()
                .any(|n| n.is_empty() || !seen.insert(n.as_str()))
            {
                return None;
            }
            match &header {
                None => header = Some(names),
                Some(h) if *h == names => {}
                Some(_) => return None,
            }
        }
        let bytes_total = files
            .iter()
            .filter_map(|f| std::fs::metadata(f).ok())
            .map(|m| m.len())
            .sum();
        Some(PlainCsv {
            files,
            sep,
            header: header?,
            declined: Arc::new(AtomicBool::new(false)),
            parsed: Arc::new([AtomicU64::new(0), AtomicU64::new(0)]),
            bytes_total,
        })
    }

    /// The column names of the header.
    pub(super) fn header(&self) -> &[String] {
        &self.header
    }

    /// Whether the reader gave up on the file (the caller then reads it with polars).
    pub(super) fn declined(&self) -> bool {
        self.declined.load(Ordering::Relaxed)
    }

    /// Give up before reading (the plan needs something this reader does not do).
    pub(super) fn decline(&self) {
        self.declined.store(true, Ordering::Relaxed);
    }

    /// The table's data rows estimated from the bytes per row of the pieces parsed so far
    /// (None before the first piece).
    pub(super) fn estimate_rows(&self) -> Option<usize> {
        let bytes = self.parsed[0].load(Ordering::Relaxed);
        let rows = self.parsed[1].load(Ordering::Relaxed);
        (bytes > 0 && rows > 0)
            .then(|| (self.bytes_total as f64 * rows as f64 / bytes as f64).round() as usize)
    }

    /// The data rows of all files (lines after the header), or None (declined) when a
    /// file holds a quote or a blank line.
    pub(super) fn count_rows(&self) -> std::io::Result<Option<usize>> {
        let mut lines = 0;
        let mut buf = vec![0u8; CHUNK_BYTES];
        for f in &self.files {
            let mut file = File::open(f)?;
            let mut last = b'\n';
            loop {
                let got = file.read(&mut buf)?;
                if got == 0 {
                    break;
                }
                let chunk = &buf[..got];
                if memchr::memchr(b'"', chunk).is_some() {
                    self.decline();
                    return Ok(None);
                }
                lines += memchr::memchr_iter(b'\n', chunk).count();
                last = chunk[got - 1];
            }
            // a last line without its line end counts too; the header does not
            lines += usize::from(last != b'\n');
            lines -= 1;
        }
        Ok(Some(lines))
    }

    /// Read the used columns (`used`: their positions in the header, with their kinds)
    /// in batches, in file order, on a thread of their own. A batch is a frame of those
    /// columns under their header names. The channel holds two batches, so the reader
    /// stays at most two ahead, and it stops when the receiver goes away. On a decline
    /// the reader raises the flag and sends an error.
    pub(super) fn start(&self, used: Vec<(usize, Kind)>) -> Receiver<PolarsResult<DataFrame>> {
        let (tx, rx) = sync_channel::<PolarsResult<DataFrame>>(2);
        let files = self.files.clone();
        let sep = self.sep;
        let width = self.header.len();
        let names: Vec<PlSmallStr> = used
            .iter()
            .map(|&(j, _)| PlSmallStr::from(self.header[j].as_str()))
            .collect();
        let declined = Arc::clone(&self.declined);
        let parsed = Arc::clone(&self.parsed);
        for c in parsed.iter() {
            c.store(0, Ordering::Relaxed);
        }
        std::thread::spawn(move || {
            let layout = Layout::new(width, &used);
            let decline = || {
                declined.store(true, Ordering::Relaxed);
                Err(polars_err!(ComputeError: "not a plain numeric CSV"))
            };
            for f in &files {
                let result = read_file(f, sep, &layout, &mut |cols: Parsed, bytes| {
                    let rows = cols.first().map_or(0, Vec::len) as u64;
                    parsed[0].fetch_add(bytes as u64, Ordering::Relaxed);
                    parsed[1].fetch_add(rows, Ordering::Relaxed);
                    tx.send(to_frame(&names, &layout, cols)).is_ok()
                });
                match result {
                    Ok(Outcome::Done) => {}
                    Ok(Outcome::Stopped) => return,
                    Ok(Outcome::Declined) => {
                        let _ = tx.send(decline());
                        return;
                    }
                    Err(e) => {
                        let _ = tx.send(Err(e.into()));
                        return;
                    }
                }
            }
        });
        rx
    }
}

/// The first line of a file, without its line end (None when unreadable or empty).
fn header_line(path: &PathBuf) -> Option<Vec<u8>> {
    let mut head = Vec::new();
    File::open(path)
        .ok()?
        .take(1 << 20)
        .read_to_end(&mut head)
        .ok()?;
    let end = memchr::memchr(b'\n', &head)?;
    head.truncate(end);
    if head.last() == Some(&b'\r') {
        head.pop();
    }
    (!head.is_empty()).then_some(head)
}

/// Which fields are read, and into which output column.
struct Layout {
    /// per field of a row: the output column, if used
    slot: Vec<Option<usize>>,
    kinds: Vec<Kind>,
}

impl Layout {
    fn new(width: usize, used: &[(usize, Kind)]) -> Layout {
        let mut slot = vec![None; width];
        for (s, &(j, _)) in used.iter().enumerate() {
            slot[j] = Some(s);
        }
        Layout {
            slot,
            kinds: used.iter().map(|&(_, k)| k).collect(),
        }
    }
}

enum Outcome {
    Done,
    /// the receiver went away
    Stopped,
    Declined,
}

/// Read one file after its header, chunk by chunk; `emit` gets each piece's columns and
/// its length in bytes, and returns whether to go on.
fn read_file(
    path: &PathBuf,
    sep: u8,
    layout: &Layout,
    emit: &mut dyn FnMut(Parsed, usize) -> bool,
) -> std::io::Result<Outcome> {
    let mut file = File::open(path)?;
    let mut buf: Vec<u8> = Vec::with_capacity(CHUNK_BYTES);
    let mut header_skipped = false;
    let mut eof = false;
    while !eof {
        // a chunk more behind the carried partial line
        let start = buf.len();
        buf.resize(start + CHUNK_BYTES, 0);
        let mut filled = start;
        while filled < buf.len() {
            let got = file.read(&mut buf[filled..])?;
            if got == 0 {
                eof = true;
                break;
            }
            filled += got;
        }
        buf.truncate(filled);
        if !header_skipped {
            match memchr::memchr(b'\n', &buf) {
                Some(i) => {
                    buf.drain(..=i);
                    header_skipped = true;
                }
                None if eof => return Ok(Outcome::Done),
                None => continue,
            }
        }
        // whole lines only; the rest waits for the next chunk (at the end, the last
        // line may lack its line end)
        let end = if eof {
            buf.len()
        } else {
            match memchr::memrchr(b'\n', &buf) {
                Some(i) => i + 1,
                // one line longer than a chunk: read on
                None => continue,
            }
        };
        let pieces = split_lines(&buf[..end], rayon::current_num_threads().max(1));
        let parsed: Vec<Option<Parsed>> = pieces
            .par_iter()
            .map(|piece| parse_piece(piece, sep, layout))
            .collect();
        for (cols, piece) in parsed.into_iter().zip(&pieces) {
            match cols {
                None => return Ok(Outcome::Declined),
                Some(cols) if cols.first().is_some_and(|c| c.is_empty()) => {}
                Some(cols) => {
                    if !emit(cols, piece.len()) {
                        return Ok(Outcome::Stopped);
                    }
                }
            }
        }
        buf.drain(..end);
    }
    Ok(Outcome::Done)
}

/// `bytes` (whole lines) cut at line ends into about `parts` pieces.
fn split_lines(bytes: &[u8], parts: usize) -> Vec<&[u8]> {
    let mut out = Vec::with_capacity(parts);
    let mut rest = bytes;
    for k in (1..parts).rev() {
        let want = rest.len() / (k + 1);
        match memchr::memchr(b'\n', &rest[want..]) {
            Some(i) if want + i + 1 < rest.len() => {
                let (a, b) = rest.split_at(want + i + 1);
                out.push(a);
                rest = b;
            }
            _ => break,
        }
    }
    out.push(rest);
    out
}

/// Parse whole lines into the used columns; None when a line is not plain numbers. One
/// vectorized search finds every separator and line end of the piece.
fn parse_piece(bytes: &[u8], sep: u8, layout: &Layout) -> Option<Parsed> {
    if memchr::memchr(b'"', bytes).is_some() {
        return None;
    }
    let width = layout.slot.len();
    let rows_guess = memchr::memchr_iter(b'\n', bytes).count() + 1;
    let mut cols: Vec<Vec<f64>> = (0..layout.kinds.len())
        .map(|_| Vec::with_capacity(rows_guess))
        .collect();
    // per text column: its distinct values in this piece, and their indices
    let mut words: Vec<Vec<Box<str>>> = vec![Vec::new(); layout.kinds.len()];
    let mut index: Vec<std::collections::HashMap<&[u8], u32>> =
        vec![std::collections::HashMap::new(); layout.kinds.len()];
    let mut field = 0;
    let mut start = 0;
    let ends = memchr::memchr2_iter(sep, b'\n', bytes).chain(
        // a last line without its line end
        (bytes.last().is_some_and(|&b| b != b'\n')).then_some(bytes.len()),
    );
    for at in ends {
        let line_end = at == bytes.len() || bytes[at] == b'\n';
        let mut value = &bytes[start..at];
        start = at + 1;
        if line_end {
            value = value.strip_suffix(b"\r").unwrap_or(value);
            if field == 0 && value.is_empty() {
                // polars skips blank lines; a one-column file would read them as missing
                return None;
            }
        }
        let slot = *layout.slot.get(field)?;
        if let Some(s) = slot {
            let v = match layout.kinds[s] {
                Kind::Text if is_missing(value) => f64::NAN,
                Kind::Text => {
                    let next = words[s].len() as u32;
                    let code = *index[s].entry(value).or_insert(next);
                    if code == next {
                        words[s].push(std::str::from_utf8(value).ok()?.into());
                    }
                    f64::from(code)
                }
                kind => parse_value(value, kind)?,
            };
            cols[s].push(v);
        }
        field += 1;
        if line_end {
            if field != width {
                return None;
            }
            field = 0;
        }
    }
    Some(Parsed { cols, words })
}

/// The missing-value spellings (besides the empty field) polars is told about.
fn is_missing(v: &[u8]) -> bool {
    v.is_empty() || v == b"NA" || v == b"NaN" || v == b"null"
}

/// One field; NaN when missing, None when the field is not a plain number of its kind.
///
/// A float is what polars' own parser (`fast_float2`) reads, less what polars' type
/// inference would call text at the start of a column: a leading `+` or space, and the
/// words (`inf`, `infinity`, `nan`); those go back to polars.
fn parse_value(v: &[u8], kind: Kind) -> Option<f64> {
    if is_missing(v) {
        return Some(f64::NAN);
    }
    let first = v[0];
    let last = v[v.len() - 1];
    if !(first.is_ascii_digit() || first == b'-' || first == b'.')
        || !(last.is_ascii_digit() || last == b'.')
    {
        return None;
    }
    // a fold id: digits only, so that a decimal point or an exponent reaches polars'
    // own error
    if kind == Kind::Int && !(is_integer(v) && v.len() <= 16) {
        return None;
    }
    fast_float2::parse(v).ok()
}

/// polars' integer pattern: `-?\d+`.
fn is_integer(v: &[u8]) -> bool {
    let digits = v.strip_prefix(b"-").unwrap_or(v);
    !digits.is_empty() && digits.iter().all(u8::is_ascii_digit)
}

/// The frame of one piece: floats as they are, whole numbers as integers with nulls.
fn to_frame(names: &[PlSmallStr], layout: &Layout, parsed: Parsed) -> PolarsResult<DataFrame> {
    let Parsed { cols, words } = parsed;
    let height = cols.first().map_or(0, Vec::len);
    let columns: Vec<Column> = cols
        .into_iter()
        .zip(names)
        .zip(&layout.kinds)
        .zip(&words)
        .map(|(((values, name), kind), words)| match kind {
            Kind::Text => values
                .iter()
                .map(|v| (!v.is_nan()).then(|| &*words[*v as usize]))
                .collect::<StringChunked>()
                .with_name(name.clone())
                .into_column(),
            Kind::Float => Float64Chunked::from_vec(name.clone(), values).into_column(),
            Kind::Int => values
                .iter()
                .map(|v| (!v.is_nan()).then_some(*v as i64))
                .collect::<Int64Chunked>()
                .with_name(name.clone())
                .into_column(),
        })
        .collect();
    DataFrame::new(height, columns)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Scratch;

    fn layout(width: usize, used: &[(usize, Kind)]) -> Layout {
        Layout::new(width, used)
    }

    #[test]
    fn text_fields_become_strings_with_nulls() {
        let l = layout(3, &[(1, Kind::Text), (2, Kind::Float)]);
        let parsed = parse_piece(
            b"1,Oslo,3\n2,,4\n3,Lima,5\n4,Oslo,6\n5,NA,7\n6,Z\xc3\xbcrich,8",
            b',',
            &l,
        )
        .unwrap();
        let names = [PlSmallStr::from("city"), PlSmallStr::from("x")];
        let df = to_frame(&names, &l, parsed).unwrap();
        let city: Vec<Option<&str>> = df.column("city").unwrap().str().unwrap().iter().collect();
        assert_eq!(
            city,
            [
                Some("Oslo"),
                None,
                Some("Lima"),
                Some("Oslo"),
                None,
                Some("Zürich")
            ]
        );
        // a field that is not UTF-8 goes back to polars
        assert!(parse_piece(b"1,\xff,3\n", b',', &l).is_none());
    }

    #[test]
    fn pieces_parse_used_fields_with_missing_values_as_nan() {
        let l = layout(3, &[(0, Kind::Float), (2, Kind::Int)]);
        let cols = parse_piece(b"1.5,x,3\n,y,-2\r\nNA,z,\n-1e3,w,7", b',', &l).unwrap();
        assert_eq!(cols[0][0], 1.5);
        assert!(cols[0][1].is_nan() && cols[0][2].is_nan());
        assert_eq!(cols[0][3], -1000.0);
        assert_eq!(cols[1][..2], [3.0, -2.0]);
        assert!(cols[1][2].is_nan());
        assert_eq!(cols[1][3], 7.0);
    }

    #[test]
    fn anything_but_plain_numbers_declines() {
        let l = layout(2, &[(0, Kind::Float), (1, Kind::Int)]);
        for bad in [
            &b"1,2\n\"3\",4\n"[..],
            b"1,2\n3\n",
            b"1,2\n3,4,5\n",
            b"1,2\n\n3,4\n",
            b"1,2\nabc,4\n",
            b"1, 2\n",
            b" 1,2\n",
            b"1,2.5\n",
            b"1,1e2\n",
            b"+1,2\n",
            b"1e,2\n",
            b"inf,2\n",
            b"0x10,2\n",
            b"1_000,2\n",
            b"1,2\n3,4,\n",
            b"1,2\r\n\r\n",
        ] {
            assert!(
                parse_piece(bad, b',', &l).is_none(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        // text in a column that is not read is fine
        let l = layout(2, &[(0, Kind::Float)]);
        assert_eq!(
            parse_piece(b"1,abc\n2,def\n", b',', &l).unwrap()[0],
            [1.0, 2.0]
        );
    }

    #[test]
    fn numbers_are_read_as_polars_reads_them() {
        let float = |v: &str| parse_value(v.as_bytes(), Kind::Float);
        for (text, want) in [
            ("1", 1.0),
            ("-12", -12.0),
            ("1.5", 1.5),
            ("-.5", -0.5),
            ("5.", 5.0),
            ("1e5", 1e5),
            ("1.5E-3", 1.5e-3),
            (".5e1", 5.0),
            ("0.1", 0.1),
            ("123456789012345678901234567890", 1.2345678901234568e29),
        ] {
            assert_eq!(float(text), Some(want), "{text}");
        }
        for bad in [
            "+1", "inf", "-inf", "nan", "Infinity", "1e", "1.5.2", " 1", "1 ", "abc", "--1", "-",
            "1,5",
        ] {
            assert_eq!(float(bad), None, "{bad}");
        }
        assert!(float("NA").unwrap().is_nan() && float("").unwrap().is_nan());
        assert!(is_integer(b"-7") && !is_integer(b"+7") && !is_integer(b"7.0"));
        assert_eq!(parse_value(b"12", Kind::Int), Some(12.0));
        assert_eq!(parse_value(b"1e1", Kind::Int), None);
    }

    #[test]
    fn lines_split_into_pieces_at_line_ends() {
        let text = b"1,2\n3,4\n5,6\n7,8\n9,10\n";
        for parts in 1..6 {
            let pieces = split_lines(text, parts);
            assert!(pieces.len() <= parts);
            assert_eq!(pieces.concat(), text);
            assert!(pieces.iter().all(|p| p.ends_with(b"\n")));
        }
    }

    #[test]
    fn headers_must_be_clean_and_agree_across_files() {
        let dir = Scratch::new("plain-csv-headers");
        let write = |name: &str, text: &str| {
            let p = dir.0.join(name);
            std::fs::write(&p, text).unwrap();
            p
        };
        let a = write("a.csv", "x,y\n1,2\n");
        let b = write("b.csv", "x,y\r\n3,4\r\n");
        let c = write("c.csv", "x,z\n3,4\n");
        let q = write("q.csv", "\"x\",y\n1,2\n");
        let d = write("d.csv", "x,x\n1,2\n");
        let csv = PlainCsv::open(vec![a.clone(), b.clone()], b',').unwrap();
        assert_eq!(csv.header(), ["x", "y"]);
        assert!(PlainCsv::open(vec![a.clone(), c], b',').is_none());
        assert!(PlainCsv::open(vec![q], b',').is_none());
        assert!(PlainCsv::open(vec![d], b',').is_none());
    }

    #[test]
    fn rows_are_counted_and_read_in_order_across_chunks_and_files() {
        let dir = Scratch::new("plain-csv-read");
        let mut text = String::from("a,b,c\n");
        let rows = 200_000; // several chunks
        for i in 0..rows {
            text.push_str(&format!("{i},{}.25,t{i}\n", i % 7));
        }
        let a = dir.0.join("a.csv");
        std::fs::write(&a, &text).unwrap();
        let b = dir.0.join("b.csv");
        std::fs::write(&b, "a,b,c\n-1,NA,z").unwrap(); // no final line end
        let csv = PlainCsv::open(vec![a, b], b',').unwrap();
        assert_eq!(csv.count_rows().unwrap(), Some(rows + 1));
        let rx = csv.start(vec![(1, Kind::Float), (0, Kind::Int)]);
        let frames: Vec<DataFrame> = rx.into_iter().map(|r| r.unwrap()).collect();
        assert!(frames.len() > 2);
        let mut next = 0i64;
        for df in &frames {
            let ids = df.column("a").unwrap().i64().unwrap();
            let bs = df.column("b").unwrap().f64().unwrap();
            for (id, b) in ids.iter().zip(bs.iter()) {
                let id = id.unwrap();
                if next < rows as i64 {
                    assert_eq!(id, next);
                    assert_eq!(b.unwrap(), (id % 7) as f64 + 0.25);
                } else {
                    assert_eq!(id, -1);
                    assert!(b.unwrap().is_nan());
                }
                next += 1;
            }
        }
        assert_eq!(next, rows as i64 + 1);
        assert!(!csv.declined());
    }

    #[test]
    fn a_late_text_value_declines_and_raises_the_flag() {
        let dir = Scratch::new("plain-csv-decline");
        let mut text = String::from("a,b\n");
        for i in 0..1000 {
            text.push_str(&format!("{i},{i}\n"));
        }
        text.push_str("oops,1\n");
        let a = dir.0.join("a.csv");
        std::fs::write(&a, &text).unwrap();
        let csv = PlainCsv::open(vec![a], b',').unwrap();
        let results: Vec<_> = csv.start(vec![(0, Kind::Float)]).into_iter().collect();
        assert!(results.last().unwrap().is_err());
        assert!(csv.declined());
    }
}
