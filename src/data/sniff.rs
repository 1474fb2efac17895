//! Reading the first lines of a delimited file: which separator it uses, what its
//! header says, and where a row has a different number of fields than the header.

/// The separators tried when the user names none.
pub const CANDIDATES: &[u8] = b",;\t|";

/// Lines looked at when guessing.
const SNIFF_LINES: usize = 50;

/// The lines of `bytes` (quotes respected: a quoted field may hold a newline), with
/// their trailing `\r` removed and blank lines skipped.
fn lines(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = bytes;
    std::iter::from_fn(move || {
        loop {
            if rest.is_empty() {
                return None;
            }
            let mut quoted = false;
            let mut end = rest.len();
            for (i, &b) in rest.iter().enumerate() {
                if b == b'"' {
                    quoted = !quoted;
                } else if b == b'\n' && !quoted {
                    end = i;
                    break;
                }
            }
            let line = &rest[..end];
            rest = rest.get(end + 1..).unwrap_or(&[]);
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if !line.iter().all(u8::is_ascii_whitespace) {
                return Some(line);
            }
        }
    })
}

/// The fields of one line split at `sep` outside quotes, the quotes removed.
pub fn fields(line: &[u8], sep: u8) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = Vec::new();
    let mut quoted = false;
    for &b in line {
        if b == b'"' {
            quoted = !quoted;
        } else if b == sep && !quoted {
            out.push(std::mem::take(&mut cur));
        } else {
            cur.push(b);
        }
    }
    out.push(cur);
    out.into_iter()
        .map(|f| String::from_utf8_lossy(&f).into_owned())
        .collect()
}

/// The separator of `bytes`: among [`CANDIDATES`], the one splitting the header into the
/// most fields with every sniffed row splitting the same way; else the one splitting the
/// header most; else `default` (a one-column file).
pub fn sniff(bytes: &[u8], default: u8) -> u8 {
    let sample: Vec<&[u8]> = lines(bytes).take(SNIFF_LINES).collect();
    let Some(header) = sample.first() else {
        return default;
    };
    let mut best: Option<(bool, usize, u8)> = None;
    // the default first, so it wins ties
    let order =
        std::iter::once(default).chain(CANDIDATES.iter().copied().filter(|&c| c != default));
    for sep in order {
        let h = fields(header, sep).len();
        if h < 2 {
            continue;
        }
        let consistent = sample[1..].iter().all(|l| fields(l, sep).len() == h);
        if best.is_none_or(|(c, n, _)| (consistent, h) > (c, n)) {
            best = Some((consistent, h, sep));
        }
    }
    best.map_or(default, |(_, _, sep)| sep)
}

/// The header's names, as written.
pub fn header(bytes: &[u8], sep: u8) -> Vec<String> {
    lines(bytes)
        .next()
        .map(|l| fields(l, sep))
        .unwrap_or_default()
}

/// The first data row (1-based) whose field count differs from the header's, with
/// that count and the header's.
pub fn first_ragged_row(bytes: &[u8], sep: u8) -> Option<(usize, usize, usize)> {
    let mut it = lines(bytes);
    let h = fields(it.next()?, sep).len();
    it.enumerate()
        .map(|(i, l)| (i + 1, fields(l, sep).len()))
        .find(|&(_, k)| k != h)
        .map(|(row, k)| (row, k, h))
}

/// Whether the text ends in a field that is one lone `"`: a quote opened and never
/// closed. polars 0.55's CSV parser reads out of bounds on exactly that field (found by
/// the table_load fuzz target), so such files are refused before polars sees them.
/// `tail` is the text's last two bytes (fewer when it is shorter).
pub fn lone_quote_at_end(tail: &[u8], sep: u8) -> bool {
    match tail {
        [b'"'] => true,
        [.., prev, b'"'] => *prev == sep || *prev == b'\n' || *prev == b'\r',
        _ => false,
    }
}

/// The one-line error for [`lone_quote_at_end`].
pub fn lone_quote_error(name: &str) -> crate::error::Error {
    crate::error::Error::new(format!(
        "cannot read '{name}' as CSV: its last field opens a quote (\") that never closes; close or remove that quote"
    ))
}

/// The last two bytes of a file (fewer when it is shorter; none when unreadable).
pub fn file_tail(path: &std::path::Path) -> Vec<u8> {
    use std::io::{Read, Seek, SeekFrom};
    let Ok(mut f) = std::fs::File::open(path) else {
        return Vec::new();
    };
    let len = f.metadata().map_or(0, |m| m.len());
    let mut tail = Vec::new();
    if f.seek(SeekFrom::Start(len.saturating_sub(2))).is_ok() {
        let _ = f.take(2).read_to_end(&mut tail);
    }
    tail
}

/// How a separator is written in messages.
pub fn describe(sep: u8) -> String {
    match sep {
        b'\t' => "tab".into(),
        c => format!("'{}'", c as char),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_candidate_is_detected() {
        assert_eq!(sniff(b"a,b,y\n1,2,3\n", b','), b',');
        assert_eq!(sniff(b"a;b;y\n1;2;3\n", b','), b';');
        assert_eq!(sniff(b"a\tb\ty\n1\t2\t3\n", b','), b'\t');
        assert_eq!(sniff(b"a|b|y\n1|2|3\n", b','), b'|');
    }

    #[test]
    fn decimal_commas_with_semicolons_pick_the_semicolon() {
        // ',' splits the rows differently from the header; ';' splits every line alike
        assert_eq!(sniff(b"a;b;y\n1,5;2,25;3\n4;5,5;6\n", b','), b';');
        // a comma inside quotes is not a separator
        assert_eq!(sniff(b"name;y\n\"a, b\";1\n", b','), b';');
    }

    #[test]
    fn one_column_and_empty_input_keep_the_default() {
        assert_eq!(sniff(b"y\n1\n2\n", b','), b',');
        assert_eq!(sniff(b"", b'\t'), b'\t');
        assert_eq!(sniff(b"a\tb\n1\t2\n", b'\t'), b'\t');
    }

    #[test]
    fn a_lone_quote_ending_the_text_is_found() {
        assert!(lone_quote_at_end(b"\"", b','));
        assert!(lone_quote_at_end(b"\t\"", b'\t'));
        assert!(lone_quote_at_end(b"\n\"", b','));
        assert!(lone_quote_at_end(b",\"", b','));
        // a closed quote, an empty quoted field, a quote inside a value, none at all
        assert!(!lone_quote_at_end(b"c\"", b','));
        assert!(!lone_quote_at_end(b"\"\"", b','));
        assert!(!lone_quote_at_end(b";\"", b','));
        assert!(!lone_quote_at_end(b"3\n", b','));
        assert!(!lone_quote_at_end(b"", b','));
    }

    #[test]
    fn header_and_ragged_rows() {
        assert_eq!(
            header(b"\"a\";b ;c\r\n1;2;3\r\n", b';'),
            vec!["a", "b ", "c"]
        );
        assert_eq!(
            first_ragged_row(b"a,b\n1,2\n1,5,2,5\n", b','),
            Some((2, 4, 2))
        );
        assert_eq!(first_ragged_row(b"a,b\n1,2\n", b','), None);
        assert_eq!(describe(b'\t'), "tab");
        assert_eq!(describe(b';'), "';'");
    }
}
