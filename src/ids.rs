//! Identifiers, quantities and simulation time: the small `Copy` newtypes every other module
//! speaks in.
//!
//! A `NodeId` can never be passed where a `SkuId` is meant, a unit count is never negative
//! (`Units` wraps `u32` and its arithmetic is checked by the callers that need it), and time is
//! an integer number of seconds since the scenario start, so events order exactly and ties
//! never depend on floating point. This module knows nothing of the domain beyond that.

use std::fmt;

macro_rules! index_id {
    ($(#[$meta:meta])* $name:ident, $prefix:literal) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub u32);

        impl $name {
            /// The id as an index into a dense table.
            #[inline]
            pub fn index(self) -> usize {
                self.0 as usize
            }

            /// The id of the element at `index` of a dense table.
            ///
            /// # Panics
            /// If `index` does not fit in `u32`; tables are sized at scenario resolution,
            /// where that limit is validated.
            #[inline]
            pub fn from_index(index: usize) -> Self {
                Self(u32::try_from(index).expect("id tables are validated to fit in u32"))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!($prefix, "{}"), self.0)
            }
        }
    };
}

index_id!(
    /// A node of the network (dc, store or vendor), an index into the network's node table.
    NodeId,
    "node#"
);
index_id!(
    /// A sellable item, an index into the catalog.
    SkuId,
    "sku#"
);
index_id!(
    /// An order, an index into the simulator's order arena (dense, in arrival order).
    OrderId,
    "order#"
);

/// A whole number of units of one SKU.
pub type Units = u32;

/// Simulation time: whole seconds since the scenario start (day 0, 00:00).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimTime(pub u64);

impl SimTime {
    /// One minute, in simulation time.
    pub const MINUTE: u64 = 60;
    /// One hour, in simulation time.
    pub const HOUR: u64 = 3_600;
    /// One day, in simulation time.
    pub const DAY: u64 = 86_400;
    /// The scenario start.
    pub const ZERO: SimTime = SimTime(0);

    /// The start of day `day` (0-based).
    #[inline]
    pub fn from_days(day: u32) -> Self {
        SimTime(u64::from(day) * Self::DAY)
    }

    /// A time given in (possibly fractional) hours from the start, rounded to the second.
    #[inline]
    pub fn from_hours_f64(hours: f64) -> Self {
        SimTime((hours * Self::HOUR as f64).round().max(0.0) as u64)
    }

    /// The day this instant falls in (0-based).
    #[inline]
    pub fn day(self) -> u32 {
        (self.0 / Self::DAY) as u32
    }

    /// Seconds since midnight of the current day.
    #[inline]
    pub fn second_of_day(self) -> u64 {
        self.0 % Self::DAY
    }

    /// The hour of the day, 0 to 23.
    #[inline]
    pub fn hour_of_day(self) -> u32 {
        (self.second_of_day() / Self::HOUR) as u32
    }

    /// This instant plus `seconds`, saturating at the end of representable time.
    #[inline]
    pub fn plus(self, seconds: u64) -> Self {
        SimTime(self.0.saturating_add(seconds))
    }

    /// Seconds from `earlier` to `self`, zero if `earlier` is later.
    #[inline]
    pub fn since(self, earlier: SimTime) -> u64 {
        self.0.saturating_sub(earlier.0)
    }

    /// The time as fractional days, for reporting.
    #[inline]
    pub fn as_days_f64(self) -> f64 {
        self.0 as f64 / Self::DAY as f64
    }

    /// The time as fractional hours, for reporting.
    #[inline]
    pub fn as_hours_f64(self) -> f64 {
        self.0 as f64 / Self::HOUR as f64
    }
}

impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.second_of_day();
        write!(f, "day {} {:02}:{:02}:{:02}", self.day(), s / 3600, (s / 60) % 60, s % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_splits_into_day_and_hour() {
        let t = SimTime::from_days(3).plus(5 * SimTime::HOUR + 30 * SimTime::MINUTE);
        assert_eq!(t.day(), 3);
        assert_eq!(t.hour_of_day(), 5);
        assert_eq!(t.to_string(), "day 3 05:30:00");
        assert_eq!(t.since(SimTime::from_days(3)), 5 * 3600 + 1800);
        assert_eq!(SimTime::ZERO.since(t), 0);
    }

    #[test]
    fn ids_display_and_index() {
        assert_eq!(NodeId(4).to_string(), "node#4");
        assert_eq!(SkuId::from_index(7).index(), 7);
    }
}
