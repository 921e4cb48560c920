//! The parcel carrier's rate card: distance bands to zones, and per zone the price, the
//! transit time and the chance of a late delivery.
//!
//! Owns [`RateCard`] and [`Zone`]. A zone is found from the great-circle distance between the
//! shipping node and the customer; the cost of a parcel is the zone's base price plus a price
//! per kilogram. Also owns the carrier's daily cut-off ([`RateCard::departure`]). Pure rules:
//! no randomness (the simulator draws late deliveries with `late_probability`), nothing about
//! nodes, orders or inventory.

use crate::ids::SimTime;

use super::NetworkError;
use super::node::OpeningHours;

/// One carrier zone: what a parcel costs and how long it takes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Zone {
    /// Base price per parcel, in currency units.
    pub parcel_cost: f64,
    /// Price per kilogram of parcel weight.
    pub cost_per_kg: f64,
    /// Transit time in whole days from departure to delivery when on time.
    pub transit_days: u32,
    /// Probability that a parcel in this zone arrives late.
    pub late_probability: f64,
    /// Extra days a late parcel takes.
    pub late_days: u32,
}

impl Zone {
    /// The price of a parcel of `weight_kg` (negative weights count as zero).
    pub fn parcel_cost(&self, weight_kg: f64) -> f64 {
        self.parcel_cost + self.cost_per_kg * weight_kg.max(0.0)
    }
}

/// A carrier rate card: distance bands (in miles), one zone per band plus one for everything
/// beyond the last band, and the daily cut-off after which packed parcels leave the next day.
///
/// Invariants (checked by [`RateCard::validate`], which [`super::Network::new`] runs): bands
/// finite, positive and strictly ascending; `zones.len() == bands_miles.len() + 1`; costs
/// finite and non-negative; probabilities in [0, 1]; `cutoff` at most 86,400.
#[derive(Clone, Debug, PartialEq)]
pub struct RateCard {
    /// Upper bound of each band in miles, inclusive, ascending.
    pub bands_miles: Vec<f64>,
    /// One zone per band, then the zone beyond the last band.
    pub zones: Vec<Zone>,
    /// The carrier's daily pickup cut-off, seconds since midnight.
    pub cutoff: u32,
}

/// Base price, price per kilogram, transit days, late probability, late days for zones 1 to 8
/// of [`RateCard::us_default`].
const US_ZONES: [(f64, f64, u32, f64, u32); 8] = [
    (8.00, 0.50, 1, 0.020, 1),
    (8.60, 0.60, 2, 0.025, 1),
    (9.30, 0.72, 2, 0.030, 1),
    (10.10, 0.85, 3, 0.035, 1),
    (11.00, 1.00, 4, 0.040, 1),
    (12.00, 1.15, 4, 0.045, 2),
    (13.00, 1.28, 5, 0.050, 2),
    (14.00, 1.40, 5, 0.060, 2),
];

impl RateCard {
    /// A US ground parcel rate card with the usual zone bands (zone 1 up to 50 miles, 2 up to
    /// 150, 3 up to 300, 4 up to 600, 5 up to 1,000, 6 up to 1,400, 7 up to 1,800, 8 beyond)
    /// and a 17:00 cut-off.
    ///
    /// The prices, transit days and late rates are assumptions chosen to be plausible for
    /// US ground parcels, not any carrier's published tariff:
    ///
    /// | zone | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 |
    /// |---|---|---|---|---|---|---|---|---|
    /// | base $ | 8.00 | 8.60 | 9.30 | 10.10 | 11.00 | 12.00 | 13.00 | 14.00 |
    /// | $ per kg | 0.50 | 0.60 | 0.72 | 0.85 | 1.00 | 1.15 | 1.28 | 1.40 |
    /// | transit days | 1 | 2 | 2 | 3 | 4 | 4 | 5 | 5 |
    /// | late probability | 2% | 2.5% | 3% | 3.5% | 4% | 4.5% | 5% | 6% |
    /// | late days | 1 | 1 | 1 | 1 | 1 | 2 | 2 | 2 |
    pub fn us_default() -> RateCard {
        let zones =
            US_ZONES
                .iter()
                .map(|&(parcel_cost, cost_per_kg, transit_days, late_probability, late_days)| {
                    Zone { parcel_cost, cost_per_kg, transit_days, late_probability, late_days }
                })
                .collect();

        RateCard {
            bands_miles: vec![50.0, 150.0, 300.0, 600.0, 1000.0, 1400.0, 1800.0],
            zones,
            cutoff: 17 * 3_600,
        }
    }

    /// The 0-based zone index for a distance: the first band whose upper bound is at least
    /// `miles`, or the last zone beyond every band. A distance equal to a bound belongs to that
    /// band (with the US card, 50.0 miles is zone 1, index 0; 50.01 is zone 2). NaN maps to
    /// the farthest zone. O(log bands).
    pub fn zone_index(&self, miles: f64) -> usize {
        if miles.is_nan() {
            return self.bands_miles.len();
        }
        self.bands_miles.partition_point(|&bound| bound < miles)
    }

    /// The zone for a distance (see [`RateCard::zone_index`]).
    ///
    /// # Panics
    /// If `zones` is empty, which [`RateCard::validate`] rejects. With fewer zones than
    /// bands + 1 (also rejected) the last zone is used for the missing ones.
    pub fn zone_for(&self, miles: f64) -> &Zone {
        let index = self.zone_index(miles);
        self.zones
            .get(index)
            .or(self.zones.last())
            .expect("a validated rate card has one zone per band plus one")
    }

    /// The price of one parcel of `weight_kg` shipped `miles`.
    pub fn parcel_cost(&self, miles: f64, weight_kg: f64) -> f64 {
        self.zone_for(miles).parcel_cost(weight_kg)
    }

    /// Transit days for `miles` when the parcel is on time.
    pub fn transit_days(&self, miles: f64) -> u32 {
        self.zone_for(miles).transit_days
    }

    /// When a parcel packed at `packed_at` leaves with the carrier: that day's cut-off if it
    /// was packed at or before it, else the next day's cut-off.
    pub fn departure(&self, packed_at: SimTime) -> SimTime {
        let cutoff = u64::from(self.cutoff);
        let today = SimTime::from_days(packed_at.day());
        if packed_at.second_of_day() <= cutoff {
            today.plus(cutoff)
        } else {
            today.plus(SimTime::DAY + cutoff)
        }
    }

    /// Checks the invariants listed on [`RateCard`]; the error names the offending field.
    pub fn validate(&self) -> Result<(), NetworkError> {
        self.validate_bands()?;

        if self.zones.len() != self.bands_miles.len() + 1 {
            return Err(invalid(
                "zones".to_string(),
                format!(
                    "has {} zones for {} bands; need bands + 1",
                    self.zones.len(),
                    self.bands_miles.len()
                ),
            ));
        }
        for (i, zone) in self.zones.iter().enumerate() {
            validate_zone(i, zone)?;
        }

        if self.cutoff > OpeningHours::DAY_SECONDS {
            let reason = format!("{} is past the end of the day (86400)", self.cutoff);
            return Err(invalid("cutoff".to_string(), reason));
        }
        Ok(())
    }

    fn validate_bands(&self) -> Result<(), NetworkError> {
        let mut previous = 0.0;
        for (i, &bound) in self.bands_miles.iter().enumerate() {
            if !(bound.is_finite() && bound > previous) {
                return Err(invalid(
                    format!("bands_miles[{i}]"),
                    format!("{bound} must be finite, positive and above the previous band"),
                ));
            }
            previous = bound;
        }
        Ok(())
    }
}

fn validate_zone(i: usize, zone: &Zone) -> Result<(), NetworkError> {
    let costs = [("parcel_cost", zone.parcel_cost), ("cost_per_kg", zone.cost_per_kg)];
    for (name, cost) in costs {
        if !(cost.is_finite() && cost >= 0.0) {
            let reason = format!("{cost} must be finite and non-negative");
            return Err(invalid(format!("zones[{i}].{name}"), reason));
        }
    }

    if !(0.0..=1.0).contains(&zone.late_probability) {
        let reason = format!("{} must be in [0, 1]", zone.late_probability);
        return Err(invalid(format!("zones[{i}].late_probability"), reason));
    }
    Ok(())
}

fn invalid(field: String, reason: String) -> NetworkError {
    NetworkError::InvalidRateCard { field, reason }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn us_default_is_valid_with_eight_zones() {
        let card = RateCard::us_default();
        assert_eq!(card.validate(), Ok(()));
        assert_eq!(card.zones.len(), 8);
        assert_eq!(card.cutoff, 17 * 3_600);
        assert!((card.zones[0].parcel_cost - 8.0).abs() < 1e-12);
        assert!((card.zones[7].cost_per_kg - 1.4).abs() < 1e-12);
        assert_eq!(card.zones[7].transit_days, 5);
    }

    #[test]
    fn band_edges_belong_to_the_lower_zone() {
        let card = RateCard::us_default();
        let cases = [
            (0.0, 0),
            (50.0, 0),
            (50.01, 1),
            (150.0, 1),
            (150.0001, 2),
            (300.0, 2),
            (300.5, 3),
            (600.0, 3),
            (600.01, 4),
            (1000.0, 4),
            (1000.01, 5),
            (1400.0, 5),
            (1400.01, 6),
            (1800.0, 6),
            (1800.01, 7),
            (5000.0, 7),
            (f64::INFINITY, 7),
            (f64::NAN, 7),
            (-3.0, 0),
        ];
        for (miles, zone) in cases {
            assert_eq!(card.zone_index(miles), zone, "{miles} miles");
        }
    }

    #[test]
    fn parcel_cost_adds_weight() {
        let card = RateCard::us_default();
        assert!((card.parcel_cost(50.0, 2.0) - 9.0).abs() < 1e-9);
        assert!((card.parcel_cost(2445.0, 10.0) - 28.0).abs() < 1e-9);
        assert!((card.parcel_cost(10.0, -1.0) - 8.0).abs() < 1e-9);
        assert_eq!(card.transit_days(700.0), 4);
    }

    #[test]
    fn departure_respects_the_cutoff() {
        let card = RateCard::us_default();
        let day = SimTime::from_days(4);
        let cutoff = day.plus(17 * SimTime::HOUR);

        assert_eq!(card.departure(day.plus(9 * SimTime::HOUR)), cutoff);
        assert_eq!(card.departure(cutoff), cutoff);
        assert_eq!(card.departure(cutoff.plus(1)), cutoff.plus(SimTime::DAY));
    }

    #[test]
    fn validation_names_the_field() {
        let field_of = |card: RateCard| match card.validate() {
            Err(NetworkError::InvalidRateCard { field, .. }) => field,
            other => panic!("expected an invalid rate card, got {other:?}"),
        };

        let mut card = RateCard::us_default();
        card.bands_miles[3] = 100.0;
        assert_eq!(field_of(card), "bands_miles[3]");

        let mut card = RateCard::us_default();
        card.bands_miles[0] = 0.0;
        assert_eq!(field_of(card), "bands_miles[0]");

        let mut card = RateCard::us_default();
        card.zones.pop();
        assert_eq!(field_of(card), "zones");

        let mut card = RateCard::us_default();
        card.zones[2].cost_per_kg = -1.0;
        assert_eq!(field_of(card), "zones[2].cost_per_kg");

        let mut card = RateCard::us_default();
        card.zones[5].late_probability = 1.2;
        assert_eq!(field_of(card), "zones[5].late_probability");

        let mut card = RateCard::us_default();
        card.cutoff = 90_000;
        assert_eq!(field_of(card), "cutoff");
    }

    #[test]
    fn a_card_without_bands_has_one_zone() {
        let zone = RateCard::us_default().zones[3];
        let card = RateCard { bands_miles: Vec::new(), zones: vec![zone], cutoff: 0 };
        assert_eq!(card.validate(), Ok(()));
        assert_eq!(card.zone_index(12_000.0), 0);
    }

    proptest! {
        #[test]
        fn zones_and_costs_grow_with_distance(a in 0.0..4000.0f64, b in 0.0..4000.0f64) {
            let card = RateCard::us_default();
            let (near, far) = if a <= b { (a, b) } else { (b, a) };
            prop_assert!(card.zone_index(near) <= card.zone_index(far));
            prop_assert!(card.parcel_cost(near, 1.0) <= card.parcel_cost(far, 1.0) + 1e-12);
        }
    }
}
