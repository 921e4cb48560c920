//! Promises: the delivery (or ready-for-pickup) time quoted at checkout for one shipment.
//!
//! A parcel is released when the node next opens, packed within the pick SLA, leaves with
//! the carrier at the daily cut-off (the next day's if packed after it) and arrives after
//! the zone's transit days; the promise is the end of that day. A pickup is promised when the
//! store's pick SLA ends; a transfer adds the lane's lead time and the store's SLA after
//! arrival. A channel with its own SLA (marketplace) is promised that many days after
//! checkout, whatever the plan allows.

use crate::ids::{NodeId, SimTime};
use crate::network::{GeoPoint, Network, great_circle_miles};
use crate::orders::Method;

/// When a parcel packed at `ready` leaves with the carrier whose daily cut-off is `cutoff`
/// (second of day).
pub fn departure(ready: SimTime, cutoff: u32) -> SimTime {
    let day_start = SimTime::from_days(ready.day());
    let cutoff_today = day_start.plus(u64::from(cutoff));
    if ready <= cutoff_today { cutoff_today } else { cutoff_today.plus(SimTime::DAY) }
}

/// The last second of day `day`: a promise for "delivered on day `day`".
pub fn end_of_day(day: u32) -> SimTime {
    SimTime::from_days(day).plus(SimTime::DAY - 1)
}

/// When `node` would have the units packed if released now.
pub fn packed_by(network: &Network, node: NodeId, now: SimTime) -> SimTime {
    let n = network.node(node);
    n.hours.next_open(now).plus(n.pick_sla)
}

/// The carrier's transit days for a parcel from `node` to `customer` (its zone's).
pub fn transit_days(network: &Network, node: NodeId, customer: GeoPoint) -> u32 {
    let miles = great_circle_miles(network.node(node).location, customer);
    network.rate_card.zone_for(miles).transit_days
}

/// The promise for a parcel from `node` that spends `transit_days` with the carrier, for an
/// order placed at `now`: [`promise`] of a parcel with its distance already priced, for
/// callers that ask about one (node, customer) at many times.
pub fn parcel_promise(network: &Network, node: NodeId, transit_days: u32, now: SimTime) -> SimTime {
    let leaves = departure(packed_by(network, node, now), network.rate_card.cutoff);
    end_of_day(leaves.day() + transit_days)
}

/// The promise for one shipment from `node` by `method`, to `customer` or to the pickup
/// store `destination`, for an order placed at `now`.
pub fn promise(
    network: &Network,
    node: NodeId,
    method: Method,
    destination: NodeId,
    customer: GeoPoint,
    now: SimTime,
) -> SimTime {
    let packed = packed_by(network, node, now);
    match method {
        Method::ShipFromDc | Method::ShipFromStore => {
            parcel_promise(network, node, transit_days(network, node, customer), now)
        }
        Method::Pickup => packed,
        Method::TransferThenPickup => {
            let lead = network.lanes.transfer(node, destination).map_or(0, |(_, lead)| lead);
            packed_by(network, destination, packed.plus(lead))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parcels_packed_after_the_cutoff_leave_the_next_day() {
        let cutoff = 17 * 3600;
        let before = SimTime::from_days(2).plus(16 * SimTime::HOUR);
        let after = SimTime::from_days(2).plus(18 * SimTime::HOUR);
        assert_eq!(departure(before, cutoff), SimTime::from_days(2).plus(17 * SimTime::HOUR));
        assert_eq!(departure(after, cutoff), SimTime::from_days(3).plus(17 * SimTime::HOUR));
        let exactly = SimTime::from_days(2).plus(17 * SimTime::HOUR);
        assert_eq!(departure(exactly, cutoff), exactly);
    }

    #[test]
    fn a_parcel_priced_once_gets_the_same_promise_at_every_time() {
        use crate::routing::{ship_method, testkit};
        let network = testkit::network();
        for customer in [testkit::CLEVELAND, testkit::EVANSTON, testkit::SAN_FRANCISCO] {
            for node in network.ids() {
                let Some(method) = ship_method(&network, node) else { continue };
                let days = transit_days(&network, node, customer);
                // Every 37 minutes over a week: inside and outside opening hours, before
                // and after the cut-off.
                for t in (0..7 * SimTime::DAY).step_by(37 * 60) {
                    let t = SimTime(t);
                    assert_eq!(
                        parcel_promise(&network, node, days, t),
                        promise(&network, node, method, node, customer, t),
                        "{node:?} at {t:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn end_of_day_is_the_last_second() {
        assert_eq!(end_of_day(0), SimTime(86_399));
        assert_eq!(end_of_day(3).day(), 3);
    }
}
