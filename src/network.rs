//! The network: the nodes that hold stock and fulfill orders, the distances between them and
//! customers, the carrier's rate card, the transfer lanes, and the city table stores and
//! customers are placed from.
//!
//! Key types: [`Network`] (validated at construction, then read-only in spirit), [`Node`],
//! [`RateCard`], [`Lanes`], [`CityTable`]. Submodules: `node` (what a node is and may do),
//! `geo` (points and great-circle miles), `carrier` (zones, parcel prices, cut-off), `lanes`
//! (transfer graph and cheapest paths), `spatial` (nodes nearest a point), `cities` (the
//! bundled US city table, store placement and nearest-city lookups).
//!
//! Pure data and rules. This module must not know about inventory, orders, demand or the
//! simulator; it draws random numbers only in [`Placement::Sampled`] (seeded by the caller)
//! and reads files only through [`CityTable::from_reader`] and [`CityTable::from_path`].
//!
//! ```
//! use omnilab::ids::NodeId;
//! use omnilab::network::{CityTable, GeoPoint, Lanes, Network, Node, NodeKind, Placement, RateCard};
//!
//! // A DC in Chicago and stores in the three most populous cities.
//! let cities = CityTable::bundled();
//! let mut nodes = vec![Node::new("dc-chicago", NodeKind::Dc, GeoPoint::new(41.85, -87.65))];
//! for index in cities.place(3, Placement::Largest)? {
//!     let city = &cities.cities[index];
//!     let mut store = Node::new(format!("store-{}", city.name), NodeKind::Store, city.location);
//!     store.city = Some(index as u32);
//!     nodes.push(store);
//! }
//! let network = Network::new(nodes, RateCard::us_default(), Lanes::default())?;
//!
//! // A 2 kg parcel from the DC to a customer in Los Angeles travels about 1,745 miles: zone 7.
//! let customer = GeoPoint::new(34.05, -118.24);
//! let miles = network.miles(NodeId(0), customer);
//! assert_eq!(network.rate_card.zone_index(miles), 6);
//! assert!((network.rate_card.parcel_cost(miles, 2.0) - 15.56).abs() < 1e-9);
//! assert_eq!(network.find("store-Los Angeles"), Some(NodeId(2)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod carrier;
pub mod cities;
pub mod geo;
pub mod lanes;
pub mod node;
pub mod spatial;

use std::collections::HashMap;

use thiserror::Error;

use crate::ids::NodeId;

pub use carrier::{RateCard, Zone};
pub use cities::{
    City, CityGrid, CityTable, CityTableError, MAX_CITY_POPULATION, Placement, PopulationIndex,
};
pub use geo::{EARTH_RADIUS_MILES, GeoPoint, great_circle_miles};
pub use lanes::{Lane, LanePath, Lanes, PathTree};
pub use node::{Capabilities, Capability, CapabilityIter, Node, NodeKind, OpeningHours, PickTime};
pub use spatial::{nearest_node, nodes_by_distance};

/// Why a network (or one of its parts) is invalid. Every variant is fatal for the scenario
/// being built; none can occur once [`Network::new`] has succeeded.
#[derive(Clone, Debug, Error, PartialEq)]
pub enum NetworkError {
    /// The network has no node at all.
    #[error("the network has no nodes")]
    NoNodes,
    /// More nodes than a `NodeId` can address.
    #[error("the network has {count} nodes; at most {} are supported", u32::MAX)]
    TooManyNodes {
        /// The number of nodes given.
        count: usize,
    },
    /// Two nodes share a name.
    #[error("node name '{name}' is used by both {first} and {second}")]
    DuplicateName {
        /// The shared name.
        name: String,
        /// The first node with it.
        first: NodeId,
        /// The later node with it.
        second: NodeId,
    },
    /// A node field has a value outside its range.
    #[error("node '{node}': field `{field}`: {reason}")]
    InvalidNode {
        /// The node's name.
        node: String,
        /// The offending field.
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// A vendor was given a capability; vendors replenish nodes and never serve customers.
    #[error("node '{node}' is a vendor and may not have capability '{capability}'")]
    VendorCapability {
        /// The vendor's name.
        node: String,
        /// The first capability it was given.
        capability: Capability,
    },
    /// The rate card breaks one of its invariants.
    #[error("rate card: field `{field}`: {reason}")]
    InvalidRateCard {
        /// The offending field, e.g. `bands_miles[2]` or `zones[0].parcel_cost`.
        field: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A lane joins unknown nodes, loops on one node, or has a bad cost.
    #[error("lane {from} -> {to}: {reason}")]
    InvalidLane {
        /// Origin of the lane.
        from: NodeId,
        /// Destination of the lane.
        to: NodeId,
        /// What is wrong with it.
        reason: String,
    },
    /// The lane graph was built for more nodes than the network has.
    #[error("the lanes cover {lane_nodes} nodes but the network has only {nodes}")]
    LanesTooLarge {
        /// Nodes in the lane graph.
        lane_nodes: usize,
        /// Nodes in the network.
        nodes: usize,
    },
}

/// The fulfillment network of a scenario: nodes (indexed by [`NodeId`]), the carrier rate card
/// and the transfer lanes.
///
/// Built only through [`Network::new`], which validates everything. The fields are public for
/// reading and for what-if edits of node parameters; renaming nodes or adding and removing
/// them afterwards is not supported ([`Network::find`] stays correct but may fall back to a
/// linear scan).
#[derive(Clone, Debug)]
pub struct Network {
    /// The nodes; `NodeId(i)` is `nodes[i]`.
    pub nodes: Vec<Node>,
    /// The carrier rate card for outbound parcels.
    pub rate_card: RateCard,
    /// Transfer lanes between nodes, covering every node.
    pub lanes: Lanes,
    by_name: HashMap<String, NodeId>,
}

impl Network {
    /// Validates and assembles a network: at least one node and no more than `u32::MAX`,
    /// unique names, every node valid ([`Node::validate`]: coordinates in range, costs finite
    /// and non-negative, probabilities in [0, 1], vendors without capabilities), a valid rate
    /// card, and lanes built for at most this many nodes (they are extended to cover all).
    pub fn new(
        nodes: Vec<Node>,
        rate_card: RateCard,
        mut lanes: Lanes,
    ) -> Result<Network, NetworkError> {
        if nodes.is_empty() {
            return Err(NetworkError::NoNodes);
        }
        if u32::try_from(nodes.len()).is_err() {
            return Err(NetworkError::TooManyNodes { count: nodes.len() });
        }

        let by_name = index_names(&nodes)?;
        for node in &nodes {
            node.validate()?;
        }
        rate_card.validate()?;

        if lanes.node_count() > nodes.len() {
            return Err(NetworkError::LanesTooLarge {
                lane_nodes: lanes.node_count(),
                nodes: nodes.len(),
            });
        }
        lanes.ensure_nodes(nodes.len());

        Ok(Network { nodes, rate_card, lanes, by_name })
    }

    /// The node with id `id`.
    ///
    /// # Panics
    /// If `id` is not from this network (out of range).
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.index()]
    }

    /// The node with id `id`, or `None` if it is out of range.
    pub fn get(&self, id: NodeId) -> Option<&Node> {
        self.nodes.get(id.index())
    }

    /// The number of nodes.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the network has no nodes (never true for a network built by [`Network::new`]).
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Every node id, in order.
    pub fn ids(&self) -> impl Iterator<Item = NodeId> + use<> {
        (0..self.nodes.len()).map(NodeId::from_index)
    }

    /// The node named `name`. O(1) through the index built at construction.
    pub fn find(&self, name: &str) -> Option<NodeId> {
        match self.by_name.get(name) {
            Some(&id) if self.get(id).is_some_and(|node| node.name == name) => Some(id),
            _ => self.nodes.iter().position(|node| node.name == name).map(NodeId::from_index),
        }
    }

    /// Great-circle miles from node `a` to `point`.
    pub fn miles(&self, a: NodeId, point: GeoPoint) -> f64 {
        great_circle_miles(self.node(a).location, point)
    }

    /// Great-circle miles between two nodes.
    pub fn miles_between(&self, a: NodeId, b: NodeId) -> f64 {
        great_circle_miles(self.node(a).location, self.node(b).location)
    }

    /// The ids of the nodes of `kind`, in order.
    pub fn nodes_of_kind(&self, kind: NodeKind) -> Vec<NodeId> {
        self.ids().filter(|&id| self.node(id).kind == kind).collect()
    }

    /// The ids of the nodes with `capability`, in order.
    pub fn nodes_with(&self, capability: Capability) -> Vec<NodeId> {
        self.ids().filter(|&id| self.node(id).can(capability)).collect()
    }
}

/// Maps each name to its node, failing on the first repeated name.
fn index_names(nodes: &[Node]) -> Result<HashMap<String, NodeId>, NetworkError> {
    let mut by_name = HashMap::with_capacity(nodes.len());
    for (i, node) in nodes.iter().enumerate() {
        let id = NodeId::from_index(i);
        if let Some(&first) = by_name.get(&node.name) {
            return Err(NetworkError::DuplicateName { name: node.name.clone(), first, second: id });
        }
        by_name.insert(node.name.clone(), id);
    }
    Ok(by_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nodes() -> Vec<Node> {
        vec![
            Node::new("dc-east", NodeKind::Dc, GeoPoint::new(40.0, -75.0)),
            Node::new("store-nyc", NodeKind::Store, GeoPoint::new(40.71427, -74.00597)),
            Node::new("store-la", NodeKind::Store, GeoPoint::new(34.05223, -118.24368)),
            Node::new("acme", NodeKind::Vendor, GeoPoint::new(35.0, -80.0)),
        ]
    }

    fn network() -> Network {
        Network::new(nodes(), RateCard::us_default(), Lanes::default()).unwrap()
    }

    #[test]
    fn lookups() {
        let net = network();
        assert_eq!(net.len(), 4);
        assert_eq!(net.ids().collect::<Vec<_>>(), [NodeId(0), NodeId(1), NodeId(2), NodeId(3)]);
        assert_eq!(net.find("store-la"), Some(NodeId(2)));
        assert_eq!(net.find("nowhere"), None);
        assert_eq!(net.node(NodeId(1)).name, "store-nyc");
        assert!(net.get(NodeId(4)).is_none());
        assert_eq!(net.nodes_of_kind(NodeKind::Store), [NodeId(1), NodeId(2)]);
        assert_eq!(net.nodes_of_kind(NodeKind::Vendor), [NodeId(3)]);
        assert_eq!(net.nodes_with(Capability::ShipFromDc), [NodeId(0)]);
        assert_eq!(net.lanes.node_count(), 4);
    }

    #[test]
    fn distances() {
        let net = network();
        let la = GeoPoint::new(34.05223, -118.24368);
        assert!((net.miles(NodeId(1), la) - 2445.0).abs() < 5.0);
        assert!(net.miles(NodeId(2), la).abs() < 1e-9);
        assert!((net.miles_between(NodeId(1), NodeId(2)) - net.miles(NodeId(1), la)).abs() < 1e-9);
    }

    #[test]
    fn find_survives_a_rename() {
        let mut net = network();
        net.nodes[2].name = "store-lax".to_string();
        assert_eq!(net.find("store-lax"), Some(NodeId(2)));
        assert_eq!(net.find("store-la"), None);
    }

    #[test]
    fn rejects_empty_and_duplicates() {
        let empty = Network::new(Vec::new(), RateCard::us_default(), Lanes::default());
        assert_eq!(empty.unwrap_err(), NetworkError::NoNodes);

        let mut twice = nodes();
        twice[3] = Node::new("store-nyc", NodeKind::Store, GeoPoint::new(41.0, -74.0));
        let err = Network::new(twice, RateCard::us_default(), Lanes::default()).unwrap_err();
        assert_eq!(err.to_string(), "node name 'store-nyc' is used by both node#1 and node#3");
    }

    #[test]
    fn rejects_invalid_parts() {
        let mut bad_node = nodes();
        bad_node[0].location = GeoPoint::new(f64::NAN, 0.0);
        let err = Network::new(bad_node, RateCard::us_default(), Lanes::default()).unwrap_err();
        assert!(err.to_string().starts_with("node 'dc-east': field `location`"), "{err}");

        let mut vendor = nodes();
        vendor[3].capabilities.insert(Capability::Pickup);
        let err = Network::new(vendor, RateCard::us_default(), Lanes::default()).unwrap_err();
        assert!(matches!(err, NetworkError::VendorCapability { .. }));

        let mut card = RateCard::us_default();
        card.zones[0].parcel_cost = -1.0;
        let err = Network::new(nodes(), card, Lanes::default()).unwrap_err();
        assert!(matches!(err, NetworkError::InvalidRateCard { .. }));

        let err = Network::new(nodes(), RateCard::us_default(), Lanes::new(9)).unwrap_err();
        assert_eq!(err, NetworkError::LanesTooLarge { lane_nodes: 9, nodes: 4 });
    }

    #[test]
    fn lanes_carry_through() {
        let mut lanes = Lanes::new(2);
        lanes
            .add_lane(NodeId(0), NodeId(1), Lane { cost_per_unit: 0.4, lead_time: 86_400 })
            .unwrap();
        let net = Network::new(nodes(), RateCard::us_default(), lanes).unwrap();
        let path = net.lanes.cheapest_path(NodeId(0), NodeId(1)).unwrap();
        assert_eq!(path.hops, [NodeId(0), NodeId(1)]);
        assert_eq!(net.lanes.cheapest_path(NodeId(0), NodeId(3)), None);
    }
}
