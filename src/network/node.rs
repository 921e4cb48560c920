//! One node of the network: what it is, where it is, what it may do and how fast and well it
//! picks.
//!
//! Owns [`Node`] and its parts: [`NodeKind`], [`Capability`] and the [`Capabilities`] bit set,
//! [`PickTime`] (the distribution of one pick, as data) and [`OpeningHours`]. A node here is
//! static description only; its stock lives in the inventory ledger and its queue of work in
//! the simulator, neither of which this file may know about. No randomness: `PickTime` names
//! a distribution, the simulator samples it.

use std::fmt;

use crate::ids::SimTime;

use super::NetworkError;
use super::geo::GeoPoint;

/// What a node is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NodeKind {
    /// A distribution center: large stock, long hours, cheap picks.
    Dc,
    /// A store: sells to walk-in shoppers and may fulfill online orders.
    Store,
    /// A supplier: replenishes other nodes, never fulfills customers.
    Vendor,
}

impl NodeKind {
    /// Every kind, in declaration order.
    pub const ALL: [NodeKind; 3] = [NodeKind::Dc, NodeKind::Store, NodeKind::Vendor];

    /// The name used in scenario files and reports: "dc", "store" or "vendor".
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Dc => "dc",
            NodeKind::Store => "store",
            NodeKind::Vendor => "vendor",
        }
    }

    /// The kind named `name` (as produced by [`NodeKind::as_str`]), if any.
    pub fn parse(name: &str) -> Option<NodeKind> {
        NodeKind::ALL.into_iter().find(|kind| kind.as_str() == name)
    }
}

impl fmt::Display for NodeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Something a node is allowed to do for customers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Capability {
    /// Ship parcels to customers as a distribution center (method `ship_from_dc`).
    ShipFromDc,
    /// Ship parcels to customers from a store (method `ship_from_store`).
    ShipFromStore,
    /// Hand orders to customers who collect them (BOPIS, method `pickup`).
    Pickup,
    /// Send units to another node for an order (method `transfer_then_pickup`).
    Transfer,
    /// Receive customer returns.
    AcceptReturns,
}

impl Capability {
    /// Every capability, in declaration order (which is also the bit order).
    pub const ALL: [Capability; 5] = [
        Capability::ShipFromDc,
        Capability::ShipFromStore,
        Capability::Pickup,
        Capability::Transfer,
        Capability::AcceptReturns,
    ];

    /// The name used in scenario files and reports, e.g. "ship_from_dc".
    pub fn as_str(self) -> &'static str {
        match self {
            Capability::ShipFromDc => "ship_from_dc",
            Capability::ShipFromStore => "ship_from_store",
            Capability::Pickup => "pickup",
            Capability::Transfer => "transfer",
            Capability::AcceptReturns => "accept_returns",
        }
    }

    /// The capability named `name` (as produced by [`Capability::as_str`]), if any.
    pub fn parse(name: &str) -> Option<Capability> {
        Capability::ALL.into_iter().find(|capability| capability.as_str() == name)
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl fmt::Display for Capability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A set of [`Capability`] values, stored as one byte. Iterates in declaration order.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Capabilities(u8);

impl Capabilities {
    /// The empty set.
    pub const fn empty() -> Self {
        Capabilities(0)
    }

    /// The set of every capability.
    pub fn all() -> Self {
        Capability::ALL.into_iter().collect()
    }

    /// Whether `capability` is in the set.
    pub fn contains(self, capability: Capability) -> bool {
        self.0 & capability.bit() != 0
    }

    /// Adds `capability`; returns whether it was absent before.
    pub fn insert(&mut self, capability: Capability) -> bool {
        let absent = !self.contains(capability);
        self.0 |= capability.bit();
        absent
    }

    /// Removes `capability`; returns whether it was present before.
    pub fn remove(&mut self, capability: Capability) -> bool {
        let present = self.contains(capability);
        self.0 &= !capability.bit();
        present
    }

    /// This set with `capability` added, for building sets in expressions.
    pub fn with(mut self, capability: Capability) -> Self {
        self.insert(capability);
        self
    }

    /// The number of capabilities in the set.
    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The capabilities in the set, in declaration order.
    pub fn iter(self) -> CapabilityIter {
        self.into_iter()
    }
}

impl FromIterator<Capability> for Capabilities {
    fn from_iter<I: IntoIterator<Item = Capability>>(iter: I) -> Self {
        let mut set = Capabilities::empty();
        set.extend(iter);
        set
    }
}

impl Extend<Capability> for Capabilities {
    fn extend<I: IntoIterator<Item = Capability>>(&mut self, iter: I) {
        for capability in iter {
            self.insert(capability);
        }
    }
}

impl IntoIterator for Capabilities {
    type Item = Capability;
    type IntoIter = CapabilityIter;

    fn into_iter(self) -> CapabilityIter {
        CapabilityIter { set: self, next: 0 }
    }
}

/// The iterator over a [`Capabilities`] set, in declaration order.
#[derive(Clone, Debug)]
pub struct CapabilityIter {
    set: Capabilities,
    next: usize,
}

impl Iterator for CapabilityIter {
    type Item = Capability;

    fn next(&mut self) -> Option<Capability> {
        while let Some(&capability) = Capability::ALL.get(self.next) {
            self.next += 1;
            if self.set.contains(capability) {
                return Some(capability);
            }
        }
        None
    }
}

impl fmt::Debug for Capabilities {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl fmt::Display for Capabilities {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.iter().map(Capability::as_str).collect();
        f.write_str(&names.join(","))
    }
}

/// How long one picker takes to pick one order at a node, as a distribution the simulator
/// samples. Data only.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PickTime {
    /// Always the same time.
    Fixed {
        /// The pick time, in seconds.
        seconds: f64,
    },
    /// Exponentially distributed (memoryless; many short picks, a long tail).
    Exponential {
        /// The mean pick time, in seconds.
        mean_seconds: f64,
    },
    /// Log-normally distributed, given by the mean and standard deviation of the pick time
    /// itself (not of its logarithm).
    LogNormal {
        /// The mean pick time, in seconds.
        mean_seconds: f64,
        /// The standard deviation of the pick time, in seconds.
        sd_seconds: f64,
    },
}

impl PickTime {
    /// The mean pick time, in seconds.
    pub fn mean_seconds(self) -> f64 {
        match self {
            PickTime::Fixed { seconds } => seconds,
            PickTime::Exponential { mean_seconds } | PickTime::LogNormal { mean_seconds, .. } => {
                mean_seconds
            }
        }
    }

    /// Why these parameters cannot be sampled, if they cannot: times must be finite,
    /// means of random times positive, deviations non-negative.
    fn problem(self) -> Option<String> {
        match self {
            PickTime::Fixed { seconds } if !(seconds.is_finite() && seconds >= 0.0) => {
                Some(format!("fixed time {seconds} s must be finite and non-negative"))
            }
            PickTime::Exponential { mean_seconds }
                if !(mean_seconds.is_finite() && mean_seconds > 0.0) =>
            {
                Some(format!("exponential mean {mean_seconds} s must be finite and positive"))
            }
            PickTime::LogNormal { mean_seconds, sd_seconds }
                if !(mean_seconds.is_finite()
                    && mean_seconds > 0.0
                    && sd_seconds.is_finite()
                    && sd_seconds >= 0.0) =>
            {
                Some(format!(
                    "log-normal mean {mean_seconds} s must be finite and positive and its \
                     standard deviation {sd_seconds} s finite and non-negative"
                ))
            }
            _ => None,
        }
    }
}

/// The daily window in which a node picks: from `open` (inclusive) to `close` (exclusive),
/// both in seconds since midnight. The same every day; `close` may be 86,400 (midnight at the
/// end of the day), and `open: 0, close: 86_400` is open around the clock. Windows spanning
/// midnight are not supported: validation requires `open < close <= 86_400`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct OpeningHours {
    /// Opening time, seconds since midnight.
    pub open: u32,
    /// Closing time, seconds since midnight, at most 86,400.
    pub close: u32,
}

impl OpeningHours {
    /// Seconds in a day, the largest valid `close`.
    pub const DAY_SECONDS: u32 = 86_400;

    /// Open from `open` to `close`, in seconds since midnight.
    pub const fn new(open: u32, close: u32) -> Self {
        OpeningHours { open, close }
    }

    /// Open from hour `open` to hour `close` (0 to 24), a convenience for whole hours.
    pub const fn hours(open: u32, close: u32) -> Self {
        OpeningHours { open: open * 3_600, close: close * 3_600 }
    }

    /// Open around the clock.
    pub const fn always() -> Self {
        OpeningHours { open: 0, close: Self::DAY_SECONDS }
    }

    /// Whether the node is open around the clock.
    pub fn is_always(self) -> bool {
        self.open == 0 && self.close >= Self::DAY_SECONDS
    }

    /// Whether the node is open at `second_of_day` (as from [`SimTime::second_of_day`]).
    pub fn is_open(self, second_of_day: u64) -> bool {
        (u64::from(self.open)..u64::from(self.close)).contains(&second_of_day)
    }

    /// `t` itself if the node is open then, else the next instant it opens. Constant time.
    /// For hours that fail validation (never open) this returns the next nominal opening.
    pub fn next_open(self, t: SimTime) -> SimTime {
        let second = t.second_of_day();
        if self.is_open(second) {
            return t;
        }

        let open = u64::from(self.open);
        if second < open {
            t.plus(open - second)
        } else {
            SimTime::from_days(t.day()).plus(SimTime::DAY + open)
        }
    }

    /// Seconds open per day (zero for hours that fail validation).
    pub fn open_seconds(self) -> u32 {
        self.close.min(Self::DAY_SECONDS).saturating_sub(self.open)
    }

    fn problem(self) -> Option<String> {
        (self.open >= self.close || self.close > Self::DAY_SECONDS).then(|| {
            format!(
                "open {} and close {} must satisfy open < close <= 86400 (seconds of the day)",
                self.open, self.close
            )
        })
    }
}

/// One node of the network: a DC, a store or a vendor, with everything routing and the
/// simulator need to know about it that does not change during a run.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// Unique name, used in scenario files and reports.
    pub name: String,
    /// What the node is.
    pub kind: NodeKind,
    /// Where it is.
    pub location: GeoPoint,
    /// What it may do for customers.
    pub capabilities: Capabilities,
    /// Orders it can pick per day, within its opening hours.
    pub capacity_per_day: u32,
    /// Pickers working in parallel while it is open.
    pub pickers: u32,
    /// Time for one picker to pick one order.
    pub pick_time: PickTime,
    /// When it picks.
    pub hours: OpeningHours,
    /// Target seconds from release to packed.
    pub pick_sla: u64,
    /// Labour cost per unit picked, in currency units.
    pub pick_cost_per_unit: f64,
    /// Packing cost per shipment (parcel) leaving the node.
    pub pack_cost_per_shipment: f64,
    /// Probability that one line pick fails (the units cannot be found).
    pub pick_failure_rate: f64,
    /// Rank for rule stacks; lower is preferred.
    pub priority: u32,
    /// Index into the city table, when the node was placed at a city.
    pub city: Option<u32>,
}

impl Node {
    /// A node of `kind` at `location` with typical settings for its kind. These defaults are
    /// assumptions for examples and tests, not calibrated figures; scenarios set their own.
    ///
    /// - dc: ship_from_dc, transfer and accept_returns; 10,000 orders a day with 40 pickers;
    ///   log-normal pick time of mean 180 s (sd 90); open around the clock; pick SLA 8 h;
    ///   0.35 per unit picked and 1.25 per shipment packed; 0.2% pick failures; priority 0.
    /// - store: ship_from_store, pickup, transfer and accept_returns; 150 orders a day with
    ///   2 pickers; log-normal pick time of mean 420 s (sd 240); open 09:00 to 21:00; pick SLA
    ///   4 h; 1.10 per unit and 2.50 per shipment; 3% pick failures; priority 10.
    /// - vendor: no capabilities, no capacity, no pickers, zero pick time, SLA and costs;
    ///   open around the clock; priority 100.
    pub fn new(name: impl Into<String>, kind: NodeKind, location: GeoPoint) -> Node {
        let mut node = match kind {
            NodeKind::Dc => Node::default_dc(),
            NodeKind::Store => Node::default_store(),
            NodeKind::Vendor => Node::default_vendor(),
        };
        node.name = name.into();
        node.location = location;
        node
    }

    fn default_dc() -> Node {
        Node {
            name: String::new(),
            kind: NodeKind::Dc,
            location: GeoPoint::new(0.0, 0.0),
            capabilities: [Capability::ShipFromDc, Capability::Transfer, Capability::AcceptReturns]
                .into_iter()
                .collect(),
            capacity_per_day: 10_000,
            pickers: 40,
            pick_time: PickTime::LogNormal { mean_seconds: 180.0, sd_seconds: 90.0 },
            hours: OpeningHours::always(),
            pick_sla: 8 * SimTime::HOUR,
            pick_cost_per_unit: 0.35,
            pack_cost_per_shipment: 1.25,
            pick_failure_rate: 0.002,
            priority: 0,
            city: None,
        }
    }

    fn default_store() -> Node {
        Node {
            kind: NodeKind::Store,
            capabilities: Capabilities::empty()
                .with(Capability::ShipFromStore)
                .with(Capability::Pickup)
                .with(Capability::Transfer)
                .with(Capability::AcceptReturns),
            capacity_per_day: 150,
            pickers: 2,
            pick_time: PickTime::LogNormal { mean_seconds: 420.0, sd_seconds: 240.0 },
            hours: OpeningHours::hours(9, 21),
            pick_sla: 4 * SimTime::HOUR,
            pick_cost_per_unit: 1.10,
            pack_cost_per_shipment: 2.50,
            pick_failure_rate: 0.03,
            priority: 10,
            ..Node::default_dc()
        }
    }

    fn default_vendor() -> Node {
        Node {
            kind: NodeKind::Vendor,
            capabilities: Capabilities::empty(),
            capacity_per_day: 0,
            pickers: 0,
            pick_time: PickTime::Fixed { seconds: 0.0 },
            pick_sla: 0,
            pick_cost_per_unit: 0.0,
            pack_cost_per_shipment: 0.0,
            pick_failure_rate: 0.0,
            priority: 100,
            ..Node::default_dc()
        }
    }

    /// Whether the node has `capability`.
    pub fn can(&self, capability: Capability) -> bool {
        self.capabilities.contains(capability)
    }

    /// Checks every field on its own: a non-blank name, valid coordinates, samplable pick
    /// times, valid hours, finite non-negative costs, a failure rate in [0, 1], and no
    /// capabilities on a vendor (vendors only replenish; every [`Capability`] is a way of
    /// serving customers). Uniqueness of names is checked by the network.
    pub fn validate(&self) -> Result<(), NetworkError> {
        let invalid = |field: &'static str, reason: String| NetworkError::InvalidNode {
            node: self.name.clone(),
            field,
            reason,
        };

        if self.name.trim().is_empty() {
            return Err(invalid("name", "must not be blank".to_string()));
        }
        if !self.location.is_valid() {
            return Err(invalid("location", format!("{:?} is not a valid point", self.location)));
        }
        if let Some(reason) = self.pick_time.problem() {
            return Err(invalid("pick_time", reason));
        }
        if let Some(reason) = self.hours.problem() {
            return Err(invalid("hours", reason));
        }
        self.validate_rates(invalid)?;

        // A vendor may send transfers (to DCs) but never serves customers.
        let serves = |c: &Capability| {
            matches!(c, Capability::ShipFromDc | Capability::ShipFromStore | Capability::Pickup)
        };
        match self.capabilities.iter().find(serves) {
            Some(capability) if self.kind == NodeKind::Vendor => {
                Err(NetworkError::VendorCapability { node: self.name.clone(), capability })
            }
            _ => Ok(()),
        }
    }

    fn validate_rates(
        &self,
        invalid: impl Fn(&'static str, String) -> NetworkError,
    ) -> Result<(), NetworkError> {
        let costs = [
            ("pick_cost_per_unit", self.pick_cost_per_unit),
            ("pack_cost_per_shipment", self.pack_cost_per_shipment),
        ];
        for (field, cost) in costs {
            if !(cost.is_finite() && cost >= 0.0) {
                return Err(invalid(field, format!("{cost} must be finite and non-negative")));
            }
        }

        if !(0.0..=1.0).contains(&self.pick_failure_rate) {
            let rate = self.pick_failure_rate;
            return Err(invalid("pick_failure_rate", format!("{rate} must be in [0, 1]")));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn store() -> Node {
        Node::new("store-1", NodeKind::Store, GeoPoint::new(41.0, -87.0))
    }

    #[test]
    fn kinds_and_capabilities_round_trip_through_names() {
        for kind in NodeKind::ALL {
            assert_eq!(NodeKind::parse(kind.as_str()), Some(kind));
        }
        for capability in Capability::ALL {
            assert_eq!(Capability::parse(capability.as_str()), Some(capability));
        }
        assert_eq!(Capability::ShipFromDc.as_str(), "ship_from_dc");
        assert_eq!(Capability::AcceptReturns.as_str(), "accept_returns");
        assert_eq!(Capability::parse("teleport"), None);
        assert_eq!(NodeKind::parse("DC"), None);
    }

    #[test]
    fn capability_set_behaves_like_a_set() {
        let mut set = Capabilities::empty();
        assert!(set.is_empty());
        assert!(set.insert(Capability::Pickup));
        assert!(!set.insert(Capability::Pickup));
        assert!(set.insert(Capability::ShipFromDc));
        assert_eq!(set.len(), 2);
        assert!(set.contains(Capability::Pickup));
        assert!(!set.contains(Capability::Transfer));
        assert_eq!(set.iter().collect::<Vec<_>>(), [Capability::ShipFromDc, Capability::Pickup]);
        assert_eq!(set.to_string(), "ship_from_dc,pickup");
        assert_eq!(format!("{set:?}"), "{ShipFromDc, Pickup}");

        assert!(set.remove(Capability::Pickup));
        assert!(!set.remove(Capability::Pickup));
        assert_eq!(set.len(), 1);
        assert_eq!(Capabilities::all().len(), Capability::ALL.len());
    }

    proptest! {
        #[test]
        fn capability_set_matches_its_members(mask in 0u8..32) {
            let members: Vec<Capability> = Capability::ALL
                .into_iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0)
                .map(|(_, c)| c)
                .collect();
            let set: Capabilities = members.iter().copied().collect();
            prop_assert_eq!(set.len(), members.len());
            prop_assert_eq!(set.into_iter().collect::<Vec<_>>(), members);
        }
    }

    #[test]
    fn pick_time_means() {
        assert!((PickTime::Fixed { seconds: 30.0 }.mean_seconds() - 30.0).abs() < 1e-12);
        let exponential = PickTime::Exponential { mean_seconds: 60.0 };
        assert!((exponential.mean_seconds() - 60.0).abs() < 1e-12);
        let log_normal = PickTime::LogNormal { mean_seconds: 90.0, sd_seconds: 40.0 };
        assert!((log_normal.mean_seconds() - 90.0).abs() < 1e-12);
    }

    #[test]
    fn opening_hours_edges() {
        let hours = OpeningHours::hours(9, 21);
        assert!(!hours.is_open(9 * 3_600 - 1));
        assert!(hours.is_open(9 * 3_600));
        assert!(hours.is_open(21 * 3_600 - 1));
        assert!(!hours.is_open(21 * 3_600));
        assert_eq!(hours.open_seconds(), 12 * 3_600);

        let always = OpeningHours::always();
        assert!(always.is_always());
        assert!(always.is_open(0) && always.is_open(86_399));
        assert_eq!(always.open_seconds(), 86_400);
    }

    #[test]
    fn next_open_waits_for_the_opening() {
        let hours = OpeningHours::hours(9, 21);
        let day2 = SimTime::from_days(2);

        let early = day2.plus(3 * SimTime::HOUR);
        assert_eq!(hours.next_open(early), day2.plus(9 * SimTime::HOUR));

        let during = day2.plus(12 * SimTime::HOUR);
        assert_eq!(hours.next_open(during), during);

        let late = day2.plus(21 * SimTime::HOUR);
        assert_eq!(hours.next_open(late), SimTime::from_days(3).plus(9 * SimTime::HOUR));

        let midnight = SimTime::from_days(5);
        assert_eq!(OpeningHours::always().next_open(midnight), midnight);
    }

    proptest! {
        #[test]
        fn next_open_is_the_first_open_instant(
            open in 0u32..86_399,
            length in 1u32..86_400,
            t in 0u64..30 * 86_400,
        ) {
            let hours = OpeningHours::new(open, (open + length).min(86_400));
            let t = SimTime(t);
            let next = hours.next_open(t);

            prop_assert!(next >= t);
            prop_assert!(hours.is_open(next.second_of_day()));
            prop_assert!(next.since(t) < SimTime::DAY);
            if next > t {
                prop_assert!(!hours.is_open(SimTime(next.0 - 1).second_of_day()));
            }
        }
    }

    #[test]
    fn defaults_are_valid_for_every_kind() {
        for kind in NodeKind::ALL {
            let node = Node::new(format!("{kind}-1"), kind, GeoPoint::new(40.0, -75.0));
            assert_eq!(node.validate(), Ok(()), "{kind}");
            assert_eq!(node.kind, kind);
        }
        assert!(store().can(Capability::Pickup));
        assert!(!store().can(Capability::ShipFromDc));
    }

    #[test]
    fn validation_names_the_field() {
        type Spoil = fn(&mut Node);
        let cases: [(Spoil, &str); 8] = [
            (|n| n.name = "  ".to_string(), "name"),
            (|n| n.location.lat = 91.0, "location"),
            (|n| n.pick_time = PickTime::Exponential { mean_seconds: 0.0 }, "pick_time"),
            (
                |n| n.pick_time = PickTime::LogNormal { mean_seconds: 5.0, sd_seconds: -1.0 },
                "pick_time",
            ),
            (|n| n.hours = OpeningHours::hours(21, 9), "hours"),
            (|n| n.pick_cost_per_unit = -0.5, "pick_cost_per_unit"),
            (|n| n.pack_cost_per_shipment = f64::NAN, "pack_cost_per_shipment"),
            (|n| n.pick_failure_rate = 1.5, "pick_failure_rate"),
        ];
        for (spoil, expected) in cases {
            let mut node = store();
            spoil(&mut node);
            match node.validate() {
                Err(NetworkError::InvalidNode { field, .. }) => assert_eq!(field, expected),
                other => panic!("expected an invalid {expected}, got {other:?}"),
            }
        }
    }

    #[test]
    fn vendors_may_not_serve_customers() {
        let mut vendor = Node::new("acme", NodeKind::Vendor, GeoPoint::new(35.0, -80.0));
        vendor.capabilities.insert(Capability::ShipFromDc);
        let err = vendor.validate().unwrap_err();
        assert_eq!(
            err,
            NetworkError::VendorCapability {
                node: "acme".to_string(),
                capability: Capability::ShipFromDc
            }
        );
        assert!(err.to_string().contains("acme") && err.to_string().contains("ship_from_dc"));
    }
}
