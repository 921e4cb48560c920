//! Where promises break: the one root cause of each OTIF miss ([`MissCause`]), and the few
//! bytes per order and per shipment the simulator keeps to find it.
//!
//! A counted order that closes without OTIF gets exactly one cause. Evidence is recorded as
//! it happens, and only evidence that made the order miss counts: a retailer cancellation
//! (the order cannot be in full), or a part finished after the promise quoted to the
//! customer (judged when it is delivered or ready for pickup). Each piece of evidence names
//! a cause and the node whose shipment failed (`None` when the units were cancelled at
//! routing, before any node held them). The order keeps the strongest piece by the fixed
//! precedence of [`MissCause::ALL`]; between equals, the first recorded.
//!
//! Precedence, first real failure wins:
//! 1. `stock`: units that were not there (cancelled for no stock, oversold, short-picked)
//!    make the order fail "in full", or force a reroute that made it late; no speed
//!    anywhere else could have saved it, and it is inventory accuracy a planner must fix.
//! 2. `promise`: the plan chosen at checkout could not meet the quote; the order failed
//!    before any node touched it, so later delays are not what broke it.
//! 3. `capacity`: a pick backlog (or a capacity cancellation) comes before transit in time;
//!    a parcel that missed the cut-off it was planned for lost the day before a carrier saw
//!    it.
//! 4. `carrier`: the parcel left when planned and transit made it late.
//! 5. `customer`: only when nothing the retailer did explains the miss. Under DOMAIN.md's
//!    OTIF a BOPIS order is complete when it is ready for pickup, so a no-show never misses
//!    OTIF, and customer cancellations are not simulated: this cause stays at zero today and
//!    keeps the five complete if customer cancellations are ever modelled.
//!
//! Per part the same order applies: a part rerouted after a short pick whose new plan could
//! not meet the quote is `stock` (at the node that picked short); a part whose own plan was
//! past the quote is `promise` (or `stock` when the order had units refused by a stale view
//! at routing, since the oversell forced the plan; the orchestrator does not say which part
//! the reroute made, so this is judged per order); a part picked too late for the handoff it
//! was planned for (the cut-off of a parcel, the pick SLA of a pickup or transfer) is
//! `capacity`; any other late parcel is `carrier`.
//!
//! Key types: [`MissCause`], [`MissCount`], [`OrderMark`], [`PartMark`]. Knows nothing of the
//! event queue or the ledger; the world feeds it times and nodes.

use crate::ids::{NodeId, SimTime, Units};
use crate::orchestrator::Routed;
use crate::orders::{CancelReason, Channel, Method};

/// The root cause of one OTIF miss.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MissCause {
    /// Units were missing: cancelled for no stock, oversold, or short-picked.
    Stock,
    /// The plan chosen at routing could not meet the promise quoted to the customer.
    Promise,
    /// A pick backlog made a part late, or every node was at capacity.
    Capacity,
    /// The parcel left in time and the carrier's transit made it late.
    Carrier,
    /// The customer's doing (never an OTIF miss under today's definitions).
    Customer,
}

impl MissCause {
    /// Every cause, in precedence order (the first that applies wins).
    pub const ALL: [MissCause; 5] = [
        MissCause::Stock,
        MissCause::Promise,
        MissCause::Capacity,
        MissCause::Carrier,
        MissCause::Customer,
    ];

    /// The snake_case name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            MissCause::Stock => "stock",
            MissCause::Promise => "promise",
            MissCause::Capacity => "capacity",
            MissCause::Carrier => "carrier",
            MissCause::Customer => "customer",
        }
    }

    /// The KPI metric counting this cause's share of closed orders: `otif_miss_<cause>`.
    pub fn metric(self) -> &'static str {
        match self {
            MissCause::Stock => "otif_miss_stock",
            MissCause::Promise => "otif_miss_promise",
            MissCause::Capacity => "otif_miss_capacity",
            MissCause::Carrier => "otif_miss_carrier",
            MissCause::Customer => "otif_miss_customer",
        }
    }

    /// Its index in [`MissCause::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The cause a cancellation for `reason` gives.
    fn of_cancel(reason: CancelReason) -> MissCause {
        match reason {
            CancelReason::NoStock | CancelReason::ShortPick => MissCause::Stock,
            CancelReason::Capacity => MissCause::Capacity,
            CancelReason::NoShow | CancelReason::Customer => MissCause::Customer,
        }
    }
}

/// OTIF misses of one replication with one cause, at one node, in one channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MissCount {
    /// The node whose shipment failed; `None` for units cancelled at routing.
    pub node: Option<NodeId>,
    /// The order's channel.
    pub channel: Channel,
    /// The cause.
    pub cause: MissCause,
    /// Counted orders that missed OTIF for it.
    pub orders: u64,
}

/// A piece of evidence: a cause and the node it points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Blame {
    /// The cause.
    pub cause: MissCause,
    /// The node whose shipment failed, if any held the units.
    pub node: Option<NodeId>,
}

/// What an in-flight order carries to explain a miss: the strongest evidence so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OrderMark {
    strongest: Option<Blame>,
    oversold: bool,
}

impl OrderMark {
    /// The mark of a freshly routed order: its routing cancellations are evidence, and
    /// whether a stale view oversold any of its units is remembered.
    pub fn routed(routed: &Routed) -> OrderMark {
        let mut mark = OrderMark { strongest: None, oversold: routed.reservation_reroutes > 0 };
        for c in routed.cancelled.iter().filter(|c| c.units > 0 && c.reason.is_retailer()) {
            mark.note(Blame { cause: MissCause::of_cancel(c.reason), node: None });
        }
        mark
    }

    /// Keeps `blame` if it is stronger than what the order has.
    pub fn note(&mut self, blame: Blame) {
        if self.strongest.is_none_or(|b| blame.cause < b.cause) {
            self.strongest = Some(blame);
        }
    }

    /// Units of the order were cancelled for `reason` after `node` could not pick them.
    pub fn cancelled(&mut self, reason: CancelReason, units: Units, node: NodeId) {
        if units > 0 && reason.is_retailer() {
            self.note(Blame { cause: MissCause::of_cancel(reason), node: Some(node) });
        }
    }

    /// A part from `node` finished at `at`: if that is after the order's `promise`, it is
    /// evidence.
    pub fn part_finished(&mut self, part: &PartMark, node: NodeId, at: SimTime, promise: SimTime) {
        if at > promise {
            let blame = part.late_blame(node, promise, self.oversold);
            self.note(blame);
        }
    }

    /// The cause of an order that missed OTIF. `cancelled` holds its cancelled units by
    /// reason index. An order with no evidence cannot miss OTIF (a retailer cancellation and
    /// a late part both leave evidence); should one anyway, the second value is `false` and
    /// the miss is put down to customer cancellations if it has any, else to its promise.
    pub fn verdict(&self, cancelled: &[Units; 5]) -> (Blame, bool) {
        if let Some(blame) = self.strongest {
            return (blame, true);
        }
        let by_customer = [CancelReason::NoShow, CancelReason::Customer]
            .iter()
            .any(|&r| cancelled[r as usize] > 0);
        let cause = if by_customer { MissCause::Customer } else { MissCause::Promise };
        (Blame { cause, node: None }, false)
    }
}

/// What a shipment carries to judge itself if it finishes late.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PartMark {
    /// When the plan said this part would be delivered or ready.
    planned: SimTime,
    /// When the plan said its pick would be done (release plus pick SLA).
    pick_due: SimTime,
    /// The node that picked short when this part is a reroute of its units.
    rerouted_from: Option<NodeId>,
    /// Whether its pick finished too late for the handoff it was planned for.
    picked_late: bool,
}

impl PartMark {
    /// The mark of a part promised for `planned` whose pick is due by `pick_due`; a reroute
    /// after a short pick at `rerouted_from`.
    pub fn new(planned: SimTime, pick_due: SimTime, rerouted_from: Option<NodeId>) -> PartMark {
        PartMark { planned, pick_due, rerouted_from, picked_late: false }
    }

    /// Its pick finished at `at`: late when the handoff it allows (the carrier's departure
    /// after `cutoff` for a parcel, the moment itself otherwise) is after the planned one.
    pub fn picked(&mut self, at: SimTime, method: Method, cutoff: u32) {
        let handoff = |t: SimTime| match method {
            Method::ShipFromDc | Method::ShipFromStore => {
                crate::orchestrator::promise::departure(t, cutoff)
            }
            Method::Pickup | Method::TransferThenPickup => t,
        };
        self.picked_late = handoff(at) > handoff(self.pick_due);
    }

    /// Why this part from `node`, finished after the order's `promise`, was late.
    fn late_blame(&self, node: NodeId, promise: SimTime, oversold: bool) -> Blame {
        let planned_late = self.planned > promise;
        let (cause, node) = match (self.rerouted_from, planned_late) {
            (Some(origin), true) => (MissCause::Stock, Some(origin)),
            (None, true) if oversold => (MissCause::Stock, None),
            (None, true) => (MissCause::Promise, Some(node)),
            _ if self.picked_late => (MissCause::Capacity, Some(node)),
            _ => (MissCause::Carrier, Some(node)),
        };
        Blame { cause, node }
    }
}

#[cfg(test)]
mod scenarios;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::orders::Unserved;

    fn at(hours: u64) -> SimTime {
        SimTime(hours * SimTime::HOUR)
    }

    fn blame(cause: MissCause, node: Option<u32>) -> Blame {
        Blame { cause, node: node.map(NodeId) }
    }

    #[test]
    fn names_and_metrics_follow_the_precedence_order() {
        let names: Vec<&str> = MissCause::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(names, ["stock", "promise", "capacity", "carrier", "customer"]);
        for (i, c) in MissCause::ALL.iter().enumerate() {
            assert_eq!(c.index(), i);
            assert_eq!(c.metric(), format!("otif_miss_{}", c.as_str()));
        }
    }

    #[test]
    fn the_strongest_evidence_wins_and_the_first_of_equals_stays() {
        let mut mark = OrderMark::default();
        mark.note(blame(MissCause::Carrier, Some(1)));
        mark.note(blame(MissCause::Capacity, Some(2)));
        mark.note(blame(MissCause::Capacity, Some(3)));
        mark.note(blame(MissCause::Customer, None));
        assert_eq!(mark.verdict(&[0; 5]), (blame(MissCause::Capacity, Some(2)), true));
        mark.cancelled(CancelReason::ShortPick, 2, NodeId(4));
        assert_eq!(mark.verdict(&[0; 5]), (blame(MissCause::Stock, Some(4)), true));
    }

    #[test]
    fn routing_cancellations_are_evidence_without_a_node() {
        let routed = Routed {
            cancelled: vec![Unserved { line: 0, units: 1, reason: CancelReason::Capacity }],
            ..Routed::default()
        };
        let mark = OrderMark::routed(&routed);
        assert_eq!(mark.verdict(&[0; 5]).0, blame(MissCause::Capacity, None));
        let clean = OrderMark::routed(&Routed::default());
        assert_eq!(clean.verdict(&[0; 5]), (blame(MissCause::Promise, None), false));
        let mut no_show = [0; 5];
        no_show[CancelReason::NoShow as usize] = 1;
        assert_eq!(clean.verdict(&no_show), (blame(MissCause::Customer, None), false));
    }

    #[test]
    fn a_part_on_time_leaves_no_evidence() {
        let mut mark = OrderMark::default();
        let part = PartMark::new(at(30), at(10), None);
        mark.part_finished(&part, NodeId(1), at(30), at(30));
        assert!(!mark.verdict(&[0; 5]).1, "no evidence");
    }

    #[test]
    fn a_late_part_is_judged_by_its_plan_then_its_pick_then_the_carrier() {
        let promise = at(48);
        let judge = |part: PartMark, oversold: bool| {
            let mut mark = OrderMark { strongest: None, oversold };
            mark.part_finished(&part, NodeId(7), at(60), promise);
            mark.verdict(&[0; 5]).0
        };
        let rerouted = PartMark::new(at(50), at(10), Some(NodeId(3)));
        assert_eq!(judge(rerouted, false), blame(MissCause::Stock, Some(3)));
        let over = PartMark::new(at(50), at(10), None);
        assert_eq!(judge(over, false), blame(MissCause::Promise, Some(7)));
        assert_eq!(judge(over, true), blame(MissCause::Stock, None));

        let mut slow = PartMark::new(at(40), at(10), Some(NodeId(3)));
        slow.picked(at(30), Method::ShipFromDc, 17 * 3600);
        assert_eq!(judge(slow, false), blame(MissCause::Capacity, Some(7)));
        let mut in_time = PartMark::new(at(40), at(10), None);
        in_time.picked(at(12), Method::ShipFromStore, 17 * 3600);
        assert_eq!(judge(in_time, false), blame(MissCause::Carrier, Some(7)));
    }

    #[test]
    fn a_parcel_picked_after_its_due_time_is_late_only_if_it_misses_the_cutoff() {
        let cutoff = 17 * 3600;
        let mut part = PartMark::new(at(60), at(10), None);
        part.picked(at(16), Method::ShipFromDc, cutoff);
        assert!(!part.picked_late, "16:00 still makes the 17:00 truck it was planned for");
        part.picked(at(18), Method::ShipFromDc, cutoff);
        assert!(part.picked_late, "18:00 waits for the next day's truck");
        part.picked(at(11), Method::Pickup, cutoff);
        assert!(part.picked_late, "a pickup is late as soon as the pick SLA passes");
    }
}
