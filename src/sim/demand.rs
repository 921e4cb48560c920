//! Generated demand: arrivals of each channel as a non-homogeneous Poisson process, and the
//! contents of each order (customer, basket, SKUs, units).
//!
//! The rate of a channel at a given hour is its base daily rate times the day-of-week and
//! hour-of-day multipliers (each normalized to mean 1) times every promotion running that day.
//! The rate is constant within an hour, so the next arrival is found exactly by drawing an
//! exponential gap at the current hour's rate and, when it would cross into the next hour,
//! restarting from the boundary at the new rate (the process is memoryless). Each channel has
//! its own stream per replication, independent of the policy.

use rand::RngExt;
use rand_distr::Distribution;

use super::luck::{Purpose, Stream, stream};
use super::prepare::{Prepared, scatter};
use crate::ids::{NodeId, SimTime, SkuId, Units};
use crate::network::GeoPoint;
use crate::orders::{Channel, Line};
use crate::scenario::Scenario;

/// An order as the customer composed it, before the storefront checks availability.
#[derive(Clone, Debug, PartialEq)]
pub struct Drawn {
    /// Channel (a BOPIS customer with no pickup store in reach shops on the web instead).
    pub channel: Channel,
    /// Customer location.
    pub customer: GeoPoint,
    /// Demand region (city index).
    pub region: u32,
    /// Pickup store (BOPIS) or the store visited (walk-in).
    pub store: Option<NodeId>,
    /// Lines, one per distinct SKU.
    pub lines: Vec<Line>,
}

/// The arrival and order-content streams of one replication.
pub struct DemandGen {
    streams: [Stream; 4],
}

/// How many times a draw is repeated to find a SKU that suits (distinct, in season, carried).
const MAX_REDRAWS: usize = 16;

impl DemandGen {
    /// Streams for the replication whose seed is `rep_seed`.
    pub fn new(rep_seed: u64) -> Self {
        DemandGen {
            streams: Channel::ALL.map(|c| stream(rep_seed, Purpose::Demand, c.index() as u64)),
        }
    }

    /// The first arrival of `channel` at or after `from`, or `None` if none falls before
    /// `end`.
    pub fn next_arrival(
        &mut self,
        scenario: &Scenario,
        channel: Channel,
        from: SimTime,
        end: SimTime,
    ) -> Option<SimTime> {
        let rng = &mut self.streams[channel.index()];
        let base = scenario.demand.rate(channel);
        if base <= 0.0 {
            return None;
        }
        let mut t = from.0 as f64;
        loop {
            if t >= end.0 as f64 {
                return None;
            }
            let now = SimTime(t as u64);
            let hour_end = ((now.0 / SimTime::HOUR) + 1) * SimTime::HOUR;
            let per_second = hourly_rate(scenario, channel, now) / SimTime::HOUR as f64;
            if per_second > 0.0 {
                let u: f64 = rng.random();
                let gap = -(1.0 - u).ln() / per_second;
                if t + gap < hour_end as f64 {
                    let at = SimTime((t + gap) as u64);
                    return (at < end).then_some(at);
                }
            }
            t = hour_end as f64;
        }
    }

    /// Draws the contents of an order of `channel` at `now`.
    pub fn draw(
        &mut self,
        scenario: &Scenario,
        prep: &Prepared,
        channel: Channel,
        now: SimTime,
    ) -> Drawn {
        let rng = &mut self.streams[channel.index()];
        let region = prep.cities.sample(rng);
        let center = scenario.cities.cities[region].location;
        let (u1, u2): (f64, f64) = (rng.random(), rng.random());
        let customer = scatter(center, scenario.demand.customer_spread_miles, u1, u2);

        let (channel, store) = match channel {
            Channel::Bopis => match prep.pickup_store[region] {
                Some(store) => (Channel::Bopis, Some(store)),
                None => (Channel::Web, None),
            },
            Channel::WalkIn => match &prep.walk_in_stores {
                Some((stores, table)) => (Channel::WalkIn, Some(stores[table.sample(rng)])),
                None => (Channel::WalkIn, None),
            },
            other => (other, None),
        };

        let n_lines = prep.basket_lines.sample(rng) + 1;
        let carried = store.filter(|_| channel == Channel::WalkIn);
        let mut lines: Vec<Line> = Vec::with_capacity(n_lines);
        for _ in 0..n_lines {
            let Some(sku) = draw_sku(scenario, prep, rng, now, &lines, carried) else { continue };
            let units = (prep.line_units.sample(rng) + 1) as Units;
            lines.push(Line { sku, units });
        }
        Drawn { channel, customer, region: region as u32, store, lines }
    }
}

/// The arrival rate of `channel` per hour at `now`.
pub fn hourly_rate(scenario: &Scenario, channel: Channel, now: SimTime) -> f64 {
    let d = &scenario.demand;
    let day = now.day();
    d.rate(channel) / 24.0
        * d.day_of_week[scenario.weekday(day)]
        * d.hour_of_day[now.hour_of_day() as usize]
        * d.promotion_factor(channel, day)
}

/// A SKU by popularity that is not already in the basket, is still in season and, for a
/// walk-in shopper, is carried by the store. `None` if no draw suits.
fn draw_sku(
    scenario: &Scenario,
    prep: &Prepared,
    rng: &mut Stream,
    now: SimTime,
    lines: &[Line],
    carried: Option<NodeId>,
) -> Option<SkuId> {
    for _ in 0..MAX_REDRAWS {
        let sku = SkuId::from_index(prep.skus.sample(rng));
        let in_season = scenario.catalog.sku(sku).season_end_day.is_none_or(|end| now.day() < end);
        let fresh = lines.iter().all(|l| l.sku != sku);
        let on_shelf = carried.is_none_or(|store| prep.carries(store, sku));
        if in_season && fresh && on_shelf {
            return Some(sku);
        }
    }
    None
}
