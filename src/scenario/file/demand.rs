//! File types of `[catalog]`, `[inventory]`, `[demand]`, `[execution]`, `[returns]`,
//! `[supply]` and `[support]`, with the defaults of every key left out.
//!
//! Data only, as the file spells it; checks live in `validate::demand`.

use std::collections::BTreeMap;

use serde::Deserialize;

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
    pub unit_cost: Option<f64>,
    /// Weight in kilograms; the middle of the generated range when left out.
    pub weight_kg: Option<f64>,
    /// A name from `catalog.categories`; the first category when left out.
    pub category: Option<String>,
    /// The day the SKU's season ends; never when left out.
    pub season_end_day: Option<i64>,
    /// Clearance price; `price x clearance_share` when left out.
    pub clearance_price: Option<f64>,
    /// Relative popularity weight; 1 when left out.
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
    /// Explicit initial stock, added to the generated stock.
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

/// Initial stock added to one position, `[[inventory.stock]]`.
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
