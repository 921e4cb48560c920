//! Stage two: turns a validated [`ScenarioFile`] into the engine's [`Scenario`]: node and
//! SKU names become ids, generated stores and catalogs are drawn (from the scenario seed),
//! durations become seconds, profiles are normalized, presets become rule stacks,
//! disruptions become timed faults (`resolve/disruptions.rs`).
//!
//! Validation has already checked every rule that can be checked on the file alone; what can
//! still fail here needs the outside world or the whole picture (a city table that does not
//! load, more stores than cities, a name that only a generated store could have), and is
//! reported as an issue with the field path, like validation's.

mod disruptions;

use std::path::Path;

use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use super::file::{self, NodeSettings, ScenarioFile};
use super::resolved::*;
use crate::catalog::{Catalog, Sku};
use crate::ids::{NodeId, SimTime, SkuId};
use crate::network::{
    Capabilities, Capability, CityTable, GeoPoint, Lane, Lanes, Network, Node, NodeKind,
    OpeningHours, PickTime, Placement, RateCard, great_circle_miles,
};
use crate::optimize::{BatchParams, LpDualParams};
use crate::orders::Channel;
use crate::routing::{Fallback, Filter, RuleStack, SortBy, SortKey, Split, presets};

/// A problem found while resolving: the field path, the message and an optional hint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolveIssue {
    /// The field path, e.g. `network.stores.count`.
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// A suggestion, e.g. "did you mean `S-Boston-MA`?".
    pub hint: Option<String>,
}

fn issue(path: impl Into<String>, message: impl Into<String>) -> ResolveIssue {
    ResolveIssue { path: path.into(), message: message.into(), hint: None }
}

/// Resolves `file`, read from `path` (which relative paths inside it are relative to); the
/// first issue when it cannot be resolved (see [`resolve_all`] for every issue).
pub fn resolve(file: &ScenarioFile, path: &Path) -> Result<Scenario, ResolveIssue> {
    resolve_all(file, path).map_err(|mut issues| issues.swap_remove(0))
}

/// Resolves `file` like [`resolve`], reporting every issue found (never an empty list): a
/// city table that does not load or a network that cannot be built stops resolution at once;
/// names that match no node, in lanes, stock and filters, are all listed.
pub fn resolve_all(file: &ScenarioFile, path: &Path) -> Result<Scenario, Vec<ResolveIssue>> {
    let cities = match &file.network.cities {
        Some(p) => CityTable::from_path(file.resolve_path(path, p))
            .map_err(|e| vec![issue("network.cities", e.to_string())])?,
        None => CityTable::bundled(),
    };
    let mut network = resolve_network(file, &cities).map_err(|e| vec![e])?;
    let mut issues = Vec::new();
    let catalog = resolve_catalog(file);
    let (lanes, policies, inventory, disruptions) = {
        let names = NameIndex::new(file, &network);
        let lanes = resolve_lanes(file, &network, &names, &mut issues);
        let policies = resolve_policies(file, &names, &mut issues);
        let inventory = resolve_inventory(file, &names, &catalog, &mut issues);
        let disruptions = disruptions::resolve_disruptions(file, &names, &mut issues);
        (lanes, policies, inventory, disruptions)
    };
    network.lanes = lanes;
    pickups_reachable(file, &network, &cities, &mut issues);
    if !issues.is_empty() {
        return Err(issues);
    }

    let baseline_name = file.baseline_name().unwrap_or_default();
    let baseline = policies.iter().position(|p| p.name() == baseline_name).unwrap_or(0);
    Ok(Scenario {
        name: file.name.clone(),
        description: file.description.clone(),
        seed: file.seed,
        horizon_days: file.horizon_days as u32,
        warmup_days: file.warmup_days as u32,
        replications: file.replications as u32,
        start_weekday: file.start_weekday.days_from_monday(),
        inventory,
        demand: resolve_demand(file, path),
        execution: ExecutionConfig {
            pickup_delay_hours_mean: file.execution.pickup_delay_hours_mean,
            no_show_rate: file.execution.no_show_rate,
            no_show_hold: days(file.execution.no_show_hold_days),
        },
        returns: resolve_returns(file, &catalog),
        supply: SupplyConfig {
            enabled: true,
            vendor_lead_time: days(file.supply.vendor_lead_time_days),
            dc_reorder_point_weeks: file.supply.dc_reorder_point_weeks,
            dc_order_up_to_weeks: file.supply.dc_order_up_to_weeks,
            store_replenish_every_days: file.supply.store_replenish_every_days as u32,
            store_order_up_to_weeks: file.supply.store_order_up_to_weeks,
            rebalancing: file.supply.rebalancing,
        },
        support: SupportConfig {
            contact_late: file.support.contact_late,
            contact_cancelled: file.support.contact_cancelled,
            contact_split: file.support.contact_split,
        },
        network,
        catalog,
        cities,
        policies,
        baseline,
        bound: BoundConfig {
            enabled: file.bound.enabled,
            cancel_penalty: file.bound.cancel_penalty,
        },
        disruptions,
    })
}

/// Whole seconds in `d` days (validated non-negative and finite).
fn days(d: f64) -> u64 {
    (d.max(0.0) * SimTime::DAY as f64).round() as u64
}

fn hours(h: f64) -> u64 {
    (h.max(0.0) * SimTime::HOUR as f64).round() as u64
}

fn channel(c: file::Channel) -> Channel {
    match c {
        file::Channel::Web => Channel::Web,
        file::Channel::Bopis => Channel::Bopis,
        file::Channel::WalkIn => Channel::WalkIn,
        file::Channel::Marketplace => Channel::Marketplace,
    }
}

fn node_kind(k: file::NodeKind) -> NodeKind {
    match k {
        file::NodeKind::Dc => NodeKind::Dc,
        file::NodeKind::Store => NodeKind::Store,
        file::NodeKind::Vendor => NodeKind::Vendor,
    }
}

fn capability(c: file::Capability) -> Capability {
    match c {
        file::Capability::ShipFromDc => Capability::ShipFromDc,
        file::Capability::ShipFromStore => Capability::ShipFromStore,
        file::Capability::Pickup => Capability::Pickup,
        file::Capability::Transfer => Capability::Transfer,
        file::Capability::AcceptReturns => Capability::AcceptReturns,
    }
}

/// A node of `kind` named `name` at `location` with `settings` (defaults filled in).
fn make_node(
    name: String,
    kind: file::NodeKind,
    location: GeoPoint,
    settings: NodeSettings,
) -> Node {
    let s = settings.with_defaults(kind);
    let mut node = Node::new(name, node_kind(kind), location);
    if let Some(caps) = s.capabilities {
        node.capabilities = caps.into_iter().map(capability).collect::<Capabilities>();
    }
    node.capacity_per_day = s.capacity_per_day.unwrap_or(0).max(0) as u32;
    node.pickers = s.pickers.unwrap_or(0).max(0) as u32;
    if let Some(t) = s.pick_time {
        node.pick_time = match t {
            file::PickTime::Fixed { minutes } => PickTime::Fixed { seconds: minutes * 60.0 },
            file::PickTime::Exponential { mean_minutes } => {
                PickTime::Exponential { mean_seconds: mean_minutes * 60.0 }
            }
            file::PickTime::LogNormal { mean_minutes, sd_minutes } => PickTime::LogNormal {
                mean_seconds: mean_minutes * 60.0,
                sd_seconds: sd_minutes * 60.0,
            },
        };
    }
    if let Some(h) = s.hours {
        let open = file::parse_clock(&h.open).unwrap_or(0);
        let close = file::parse_clock(&h.close).unwrap_or(OpeningHours::DAY_SECONDS);
        node.hours = OpeningHours::new(open, close);
    }
    node.pick_sla = hours(s.pick_sla_hours.unwrap_or(0.0));
    node.pick_cost_per_unit = s.pick_cost_per_unit.unwrap_or(0.0);
    node.pack_cost_per_shipment = s.pack_cost_per_shipment.unwrap_or(0.0);
    node.pick_failure_rate = s.pick_failure_rate.unwrap_or(0.0);
    node.priority = s.priority.unwrap_or(0).max(0) as u32;
    node
}

fn resolve_network(file: &ScenarioFile, cities: &CityTable) -> Result<Network, ResolveIssue> {
    let mut nodes: Vec<Node> = file
        .network
        .nodes
        .iter()
        .map(|n| make_node(n.name.clone(), n.kind, GeoPoint::new(n.lat, n.lon), n.settings()))
        .collect();

    if let Some(stores) = &file.network.stores {
        let placement = match stores.placement {
            file::Placement::Largest => Placement::Largest,
            file::Placement::Sampled => {
                Placement::Sampled { seed: stores.placement_seed.unwrap_or(file.seed) }
            }
        };
        let picked = cities
            .place(stores.count.max(0) as usize, placement)
            .map_err(|e| issue("network.stores.count", e.to_string()))?;
        for index in picked {
            let city = &cities.cities[index];
            let name = format!("S-{}-{}", city.name.replace(' ', ""), city.state);
            let mut node = make_node(name, file::NodeKind::Store, city.location, stores.settings());
            node.city = Some(index as u32);
            nodes.push(node);
        }
    }

    unique_names(file, &nodes, cities)?;
    let count = nodes.len();
    Network::new(nodes, resolve_carrier(file), Lanes::new(count))
        .map_err(|e| issue("network", e.to_string()))
}

/// A generated store may not take the name of an explicit node or of another generated
/// store (two cities whose names differ only in spaces, in one state).
fn unique_names(
    file: &ScenarioFile,
    nodes: &[Node],
    cities: &CityTable,
) -> Result<(), ResolveIssue> {
    let explicit = file.network.nodes.len();
    let mut first: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (index, node) in nodes.iter().enumerate() {
        let Some(&earlier) = first.get(node.name.as_str()) else {
            first.insert(&node.name, index);
            continue;
        };
        let city = |i: usize| {
            let c = &cities.cities[nodes[i].city.unwrap_or_default() as usize];
            format!("{}, {}", c.name, c.state)
        };
        return Err(if earlier < explicit {
            issue(
                format!("network.nodes[{earlier}].name"),
                format!(
                    "\"{}\" is also the name of the store network.stores generates at {}; \
                     rename the node",
                    node.name,
                    city(index)
                ),
            )
        } else {
            issue(
                "network.stores",
                format!(
                    "the city table has two cities that give a store the name \"{}\" ({} and \
                     {}); make their names differ in more than spaces",
                    node.name,
                    city(earlier),
                    city(index)
                ),
            )
        });
    }
    Ok(())
}

/// Finds nodes by name for lanes, stock and filters, and explains a name that matches none.
struct NameIndex<'a> {
    network: &'a Network,
    /// The generated stores' names, in placement order.
    generated: Vec<&'a str>,
    /// What placed them, e.g. "network.stores places 5 stores at the largest cities".
    placement: String,
}

/// Up to this many node names are compared with an unknown name for a "did you mean" hint.
const MAX_HINT_NAMES: usize = 5_000;

/// Generated store names listed in a message about an unknown name.
const LISTED_STORES: usize = 8;

impl<'a> NameIndex<'a> {
    fn new(file: &ScenarioFile, network: &'a Network) -> Self {
        let explicit = file.network.nodes.len();
        let generated: Vec<&str> =
            network.nodes.iter().skip(explicit).map(|node| node.name.as_str()).collect();
        let placement = match &file.network.stores {
            Some(stores) => {
                let how = match stores.placement {
                    file::Placement::Largest => "the most populous cities",
                    file::Placement::Sampled => "cities drawn by population",
                };
                format!("network.stores places {} stores at {how}", generated.len())
            }
            None => String::new(),
        };
        NameIndex { network, generated, placement }
    }

    /// The node named `name`, written at `path`; otherwise an issue saying which names exist.
    fn find(&self, path: &str, name: &str) -> Result<NodeId, ResolveIssue> {
        if let Some(id) = self.network.find(name) {
            return Ok(id);
        }
        let mut message = format!("no node is named \"{name}\"");
        if !self.generated.is_empty() && name.starts_with("S-") {
            let listed: Vec<&str> = self.generated.iter().take(LISTED_STORES).copied().collect();
            let more = if self.generated.len() > LISTED_STORES { ", ..." } else { "" };
            message = format!(
                "{message}: no generated store has that name ({}: {}{more})",
                self.placement,
                listed.join(", ")
            );
        }
        let names: Vec<&str> =
            self.network.nodes.iter().take(MAX_HINT_NAMES).map(|n| n.name.as_str()).collect();
        let hint = super::error::suggestion(name, &names);
        Err(ResolveIssue { path: path.to_string(), message, hint })
    }

    /// [`NameIndex::find`], recording the issue in `issues` instead of returning it.
    fn find_or_record(
        &self,
        path: &str,
        name: &str,
        issues: &mut Vec<ResolveIssue>,
    ) -> Option<NodeId> {
        self.find(path, name).map_err(|e| issues.push(e)).ok()
    }
}

fn resolve_carrier(file: &ScenarioFile) -> RateCard {
    let c = &file.carrier;
    let mut card = RateCard::us_default();
    if let Some(bands) = &c.bands_miles {
        card.bands_miles = bands.clone();
        let zones = bands.len() + 1;
        let last = card.zones.last().copied().unwrap_or(card.zones[0]);
        card.zones.resize(zones, last);
    }
    for (i, zone) in card.zones.iter_mut().enumerate() {
        if let Some(v) = c.parcel_cost.as_ref().and_then(|v| v.get(i)) {
            zone.parcel_cost = *v;
        }
        if let Some(v) = c.cost_per_kg.as_ref().and_then(|v| v.get(i)) {
            zone.cost_per_kg = *v;
        }
        if let Some(v) = c.transit_days.as_ref().and_then(|v| v.get(i)) {
            zone.transit_days = (*v).max(0) as u32;
        }
        if let Some(v) = c.late_probability.as_ref().and_then(|v| v.get(i)) {
            zone.late_probability = *v;
        }
        if let Some(v) = c.late_days {
            zone.late_days = v.max(0) as u32;
        }
    }
    if let Some(cutoff) = c.cutoff.as_deref().and_then(file::parse_clock) {
        card.cutoff = cutoff;
    }
    card
}

fn resolve_lanes(
    file: &ScenarioFile,
    network: &Network,
    names: &NameIndex<'_>,
    issues: &mut Vec<ResolveIssue>,
) -> Lanes {
    let t = &file.transfers;
    let mut lanes = Lanes::new(network.len());
    let of_kind = |k: NodeKind| network.ids().filter(move |&id| network.node(id).kind == k);
    if let Some(terms) = &t.dc_to_store {
        let lane =
            Lane { cost_per_unit: terms.cost_per_unit, lead_time: days(terms.lead_time_days) };
        for dc in of_kind(NodeKind::Dc) {
            for store in of_kind(NodeKind::Store) {
                add_lane(&mut lanes, (dc, store), lane, "transfers.dc_to_store", issues);
            }
        }
    }
    if let Some(terms) = &t.store_to_store {
        let lane =
            Lane { cost_per_unit: terms.cost_per_unit, lead_time: days(terms.lead_time_days) };
        for a in of_kind(NodeKind::Store) {
            for b in of_kind(NodeKind::Store) {
                let near = great_circle_miles(network.node(a).location, network.node(b).location)
                    <= terms.max_miles;
                if a != b && near {
                    add_lane(&mut lanes, (a, b), lane, "transfers.store_to_store", issues);
                }
            }
        }
    }
    for (i, terms) in t.lanes.iter().enumerate() {
        let path = format!("transfers.lanes[{i}]");
        let from = names.find_or_record(&format!("{path}.from"), &terms.from, issues);
        let to = names.find_or_record(&format!("{path}.to"), &terms.to, issues);
        let lane =
            Lane { cost_per_unit: terms.cost_per_unit, lead_time: days(terms.lead_time_days) };
        if let (Some(from), Some(to)) = (from, to) {
            add_lane(&mut lanes, (from, to), lane, &path, issues);
        }
    }
    lanes
}

/// Adds a lane, recording why not at `path` when the lanes refuse it.
fn add_lane(
    lanes: &mut Lanes,
    (from, to): (NodeId, NodeId),
    lane: Lane,
    path: &str,
    issues: &mut Vec<ResolveIssue>,
) {
    if let Err(e) = lanes.add_lane(from, to, lane) {
        issues.push(issue(path, e.to_string()));
    }
}

/// The generated SKUs (log-uniform prices, Zipf popularity by index, seasonal with the
/// scenario's share) followed by the explicit items.
fn resolve_catalog(file: &ScenarioFile) -> Catalog {
    let c = &file.catalog;
    let mut categories = c.categories.clone();
    if categories.is_empty() {
        categories.push("general".to_string());
    }
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(file.seed ^ 0xCA7A_1060);
    let mut skus = Vec::new();
    let n = c.skus.unwrap_or(0).max(0) as usize;
    let (lo, hi) = (c.price_min.max(0.01).ln(), c.price_max.max(0.01).ln());
    for i in 0..n {
        let price = (lo + (hi - lo) * rng.random::<f64>()).exp();
        let price = (price * 100.0).round() / 100.0;
        let weight = c.weight_kg_min + (c.weight_kg_max - c.weight_kg_min) * rng.random::<f64>();
        let seasonal = rng.random::<f64>() < c.seasonal_share;
        skus.push(Sku {
            name: format!("SKU-{:05}", i + 1),
            price,
            unit_cost: price * c.unit_cost_share,
            weight_kg: weight,
            category: (i % categories.len()) as u16,
            season_end_day: if seasonal { c.season_end_day.map(|d| d.max(0) as u32) } else { None },
            clearance_price: price * c.clearance_share,
            popularity: 1.0 / ((i + 1) as f64).powf(c.zipf_exponent),
        });
    }
    for item in &c.items {
        let category = item
            .category
            .as_ref()
            .map(|name| match categories.iter().position(|c| c == name) {
                Some(i) => i,
                None => {
                    categories.push(name.clone());
                    categories.len() - 1
                }
            })
            .unwrap_or(0);
        skus.push(Sku {
            name: item.id.clone(),
            price: item.price,
            unit_cost: item.unit_cost.unwrap_or(item.price * c.unit_cost_share),
            weight_kg: item.weight_kg.unwrap_or((c.weight_kg_min + c.weight_kg_max) / 2.0),
            category: category as u16,
            season_end_day: item.season_end_day.map(|d| d.max(0) as u32),
            clearance_price: item.clearance_price.unwrap_or(item.price * c.clearance_share),
            popularity: item.popularity.unwrap_or(1.0),
        });
    }
    Catalog::new(skus, categories)
}

fn resolve_inventory(
    file: &ScenarioFile,
    names: &NameIndex<'_>,
    catalog: &Catalog,
    issues: &mut Vec<ResolveIssue>,
) -> InventoryConfig {
    let i = &file.inventory;
    let mut explicit = Vec::with_capacity(i.stock.len());
    for (k, s) in i.stock.iter().enumerate() {
        let path = format!("inventory.stock[{k}]");
        let node = names.find_or_record(&format!("{path}.node"), &s.node, issues);
        let sku: Option<SkuId> = catalog.find(&s.sku);
        if sku.is_none() {
            issues.push(issue(format!("{path}.sku"), format!("no SKU is named \"{}\"", s.sku)));
        }
        if let (Some(node), Some(sku)) = (node, sku) {
            explicit.push((node, sku, s.units.max(0) as u32));
        }
    }
    InventoryConfig {
        visibility_sync: (i.visibility_sync_minutes.max(0.0) * 60.0).round() as u64,
        dc_weeks_of_cover: i.dc_weeks_of_cover,
        store_weeks_of_cover: i.store_weeks_of_cover,
        store_assortment_share: i.store_assortment_share,
        store_buffer_units: i.store_buffer_units.max(0) as u32,
        record_inaccurate_share: i.record_inaccurate_share,
        record_error_max_units: i.record_error_max_units.max(0) as u32,
        shrink_per_unit_per_day: i.shrink_per_unit_per_day,
        cycle_count_every_days: i.cycle_count_every_days,
        explicit,
    }
}

/// Scales `values` so their mean is 1 (left as ones if they sum to zero).
fn normalized<const N: usize>(values: &[f64]) -> [f64; N] {
    let mut out = [1.0; N];
    let sum: f64 = values.iter().take(N).sum();
    if sum > 0.0 && values.len() >= N {
        for (o, v) in out.iter_mut().zip(values) {
            *o = v * N as f64 / sum;
        }
    }
    out
}

fn resolve_demand(file: &ScenarioFile, path: &Path) -> DemandConfig {
    let d = &file.demand;
    let mut channels = [ChannelDemand::default(); 4];
    for (c, f) in d.channels.iter() {
        channels[channel(c).index()] = ChannelDemand {
            rate_per_day: f.rate_per_day,
            promise_days: f.promise_days.map(|p| p.max(0) as u32),
        };
    }
    let promotions = d
        .promotions
        .iter()
        .map(|p| {
            let mut on = [p.channels.is_none(); 4];
            for c in p.channels.iter().flatten() {
                on[channel(*c).index()] = true;
            }
            Promotion {
                name: p.name.clone(),
                start_day: p.start_day.max(0) as u32,
                end_day: p.end_day.max(0) as u32,
                multiplier: p.multiplier,
                channels: on,
            }
        })
        .collect();
    DemandConfig {
        source: match &d.trace {
            Some(t) => DemandSource::Trace(file.resolve_path(path, t)),
            None => DemandSource::Generated,
        },
        channels,
        day_of_week: normalized(&d.day_of_week),
        hour_of_day: normalized(&d.hour_of_day),
        promotions,
        basket_lines: d.basket_lines.clone(),
        line_units: d.line_units.clone(),
        customer_spread_miles: d.customer_spread_miles,
        pickup_radius_miles: d.pickup_radius_miles,
        lost_sale: match d.lost_sale {
            file::LostSale::DropLine => LostSale::DropLine,
            file::LostSale::AbandonOrder => LostSale::AbandonOrder,
        },
    }
}

fn resolve_returns(file: &ScenarioFile, catalog: &Catalog) -> ReturnsConfig {
    let r = &file.returns;
    let per_channel = |f: &dyn Fn(file::Channel) -> f64| {
        [
            file::Channel::Web,
            file::Channel::Bopis,
            file::Channel::WalkIn,
            file::Channel::Marketplace,
        ]
        .map(f)
    };
    ReturnsConfig {
        rate: per_channel(&|c| r.return_rate(c)),
        category_multiplier: catalog
            .categories()
            .iter()
            .map(|name| r.category_multiplier.get(name).copied().unwrap_or(1.0))
            .collect(),
        lag_days_mean: r.lag_days_mean,
        to_store_share: per_channel(&|c| r.to_store_share(c)),
        processing: hours(r.processing_hours),
        restock_share: r.restock_share,
        refurbish_share: r.refurbish_share,
        liquidate_share: r.liquidate_share,
        refurbish: days(r.refurbish_days),
        refund: days(r.refund_days),
        label_cost: r.label_cost,
        processing_cost: r.processing_cost,
        salvage_share: r.salvage_share,
    }
}

fn preset_of(p: file::Preset) -> &'static str {
    match p {
        file::Preset::DcFirst => "dc_first",
        file::Preset::Nearest => "nearest",
        file::Preset::MinSplit => "min_split",
        file::Preset::GreedyCost => "greedy_cost",
    }
}

fn resolve_policies(
    file: &ScenarioFile,
    names: &NameIndex<'_>,
    issues: &mut Vec<ResolveIssue>,
) -> Vec<PolicyConfig> {
    let policies = file.policies.iter().enumerate();
    policies
        .map(|(i, p)| match p.kind {
            file::PolicyKind::RuleStack => {
                PolicyConfig::RuleStack(resolve_policy(p, names, &format!("policies[{i}]"), issues))
            }
            file::PolicyKind::LpBatch => PolicyConfig::LpBatch {
                name: p.name.clone(),
                window: (p.window_minutes.unwrap_or(15.0).max(0.0) * 60.0).round().max(1.0) as u64,
                params: BatchParams {
                    candidates: p.candidates.unwrap_or(5).max(1) as usize,
                    split_penalty: p.split_penalty.unwrap_or(3.0),
                    cancel_penalty: p.cancel_penalty.unwrap_or(file.bound.cancel_penalty),
                },
            },
            file::PolicyKind::LpDual => PolicyConfig::LpDual {
                name: p.name.clone(),
                params: LpDualParams {
                    resolve_every: days(p.resolve_every_days.unwrap_or(1.0)).max(1),
                    forecast_days: p
                        .forecast_days
                        .unwrap_or(file.supply.vendor_lead_time_days)
                        .max(1.0 / 24.0),
                    cancel_penalty: p.cancel_penalty.unwrap_or(file.bound.cancel_penalty),
                },
            },
        })
        .collect()
}

fn resolve_policy(
    p: &file::PolicyFile,
    names: &NameIndex<'_>,
    path: &str,
    issues: &mut Vec<ResolveIssue>,
) -> RuleStack {
    let mut stack = match p.preset {
        Some(preset) => {
            presets::preset(preset_of(preset), &p.name).expect("every file preset is a preset")
        }
        None => {
            RuleStack::new(p.name.clone(), Vec::new(), Vec::new(), Split::Free, Fallback::Cancel)
        }
    };
    if let Some(filters) = &p.filters {
        stack.filters = filters
            .iter()
            .enumerate()
            .map(|(k, f)| resolve_filter(f, names, &format!("{path}.filters[{k}]"), issues))
            .collect();
    }
    if let Some(sort) = &p.sort {
        stack.sort = sort.iter().map(resolve_sort).collect();
    }
    if let Some(split) = p.split {
        stack.split = match split {
            file::Split::Never => Split::Never,
            file::Split::Free => Split::Free,
            file::Split::UpTo => Split::UpTo(p.max_shipments.unwrap_or(2).max(1) as u32),
        };
    }
    if let Some(fallback) = p.fallback {
        stack.fallback = match fallback {
            file::Fallback::Cancel => Fallback::Cancel,
            file::Fallback::DcFirst => Fallback::Stack(Box::new(presets::dc_first())),
            file::Fallback::Nearest => Fallback::Stack(Box::new(presets::nearest())),
            file::Fallback::MinSplit => Fallback::Stack(Box::new(presets::min_split())),
            file::Fallback::GreedyCost => Fallback::Stack(Box::new(presets::greedy_cost())),
        };
    }
    stack
}

fn resolve_filter(
    f: &file::Filter,
    names: &NameIndex<'_>,
    path: &str,
    issues: &mut Vec<ResolveIssue>,
) -> Filter {
    match f {
        file::Filter::Capability {} => Filter::Capability,
        file::Filter::HasFullAtp {} => Filter::HasFullAtp,
        file::Filter::UnderCapacity { max_utilization } => {
            Filter::UnderCapacity { max_utilization: *max_utilization }
        }
        file::Filter::WithinDistance { max_miles } => {
            Filter::WithinDistance { max_miles: *max_miles }
        }
        file::Filter::Exclude { nodes } => Filter::Exclude {
            nodes: nodes
                .iter()
                .enumerate()
                .filter_map(|(k, name)| {
                    names.find_or_record(&format!("{path}.nodes[{k}]"), name, issues)
                })
                .collect(),
        },
        file::Filter::NodeKind { kinds } => {
            Filter::NodeKind { kinds: kinds.iter().map(|k| node_kind(*k)).collect() }
        }
        file::Filter::MinAtpAfter { units } => {
            Filter::MinAtpAfter { units: (*units).max(0) as u32 }
        }
    }
}

/// With generated BOPIS demand, some city of the city table must have a store with pickup
/// within the pickup radius; otherwise every BOPIS order would be lost without a word.
fn pickups_reachable(
    file: &ScenarioFile,
    network: &Network,
    cities: &CityTable,
    issues: &mut Vec<ResolveIssue>,
) {
    let bopis = file.demand.channels.bopis.as_ref().is_some_and(|c| c.rate_per_day > 0.0);
    if file.demand.trace.is_some() || !bopis || cities.is_empty() {
        return;
    }
    let pickup_stores = network
        .nodes
        .iter()
        .filter(|n| n.kind == NodeKind::Store && n.capabilities.contains(Capability::Pickup));
    let closest = pickup_stores
        .map(|n| great_circle_miles(n.location, cities.cities[cities.nearest(n.location)].location))
        .min_by(f64::total_cmp);
    let radius = file.demand.pickup_radius_miles;
    match closest {
        Some(miles) if miles > radius => issues.push(issue(
            "demand.pickup_radius_miles",
            format!(
                "no store with pickup is within {radius} miles of a city of the city table \
                 (the closest is {:.1} miles away), so every BOPIS order would be lost; expected \
                 at least {}",
                miles,
                miles.ceil()
            ),
        )),
        _ => {}
    }
}

fn resolve_sort(s: &file::SortKey) -> SortBy {
    let key = match s.key {
        file::SortField::Priority => SortKey::Priority,
        file::SortField::Distance => SortKey::Distance,
        file::SortField::Cost => SortKey::Cost,
        file::SortField::Atp => SortKey::Atp,
        file::SortField::DaysOfCover => SortKey::DaysOfCover,
        file::SortField::Utilization => SortKey::Utilization,
        file::SortField::DcFirst => SortKey::DcFirst,
    };
    SortBy { key, descending: s.order == file::SortOrder::Desc }
}
