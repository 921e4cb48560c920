//! The resolved [`Scenario`]: everything the simulator runs, in engine types (ids, seconds,
//! per-channel arrays), with every reference checked and every default applied.
//!
//! Built from a validated `ScenarioFile` by `resolve`, or directly in code and tests. Nothing
//! here parses text or touches the file system.

use std::path::PathBuf;
use std::sync::Arc;

use crate::catalog::Catalog;
use crate::ids::{NodeId, SimTime, SkuId, Units};
use crate::network::{CityTable, Network};
use crate::optimize::{BatchParams, Forecast, LpBatch, LpDual, LpDualParams};
use crate::orders::Channel;
use crate::routing::{Policy, RuleStack};

/// What a customer does when the storefront shows no ATP for a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LostSale {
    /// Buys the other lines.
    DropLine,
    /// Leaves without buying anything.
    AbandonOrder,
}

/// A promotion: demand multiplied over a range of days.
#[derive(Clone, Debug, PartialEq)]
pub struct Promotion {
    /// Name, for reports.
    pub name: String,
    /// First day (inclusive).
    pub start_day: u32,
    /// Last day (inclusive).
    pub end_day: u32,
    /// Demand multiplier.
    pub multiplier: f64,
    /// Which channels it lifts, indexed by [`Channel::index`].
    pub channels: [bool; 4],
}

/// Arrival rate and promise of one channel.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ChannelDemand {
    /// Mean orders (or walk-in shoppers) per day before profiles and promotions.
    pub rate_per_day: f64,
    /// A promise fixed by the channel, in days (marketplace SLA).
    pub promise_days: Option<u32>,
}

/// Where demand comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum DemandSource {
    /// Generated from the rates and profiles.
    Generated,
    /// Replayed from a CSV trace of historical orders.
    Trace(PathBuf),
}

/// The demand model.
#[derive(Clone, Debug, PartialEq)]
pub struct DemandConfig {
    /// Generated or replayed.
    pub source: DemandSource,
    /// Per channel, indexed by [`Channel::index`].
    pub channels: [ChannelDemand; 4],
    /// Day-of-week multipliers, Monday first, normalized to mean 1.
    pub day_of_week: [f64; 7],
    /// Hour-of-day multipliers, normalized to mean 1.
    pub hour_of_day: [f64; 24],
    /// Promotions.
    pub promotions: Vec<Promotion>,
    /// P(basket has k+1 lines).
    pub basket_lines: Vec<f64>,
    /// P(line has k+1 units).
    pub line_units: Vec<f64>,
    /// How far customers live from the center of their city, at most.
    pub customer_spread_miles: f64,
    /// How far a BOPIS customer travels to a pickup store, at most.
    pub pickup_radius_miles: f64,
    /// Drop the line or abandon the order when a line shows no ATP.
    pub lost_sale: LostSale,
}

impl Default for DemandConfig {
    fn default() -> Self {
        DemandConfig {
            source: DemandSource::Generated,
            channels: [ChannelDemand::default(); 4],
            day_of_week: [1.0; 7],
            hour_of_day: [1.0; 24],
            promotions: Vec::new(),
            basket_lines: vec![1.0],
            line_units: vec![1.0],
            customer_spread_miles: 10.0,
            pickup_radius_miles: 25.0,
            lost_sale: LostSale::DropLine,
        }
    }
}

impl DemandConfig {
    /// The rate of `channel` per day.
    pub fn rate(&self, channel: Channel) -> f64 {
        self.channels[channel.index()].rate_per_day
    }

    /// The promotion multiplier of `channel` on `day` (promotions multiply together).
    pub fn promotion_factor(&self, channel: Channel, day: u32) -> f64 {
        self.promotions
            .iter()
            .filter(|p| p.channels[channel.index()] && (p.start_day..=p.end_day).contains(&day))
            .map(|p| p.multiplier)
            .product()
    }

    /// Mean lines per basket.
    pub fn mean_lines(&self) -> f64 {
        mean_of_pmf(&self.basket_lines)
    }

    /// Mean units per line.
    pub fn mean_units(&self) -> f64 {
        mean_of_pmf(&self.line_units)
    }
}

/// Mean of a distribution over 1, 2, 3... given as probabilities.
fn mean_of_pmf(p: &[f64]) -> f64 {
    p.iter().enumerate().map(|(k, w)| (k + 1) as f64 * w).sum()
}

/// Initial stock, record accuracy, shrink and visibility.
#[derive(Clone, Debug, PartialEq)]
pub struct InventoryConfig {
    /// Seconds between ATP snapshot refreshes (0 = live).
    pub visibility_sync: u64,
    /// Initial DC stock, in weeks of the DC's expected demand.
    pub dc_weeks_of_cover: f64,
    /// Initial store stock, in weeks of the store's expected demand.
    pub store_weeks_of_cover: f64,
    /// Share of the catalog each store carries.
    pub store_assortment_share: f64,
    /// Units per store position held back from online channels.
    pub store_buffer_units: Units,
    /// Share of store positions whose record is off at the start.
    pub record_inaccurate_share: f64,
    /// Largest record error, in units.
    pub record_error_max_units: Units,
    /// Probability that a unit on a store shelf is lost on a given day.
    pub shrink_per_unit_per_day: f64,
    /// Days between two counts of the same store position (0 = never).
    pub cycle_count_every_days: f64,
    /// Explicit initial stock, added to the generated amount of its positions.
    pub explicit: Vec<(NodeId, SkuId, Units)>,
}

impl Default for InventoryConfig {
    fn default() -> Self {
        InventoryConfig {
            visibility_sync: 0,
            dc_weeks_of_cover: 6.0,
            store_weeks_of_cover: 2.0,
            store_assortment_share: 1.0,
            store_buffer_units: 0,
            record_inaccurate_share: 0.0,
            record_error_max_units: 0,
            shrink_per_unit_per_day: 0.0,
            cycle_count_every_days: 0.0,
            explicit: Vec::new(),
        }
    }
}

/// Store pickups.
#[derive(Clone, Debug, PartialEq)]
pub struct ExecutionConfig {
    /// Mean hours from ready-for-pickup to collection (exponential).
    pub pickup_delay_hours_mean: f64,
    /// Probability a BOPIS customer never collects.
    pub no_show_rate: f64,
    /// Seconds a pickup is held before a no-show returns the units to the shelf.
    pub no_show_hold: u64,
}

impl Default for ExecutionConfig {
    fn default() -> Self {
        ExecutionConfig {
            pickup_delay_hours_mean: 20.0,
            no_show_rate: 0.0,
            no_show_hold: 5 * 86_400,
        }
    }
}

/// Returns.
#[derive(Clone, Debug, PartialEq)]
pub struct ReturnsConfig {
    /// Probability a delivered line is returned, per channel.
    pub rate: [f64; 4],
    /// Multiplier of the return probability per category (catalog order).
    pub category_multiplier: Vec<f64>,
    /// Mean days from delivery to the return starting (exponential).
    pub lag_days_mean: f64,
    /// Share of returns brought to a store (the rest go to a DC by mail), per channel.
    pub to_store_share: [f64; 4],
    /// Seconds from receipt to disposition.
    pub processing: u64,
    /// Share restocked at once.
    pub restock_share: f64,
    /// Share refurbished, then restocked.
    pub refurbish_share: f64,
    /// Share liquidated (the rest of 1 after restock and refurbish).
    pub liquidate_share: f64,
    /// Seconds refurbishing takes.
    pub refurbish: u64,
    /// Seconds from receipt to refund.
    pub refund: u64,
    /// Cost of a mail return label, per return.
    pub label_cost: f64,
    /// Cost of processing, per unit.
    pub processing_cost: f64,
    /// Salvage value of a liquidated unit, as a share of its unit cost.
    pub salvage_share: f64,
}

impl Default for ReturnsConfig {
    fn default() -> Self {
        ReturnsConfig {
            rate: [0.0; 4],
            category_multiplier: Vec::new(),
            lag_days_mean: 7.0,
            to_store_share: [0.0; 4],
            processing: 48 * 3600,
            restock_share: 1.0,
            refurbish_share: 0.0,
            liquidate_share: 0.0,
            refurbish: 5 * 86_400,
            refund: 2 * 86_400,
            label_cost: 0.0,
            processing_cost: 0.0,
            salvage_share: 0.0,
        }
    }
}

/// Replenishment.
#[derive(Clone, Debug, PartialEq)]
pub struct SupplyConfig {
    /// Whether vendors replenish DCs at all.
    pub enabled: bool,
    /// Seconds from a vendor order to its arrival at the DC.
    pub vendor_lead_time: u64,
    /// Reorder when the DC's inventory position falls to this many weeks of demand.
    pub dc_reorder_point_weeks: f64,
    /// Order up to this many weeks of demand.
    pub dc_order_up_to_weeks: f64,
    /// Days between two store replenishments (0 = never).
    pub store_replenish_every_days: u32,
    /// Store order-up-to level, in weeks of the store's demand.
    pub store_order_up_to_weeks: f64,
    /// Whether stores rebalance excess stock to stores that lack it over transfer lanes.
    pub rebalancing: bool,
}

impl Default for SupplyConfig {
    fn default() -> Self {
        SupplyConfig {
            enabled: true,
            vendor_lead_time: 7 * 86_400,
            dc_reorder_point_weeks: 2.0,
            dc_order_up_to_weeks: 6.0,
            store_replenish_every_days: 7,
            store_order_up_to_weeks: 2.0,
            rebalancing: false,
        }
    }
}

/// The support-contact (WISMO) model: the probability that each event makes a customer
/// contact support. A model, labelled as one in every report.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SupportConfig {
    /// Per late order.
    pub contact_late: f64,
    /// Per order with a retailer cancellation.
    pub contact_cancelled: f64,
    /// Per split order.
    pub contact_split: f64,
}

impl Default for SupportConfig {
    fn default() -> Self {
        SupportConfig { contact_late: 0.3, contact_cancelled: 0.5, contact_split: 0.1 }
    }
}

/// A policy as the scenario defines it; [`PolicyConfig::build_with`] makes a fresh instance
/// for each replication.
#[derive(Clone, Debug, PartialEq)]
pub enum PolicyConfig {
    /// A rule stack (presets included).
    RuleStack(RuleStack),
    /// `lp_batch`: orders collected over a window and assigned together by an LP.
    LpBatch {
        /// The policy's name.
        name: String,
        /// Seconds orders are collected.
        window: u64,
        /// Candidates per order and penalties.
        params: BatchParams,
    },
    /// `lp_dual`: each order routed at its cost plus the dual prices of its units.
    LpDual {
        /// The policy's name.
        name: String,
        /// Re-solve interval, forecast window and penalty.
        params: LpDualParams,
    },
}

impl PolicyConfig {
    /// The policy's name.
    pub fn name(&self) -> &str {
        match self {
            PolicyConfig::RuleStack(s) => &s.name,
            PolicyConfig::LpBatch { name, .. } | PolicyConfig::LpDual { name, .. } => name,
        }
    }

    /// A fresh policy instance; an `lp_dual` policy built this way has no forecast and
    /// prices every unit at zero (use [`PolicyConfig::build_with`]).
    pub fn build(&self) -> Box<dyn Policy> {
        self.build_with(&Arc::new(Forecast::empty()))
    }

    /// A fresh policy instance; `lp_dual` prices inventory against `forecast`.
    pub fn build_with(&self, forecast: &Arc<Forecast>) -> Box<dyn Policy> {
        match self {
            PolicyConfig::RuleStack(s) => Box::new(s.clone()),
            PolicyConfig::LpBatch { name, window, params } => {
                Box::new(LpBatch::new(name.clone(), *window, *params))
            }
            PolicyConfig::LpDual { name, params } => {
                Box::new(LpDual::new(name.clone(), *params, Arc::clone(forecast)))
            }
        }
    }
}

/// The hindsight bound: whether to compute it, and the penalty per unit not served that it
/// and every policy's objective charge.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BoundConfig {
    /// Compute the bound after every replication.
    pub enabled: bool,
    /// Penalty per unit not served.
    pub cancel_penalty: f64,
}

impl Default for BoundConfig {
    fn default() -> Self {
        BoundConfig { enabled: false, cancel_penalty: 50.0 }
    }
}

/// A fault in the model over a window of simulated time: `[[disruptions]]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Disruption {
    /// When it starts.
    pub start: SimTime,
    /// When it ends (after `start`; equal to it for an instant [`Fault::Shrink`]).
    pub end: SimTime,
    /// What goes wrong.
    pub fault: Fault,
}

/// What goes wrong in a [`Disruption`].
#[derive(Clone, Debug, PartialEq)]
pub enum Fault {
    /// The nodes are offline: nothing is routed to them, work queued there is rerouted,
    /// their pickers stop, and parcels, pickups and arrivals there wait until they reopen.
    NodeOutage {
        /// The nodes.
        nodes: Vec<NodeId>,
        /// Why, as the scenario says (for logs).
        reason: String,
    },
    /// Parcels leaving in the window take longer; promises quoted in it do not know.
    CarrierDelay {
        /// How much longer.
        slowdown: Slowdown,
        /// Zones hit, 0-based indices into the rate card's zones; `None` for all.
        zones: Option<Vec<usize>>,
    },
    /// The ATP feed online channels see stops refreshing, and resyncs at the end.
    AtpSyncOutage,
    /// A share of the units on the shelves of the nodes vanishes at `start`, unknown to
    /// the record.
    Shrink {
        /// The nodes.
        nodes: Vec<NodeId>,
        /// The share of physical units lost, in [0, 1].
        share: f64,
    },
}

/// How much longer a parcel takes in a carrier delay wave.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Slowdown {
    /// Seconds added to the transit.
    Extra(u64),
    /// The transit days multiplied by this (>= 1).
    Factor(f64),
}

impl Slowdown {
    /// The seconds added to a transit of `transit_days` days.
    pub fn extra_seconds(self, transit_days: u32) -> u64 {
        match self {
            Slowdown::Extra(seconds) => seconds,
            Slowdown::Factor(f) => {
                let days = f64::from(transit_days) * (f - 1.0).max(0.0);
                (days * SimTime::DAY as f64).round() as u64
            }
        }
    }
}

/// A scenario ready to run.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// Name, used for the results folder.
    pub name: String,
    /// What the scenario shows.
    pub description: String,
    /// The scenario seed every replication's seed derives from.
    pub seed: u64,
    /// Days of demand simulated.
    pub horizon_days: u32,
    /// Days at the start excluded from every KPI.
    pub warmup_days: u32,
    /// Replications per policy.
    pub replications: u32,
    /// Weekday of day 0 (0 = Monday).
    pub start_weekday: u32,
    /// Nodes, rate card and lanes.
    pub network: Network,
    /// SKUs.
    pub catalog: Catalog,
    /// Cities customers live around.
    pub cities: CityTable,
    /// Demand.
    pub demand: DemandConfig,
    /// Stock and its accuracy.
    pub inventory: InventoryConfig,
    /// Pickups.
    pub execution: ExecutionConfig,
    /// Returns.
    pub returns: ReturnsConfig,
    /// Replenishment.
    pub supply: SupplyConfig,
    /// Support-contact model.
    pub support: SupportConfig,
    /// Policies compared.
    pub policies: Vec<PolicyConfig>,
    /// Index of the baseline policy in `policies`.
    pub baseline: usize,
    /// The hindsight bound.
    pub bound: BoundConfig,
    /// Faults in the model, in file order.
    pub disruptions: Vec<Disruption>,
}

impl Scenario {
    /// The weekday (0 = Monday) of `day`.
    pub fn weekday(&self, day: u32) -> usize {
        ((self.start_weekday + day) % 7) as usize
    }
}
