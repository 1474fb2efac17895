//! Turning what TOML parsing and serde refuse into one-line messages that name the file,
//! the line, the `[section] key` and what to do about it.
//!
//! The kind of each error is found from structure, never from the wording of the toml or
//! serde messages: a parse error is a duplicated key when it points at a key or `[header]`
//! defined earlier (in the document the parser recovers, or an earlier header line), and
//! a document serde refuses is checked key by key against the schema of [`SECTIONS`]
//! (unknown sections and keys, wrong types, values out of range, missing keys), which
//! says what each key needs.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeFloat, DeInteger, DeString, DeTable, DeValue};

use super::schema::{Expect, REQUIRED_SECTION, SECTIONS};
use crate::error::Error;

/// Finds keys in the parsed document so range errors can name their line.
pub(super) struct Locator<'a> {
    pub(super) text: &'a str,
    pub(super) origin: &'a str,
    pub(super) doc: &'a DeTable<'a>,
}

impl Locator<'_> {
    /// The 1-based line of `[section] key`, else of the section, if present.
    fn line(&self, section: &str, key: &str) -> Option<usize> {
        let (sec_key, sec_val) = entry(self.doc, section)?;
        let in_section = sec_val.get_ref().as_table().and_then(|t| {
            t.iter()
                .find(|(k, _)| k.get_ref().as_ref() == key)
                .map(|(k, _)| k.span().start)
        });
        Some(line_of(
            self.text,
            in_section.unwrap_or(sec_key.span().start),
        ))
    }

    pub(super) fn err(&self, section: &str, key: &str, problem: &str, fix: &str) -> Error {
        let line = self
            .line(section, key)
            .map(|n| format!("line {n}: "))
            .unwrap_or_default();
        Error::new(format!(
            "{}: {line}[{section}] {key} {problem}; {fix}",
            self.origin
        ))
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The name inside a `[header]` line, trimmed.
fn header_of(line: &str) -> Option<&str> {
    let rest = line.trim().strip_prefix('[')?;
    Some(rest[..rest.find(']')?].trim())
}

/// The `[section]` header in force at `line` (the line itself if it is a header), the
/// key written on that line, and whether the line is a header: for errors whose text
/// does not name them.
fn context_of(text: &str, line: usize) -> (Option<String>, Option<String>, bool) {
    let mut section = None;
    let mut key = None;
    let mut is_header = false;
    for (i, l) in text.lines().enumerate().take(line) {
        let t = l.trim();
        let here = i + 1 == line;
        if t.starts_with('[') {
            is_header = here;
            if let Some(name) = header_of(l) {
                section = Some(name.to_string());
            }
        } else if here && let Some((k, _)) = t.split_once('=') {
            let k = k.trim().trim_matches('"').trim_matches('\'');
            if !k.is_empty() && !k.starts_with('#') {
                key = Some(k.to_string());
            }
        }
    }
    (section, key, is_header)
}

/// A document the TOML parser refused, from its first error: a key or table defined twice
/// (see `defined_before`), or any other syntax error, named by its line and the
/// `[section] key` written there.
pub(super) fn parse_error(
    text: &str,
    origin: &str,
    e: &toml::de::Error,
    recovered: &DeTable<'_>,
) -> Error {
    let duplicate = e
        .span()
        .is_some_and(|span| defined_before(text, recovered, span));
    let fix = if duplicate {
        "keep only one of them"
    } else {
        "fix the TOML syntax"
    };
    with_context(text, origin, e, fix)
}

/// Whether `span` points at a key defined before: for a `[header]`, an earlier header of
/// the same table or a key of that name in the document; for a key, a key of that name
/// defined elsewhere in the table of the section in force there (the document itself
/// above every header). The parser keeps the first definition and reports the second.
fn defined_before(text: &str, doc: &DeTable<'_>, span: Range<usize>) -> bool {
    let Some(name) = text.get(span.clone()) else {
        return false;
    };
    let name = name.trim().trim_matches('"').trim_matches('\'');
    let line = line_of(text, span.start);
    let (section, _, is_header) = context_of(text, line);
    let elsewhere = |table: &DeTable<'_>| {
        (table.iter()).any(|(k, _)| k.get_ref().as_ref() == name && k.span() != span)
    };
    if is_header {
        let mut earlier = text.lines().take(line - 1).filter_map(header_of);
        return earlier.any(|h| h == name) || elsewhere(doc);
    }
    match section {
        None => elsewhere(doc),
        Some(s) => entry(doc, &s)
            .and_then(|(_, v)| v.get_ref().as_table())
            .is_some_and(elsewhere),
    }
}

/// A parsed document serde refused, explained from the document and the schema of
/// [`SECTIONS`]: the first unknown section or key, wrong type, value out of range or
/// missing key, in the order serde reads them. `None` when the schema finds nothing wrong
/// (serde refused for a reason it does not describe).
pub(super) fn schema_error(text: &str, origin: &str, doc: &DeTable<'_>) -> Option<Error> {
    let at = |span: Range<usize>| format!("{origin}: line {}: ", line_of(text, span.start));
    let section_names: Vec<&str> = SECTIONS.iter().map(|s| s.name).collect();
    for (name, value) in doc.iter() {
        let n = name.get_ref().as_ref();
        let Some(section) = SECTIONS.iter().find(|s| s.name == n) else {
            let what = if value.get_ref().is_table() {
                "unknown section"
            } else {
                "unknown key"
            };
            return Some(Error::new(format!(
                "{}{what} `{n}` (expected {}); remove it or fix its spelling",
                at(name.span()),
                one_of(&section_names)
            )));
        };
        let Some(table) = value.get_ref().as_table() else {
            return Some(Error::new(format!(
                "{}{n} is {}, not a section; write [{n}] on a line of its own, with its keys below it",
                at(value.span()),
                shown(value.get_ref())
            )));
        };
        let key_names: Vec<&str> = section.keys.iter().map(|(k, _)| *k).collect();
        for (key, v) in table.iter() {
            let k = key.get_ref().as_ref();
            let Some((_, expect)) = section.keys.iter().find(|(name, _)| *name == k) else {
                return Some(Error::new(format!(
                    "{}[{n}] unknown key `{k}` (expected {}); remove it or fix its spelling",
                    at(key.span()),
                    one_of(&key_names)
                )));
            };
            if let Some((span, problem, fix)) = check(expect, v) {
                return Some(Error::new(format!(
                    "{}[{n}] {k} {problem}; {fix}",
                    at(span)
                )));
            }
        }
        if let Some(missing) = (section.required.iter()).find(|k| !table.contains_key(**k)) {
            return Some(Error::new(format!(
                "{}[{n}] is missing the key `{missing}`; add {missing} = ... to it",
                at(name.span())
            )));
        }
    }
    if entry(doc, REQUIRED_SECTION).is_none() {
        return Some(Error::new(format!(
            "{origin}: the config has no [{REQUIRED_SECTION}] section; add one with path and target"
        )));
    }
    None
}

/// A refusal the schema does not explain, with its line and the `[section] key` written
/// there, and serde's own words.
pub(super) fn unexplained(text: &str, origin: &str, e: &toml::de::Error) -> Error {
    with_context(text, origin, e, "fix the value")
}

fn with_context(text: &str, origin: &str, e: &toml::de::Error, fix: &str) -> Error {
    let msg = e.message().trim();
    let (line, section, key) = match e.span() {
        Some(span) => {
            let line = line_of(text, span.start);
            let (section, key, _) = context_of(text, line);
            (Some(line), section, key)
        }
        None => (None, None, None),
    };
    let line_txt = line.map(|n| format!("line {n}: ")).unwrap_or_default();
    let sec_txt = section.map(|s| format!("[{s}] ")).unwrap_or_default();
    let key_txt = key.map(|k| format!("{k}: ")).unwrap_or_default();
    Error::new(format!(
        "{origin}: {line_txt}{sec_txt}{key_txt}{msg}; {fix}"
    ))
}

/// The entry of `doc` named `name`.
fn entry<'d, 'i>(
    doc: &'d DeTable<'i>,
    name: &str,
) -> Option<(&'d Spanned<DeString<'i>>, &'d Spanned<DeValue<'i>>)> {
    doc.iter().find(|(k, _)| k.get_ref().as_ref() == name)
}

/// What is wrong with `value` for a key described by `expect`: where (the value, or the
/// offending item of a list), the problem and the fix. `None` when serde reads it.
fn check(expect: &Expect, value: &Spanned<DeValue<'_>>) -> Option<(Range<usize>, String, String)> {
    let v = value.get_ref();
    let wrong = |noun: &str, fix: &str| {
        Some((
            value.span(),
            format!("is {}, not {noun}", shown(v)),
            fix.to_string(),
        ))
    };
    let out_of_range = |fix: &str| {
        Some((
            value.span(),
            format!("is {}, out of range", shown(v)),
            fix.to_string(),
        ))
    };
    match *expect {
        Expect::Number => match v {
            DeValue::Integer(i)
                if integer(i)
                    .is_some_and(|i| i64::try_from(i).is_ok() || u64::try_from(i).is_ok()) =>
            {
                None
            }
            DeValue::Integer(_) => out_of_range(NUMBER_FIX),
            DeValue::Float(f) if float(f).is_some() => None,
            DeValue::Float(_) => out_of_range(NUMBER_FIX),
            _ => wrong("a number", NUMBER_FIX),
        },
        Expect::Whole { max } => match v {
            DeValue::Integer(i) => match integer(i) {
                Some(i) if (0..=i128::from(max)).contains(&i) => None,
                _ => out_of_range(WHOLE_FIX),
            },
            _ => wrong("a whole number", WHOLE_FIX),
        },
        Expect::Bool => match v {
            DeValue::Boolean(_) => None,
            _ => wrong("true or false", "write true or false"),
        },
        Expect::Text => match v {
            DeValue::String(_) => None,
            _ => wrong("a string", TEXT_FIX),
        },
        Expect::List(item) => match v {
            DeValue::Array(items) => items.iter().find_map(|x| {
                check(item, x).map(|(span, problem, fix)| {
                    let problem = problem.replacen("is ", "holds ", 1);
                    (span, problem, fix)
                })
            }),
            _ => wrong("a list", list_fix(item)),
        },
        Expect::OneOf(names) | Expect::Variant(names) => {
            let named = |s: &str| names.contains(&s);
            let ok = match v {
                DeValue::String(s) => named(s),
                // serde's spelling of a unit variant as a table: { name = {} }
                DeValue::Table(t) if matches!(expect, Expect::Variant(_)) => {
                    t.len() == 1
                        && t.iter().all(|(k, x)| {
                            named(k.get_ref())
                                && x.get_ref().as_table().is_some_and(|t| t.is_empty())
                        })
                }
                _ => false,
            };
            let fix = match (v, names.len()) {
                (DeValue::String(_), 1) => "use the value listed",
                (DeValue::String(_), _) => "use one of the values listed",
                _ => "write one of them in double quotes",
            };
            (!ok).then(|| {
                (
                    value.span(),
                    format!("is {}, not {}", shown(v), one_of(names)),
                    fix.to_string(),
                )
            })
        }
    }
}

const NUMBER_FIX: &str = "write a number, like 0.5";
const WHOLE_FIX: &str = "write a whole number, like 10";
const TEXT_FIX: &str = "write it in double quotes";

fn list_fix(item: &Expect) -> &'static str {
    match item {
        Expect::Number | Expect::Whole { .. } => "write a list, like [1.0, 0.1]",
        _ => "write a list, like [\"a\", \"b\"]",
    }
}

/// An integer as TOML wrote it (any radix), if it fits in an i128.
fn integer(i: &DeInteger<'_>) -> Option<i128> {
    i128::from_str_radix(i.as_str(), i.radix()).ok()
}

/// A float as serde reads it: an overflow to infinity is an error unless written `inf`.
fn float(f: &DeFloat<'_>) -> Option<f64> {
    let v: f64 = f.as_str().parse().ok()?;
    (!v.is_infinite() || f.as_str().contains("inf")).then_some(v)
}

/// A value as the messages show it: scalars as written (strings quoted and escaped onto
/// one line), lists and tables by kind.
fn shown(v: &DeValue<'_>) -> String {
    match v {
        DeValue::String(s) => format!("{:?}", s.as_ref()),
        DeValue::Integer(i) => i.to_string(),
        DeValue::Float(f) => f.to_string(),
        DeValue::Boolean(b) => b.to_string(),
        DeValue::Datetime(d) => d.to_string(),
        DeValue::Array(_) => "a list".into(),
        DeValue::Table(_) => "a table".into(),
    }
}

/// "`a`", "`a` or `b`", "one of `a`, `b`, `c`": a list of names as serde words it.
fn one_of(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.as_slice() {
        [one] => one.clone(),
        [a, b] => format!("{a} or {b}"),
        _ => format!("one of {}", quoted.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{MINIMAL, assert_names, fail, parse, with};
    use crate::data::Categorical;

    #[test]
    fn unknown_key_names_key_section_and_line() {
        let m = fail(&with("[model]\nkind = \"lasso\"\nalpah = 0.1\n"));
        assert_names(
            &m,
            &[
                "exp.toml",
                "line 6",
                "[model]",
                "alpah",
                "unknown key",
                "remove it",
            ],
        );
    }

    #[test]
    fn unknown_key_in_data() {
        let m = fail("[data]\npath = \"d.csv\"\ntraget = \"y\"\n");
        assert_names(&m, &["line 3", "[data]", "traget", "unknown key"]);
    }

    #[test]
    fn unknown_section() {
        let m = fail(&with("\n[modle]\nkind = \"lasso\"\n"));
        assert_names(&m, &["line 5", "modle", "unknown section"]);
    }

    #[test]
    fn type_error_names_key_and_line() {
        let m = fail(&with("[model]\nalpha = \"big\"\n"));
        assert_names(&m, &["line 5", "[model]", "alpha", "write a number"]);
        let m = fail(&with("[cv]\nfolds = 2.5\n"));
        assert_names(&m, &["line 5", "[cv]", "folds", "whole number"]);
        let m = fail(&with("[cv]\nfolds = -3\n"));
        assert_names(&m, &["line 5", "folds"]);
        let m = fail(&with("[model]\nstandardize = \"yes\"\n"));
        assert_names(&m, &["line 5", "standardize", "true or false"]);
        let m = fail("[data]\npath = \"d.csv\"\ntarget = \"y\"\nfeatures = \"age\"\n");
        assert_names(&m, &["line 4", "features", "list"]);
    }

    #[test]
    fn unknown_kind_lists_the_four() {
        let m = fail(&with("[model]\nkind = \"lars\"\n"));
        assert_names(
            &m,
            &[
                "line 5",
                "kind",
                "lars",
                "`ols`",
                "`ridge`",
                "`lasso`",
                "`elastic-net`",
            ],
        );
    }

    #[test]
    fn unknown_categorical_and_missing_values() {
        let m = fail("[data]\npath = \"d.csv\"\ntarget = \"y\"\ncategorical = \"dummy\"\n");
        assert_names(&m, &["line 4", "categorical", "dummy", "one-hot", "drop"]);
        let m = fail("[data]\npath = \"d.csv\"\ntarget = \"y\"\nmissing = \"impute\"\n");
        assert_names(&m, &["line 4", "missing", "impute", "drop-rows"]);
    }

    #[test]
    fn missing_target_and_missing_data_section() {
        let m = fail("# c\n[data]\npath = \"d.csv\"\n");
        assert_names(&m, &["exp.toml", "[data]", "target", "missing"]);
        let m = fail("[model]\nkind = \"lasso\"\n");
        assert_names(&m, &["exp.toml", "no [data] section"]);
    }

    #[test]
    fn syntax_error_has_a_line() {
        let m = fail(&with("[model]\nkind = lasso\n"));
        assert_names(&m, &["exp.toml", "line 5", "TOML syntax"]);
    }

    #[test]
    fn a_key_or_section_given_twice_says_to_keep_one() {
        let m = fail(&with("[model]\nalpha = 1\nalpha = 2\n"));
        assert_names(&m, &["line 6", "[model]", "alpha", "keep only one"]);
        let m = fail(&with("[model]\nalpha = 1\n[model]\nkind = \"ridge\"\n"));
        assert_names(&m, &["line 6", "[model]", "keep only one"]);
        let m = fail(&format!("{MINIMAL}[data]\n"));
        assert_names(&m, &["line 4", "[data]", "keep only one"]);
        let m = fail(&format!("{MINIMAL}target = \"z\"\n"));
        assert_names(&m, &["line 4", "target", "keep only one"]);
        // other syntax errors on a line with a known key are not taken for duplicates
        let m = fail(&with("[model]\nalpha = 1\nalpha 2\n"));
        assert_names(&m, &["line 6", "TOML syntax"]);
        let m = fail(&with("[model]\nalpha = 1\n[model\n"));
        assert_names(&m, &["line 6", "TOML syntax"]);
    }

    #[test]
    fn values_out_of_range_for_their_type_name_key_value_and_fix() {
        let cases: &[(&str, &[&str])] = &[
            (
                "[path]\neps = 1e400\n",
                &[
                    "line 5",
                    "[path] eps",
                    "1e400",
                    "out of range",
                    "write a number",
                ],
            ),
            (
                "[cv]\nfolds = -3\n",
                &["line 5", "[cv] folds", "-3", "out of range", "whole number"],
            ),
            (
                "[cv]\nseed = 18446744073709551616\n",
                &["line 5", "[cv] seed", "out of range", "whole number"],
            ),
            (
                "[model]\nalpha = 99999999999999999999\n",
                &["line 5", "[model] alpha", "out of range", "write a number"],
            ),
            (
                "[path]\nalphas = [1.0, 2e400]\n",
                &["line 5", "[path] alphas", "2e400", "out of range"],
            ),
        ];
        for (extra, parts) in cases {
            assert_names(&fail(&with(extra)), parts);
        }
        // the largest seed and any radix are read
        let e = parse(&with("[cv]\nseed = 18446744073709551615\nfolds = 0x0a\n")).unwrap();
        assert_eq!((e.cv.seed, e.cv.folds), (u64::MAX, Some(10)));
    }

    #[test]
    fn a_wrong_item_of_a_list_is_named_on_its_own_line() {
        let m =
            fail("[data]\npath = \"d.csv\"\ntarget = \"y\"\nfeatures = [\n  \"age\",\n  1,\n]\n");
        assert_names(&m, &["line 6", "[data] features holds 1", "double quotes"]);
        let m = fail(&with("[path]\nalphas = [1.0, \"x\"]\n"));
        assert_names(
            &m,
            &["line 5", "[path] alphas holds \"x\"", "write a number"],
        );
        let m = fail(&with("[path]\nalphas = 1.0\n"));
        assert_names(
            &m,
            &["line 5", "[path] alphas is 1.0, not a list", "[1.0, 0.1]"],
        );
    }

    #[test]
    fn tables_where_they_do_not_belong() {
        let m = fail(&with("[model.extra]\nx = 1\n"));
        assert_names(&m, &["line 4", "[model] unknown key `extra`", "`kind`"]);
        let m = fail("data = 3\n");
        assert_names(&m, &["line 1", "data is 3, not a section", "[data]"]);
        let m = fail("[[data]]\npath = \"d.csv\"\ntarget = \"y\"\n");
        assert_names(&m, &["line 1", "data is a list, not a section"]);
        let m = fail(&with("[model]\nalpha = { x = 1 }\n"));
        assert_names(
            &m,
            &["line 5", "[model] alpha is a table", "write a number"],
        );
        let m = fail(&with("[solver]\ntol = 1979-05-27\n"));
        assert_names(
            &m,
            &["line 5", "[solver] tol is 1979-05-27", "write a number"],
        );
    }

    #[test]
    fn enum_values_in_serde_s_table_spelling_still_load() {
        let data = "[data]\npath = \"d.csv\"\ntarget = \"y\"\ncategorical = { drop = {} }\n";
        assert_eq!(parse(data).unwrap().data.categorical, Categorical::Drop);
        // beside one, the real problem is the one named
        let m = fail(&format!("{data}separator = 1\n"));
        assert_names(&m, &["line 5", "[data] separator is 1", "double quotes"]);
        let m = fail("[data]\npath = \"d.csv\"\ntarget = \"y\"\ncategorical = { drop = 1 }\n");
        assert_names(&m, &["line 4", "[data] categorical", "`one-hot` or `drop`"]);
        // the model kind is read as a plain string only
        let m = fail(&with("[model]\nkind = { lasso = {} }\n"));
        assert_names(
            &m,
            &["line 5", "kind is a table", "`lasso`", "double quotes"],
        );
        let m = fail(&with("[model]\nkind = 3\n"));
        assert_names(
            &m,
            &["line 5", "kind is 3", "`elastic-net`", "double quotes"],
        );
    }

    #[test]
    fn shown_values_stay_on_one_line() {
        let m = fail(&with("[model]\nkind = \"\"\"la\nsso\"\"\"\n"));
        assert_names(&m, &["line 5", "[model] kind is \"la\\nsso\""]);
    }
}
