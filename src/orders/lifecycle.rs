//! The lifecycle of DOMAIN.md as explicit state machines: [`Status`] for the part of an order
//! one node serves (a shipment, or a pickup), [`ReturnStatus`] for a return.
//!
//! ```text
//! placed -> routed -> released -> picking -> shipped -> delivered
//!                                    |  \-> ready_for_pickup -> picked_up
//!                                    v                  \-> cancelled (no_show)
//!                              short_picked -> rerouted | cancelled | shipped | ready_for_pickup
//! placed | routed | released -> cancelled;  routed | released -> rerouted (node offline)
//! ```
//!
//! A transition the diagram does not draw is refused with [`IllegalTransition`], so a bug in
//! a process shows up as an error at the step that made it rather than as a wrong KPI.

use std::fmt;

use thiserror::Error;

use super::CancelReason;

/// Where one shipment (or pickup) of an order stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    /// The customer checked out; not yet routed.
    Placed,
    /// A node was chosen and units reserved there.
    Routed,
    /// Released to the node's pick queue.
    Released,
    /// A picker is working on it.
    Picking,
    /// The node could not find every unit.
    ShortPicked,
    /// Handed to the carrier.
    Shipped,
    /// Delivered to the customer.
    Delivered,
    /// Waiting at the store for the customer.
    ReadyForPickup,
    /// Collected by the customer.
    PickedUp,
    /// Moved to another node; this shipment is closed and a new one carries the units.
    Rerouted,
    /// Cancelled, with the reason.
    Cancelled(CancelReason),
}

impl Status {
    /// The snake_case name used in reports and errors.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Placed => "placed",
            Status::Routed => "routed",
            Status::Released => "released",
            Status::Picking => "picking",
            Status::ShortPicked => "short_picked",
            Status::Shipped => "shipped",
            Status::Delivered => "delivered",
            Status::ReadyForPickup => "ready_for_pickup",
            Status::PickedUp => "picked_up",
            Status::Rerouted => "rerouted",
            Status::Cancelled(_) => "cancelled",
        }
    }

    /// Whether no further transition is possible.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            Status::Delivered | Status::PickedUp | Status::Rerouted | Status::Cancelled(_)
        )
    }

    /// Whether the lifecycle allows moving from `self` to `next`.
    pub fn allows(self, next: Status) -> bool {
        use Status::*;
        match (self, next) {
            (Placed, Routed) => true,
            (Routed, Released | Rerouted) => true,
            (Released, Picking | Rerouted) => true,
            (Picking, Shipped | ReadyForPickup | ShortPicked) => true,
            (ShortPicked, Rerouted | Shipped | ReadyForPickup) => true,
            (Shipped, Delivered) => true,
            (ReadyForPickup, PickedUp) => true,
            (ReadyForPickup, Cancelled(CancelReason::NoShow)) => true,
            (Placed | Routed | Released | ShortPicked, Cancelled(reason)) => {
                reason != CancelReason::NoShow
            }
            _ => false,
        }
    }

    /// Moves to `next`, or refuses with the pair that the lifecycle does not allow.
    pub fn advance(&mut self, next: Status) -> Result<(), IllegalTransition> {
        if !self.allows(next) {
            return Err(IllegalTransition { from: self.as_str(), to: next.as_str() });
        }
        *self = next;
        Ok(())
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Status::Cancelled(reason) => write!(f, "cancelled ({reason})"),
            other => f.write_str(other.as_str()),
        }
    }
}

/// What happens to a returned unit once it has been inspected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReturnDisposition {
    /// Sellable again, back into on_hand.
    Restock,
    /// Sellable again after a refurbishing delay.
    Refurbish,
    /// Sold off at salvage value.
    Liquidate,
}

impl ReturnDisposition {
    /// The snake_case name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            ReturnDisposition::Restock => "restock",
            ReturnDisposition::Refurbish => "refurbish",
            ReturnDisposition::Liquidate => "liquidate",
        }
    }
}

/// Where a return stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReturnStatus {
    /// The customer asked to return.
    Initiated,
    /// On its way back to a DC (by mail) or a store.
    InTransitBack,
    /// Received at the node, in quarantine.
    Received,
    /// Inspected and dispositioned.
    Dispositioned(ReturnDisposition),
}

impl ReturnStatus {
    /// The snake_case name used in reports and errors.
    pub fn as_str(self) -> &'static str {
        match self {
            ReturnStatus::Initiated => "return_initiated",
            ReturnStatus::InTransitBack => "in_transit_back",
            ReturnStatus::Received => "received",
            ReturnStatus::Dispositioned(_) => "dispositioned",
        }
    }

    /// Moves to `next`, or refuses a step the return lifecycle does not allow.
    pub fn advance(&mut self, next: ReturnStatus) -> Result<(), IllegalTransition> {
        use ReturnStatus::*;
        let allowed = matches!(
            (*self, next),
            (Initiated, InTransitBack) | (InTransitBack, Received) | (Received, Dispositioned(_))
        );
        if !allowed {
            return Err(IllegalTransition { from: self.as_str(), to: next.as_str() });
        }
        *self = next;
        Ok(())
    }
}

/// A lifecycle step that the state machine does not allow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Error)]
#[error("illegal lifecycle transition from {from} to {to}")]
pub struct IllegalTransition {
    /// The state the order part was in.
    pub from: &'static str,
    /// The state asked for.
    pub to: &'static str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ship_to_home_path_is_allowed() {
        let mut s = Status::Placed;
        for next in
            [Status::Routed, Status::Released, Status::Picking, Status::Shipped, Status::Delivered]
        {
            s.advance(next).expect("legal step");
        }
        assert!(s.is_terminal());
    }

    #[test]
    fn pickup_path_and_no_show_are_allowed() {
        let mut s = Status::Picking;
        s.advance(Status::ReadyForPickup).expect("legal");
        let mut no_show = s;
        no_show.advance(Status::Cancelled(CancelReason::NoShow)).expect("legal");
        s.advance(Status::PickedUp).expect("legal");
    }

    #[test]
    fn short_pick_can_reroute_or_cancel() {
        let mut s = Status::Picking;
        s.advance(Status::ShortPicked).expect("legal");
        let mut cancelled = s;
        cancelled.advance(Status::Cancelled(CancelReason::ShortPick)).expect("legal");
        s.advance(Status::Rerouted).expect("legal");
    }

    #[test]
    fn a_part_waiting_at_an_offline_node_can_be_rerouted() {
        for from in [Status::Routed, Status::Released] {
            let mut s = from;
            s.advance(Status::Rerouted).expect("legal");
        }
        let mut picking = Status::Picking;
        assert!(picking.advance(Status::Rerouted).is_err());
    }

    #[test]
    fn illegal_transitions_are_refused_and_leave_the_state_unchanged() {
        let cases = [
            (Status::Placed, Status::Shipped),
            (Status::Routed, Status::Delivered),
            (Status::Shipped, Status::Cancelled(CancelReason::Customer)),
            (Status::Delivered, Status::Shipped),
            (Status::Picking, Status::Delivered),
            (Status::Released, Status::Cancelled(CancelReason::NoShow)),
            (Status::Cancelled(CancelReason::NoStock), Status::Routed),
            (Status::PickedUp, Status::ReadyForPickup),
        ];
        for (from, to) in cases {
            let mut s = from;
            let err = s.advance(to).expect_err("must be refused");
            assert_eq!(s, from);
            assert_eq!(err.from, from.as_str());
            assert_eq!(err.to, to.as_str());
        }
    }

    #[test]
    fn returns_follow_their_own_lifecycle() {
        let mut r = ReturnStatus::Initiated;
        assert!(r.advance(ReturnStatus::Received).is_err());
        r.advance(ReturnStatus::InTransitBack).expect("legal");
        r.advance(ReturnStatus::Received).expect("legal");
        r.advance(ReturnStatus::Dispositioned(ReturnDisposition::Refurbish)).expect("legal");
        assert!(r.advance(ReturnStatus::Received).is_err());
    }
}
