//! [`RuleStack`]: the routing policy OMS products use and planners write into scenarios.
//!
//! For each line of an order, the candidates are the nodes that stock its SKU (the ledger's
//! stocking list, so a line never scans nodes that cannot have it). Each candidate runs the
//! filters in order; survivors are ranked by the sort keys, compared left to right, ties by
//! node id so decisions are deterministic. Split control then decides how lines become
//! shipments:
//!
//! - `never`: the best node that passes every filter for every line, with full ATP for
//!   each, serves the whole order;
//! - `up_to N`: greedy set cover, at most N times: the node that can fully serve the most
//!   remaining lines (then the most units, then the best rank) takes them;
//! - `free`: each line, in order, goes to its best node; without `has_full_atp`, a line's
//!   units may be spread over several nodes in rank order.
//!
//! A node offers its visible ATP less the units the plan already takes from it, so a
//! fallback stack never counts the same units twice. Lines left over go to the fallback
//! (another stack, or cancellation: reason `capacity` when some node with units to offer was
//! removed by `under_capacity` and by no other filter, else `no_stock`). Pickup orders are
//! served at the customer's store when its visible ATP covers the line and the store passes
//! the stack's filters like any node (a full store or store protection sends the line
//! elsewhere); otherwise the stack ranks transfer sources that have a lane path to the store.
//!
//! Cost: with L lines, S stocking nodes per SKU and A assignments in the plan so far (at
//! most L S, usually about L), `free` is O(L S (log S + A)), `never` is O(L S A), `up_to N`
//! is O(N L S + L S A). Ranking by cost is myopic: the cost of adding a line to
//! the plan built so far, which makes a cost-sorted stack consolidate lines at a node
//! already used when that is cheaper.

use std::cmp::Ordering;

use smallvec::SmallVec;

use super::rules::{Fallback, Filter, SortBy, SortKey, Split};
use super::{CandidateTrace, Explanation, LineTrace, NetworkView, Policy, ship_method};
use crate::cost::shipment_cost_over;
use crate::ids::{NodeId, SkuId, Units};
use crate::inventory::Position;
use crate::network::{Capability, GeoPoint, NodeKind, great_circle_miles};
use crate::orders::{Assignment, CancelReason, Channel, Method, Order, Plan, Unserved};

/// What explanations say removed a node that an outage took offline: it fails before any
/// filter of the stack.
const OFFLINE: &str = "offline";

/// A rule stack policy: filters, sort keys, split control and fallback.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleStack {
    /// The name reports use.
    pub name: String,
    /// Tests a node must pass, in order.
    pub filters: Vec<Filter>,
    /// Ranking keys, most significant first.
    pub sort: Vec<SortBy>,
    /// How many nodes may serve one order.
    pub split: Split,
    /// What happens to lines the stack cannot place.
    pub fallback: Fallback,
}

/// Units of a line still to place.
#[derive(Clone, Copy, Debug)]
struct Pending {
    line: usize,
    units: Units,
    /// Some candidate with stock to offer was removed by `under_capacity` and by no other
    /// filter: capacity alone stood in the way.
    capacity_only: bool,
}

/// What the filters made of one candidate.
#[derive(Clone, Copy, Debug)]
struct Verdict {
    /// The first filter that removed the node, `None` if it passed them all.
    removed_by: Option<&'static str>,
    /// The node failed `under_capacity` and no other filter.
    capacity_only: bool,
}

/// Sort values of one candidate; stacks rarely have more than four keys, so they stay on
/// the stack (ranking runs for every candidate of every line).
type Key = SmallVec<[f64; 4]>;

/// A node that passed the filters for a line, with its rank.
#[derive(Clone, Debug)]
struct Ranked {
    node: NodeId,
    atp: Units,
    key: Key,
}

/// What one candidate node offers a line.
struct Assessed {
    verdict: Verdict,
    /// Visible ATP less what the plan already takes there.
    atp: Units,
    /// The rank key; empty for a node the filters removed, unless an explanation wants it.
    key: Key,
}

impl Assessed {
    /// The candidate, if it passed every filter and has units to give.
    fn into_ranked(self, node: NodeId) -> Option<Ranked> {
        (self.verdict.removed_by.is_none() && self.atp > 0).then_some(Ranked {
            node,
            atp: self.atp,
            key: self.key,
        })
    }
}

fn compare(a: &Ranked, b: &Ranked) -> Ordering {
    for (x, y) in a.key.iter().zip(&b.key) {
        match x.total_cmp(y) {
            Ordering::Equal => {}
            other => return other,
        }
    }
    a.node.cmp(&b.node)
}

impl RuleStack {
    /// A stack from its parts.
    pub fn new(
        name: impl Into<String>,
        filters: Vec<Filter>,
        sort: Vec<SortBy>,
        split: Split,
        fallback: Fallback,
    ) -> Self {
        RuleStack { name: name.into(), filters, sort, split, fallback }
    }

    /// This stack and the stacks it falls back to, in order.
    pub fn chain(&self) -> impl Iterator<Item = &RuleStack> {
        std::iter::successors(Some(self), |s| match &s.fallback {
            Fallback::Stack(next) => Some(next.as_ref()),
            Fallback::Cancel => None,
        })
    }

    /// How `node` would serve a line of `order`, if it can at all.
    fn method(&self, order: &Order, node: NodeId, view: &NetworkView<'_>) -> Option<Method> {
        match pickup_store(order) {
            None => ship_method(view.network, node),
            Some(store) if node == store => {
                view.network.node(store).can(Capability::Pickup).then_some(Method::Pickup)
            }
            Some(store) => {
                let source_ok = view.network.node(node).can(Capability::Transfer)
                    && view.network.lanes.transfer(node, store).is_some();
                source_ok.then_some(Method::TransferThenPickup)
            }
        }
    }

    /// Which filters `node` fails for `units` of a line when it has `atp` units left to
    /// offer. An offline node fails first; then the capability check when the stack does not
    /// list it.
    #[allow(clippy::too_many_arguments)]
    fn verdict(
        &self,
        order: &Order,
        units: Units,
        node: NodeId,
        atp: Units,
        miles: f64,
        view: &NetworkView<'_>,
    ) -> Verdict {
        if view.is_offline(node) {
            return Verdict { removed_by: Some(OFFLINE), capacity_only: false };
        }
        let capable = self.method(order, node, view).is_some();
        if !capable && !self.filters.contains(&Filter::Capability) {
            return Verdict { removed_by: Some(Filter::Capability.name()), capacity_only: false };
        }
        let n = view.network.node(node);
        let passes = |f: &Filter| match f {
            Filter::Capability => capable,
            Filter::HasFullAtp => atp >= units,
            Filter::UnderCapacity { max_utilization } => {
                view.capacity.has_room(node, *max_utilization)
            }
            Filter::WithinDistance { max_miles } => miles <= *max_miles,
            Filter::Exclude { nodes } => !nodes.contains(&node),
            Filter::NodeKind { kinds } => kinds.contains(&n.kind),
            Filter::MinAtpAfter { units: keep } => atp >= units.saturating_add(*keep),
        };

        let mut failed = self.filters.iter().filter(|f| !passes(f));
        let first = failed.next();
        let is_capacity = |f: &Filter| matches!(f, Filter::UnderCapacity { .. });
        let capacity_only = first.is_some_and(is_capacity) && failed.all(is_capacity);
        Verdict { removed_by: first.map(Filter::name), capacity_only }
    }

    /// The value of `key` for serving `lines` from `node`, `miles` from where the units
    /// go, given the plan built so far.
    #[allow(clippy::too_many_arguments)]
    fn key_value(
        &self,
        key: SortKey,
        order: &Order,
        lines: &[Pending],
        node: NodeId,
        miles: f64,
        view: &NetworkView<'_>,
        plan: &Plan,
    ) -> f64 {
        let n = view.network.node(node);
        let min_over_lines = |f: &dyn Fn(usize) -> f64| {
            lines.iter().map(|p| f(p.line)).fold(f64::INFINITY, f64::min)
        };
        match key {
            SortKey::Priority => f64::from(n.priority),
            SortKey::Distance => miles,
            SortKey::Cost => marginal_cost(order, lines, node, miles, view, plan),
            SortKey::Atp => min_over_lines(&|l| f64::from(view.atp(node, order.lines[l].sku))),
            SortKey::DaysOfCover => {
                min_over_lines(&|l| view.days_of_cover(node, order.lines[l].sku))
            }
            SortKey::Utilization => view.capacity.utilization(node),
            SortKey::DcFirst => match n.kind {
                NodeKind::Dc => 0.0,
                _ => 1.0,
            },
        }
    }

    /// The rank vector (ascending is better) of serving `lines` from `node`.
    fn rank(
        &self,
        order: &Order,
        lines: &[Pending],
        node: NodeId,
        miles: f64,
        view: &NetworkView<'_>,
        plan: &Plan,
    ) -> Key {
        self.sort
            .iter()
            .map(|s| {
                let v = self.key_value(s.key, order, lines, node, miles, view, plan);
                if s.descending { -v } else { v }
            })
            .collect()
    }

    /// Every candidate that passes every filter for `pending`, best first, recording each
    /// candidate in `trace` when one is given. Sets `pending.capacity_only` when a node with
    /// the stock was removed only by the capacity filter.
    fn candidates(
        &self,
        order: &Order,
        pending: &mut Pending,
        exclude: &[NodeId],
        view: &NetworkView<'_>,
        plan: &Plan,
        mut trace: Option<&mut LineTrace>,
    ) -> Vec<Ranked> {
        let sku = order.lines[pending.line].sku;
        let to = destination(order, view);
        let keyed = trace.is_some();
        let mut ranked = Vec::new();
        for (node, position) in view.ledger.stocking_positions(sku) {
            // The pickup store is weighed on its own, before any transfer source.
            if exclude.contains(&node) || pickup_store(order) == Some(node) {
                continue;
            }
            let a = self.assess(order, pending, node, position, to, view, plan, keyed);
            if let Some(t) = trace.as_deref_mut() {
                t.candidates.push(CandidateTrace {
                    node,
                    removed_by: a.verdict.removed_by,
                    sort_values: self.natural_values(&a.key),
                });
            }
            if let Some(r) = a.into_ranked(node) {
                ranked.push(r);
            }
        }
        ranked.sort_by(compare);
        ranked
    }

    /// What `node`, holding `position` of the line's SKU, offers `pending`: the filters'
    /// verdict, the units it can give and (when it passes, or `keyed`) its rank key. Sets
    /// `pending.capacity_only` when capacity alone stood in the way of a node with the stock.
    #[allow(clippy::too_many_arguments)]
    fn assess(
        &self,
        order: &Order,
        pending: &mut Pending,
        node: NodeId,
        position: &Position,
        to: GeoPoint,
        view: &NetworkView<'_>,
        plan: &Plan,
        keyed: bool,
    ) -> Assessed {
        let sku = order.lines[pending.line].sku;
        // The fewest units a node must offer to be of use for this line.
        let useful = if self.whole_lines(order) { pending.units } else { 1 };
        let visible = view.ledger.visible_atp_of(position);
        let atp = unplanned_atp(order, node, sku, visible, plan);
        let miles = great_circle_miles(view.network.node(node).location, to);
        let verdict = self.verdict(order, pending.units, node, atp, miles, view);
        if verdict.capacity_only && atp >= useful {
            pending.capacity_only = true;
        }
        let key = if verdict.removed_by.is_none() || keyed {
            self.rank(order, std::slice::from_ref(pending), node, miles, view, plan)
        } else {
            Key::new()
        };
        Assessed { verdict, atp, key }
    }

    /// Undoes the negation of descending keys, for explanations.
    fn natural_values(&self, key: &[f64]) -> Vec<f64> {
        key.iter().zip(&self.sort).map(|(v, s)| if s.descending { -v } else { *v }).collect()
    }

    /// Places `pending` lines into `plan` under the split rule; returns what is left.
    fn place(
        &self,
        order: &Order,
        mut pending: Vec<Pending>,
        exclude: &[NodeId],
        view: &NetworkView<'_>,
        plan: &mut Plan,
        mut explain: Option<&mut Explanation>,
    ) -> Vec<Pending> {
        if pickup_store(order).is_some() {
            return self.place_free(order, pending, exclude, view, plan, explain, true);
        }
        match self.split {
            Split::Free => self.place_free(order, pending, exclude, view, plan, explain, false),
            Split::Never => {
                let coverage =
                    self.coverage(order, &mut pending, exclude, view, plan, explain.as_deref_mut());
                let open = vec![true; pending.len()];
                match self.best_cover(order, &pending, &open, &coverage, view, plan) {
                    Some((node, lines)) if lines.len() == pending.len() => {
                        self.assign_cover(order, &pending, node, &lines, view, plan, explain);
                        Vec::new()
                    }
                    _ => pending,
                }
            }
            Split::UpTo(max) => {
                let coverage =
                    self.coverage(order, &mut pending, exclude, view, plan, explain.as_deref_mut());
                self.place_cover(order, &pending, &coverage, view, plan, explain, max)
            }
        }
    }

    /// `free` split: each line to its best nodes in rank order.
    #[allow(clippy::too_many_arguments)]
    fn place_free(
        &self,
        order: &Order,
        pending: Vec<Pending>,
        exclude: &[NodeId],
        view: &NetworkView<'_>,
        plan: &mut Plan,
        mut explain: Option<&mut Explanation>,
        whole_lines: bool,
    ) -> Vec<Pending> {
        let mut left = Vec::new();
        for p in pending {
            let mut trace = explain.as_deref_mut().map(|e| e.line_mut(p.line));
            let mut scan = self.scan(order, p, exclude, view, plan, trace.as_deref_mut(), true);
            let mut remaining = p.units;
            while let Some(r) = self.next_candidate(&mut scan, order, exclude, view, plan) {
                let take = if whole_lines {
                    if r.atp < remaining { continue } else { remaining }
                } else {
                    r.atp.min(remaining)
                };
                push_assignment(plan, order, p.line, r.node, take, view);
                if let Some(t) = trace.as_deref_mut() {
                    t.chosen.push((r.node, take));
                }
                remaining -= take;
                if remaining == 0 {
                    break;
                }
            }
            if remaining > 0 {
                left.push(Pending { units: remaining, ..scan.pending });
            }
        }
        left
    }

    /// Which lines each passing node can serve in full, recording candidates in `explain`.
    fn coverage(
        &self,
        order: &Order,
        pending: &mut [Pending],
        exclude: &[NodeId],
        view: &NetworkView<'_>,
        plan: &Plan,
        mut explain: Option<&mut Explanation>,
    ) -> Vec<(NodeId, Vec<usize>)> {
        // With one line the best node that can take it whole is the cover, so the scan may
        // stop there; with more, every candidate of every line is needed.
        let lazy = pending.len() == 1;
        let mut coverage: Vec<(NodeId, Vec<usize>)> = Vec::new();
        for (i, p) in pending.iter_mut().enumerate() {
            let trace = explain.as_deref_mut().map(|e| e.line_mut(p.line));
            let mut scan = self.scan(order, *p, exclude, view, plan, trace, lazy);
            while let Some(r) = self.next_candidate(&mut scan, order, exclude, view, plan) {
                if r.atp < p.units {
                    continue;
                }
                match coverage.iter_mut().find(|(n, _)| *n == r.node) {
                    Some((_, lines)) => lines.push(i),
                    None => coverage.push((r.node, vec![i])),
                }
                if lazy {
                    break;
                }
            }
            *p = scan.pending;
        }
        coverage
    }

    /// `up_to N` split: greedy cover, at most `max_nodes` nodes; returns the lines left.
    #[allow(clippy::too_many_arguments)]
    fn place_cover(
        &self,
        order: &Order,
        pending: &[Pending],
        coverage: &[(NodeId, Vec<usize>)],
        view: &NetworkView<'_>,
        plan: &mut Plan,
        mut explain: Option<&mut Explanation>,
        max_nodes: u32,
    ) -> Vec<Pending> {
        let mut open: Vec<bool> = vec![true; pending.len()];
        for _ in 0..max_nodes {
            let Some((node, lines)) = self.best_cover(order, pending, &open, coverage, view, plan)
            else {
                break;
            };
            for &i in &lines {
                open[i] = false;
            }
            self.assign_cover(order, pending, node, &lines, view, plan, explain.as_deref_mut());
            if open.iter().all(|o| !o) {
                break;
            }
        }
        pending.iter().zip(&open).filter(|(_, o)| **o).map(|(p, _)| *p).collect()
    }

    /// Places whole `lines` (indices into `pending`) at `node`.
    #[allow(clippy::too_many_arguments)]
    fn assign_cover(
        &self,
        order: &Order,
        pending: &[Pending],
        node: NodeId,
        lines: &[usize],
        view: &NetworkView<'_>,
        plan: &mut Plan,
        mut explain: Option<&mut Explanation>,
    ) {
        for &i in lines {
            push_assignment(plan, order, pending[i].line, node, pending[i].units, view);
            if let Some(e) = explain.as_deref_mut() {
                e.line_mut(pending[i].line).chosen.push((node, pending[i].units));
            }
        }
    }

    /// The node covering the most open lines (then units, then rank), with those lines.
    fn best_cover(
        &self,
        order: &Order,
        pending: &[Pending],
        open: &[bool],
        coverage: &[(NodeId, Vec<usize>)],
        view: &NetworkView<'_>,
        plan: &Plan,
    ) -> Option<(NodeId, Vec<usize>)> {
        let mut best: Option<(usize, Units, Ranked, Vec<usize>)> = None;
        for (node, lines) in coverage {
            let lines: Vec<usize> = lines.iter().copied().filter(|&i| open[i]).collect();
            if lines.is_empty() {
                continue;
            }
            let units: Units = lines.iter().map(|&i| pending[i].units).sum();
            let group: Vec<Pending> = lines.iter().map(|&i| pending[i]).collect();
            let miles =
                great_circle_miles(view.network.node(*node).location, destination(order, view));
            let key = self.rank(order, &group, *node, miles, view, plan);
            let ranked = Ranked { node: *node, atp: 0, key };
            let better = match &best {
                None => true,
                Some((n, u, r, _)) => {
                    (lines.len(), units).cmp(&(*n, *u)).then_with(|| compare(r, &ranked)).is_gt()
                }
            };
            if better {
                best = Some((lines.len(), units, ranked, lines));
            }
        }
        best.map(|(_, _, r, lines)| (r.node, lines))
    }

    /// Places the lines the pickup store can serve from its own visible ATP, when it passes
    /// the stack's filters like any other node; returns the rest, for transfers.
    fn serve_at_pickup_store(
        &self,
        order: &Order,
        pending: Vec<Pending>,
        exclude: &[NodeId],
        view: &NetworkView<'_>,
        plan: &mut Plan,
        mut explain: Option<&mut Explanation>,
    ) -> Vec<Pending> {
        let Some(store) = pickup_store(order).filter(|s| !exclude.contains(s)) else {
            return pending;
        };
        let mut left = Vec::new();
        for mut p in pending {
            let sku = order.lines[p.line].sku;
            // The units go to the store itself: no distance to cover.
            let atp = unplanned_atp(order, store, sku, view.atp(store, sku), plan);
            let verdict = self.verdict(order, p.units, store, atp, 0.0, view);
            let mut trace = explain.as_deref_mut().map(|e| e.line_mut(p.line));
            if let Some(t) = trace.as_deref_mut() {
                t.candidates.extend(self.store_trace(order, &p, store, verdict, view, plan));
            }

            if verdict.removed_by.is_none() && atp >= p.units {
                push_assignment(plan, order, p.line, store, p.units, view);
                if let Some(t) = trace {
                    t.chosen.push((store, p.units));
                }
            } else {
                p.capacity_only |= verdict.capacity_only && atp >= p.units;
                left.push(p);
            }
        }
        left
    }

    /// The pickup store as a candidate for `p`, for explanations; `None` when the store does
    /// not stock the SKU (candidates are the stocking nodes).
    fn store_trace(
        &self,
        order: &Order,
        p: &Pending,
        store: NodeId,
        verdict: Verdict,
        view: &NetworkView<'_>,
        plan: &Plan,
    ) -> Option<CandidateTrace> {
        view.ledger.position(store, order.lines[p.line].sku)?;
        let key = self.rank(order, std::slice::from_ref(p), store, 0.0, view, plan);
        let sort_values = self.natural_values(&key);
        Some(CandidateTrace { node: store, removed_by: verdict.removed_by, sort_values })
    }

    /// Whether a node must take a line whole: pickups and cover splits place whole lines,
    /// only a free split spreads a line's units over nodes.
    fn whole_lines(&self, order: &Order) -> bool {
        pickup_store(order).is_some() || self.split != Split::Free
    }

    /// Runs the stack and its fallbacks on `pending`, recording cancellations in `plan`.
    fn place_with_fallback(
        &self,
        order: &Order,
        pending: Vec<Pending>,
        exclude: &[NodeId],
        view: &NetworkView<'_>,
        plan: &mut Plan,
        mut explain: Option<&mut Explanation>,
    ) {
        // Lines of a pickup order the store itself can serve need no ranking.
        let pending =
            self.serve_at_pickup_store(order, pending, exclude, view, plan, explain.as_deref_mut());
        let left = self.place(order, pending, exclude, view, plan, explain.as_deref_mut());
        if left.is_empty() {
            return;
        }
        match &self.fallback {
            Fallback::Stack(next) => {
                if let Some(e) = explain.as_deref_mut() {
                    for p in &left {
                        e.line_mut(p.line).fallback = Some(next.name.clone());
                    }
                }
                next.place_with_fallback(order, left, exclude, view, plan, explain);
            }
            Fallback::Cancel => {
                for p in left {
                    let reason = if p.capacity_only {
                        CancelReason::Capacity
                    } else {
                        CancelReason::NoStock
                    };
                    plan.unserved.push(Unserved { line: p.line, units: p.units, reason });
                    if let Some(e) = explain.as_deref_mut() {
                        e.line_mut(p.line).fallback = Some(format!("cancel ({reason})"));
                    }
                }
            }
        }
    }
}

impl Policy for RuleStack {
    fn name(&self) -> &str {
        &self.name
    }

    fn plan(
        &mut self,
        order: &Order,
        view: &NetworkView<'_>,
        mut explain: Option<&mut Explanation>,
    ) -> Plan {
        if let Some(e) = explain.as_deref_mut() {
            e.policy = self.name.clone();
            e.sort_keys = self.sort.iter().map(|s| s.key.name()).collect();
        }
        let pending = order
            .lines
            .iter()
            .enumerate()
            .map(|(line, l)| Pending { line, units: l.units, capacity_only: false })
            .collect();
        let mut plan = Plan::default();
        self.place_with_fallback(order, pending, &[], view, &mut plan, explain);
        plan
    }

    fn reroute(
        &mut self,
        order: &Order,
        line: usize,
        units: Units,
        exclude: &[NodeId],
        view: &NetworkView<'_>,
    ) -> Vec<Assignment> {
        // A repair places one line wherever it fits: split control does not apply.
        let free = RuleStack { split: Split::Free, ..self.clone() };
        let mut plan = Plan::default();
        let pending = vec![Pending { line, units, capacity_only: false }];
        free.place_with_fallback(order, pending, exclude, view, &mut plan, None);
        plan.assignments
    }
}

/// The store a pickup order is collected at.
fn pickup_store(order: &Order) -> Option<NodeId> {
    match order.channel {
        Channel::Bopis => order.store,
        _ => None,
    }
}

/// Where the units must go: the customer, or the pickup store.
fn destination(order: &Order, view: &NetworkView<'_>) -> crate::network::GeoPoint {
    match pickup_store(order) {
        Some(store) => view.network.node(store).location,
        None => order.customer,
    }
}

/// The visible ATP of `sku` at `node` less the units `plan` already takes from there (a
/// fallback stack sees the same ledger as the stack before it, so it must not offer the
/// same units twice).
fn unplanned_atp(order: &Order, node: NodeId, sku: SkuId, visible: Units, plan: &Plan) -> Units {
    let planned: Units = plan
        .assignments
        .iter()
        .filter(|a| a.node == node && order.lines[a.line].sku == sku)
        .map(|a| a.units)
        .sum();
    visible.saturating_sub(planned)
}

/// Adds (or grows) the assignment of `units` of `line` at `node`.
fn push_assignment(
    plan: &mut Plan,
    order: &Order,
    line: usize,
    node: NodeId,
    units: Units,
    view: &NetworkView<'_>,
) {
    if let Some(a) = plan.assignments.iter_mut().find(|a| a.line == line && a.node == node) {
        a.units += units;
        return;
    }
    let (method, destination) = match pickup_store(order) {
        Some(store) if store == node => (Method::Pickup, store),
        Some(store) => (Method::TransferThenPickup, store),
        None => match ship_method(view.network, node) {
            Some(m) => (m, node),
            None => (Method::ShipFromDc, node),
        },
    };
    plan.assignments.push(Assignment { line, node, units, method, destination });
}

/// Marginal cost of adding `lines` at `node` to `plan`.
fn marginal_cost(
    order: &Order,
    lines: &[Pending],
    node: NodeId,
    miles: f64,
    view: &NetworkView<'_>,
    plan: &Plan,
) -> f64 {
    let weight = |units: Units, line: usize| {
        f64::from(units) * view.catalog.sku(order.lines[line].sku).weight_kg
    };
    let added_units: Units = lines.iter().map(|p| p.units).sum();
    let added_weight: f64 = lines.iter().map(|p| weight(p.units, p.line)).sum();

    if let Some(store) = pickup_store(order) {
        let n = view.network.node(node);
        let lane = view.network.lanes.transfer(node, store).map_or(0.0, |(cost, _)| cost);
        return f64::from(added_units) * (lane + n.pick_cost_per_unit) + n.pack_cost_per_shipment;
    }

    let (had_units, had_weight) = plan
        .assignments
        .iter()
        .filter(|a| a.node == node)
        .fold((0, 0.0), |(u, w), a| (u + a.units, w + weight(a.units, a.line)));
    let after = shipment_cost_over(
        view.network,
        node,
        miles,
        had_units + added_units,
        had_weight + added_weight,
    );
    if had_units == 0 {
        return after.total();
    }
    let before = shipment_cost_over(view.network, node, miles, had_units, had_weight);
    after.total() - before.total()
}

mod scan;
#[cfg(test)]
mod tests;
