//! Parameter paths: where a `--set` writes in a scenario document.
//!
//! Owns [`ParamPath`] (parsed from `demand.channels.web.rate_per_day` or
//! `policies[1].max_shipments`), its [`Step`]s, [`PathError`], and [`ParamPath::assign`],
//! which writes a value into a `toml_edit` document: it replaces a value in place (keeping
//! the line it sat on, so diagnostics still point into the user's file), or inserts a key
//! the file left at its default, creating the tables on the way. It knows nothing of the
//! scenario format: whether a key exists is for validation to say, not this file.

use std::fmt;
use std::str::FromStr;

use toml_edit::{Array, ArrayOfTables, DocumentMut, InlineTable, Item, Table, Value};

/// One step of a path: a key of a table, or an element of an array.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Step {
    /// A bare key (`[A-Za-z0-9_-]+`).
    Key(String),
    /// A 0-based index into an array or an array of tables.
    Index(usize),
}

/// A path into a TOML document: dotted bare keys, each followed by any number of `[i]`.
/// It always starts with a key. Displayed as written, e.g. `policies[1].max_shipments`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ParamPath {
    steps: Vec<Step>,
}

/// Why a path could not be parsed or assigned.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    /// The text is not a path; the message says what is wrong with it.
    #[error("\"{text}\" is not a parameter path: {message}")]
    Syntax {
        /// The text given.
        text: String,
        /// What is wrong with it.
        message: String,
    },
    /// An index past the end of an array (arrays are not extended by a `--set`).
    #[error("{at} has {len} elements, so [{index}] does not exist (indices start at 0)")]
    NoSuchElement {
        /// The path of the array.
        at: String,
        /// Its length.
        len: usize,
        /// The index asked for.
        index: usize,
    },
    /// A step that does not fit what the document holds there, such as a key inside a
    /// number or an index into a table.
    #[error("{at} is {found}, so it has no {step}")]
    WrongKind {
        /// The path up to the step.
        at: String,
        /// What the document holds there (`an integer`, `a table`, ...).
        found: String,
        /// The step that cannot be taken (`key "x"` or `element [2]`).
        step: String,
    },
}

impl ParamPath {
    /// The steps, in order.
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// Writes `value` at this path in `doc`, replacing what is there (keeping its line and
    /// comments) or inserting the key, with any missing tables on the way.
    ///
    /// Errors: an index past the end of an array, or a step that does not fit the document
    /// (a key inside a number, an index into a table).
    pub fn assign(&self, doc: &mut DocumentMut, value: &Value) -> Result<(), PathError> {
        let (last, parents) = self.steps.split_last().expect("a parsed path has a step");
        let mut place = Place::Table(doc.as_table_mut());
        for (i, step) in parents.iter().enumerate() {
            place = place.descend(step, &self.steps[i + 1], &self.prefix(i))?;
        }
        place.set(last, value.clone(), &self.prefix(parents.len()))
    }

    /// The path of the first `n` steps, for messages (`the document` when empty).
    fn prefix(&self, n: usize) -> String {
        if n == 0 {
            return "the document".to_string();
        }
        ParamPath { steps: self.steps[..n].to_vec() }.to_string()
    }
}

impl FromStr for ParamPath {
    type Err = PathError;

    /// Parses `key(.key)*`, each key followed by any number of `[index]`.
    fn from_str(text: &str) -> Result<Self, PathError> {
        let syntax = |message: &str| PathError::Syntax {
            text: text.to_string(),
            message: message.to_string(),
        };
        if text.is_empty() {
            return Err(syntax("it is empty"));
        }
        let mut steps = Vec::new();
        for segment in text.split('.') {
            let (key, mut rest) = segment.split_at(segment.find('[').unwrap_or(segment.len()));
            if key.is_empty() {
                return Err(syntax("every part between dots starts with a key"));
            }
            if !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
                return Err(syntax("keys are letters, digits, `_` and `-`"));
            }
            steps.push(Step::Key(key.to_string()));
            while !rest.is_empty() {
                let close = rest.find(']').filter(|_| rest.starts_with('['));
                let close = close.ok_or_else(|| syntax("an index is written [0], [1], ..."))?;
                let index = rest[1..close]
                    .parse::<usize>()
                    .map_err(|_| syntax("an index is a whole number from 0, as in [0]"))?;
                steps.push(Step::Index(index));
                rest = &rest[close + 1..];
            }
        }
        Ok(ParamPath { steps })
    }
}

impl fmt::Display for ParamPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.steps.iter().enumerate() {
            match step {
                Step::Key(key) if i == 0 => write!(f, "{key}")?,
                Step::Key(key) => write!(f, ".{key}")?,
                Step::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

/// Where the walk down a document is: a table, an array of tables, or a value (inside an
/// inline table or an array, or a key's value).
enum Place<'a> {
    Table(&'a mut Table),
    Tables(&'a mut ArrayOfTables),
    Value(&'a mut Value),
    /// A key with no item, which parsed documents never hold.
    Empty,
}

impl<'a> Place<'a> {
    /// The place an item is.
    fn of(item: &'a mut Item) -> Place<'a> {
        match item {
            Item::Table(table) => Place::Table(table),
            Item::ArrayOfTables(tables) => Place::Tables(tables),
            Item::Value(value) => Place::Value(value),
            Item::None => Place::Empty,
        }
    }

    /// Takes `step` (at path `at`), creating a missing key as an empty container that can
    /// take `next`.
    fn descend(self, step: &Step, next: &Step, at: &str) -> Result<Place<'a>, PathError> {
        match (self, step) {
            (Place::Table(table), Step::Key(key)) => {
                Ok(Place::of(table.entry(key).or_insert_with(|| empty_item_for(next))))
            }
            (Place::Tables(tables), Step::Index(index)) => {
                let len = tables.len();
                let table = tables.get_mut(*index).ok_or_else(|| no_element(at, len, *index))?;
                Ok(Place::Table(table))
            }
            (Place::Value(Value::InlineTable(table)), Step::Key(key)) => {
                Ok(Place::Value(table.entry(key).or_insert(empty_value_for(next))))
            }
            (Place::Value(Value::Array(array)), Step::Index(index)) => {
                let len = array.len();
                let value = array.get_mut(*index).ok_or_else(|| no_element(at, len, *index))?;
                Ok(Place::Value(value))
            }
            (place, step) => Err(place.cannot_take(step, at)),
        }
    }

    /// Writes `value` at `step` (at path `at`). A replaced value keeps its surrounding
    /// whitespace and comments, so the line reads as before.
    fn set(self, step: &Step, value: Value, at: &str) -> Result<(), PathError> {
        match (self, step) {
            (Place::Table(table), Step::Key(key)) => {
                match table.get_mut(key) {
                    Some(Item::Value(old)) => replace(old, value),
                    _ => {
                        table.insert(key, Item::Value(value));
                    }
                }
                table.set_implicit(false);
                Ok(())
            }
            (Place::Value(Value::InlineTable(table)), Step::Key(key)) => {
                match table.get_mut(key) {
                    Some(old) => replace(old, value),
                    None => {
                        table.insert(key, value);
                    }
                }
                Ok(())
            }
            (Place::Value(Value::Array(array)), Step::Index(index)) => {
                let len = array.len();
                let old = array.get_mut(*index).ok_or_else(|| no_element(at, len, *index))?;
                replace(old, value);
                Ok(())
            }
            (place, step) => Err(place.cannot_take(step, at)),
        }
    }

    /// The error for a step this place cannot take.
    fn cannot_take(&self, step: &Step, at: &str) -> PathError {
        let found = match self {
            Place::Table(_) => "a table",
            Place::Tables(_) => "an array of tables",
            Place::Empty => "nothing",
            Place::Value(value) => match value {
                Value::String(_) => "a string",
                Value::Integer(_) => "an integer",
                Value::Float(_) => "a float",
                Value::Boolean(_) => "a boolean",
                Value::Datetime(_) => "a date-time",
                Value::Array(_) => "an array",
                Value::InlineTable(_) => "a table",
            },
        };
        let step = match step {
            Step::Key(key) => format!("key \"{key}\""),
            Step::Index(index) => format!("element [{index}]"),
        };
        PathError::WrongKind { at: at.to_string(), found: found.to_string(), step }
    }
}

/// Puts `value` where `old` was, with `old`'s whitespace and comments.
fn replace(old: &mut Value, mut value: Value) {
    *value.decor_mut() = old.decor().clone();
    *old = value;
}

/// An empty container for a missing key of a table, so `next` can be taken inside it.
fn empty_item_for(next: &Step) -> Item {
    match next {
        Step::Key(_) => {
            let mut table = Table::new();
            table.set_implicit(true);
            Item::Table(table)
        }
        Step::Index(_) => Item::Value(Value::Array(Array::new())),
    }
}

/// An empty container for a missing key of an inline table.
fn empty_value_for(next: &Step) -> Value {
    match next {
        Step::Key(_) => Value::InlineTable(InlineTable::new()),
        Step::Index(_) => Value::Array(Array::new()),
    }
}

fn no_element(at: &str, len: usize, index: usize) -> PathError {
    PathError::NoSuchElement { at: at.to_string(), len, index }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(text: &str) -> ParamPath {
        text.parse().expect("a valid path")
    }

    /// `doc` with `value` assigned at `at`, rendered.
    fn assigned(doc: &str, at: &str, value: &str) -> Result<String, PathError> {
        let mut doc: DocumentMut = doc.parse().expect("valid TOML");
        path(at).assign(&mut doc, &value.parse().expect("a TOML value"))?;
        Ok(doc.to_string())
    }

    #[test]
    fn paths_parse_keys_and_indices_and_print_as_written() {
        let p = path("policies[1].filters[0][2].max_miles");
        assert_eq!(
            p.steps(),
            [
                Step::Key("policies".into()),
                Step::Index(1),
                Step::Key("filters".into()),
                Step::Index(0),
                Step::Index(2),
                Step::Key("max_miles".into()),
            ]
        );
        assert_eq!(p.to_string(), "policies[1].filters[0][2].max_miles");
        assert_eq!(path("seed").to_string(), "seed");
    }

    #[test]
    fn malformed_paths_are_refused() {
        for bad in
            ["", ".a", "a.", "a..b", "[0]", "a[", "a[x]", "a[-1]", "a[0", "a]0[", "a b", "a=b"]
        {
            let error = bad.parse::<ParamPath>().expect_err(bad);
            assert!(matches!(error, PathError::Syntax { .. }), "{bad}: {error}");
        }
    }

    #[test]
    fn a_value_is_replaced_on_its_own_line_keeping_its_comment() {
        let doc = "a = 1\nseed = 5 # the seed\nb = 2\n";
        assert_eq!(assigned(doc, "seed", "9").expect("set"), "a = 1\nseed = 9 # the seed\nb = 2\n");
    }

    #[test]
    fn keys_in_tables_inline_tables_and_arrays_of_tables_are_reached() {
        let doc = "[t]\nx = { y = 1, z = [1, 2] }\n[[p]]\nn = 1\n[[p]]\nn = 2\n";
        let out = assigned(doc, "t.x.y", "7").expect("inline key");
        assert!(out.contains("x = { y = 7, z = [1, 2] }"), "{out}");
        let out = assigned(doc, "t.x.z[1]", "8").expect("array element");
        assert!(out.contains("z = [1, 8]"), "{out}");
        let out = assigned(doc, "p[1].n", "5").expect("array of tables");
        assert!(out.ends_with("[[p]]\nn = 5\n"), "{out}");
    }

    #[test]
    fn a_missing_key_is_inserted_with_its_tables() {
        let doc = "a = 1\n[t]\nx = 1\n";
        let out = assigned(doc, "t.y", "2").expect("insert");
        let parsed: toml::Table = toml::from_str(&out).expect("valid TOML");
        assert_eq!(parsed["t"]["y"].as_integer(), Some(2));
        let out = assigned(doc, "u.v.w", "\"s\"").expect("insert tables");
        let parsed: toml::Table = toml::from_str(&out).expect("valid TOML");
        assert_eq!(parsed["u"]["v"]["w"].as_str(), Some("s"));
        assert_eq!(parsed["t"]["x"].as_integer(), Some(1));
    }

    #[test]
    fn a_key_inserted_into_an_implicit_table_is_kept() {
        let doc = "[[net.nodes]]\nname = \"a\"\n[net.stores]\ncount = 3\n";
        let out = assigned(doc, "net.cities", "\"c.csv\"").expect("insert");
        let parsed: toml::Table = toml::from_str(&out).expect("valid TOML");
        assert_eq!(parsed["net"]["cities"].as_str(), Some("c.csv"));
        assert_eq!(parsed["net"]["stores"]["count"].as_integer(), Some(3));
    }

    #[test]
    fn indices_past_the_end_and_steps_into_values_are_errors() {
        let doc = "seed = 1\n[[p]]\nn = 1\n";
        assert_eq!(
            assigned(doc, "p[3].n", "1").expect_err("past the end").to_string(),
            "p has 1 elements, so [3] does not exist (indices start at 0)"
        );
        assert_eq!(
            assigned(doc, "seed.x", "1").expect_err("into a number").to_string(),
            "seed is an integer, so it has no key \"x\""
        );
        assert_eq!(
            assigned(doc, "p.n", "1").expect_err("key of an array").to_string(),
            "p is an array of tables, so it has no key \"n\""
        );
    }
}
