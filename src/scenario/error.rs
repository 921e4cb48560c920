//! Scenario diagnostics: `Diagnostic` (one located message) and `ScenarioError` (why a file
//! could not be loaded), and the translation of TOML and serde errors into diagnostics that
//! name the field path and say what was expected.
//!
//! A diagnostic renders as one line, plus an optional hint line:
//!
//! ```text
//! error: scenarios/x.toml:14:20: network.nodes[1].capacity_per_day: must be >= 0, found -5
//!   hint: did you mean `capacity_per_day`?
//! ```
//!
//! This module decides wording only; finding lines is `locate`'s job, and it does no I/O.

use std::fmt;
use std::path::{Path, PathBuf};

use super::locate::{Locator, Segment, join_key, parse_path};

/// One problem in a scenario file, located where the file can show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The scenario file.
    pub file: PathBuf,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column in characters, when known.
    pub column: Option<usize>,
    /// The field path, e.g. `network.nodes[1].capacity_per_day`; empty for the whole file.
    pub path: String,
    /// What is wrong and what is expected.
    pub message: String,
    /// An optional suggestion, shown on a line of its own.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// A diagnostic without location or hint.
    pub fn new(file: &Path, path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.to_path_buf(),
            line: None,
            column: None,
            path: path.into(),
            message: message.into(),
            hint: None,
        }
    }

    /// This diagnostic located at `line` and `column`.
    pub fn at(self, position: Option<(usize, usize)>) -> Self {
        Diagnostic { line: position.map(|p| p.0), column: position.map(|p| p.1), ..self }
    }

    /// This diagnostic with a hint line.
    pub fn with_hint(self, hint: Option<String>) -> Self {
        Diagnostic { hint, ..self }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}:", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, "{line}:")?;
            if let Some(column) = self.column {
                write!(f, "{column}:")?;
            }
        }
        if !self.path.is_empty() {
            write!(f, " {}:", self.path)?;
        }
        write!(f, " {}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// Why a scenario file could not be loaded. None of these let the run go on.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("error: {}: cannot read the file: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The file is not UTF-8, not TOML, or does not have the shape of a scenario (an unknown
    /// key, a wrong type, a missing required key); parsing stops at the first such error.
    #[error("{0}")]
    Parse(Diagnostic),
    /// The file parsed but breaks one or more rules of the format; every broken rule is
    /// listed, in file order.
    #[error("{}", render_all(.0))]
    Invalid(Vec<Diagnostic>),
}

impl ScenarioError {
    /// Every problem as a diagnostic (one for `Io` and `Parse`).
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        match self {
            ScenarioError::Io { path, source } => {
                vec![Diagnostic::new(path, "", format!("cannot read the file: {source}"))]
            }
            ScenarioError::Parse(diagnostic) => vec![diagnostic.clone()],
            ScenarioError::Invalid(diagnostics) => diagnostics.clone(),
        }
    }
}

fn render_all(diagnostics: &[Diagnostic]) -> String {
    let lines: Vec<String> = diagnostics.iter().map(Diagnostic::to_string).collect();
    lines.join("\n")
}

/// The diagnostic for bytes that are not UTF-8, located at the first bad byte.
pub(crate) fn not_utf8(file: &Path, bytes: &[u8], error: &std::str::Utf8Error) -> Diagnostic {
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        let message = "the file is UTF-16 text, expected a TOML file saved as UTF-8";
        return Diagnostic::new(file, "", message)
            .at(Some((1, 1)))
            .with_hint(Some("save it again choosing the UTF-8 encoding".into()));
    }
    let valid = std::str::from_utf8(&bytes[..error.valid_up_to()]).unwrap_or_default();
    let position = super::locate::line_column(valid, valid.len());
    Diagnostic::new(
        file,
        "",
        "the file is not valid UTF-8 text, expected a TOML file saved as UTF-8",
    )
    .at(Some(position))
}

/// The diagnostic for a TOML syntax error or a serde shape error.
pub(crate) fn from_toml(file: &Path, error: &toml::de::Error, locator: &Locator<'_>) -> Diagnostic {
    let span = error.span();
    let position = span.as_ref().map(|span| locator.line_column(span.start));
    let path = span.clone().and_then(|span| locator.path_at(span));

    let written = span.clone().map_or("", |span| locator.text_at(span));
    let Some(path) = path else {
        let mut message = format!("invalid TOML: {}", error.message().trim());
        if message.ends_with("duplicate key") && !written.is_empty() {
            message = format!("{message} \"{written}\", each key may appear once per table");
        }
        return Diagnostic::new(file, "", message).at(position);
    };
    let in_array = locator.is_array(&path);
    let explained = explain(error.message().trim(), path, written, in_array);

    // Serde reports unknown keys of internally tagged tables at the span of the enclosing
    // array; point at the key itself when it can be found there.
    let refined = match (&explained.unknown_key, span) {
        (Some(key), Some(span)) if last_key(&explained.path).as_deref() != Some(key) => {
            locator.key_within(span, key)
        }
        _ => None,
    };
    let (path, position) = match refined {
        Some((path, key_span)) => (path, Some(locator.line_column(key_span.start))),
        None => (explained.path, position),
    };
    Diagnostic::new(file, path, explained.message).at(position).with_hint(explained.hint)
}

/// A serde message rephrased for a planner.
struct Explained {
    path: String,
    message: String,
    hint: Option<String>,
    /// The key an "unknown key" message is about.
    unknown_key: Option<String>,
}

/// Rephrases serde's messages ("missing field", "unknown field", "unknown variant", "invalid
/// type") into "<what is wrong>, <what is expected>"; other messages pass through. `written`
/// is the source text the error points at; `in_array` says that serde could only point at a
/// whole array (internally tagged entries), so a missing key cannot be pinned to one entry.
fn explain(message: &str, path: String, written: &str, in_array: bool) -> Explained {
    let quoted = backticked(message);
    let expected: Vec<&str> = quoted.iter().skip(1).copied().collect();
    let plain =
        |message: String| Explained { path: path.clone(), message, hint: None, unknown_key: None };

    if let Some(key) = message.strip_prefix("missing field `").and_then(|m| m.strip_suffix('`')) {
        if in_array {
            return plain(format!("an entry is missing the required key \"{key}\""));
        }
        let path = join_key(&path, key);
        return Explained { path, ..plain("missing, this key is required".to_owned()) };
    }
    if message.starts_with("unknown field `") {
        let key = quoted.first().copied().unwrap_or_default();
        let message =
            format!("unknown key \"{key}\", {}", expected_list(&expected, "no other keys"));
        let hint = suggestion(key, &expected);
        return Explained { hint, unknown_key: Some(key.to_owned()), ..plain(message) };
    }
    if message.starts_with("unknown variant `") {
        let value = quoted.first().copied().unwrap_or_default();
        let noun = noun_for(&path);
        let message =
            format!("unknown {noun} \"{value}\", {}", expected_list(&expected, "nothing"));
        let hint = suggestion(value, &expected);
        return Explained { hint, ..plain(message) };
    }
    if message == "invalid type: map, expected a string" && written.starts_with(char::is_numeric) {
        let message =
            format!("wrong type: found the TOML date or time {written}, expected a string");
        let hint = Some(format!("write it in quotes: \"{written}\""));
        return Explained { hint, ..plain(message) };
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        let (found, wanted) = rest.split_once(", expected ").unwrap_or((rest, "another type"));
        return plain(format!("wrong type: found {}, expected {}", found, type_name(wanted)));
    }
    if let Some(rest) = message.strip_prefix("invalid value: ") {
        let (found, wanted) = rest.split_once(", expected ").unwrap_or((rest, "another value"));
        return plain(format!("invalid value: found {}, expected {}", found, type_name(wanted)));
    }
    plain(message.to_owned())
}

/// The last key of a field path, skipping array indexes.
fn last_key(path: &str) -> Option<String> {
    parse_path(path)?.into_iter().rev().find_map(|segment| match segment {
        Segment::Key(key) => Some(key),
        Segment::Index(_) => None,
    })
}

/// The words quoted in backticks, in order.
fn backticked(message: &str) -> Vec<&str> {
    message.split('`').skip(1).step_by(2).collect()
}

fn expected_list(expected: &[&str], none: &str) -> String {
    match expected {
        [] => format!("expected {none}"),
        [only] => format!("expected {only}"),
        _ => format!("expected one of {}", expected.join(", ")),
    }
}

/// "did you mean `x`?" when one expected name is a small edit away from what was written.
/// Names whose length differs by more than the limit are skipped without computing the
/// distance, which keeps long name lists cheap.
pub(crate) fn suggestion(written: &str, expected: &[&str]) -> Option<String> {
    let length = written.chars().count();
    let limit = (length / 3).max(1);
    let close_in_length = |name: &&&str| name.chars().count().abs_diff(length) <= limit;
    let candidates = expected.iter().filter(close_in_length);
    let closest = candidates.map(|name| (edit_distance(written, name), *name)).min()?;
    (closest.0 <= limit).then(|| format!("did you mean `{}`?", closest.1))
}

/// Levenshtein distance in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != *cb);
            current.push(substitute.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

/// The thing an enumerated value names, from the last key of its path.
fn noun_for(path: &str) -> &'static str {
    let key = last_key(path);
    if path.starts_with("disruptions[") && key.as_deref() == Some("kind") {
        return "disruption kind";
    }
    match key.as_deref() {
        Some("filter") => "filter",
        Some("key") => "sort key",
        Some("order") => "sort order",
        Some("preset") => "preset",
        Some("fallback") => "fallback",
        Some("split") => "split",
        Some("kind" | "kinds" | "node_kind") => "node kind",
        Some("capabilities") => "capability",
        Some("dist") => "distribution",
        Some("placement") => "placement",
        Some("lost_sale") => "lost-sale behaviour",
        Some("channels") => "channel",
        Some("start_weekday") => "weekday",
        _ => "value",
    }
}

/// serde's name of an expected type in a planner's words.
fn type_name(wanted: &str) -> &str {
    match wanted {
        "f64" | "f32" => "a number",
        "i64" | "i32" => "an integer",
        "u64" | "u32" => "a non-negative integer",
        "a sequence" => "an array",
        "a boolean" => "true or false",
        other if other.starts_with("struct ") || other == "a map" => "a table",
        other if other.starts_with("internally tagged enum") => "a table",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diagnostic() -> Diagnostic {
        Diagnostic::new(
            Path::new("scenarios/x.toml"),
            "network.nodes[1].capacity_per_day",
            "must be >= 0, found -5",
        )
    }

    #[test]
    fn a_located_diagnostic_renders_on_one_line() {
        let rendered = diagnostic().at(Some((14, 20))).to_string();
        assert_eq!(
            rendered,
            "error: scenarios/x.toml:14:20: network.nodes[1].capacity_per_day: must be >= 0, found -5"
        );
    }

    #[test]
    fn a_hint_goes_on_its_own_line_and_missing_parts_are_left_out() {
        let rendered =
            Diagnostic::new(Path::new("x.toml"), "", "empty").with_hint(Some("add keys".into()));
        assert_eq!(rendered.to_string(), "error: x.toml: empty\n  hint: add keys");
    }

    #[test]
    fn every_error_lists_its_diagnostics() {
        let io = ScenarioError::Io {
            path: PathBuf::from("gone.toml"),
            source: std::io::Error::from(std::io::ErrorKind::NotFound),
        };
        assert_eq!(io.diagnostics().len(), 1);
        assert!(io.diagnostics()[0].to_string().starts_with("error: gone.toml: cannot read"));
        let invalid = ScenarioError::Invalid(vec![diagnostic(), diagnostic()]);
        assert_eq!(invalid.diagnostics().len(), 2);
        assert_eq!(invalid.to_string().lines().count(), 2);
    }

    #[test]
    fn missing_fields_name_the_key() {
        let explained = explain("missing field `lat`", "network.nodes[1]".into(), "", false);
        assert_eq!(explained.path, "network.nodes[1].lat");
        assert_eq!(explained.message, "missing, this key is required");
    }

    #[test]
    fn unknown_keys_list_the_valid_ones_and_suggest_the_closest() {
        let message =
            "unknown field `capacity_per_dya`, expected one of `name`, `capacity_per_day`";
        let explained = explain(message, "network.nodes[0].capacity_per_dya".into(), "", false);
        assert_eq!(explained.unknown_key.as_deref(), Some("capacity_per_dya"));
        assert_eq!(
            explained.message,
            "unknown key \"capacity_per_dya\", expected one of name, capacity_per_day"
        );
        assert_eq!(explained.hint.as_deref(), Some("did you mean `capacity_per_day`?"));
    }

    #[test]
    fn unknown_variants_are_named_by_their_key() {
        let message = "unknown variant `has_atp`, expected one of `capability`, `has_full_atp`";
        let explained = explain(message, "policies[0].filters[1].filter".into(), "", false);
        assert_eq!(
            explained.message,
            "unknown filter \"has_atp\", expected one of capability, has_full_atp"
        );
        let sort = explain(
            "unknown variant `speed`, expected `priority` or `distance`",
            "policies[0].sort[0].key".into(),
            "",
            false,
        );
        assert_eq!(sort.message, "unknown sort key \"speed\", expected one of priority, distance");
        assert_eq!(sort.hint, None);
    }

    #[test]
    fn type_errors_say_what_was_expected() {
        let explained = explain(
            "invalid type: string \"many\", expected i64",
            "horizon_days".into(),
            "",
            false,
        );
        assert_eq!(explained.message, "wrong type: found string \"many\", expected an integer");
        let value = explain("invalid value: integer `-1`, expected u64", "seed".into(), "", false);
        assert_eq!(
            value.message,
            "invalid value: found integer `-1`, expected a non-negative integer"
        );
    }

    #[test]
    fn a_missing_key_inside_an_array_is_not_pinned_to_an_entry() {
        let explained =
            explain("missing field `max_utilization`", "policies[0].filters".into(), "", true);
        assert_eq!(explained.path, "policies[0].filters");
        assert_eq!(explained.message, "an entry is missing the required key \"max_utilization\"");
    }

    #[test]
    fn toml_times_where_strings_are_expected_get_a_hint() {
        let message = "invalid type: map, expected a string";
        let explained = explain(message, "network.nodes[0].hours.open".into(), "06:00", false);
        assert_eq!(
            explained.message,
            "wrong type: found the TOML date or time 06:00, expected a string"
        );
        assert_eq!(explained.hint.as_deref(), Some("write it in quotes: \"06:00\""));
    }

    #[test]
    fn edit_distance_counts_single_character_edits() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }

    #[test]
    fn utf16_is_named() {
        let bytes = std::hint::black_box([0xff, 0xfe, b'v', 0]);
        let error = std::str::from_utf8(&bytes).expect_err("not utf-8");
        let diagnostic = not_utf8(Path::new("wide.toml"), &bytes, &error);
        assert!(diagnostic.message.contains("UTF-16"), "{}", diagnostic.message);
    }

    #[test]
    fn bad_utf8_is_located_at_the_first_bad_byte() {
        let bytes = [b"version = 1\nname = \"".as_slice(), &[0xff], b"\"\n"].concat();
        let error = std::str::from_utf8(&bytes).expect_err("not utf-8");
        let diagnostic = not_utf8(Path::new("bad.toml"), &bytes, &error);
        assert_eq!((diagnostic.line, diagnostic.column), (Some(2), Some(9)));
        assert!(diagnostic.message.contains("not valid UTF-8"));
    }
}
