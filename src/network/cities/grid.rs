//! A grid index over city locations for nearest-city lookups at replay speed.
//!
//! Owns [`CityGrid`]: every city is filed in the 1-degree latitude/longitude cell it lies in,
//! and a lookup searches the point's cell, then square rings of cells around it, until the
//! best great-circle distance found is provably smaller than the distance to any cell not yet
//! searched. Far from every city (another continent, near the poles) the rings would grow
//! without paying off, so after [`MAX_RING`] rings the lookup falls back to a linear scan.
//! Candidates are screened by the straight-line (chord) distance between unit vectors, which
//! orders points exactly as the great-circle distance does and costs a few multiplications;
//! only candidates that may beat the best so far get the haversine formula. The answers are
//! exactly those of a linear scan by [`great_circle_miles`], ties to the lower index. Knows
//! only points and distances; nothing of nodes, demand or orders.

use super::super::geo::{EARTH_RADIUS_MILES, GeoPoint, great_circle_miles};

/// Rows of cells: one per degree of latitude, row 0 touching the south pole.
const ROWS: usize = 180;

/// Columns of cells: one per degree of longitude, column 0 starting at -180.
const COLUMNS: usize = 360;

/// Rings searched before falling back to a linear scan. Ring `r` holds `8 r` cells, so the
/// search visits at most `(2 r + 1)^2 = 625` cells, about what a screened scan of the 971
/// bundled cities costs.
pub const MAX_RING: usize = 12;

/// Slack, in miles, added to the best distance before it is compared with a lower bound, so
/// that rounding in the two formulas can never end a search that a tie could still change.
const SLACK_MILES: f64 = 1e-6;

/// Relative slack of the chord screen: a candidate is skipped only when its squared chord
/// exceeds the best one's by more than rounding could explain (about 1e-9 relative at the
/// shortest distances that matter).
const CHORD_SLACK: f64 = 1e-6;

/// A city as the search sees it: where it is, as coordinates and as a unit vector.
#[derive(Clone, Copy, Debug)]
struct Site {
    location: GeoPoint,
    unit: [f64; 3],
    index: u32,
}

impl Site {
    fn new(location: GeoPoint, index: usize) -> Site {
        Site { location, unit: unit_vector(location), index: index as u32 }
    }
}

/// A nearest-city index, built once from a list of locations (usually a city table's).
///
/// Cells are stored as one compressed array: `starts[c]..starts[c + 1]` are the positions in
/// `sites` of the cities in cell `c`, in index order. Locations that are not valid
/// coordinates ([`GeoPoint::is_valid`]) have no cell; they are kept apart and checked on every
/// lookup.
#[derive(Clone, Debug)]
pub struct CityGrid {
    starts: Vec<u32>,
    sites: Vec<Site>,
    strays: Vec<Site>,
    all: Vec<Site>,
}

/// The point being looked up, in the forms the search needs.
#[derive(Clone, Copy, Debug)]
struct Query {
    point: GeoPoint,
    unit: [f64; 3],
}

/// The best candidate so far: its distance (NaN counts as infinitely far), its index, and
/// the squared chord beyond which a candidate cannot be as near.
#[derive(Clone, Copy, Debug)]
struct Best {
    miles: f64,
    index: usize,
    chord2_limit: f64,
}

impl Best {
    const NONE: Best =
        Best { miles: f64::INFINITY, index: usize::MAX, chord2_limit: f64::INFINITY };

    /// Considers `site`: screened by chord, then measured exactly; kept if it is nearer, or
    /// as near with a lower index.
    #[inline]
    fn consider(&mut self, query: &Query, site: &Site) {
        if chord2(query.unit, site.unit) > self.chord2_limit {
            return;
        }
        self.offer(great_circle_miles(query.point, site.location), site.index as usize);
    }

    fn offer(&mut self, miles: f64, index: usize) {
        let miles = if miles.is_nan() { f64::INFINITY } else { miles };
        if miles < self.miles || (miles == self.miles && index < self.index) {
            let half_angle = (miles / (2.0 * EARTH_RADIUS_MILES)).min(std::f64::consts::FRAC_PI_2);
            let chord = 2.0 * half_angle.sin();
            let chord2_limit = if miles.is_finite() {
                chord * chord * (1.0 + CHORD_SLACK) + 1e-18
            } else {
                f64::INFINITY
            };
            *self = Best { miles, index, chord2_limit };
        }
    }
}

impl CityGrid {
    /// Indexes `locations`; city `i` is `locations[i]`. O(N) plus a pass over the 64,800
    /// cells.
    ///
    /// # Panics
    /// If there are more than `u32::MAX` locations.
    pub fn new(locations: &[GeoPoint]) -> CityGrid {
        assert!(u32::try_from(locations.len()).is_ok(), "at most u32::MAX cities are indexed");
        let all: Vec<Site> =
            locations.iter().enumerate().map(|(index, &point)| Site::new(point, index)).collect();

        let mut counts = vec![0u32; ROWS * COLUMNS + 1];
        let mut strays = Vec::new();
        for site in &all {
            match cell_of(site.location) {
                Some(cell) => counts[cell + 1] += 1,
                None => strays.push(*site),
            }
        }

        // Prefix sums turn counts into start positions; filling in index order keeps every
        // cell's sites sorted by index.
        for cell in 0..ROWS * COLUMNS {
            counts[cell + 1] += counts[cell];
        }
        let starts = counts;
        let mut next = starts.clone();
        let mut sites =
            vec![Site::new(GeoPoint::new(0.0, 0.0), 0); starts[ROWS * COLUMNS] as usize];
        for site in &all {
            if let Some(cell) = cell_of(site.location) {
                sites[next[cell] as usize] = *site;
                next[cell] += 1;
            }
        }

        CityGrid { starts, sites, strays, all }
    }

    /// The number of cities indexed.
    pub fn len(&self) -> usize {
        self.all.len()
    }

    /// Whether no city is indexed.
    pub fn is_empty(&self) -> bool {
        self.all.is_empty()
    }

    /// The index of the city nearest to `point` by great-circle distance, ties to the lower
    /// index; `None` only when the grid is empty.
    ///
    /// Typically a few cells near the point settle it (well under a microsecond for points in
    /// the contiguous US with the bundled table). A point that is not valid coordinates, or
    /// whose search outgrows [`MAX_RING`], is answered by a linear scan, which gives the same
    /// answer. Cities at non-finite locations count as infinitely far.
    pub fn nearest(&self, point: GeoPoint) -> Option<usize> {
        self.nearest_with_miles(point).map(|(index, _)| index)
    }

    /// Like [`CityGrid::nearest`], with the distance in miles (infinite if every city is at a
    /// non-finite location or the point is not finite).
    pub fn nearest_with_miles(&self, point: GeoPoint) -> Option<(usize, f64)> {
        if self.all.is_empty() {
            return None;
        }
        let query = Query { point, unit: unit_vector(point) };
        let found = match cell_of(point) {
            Some(cell) => {
                self.search_rings(&query, cell).unwrap_or_else(|| scan(&query, &self.all))
            }
            None => scan(&query, &self.all),
        };
        Some((found.index, found.miles))
    }

    /// Searches rings of cells around `cell` until the answer is settled; `None` if it is not
    /// settled within [`MAX_RING`] rings.
    fn search_rings(&self, query: &Query, cell: usize) -> Option<Best> {
        let (row, column) = (cell / COLUMNS, cell % COLUMNS);
        let mut best = scan(query, &self.strays);

        let cos_lat = query.point.lat.to_radians().cos();
        for ring in 0..=MAX_RING {
            self.visit_ring(query, row, column, ring, &mut best);
            let bound = outside_bound(query.point, cos_lat, row, column, ring);
            if best.miles + SLACK_MILES < bound {
                return Some(best);
            }
        }
        None
    }

    /// Considers every city in the cells at Chebyshev distance `ring` from (`row`,
    /// `column`), longitudes wrapping around the antimeridian.
    fn visit_ring(&self, query: &Query, row: usize, column: usize, ring: usize, best: &mut Best) {
        let ring = ring as isize;
        for dr in -ring..=ring {
            let Some(r) = row.checked_add_signed(dr).filter(|&r| r < ROWS) else { continue };
            let step = if dr.abs() == ring { 1 } else { (2 * ring).max(1) };
            let mut dc = -ring;
            while dc <= ring {
                let c = (column as isize + dc).rem_euclid(COLUMNS as isize) as usize;
                let cell = r * COLUMNS + c;
                let (start, end) = (self.starts[cell] as usize, self.starts[cell + 1] as usize);
                for site in &self.sites[start..end] {
                    best.consider(query, site);
                }
                dc += step;
            }
        }
    }
}

/// The nearest of `sites` by checking every one.
fn scan(query: &Query, sites: &[Site]) -> Best {
    let mut best = Best::NONE;
    for site in sites {
        best.consider(query, site);
    }
    best
}

/// The index of the location nearest to `point`, and its distance, by checking every one
/// (NaN distances count as infinitely far, ties to the lower index); `None` if there is none.
pub(super) fn scan_nearest(
    point: GeoPoint,
    locations: impl IntoIterator<Item = GeoPoint>,
) -> Option<(usize, f64)> {
    let mut best = Best::NONE;
    for (index, location) in locations.into_iter().enumerate() {
        best.offer(great_circle_miles(point, location), index);
    }
    (best.index != usize::MAX).then_some((best.index, best.miles))
}

/// The point on the unit sphere at `point`.
fn unit_vector(point: GeoPoint) -> [f64; 3] {
    let (lat, lon) = (point.lat.to_radians(), point.lon.to_radians());
    [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
}

/// The squared straight-line distance between two unit vectors: `(2 sin(angle / 2))^2`,
/// increasing with the great-circle angle between them.
#[inline]
fn chord2(a: [f64; 3], b: [f64; 3]) -> f64 {
    let (dx, dy, dz) = (a[0] - b[0], a[1] - b[1], a[2] - b[2]);
    dx * dx + dy * dy + dz * dz
}

/// The cell of a valid point (latitude 90 and longitude 180 fall in the last row and
/// column); `None` for a point that is not valid coordinates.
fn cell_of(point: GeoPoint) -> Option<usize> {
    if !point.is_valid() {
        return None;
    }
    let row = ((point.lat + 90.0).floor() as usize).min(ROWS - 1);
    let column = ((point.lon + 180.0).floor() as usize).min(COLUMNS - 1);
    Some(row * COLUMNS + column)
}

/// A lower bound, in miles, on the distance from `point` (in cell `row`, `column`) to any
/// location outside the block of cells within `ring` of that cell.
///
/// Such a location lies either outside the block's band of latitudes, which is at least the
/// latitude gap away (no arc is shorter than its change of latitude), or inside the band but
/// beyond the block's longitudes by at least `d` degrees. Reaching it then crosses a meridian
/// `d` degrees from the point, and the distance from a point at latitude `phi` to the great
/// circle of a meridian `d` degrees away is `asin(cos(phi) sin(d))`.
fn outside_bound(point: GeoPoint, cos_lat: f64, row: usize, column: usize, ring: usize) -> f64 {
    let south = if row <= ring { f64::INFINITY } else { point.lat - (-90.0 + (row - ring) as f64) };
    let north = if row + ring >= ROWS - 1 {
        f64::INFINITY
    } else {
        (-90.0 + (row + ring + 1) as f64) - point.lat
    };
    let latitude_miles = south.min(north).to_radians() * EARTH_RADIUS_MILES;

    if 2 * ring + 1 >= COLUMNS {
        return latitude_miles;
    }
    let west = point.lon - (-180.0 + column as f64 - ring as f64);
    let east = (-180.0 + (column + ring + 1) as f64) - point.lon;
    let degrees = west.min(east).clamp(0.0, 180.0);
    let sine = (cos_lat * degrees.to_radians().sin()).clamp(0.0, 1.0);
    let longitude_miles = sine.asin() * EARTH_RADIUS_MILES;

    latitude_miles.min(longitude_miles)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The reference: nearest by a plain minimum over every city, NaN as infinitely far,
    /// ties to the lower index.
    fn linear(locations: &[GeoPoint], point: GeoPoint) -> usize {
        let key = |miles: f64| if miles.is_nan() { f64::INFINITY } else { miles };
        (0..locations.len())
            .min_by(|&a, &b| {
                let (da, db) = (
                    great_circle_miles(point, locations[a]),
                    great_circle_miles(point, locations[b]),
                );
                key(da).total_cmp(&key(db)).then(a.cmp(&b))
            })
            .unwrap()
    }

    fn bundled_locations() -> Vec<GeoPoint> {
        crate::network::CityTable::bundled().cities.iter().map(|c| c.location).collect()
    }

    #[test]
    fn empty_grid_has_no_nearest() {
        let grid = CityGrid::new(&[]);
        assert!(grid.is_empty());
        assert_eq!(grid.nearest(GeoPoint::new(0.0, 0.0)), None);
    }

    #[test]
    fn finds_known_cities() {
        let table = crate::network::CityTable::bundled();
        let grid = CityGrid::new(&bundled_locations());
        let city_hall = grid.nearest(GeoPoint::new(40.714, -74.006)).unwrap();
        assert_eq!(table.cities[city_hall].name, "New York City");
        let (downtown_la, miles) = grid.nearest_with_miles(GeoPoint::new(34.05, -118.24)).unwrap();
        assert_eq!(table.cities[downtown_la].name, "Los Angeles");
        assert!(miles < 1.0, "{miles}");
    }

    #[test]
    fn far_points_and_invalid_points_still_answer() {
        let locations = bundled_locations();
        let grid = CityGrid::new(&locations);
        for point in [
            GeoPoint::new(-33.87, 151.21),
            GeoPoint::new(90.0, 0.0),
            GeoPoint::new(-90.0, 180.0),
            GeoPoint::new(0.0, -180.0),
            GeoPoint::new(64.8, -147.7),
            GeoPoint::new(95.0, 10.0),
        ] {
            assert_eq!(grid.nearest(point), Some(linear(&locations, point)), "{point:?}");
        }
        assert_eq!(grid.nearest(GeoPoint::new(f64::NAN, 0.0)), Some(0));
    }

    #[test]
    fn ties_go_to_the_lower_index() {
        let same = GeoPoint::new(10.0, 10.0);
        let grid = CityGrid::new(&[GeoPoint::new(50.0, 50.0), same, same, same]);
        assert_eq!(grid.nearest(GeoPoint::new(10.2, 10.2)), Some(1));

        // Two cities in different cells, equally far from a point between them.
        let grid = CityGrid::new(&[GeoPoint::new(0.0, 12.5), GeoPoint::new(0.0, 7.5)]);
        assert_eq!(grid.nearest(GeoPoint::new(0.0, 10.0)), Some(0));
    }

    #[test]
    fn cities_across_the_antimeridian_are_found() {
        let locations = [GeoPoint::new(0.0, 179.9), GeoPoint::new(0.0, -170.0)];
        let grid = CityGrid::new(&locations);
        assert_eq!(grid.nearest(GeoPoint::new(0.0, -179.95)), Some(0));
    }

    #[test]
    fn invalid_city_locations_are_strays() {
        let locations =
            [GeoPoint::new(f64::NAN, 0.0), GeoPoint::new(40.0, -100.0), GeoPoint::new(95.0, 0.0)];
        let grid = CityGrid::new(&locations);
        assert_eq!(grid.nearest(GeoPoint::new(40.0, -100.0)), Some(1));
        assert_eq!(
            grid.nearest(GeoPoint::new(89.0, 0.0)),
            Some(linear(&locations, GeoPoint::new(89.0, 0.0)))
        );
    }

    fn point() -> impl Strategy<Value = GeoPoint> {
        (-90.0..=90.0f64, -180.0..=180.0f64).prop_map(|(lat, lon)| GeoPoint::new(lat, lon))
    }

    fn us_point() -> impl Strategy<Value = GeoPoint> {
        (24.0..50.0f64, -125.0..-66.0f64).prop_map(|(lat, lon)| GeoPoint::new(lat, lon))
    }

    proptest! {
        #[test]
        fn matches_a_linear_scan_on_the_bundled_table(p in prop_oneof![us_point(), point()]) {
            let locations = bundled_locations();
            let grid = CityGrid::new(&locations);
            prop_assert_eq!(grid.nearest(p), Some(linear(&locations, p)));
        }

        #[test]
        fn matches_a_linear_scan_on_random_cities(
            cities in proptest::collection::vec(point(), 1..60),
            queries in proptest::collection::vec(point(), 1..20),
        ) {
            let grid = CityGrid::new(&cities);
            for p in queries {
                prop_assert_eq!(grid.nearest(p), Some(linear(&cities, p)));
            }
        }

        #[test]
        fn matches_a_linear_scan_on_clustered_cities(
            cities in proptest::collection::vec(
                (-2.0..2.0f64, -2.0..2.0f64).prop_map(|(a, b)| GeoPoint::new(a.round(), b)), 1..40),
            queries in proptest::collection::vec(
                (-3.0..3.0f64, -3.0..3.0f64).prop_map(|(a, b)| GeoPoint::new(a, b.round())), 1..20),
        ) {
            let grid = CityGrid::new(&cities);
            for p in queries {
                prop_assert_eq!(grid.nearest(p), Some(linear(&cities, p)));
            }
        }
    }
}
