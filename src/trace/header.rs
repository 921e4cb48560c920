//! The header of a trace: which column holds which field.
//!
//! Owns [`Columns`], found from the header record. Required columns may come in any order,
//! `store` is optional, and an unknown, repeated or non-UTF-8 column name is an issue (a
//! misspelt column silently ignored would replay the wrong demand). Knows nothing of rows.

use csv::ByteRecord;

use super::TraceIssue;

/// The columns every trace must have, in the order messages list them.
pub const REQUIRED: [&str; 7] =
    ["order_id", "time", "channel", "customer_lat", "customer_lon", "sku", "units"];

/// The optional columns.
pub const OPTIONAL: [&str; 1] = ["store"];

/// Positions of the fields in a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Columns {
    pub order_id: usize,
    pub time: usize,
    pub channel: usize,
    pub lat: usize,
    pub lon: usize,
    pub sku: usize,
    pub units: usize,
    pub store: Option<usize>,
    /// Fields in the header, which every row must have too.
    pub count: usize,
}

impl Columns {
    /// Finds the columns in `header` (read from file line `line`), or lists what is wrong
    /// with it.
    pub fn find(header: &ByteRecord, line: u64) -> Result<Columns, Vec<TraceIssue>> {
        let issue = |message: String| TraceIssue { line, field: "header".into(), message };
        if header.is_empty() || (header.len() == 1 && header[0].trim_ascii().is_empty()) {
            return Err(vec![issue(format!("the file is empty; {}", expected()))]);
        }

        let first = header.get(0).unwrap_or_default();
        if first.starts_with(&[0xff, 0xfe]) || first.starts_with(&[0xfe, 0xff]) {
            let message = format!("the file is UTF-16 text, save it as UTF-8; {}", expected());
            return Err(vec![issue(message)]);
        }

        let mut names = Vec::with_capacity(header.len());
        for (index, raw) in header.iter().enumerate() {
            match std::str::from_utf8(raw.trim_ascii()) {
                Ok(name) => names.push(name),
                Err(_) => {
                    return Err(vec![issue(format!(
                        "column {} is not valid UTF-8; {}",
                        index + 1,
                        expected()
                    ))]);
                }
            }
        }

        let issues = problems(&names, &issue);
        if !issues.is_empty() {
            return Err(issues);
        }
        Ok(Columns::at(&names))
    }

    /// Positions of the columns in `names`, which [`problems`] found complete.
    fn at(names: &[&str]) -> Columns {
        let position = |column: &str| names.iter().position(|&name| name == column);
        let required =
            |column: &str| position(column).expect("required columns were checked present");
        Columns {
            order_id: required("order_id"),
            time: required("time"),
            channel: required("channel"),
            lat: required("customer_lat"),
            lon: required("customer_lon"),
            sku: required("sku"),
            units: required("units"),
            store: position("store"),
            count: names.len(),
        }
    }
}

/// Unknown, repeated and missing columns, one issue for each kind.
fn problems(names: &[&str], issue: &impl Fn(String) -> TraceIssue) -> Vec<TraceIssue> {
    let known = |name: &&str| REQUIRED.contains(name) || OPTIONAL.contains(name);
    let mut issues = Vec::new();

    let unknown: Vec<String> =
        names.iter().filter(|name| !known(name)).map(|name| format!("`{name}`")).collect();
    if !unknown.is_empty() {
        let noun = if unknown.len() == 1 { "column" } else { "columns" };
        issues.push(issue(format!("unknown {noun} {}; {}", unknown.join(", "), expected())));
    }

    let mut repeated: Vec<String> = Vec::new();
    for (index, name) in names.iter().enumerate() {
        let quoted = format!("`{name}`");
        if known(name) && names[..index].contains(name) && !repeated.contains(&quoted) {
            repeated.push(quoted);
        }
    }
    if !repeated.is_empty() {
        issues.push(issue(format!("repeated column {}", repeated.join(", "))));
    }

    let missing: Vec<String> = REQUIRED
        .iter()
        .filter(|column| !names.contains(column))
        .map(|column| format!("`{column}`"))
        .collect();
    if !missing.is_empty() {
        let noun = if missing.len() == 1 { "column" } else { "columns" };
        issues.push(issue(format!("missing {noun} {}; {}", missing.join(", "), expected())));
    }
    issues
}

/// The sentence naming the expected columns.
fn expected() -> String {
    format!("expected the columns {} and optionally {}", REQUIRED.join(", "), OPTIONAL.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(names: &[&str]) -> Result<Columns, Vec<TraceIssue>> {
        Columns::find(&ByteRecord::from(names.to_vec()), 1)
    }

    #[test]
    fn utf16_is_named() {
        let header = ByteRecord::from(vec![b"\xff\xfeo\x00r\x00".to_vec()]);
        let issues = Columns::find(&header, 1).unwrap_err();
        assert!(issues[0].message.starts_with("the file is UTF-16 text, save it as UTF-8"));
    }

    #[test]
    fn any_order_with_and_without_store() {
        let columns =
            find(&["units", "sku", "customer_lon", "customer_lat", "channel", "time", "order_id"])
                .unwrap();
        assert_eq!(
            (columns.units, columns.order_id, columns.store, columns.count),
            (0, 6, None, 7)
        );

        let with_store = find(&[
            "order_id",
            "time",
            "channel",
            "store",
            "customer_lat",
            "customer_lon",
            "sku",
            "units",
        ])
        .unwrap();
        assert_eq!((with_store.store, with_store.lat, with_store.count), (Some(3), 4, 8));
    }

    #[test]
    fn unknown_repeated_and_missing_columns() {
        let issues = find(&["order_id", "time", "time", "channel", "colour", "size"]).unwrap_err();
        let messages: Vec<&str> = issues.iter().map(|i| i.message.as_str()).collect();
        assert_eq!(issues.len(), 3, "{messages:?}");
        assert!(messages[0].starts_with("unknown columns `colour`, `size`; expected"));
        assert_eq!(messages[1], "repeated column `time`");
        assert!(messages[2].starts_with("missing columns `customer_lat`, `customer_lon`, `sku`"));
        assert!(issues.iter().all(|i| i.line == 1 && i.field == "header"));
    }

    #[test]
    fn empty_and_non_utf8_headers() {
        let empty = Columns::find(&ByteRecord::new(), 1).unwrap_err();
        assert!(empty[0].message.starts_with("the file is empty"));

        let bytes = ByteRecord::from(vec![&b"order_id"[..], &b"ti\xffme"[..]]);
        let bad = Columns::find(&bytes, 1).unwrap_err();
        assert!(bad[0].message.starts_with("column 2 is not valid UTF-8"), "{bad:?}");
    }
}
