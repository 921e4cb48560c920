//! The grid of a sweep: `--set path=v1,v2,...` flags and the variants they make.
//!
//! Owns [`Set`] (one flag, parsed: a [`ParamPath`] and its TOML values), [`SetError`] and
//! [`variants`], the cartesian product of the sets in the order given, the last set varying
//! fastest. Values are split at commas outside quotes, brackets and braces, so
//! `name="a,b",c` is two values; each is read as a TOML value, and a bare word that is not
//! one (`nearest`) is taken as a string. Nothing here reads files or knows the scenario
//! format.

use std::fmt;
use std::str::FromStr;

use toml_edit::Value;

use super::path::{ParamPath, PathError};

/// One `--set path=v1,v2,...`: a parameter and the values it takes, in order.
#[derive(Clone, Debug)]
pub struct Set {
    /// Where the values go.
    pub path: ParamPath,
    /// The values, as TOML values, in the order given.
    pub values: Vec<Value>,
}

/// Why a `--set` could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SetError {
    /// No `=` between the path and the values.
    #[error("expected path=value1,value2,..., found no `=`")]
    NoEquals,
    /// The path does not parse.
    #[error(transparent)]
    Path(#[from] PathError),
    /// Nothing after the `=`, or an empty value between two commas.
    #[error("value {position} is empty")]
    EmptyValue {
        /// 1-based position of the value.
        position: usize,
    },
    /// A quote, bracket or brace that is never closed.
    #[error("a quote, bracket or brace is not closed")]
    Unclosed,
    /// A value that looks like TOML (it starts with a quote, bracket, brace, digit or
    /// sign) but is not valid TOML.
    #[error("value {position} `{text}` is not a TOML value: {message}")]
    BadValue {
        /// 1-based position of the value.
        position: usize,
        /// The value as given.
        text: String,
        /// What the TOML parser said.
        message: String,
    },
    /// The same value twice, which would run the same variant twice.
    #[error("value `{text}` is given twice")]
    Repeated {
        /// The value as written in results.
        text: String,
    },
}

impl FromStr for Set {
    type Err = SetError;

    /// Parses `path=v1,v2,...`.
    fn from_str(text: &str) -> Result<Self, SetError> {
        let (path, values) = text.split_once('=').ok_or(SetError::NoEquals)?;
        let path: ParamPath = path.trim().parse()?;
        let values: Vec<Value> = split_values(values)?
            .iter()
            .enumerate()
            .map(|(i, piece)| parse_value(piece, i + 1))
            .collect::<Result<_, _>>()?;

        let mut seen: Vec<String> = Vec::new();
        for value in &values {
            let text = render(value);
            if seen.contains(&text) {
                return Err(SetError::Repeated { text });
            }
            seen.push(text);
        }
        Ok(Set { path, values })
    }
}

impl fmt::Display for Set {
    /// `path=v1,v2,...`, values as results write them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let values: Vec<String> = self.values.iter().map(render).collect();
        write!(f, "{}={}", self.path, values.join(","))
    }
}

/// One point of the grid: the index of each set's value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variant {
    /// 0-based position in the grid.
    pub index: usize,
    /// `choices[s]` indexes `sets[s].values`.
    pub choices: Vec<usize>,
}

impl Variant {
    /// The values this variant gives each set, as results write them.
    pub fn values(&self, sets: &[Set]) -> Vec<String> {
        sets.iter().zip(&self.choices).map(|(set, &c)| render(&set.values[c])).collect()
    }

    /// `path=value, path=value` for messages.
    pub fn describe(&self, sets: &[Set]) -> String {
        let values = self.values(sets);
        let pairs: Vec<String> =
            sets.iter().zip(&values).map(|(set, value)| format!("{}={value}", set.path)).collect();
        pairs.join(", ")
    }
}

/// Every variant of the grid, in order: the first set varies slowest, the last fastest.
/// No sets make one variant (the scenario as written).
pub fn variants(sets: &[Set]) -> Vec<Variant> {
    let count: usize = sets.iter().map(|s| s.values.len()).product();
    (0..count)
        .map(|index| {
            let mut rest = index;
            let mut choices = vec![0; sets.len()];
            for (s, set) in sets.iter().enumerate().rev() {
                choices[s] = rest % set.values.len();
                rest /= set.values.len();
            }
            Variant { index, choices }
        })
        .collect()
}

/// A value as results write it: a string's text, a number in its shortest form, anything
/// else as TOML.
pub fn render(value: &Value) -> String {
    match value {
        Value::String(s) => s.value().clone(),
        Value::Integer(i) => i.value().to_string(),
        Value::Float(x) => x.value().to_string(),
        Value::Boolean(b) => b.value().to_string(),
        other => other.to_string().trim().to_string(),
    }
}

/// The comma-separated values of `text`, split outside quotes, brackets and braces.
fn split_values(text: &str) -> Result<Vec<&str>, SetError> {
    let mut pieces = Vec::new();
    let (mut depth, mut quote, mut escaped, mut start) = (0i32, None, false, 0);
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some('"'), '\\') if !escaped => {
                escaped = true;
                continue;
            }
            (Some(q), c) if c == q && !escaped => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => depth -= 1,
            (None, ',') if depth == 0 => {
                pieces.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
        escaped = false;
    }
    if quote.is_some() || depth != 0 {
        return Err(SetError::Unclosed);
    }
    pieces.push(&text[start..]);
    Ok(pieces)
}

/// One value: TOML when it parses or looks like TOML, otherwise a bare word as a string.
fn parse_value(piece: &str, position: usize) -> Result<Value, SetError> {
    let piece = piece.trim();
    if piece.is_empty() {
        return Err(SetError::EmptyValue { position });
    }
    match piece.parse::<Value>() {
        Ok(value) => Ok(value),
        Err(error) if looks_like_toml(piece) => Err(SetError::BadValue {
            position,
            text: piece.to_string(),
            message: error.message().trim().to_string(),
        }),
        Err(_) => Ok(Value::from(piece)),
    }
}

/// Whether `piece` starts the way only a TOML value (not a bare word) would.
fn looks_like_toml(piece: &str) -> bool {
    piece.starts_with(|c: char| c.is_ascii_digit() || "\"'[{+-.".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn set(text: &str) -> Set {
        text.parse().expect("a valid --set")
    }

    fn rendered(text: &str) -> Vec<String> {
        set(text).values.iter().map(render).collect()
    }

    #[test]
    fn values_are_toml_and_bare_words_are_strings() {
        assert_eq!(
            rendered("a.b=1,2.5,true,nearest,\"x y\""),
            ["1", "2.5", "true", "nearest", "x y"]
        );
        assert!(set("a=1,2").values.iter().all(|v| v.as_integer().is_some()));
        assert!(set("a=1.0").values[0].as_float().is_some());
        assert_eq!(set("a=nearest").values[0].as_str(), Some("nearest"));
    }

    #[test]
    fn commas_inside_quotes_brackets_and_braces_do_not_split() {
        assert_eq!(
            rendered(r#"a="x,y",'p,q',[1, 2],{ open = "08:00", close = "20:00" }"#),
            ["x,y", "p,q", "[1, 2]", r#"{ open = "08:00", close = "20:00" }"#]
        );
        assert_eq!(rendered(r#"a="say \"hi\", then",b"#), [r#"say "hi", then"#, "b"]);
    }

    #[test]
    fn bad_sets_say_what_is_wrong() {
        let error = |text: &str| text.parse::<Set>().expect_err(text);
        assert_eq!(error("a.b"), SetError::NoEquals);
        assert_eq!(error("a="), SetError::EmptyValue { position: 1 });
        assert_eq!(error("a=1,,2"), SetError::EmptyValue { position: 2 });
        assert_eq!(error("a=\"x"), SetError::Unclosed);
        assert_eq!(error("a=[1,2"), SetError::Unclosed);
        assert!(matches!(error("a=1.2.3"), SetError::BadValue { position: 1, .. }));
        assert!(matches!(error("a=1,-x"), SetError::BadValue { position: 2, .. }));
        assert!(matches!(error("a..b=1"), SetError::Path(_)));
        assert_eq!(error("a=1,2,1"), SetError::Repeated { text: "1".to_string() });
    }

    #[test]
    fn the_grid_varies_the_last_set_fastest() {
        let sets = [set("a=1,2"), set("b=x,y,z")];
        let grid = variants(&sets);
        assert_eq!(grid.len(), 6);
        let described: Vec<String> = grid.iter().map(|v| v.describe(&sets)).collect();
        assert_eq!(described[0], "a=1, b=x");
        assert_eq!(described[1], "a=1, b=y");
        assert_eq!(described[3], "a=2, b=x");
        assert_eq!(described[5], "a=2, b=z");
        assert!(grid.iter().enumerate().all(|(i, v)| v.index == i));
    }

    #[test]
    fn no_sets_make_one_variant() {
        assert_eq!(variants(&[]), [Variant { index: 0, choices: vec![] }]);
    }

    proptest! {
        #[test]
        fn the_grid_is_every_combination_once(sizes in prop::collection::vec(1usize..4, 0..4)) {
            let sets: Vec<Set> = sizes
                .iter()
                .enumerate()
                .map(|(s, &n)| {
                    let values: Vec<String> = (0..n).map(|v| v.to_string()).collect();
                    set(&format!("k{s}={}", values.join(",")))
                })
                .collect();
            let grid = variants(&sets);
            prop_assert_eq!(grid.len(), sizes.iter().product::<usize>());
            let mut seen: Vec<&Vec<usize>> = grid.iter().map(|v| &v.choices).collect();
            seen.sort();
            seen.dedup();
            prop_assert_eq!(seen.len(), grid.len());
        }
    }
}
