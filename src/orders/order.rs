//! One customer checkout: [`Order`], its [`Line`]s and the [`Channel`] it came through.

use std::fmt;

use crate::ids::{NodeId, OrderId, SimTime, SkuId, Units};
use crate::network::GeoPoint;

/// Where demand comes from (see DOMAIN.md, "channel").
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Channel {
    /// The retailer's web shop, shipped to the customer's home.
    Web,
    /// Buy online, pick up in store.
    Bopis,
    /// A shopper in a store taking units off the shelf.
    WalkIn,
    /// A third-party site with its own delivery promise.
    Marketplace,
}

impl Channel {
    /// Every channel, in reporting order.
    pub const ALL: [Channel; 4] =
        [Channel::Web, Channel::Bopis, Channel::WalkIn, Channel::Marketplace];

    /// The snake_case name used in scenario files and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::Bopis => "bopis",
            Channel::WalkIn => "walk_in",
            Channel::Marketplace => "marketplace",
        }
    }

    /// The channel named `name` in a scenario file or trace.
    pub fn parse(name: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == name)
    }

    /// Position in [`Channel::ALL`], for per-channel tables.
    pub fn index(self) -> usize {
        self as usize
    }

    /// Whether the OMS routes orders of this channel (walk-in sales never reach it).
    pub fn is_online(self) -> bool {
        self != Channel::WalkIn
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Units of one SKU in an order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Line {
    /// The item ordered.
    pub sku: SkuId,
    /// How many units, at least one.
    pub units: Units,
}

/// One customer checkout.
#[derive(Clone, Debug, PartialEq)]
pub struct Order {
    /// Dense id in arrival order.
    pub id: OrderId,
    /// Where the order came from.
    pub channel: Channel,
    /// When the customer checked out.
    pub placed_at: SimTime,
    /// Where the parcel goes (for pickup orders, where the customer lives).
    pub customer: GeoPoint,
    /// The demand region (city table index) the customer was placed around, used to look up
    /// precomputed candidate lists.
    pub region: u32,
    /// The store chosen for pickup (BOPIS) or the store shopped in (walk-in).
    pub store: Option<NodeId>,
    /// A delivery promise fixed by the channel (marketplace SLA), in days after checkout.
    pub promise_days: Option<u32>,
    /// What was ordered, one line per SKU.
    pub lines: Vec<Line>,
}

impl Order {
    /// Total units over all lines.
    pub fn units(&self) -> Units {
        self.lines.iter().map(|l| l.units).sum()
    }
}
