//! Grouping parsed rows into orders and checking the rules that span rows.
//!
//! Owns [`Grouper`]: adjacent rows with the same `order_id` form one order; they must agree
//! on time, channel, customer and store; an order has at most [`MAX_LINES_PER_ORDER`] rows;
//! repeated SKUs are merged into one line; each order's time is no earlier than the previous
//! order's. An `order_id` that comes back after another order is caught through a set of
//! 64-bit fingerprints ([`SeenIds`]); a fingerprint match is only a suspicion, which the caller
//! confirms against the file. Knows nothing of CSV or of field syntax.

use crate::ids::{NodeId, SimTime};
use crate::network::{CityGrid, GeoPoint, Network};
use crate::orders::{Channel, Line};

use super::issues::Issues;
use super::row::Row;
use super::seen::SeenIds;
use super::{MAX_LINES_PER_ORDER, TraceOrder};

/// Counts over the rows and orders grouped so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub rows: u64,
    pub orders: u64,
    /// Time of the first order, when it was valid.
    pub first: Option<SimTime>,
    /// Time of the latest order with a valid time.
    pub last: Option<SimTime>,
}

/// What one row did.
#[derive(Debug, Default)]
pub struct Pushed {
    /// The order the row closed, by starting a new one, if that order is valid.
    pub completed: Option<TraceOrder>,
    /// Whether the row started an order whose id's fingerprint was seen before: the id may
    /// repeat an earlier order's (see [`Grouper::current_id`]).
    pub suspect_repeat: bool,
}

/// The order being assembled: the fields of its first row, and its lines so far.
#[derive(Debug)]
struct OpenOrder {
    id: Vec<u8>,
    line: u64,
    ordinal: u64,
    time: Option<SimTime>,
    channel: Option<Channel>,
    customer: Option<GeoPoint>,
    store: Option<Option<NodeId>>,
    lines: Vec<Line>,
    rows: u32,
    valid: bool,
}

/// Assembles orders from rows in file order.
#[derive(Debug)]
pub struct Grouper<'a> {
    grid: &'a CityGrid,
    network: &'a Network,
    seen: SeenIds,
    open: Option<OpenOrder>,
    /// The time and first line of the last order whose time was valid.
    previous: Option<(SimTime, u64)>,
    stats: Stats,
    /// The id buffer of the last finished order, reused for the next one.
    spare_id: Vec<u8>,
}

impl<'a> Grouper<'a> {
    /// A grouper that gives regions from `grid` (which must not be empty) and names stores
    /// in messages through `network`.
    pub fn new(grid: &'a CityGrid, network: &'a Network) -> Self {
        Grouper {
            grid,
            network,
            seen: SeenIds::new(),
            open: None,
            previous: None,
            stats: Stats::default(),
            spare_id: Vec::new(),
        }
    }

    /// Counts so far.
    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// The id of the order being assembled.
    pub fn current_id(&self) -> &[u8] {
        self.open.as_ref().map_or(&[], |order| &order.id)
    }

    /// Takes the next row of the file, recording the issues that span rows.
    pub fn push(&mut self, row: &Row, issues: &mut Issues) -> Pushed {
        self.stats.rows += 1;
        if let Some(open) = self.open.as_mut().filter(|open| open.id == row.id) {
            continue_order(open, row, self.network, issues);
            return Pushed::default();
        }

        self.check_time_order(row, issues);
        let suspect_repeat = !self.seen.insert(row.id);
        let started = start_order(row, self.stats.orders, std::mem::take(&mut self.spare_id));
        self.stats.orders += 1;

        let completed = self.open.replace(started).and_then(|done| self.complete(done));
        Pushed { completed, suspect_repeat }
    }

    /// Closes the last order at the end of the file.
    pub fn finish(&mut self) -> Option<TraceOrder> {
        self.open.take().and_then(|done| self.complete(done))
    }

    /// A new order's time must not be before the previous order's.
    fn check_time_order(&mut self, row: &Row, issues: &mut Issues) {
        let Some(time) = row.time else { return };
        if let Some((previous, line)) = self.previous.filter(|&(previous, _)| time < previous) {
            let message = format!(
                "{} is earlier than the previous order's time {} (line {line}); orders must \
                 be in time order",
                describe_time(time),
                describe_time(previous)
            );
            issues.push(row.line, "time", message);
        }

        self.previous = Some((time, row.line));
        if self.stats.orders == 0 {
            self.stats.first = Some(time);
        }
        self.stats.last = Some(time);
    }

    /// The finished order, if every row of it was valid.
    fn complete(&mut self, mut done: OpenOrder) -> Option<TraceOrder> {
        self.spare_id = std::mem::take(&mut done.id);
        if !done.valid {
            return None;
        }
        let customer = done.customer?;
        let region = self.grid.nearest(customer).expect("the city grid is checked non-empty");
        Some(TraceOrder {
            ordinal: done.ordinal,
            line: done.line,
            time: done.time?,
            channel: done.channel?,
            customer,
            region: u32::try_from(region).expect("city grids hold at most u32::MAX cities"),
            store: done.store?,
            lines: done.lines,
        })
    }
}

/// A new order from its first row, its id copied into `id_buffer`.
fn start_order(row: &Row, ordinal: u64, mut id_buffer: Vec<u8>) -> OpenOrder {
    id_buffer.clear();
    id_buffer.extend_from_slice(row.id);
    let mut order = OpenOrder {
        id: id_buffer,
        line: row.line,
        ordinal,
        time: row.time,
        channel: row.channel,
        customer: row.customer,
        store: row.store,
        lines: Vec::new(),
        rows: 1,
        valid: row.valid,
    };
    add_line(&mut order, row);
    order
}

/// Adds a further row to `open`, checking it agrees with the first row.
fn continue_order(open: &mut OpenOrder, row: &Row, network: &Network, issues: &mut Issues) {
    open.rows += 1;
    open.valid &= row.valid;
    if open.rows == MAX_LINES_PER_ORDER + 1 {
        open.valid = false;
        let message = format!(
            "order {:?} has more than {MAX_LINES_PER_ORDER} lines",
            String::from_utf8_lossy(&open.id)
        );
        issues.push(row.line, "order_id", message);
    }

    let (lat, lon) = (|c: GeoPoint| c.lat, |c: GeoPoint| c.lon);
    let mismatches = [
        differing(open.time, row.time)
            .map(|(first, this)| ("time", describe_time(first), describe_time(this))),
        differing(open.channel, row.channel)
            .map(|(first, this)| ("channel", first.to_string(), this.to_string())),
        differing(open.customer.map(lat), row.customer.map(lat))
            .map(|(first, this)| ("customer_lat", first.to_string(), this.to_string())),
        differing(open.customer.map(lon), row.customer.map(lon))
            .map(|(first, this)| ("customer_lon", first.to_string(), this.to_string())),
        differing(open.store, row.store).map(|(first, this)| {
            ("store", describe_store(network, first), describe_store(network, this))
        }),
    ];
    for (field, first, this) in mismatches.into_iter().flatten() {
        open.valid = false;
        let message = format!(
            "this row says {this} but the order's first row (line {}) says {first}; all rows \
             of an order share time, channel, customer and store",
            open.line
        );
        issues.push(row.line, field, message);
    }

    add_line(open, row);
}

/// Merges the row's units into the order's line for its SKU, or adds a line.
fn add_line(order: &mut OpenOrder, row: &Row) {
    let (Some(sku), Some(units)) = (row.sku, row.units) else { return };
    match order.lines.iter_mut().find(|line| line.sku == sku) {
        Some(line) => line.units = line.units.saturating_add(units),
        None => order.lines.push(Line { sku, units }),
    }
}

/// Both values, when both are known and they differ.
fn differing<T: PartialEq>(first: Option<T>, this: Option<T>) -> Option<(T, T)> {
    first.zip(this).filter(|(first, this)| first != this)
}

fn describe_time(time: SimTime) -> String {
    format!("{} s ({time})", time.0)
}

fn describe_store(network: &Network, store: Option<NodeId>) -> String {
    match store {
        Some(id) => format!("{:?}", network.node(id).name),
        None => "no store".to_string(),
    }
}
