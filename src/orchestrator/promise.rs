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
            let miles = great_circle_miles(network.node(node).location, customer);
            let zone = network.rate_card.zone_for(miles);
            let leaves = departure(packed, network.rate_card.cutoff);
            end_of_day(leaves.day() + zone.transit_days)
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
    fn end_of_day_is_the_last_second() {
        assert_eq!(end_of_day(0), SimTime(86_399));
        assert_eq!(end_of_day(3).day(), 3);
    }
}
