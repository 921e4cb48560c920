//! [`CapacityBook`]: how many orders each node has been given today, against its daily
//! picking capacity, for the `under_capacity` filter and the `utilization` sort key.

use crate::ids::{NodeId, SimTime};
use crate::network::Network;

/// Orders released to each node on the current day.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CapacityBook {
    day: u32,
    used: Vec<u32>,
    capacity: Vec<u32>,
}

impl CapacityBook {
    /// An empty book for every node of `network`, on day 0.
    pub fn new(network: &Network) -> Self {
        let capacity = network.ids().map(|id| network.node(id).capacity_per_day).collect();
        CapacityBook { day: 0, used: vec![0; network.len()], capacity }
    }

    /// Starts a new day when `now` is past the current one: every node's count goes back to 0.
    pub fn roll_to(&mut self, now: SimTime) {
        if now.day() != self.day {
            self.day = now.day();
            self.used.iter_mut().for_each(|u| *u = 0);
        }
    }

    /// Records one more order (shipment or pickup) released to `node` today.
    pub fn book(&mut self, node: NodeId) {
        self.used[node.index()] += 1;
    }

    /// Orders given to `node` today.
    pub fn used(&self, node: NodeId) -> u32 {
        self.used[node.index()]
    }

    /// Today's load as a share of daily capacity (infinite for a node with none).
    pub fn utilization(&self, node: NodeId) -> f64 {
        let cap = self.capacity[node.index()];
        if cap == 0 { f64::INFINITY } else { f64::from(self.used[node.index()]) / f64::from(cap) }
    }

    /// Whether one more order keeps `node` at or under `max_utilization` of its capacity.
    pub fn has_room(&self, node: NodeId, max_utilization: f64) -> bool {
        let cap = f64::from(self.capacity[node.index()]);
        f64::from(self.used[node.index()] + 1) <= max_utilization * cap + 1e-9
    }
}
