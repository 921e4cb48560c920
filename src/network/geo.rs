//! Points on the Earth and the great-circle distance between them.
//!
//! Owns [`GeoPoint`] (latitude and longitude in degrees) and [`great_circle_miles`], the one
//! distance the whole crate uses: the haversine formula on a sphere of radius
//! [`EARTH_RADIUS_MILES`]. Road distances, projections and time zones are out of scope; this
//! file knows nothing about nodes, carriers or cities.

/// The mean Earth radius used for every distance in omnilab, in statute miles.
pub const EARTH_RADIUS_MILES: f64 = 3958.8;

/// A location on the Earth: latitude and longitude in decimal degrees (WGS84 as published,
/// treated as a sphere).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GeoPoint {
    /// Latitude in degrees, -90 (south pole) to 90 (north pole).
    pub lat: f64,
    /// Longitude in degrees, -180 to 180, east positive.
    pub lon: f64,
}

impl GeoPoint {
    /// A point from latitude and longitude in degrees.
    pub const fn new(lat: f64, lon: f64) -> Self {
        GeoPoint { lat, lon }
    }

    /// Whether both coordinates are finite and within their ranges (latitude in [-90, 90],
    /// longitude in [-180, 180]).
    pub fn is_valid(self) -> bool {
        self.lat.is_finite()
            && self.lon.is_finite()
            && (-90.0..=90.0).contains(&self.lat)
            && (-180.0..=180.0).contains(&self.lon)
    }
}

/// The great-circle distance between two points, in miles.
///
/// Haversine formula on a sphere of radius [`EARTH_RADIUS_MILES`]: accurate to about 0.5%
/// against the ellipsoid, which is far below the error of using straight lines for parcel
/// zones in the first place. Symmetric, zero for equal points, never negative, and at most
/// half the circumference (about 12,437 miles). Constant time.
pub fn great_circle_miles(a: GeoPoint, b: GeoPoint) -> f64 {
    let (lat_a, lat_b) = (a.lat.to_radians(), b.lat.to_radians());
    let half_dlat = (lat_b - lat_a) / 2.0;
    let half_dlon = (b.lon - a.lon).to_radians() / 2.0;

    let h = half_dlat.sin().powi(2) + lat_a.cos() * lat_b.cos() * half_dlon.sin().powi(2);

    // Rounding can push `h` a hair above 1 for antipodal points; asin would return NaN.
    2.0 * EARTH_RADIUS_MILES * h.clamp(0.0, 1.0).sqrt().asin()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const NEW_YORK: GeoPoint = GeoPoint::new(40.71427, -74.00597);
    const LOS_ANGELES: GeoPoint = GeoPoint::new(34.05223, -118.24368);
    const CHICAGO: GeoPoint = GeoPoint::new(41.85003, -87.65005);
    const HOUSTON: GeoPoint = GeoPoint::new(29.76328, -95.36327);

    fn assert_close(actual: f64, expected: f64, tolerance: f64) {
        assert!(
            (actual - expected).abs() <= tolerance,
            "expected {expected} +- {tolerance}, got {actual}"
        );
    }

    #[test]
    fn known_city_pairs() {
        assert_close(great_circle_miles(NEW_YORK, LOS_ANGELES), 2445.0, 5.0);
        assert_close(great_circle_miles(NEW_YORK, CHICAGO), 712.0, 5.0);
        assert_close(great_circle_miles(CHICAGO, HOUSTON), 940.0, 5.0);
    }

    #[test]
    fn one_degree_of_latitude_is_about_69_miles() {
        let d = great_circle_miles(GeoPoint::new(10.0, 20.0), GeoPoint::new(11.0, 20.0));
        assert_close(d, EARTH_RADIUS_MILES * 1f64.to_radians(), 1e-9);
    }

    #[test]
    fn antipodes_are_half_the_circumference() {
        let d = great_circle_miles(GeoPoint::new(0.0, 0.0), GeoPoint::new(0.0, 180.0));
        assert_close(d, std::f64::consts::PI * EARTH_RADIUS_MILES, 1e-6);
        let poles = great_circle_miles(GeoPoint::new(90.0, 0.0), GeoPoint::new(-90.0, 0.0));
        assert_close(poles, std::f64::consts::PI * EARTH_RADIUS_MILES, 1e-6);
    }

    #[test]
    fn validity_checks_ranges_and_finiteness() {
        assert!(NEW_YORK.is_valid());
        assert!(GeoPoint::new(-90.0, 180.0).is_valid());
        assert!(!GeoPoint::new(90.5, 0.0).is_valid());
        assert!(!GeoPoint::new(0.0, -180.5).is_valid());
        assert!(!GeoPoint::new(f64::NAN, 0.0).is_valid());
        assert!(!GeoPoint::new(0.0, f64::INFINITY).is_valid());
    }

    fn point() -> impl Strategy<Value = GeoPoint> {
        (-90.0..=90.0f64, -180.0..=180.0f64).prop_map(|(lat, lon)| GeoPoint::new(lat, lon))
    }

    proptest! {
        #[test]
        fn distance_is_symmetric_and_bounded(a in point(), b in point()) {
            let ab = great_circle_miles(a, b);
            let ba = great_circle_miles(b, a);
            prop_assert!((ab - ba).abs() < 1e-6);
            prop_assert!(ab >= 0.0);
            prop_assert!(ab <= std::f64::consts::PI * EARTH_RADIUS_MILES + 1e-6);
        }

        #[test]
        fn distance_to_itself_is_zero(a in point()) {
            prop_assert!(great_circle_miles(a, a).abs() < 1e-9);
        }

        #[test]
        fn triangle_inequality_holds(a in point(), b in point(), c in point()) {
            let direct = great_circle_miles(a, c);
            let via_b = great_circle_miles(a, b) + great_circle_miles(b, c);
            // Haversine loses a few micro-miles near the antipodes; allow for that only.
            prop_assert!(direct <= via_b + 1e-3, "direct {direct} > via b {via_b}");
        }
    }
}
