//! File types of `[network]` (explicit nodes, generated stores and their shared per-node
//! settings, with the documented defaults per node kind), `[carrier]` and `[transfers]`.
//!
//! Data only, as the file spells it; checks live in `validate::network`.

use serde::Deserialize;

/// The `[network]` section.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkFile {
    /// A city table to use instead of the bundled one, relative to the scenario file.
    pub cities: Option<String>,
    /// Explicit nodes, `[[network.nodes]]`.
    #[serde(default)]
    pub nodes: Vec<NodeFile>,
    /// Stores generated from the city table, `[network.stores]`.
    pub stores: Option<StoresFile>,
}

/// What a node is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    /// A distribution center.
    Dc,
    /// A store.
    Store,
    /// A supplier: replenishes nodes, never fulfills customers.
    Vendor,
}

impl NodeKind {
    /// The name as written in a scenario file.
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Dc => "dc",
            NodeKind::Store => "store",
            NodeKind::Vendor => "vendor",
        }
    }
}

/// A method a node may run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Capability {
    /// Pick, pack and ship parcels as a DC.
    ShipFromDc,
    /// Pick, pack and ship parcels from a store.
    ShipFromStore,
    /// Hold orders for customer pickup (BOPIS).
    Pickup,
    /// Send and receive transfers over lanes.
    Transfer,
    /// Receive and disposition returns.
    AcceptReturns,
}

impl Capability {
    /// The name as written in a scenario file.
    pub fn as_str(self) -> &'static str {
        match self {
            Capability::ShipFromDc => "ship_from_dc",
            Capability::ShipFromStore => "ship_from_store",
            Capability::Pickup => "pickup",
            Capability::Transfer => "transfer",
            Capability::AcceptReturns => "accept_returns",
        }
    }

    /// Whether the capability serves customers (vendors may not have it).
    pub fn is_fulfillment(self) -> bool {
        matches!(self, Capability::ShipFromDc | Capability::ShipFromStore | Capability::Pickup)
    }
}

/// The distribution of the time to pick one line, `pick_time = { dist = ..., ... }`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(tag = "dist", rename_all = "snake_case", deny_unknown_fields)]
pub enum PickTime {
    /// Always the same time.
    Fixed {
        /// The time in minutes.
        minutes: f64,
    },
    /// Exponentially distributed.
    Exponential {
        /// The mean in minutes.
        mean_minutes: f64,
    },
    /// Log-normally distributed, given by the mean and standard deviation of the time itself.
    #[serde(rename = "lognormal")]
    LogNormal {
        /// The mean in minutes.
        mean_minutes: f64,
        /// The standard deviation in minutes.
        sd_minutes: f64,
    },
}

/// Opening hours, `hours = { open = "HH:MM", close = "HH:MM" }`; `close` may be `"24:00"`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hours {
    /// Opening time of day, `HH:MM`.
    pub open: String,
    /// Closing time of day, `HH:MM`, up to `24:00`.
    pub close: String,
}

/// Parses a time of day written `HH:MM` into seconds since midnight. `24:00` is allowed
/// (the end of the day); anything else past `23:59` or not of that shape is `None`.
pub fn parse_clock(text: &str) -> Option<u32> {
    let (hours, minutes) = text.split_once(':')?;
    let two_digits = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit());
    if !two_digits(hours) || !two_digits(minutes) {
        return None;
    }

    let hours: u32 = hours.parse().ok()?;
    let minutes: u32 = minutes.parse().ok()?;
    let valid = (hours < 24 && minutes < 60) || (hours == 24 && minutes == 0);
    valid.then_some(hours * 3_600 + minutes * 60)
}

/// Declares a node table: the struct's own keys followed by the per-node settings keys that
/// explicit nodes and generated stores share, plus `settings()` to read those keys alone.
/// serde's `flatten` would share them too, but it cannot be combined with
/// `deny_unknown_fields` without losing the location of errors.
macro_rules! node_table {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $($(#[$field_meta:meta])* pub $field:ident: $type:ty,)*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            $($(#[$field_meta])* pub $field: $type,)*
            /// Methods the node may run.
            pub capabilities: Option<Vec<Capability>>,
            /// Orders picked per day.
            pub capacity_per_day: Option<i64>,
            /// Pickers working in parallel.
            pub pickers: Option<i64>,
            /// Time to pick one line.
            pub pick_time: Option<PickTime>,
            /// Opening hours.
            pub hours: Option<Hours>,
            /// Hours from release to packed that the node commits to.
            pub pick_sla_hours: Option<f64>,
            /// Picking cost per unit.
            pub pick_cost_per_unit: Option<f64>,
            /// Packing cost per shipment.
            pub pack_cost_per_shipment: Option<f64>,
            /// Probability that a line pick fails.
            pub pick_failure_rate: Option<f64>,
            /// Rank used by rule stacks; lower is preferred.
            pub priority: Option<i64>,
        }

        impl $name {
            /// The per-node settings keys of this table, without the table's own keys.
            pub fn settings(&self) -> NodeSettings {
                NodeSettings {
                    capabilities: self.capabilities.clone(),
                    capacity_per_day: self.capacity_per_day,
                    pickers: self.pickers,
                    pick_time: self.pick_time.clone(),
                    hours: self.hours.clone(),
                    pick_sla_hours: self.pick_sla_hours,
                    pick_cost_per_unit: self.pick_cost_per_unit,
                    pack_cost_per_shipment: self.pack_cost_per_shipment,
                    pick_failure_rate: self.pick_failure_rate,
                    priority: self.priority,
                }
            }
        }
    };
}

node_table! {
    /// The per-node settings keys alone; a key left out (`None`) takes the default for the
    /// node's kind, see [`NodeSettings::with_defaults`].
    #[derive(Default)]
    pub struct NodeSettings {}
}

node_table! {
    /// An explicit node, `[[network.nodes]]`.
    pub struct NodeFile {
        /// Unique across all nodes.
        pub name: String,
        /// dc, store or vendor.
        pub kind: NodeKind,
        /// Latitude in degrees, [-90, 90].
        pub lat: f64,
        /// Longitude in degrees, [-180, 180].
        pub lon: f64,
    }
}

node_table! {
    /// Stores generated from the city table, `[network.stores]`; the settings keys apply to
    /// every generated store.
    pub struct StoresFile {
        /// How many stores, one per city.
        pub count: i64,
        /// Which cities get a store.
        #[serde(default)]
        pub placement: Placement,
        /// Seed of `sampled` placement; the scenario seed when left out.
        pub placement_seed: Option<u64>,
    }
}

impl NodeSettings {
    /// These settings with every key left out filled with the documented default for `kind`,
    /// so every field is `Some` afterwards.
    pub fn with_defaults(self, kind: NodeKind) -> NodeSettings {
        let defaults = NodeSettings::defaults(kind);
        NodeSettings {
            capabilities: self.capabilities.or(defaults.capabilities),
            capacity_per_day: self.capacity_per_day.or(defaults.capacity_per_day),
            pickers: self.pickers.or(defaults.pickers),
            pick_time: self.pick_time.or(defaults.pick_time),
            hours: self.hours.or(defaults.hours),
            pick_sla_hours: self.pick_sla_hours.or(defaults.pick_sla_hours),
            pick_cost_per_unit: self.pick_cost_per_unit.or(defaults.pick_cost_per_unit),
            pack_cost_per_shipment: self.pack_cost_per_shipment.or(defaults.pack_cost_per_shipment),
            pick_failure_rate: self.pick_failure_rate.or(defaults.pick_failure_rate),
            priority: self.priority.or(defaults.priority),
        }
    }

    /// The documented defaults of every settings key for a node of `kind` (see the format
    /// reference in the `scenario` module).
    pub fn defaults(kind: NodeKind) -> NodeSettings {
        use Capability::*;
        let hours =
            |open: &str, close: &str| Some(Hours { open: open.into(), close: close.into() });
        match kind {
            NodeKind::Dc => NodeSettings {
                capabilities: Some(vec![ShipFromDc, Transfer, AcceptReturns]),
                capacity_per_day: Some(4_000),
                pickers: Some(30),
                pick_time: Some(PickTime::Exponential { mean_minutes: 3.0 }),
                hours: hours("00:00", "24:00"),
                pick_sla_hours: Some(24.0),
                pick_cost_per_unit: Some(0.9),
                pack_cost_per_shipment: Some(1.6),
                pick_failure_rate: Some(0.002),
                priority: Some(1),
            },
            NodeKind::Store => NodeSettings {
                capabilities: Some(vec![ShipFromStore, Pickup, Transfer, AcceptReturns]),
                capacity_per_day: Some(150),
                pickers: Some(3),
                pick_time: Some(PickTime::LogNormal { mean_minutes: 6.0, sd_minutes: 3.0 }),
                hours: hours("09:00", "21:00"),
                pick_sla_hours: Some(24.0),
                pick_cost_per_unit: Some(1.8),
                pack_cost_per_shipment: Some(2.2),
                pick_failure_rate: Some(0.03),
                priority: Some(2),
            },
            NodeKind::Vendor => NodeSettings {
                capabilities: Some(Vec::new()),
                capacity_per_day: Some(0),
                pickers: Some(0),
                pick_time: Some(PickTime::Fixed { minutes: 0.0 }),
                hours: hours("00:00", "24:00"),
                pick_sla_hours: Some(24.0),
                pick_cost_per_unit: Some(0.0),
                pack_cost_per_shipment: Some(0.0),
                pick_failure_rate: Some(0.0),
                priority: Some(9),
            },
        }
    }
}

/// How generated stores are placed on the city table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Placement {
    /// The most populous cities.
    #[default]
    Largest,
    /// Cities drawn with probability proportional to population.
    Sampled,
}

/// The `[carrier]` section; every key left out takes the US default rate card.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CarrierFile {
    /// The daily cut-off, `HH:MM`; parcels packed later leave the next day.
    pub cutoff: Option<String>,
    /// Upper bounds of the distance bands in miles, ascending; zones = bands + 1.
    pub bands_miles: Option<Vec<f64>>,
    /// Cost per parcel, one per zone.
    pub parcel_cost: Option<Vec<f64>>,
    /// Cost per kilogram, one per zone.
    pub cost_per_kg: Option<Vec<f64>>,
    /// Transit days, one per zone.
    pub transit_days: Option<Vec<i64>>,
    /// Probability of a late delivery, one per zone.
    pub late_probability: Option<Vec<f64>>,
    /// Extra days when a delivery is late.
    pub late_days: Option<i64>,
}

/// The number of zones of the default US rate card (7 distance bands, zones 1 to 8).
pub const DEFAULT_ZONE_COUNT: usize = 8;

/// The `[transfers]` section.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransfersFile {
    /// A lane from every DC to every store.
    pub dc_to_store: Option<LaneTerms>,
    /// Lanes between stores closer than `max_miles`.
    pub store_to_store: Option<StoreToStoreTerms>,
    /// Explicit lanes, `[[transfers.lanes]]`.
    #[serde(default)]
    pub lanes: Vec<LaneFile>,
}

/// Cost and lead time of a family of lanes.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LaneTerms {
    /// Cost per unit moved.
    pub cost_per_unit: f64,
    /// Days from dispatch to arrival.
    pub lead_time_days: f64,
}

/// Store-to-store lanes, between every two stores closer than `max_miles`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreToStoreTerms {
    /// The longest lane in miles.
    pub max_miles: f64,
    /// Cost per unit moved.
    pub cost_per_unit: f64,
    /// Days from dispatch to arrival.
    pub lead_time_days: f64,
}

/// An explicit lane, `[[transfers.lanes]]`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LaneFile {
    /// The sending node's name.
    pub from: String,
    /// The receiving node's name.
    pub to: String,
    /// Cost per unit moved.
    pub cost_per_unit: f64,
    /// Days from dispatch to arrival.
    pub lead_time_days: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_parses_hours_and_minutes() {
        assert_eq!(parse_clock("00:00"), Some(0));
        assert_eq!(parse_clock("09:30"), Some(9 * 3_600 + 30 * 60));
        assert_eq!(parse_clock("24:00"), Some(86_400));
    }

    #[test]
    fn clock_rejects_malformed_times() {
        for text in ["24:01", "9:30", "09:60", "0930", "ab:cd", "", "-1:00", "09:30:00"] {
            assert_eq!(parse_clock(text), None, "{text}");
        }
    }

    #[test]
    fn defaults_fill_every_settings_key() {
        for kind in [NodeKind::Dc, NodeKind::Store, NodeKind::Vendor] {
            let filled = NodeSettings::default().with_defaults(kind);
            assert!(filled.capabilities.is_some() && filled.capacity_per_day.is_some());
            assert!(filled.pickers.is_some() && filled.pick_time.is_some());
            assert!(filled.hours.is_some() && filled.pick_sla_hours.is_some());
            assert!(filled.pick_cost_per_unit.is_some());
            assert!(filled.pack_cost_per_shipment.is_some());
            assert!(filled.pick_failure_rate.is_some() && filled.priority.is_some());
        }
    }

    #[test]
    fn given_settings_win_over_defaults() {
        let settings = NodeSettings { pickers: Some(7), ..NodeSettings::default() };
        let filled = settings.with_defaults(NodeKind::Dc);
        assert_eq!(filled.pickers, Some(7));
        assert_eq!(filled.capacity_per_day, Some(4_000));
    }
}
