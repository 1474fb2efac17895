//! Turning what TOML parsing and serde report into one-line messages that name the file,
//! the line, the `[section] key` and what to do about it.

use crate::error::Error;

/// Finds keys in the parsed document so range errors can name their line.
pub(super) struct Locator<'a> {
    pub(super) text: &'a str,
    pub(super) origin: &'a str,
    pub(super) doc: &'a toml::de::DeTable<'a>,
}

impl Locator<'_> {
    /// The 1-based line of `[section] key`, else of the section, if present.
    fn line(&self, section: &str, key: &str) -> Option<usize> {
        let (sec_key, sec_val) = self
            .doc
            .iter()
            .find(|(k, _)| k.get_ref().as_ref() == section)?;
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
        if let Some(rest) = t.strip_prefix('[') {
            is_header = here;
            if let Some(end) = rest.find(']') {
                section = Some(rest[..end].trim().to_string());
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

pub(super) fn toml_error(
    text: &str,
    origin: &str,
    e: &toml::de::Error,
    default_fix: &str,
) -> Error {
    let msg = e.message().trim();
    let (line, section, key, is_header) = match e.span() {
        Some(span) => {
            let line = line_of(text, span.start);
            let (section, key, is_header) = context_of(text, line);
            (Some(line), section, key, is_header)
        }
        None => (None, None, None, false),
    };
    let line_txt = line.map(|n| format!("line {n}: ")).unwrap_or_default();
    let sec_txt = section
        .as_deref()
        .map(|s| format!("[{s}] "))
        .unwrap_or_default();
    let fix = if let Some(rest) = msg.strip_prefix("unknown field") {
        let rest = rest.trim_start();
        let (field, expected) = rest.split_once(',').unwrap_or((rest, ""));
        let expected = expected.trim();
        let expected = if expected.is_empty() {
            String::new()
        } else {
            format!(" ({expected})")
        };
        let (what, sec_txt) = if is_header {
            ("unknown section", String::new())
        } else {
            ("unknown key", sec_txt)
        };
        return Error::new(format!(
            "{origin}: {line_txt}{sec_txt}{what} {field}{expected}; remove it or fix its spelling"
        ));
    } else if let Some(rest) = msg.strip_prefix("missing field") {
        let field = rest.trim();
        if field == "`data`" {
            return Error::new(format!(
                "{origin}: the config has no [data] section; add one with path and target"
            ));
        }
        let where_ = if section.is_none() {
            "the config".to_string()
        } else {
            sec_txt.trim_end().to_string()
        };
        return Error::new(format!(
            "{origin}: {line_txt}{where_} is missing the key {field}; add {} = ... to it",
            field.trim_matches('`')
        ));
    } else if msg.contains("duplicate") {
        "keep only one of them".to_string()
    } else if !default_fix.is_empty() {
        default_fix.to_string()
    } else if msg.contains("expected f64") || msg.contains("expected a float") {
        "write a number, like 0.5".into()
    } else if msg.contains("expected usize") || msg.contains("expected u64") {
        "write a whole number, like 10".into()
    } else if msg.contains("expected a boolean") {
        "write true or false".into()
    } else if msg.contains("expected a string") {
        "write it in double quotes".into()
    } else if msg.contains("expected a sequence") {
        "write a list, like [\"a\", \"b\"]".into()
    } else if msg.contains("unknown variant") || msg.contains("unknown model kind") {
        "use one of the values listed".into()
    } else {
        "fix the value".into()
    };
    let key_txt = key.map(|k| format!("{k}: ")).unwrap_or_default();
    Error::new(format!(
        "{origin}: {line_txt}{sec_txt}{key_txt}{msg}; {fix}"
    ))
}

#[cfg(test)]
mod tests {
    use super::super::tests::{assert_names, fail, with};

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
}
