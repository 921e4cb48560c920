//! One row of a trace, field by field: decoding, parsing and resolving names.
//!
//! Owns [`RowParser`] (which also decides the anchor of ISO times) and [`Row`]. Field rules:
//!
//! - `order_id`: any non-empty text; rows are grouped by it as written.
//! - `time`: seconds from the scenario start (`3600`, `3600.5`, rounded to the nearest
//!   second) or an ISO 8601 date-time (see [`super::parse_iso8601`]). ISO times are taken
//!   relative to [`super::TraceContext::start`], or when that is `None` to midnight UTC of
//!   the day the first row's instant falls on; a trace that starts in seconds without a start
//!   date cannot use ISO times later. A time before the anchor is an issue.
//! - `channel`: `web`, `bopis`, `walk_in` or `marketplace`.
//! - `customer_lat`, `customer_lon`: finite degrees within [-90, 90] and [-180, 180].
//! - `sku`: a SKU name in the catalog.
//! - `units`: a whole number from 1 to [`super::MAX_UNITS_PER_ROW`].
//! - `store`: names a node of kind store; required for `bopis` (which also needs the
//!   `pickup` capability) and `walk_in`, and must be empty for `web` and `marketplace`.
//!
//! Every problem becomes an issue naming the line and column, and parsing goes on with the
//! other fields so that one pass reports them all. Knows nothing of grouping rows into orders.

use csv::ByteRecord;

use crate::catalog::Catalog;
use crate::ids::{NodeId, SimTime, SkuId, Units};
use crate::network::{Capability, GeoPoint, Network, NodeKind};
use crate::orders::Channel;

use super::MAX_UNITS_PER_ROW;
use super::header::Columns;
use super::iso::parse_iso8601;
use super::issues::Issues;
use super::scan::field;

/// Seconds in a day.
const DAY_SECONDS: i64 = 86_400;

/// What ISO times are measured from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Anchor {
    /// Seconds since the Unix epoch of day 0, given by the caller or taken from the first
    /// row with a valid ISO time.
    At(i64),
    /// Not decided yet: no row with a valid time has been read.
    Undecided,
    /// The trace started with a time in seconds and the caller gave no start date.
    Missing,
}

/// One row, parsed. A field is `None` where it was invalid (an issue was recorded for it).
#[derive(Clone, Debug, PartialEq)]
pub struct Row<'r> {
    /// The file line the record starts on.
    pub line: u64,
    /// The order id as written (trimmed), even when it is empty or not UTF-8.
    pub id: &'r [u8],
    pub time: Option<SimTime>,
    pub channel: Option<Channel>,
    pub customer: Option<GeoPoint>,
    /// `Some(None)` for a valid empty store field.
    pub store: Option<Option<NodeId>>,
    pub sku: Option<SkuId>,
    pub units: Option<Units>,
    /// Whether every field was valid.
    pub valid: bool,
}

impl<'r> Row<'r> {
    /// A row whose fields could not be read at all (a wrong number of fields).
    fn unreadable(line: u64, id: &'r [u8]) -> Row<'r> {
        Row {
            line,
            id,
            time: None,
            channel: None,
            customer: None,
            store: None,
            sku: None,
            units: None,
            valid: false,
        }
    }
}

/// Parses rows against a catalog and network.
#[derive(Debug)]
pub struct RowParser<'a> {
    catalog: &'a Catalog,
    network: &'a Network,
    columns: Columns,
    anchor: Anchor,
}

/// Records issues for one row and remembers whether there was any.
struct RowIssues<'i> {
    issues: &'i mut Issues,
    line: u64,
    valid: bool,
}

impl RowIssues<'_> {
    fn push(&mut self, field: &str, message: String) {
        self.valid = false;
        self.issues.push(self.line, field, message);
    }

    /// The value, or records `message` under `field` and gives `None`.
    fn check<T>(&mut self, field: &str, value: Result<T, String>) -> Option<T> {
        value.map_err(|message| self.push(field, message)).ok()
    }
}

impl<'a> RowParser<'a> {
    /// A parser for records laid out as `columns`; ISO times are relative to `start`
    /// (seconds since the Unix epoch of day 0) or, when `None`, to the first row's day.
    pub fn new(
        catalog: &'a Catalog,
        network: &'a Network,
        columns: Columns,
        start: Option<i64>,
    ) -> Self {
        let anchor = start.map_or(Anchor::Undecided, Anchor::At);
        RowParser { catalog, network, columns, anchor }
    }

    /// Parses `record`, found at file line `line`, recording its issues in `issues`.
    pub fn parse<'r>(&mut self, record: &'r ByteRecord, line: u64, issues: &mut Issues) -> Row<'r> {
        let mut found = RowIssues { issues, line, valid: true };
        let c = self.columns;
        let id = field(record, c.order_id);
        if record.len() != c.count {
            let message = format!("has {} fields, the header has {}", record.len(), c.count);
            found.push("row", message);
            return Row::unreadable(line, id);
        }

        if text(record, c.order_id, "order_id", &mut found) == Some("") {
            found.push("order_id", "is empty".into());
        }

        let time = text(record, c.time, "time", &mut found).and_then(|t| self.time(t, &mut found));
        let channel = text(record, c.channel, "channel", &mut found)
            .and_then(|t| found.check("channel", parse_channel(t)));
        let lat = text(record, c.lat, "customer_lat", &mut found)
            .and_then(|t| found.check("customer_lat", parse_coordinate(t, 90.0)));
        let lon = text(record, c.lon, "customer_lon", &mut found)
            .and_then(|t| found.check("customer_lon", parse_coordinate(t, 180.0)));
        let sku =
            text(record, c.sku, "sku", &mut found).and_then(|t| found.check("sku", self.sku(t)));
        let units = text(record, c.units, "units", &mut found)
            .and_then(|t| found.check("units", parse_units(t)));
        let store = self.store_field(record, channel, &mut found);

        let customer = lat.zip(lon).map(|(lat, lon)| GeoPoint::new(lat, lon));
        let valid = found.valid;
        Row { line, id, time, channel, customer, store, sku, units, valid }
    }

    /// A time in seconds or ISO 8601, deciding the anchor on the first valid time.
    fn time(&mut self, text: &str, found: &mut RowIssues) -> Option<SimTime> {
        if !looks_iso(text) {
            let seconds = found.check("time", parse_seconds(text))?;
            if self.anchor == Anchor::Undecided {
                self.anchor = Anchor::Missing;
            }
            return Some(SimTime(seconds));
        }

        let epoch =
            found.check("time", parse_iso8601(text).map_err(|e| format!("{text:?}: {e}")))?;
        let anchor = match self.anchor {
            Anchor::At(anchor) => anchor,
            Anchor::Undecided => {
                let midnight = epoch.div_euclid(DAY_SECONDS) * DAY_SECONDS;
                self.anchor = Anchor::At(midnight);
                midnight
            }
            Anchor::Missing => {
                let message = format!(
                    "{text:?} is an ISO time, but the trace starts with times in seconds and no \
                     scenario start date was given to anchor it"
                );
                found.push("time", message);
                return None;
            }
        };

        let relative = epoch - anchor;
        if relative < 0 {
            let message = format!("{text} is {} s before the scenario start", -relative);
            found.push("time", message);
            return None;
        }
        Some(SimTime(relative as u64))
    }

    fn sku(&self, name: &str) -> Result<SkuId, String> {
        if name.is_empty() {
            return Err("is empty".into());
        }
        self.catalog.find(name).ok_or_else(|| format!("no SKU named {name:?} in the catalog"))
    }

    /// The store field, checked against the channel when the channel is known.
    fn store_field(
        &self,
        record: &ByteRecord,
        channel: Option<Channel>,
        found: &mut RowIssues,
    ) -> Option<Option<NodeId>> {
        let name = match self.columns.store {
            Some(column) => text(record, column, "store", found)?,
            None => "",
        };
        found.check("store", self.store(name, channel, self.columns.store.is_some()))
    }

    fn store(
        &self,
        name: &str,
        channel: Option<Channel>,
        has_column: bool,
    ) -> Result<Option<NodeId>, String> {
        let needs_store = matches!(channel, Some(Channel::Bopis | Channel::WalkIn));
        if name.is_empty() {
            return match channel {
                Some(c) if needs_store && has_column => Err(format!("a {c} order needs a store")),
                Some(c) if needs_store => {
                    Err(format!("a {c} order needs a store, but the trace has no `store` column"))
                }
                _ => Ok(None),
            };
        }
        if let Some(c) = channel.filter(|_| !needs_store) {
            return Err(format!("a {c} order has no store; leave the field empty"));
        }

        let id = self
            .network
            .find(name)
            .ok_or_else(|| format!("no node named {name:?} in the network"))?;
        let node = self.network.node(id);
        if node.kind != NodeKind::Store {
            return Err(format!("{name:?} is a {}, not a store", node.kind));
        }
        if channel == Some(Channel::Bopis) && !node.can(Capability::Pickup) {
            return Err(format!("store {name:?} does not offer pickup"));
        }
        Ok(Some(id))
    }
}

/// Field `index` of `record`, trimmed, as UTF-8 text; `None` (with an issue under `name`) if
/// it is not UTF-8. A missing field reads as empty.
fn text<'r>(
    record: &'r ByteRecord,
    index: usize,
    name: &str,
    found: &mut RowIssues,
) -> Option<&'r str> {
    let raw = field(record, index);
    match std::str::from_utf8(raw) {
        Ok(text) => Some(text),
        Err(e) => {
            let at = e.valid_up_to();
            found.push(name, format!("is not valid UTF-8 (bad byte at position {})", at + 1));
            None
        }
    }
}

/// Whether `text` starts like an ISO date (`dddd-`), rather than a number of seconds.
fn looks_iso(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() >= 5 && bytes[..4].iter().all(u8::is_ascii_digit) && bytes[4] == b'-'
}

/// A non-negative decimal number of seconds, rounded to the nearest second.
fn parse_seconds(text: &str) -> Result<u64, String> {
    let unsigned = text.strip_prefix('-');
    let body = unsigned.unwrap_or(text);
    let (whole, fraction) = body.split_once('.').unwrap_or((body, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());

    if !(digits(whole) && digits(fraction)) {
        return Err(format!(
            "{text:?} is not a time: expected seconds from the scenario start (e.g. 3600 or \
             3600.5) or an ISO 8601 date-time (e.g. 2026-01-05T14:30:00)"
        ));
    }
    if unsigned.is_some() {
        return Err(format!("{text} is negative; times are seconds from the scenario start"));
    }

    let seconds: u64 = whole.parse().map_err(|_| format!("{text} seconds is too large"))?;
    let round_up = fraction.as_bytes()[0] >= b'5';
    seconds.checked_add(u64::from(round_up)).ok_or_else(|| format!("{text} seconds is too large"))
}

fn parse_channel(text: &str) -> Result<Channel, String> {
    Channel::parse(text).ok_or_else(|| {
        format!("{text:?} is not a channel; expected web, bopis, walk_in or marketplace")
    })
}

/// A finite number of degrees within [-limit, limit].
fn parse_coordinate(text: &str, limit: f64) -> Result<f64, String> {
    let value: f64 = text.parse().map_err(|_| format!("{text:?} is not a number"))?;
    if !value.is_finite() {
        return Err(format!("{text} is not a finite number"));
    }
    if value.abs() > limit {
        return Err(format!("{value} is outside [-{limit}, {limit}]"));
    }
    Ok(value)
}

/// A whole number of units from 1 to [`MAX_UNITS_PER_ROW`].
fn parse_units(text: &str) -> Result<Units, String> {
    let at_least_one = "a line orders at least one unit";
    if text.is_empty() {
        return Err(format!("is empty; {at_least_one}"));
    }
    if text.bytes().all(|b| b.is_ascii_digit()) {
        let units = text.parse::<u64>().unwrap_or(u64::MAX);
        return match units {
            0 => Err(format!("{text} units: {at_least_one}")),
            n if n > u64::from(MAX_UNITS_PER_ROW) => {
                Err(format!("{text} is more than the {MAX_UNITS_PER_ROW} units a row may order"))
            }
            n => Ok(n as Units),
        };
    }

    match text.parse::<f64>() {
        Ok(value) if value < 0.0 => Err(format!("{text} is negative; {at_least_one}")),
        Ok(value) if value.is_finite() => Err(format!("{text} is not a whole number of units")),
        _ => Err(format!("{text:?} is not a number of units")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_round_and_reject_what_is_not_a_plain_number() {
        assert_eq!(parse_seconds("0"), Ok(0));
        assert_eq!(parse_seconds("3600"), Ok(3600));
        assert_eq!(parse_seconds("3600.49"), Ok(3600));
        assert_eq!(parse_seconds("3600.5"), Ok(3601));
        assert_eq!(parse_seconds("007"), Ok(7));
        assert!(parse_seconds("-5").unwrap_err().contains("is negative"));
        assert!(parse_seconds("-5.5").unwrap_err().contains("is negative"));
        for bad in ["", "1e3", "+5", "3600.", ".5", "NaN", "inf", "12:00", "1 2"] {
            assert!(parse_seconds(bad).unwrap_err().contains("is not a time"), "{bad:?}");
        }
        assert!(parse_seconds("99999999999999999999999").unwrap_err().contains("too large"));
    }

    #[test]
    fn iso_detection() {
        assert!(looks_iso("2026-01-05"));
        assert!(looks_iso("2026-13-45T99"));
        assert!(!looks_iso("20260105"));
        assert!(!looks_iso("3600"));
        assert!(!looks_iso("-3600"));
    }

    #[test]
    fn units_rules() {
        assert_eq!(parse_units("1"), Ok(1));
        assert_eq!(parse_units("1000000"), Ok(1_000_000));
        assert_eq!(parse_units("0").unwrap_err(), "0 units: a line orders at least one unit");
        assert_eq!(
            parse_units("-2").unwrap_err(),
            "-2 is negative; a line orders at least one unit"
        );
        assert_eq!(parse_units("2.5").unwrap_err(), "2.5 is not a whole number of units");
        assert_eq!(parse_units("2.0").unwrap_err(), "2.0 is not a whole number of units");
        assert!(parse_units("1000001").unwrap_err().contains("more than the 1000000 units"));
        assert!(parse_units("99999999999999999999999").unwrap_err().contains("more than"));
        assert_eq!(parse_units("two").unwrap_err(), "\"two\" is not a number of units");
        assert!(parse_units("").unwrap_err().starts_with("is empty"));
        assert!(parse_units("NaN").unwrap_err().contains("not a number"));
    }

    #[test]
    fn coordinates() {
        assert_eq!(parse_coordinate("40.7", 90.0), Ok(40.7));
        assert_eq!(parse_coordinate("-180", 180.0), Ok(-180.0));
        assert_eq!(parse_coordinate("95", 90.0).unwrap_err(), "95 is outside [-90, 90]");
        assert_eq!(parse_coordinate("NaN", 90.0).unwrap_err(), "NaN is not a finite number");
        assert_eq!(parse_coordinate("-inf", 90.0).unwrap_err(), "-inf is not a finite number");
        assert_eq!(parse_coordinate("north", 90.0).unwrap_err(), "\"north\" is not a number");
    }

    #[test]
    fn channels() {
        assert_eq!(parse_channel("walk_in"), Ok(Channel::WalkIn));
        assert!(parse_channel("Web").unwrap_err().contains("is not a channel"));
    }
}
