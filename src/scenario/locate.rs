//! Source locations for scenario diagnostics: field path to line and column, and back.
//!
//! A field path names a value the way a reader of the file would, keys joined by dots and
//! array entries by index: `network.nodes[2].capacity_per_day`. Keys that are not bare TOML
//! keys are quoted (`returns.category_multiplier."home & garden"`). The [`Locator`] keeps the
//! text parsed with `toml_edit`, which remembers the span of every item, and answers both
//! directions: where a path is written (falling back to the nearest parent that exists, e.g.
//! for a missing key) and which path a byte span of a serde error belongs to. It knows
//! nothing of the scenario format itself and does no I/O.

use std::borrow::Cow;
use std::ops::Range;

use toml_edit::{Document, Item, Table, TableLike, Value};

/// One step of a field path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    /// A key of a table.
    Key(String),
    /// An entry of an array or array of tables.
    Index(usize),
}

/// Splits a field path into its segments; `None` when the path is malformed.
pub fn parse_path(path: &str) -> Option<Vec<Segment>> {
    let mut segments = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        rest = rest.strip_prefix('.').unwrap_or(rest);
        let (segment, tail) = if let Some(tail) = rest.strip_prefix('[') {
            let (digits, tail) = tail.split_once(']')?;
            (Segment::Index(digits.parse().ok()?), tail)
        } else if let Some(tail) = rest.strip_prefix('"') {
            let (key, tail) = quoted_key(tail)?;
            (Segment::Key(key), tail)
        } else {
            let end = rest.find(['.', '[']).unwrap_or(rest.len());
            if end == 0 {
                return None;
            }
            (Segment::Key(rest[..end].to_owned()), &rest[end..])
        };
        segments.push(segment);
        rest = tail;
    }
    Some(segments)
}

/// Reads a quoted key up to its closing quote (the opening one already consumed), undoing
/// `\"` and `\\` escapes; returns the key and the text after the quote.
fn quoted_key(text: &str) -> Option<(String, &str)> {
    let mut key = String::new();
    let mut chars = text.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '"' => return Some((key, &text[at + 1..])),
            '\\' => key.push(chars.next()?.1),
            _ => key.push(c),
        }
    }
    None
}

/// A key as written in a field path: bare when it is a bare TOML key, quoted otherwise.
pub fn key_segment(key: &str) -> Cow<'_, str> {
    let bare =
        !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if bare {
        Cow::Borrowed(key)
    } else {
        Cow::Owned(format!("\"{}\"", key.replace('\\', "\\\\").replace('"', "\\\"")))
    }
}

/// Appends a key to a field path.
pub fn join_key(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key_segment(key).into_owned()
    } else {
        format!("{parent}.{}", key_segment(key))
    }
}

/// The 1-based line and column (in characters) of byte `offset` in `text`, scanning the text
/// up to `offset`; [`Locator::line_column`] answers many queries on one text faster.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let line_starts = line_starts(text);
    column_in(text, &line_starts, offset)
}

/// The byte offset where each line starts.
fn line_starts(text: &str) -> Vec<usize> {
    let breaks = text.match_indices('\n').map(|(at, _)| at + 1);
    std::iter::once(0).chain(breaks).collect()
}

/// Line and column of `offset`, given the line starts of `text`: a binary search for the line,
/// then a character count within it.
fn column_in(text: &str, line_starts: &[usize], offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }

    let line = line_starts.partition_point(|start| *start <= offset);
    let line_start = line_starts[line - 1];
    let column = text[line_start..offset].chars().count() + 1;
    (line, column)
}

/// Finds where field paths are written in one scenario text.
pub struct Locator<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
    document: Option<Document<&'a str>>,
}

impl<'a> Locator<'a> {
    /// Parses `text` for locations. Text that is not valid TOML yields a locator that finds
    /// nothing.
    pub fn new(text: &'a str) -> Self {
        Locator { text, line_starts: line_starts(text), document: Document::parse(text).ok() }
    }

    /// The line and column of the byte `offset`, in O(log lines + line length).
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        column_in(self.text, &self.line_starts, offset)
    }

    /// The source text of `span`; empty when the span is not in the text.
    pub fn text_at(&self, span: Range<usize>) -> &'a str {
        self.text.get(span).unwrap_or_default()
    }

    /// Whether the value at `path` exists and is an array or an array of tables.
    pub fn is_array(&self, path: &str) -> bool {
        let Some(document) = self.document.as_ref() else { return false };
        let Some(segments) = parse_path(path) else { return false };
        let mut node = Node::Item(document.as_item());
        for segment in segments {
            let Some((child, _)) = node.child(&segment) else { return false };
            node = child;
        }
        node.is_array()
    }

    /// The line and column where the value at `path` is written, or where its nearest
    /// existing parent is when the value is not in the file; `None` only when the text did
    /// not parse or the path is malformed.
    pub fn locate(&self, path: &str) -> Option<(usize, usize)> {
        let span = self.span_of(path)?;
        Some(self.line_column(span.start))
    }

    /// The span of the value at `path`, or of its nearest existing parent.
    pub fn span_of(&self, path: &str) -> Option<Range<usize>> {
        let document = self.document.as_ref()?;
        let mut node = Node::Item(document.as_item());
        let mut best = node.span().unwrap_or(0..0);
        for segment in parse_path(path)? {
            let Some((child, key_span)) = node.child(&segment) else { break };
            best = child.span().or(key_span).unwrap_or(best);
            node = child;
        }
        Some(best)
    }

    /// The field path of the innermost item whose span contains `span`: the path a serde
    /// error at that span is about. The empty path is the document itself.
    pub fn path_at(&self, span: Range<usize>) -> Option<String> {
        let entries = self.entries()?;
        let containing =
            entries.iter().filter(|e| e.span.start <= span.start && span.end <= e.span.end);
        let innermost = containing.min_by_key(|e| e.span.len());
        Some(innermost.map_or_else(String::new, |e| e.path.clone()))
    }

    /// The field path and span of the first key named `key` written inside `span`. Serde
    /// reports some errors (unknown keys of internally tagged tables) at the span of a whole
    /// array; this finds the key itself.
    pub fn key_within(&self, span: Range<usize>, key: &str) -> Option<(String, Range<usize>)> {
        let entries = self.entries()?;
        let found = entries.into_iter().find(|e| {
            e.key.as_deref() == Some(key) && span.start <= e.span.start && e.span.end <= span.end
        })?;
        Some((found.path, found.span))
    }

    /// Every span the document knows, with the path it belongs to, parents first.
    fn entries(&self) -> Option<Vec<Entry>> {
        let document = self.document.as_ref()?;
        let mut entries = Vec::new();
        collect(Node::Item(document.as_item()), String::new(), &mut entries);
        Some(entries)
    }
}

/// A span in the document and the path of the item it belongs to; `key` is set when the span
/// is that of the item's key rather than of its value.
struct Entry {
    path: String,
    span: Range<usize>,
    key: Option<String>,
}

fn collect(node: Node<'_>, path: String, entries: &mut Vec<Entry>) {
    if let Some(span) = node.span() {
        entries.push(Entry { path: path.clone(), span, key: None });
    }

    if let Some(table) = node.table_like() {
        for (name, _) in table.iter() {
            let Some((key, item)) = table.get_key_value(name) else { continue };
            let child_path = join_key(&path, name);
            if let Some(span) = key.span() {
                entries.push(Entry { path: child_path.clone(), span, key: Some(name.to_owned()) });
            }
            collect(Node::Item(item), child_path, entries);
        }
    }

    let mut index = 0;
    while let Some(child) = node.child(&Segment::Index(index)).map(|(child, _)| child) {
        collect(child, format!("{path}[{index}]"), entries);
        index += 1;
    }
}

/// Anything a path segment can lead to in a `toml_edit` document.
#[derive(Clone, Copy)]
enum Node<'a> {
    Item(&'a Item),
    Table(&'a Table),
    Value(&'a Value),
}

impl<'a> Node<'a> {
    fn span(self) -> Option<Range<usize>> {
        match self {
            Node::Item(item) => item.span(),
            Node::Table(table) => table.span(),
            Node::Value(value) => value.span(),
        }
    }

    fn is_array(self) -> bool {
        matches!(
            self,
            Node::Item(Item::ArrayOfTables(_) | Item::Value(Value::Array(_)))
                | Node::Value(Value::Array(_))
        )
    }

    fn table_like(self) -> Option<&'a dyn TableLike> {
        match self {
            Node::Item(item) => item.as_table_like(),
            Node::Table(table) => Some(table),
            Node::Value(value) => value.as_inline_table().map(|t| t as &dyn TableLike),
        }
    }

    /// The child at `segment`, with the span of its key when it is a key.
    fn child(self, segment: &Segment) -> Option<(Node<'a>, Option<Range<usize>>)> {
        match segment {
            Segment::Key(name) => {
                let (key, item) = self.table_like()?.get_key_value(name)?;
                Some((Node::Item(item), key.span()))
            }
            Segment::Index(index) => {
                let child = match self {
                    Node::Item(Item::ArrayOfTables(tables)) => Node::Table(tables.get(*index)?),
                    Node::Item(Item::Value(Value::Array(values)))
                    | Node::Value(Value::Array(values)) => Node::Value(values.get(*index)?),
                    _ => return None,
                };
                Some((child, None))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const TEXT: &str = "version = 1\n\
                        name = \"x\"\n\
                        \n\
                        [network]\n\
                        cities = \"c.csv\"\n\
                        \n\
                        [[network.nodes]]\n\
                        name = \"A\"\n\
                        capacity_per_day = 10\n\
                        \n\
                        [[network.nodes]]\n\
                        name = \"B\"\n\
                        capacity_per_day = -5\n\
                        hours = { open = \"09:00\", close = \"08:00\" }\n\
                        \n\
                        [returns.category_multiplier]\n\
                        \"home & garden\" = 2.0\n\
                        \n\
                        [[policies]]\n\
                        filters = [{ filter = \"capability\" }, { filter = \"exclude\", nodes = [\"A\", \"Q\"] }]\n";

    fn locate(path: &str) -> Option<(usize, usize)> {
        Locator::new(TEXT).locate(path)
    }

    #[test]
    fn paths_split_into_keys_and_indexes() {
        let segments = parse_path("network.nodes[2].capacity_per_day").expect("well formed");
        assert_eq!(
            segments,
            vec![
                Segment::Key("network".into()),
                Segment::Key("nodes".into()),
                Segment::Index(2),
                Segment::Key("capacity_per_day".into()),
            ]
        );
        let quoted = parse_path("a.\"b.c \\\"d\\\"\"[0]").expect("well formed");
        assert_eq!(
            quoted,
            vec![Segment::Key("a".into()), Segment::Key("b.c \"d\"".into()), Segment::Index(0)]
        );
    }

    #[test]
    fn malformed_paths_are_rejected() {
        for path in ["a[", "a[x]", "a.\"open", "a..b", "[1"] {
            assert_eq!(parse_path(path), None, "{path}");
        }
    }

    #[test]
    fn keys_are_quoted_only_when_needed() {
        assert_eq!(key_segment("apparel"), "apparel");
        assert_eq!(key_segment("home & garden"), "\"home & garden\"");
        assert_eq!(join_key("", "a"), "a");
        assert_eq!(join_key("a", "b c"), "a.\"b c\"");
    }

    #[test]
    fn line_column_counts_characters() {
        assert_eq!(line_column("ab\ncd", 0), (1, 1));
        assert_eq!(line_column("ab\ncd", 4), (2, 2));
        assert_eq!(line_column("é = 1", 5), (1, 5));
        assert_eq!(line_column("ab", 99), (1, 3));
        assert_eq!(line_column("ab\n", 3), (2, 1));
        assert_eq!(line_column("", 0), (1, 1));
    }

    #[test]
    fn a_value_is_located_at_the_value() {
        assert_eq!(locate("version"), Some((1, 11)));
        assert_eq!(locate("network.nodes[1].capacity_per_day"), Some((13, 20)));
        assert_eq!(locate("network.nodes[1].hours.close"), Some((14, 35)));
        assert_eq!(locate("network.cities"), Some((5, 10)));
    }

    #[test]
    fn array_entries_and_quoted_keys_are_located() {
        assert_eq!(locate("policies[0].filters[1].nodes[1]"), Some((20, 75)));
        assert_eq!(locate("returns.category_multiplier.\"home & garden\""), Some((17, 19)));
    }

    #[test]
    fn a_missing_key_falls_back_to_its_parent() {
        assert_eq!(locate("network.nodes[1].lat"), Some((11, 1)));
        assert_eq!(locate("network.nodes[7].lat"), locate("network.nodes"));
        assert_eq!(locate("demand.trace"), Some((1, 1)));
    }

    #[test]
    fn text_that_does_not_parse_locates_nothing() {
        assert_eq!(Locator::new("a = [").locate("a"), None);
        assert_eq!(Locator::new("a = 1").locate("a[["), None);
    }

    #[test]
    fn a_span_maps_back_to_its_innermost_path() {
        let locator = Locator::new(TEXT);
        let at = |needle: &str| {
            let start = TEXT.find(needle).expect("needle in text");
            locator.path_at(start..start + needle.len()).expect("text parses")
        };
        assert_eq!(at("-5"), "network.nodes[1].capacity_per_day");
        assert_eq!(at("\"08:00\""), "network.nodes[1].hours.close");
        assert_eq!(at("cities"), "network.cities");
        assert_eq!(locator.path_at(0..0).expect("text parses"), "");
    }

    #[test]
    fn arrays_are_recognised_and_text_is_sliced() {
        let locator = Locator::new(TEXT);
        assert!(locator.is_array("network.nodes"));
        assert!(locator.is_array("policies[0].filters"));
        assert!(!locator.is_array("policies[0].filters[0]"));
        assert!(!locator.is_array("network.missing"));
        assert_eq!(locator.text_at(0..7), "version");
        assert_eq!(locator.text_at(5..999), "");
    }

    #[test]
    fn a_key_is_found_inside_a_span() {
        let locator = Locator::new(TEXT);
        let start = TEXT.find("filters = ").expect("filters in text");
        let (path, span) = locator.key_within(start..TEXT.len(), "nodes").expect("key inside");
        assert_eq!(path, "policies[0].filters[1].nodes");
        assert_eq!(&TEXT[span], "nodes");
        assert_eq!(locator.key_within(0..5, "nodes"), None);
    }

    proptest! {
        #[test]
        fn every_written_capacity_is_located_on_its_line(capacities in proptest::collection::vec(-1_000i64..1_000, 1..12)) {
            let mut text = String::from("version = 1\n");
            let mut lines = Vec::new();
            for capacity in &capacities {
                text.push_str("[[network.nodes]]\nname = \"n\"\n");
                lines.push(text.matches('\n').count() + 1);
                text.push_str(&format!("capacity_per_day = {capacity}\n"));
            }
            let locator = Locator::new(&text);
            for (index, line) in lines.iter().enumerate() {
                let path = format!("network.nodes[{index}].capacity_per_day");
                prop_assert_eq!(locator.locate(&path), Some((*line, 20)));
                let span = locator.span_of(&path).expect("path exists");
                prop_assert_eq!(locator.path_at(span), Some(path));
            }
        }

        #[test]
        fn paths_round_trip_through_key_segments(keys in proptest::collection::vec("[a-z &.\"\\\\]{1,8}", 1..5)) {
            let path = keys.iter().fold(String::new(), |path, key| join_key(&path, key));
            let expected: Vec<Segment> = keys.iter().cloned().map(Segment::Key).collect();
            prop_assert_eq!(parse_path(&path), Some(expected));
        }
    }
}
