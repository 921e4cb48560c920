//! Demand replay: historical orders read from a CSV trace instead of generated demand.
//!
//! A trace has a header and one row per order line, with the columns `order_id`, `time`,
//! `channel`, `customer_lat`, `customer_lon`, `sku`, `units` and optionally `store`, in any
//! order (an unknown column is an error). Rows sharing an `order_id` form one order and must
//! be adjacent; they must agree on time, channel, customer and store, and orders must not go
//! back in time. `time` is seconds from the scenario start or an ISO 8601 date-time (see
//! [`parse_iso8601`]), taken relative to [`TraceContext::start`] or, when that is `None`, to
//! midnight UTC of the day the first row's instant falls on. The full rules, and the messages
//! a planner meets when one is broken, are in `header.rs` (columns), `row.rs` (fields) and
//! `group.rs` (the rows of an order and the order of orders).
//!
//! Key types: [`TraceReader`] streams [`TraceOrder`]s in file order (for the simulator's
//! demand source), [`validate`] checks a whole file and lists its [`TraceIssue`]s (for the
//! CLI and CI gates), [`TraceError`] carries either an I/O failure or the issues. Files of
//! millions of rows are streamed record by record; memory grows only by a 64-bit fingerprint
//! per order, used to catch an `order_id` that comes back after another order.
//!
//! This module reads the trace file and nothing else; it resolves names through the catalog
//! and network it is handed and must not touch inventory, routing or the simulator.

mod group;
mod header;
mod iso;
mod issues;
mod reader;
mod row;
mod scan;
mod seen;
#[cfg(test)]
mod testkit;

use std::fmt;
use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::catalog::Catalog;
use crate::ids::{NodeId, SimTime};
use crate::network::{CityTable, GeoPoint, Network};
use crate::orders::{Channel, Line};

pub use iso::{
    CivilDate, IsoTimeError, days_from_civil, days_in_month, is_leap_year, parse_iso8601,
};
pub use reader::{TraceReader, validate};

/// The most issues [`validate`] lists; it keeps counting beyond.
pub const MAX_LISTED_ISSUES: usize = 100;

/// The most issues the `Display` of [`TraceError::Invalid`] shows.
pub const MAX_SHOWN_ISSUES: usize = 20;

/// The most rows (order lines) one order may have.
pub const MAX_LINES_PER_ORDER: u32 = 1_000;

/// The most units one row may order.
pub const MAX_UNITS_PER_ROW: u32 = 1_000_000;

/// What a trace is resolved against: names of SKUs and nodes, the city table that gives each
/// customer a demand region, and the scenario's start date for ISO times.
#[derive(Clone, Copy, Debug)]
pub struct TraceContext<'a> {
    /// Resolves `sku` names.
    pub catalog: &'a Catalog,
    /// Resolves `store` names and checks what the named nodes are and may do.
    pub network: &'a Network,
    /// Gives each order its region: the index of the city nearest to the customer.
    pub cities: &'a CityTable,
    /// Seconds since the Unix epoch of the scenario's day 0 at 00:00 UTC, the anchor of ISO
    /// times; `None` anchors them at midnight UTC of the first row's day.
    pub start: Option<i64>,
}

/// One order replayed from a trace.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceOrder {
    /// Position of the order in the trace, from 0.
    pub ordinal: u64,
    /// The file line of the order's first row, for messages.
    pub line: u64,
    /// When the customer checked out, from the scenario start.
    pub time: SimTime,
    /// Where the order came from.
    pub channel: Channel,
    /// Where the customer is.
    pub customer: GeoPoint,
    /// The index in [`TraceContext::cities`] of the city nearest to the customer.
    pub region: u32,
    /// The pickup store (bopis) or the store shopped in (walk-in); `None` for other channels.
    pub store: Option<NodeId>,
    /// The lines, one per SKU in order of first appearance; repeated SKUs are merged.
    pub lines: Vec<Line>,
}

/// One problem found in a trace: where, in which field, and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceIssue {
    /// The 1-based file line (of the record's start); 1 for the header, 0 for problems with
    /// the context rather than the file.
    pub line: u64,
    /// The column (e.g. `sku`), or `header`, `row` or `rows` for structural problems.
    pub field: String,
    /// What is wrong, as a sentence fragment naming the value found.
    pub message: String,
}

impl TraceIssue {
    /// The issue as `<file>:<line>: <field>: <message>`.
    pub fn in_file<'a>(&'a self, path: &'a Path) -> impl fmt::Display + 'a {
        IssueInFile { issue: self, path }
    }
}

impl fmt::Display for TraceIssue {
    /// `line <line>: <field>: <message>`; [`TraceError`] adds the file name.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}: {}", self.line, self.field, self.message)
    }
}

struct IssueInFile<'a> {
    issue: &'a TraceIssue,
    path: &'a Path,
}

impl fmt::Display for IssueInFile<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let issue = self.issue;
        write!(f, "{}:{}: {}: {}", self.path.display(), issue.line, issue.field, issue.message)
    }
}

/// Why a trace cannot be read or replayed.
#[derive(Debug, Error)]
pub enum TraceError {
    /// The file could not be opened or read. Nothing can be replayed from it.
    #[error("{}: cannot read the trace: {source}", path.display())]
    Io {
        /// The trace file.
        path: PathBuf,
        /// The underlying failure.
        source: std::io::Error,
    },
    /// The file breaks the trace rules. From [`validate`] this lists up to
    /// [`MAX_LISTED_ISSUES`] issues in line order; from [`TraceReader`] it holds the issues of
    /// the row where reading stopped, and the reader yields no further orders.
    #[error("{}", list_issues(path, issues, *more))]
    Invalid {
        /// The trace file.
        path: PathBuf,
        /// The issues found, at most [`MAX_LISTED_ISSUES`].
        issues: Vec<TraceIssue>,
        /// How many more issues were found but not listed.
        more: u64,
    },
}

impl TraceError {
    /// Every issue found, listed or not (zero for an I/O error).
    pub fn issue_count(&self) -> u64 {
        match self {
            TraceError::Io { .. } => 0,
            TraceError::Invalid { issues, more, .. } => issues.len() as u64 + more,
        }
    }
}

/// One issue per line, at most [`MAX_SHOWN_ISSUES`], then how many were left out.
fn list_issues(path: &Path, issues: &[TraceIssue], more: u64) -> String {
    let shown: Vec<String> =
        issues.iter().take(MAX_SHOWN_ISSUES).map(|i| i.in_file(path).to_string()).collect();
    let hidden = (issues.len() - shown.len()) as u64 + more;

    let mut text = shown.join("\n");
    if shown.is_empty() {
        text = format!("{}: the trace is invalid", path.display());
    }
    if hidden > 0 {
        let noun = if hidden == 1 { "issue" } else { "issues" };
        text.push_str(&format!("\n... and {hidden} more {noun}"));
    }
    text
}

/// What [`validate`] found in a valid trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceSummary {
    /// Rows (order lines as written, before merging repeated SKUs).
    pub rows: u64,
    /// Orders.
    pub orders: u64,
    /// Time of the first order.
    pub first: SimTime,
    /// Time of the last order.
    pub last: SimTime,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issue(line: u64, field: &str) -> TraceIssue {
        TraceIssue { line, field: field.into(), message: format!("problem {line}") }
    }

    #[test]
    fn issues_display_with_and_without_the_file() {
        let one = issue(7, "sku");
        assert_eq!(one.to_string(), "line 7: sku: problem 7");
        assert_eq!(one.in_file(Path::new("t.csv")).to_string(), "t.csv:7: sku: problem 7");
    }

    #[test]
    fn invalid_lists_at_most_twenty_and_counts_the_rest() {
        let issues: Vec<TraceIssue> = (1..=25).map(|l| issue(l, "units")).collect();
        let err = TraceError::Invalid { path: "t.csv".into(), issues, more: 10 };
        let text = err.to_string();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 21);
        assert_eq!(lines[0], "t.csv:1: units: problem 1");
        assert_eq!(lines[19], "t.csv:20: units: problem 20");
        assert_eq!(lines[20], "... and 15 more issues");
        assert_eq!(err.issue_count(), 35);

        let single =
            TraceError::Invalid { path: "t.csv".into(), issues: vec![issue(2, "x")], more: 0 };
        assert_eq!(single.to_string(), "t.csv:2: x: problem 2");
    }

    #[test]
    fn io_errors_name_the_file() {
        let source = std::io::Error::new(std::io::ErrorKind::NotFound, "no such file");
        let err = TraceError::Io { path: "gone.csv".into(), source };
        assert_eq!(err.to_string(), "gone.csv: cannot read the trace: no such file");
        assert_eq!(err.issue_count(), 0);
    }
}
