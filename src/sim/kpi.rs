//! The KPI collector of one replication ([`Tally`]) and the rows it produces ([`RepKpis`]).
//!
//! Running sums and fixed-bin histograms only, never per-order records, so memory does not
//! grow with the horizon. Every KPI follows DOMAIN.md and counts orders placed after the
//! warm-up and before the horizon; the daily series covers every day, warm-up included, so a
//! chart shows the run settling. Metric names are listed, with units, in `docs/metrics.md`.
//! OTIF misses are counted by root cause (`causes.rs`) per channel, and per (node, channel,
//! cause) in a map bounded by the network's size.

use std::collections::BTreeMap;

use super::causes::{MissCause, MissCount};
use super::world::OrderRec;
use crate::cost::CostBreakdown;
use crate::ids::{NodeId, SimTime, Units};
use crate::orders::{CancelReason, Channel};
use crate::scenario::SupportConfig;
use crate::stats::Histogram;

fn delivery_histogram() -> Histogram {
    Histogram::new(0.02, 3_000)
}

fn return_histogram() -> Histogram {
    Histogram::new(0.05, 2_000)
}

fn wait_histogram() -> Histogram {
    Histogram::new(0.05, 4_000)
}

/// Sums for one channel.
#[derive(Clone, Debug)]
struct ChannelSums {
    orders_demanded: u64,
    orders: u64,
    abandoned: u64,
    units_ordered: u64,
    lost_units: u64,
    lost_margin: f64,
    closed: u64,
    otif: u64,
    misses: [u64; 5],
    cancelled_orders: u64,
    cancelled_units: [u64; 5],
    served_orders: u64,
    split_orders: u64,
    parts: u64,
    cost: CostBreakdown,
    delivery_days: Histogram,
    on_time: u64,
    late: u64,
    contacts: f64,
    no_shows: u64,
    pickups_ready: u64,
    delivered_units: u64,
    returned_units: u64,
    refund_days: Histogram,
    restock_days: Histogram,
    restocked_units: u64,
    liquidated_units: u64,
    salvage: f64,
    walk_in_units: u64,
    walk_in_sold: u64,
}

impl Default for ChannelSums {
    fn default() -> Self {
        ChannelSums {
            orders_demanded: 0,
            orders: 0,
            abandoned: 0,
            units_ordered: 0,
            lost_units: 0,
            lost_margin: 0.0,
            closed: 0,
            otif: 0,
            misses: [0; 5],
            cancelled_orders: 0,
            cancelled_units: [0; 5],
            served_orders: 0,
            split_orders: 0,
            parts: 0,
            cost: CostBreakdown::default(),
            delivery_days: delivery_histogram(),
            on_time: 0,
            late: 0,
            contacts: 0.0,
            no_shows: 0,
            pickups_ready: 0,
            delivered_units: 0,
            returned_units: 0,
            refund_days: return_histogram(),
            restock_days: return_histogram(),
            restocked_units: 0,
            liquidated_units: 0,
            salvage: 0.0,
            walk_in_units: 0,
            walk_in_sold: 0,
        }
    }
}

impl ChannelSums {
    fn merge(&mut self, o: &ChannelSums) {
        self.orders_demanded += o.orders_demanded;
        self.orders += o.orders;
        self.abandoned += o.abandoned;
        self.units_ordered += o.units_ordered;
        self.lost_units += o.lost_units;
        self.lost_margin += o.lost_margin;
        self.closed += o.closed;
        self.otif += o.otif;
        for (a, b) in self.misses.iter_mut().zip(&o.misses) {
            *a += b;
        }
        self.cancelled_orders += o.cancelled_orders;
        for (a, b) in self.cancelled_units.iter_mut().zip(&o.cancelled_units) {
            *a += b;
        }
        self.served_orders += o.served_orders;
        self.split_orders += o.split_orders;
        self.parts += o.parts;
        self.cost.add(&o.cost);
        self.delivery_days.merge(&o.delivery_days);
        self.on_time += o.on_time;
        self.late += o.late;
        self.contacts += o.contacts;
        self.no_shows += o.no_shows;
        self.pickups_ready += o.pickups_ready;
        self.delivered_units += o.delivered_units;
        self.returned_units += o.returned_units;
        self.refund_days.merge(&o.refund_days);
        self.restock_days.merge(&o.restock_days);
        self.restocked_units += o.restocked_units;
        self.liquidated_units += o.liquidated_units;
        self.salvage += o.salvage;
        self.walk_in_units += o.walk_in_units;
        self.walk_in_sold += o.walk_in_sold;
    }
}

/// Picking statistics of one node.
#[derive(Clone, Debug)]
struct NodeSums {
    picks: u64,
    queue_length: f64,
    wait_hours: Histogram,
    shipments: u64,
    short_units: u64,
}

impl Default for NodeSums {
    fn default() -> Self {
        NodeSums {
            picks: 0,
            queue_length: 0.0,
            wait_hours: wait_histogram(),
            shipments: 0,
            short_units: 0,
        }
    }
}

/// Sums for one day of the daily series.
#[derive(Clone, Copy, Debug, Default)]
struct DaySums {
    orders: u64,
    otif: u64,
    cancelled: u64,
    split: u64,
    served: u64,
    cost: f64,
    lost_units: u64,
}

/// The KPI collector of one replication.
#[derive(Clone, Debug)]
pub struct Tally {
    channels: [ChannelSums; 4],
    nodes: Vec<NodeSums>,
    days: Vec<DaySums>,
    markdown_units: u64,
    markdown_cost: f64,
    full_price_units: u64,
    misses: BTreeMap<(Option<NodeId>, Channel, MissCause), u64>,
    unexplained: u64,
}

/// Where a KPI row belongs: one channel, or all of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    /// Every channel together.
    All,
    /// One channel.
    Channel(Channel),
}

impl Scope {
    /// The name used in reports: `all` or the channel's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::All => "all",
            Scope::Channel(c) => c.as_str(),
        }
    }
}

/// The KPI rows of one replication.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RepKpis {
    /// (scope, metric, value).
    pub kpis: Vec<(Scope, &'static str, f64)>,
    /// (node, metric, value).
    pub nodes: Vec<(NodeId, &'static str, f64)>,
    /// (day, metric, value).
    pub daily: Vec<(u32, &'static str, f64)>,
    /// OTIF misses by (node, channel, cause), in that order; only non-zero counts.
    pub misses: Vec<MissCount>,
}

impl Tally {
    /// An empty collector for `nodes` nodes over `days` days.
    pub fn new(nodes: usize, days: u32) -> Self {
        Tally {
            channels: Default::default(),
            nodes: vec![NodeSums::default(); nodes],
            days: vec![DaySums::default(); days as usize],
            markdown_units: 0,
            markdown_cost: 0.0,
            full_price_units: 0,
            misses: BTreeMap::new(),
            unexplained: 0,
        }
    }

    fn ch(&mut self, channel: Channel) -> &mut ChannelSums {
        &mut self.channels[channel.index()]
    }

    fn day(&mut self, t: SimTime) -> Option<&mut DaySums> {
        self.days.get_mut(t.day() as usize)
    }

    /// A checkout attempt with these lines.
    pub fn demanded(&mut self, channel: Channel, _lines: &[crate::orders::Line], counted: bool) {
        if counted {
            self.ch(channel).orders_demanded += 1;
        }
    }

    /// Units a customer did not order because the storefront showed no ATP.
    pub fn lost_sale(
        &mut self,
        channel: Channel,
        units: Units,
        margin: f64,
        now: SimTime,
        counted: bool,
    ) {
        if let Some(d) = self.day(now) {
            d.lost_units += u64::from(units);
        }
        if counted {
            let c = self.ch(channel);
            c.lost_units += u64::from(units);
            c.lost_margin += f64::from(units) * margin;
        }
    }

    /// A customer left without ordering anything.
    pub fn abandoned(&mut self, channel: Channel, counted: bool) {
        if counted {
            self.ch(channel).abandoned += 1;
        }
    }

    /// A walk-in shopper wanted `wanted` units and found `sold`.
    pub fn walk_in(&mut self, wanted: Units, sold: Units, margin: f64, counted: bool) {
        if counted {
            let c = self.ch(Channel::WalkIn);
            c.walk_in_units += u64::from(wanted);
            c.walk_in_sold += u64::from(sold);
            c.lost_units += u64::from(wanted - sold);
            c.lost_margin += f64::from(wanted - sold) * margin;
        }
    }

    /// Seasonal units sold at full price (any time in the run).
    pub fn full_price_sold(&mut self, units: Units) {
        self.full_price_units += u64::from(units);
    }

    /// An order was accepted and routed.
    pub fn accepted(&mut self, channel: Channel, _now: SimTime, counted: bool) {
        if counted {
            self.ch(channel).orders += 1;
        }
    }

    /// An order has no part left open: its OTIF, cancellations, splits, cost and speed are
    /// final.
    pub fn order_closed(&mut self, rec: &OrderRec, support: &SupportConfig, _now: SimTime) {
        let retailer_cancelled: Units = CancelReason::ALL
            .iter()
            .filter(|r| r.is_retailer())
            .map(|&r| rec.cancelled[r as usize])
            .sum();
        let on_time = rec.last_done.is_some_and(|t| t <= rec.promise);
        let late = rec.last_done.is_some_and(|t| t > rec.promise);
        let otif = retailer_cancelled == 0 && on_time;
        let split = rec.parts_served > 1;
        let cost = rec.cost.total();

        if let Some(d) = self.day(rec.order.placed_at) {
            d.orders += 1;
            d.otif += u64::from(otif);
            d.cancelled += u64::from(retailer_cancelled > 0);
            d.served += u64::from(rec.parts_served > 0);
            d.split += u64::from(split);
            d.cost += cost;
        }
        if !rec.counted {
            return;
        }
        let c = self.ch(rec.order.channel);
        c.closed += 1;
        c.units_ordered += u64::from(rec.order.units());
        c.otif += u64::from(otif);
        c.cancelled_orders += u64::from(retailer_cancelled > 0);
        if !otif {
            self.miss(rec);
        }
        let c = self.ch(rec.order.channel);
        for (a, &b) in c.cancelled_units.iter_mut().zip(&rec.cancelled) {
            *a += u64::from(b);
        }
        if rec.parts_served > 0 {
            c.served_orders += 1;
            c.parts += u64::from(rec.parts_served);
            c.split_orders += u64::from(split);
        }
        c.cost.add(&rec.cost);
        if let Some(done) = rec.last_done {
            c.delivery_days.record(done.since(rec.order.placed_at) as f64 / SimTime::DAY as f64);
            c.on_time += u64::from(on_time);
            c.late += u64::from(late);
            c.delivered_units += u64::from(rec.order.units().saturating_sub(retailer_cancelled));
        }
        c.contacts += support.contact_late * f64::from(u8::from(late))
            + support.contact_cancelled * f64::from(u8::from(retailer_cancelled > 0))
            + support.contact_split * f64::from(u8::from(split));
    }

    /// Counts the root cause of a counted order that missed OTIF.
    fn miss(&mut self, rec: &OrderRec) {
        let (blame, explained) = rec.mark.verdict(&rec.cancelled);
        let channel = rec.order.channel;
        self.ch(channel).misses[blame.cause.index()] += 1;
        *self.misses.entry((blame.node, channel, blame.cause)).or_default() += 1;
        self.unexplained += u64::from(!explained);
    }

    /// Counted misses that had no evidence and fell back to a default cause (zero unless
    /// attribution has a gap).
    #[cfg(test)]
    pub fn unexplained_misses(&self) -> u64 {
        self.unexplained
    }

    /// A picker started on a shipment at `node` after it waited `waited` seconds.
    pub fn pick_started(&mut self, node: NodeId, waited: u64, measured: bool) {
        if measured {
            self.nodes[node.index()].wait_hours.record(waited as f64 / SimTime::HOUR as f64);
        }
    }

    /// A pick finished at `node`.
    pub fn pick_done(&mut self, node: NodeId, measured: bool) {
        if measured {
            self.nodes[node.index()].picks += 1;
        }
    }

    /// `units` were found short at `node`.
    pub fn short_pick(&mut self, node: NodeId, units: Units, counted: bool) {
        if counted {
            self.nodes[node.index()].short_units += u64::from(units);
        }
    }

    /// A parcel left `node`, or a pickup was made ready there.
    pub fn node_shipment(&mut self, node: NodeId, counted: bool) {
        if counted {
            self.nodes[node.index()].shipments += 1;
        }
    }

    /// A pickup was made ready at a store.
    pub fn pickup_ready(&mut self, channel: Channel, counted: bool) {
        if counted {
            self.ch(channel).pickups_ready += 1;
        }
    }

    /// A BOPIS customer never collected.
    pub fn no_show(&mut self, channel: Channel, counted: bool) {
        if counted {
            self.ch(channel).no_shows += 1;
        }
    }

    /// A return started, costing `cost` (label and processing).
    pub fn return_started(&mut self, channel: Channel, units: Units, cost: f64, counted: bool) {
        if counted {
            let c = self.ch(channel);
            c.returned_units += u64::from(units);
            c.cost.returns += cost;
        }
    }

    /// A return was refunded `days` after it started.
    pub fn refunded(&mut self, channel: Channel, days: f64, counted: bool) {
        if counted {
            self.ch(channel).refund_days.record(days);
        }
    }

    /// Returned units were sellable again `days` after the return started.
    pub fn restocked(&mut self, channel: Channel, units: Units, days: f64, counted: bool) {
        if counted {
            let c = self.ch(channel);
            c.restocked_units += u64::from(units);
            c.restock_days.record(days);
        }
    }

    /// Returned units were liquidated for `salvage` each.
    pub fn liquidated(&mut self, channel: Channel, units: Units, salvage: f64, counted: bool) {
        if counted {
            let c = self.ch(channel);
            c.liquidated_units += u64::from(units);
            c.salvage += salvage * f64::from(units);
        }
    }

    /// Units cleared at season end, each costing `markdown`.
    pub fn cleared(&mut self, units: Units, markdown: f64) {
        self.markdown_units += u64::from(units);
        self.markdown_cost += f64::from(units) * markdown;
    }

    /// Markdown cost so far.
    #[cfg(test)]
    pub fn markdown_cost(&self) -> f64 {
        self.markdown_cost
    }

    /// A new day started (nothing to roll: days are indexed by time).
    pub fn day_started(&mut self, _day: u32) {}

    /// Records each node's time-average pick queue length over the measured window.
    pub fn queue_lengths(&mut self, areas: impl Iterator<Item = f64>, measured_seconds: f64) {
        for (n, area) in self.nodes.iter_mut().zip(areas) {
            n.queue_length = if measured_seconds > 0.0 { area / measured_seconds } else { 0.0 };
        }
    }

    /// The KPI rows, with node utilization over `measured_days` days.
    pub fn finish(&self, capacities: &[u32], fulfilling: &[bool], measured_days: f64) -> RepKpis {
        let mut out = RepKpis::default();
        let mut all = ChannelSums::default();
        for channel in Channel::ALL {
            let c = &self.channels[channel.index()];
            all.merge(c);
            let scope = Scope::Channel(channel);
            if channel.is_online() {
                online_rows(&mut out.kpis, scope, c);
            } else {
                walk_in_rows(&mut out.kpis, c);
            }
        }
        online_rows(&mut out.kpis, Scope::All, &all);
        push(&mut out.kpis, Scope::All, "lost_sales_units", all.lost_units as f64);
        push(&mut out.kpis, Scope::All, "lost_sales_margin", all.lost_margin);
        self.network_rows(&mut out.kpis, capacities, fulfilling, measured_days);
        self.node_rows(&mut out.nodes, capacities, fulfilling, measured_days);
        self.daily_rows(&mut out.daily);
        out.misses = self
            .misses
            .iter()
            .map(|(&(node, channel, cause), &orders)| MissCount { node, channel, cause, orders })
            .collect();
        out
    }

    fn network_rows(
        &self,
        rows: &mut Vec<(Scope, &'static str, f64)>,
        capacities: &[u32],
        fulfilling: &[bool],
        days: f64,
    ) {
        push(rows, Scope::All, "markdown_cost", self.markdown_cost);
        push(rows, Scope::All, "markdown_units", self.markdown_units as f64);
        let seasonal = self.full_price_units + self.markdown_units;
        if seasonal > 0 {
            push(
                rows,
                Scope::All,
                "full_price_sell_through",
                self.full_price_units as f64 / seasonal as f64,
            );
        }
        let mut waits = wait_histogram();
        let mut utils = Vec::new();
        for (i, n) in self.nodes.iter().enumerate() {
            if !fulfilling[i] {
                continue;
            }
            waits.merge(&n.wait_hours);
            if capacities[i] > 0 && days > 0.0 {
                utils.push(n.picks as f64 / (f64::from(capacities[i]) * days));
            }
        }
        if waits.count() > 0 {
            push(rows, Scope::All, "pick_wait_hours_mean", waits.mean());
            push(rows, Scope::All, "pick_wait_hours_p90", waits.quantile(0.9));
        }
        if !utils.is_empty() {
            push(
                rows,
                Scope::All,
                "node_utilization_mean",
                utils.iter().sum::<f64>() / utils.len() as f64,
            );
            push(
                rows,
                Scope::All,
                "node_utilization_max",
                utils.iter().copied().fold(0.0, f64::max),
            );
        }
    }

    fn node_rows(
        &self,
        rows: &mut Vec<(NodeId, &'static str, f64)>,
        capacities: &[u32],
        fulfilling: &[bool],
        days: f64,
    ) {
        for (i, n) in self.nodes.iter().enumerate() {
            if !fulfilling[i] {
                continue;
            }
            let id = NodeId::from_index(i);
            if capacities[i] > 0 && days > 0.0 {
                rows.push((id, "utilization", n.picks as f64 / (f64::from(capacities[i]) * days)));
            }
            rows.push((id, "picks", n.picks as f64));
            if n.wait_hours.count() > 0 {
                rows.push((id, "pick_wait_hours_mean", n.wait_hours.mean()));
                rows.push((id, "pick_wait_hours_p90", n.wait_hours.quantile(0.9)));
            }
            rows.push((id, "pick_queue_length_mean", n.queue_length));
            rows.push((id, "shipments", n.shipments as f64));
            rows.push((id, "short_pick_units", n.short_units as f64));
        }
    }

    fn daily_rows(&self, rows: &mut Vec<(u32, &'static str, f64)>) {
        for (day, d) in self.days.iter().enumerate() {
            let day = day as u32;
            rows.push((day, "orders", d.orders as f64));
            if d.orders > 0 {
                rows.push((day, "otif", d.otif as f64 / d.orders as f64));
                rows.push((day, "cancellation_rate", d.cancelled as f64 / d.orders as f64));
                rows.push((day, "cost_to_serve_per_order", d.cost / d.orders as f64));
            }
            if d.served > 0 {
                rows.push((day, "split_rate", d.split as f64 / d.served as f64));
            }
            rows.push((day, "lost_sales_units", d.lost_units as f64));
        }
    }
}

fn push(
    rows: &mut Vec<(Scope, &'static str, f64)>,
    scope: Scope,
    metric: &'static str,
    value: f64,
) {
    rows.push((scope, metric, value));
}

/// Pushes `metric = num / den` when the denominator is positive.
fn ratio(
    rows: &mut Vec<(Scope, &'static str, f64)>,
    scope: Scope,
    metric: &'static str,
    num: f64,
    den: f64,
) {
    if den > 0.0 {
        rows.push((scope, metric, num / den));
    }
}

fn online_rows(rows: &mut Vec<(Scope, &'static str, f64)>, s: Scope, c: &ChannelSums) {
    let closed = c.closed as f64;
    push(rows, s, "orders_demanded", c.orders_demanded as f64);
    push(rows, s, "orders", c.orders as f64);
    ratio(rows, s, "otif", c.otif as f64, closed);
    for cause in MissCause::ALL {
        ratio(rows, s, cause.metric(), c.misses[cause.index()] as f64, closed);
    }
    ratio(rows, s, "cancellation_rate", c.cancelled_orders as f64, closed);
    let retailer_units: u64 = CancelReason::ALL
        .iter()
        .filter(|r| r.is_retailer())
        .map(|&r| c.cancelled_units[r as usize])
        .sum();
    ratio(rows, s, "cancelled_units_rate", retailer_units as f64, c.units_ordered as f64);
    for reason in [CancelReason::NoStock, CancelReason::ShortPick, CancelReason::Capacity] {
        let metric = match reason {
            CancelReason::NoStock => "cancelled_units_no_stock",
            CancelReason::ShortPick => "cancelled_units_short_pick",
            _ => "cancelled_units_capacity",
        };
        push(rows, s, metric, c.cancelled_units[reason as usize] as f64);
    }
    ratio(rows, s, "split_rate", c.split_orders as f64, c.served_orders as f64);
    ratio(rows, s, "shipments_per_order", c.parts as f64, c.served_orders as f64);
    ratio(rows, s, "cost_to_serve_per_order", c.cost.total(), closed);
    push(rows, s, "cost_to_serve_total", c.cost.total());
    ratio(rows, s, "cost_pick_pack_per_order", c.cost.pick_pack, closed);
    ratio(rows, s, "cost_parcel_per_order", c.cost.parcel, closed);
    ratio(rows, s, "cost_transfer_per_order", c.cost.transfer, closed);
    ratio(rows, s, "cost_returns_per_order", c.cost.returns, closed);
    if c.delivery_days.count() > 0 {
        push(rows, s, "delivery_days_mean", c.delivery_days.mean());
        push(rows, s, "delivery_days_p50", c.delivery_days.quantile(0.5));
        push(rows, s, "delivery_days_p90", c.delivery_days.quantile(0.9));
    }
    ratio(rows, s, "promise_accuracy", c.on_time as f64, (c.on_time + c.late) as f64);
    if s != Scope::All {
        push(rows, s, "lost_sales_units", c.lost_units as f64);
        push(rows, s, "lost_sales_margin", c.lost_margin);
    }
    ratio(rows, s, "no_show_rate", c.no_shows as f64, c.pickups_ready as f64);
    ratio(rows, s, "return_rate", c.returned_units as f64, c.delivered_units as f64);
    if c.refund_days.count() > 0 {
        push(rows, s, "return_refund_days_mean", c.refund_days.mean());
        push(rows, s, "return_refund_days_p90", c.refund_days.quantile(0.9));
    }
    if c.restock_days.count() > 0 {
        push(rows, s, "return_restock_days_mean", c.restock_days.mean());
        push(rows, s, "return_restock_days_p90", c.restock_days.quantile(0.9));
    }
    ratio(
        rows,
        s,
        "restock_rate",
        c.restocked_units as f64,
        (c.restocked_units + c.liquidated_units) as f64,
    );
    ratio(rows, s, "support_contacts_per_order", c.contacts, closed);
}

fn walk_in_rows(rows: &mut Vec<(Scope, &'static str, f64)>, c: &ChannelSums) {
    let s = Scope::Channel(Channel::WalkIn);
    push(rows, s, "walk_in_units_demanded", c.walk_in_units as f64);
    push(rows, s, "walk_in_units_sold", c.walk_in_sold as f64);
    push(rows, s, "lost_sales_units", c.lost_units as f64);
    push(rows, s, "lost_sales_margin", c.lost_margin);
}
