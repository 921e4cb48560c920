//! The serde-facing scenario types: `ScenarioFile` and one struct per TOML section, exactly as
//! the file spells them.
//!
//! These types only describe what a scenario file may say. Every struct rejects unknown keys
//! (`deny_unknown_fields`), enumerations are typed so a misspelled name fails with the list of
//! valid ones, and numbers whose sign a user may get wrong are read as `i64` or `f64` so that
//! validation can say "must be >= 0, found -5" instead of a type error. Paths inside a
//! scenario are kept as written. This module does no validation (see `validate`), no I/O and
//! no resolution into the engine's types: serde derives stay at this edge.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// A whole scenario file (format version 1), parsed but not yet resolved.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// The format version; must be 1.
    pub version: i64,
    /// The scenario name, `[A-Za-z0-9_-]+`; results go to `results/<name>/`.
    pub name: String,
    /// Free text shown in reports.
    #[serde(default)]
    pub description: String,
    /// The scenario seed every replication's seed derives from.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Length of a replication in days, warm-up included.
    pub horizon_days: i64,
    /// Days at the start whose orders are left out of the KPIs.
    #[serde(default)]
    pub warmup_days: i64,
    /// Replications per policy.
    #[serde(default = "default_replications")]
    pub replications: i64,
    /// The weekday of day 0.
    #[serde(default)]
    pub start_weekday: Weekday,
    /// The policy others are compared with; `None` means the first `[[policies]]` entry.
    #[serde(default)]
    pub baseline: Option<String>,
    /// Nodes, generated stores and the city table.
    #[serde(default)]
    pub network: NetworkFile,
    /// The carrier rate card; keys left out take the US defaults.
    #[serde(default)]
    pub carrier: CarrierFile,
    /// Transfer lanes between nodes.
    #[serde(default)]
    pub transfers: TransfersFile,
    /// The catalog: generated SKUs, explicit items, or both.
    #[serde(default)]
    pub catalog: CatalogFile,
    /// Initial stock, visibility and record accuracy.
    #[serde(default)]
    pub inventory: InventoryFile,
    /// Demand by channel, or a trace to replay.
    #[serde(default)]
    pub demand: DemandFile,
    /// Customer behaviour at pickup.
    #[serde(default)]
    pub execution: ExecutionFile,
    /// Returns and their disposition.
    #[serde(default)]
    pub returns: ReturnsFile,
    /// Replenishment of DCs by vendors and of stores by DCs.
    #[serde(default)]
    pub supply: SupplyFile,
    /// The WISMO contact model.
    #[serde(default)]
    pub support: SupportFile,
    /// The routing policies to compare; at least one.
    #[serde(default)]
    pub policies: Vec<PolicyFile>,
}

impl ScenarioFile {
    /// Resolves `relative`, a path written inside the scenario, against the directory of the
    /// scenario file at `scenario_path`. Absolute paths are returned unchanged.
    pub fn resolve_path(&self, scenario_path: &Path, relative: impl AsRef<Path>) -> PathBuf {
        let relative = relative.as_ref();
        match scenario_path.parent() {
            Some(dir) if relative.is_relative() => dir.join(relative),
            _ => relative.to_path_buf(),
        }
    }

    /// The name of the baseline policy: `baseline` when given, else the first policy's.
    pub fn baseline_name(&self) -> Option<&str> {
        self.baseline.as_deref().or_else(|| self.policies.first().map(|p| p.name.as_str()))
    }
}

fn default_seed() -> u64 {
    1
}

fn default_replications() -> i64 {
    10
}

/// A day of the week.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Weekday {
    /// Monday, the default.
    #[default]
    Monday,
    /// Tuesday.
    Tuesday,
    /// Wednesday.
    Wednesday,
    /// Thursday.
    Thursday,
    /// Friday.
    Friday,
    /// Saturday.
    Saturday,
    /// Sunday.
    Sunday,
}

impl Weekday {
    /// Days since Monday: Monday is 0, Sunday is 6.
    pub fn days_from_monday(self) -> u32 {
        self as u32
    }
}

/// The `[network]` section.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkFile {
    /// A city table to use instead of the bundled one, relative to the scenario file.
    #[serde(default)]
    pub cities: Option<String>,
    /// Explicit nodes, `[[network.nodes]]`.
    #[serde(default)]
    pub nodes: Vec<NodeFile>,
    /// Stores generated from the city table, `[network.stores]`.
    #[serde(default)]
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
            #[serde(default)]
            pub capabilities: Option<Vec<Capability>>,
            /// Orders picked per day.
            #[serde(default)]
            pub capacity_per_day: Option<i64>,
            /// Pickers working in parallel.
            #[serde(default)]
            pub pickers: Option<i64>,
            /// Time to pick one line.
            #[serde(default)]
            pub pick_time: Option<PickTime>,
            /// Opening hours.
            #[serde(default)]
            pub hours: Option<Hours>,
            /// Hours from release to packed that the node commits to.
            #[serde(default)]
            pub pick_sla_hours: Option<f64>,
            /// Picking cost per unit.
            #[serde(default)]
            pub pick_cost_per_unit: Option<f64>,
            /// Packing cost per shipment.
            #[serde(default)]
            pub pack_cost_per_shipment: Option<f64>,
            /// Probability that a line pick fails.
            #[serde(default)]
            pub pick_failure_rate: Option<f64>,
            /// Rank used by rule stacks; lower is preferred.
            #[serde(default)]
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
        #[serde(default)]
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
        let hours = |open: &str, close: &str| Hours { open: open.into(), close: close.into() };
        let (capabilities, capacity, pickers, pick_time, hours, costs, failure, priority) =
            match kind {
                NodeKind::Dc => (
                    vec![ShipFromDc, Transfer, AcceptReturns],
                    4_000,
                    30,
                    PickTime::Exponential { mean_minutes: 3.0 },
                    hours("00:00", "24:00"),
                    (0.9, 1.6),
                    0.002,
                    1,
                ),
                NodeKind::Store => (
                    vec![ShipFromStore, Pickup, Transfer, AcceptReturns],
                    150,
                    3,
                    PickTime::LogNormal { mean_minutes: 6.0, sd_minutes: 3.0 },
                    hours("09:00", "21:00"),
                    (1.8, 2.2),
                    0.03,
                    2,
                ),
                NodeKind::Vendor => (
                    Vec::new(),
                    0,
                    0,
                    PickTime::Fixed { minutes: 0.0 },
                    hours("00:00", "24:00"),
                    (0.0, 0.0),
                    0.0,
                    9,
                ),
            };

        NodeSettings {
            capabilities: Some(capabilities),
            capacity_per_day: Some(capacity),
            pickers: Some(pickers),
            pick_time: Some(pick_time),
            hours: Some(hours),
            pick_sla_hours: Some(24.0),
            pick_cost_per_unit: Some(costs.0),
            pack_cost_per_shipment: Some(costs.1),
            pick_failure_rate: Some(failure),
            priority: Some(priority),
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
    #[serde(default)]
    pub dc_to_store: Option<LaneTerms>,
    /// Lanes between stores closer than `max_miles`.
    #[serde(default)]
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

/// The `[catalog]` section: generated SKUs (`skus`), explicit `[[catalog.items]]`, or both.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CatalogFile {
    /// Number of generated SKUs; required when there are no explicit items.
    pub skus: Option<i64>,
    /// Category names; generated SKUs are spread over them.
    pub categories: Vec<String>,
    /// Lowest generated price.
    pub price_min: f64,
    /// Highest generated price; prices are log-uniform between the two.
    pub price_max: f64,
    /// Unit cost as a share of price.
    pub unit_cost_share: f64,
    /// Lightest generated weight in kilograms.
    pub weight_kg_min: f64,
    /// Heaviest generated weight in kilograms.
    pub weight_kg_max: f64,
    /// Clearance price as a share of price.
    pub clearance_share: f64,
    /// Share of generated SKUs that have a season end.
    pub seasonal_share: f64,
    /// The day seasonal generated SKUs end; required when `seasonal_share > 0`.
    pub season_end_day: Option<i64>,
    /// Popularity skew of generated SKUs (Zipf exponent).
    pub zipf_exponent: f64,
    /// Explicit SKUs.
    pub items: Vec<ItemFile>,
}

impl Default for CatalogFile {
    fn default() -> Self {
        CatalogFile {
            skus: None,
            categories: vec!["general".to_owned()],
            price_min: 10.0,
            price_max: 100.0,
            unit_cost_share: 0.45,
            weight_kg_min: 0.2,
            weight_kg_max: 2.0,
            clearance_share: 0.4,
            seasonal_share: 0.0,
            season_end_day: None,
            zipf_exponent: 1.0,
            items: Vec::new(),
        }
    }
}

/// An explicit SKU, `[[catalog.items]]`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemFile {
    /// Unique SKU identifier.
    pub id: String,
    /// Full price.
    pub price: f64,
    /// Unit cost; `price x unit_cost_share` when left out.
    #[serde(default)]
    pub unit_cost: Option<f64>,
    /// Weight in kilograms; the middle of the generated range when left out.
    #[serde(default)]
    pub weight_kg: Option<f64>,
    /// A name from `catalog.categories`; the first category when left out.
    #[serde(default)]
    pub category: Option<String>,
    /// The day the SKU's season ends; never when left out.
    #[serde(default)]
    pub season_end_day: Option<i64>,
    /// Clearance price; `price x clearance_share` when left out.
    #[serde(default)]
    pub clearance_price: Option<f64>,
    /// Relative popularity weight; 1 when left out.
    #[serde(default)]
    pub popularity: Option<f64>,
}

/// The `[inventory]` section.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InventoryFile {
    /// Minutes between ATP snapshots seen by online channels; 0 is live ATP.
    pub visibility_sync_minutes: f64,
    /// Initial DC stock in weeks of forecast demand.
    pub dc_weeks_of_cover: f64,
    /// Initial store stock in weeks of forecast demand.
    pub store_weeks_of_cover: f64,
    /// Share of SKUs each store carries.
    pub store_assortment_share: f64,
    /// Units per SKU each store holds back from online channels.
    pub store_buffer_units: i64,
    /// Share of store positions whose record is off.
    pub record_inaccurate_share: f64,
    /// Largest record error in units.
    pub record_error_max_units: i64,
    /// Probability per unit per day of shrink.
    pub shrink_per_unit_per_day: f64,
    /// Days between cycle counts; 0 is never.
    pub cycle_count_every_days: f64,
    /// Explicit initial stock, overriding the generated stock.
    pub stock: Vec<StockFile>,
}

impl Default for InventoryFile {
    fn default() -> Self {
        InventoryFile {
            visibility_sync_minutes: 15.0,
            dc_weeks_of_cover: 6.0,
            store_weeks_of_cover: 2.0,
            store_assortment_share: 0.3,
            store_buffer_units: 1,
            record_inaccurate_share: 0.6,
            record_error_max_units: 3,
            shrink_per_unit_per_day: 0.0005,
            cycle_count_every_days: 30.0,
            stock: Vec::new(),
        }
    }
}

/// An initial stock override, `[[inventory.stock]]`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StockFile {
    /// The node's name.
    pub node: String,
    /// An explicit item's id.
    pub sku: String,
    /// Units on hand at the start.
    pub units: i64,
}

/// The `[demand]` section.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DemandFile {
    /// A CSV trace of orders to replay instead of generating demand.
    pub trace: Option<String>,
    /// What a customer does when a line shows no ATP.
    pub lost_sale: LostSale,
    /// How far customers live from their city's centre, in miles.
    pub customer_spread_miles: f64,
    /// How far a BOPIS customer travels to a store, in miles.
    pub pickup_radius_miles: f64,
    /// P(1 line), P(2 lines), ...; sums to 1.
    pub basket_lines: Vec<f64>,
    /// P(1 unit), P(2 units), ... per line; sums to 1.
    pub line_units: Vec<f64>,
    /// Relative demand per weekday, Monday first.
    pub day_of_week: Vec<f64>,
    /// Relative demand per hour of the day, from 00:00.
    pub hour_of_day: Vec<f64>,
    /// Arrival rates per channel.
    pub channels: ChannelsFile,
    /// Promotion events, `[[demand.promotions]]`.
    pub promotions: Vec<PromotionFile>,
}

impl Default for DemandFile {
    fn default() -> Self {
        DemandFile {
            trace: None,
            lost_sale: LostSale::DropLine,
            customer_spread_miles: 15.0,
            pickup_radius_miles: 25.0,
            basket_lines: vec![0.6, 0.25, 0.1, 0.05],
            line_units: vec![0.9, 0.08, 0.02],
            day_of_week: vec![1.0, 0.95, 0.95, 1.0, 1.1, 1.2, 0.8],
            hour_of_day: vec![
                0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.1, 1.2, 1.3, 1.2, 1.1, 1.1,
                1.2, 1.3, 1.5, 1.6, 1.5, 1.2, 0.8, 0.4,
            ],
            channels: ChannelsFile::default(),
            promotions: Vec::new(),
        }
    }
}

/// What a customer does when a line of the basket shows no ATP.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LostSale {
    /// Drops the line and orders the rest.
    #[default]
    DropLine,
    /// Abandons the whole order.
    AbandonOrder,
}

/// A sales channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// The web shop, shipped to home.
    Web,
    /// Buy online, pick up in store.
    Bopis,
    /// A shopper in a store.
    WalkIn,
    /// A third-party marketplace with its own delivery SLA.
    Marketplace,
}

impl Channel {
    /// Every channel, in file order.
    pub const ALL: [Channel; 4] =
        [Channel::Web, Channel::Bopis, Channel::WalkIn, Channel::Marketplace];

    /// The name as written in a scenario file.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::Bopis => "bopis",
            Channel::WalkIn => "walk_in",
            Channel::Marketplace => "marketplace",
        }
    }
}

/// `[demand.channels.<channel>]` tables; a channel left out has no demand.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ChannelsFile {
    /// The web shop.
    pub web: Option<ChannelFile>,
    /// Buy online, pick up in store.
    pub bopis: Option<ChannelFile>,
    /// Shoppers in stores.
    pub walk_in: Option<ChannelFile>,
    /// A marketplace.
    pub marketplace: Option<ChannelFile>,
}

impl ChannelsFile {
    /// The channel's table, if the file has one.
    pub fn get(&self, channel: Channel) -> Option<&ChannelFile> {
        match channel {
            Channel::Web => self.web.as_ref(),
            Channel::Bopis => self.bopis.as_ref(),
            Channel::WalkIn => self.walk_in.as_ref(),
            Channel::Marketplace => self.marketplace.as_ref(),
        }
    }

    /// The channels the file has a table for, in file order.
    pub fn iter(&self) -> impl Iterator<Item = (Channel, &ChannelFile)> {
        Channel::ALL.into_iter().filter_map(|channel| Some((channel, self.get(channel)?)))
    }
}

/// One channel's demand.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelFile {
    /// Base orders per day, before day-of-week, hour and promotion scaling.
    pub rate_per_day: f64,
    /// Delivery SLA in days that the channel imposes (marketplaces).
    #[serde(default)]
    pub promise_days: Option<i64>,
}

/// A promotion event, `[[demand.promotions]]`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PromotionFile {
    /// A label for reports.
    pub name: String,
    /// First day of the promotion.
    pub start_day: i64,
    /// Last day of the promotion (inclusive).
    pub end_day: i64,
    /// Demand multiplier while it runs.
    pub multiplier: f64,
    /// Channels it applies to; all when left out.
    #[serde(default)]
    pub channels: Option<Vec<Channel>>,
}

/// The `[execution]` section.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExecutionFile {
    /// Mean hours from ready-for-pickup to pickup (exponential).
    pub pickup_delay_hours_mean: f64,
    /// Probability a BOPIS customer never comes.
    pub no_show_rate: f64,
    /// Days an uncollected order is held before it is cancelled.
    pub no_show_hold_days: f64,
}

impl Default for ExecutionFile {
    fn default() -> Self {
        ExecutionFile { pickup_delay_hours_mean: 20.0, no_show_rate: 0.05, no_show_hold_days: 5.0 }
    }
}

/// A value per channel, `{ web = ..., bopis = ..., walk_in = ..., marketplace = ... }`; a
/// channel left out takes the default of the key it belongs to.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ChannelShares {
    /// The web shop.
    pub web: Option<f64>,
    /// Buy online, pick up in store.
    pub bopis: Option<f64>,
    /// Shoppers in stores.
    pub walk_in: Option<f64>,
    /// A marketplace.
    pub marketplace: Option<f64>,
}

impl ChannelShares {
    /// The channel's value, if the file gives one.
    pub fn get(&self, channel: Channel) -> Option<f64> {
        match channel {
            Channel::Web => self.web,
            Channel::Bopis => self.bopis,
            Channel::WalkIn => self.walk_in,
            Channel::Marketplace => self.marketplace,
        }
    }
}

/// The `[returns]` section.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReturnsFile {
    /// Share of units returned, per channel; see [`ReturnsFile::return_rate`].
    pub rate: ChannelShares,
    /// Multiplier of the return rate per category.
    pub category_multiplier: BTreeMap<String, f64>,
    /// Mean days from delivery to return initiated.
    pub lag_days_mean: f64,
    /// Share of returns brought to a store, per channel; see [`ReturnsFile::to_store_share`].
    pub to_store_share: ChannelShares,
    /// Hours from receipt to disposition.
    pub processing_hours: f64,
    /// Share of returned units restocked.
    pub restock_share: f64,
    /// Share refurbished.
    pub refurbish_share: f64,
    /// Share liquidated.
    pub liquidate_share: f64,
    /// Days a refurbished unit takes to become sellable.
    pub refurbish_days: f64,
    /// Days from receipt to refund.
    pub refund_days: f64,
    /// Cost of a return label.
    pub label_cost: f64,
    /// Cost of processing a returned unit.
    pub processing_cost: f64,
    /// Liquidation value as a share of unit cost.
    pub salvage_share: f64,
}

impl ReturnsFile {
    /// Share of units returned for `channel`, with the defaults for channels left out
    /// (web 0.2, bopis 0.12, walk_in 0.05, marketplace 0.15).
    pub fn return_rate(&self, channel: Channel) -> f64 {
        let default = match channel {
            Channel::Web => 0.2,
            Channel::Bopis => 0.12,
            Channel::WalkIn => 0.05,
            Channel::Marketplace => 0.15,
        };
        self.rate.get(channel).unwrap_or(default)
    }

    /// Share of returns brought to a store for `channel`, with the defaults for channels left
    /// out (web 0.2, bopis 0.85, walk_in 1, marketplace 0).
    pub fn to_store_share(&self, channel: Channel) -> f64 {
        let default = match channel {
            Channel::Web => 0.2,
            Channel::Bopis => 0.85,
            Channel::WalkIn => 1.0,
            Channel::Marketplace => 0.0,
        };
        self.to_store_share.get(channel).unwrap_or(default)
    }
}

impl Default for ReturnsFile {
    fn default() -> Self {
        ReturnsFile {
            rate: ChannelShares::default(),
            category_multiplier: BTreeMap::new(),
            lag_days_mean: 7.0,
            to_store_share: ChannelShares::default(),
            processing_hours: 48.0,
            restock_share: 0.7,
            refurbish_share: 0.2,
            liquidate_share: 0.1,
            refurbish_days: 5.0,
            refund_days: 2.0,
            label_cost: 6.0,
            processing_cost: 2.5,
            salvage_share: 0.2,
        }
    }
}

/// The `[supply]` section.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SupplyFile {
    /// Days from a vendor order to arrival at the DC.
    pub vendor_lead_time_days: f64,
    /// DC reorder point in weeks of forecast demand.
    pub dc_reorder_point_weeks: f64,
    /// DC order-up-to level in weeks of forecast demand.
    pub dc_order_up_to_weeks: f64,
    /// Days between store replenishments.
    pub store_replenish_every_days: i64,
    /// Store order-up-to level in weeks of forecast demand.
    pub store_order_up_to_weeks: f64,
    /// Whether stores rebalance stock between themselves.
    pub rebalancing: bool,
}

impl Default for SupplyFile {
    fn default() -> Self {
        SupplyFile {
            vendor_lead_time_days: 7.0,
            dc_reorder_point_weeks: 2.0,
            dc_order_up_to_weeks: 6.0,
            store_replenish_every_days: 7,
            store_order_up_to_weeks: 2.0,
            rebalancing: false,
        }
    }
}

/// The `[support]` section: probabilities that an event makes the customer contact support.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SupportFile {
    /// Per late order.
    pub contact_late: f64,
    /// Per cancelled order.
    pub contact_cancelled: f64,
    /// Per split order.
    pub contact_split: f64,
}

impl Default for SupportFile {
    fn default() -> Self {
        SupportFile { contact_late: 0.3, contact_cancelled: 0.5, contact_split: 0.1 }
    }
}

/// A routing policy, `[[policies]]`: a preset, a custom rule stack, or a preset with some
/// keys overridden.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyFile {
    /// Unique, `[A-Za-z0-9_-]+`.
    pub name: String,
    /// The preset rule stack to start from.
    #[serde(default)]
    pub preset: Option<Preset>,
    /// Filters, applied in order; replaces the preset's.
    #[serde(default)]
    pub filters: Option<Vec<Filter>>,
    /// Sort keys, applied in order; replaces the preset's.
    #[serde(default)]
    pub sort: Option<Vec<SortKey>>,
    /// Split control; replaces the preset's.
    #[serde(default)]
    pub split: Option<Split>,
    /// The most shipments per order with `split = "up_to"`.
    #[serde(default)]
    pub max_shipments: Option<i64>,
    /// What to do when no node passes the filters; replaces the preset's.
    #[serde(default)]
    pub fallback: Option<Fallback>,
}

/// A preset rule stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Preset {
    /// DCs first, stores only when no DC can serve.
    DcFirst,
    /// The nearest node that can serve.
    Nearest,
    /// The fewest shipments.
    MinSplit,
    /// The cheapest plan now (myopic).
    GreedyCost,
}

/// A rule-stack filter, `{ filter = "<name>", ... }`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(tag = "filter", rename_all = "snake_case", deny_unknown_fields)]
pub enum Filter {
    /// The node can run the method the order needs.
    Capability {},
    /// The node's visible ATP covers the line.
    HasFullAtp {},
    /// The node's utilization today is at most `max_utilization`.
    UnderCapacity {
        /// Largest picks-over-capacity share, (0, 1].
        max_utilization: f64,
    },
    /// The node is within `max_miles` of the customer.
    WithinDistance {
        /// Largest distance in miles.
        max_miles: f64,
    },
    /// The node is not one of `nodes`.
    Exclude {
        /// Names of excluded nodes.
        nodes: Vec<String>,
    },
    /// The node is of one of `kinds`.
    NodeKind {
        /// Allowed kinds.
        kinds: Vec<NodeKind>,
    },
    /// The node keeps at least `units` of ATP after taking the line.
    MinAtpAfter {
        /// Units that must remain.
        units: i64,
    },
}

/// A rule-stack sort key, `{ key = "<name>", order = "asc" | "desc" }`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SortKey {
    /// What to sort candidate nodes by.
    pub key: SortField,
    /// Ascending unless stated.
    #[serde(default)]
    pub order: SortOrder,
}

/// What a sort key compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortField {
    /// The node's priority rank.
    Priority,
    /// Distance to the customer.
    Distance,
    /// Cost of serving the line from the node.
    Cost,
    /// The node's ATP of the SKU.
    Atp,
    /// The node's days of cover of the SKU.
    DaysOfCover,
    /// The node's capacity utilization today.
    Utilization,
}

/// Sort direction.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    /// Smallest first.
    #[default]
    Asc,
    /// Largest first.
    Desc,
}

/// Split-shipment control.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Split {
    /// One node serves the whole order.
    Never,
    /// At most `max_shipments` shipments.
    UpTo,
    /// As many shipments as needed.
    Free,
}

/// What a rule stack does when no node passes its filters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fallback {
    /// Cancel the unserved lines.
    Cancel,
    /// Route with the `dc_first` preset.
    DcFirst,
    /// Route with the `nearest` preset.
    Nearest,
    /// Route with the `min_split` preset.
    MinSplit,
    /// Route with the `greedy_cost` preset.
    GreedyCost,
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
    fn resolve_path_is_relative_to_the_scenario_directory() {
        let file: ScenarioFile = toml::from_str(MINIMAL).expect("minimal scenario parses");
        let scenario = Path::new("scenarios/x.toml");
        assert_eq!(file.resolve_path(scenario, "orders.csv"), Path::new("scenarios/orders.csv"));
        assert_eq!(file.resolve_path(Path::new("x.toml"), "a/b.csv"), Path::new("a/b.csv"));
        assert_eq!(file.resolve_path(scenario, "/abs/b.csv"), Path::new("/abs/b.csv"));
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

    #[test]
    fn filters_and_sort_keys_parse_as_typed_enums() {
        let text = format!(
            "{MINIMAL}\n[[policies]]\nname = \"custom\"\n\
             filters = [{{ filter = \"capability\" }}, {{ filter = \"under_capacity\", \
             max_utilization = 1 }}, {{ filter = \"node_kind\", kinds = [\"dc\"] }}]\n\
             sort = [{{ key = \"days_of_cover\", order = \"desc\" }}, {{ key = \"cost\" }}]\n"
        );
        let file: ScenarioFile = toml::from_str(&text).expect("policy parses");
        let policy = &file.policies[1];
        let filters = policy.filters.as_ref().expect("filters given");
        assert_eq!(filters[0], Filter::Capability {});
        assert_eq!(filters[1], Filter::UnderCapacity { max_utilization: 1.0 });
        assert_eq!(filters[2], Filter::NodeKind { kinds: vec![NodeKind::Dc] });
        let sort = policy.sort.as_ref().expect("sort given");
        assert_eq!(sort[0], SortKey { key: SortField::DaysOfCover, order: SortOrder::Desc });
        assert_eq!(sort[1].order, SortOrder::Asc);
    }

    #[test]
    fn unknown_keys_are_rejected_everywhere() {
        for extra in ["[demand]\nfoo = 1", "[returns.rate]\nweb2 = 0.1", "[support]\nx = 1"] {
            let text = format!("{MINIMAL}\n{extra}\n");
            assert!(toml::from_str::<ScenarioFile>(&text).is_err(), "{extra}");
        }
    }

    #[test]
    fn baseline_defaults_to_the_first_policy() {
        let file: ScenarioFile = toml::from_str(MINIMAL).expect("minimal scenario parses");
        assert_eq!(file.baseline_name(), Some("p"));
    }

    #[test]
    fn channel_values_fall_back_to_documented_defaults() {
        let returns = ReturnsFile {
            rate: ChannelShares { web: Some(0.5), ..ChannelShares::default() },
            ..ReturnsFile::default()
        };
        assert!((returns.return_rate(Channel::Web) - 0.5).abs() < 1e-12);
        assert!((returns.return_rate(Channel::Bopis) - 0.12).abs() < 1e-12);
        assert!((returns.to_store_share(Channel::WalkIn) - 1.0).abs() < 1e-12);
    }

    const MINIMAL: &str = "version = 1\nname = \"m\"\nhorizon_days = 7\n\
                           [[policies]]\nname = \"p\"\npreset = \"nearest\"\n";
}
