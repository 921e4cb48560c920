//! The city table: where people live, for placing stores and customers.
//!
//! Owns [`City`], [`CityTable`] (read from CSV, sorted by population), the bundled copy of
//! `data/us_cities_pop50k.csv` (971 US places of 50,000 or more, from GeoNames, CC BY 4.0; see
//! `data/README.md`), [`Placement`] of stores at cities, and [`PopulationIndex`] for drawing
//! cities in proportion to population, and nearest-city lookups through [`CityGrid`] (in
//! `cities/grid.rs`), which each table builds once, on first use. The only I/O is the reader
//! or path the caller hands to [`CityTable::from_reader`] or [`CityTable::from_path`]; the
//! only randomness is [`Placement::Sampled`], seeded by the caller. Knows nothing of nodes,
//! demand or orders.

mod grid;

use std::cmp::Ordering;
use std::fmt;
use std::io::Read;
use std::path::Path;
use std::sync::OnceLock;

use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use thiserror::Error;

use super::geo::GeoPoint;

pub use grid::{CityGrid, MAX_RING};

/// The bundled table, embedded at compile time.
const BUNDLED_CSV: &str = include_str!("../../data/us_cities_pop50k.csv");

/// The largest population a city may have: more people than live on Earth is a typo, and
/// keeping every population below it keeps the table's totals far from overflowing.
pub const MAX_CITY_POPULATION: u64 = 10_000_000_000;

/// The name the bundled table goes by in error messages.
const BUNDLED_NAME: &str = "data/us_cities_pop50k.csv (bundled)";

/// One populated place.
#[derive(Clone, Debug, PartialEq)]
pub struct City {
    /// Place name, e.g. "New York City".
    pub name: String,
    /// State (first-level division) code, e.g. "NY".
    pub state: String,
    /// Where it is.
    pub location: GeoPoint,
    /// Inhabitants, always positive.
    pub population: u64,
    /// IANA time zone, e.g. "America/New_York".
    pub timezone: String,
}

/// A table of cities, most populous first (equal populations by name, then state).
///
/// Build it with [`CityTable::new`], [`CityTable::from_reader`], [`CityTable::from_path`] or
/// [`CityTable::bundled`]. The cities are public for reading and for edits made before the
/// first nearest-city lookup: [`CityTable::nearest`] indexes the locations once, on its first
/// call, and later edits are not seen by the index (a table whose length no longer matches
/// its index falls back to a linear scan; moving a city in place is not detected).
#[derive(Clone)]
pub struct CityTable {
    /// The cities, in table order.
    pub cities: Vec<City>,
    grid: OnceLock<CityGrid>,
}

impl PartialEq for CityTable {
    /// Tables are equal when their cities are; whether the index is built does not matter.
    fn eq(&self, other: &CityTable) -> bool {
        self.cities == other.cities
    }
}

impl fmt::Debug for CityTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CityTable").field("cities", &self.cities).finish_non_exhaustive()
    }
}

/// How to choose the cities that get a store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// The most populous cities.
    Largest,
    /// Distinct cities drawn at random with probability proportional to population, without
    /// replacement, from a generator seeded with `seed`.
    Sampled {
        /// Seed of the Xoshiro256++ generator; the same seed gives the same cities.
        seed: u64,
    },
}

/// Why a city table could not be read or used. Every variant is fatal for the table; the
/// `table` field is the source name the caller gave (a path, or "bundled").
#[derive(Debug, Error)]
pub enum CityTableError {
    /// The source could not be read or is not well-formed CSV (the message gives the position).
    #[error("{table}: cannot read the city table: {message}")]
    Read {
        /// Source name.
        table: String,
        /// What went wrong, from the reader.
        message: String,
    },
    /// The header lacks a required column.
    #[error("{table}: the header has no `{column}` column")]
    MissingColumn {
        /// Source name.
        table: String,
        /// The required column.
        column: &'static str,
    },
    /// A numeric field does not parse.
    #[error("{table}, line {line}: field `{field}`: {value:?} is not a number")]
    BadNumber {
        /// Source name.
        table: String,
        /// 1-based line in the source.
        line: u64,
        /// The column.
        field: &'static str,
        /// The text found.
        value: String,
    },
    /// A text field that must have a value is blank.
    #[error("{table}, line {line}: field `{field}` is empty")]
    EmptyField {
        /// Source name.
        table: String,
        /// 1-based line in the source.
        line: u64,
        /// The column.
        field: &'static str,
    },
    /// A latitude outside [-90, 90].
    #[error("{table}, line {line}: field `lat`: latitude {value} is outside [-90, 90]")]
    LatitudeOutOfRange {
        /// Source name.
        table: String,
        /// 1-based line in the source.
        line: u64,
        /// The latitude found.
        value: f64,
    },
    /// A longitude outside [-180, 180].
    #[error("{table}, line {line}: field `lon`: longitude {value} is outside [-180, 180]")]
    LongitudeOutOfRange {
        /// Source name.
        table: String,
        /// 1-based line in the source.
        line: u64,
        /// The longitude found.
        value: f64,
    },
    /// A population of zero or less.
    #[error("{table}, line {line}: field `population`: {value} is not positive")]
    NonPositivePopulation {
        /// Source name.
        table: String,
        /// 1-based line in the source.
        line: u64,
        /// The population found.
        value: i64,
    },
    /// A population above [`MAX_CITY_POPULATION`]: a typo, and one that would overflow the
    /// population totals.
    #[error("{table}, line {line}: field `population`: {value} is more than {limit} (the limit)", limit = MAX_CITY_POPULATION)]
    PopulationTooLarge {
        /// Source name.
        table: String,
        /// 1-based line in the source.
        line: u64,
        /// The population found.
        value: u64,
    },
    /// The table has a header but no city.
    #[error("{table}: the city table has no rows")]
    Empty {
        /// Source name.
        table: String,
    },
    /// More cities were requested than the table has.
    #[error("asked to place {requested} stores at distinct cities, but the table has {available}")]
    TooManyRequested {
        /// Cities asked for.
        requested: usize,
        /// Cities in the table.
        available: usize,
    },
}

/// Column positions of the fields the table uses, found from the header.
struct Columns {
    name: usize,
    state: usize,
    lat: usize,
    lon: usize,
    population: usize,
    timezone: usize,
}

impl CityTable {
    /// A table of `cities`, sorted into table order (most populous first, then by name, then
    /// by state). Cities are not validated here; ones at invalid coordinates are never near
    /// anything valid except through a linear scan (see [`CityGrid`]).
    pub fn new(mut cities: Vec<City>) -> CityTable {
        cities.sort_by(table_order);
        CityTable { cities, grid: OnceLock::new() }
    }

    /// The table the crate ships: 971 US places of at least 50,000 inhabitants, New York City
    /// first. Parsed on every call (about a millisecond); keep the result.
    pub fn bundled() -> CityTable {
        CityTable::from_reader(BUNDLED_CSV.as_bytes(), BUNDLED_NAME)
            .expect("the bundled city table is well-formed; a unit test parses it")
    }

    /// Reads a table from CSV with a header naming at least the columns `name`, `admin1`
    /// (the state), `lat`, `lon`, `population` and `timezone`, in any order (the bundled file
    /// also has `geonameid` and `country`, which are ignored). `source_name` names the source
    /// in errors. The result is sorted most populous first.
    pub fn from_reader(reader: impl Read, source_name: &str) -> Result<CityTable, CityTableError> {
        let mut csv = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(reader);
        let read_error = |e: csv::Error| CityTableError::Read {
            table: source_name.to_string(),
            message: e.to_string(),
        };

        let header = csv.headers().map_err(read_error)?.clone();
        let columns = Columns::find(&header, source_name)?;

        let mut cities = Vec::new();
        for record in csv.records() {
            let record = record.map_err(read_error)?;
            cities.push(columns.city(&record, source_name)?);
        }
        if cities.is_empty() {
            return Err(CityTableError::Empty { table: source_name.to_string() });
        }

        Ok(CityTable::new(cities))
    }

    /// Reads a table from the CSV file at `path` (see [`CityTable::from_reader`]); errors name
    /// the path.
    pub fn from_path(path: impl AsRef<Path>) -> Result<CityTable, CityTableError> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let file = std::fs::File::open(path)
            .map_err(|e| CityTableError::Read { table: name.clone(), message: e.to_string() })?;
        CityTable::from_reader(std::io::BufReader::new(file), &name)
    }

    /// The number of cities.
    pub fn len(&self) -> usize {
        self.cities.len()
    }

    /// Whether the table has no city (never true for a table that was read successfully).
    pub fn is_empty(&self) -> bool {
        self.cities.is_empty()
    }

    /// The nearest-city index of this table, built on the first call (about a millisecond
    /// for the bundled table) and kept.
    pub fn grid(&self) -> &CityGrid {
        self.grid.get_or_init(|| {
            let locations: Vec<GeoPoint> = self.cities.iter().map(|city| city.location).collect();
            CityGrid::new(&locations)
        })
    }

    /// The index of the city nearest to `point` by great-circle distance, ties to the lower
    /// index. Fast enough for millions of calls: the first call builds a 1-degree grid index
    /// ([`CityTable::grid`]), later calls search a few cells around the point (see
    /// [`CityGrid::nearest`] for the method and its exactness). Points anywhere on the Earth
    /// are answered; invalid coordinates by a linear scan.
    ///
    /// # Panics
    /// If the table is empty (a table read by [`CityTable::from_reader`] never is).
    pub fn nearest(&self, point: GeoPoint) -> usize {
        let grid = self.grid();
        let found = if grid.len() == self.cities.len() {
            grid.nearest(point)
        } else {
            grid::scan_nearest(point, self.cities.iter().map(|city| city.location))
                .map(|(index, _)| index)
        };
        found.expect("nearest is only asked of a non-empty city table")
    }

    /// Total population of all cities.
    pub fn total_population(&self) -> u64 {
        self.cities.iter().map(|city| city.population).sum()
    }

    /// Each city's share of the total population, in table order; the shares sum to 1.
    pub fn weights(&self) -> Vec<f64> {
        let total = self.total_population().max(1) as f64;
        self.cities.iter().map(|city| city.population as f64 / total).collect()
    }

    /// A cumulative-population index for drawing cities in proportion to population.
    pub fn population_index(&self) -> PopulationIndex {
        let cumulative = self
            .cities
            .iter()
            .scan(0u64, |running, city| {
                *running += city.population;
                Some(*running)
            })
            .collect();
        PopulationIndex { cumulative }
    }

    /// Indices of `n` distinct cities chosen by `placement`.
    ///
    /// `Largest` gives the `n` most populous, most populous first. `Sampled` draws without
    /// replacement with probability proportional to population (Efraimidis and Spirakis,
    /// "Weighted random sampling with a reservoir", Information Processing Letters 97, 2006:
    /// each city gets the key `ln(u) / population` for a uniform `u`, and the `n` largest keys
    /// win), returned in draw order; deterministic for a seed. O(N log N) for N cities.
    pub fn place(&self, n: usize, placement: Placement) -> Result<Vec<usize>, CityTableError> {
        if n > self.cities.len() {
            return Err(CityTableError::TooManyRequested {
                requested: n,
                available: self.cities.len(),
            });
        }

        let order = match placement {
            Placement::Largest => self.by_population(),
            Placement::Sampled { seed } => self.in_draw_order(seed),
        };
        Ok(order.into_iter().take(n).collect())
    }

    /// Every city index, most populous first, ties by name then state (the table's own order
    /// when it was read, recomputed in case `cities` was edited).
    fn by_population(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.cities.len()).collect();
        order.sort_by(|&a, &b| table_order(&self.cities[a], &self.cities[b]));
        order
    }

    /// Every city index in the order a weighted draw without replacement would pick them:
    /// one uniform `u` per city in table order, key `ln(u) / population`, largest key first
    /// (ties to the smaller index).
    fn in_draw_order(&self, seed: u64) -> Vec<usize> {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let mut keyed: Vec<(f64, usize)> = self
            .cities
            .iter()
            .enumerate()
            .map(|(index, city)| {
                let u = 1.0 - rng.random::<f64>();
                (u.ln() / city.population.max(1) as f64, index)
            })
            .collect();

        keyed.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        keyed.into_iter().map(|(_, index)| index).collect()
    }
}

/// The order of a city table: most populous first, then by name, then by state.
fn table_order(a: &City, b: &City) -> Ordering {
    b.population
        .cmp(&a.population)
        .then_with(|| a.name.cmp(&b.name))
        .then_with(|| a.state.cmp(&b.state))
}

impl Columns {
    fn find(header: &csv::StringRecord, table: &str) -> Result<Columns, CityTableError> {
        let position = |column: &'static str| {
            header
                .iter()
                .position(|h| h == column)
                .ok_or_else(|| CityTableError::MissingColumn { table: table.to_string(), column })
        };
        Ok(Columns {
            name: position("name")?,
            state: position("admin1")?,
            lat: position("lat")?,
            lon: position("lon")?,
            population: position("population")?,
            timezone: position("timezone")?,
        })
    }

    fn city(&self, record: &csv::StringRecord, table: &str) -> Result<City, CityTableError> {
        let line = record.position().map_or(0, |p| p.line());
        let field = FieldReader { record, table, line };

        let lat = field.number("lat", self.lat)?;
        if !(-90.0..=90.0).contains(&lat) {
            return Err(CityTableError::LatitudeOutOfRange {
                table: table.to_string(),
                line,
                value: lat,
            });
        }
        let lon = field.number("lon", self.lon)?;
        if !(-180.0..=180.0).contains(&lon) {
            return Err(CityTableError::LongitudeOutOfRange {
                table: table.to_string(),
                line,
                value: lon,
            });
        }

        Ok(City {
            name: field.text("name", self.name)?,
            state: field.text("admin1", self.state)?,
            location: GeoPoint::new(lat, lon),
            population: field.population(self.population)?,
            timezone: field.text("timezone", self.timezone)?,
        })
    }
}

/// Reads typed fields of one record, producing errors that name the table, line and field.
struct FieldReader<'a> {
    record: &'a csv::StringRecord,
    table: &'a str,
    line: u64,
}

impl FieldReader<'_> {
    fn raw(&self, column: usize) -> &str {
        self.record.get(column).unwrap_or("")
    }

    fn text(&self, field: &'static str, column: usize) -> Result<String, CityTableError> {
        let value = self.raw(column);
        if value.is_empty() {
            return Err(CityTableError::EmptyField {
                table: self.table.to_string(),
                line: self.line,
                field,
            });
        }
        Ok(value.to_string())
    }

    fn number(&self, field: &'static str, column: usize) -> Result<f64, CityTableError> {
        let value = self.raw(column);
        value
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| self.bad_number(field, value))
    }

    fn population(&self, column: usize) -> Result<u64, CityTableError> {
        let value = self.raw(column);
        let parsed: i64 = value.parse().map_err(|_| self.bad_number("population", value))?;
        let population = u64::try_from(parsed).ok().filter(|&p| p > 0).ok_or(
            CityTableError::NonPositivePopulation {
                table: self.table.to_string(),
                line: self.line,
                value: parsed,
            },
        )?;
        if population > MAX_CITY_POPULATION {
            return Err(CityTableError::PopulationTooLarge {
                table: self.table.to_string(),
                line: self.line,
                value: population,
            });
        }
        Ok(population)
    }

    fn bad_number(&self, field: &'static str, value: &str) -> CityTableError {
        CityTableError::BadNumber {
            table: self.table.to_string(),
            line: self.line,
            field,
            value: value.to_string(),
        }
    }
}

/// Cumulative populations in table order, for drawing a city with probability proportional to
/// its population from one uniform number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PopulationIndex {
    cumulative: Vec<u64>,
}

impl PopulationIndex {
    /// Running totals of population, in table order; the last is the total.
    pub fn cumulative(&self) -> &[u64] {
        &self.cumulative
    }

    /// The total population.
    pub fn total(&self) -> u64 {
        self.cumulative.last().copied().unwrap_or(0)
    }

    /// The city at cumulative share `fraction` of the population: for `fraction` uniform in
    /// [0, 1), city `i` comes out with probability `population_i / total`. Values outside
    /// [0, 1) are clamped into it. `None` only for an empty table. O(log N).
    pub fn pick(&self, fraction: f64) -> Option<usize> {
        let total = self.total();
        if total == 0 {
            return None;
        }
        let scaled = (fraction.clamp(0.0, 1.0) * total as f64) as u64;
        let person = scaled.min(total - 1);
        Some(self.cumulative.partition_point(|&running| running <= person))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = "\
geonameid,name,country,admin1,lat,lon,population,timezone
1,Smallville,US,KS,39.0,-98.0,50000,America/Chicago
2,Metropolis,US,NY,40.7,-74.0,2000000,America/New_York
3,Gotham,US,NJ,40.7,-74.2,2000000,America/New_York
";

    fn small() -> CityTable {
        CityTable::from_reader(SMALL.as_bytes(), "small.csv").unwrap()
    }

    #[test]
    fn bundled_table_loads() {
        let table = CityTable::bundled();
        assert_eq!(table.len(), 971);
        assert_eq!(table.cities[0].name, "New York City");
        assert_eq!(table.cities[0].state, "NY");
        assert_eq!(table.cities[0].timezone, "America/New_York");
        assert_eq!(table.cities[1].name, "Los Angeles");
        assert!(table.cities.windows(2).all(|w| w[0].population >= w[1].population));
        let total = table.total_population() as f64;
        assert!((total / 1e6 - 144.6).abs() < 0.1, "total population {total}");
    }

    #[test]
    fn sorted_by_population_then_name() {
        let names: Vec<_> = small().cities.into_iter().map(|c| c.name).collect();
        assert_eq!(names, ["Gotham", "Metropolis", "Smallville"]);
    }

    #[test]
    fn column_order_does_not_matter_and_extras_are_ignored() {
        let csv = "timezone,population,lon,lat,admin1,name,extra\n\
                   America/Denver,60000,-105.0,39.7,CO,Denver,x\n";
        let table = CityTable::from_reader(csv.as_bytes(), "shuffled.csv").unwrap();
        let city = &table.cities[0];
        assert_eq!((city.name.as_str(), city.state.as_str()), ("Denver", "CO"));
        assert_eq!(city.population, 60_000);
        assert!((city.location.lon + 105.0).abs() < 1e-12);
    }

    fn error_for(csv: &str) -> String {
        CityTable::from_reader(csv.as_bytes(), "bad.csv").unwrap_err().to_string()
    }

    const HEADER: &str = "geonameid,name,country,admin1,lat,lon,population,timezone\n";

    #[test]
    fn errors_name_the_source_line_and_field() {
        let bad_lat = format!("{HEADER}1,A,US,KS,39.0,-98.0,50000,Z\n2,B,US,KS,95.5,-98.0,1,Z\n");
        assert_eq!(
            error_for(&bad_lat),
            "bad.csv, line 3: field `lat`: latitude 95.5 is outside [-90, 90]"
        );

        let bad_number = format!("{HEADER}1,A,US,KS,39.0,west,50000,Z\n");
        assert_eq!(
            error_for(&bad_number),
            "bad.csv, line 2: field `lon`: \"west\" is not a number"
        );

        let bad_lon = format!("{HEADER}1,A,US,KS,39.0,-198.0,50000,Z\n");
        assert!(error_for(&bad_lon).contains("longitude -198"));

        let zero = format!("{HEADER}1,A,US,KS,39.0,-98.0,0,Z\n");
        assert_eq!(error_for(&zero), "bad.csv, line 2: field `population`: 0 is not positive");

        let negative = format!("{HEADER}1,A,US,KS,39.0,-98.0,-7,Z\n");
        assert!(error_for(&negative).contains("-7 is not positive"));

        let fractional = format!("{HEADER}1,A,US,KS,39.0,-98.0,12.5,Z\n");
        assert!(error_for(&fractional).contains("field `population`: \"12.5\" is not a number"));

        let blank_name = format!("{HEADER}1,,US,KS,39.0,-98.0,5,Z\n");
        assert_eq!(error_for(&blank_name), "bad.csv, line 2: field `name` is empty");

        let huge = format!("{HEADER}1,A,US,KS,39.0,-98.0,9223372036854775807,Z\n");
        assert_eq!(
            error_for(&huge),
            "bad.csv, line 2: field `population`: 9223372036854775807 is more than 10000000000 \
             (the limit)"
        );
    }

    #[test]
    fn structural_errors() {
        let missing = "name,admin1,lat,lon,timezone\nA,KS,1,2,Z\n";
        assert_eq!(error_for(missing), "bad.csv: the header has no `population` column");

        assert_eq!(error_for(HEADER), "bad.csv: the city table has no rows");

        let ragged = format!("{HEADER}1,A,US,KS,39.0\n");
        let message = error_for(&ragged);
        assert!(message.starts_with("bad.csv: cannot read the city table:"), "{message}");
        assert!(message.contains("line: 2"), "{message}");

        let missing_file = CityTable::from_path("/nonexistent/cities.csv").unwrap_err();
        assert!(missing_file.to_string().starts_with("/nonexistent/cities.csv: cannot read"));
    }

    #[test]
    fn from_path_reads_a_file() {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut file, SMALL.as_bytes()).unwrap();
        assert_eq!(CityTable::from_path(file.path()).unwrap(), small());
    }

    #[test]
    fn largest_placement_takes_the_most_populous() {
        let table = CityTable::bundled();
        let placed = table.place(10, Placement::Largest).unwrap();
        assert_eq!(placed, (0..10).collect::<Vec<_>>());
        assert_eq!(table.place(0, Placement::Largest).unwrap(), Vec::<usize>::new());
        assert_eq!(table.place(971, Placement::Largest).unwrap().len(), 971);
    }

    #[test]
    fn too_many_is_an_error() {
        let err = small().place(4, Placement::Sampled { seed: 1 }).unwrap_err();
        assert!(matches!(err, CityTableError::TooManyRequested { requested: 4, available: 3 }));
    }

    #[test]
    fn sampled_placement_is_deterministic_distinct_and_seed_dependent() {
        let table = CityTable::bundled();
        let first = table.place(25, Placement::Sampled { seed: 7 }).unwrap();
        let again = table.place(25, Placement::Sampled { seed: 7 }).unwrap();
        let other = table.place(25, Placement::Sampled { seed: 8 }).unwrap();
        assert_eq!(first, again);
        assert_ne!(first, other);

        let mut distinct = first.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), 25);
        assert!(first.iter().all(|&i| i < table.len()));
    }

    #[test]
    fn sampled_placement_favours_large_cities() {
        // New York holds about 6% of the table's population, the smallest city about 0.035%.
        let table = CityTable::bundled();
        let smallest = table.len() - 1;
        let (mut new_york, mut tiny) = (0, 0);
        for seed in 0..400 {
            let placed = table.place(5, Placement::Sampled { seed }).unwrap();
            new_york += usize::from(placed.contains(&0));
            tiny += usize::from(placed.contains(&smallest));
        }
        assert!(new_york > 60, "New York placed {new_york} times of 400");
        assert!(tiny < 10, "the smallest city placed {tiny} times of 400");
    }

    #[test]
    fn first_draw_follows_population_shares() {
        // The first of a sample of one is a single weighted draw: Gotham and Metropolis should
        // each win about 2/4.05 of the time, Smallville about 1.2%.
        let table = small();
        let mut wins = [0u32; 3];
        for seed in 0..4000 {
            wins[table.place(1, Placement::Sampled { seed }).unwrap()[0]] += 1;
        }
        let shares = wins.map(|w| f64::from(w) / 4000.0);
        assert!((shares[0] - 2.0 / 4.05).abs() < 0.04, "{shares:?}");
        assert!((shares[1] - 2.0 / 4.05).abs() < 0.04, "{shares:?}");
        assert!(shares[2] < 0.03, "{shares:?}");
    }

    #[test]
    fn weights_and_population_index_agree() {
        let table = small();
        let weights = table.weights();
        assert!((weights.iter().sum::<f64>() - 1.0).abs() < 1e-12);

        let index = table.population_index();
        assert_eq!(index.cumulative(), [2_000_000, 4_000_000, 4_050_000]);
        assert_eq!(index.total(), table.total_population());
        assert_eq!(index.pick(0.0), Some(0));
        assert_eq!(index.pick(0.49), Some(0));
        assert_eq!(index.pick(0.5), Some(1));
        assert_eq!(index.pick(0.99), Some(2));
        assert_eq!(index.pick(1.0), Some(2));
        assert_eq!(index.pick(-3.0), Some(0));

        let empty = CityTable::new(Vec::new());
        assert_eq!(empty.population_index().pick(0.5), None);
    }

    #[test]
    fn nearest_city_of_the_bundled_table() {
        let table = CityTable::bundled();
        let near = |lat, lon| table.cities[table.nearest(GeoPoint::new(lat, lon))].name.clone();
        assert_eq!(near(41.85, -87.65), "Chicago");
        assert_eq!(near(29.76, -95.36), "Houston");
        assert_eq!(near(61.0, -150.0), "Anchorage");
        // Sydney is thousands of miles from every city in the table; Honolulu is nearest.
        assert_eq!(near(-33.87, 151.21), "Honolulu");
        assert_eq!(table.grid().len(), 971);
    }

    #[test]
    fn edits_that_change_the_length_fall_back_to_a_scan() {
        let mut table = small();
        assert_eq!(table.nearest(GeoPoint::new(39.0, -98.0)), 2);
        table.cities.push(City {
            name: "Newtown".into(),
            state: "KS".into(),
            location: GeoPoint::new(39.5, -98.0),
            population: 1,
            timezone: "America/Chicago".into(),
        });
        assert_eq!(table.nearest(GeoPoint::new(39.6, -98.0)), 3);
    }

    #[test]
    fn equality_and_debug_ignore_the_index() {
        let built = small();
        built.nearest(GeoPoint::new(0.0, 0.0));
        assert_eq!(built, small());
        assert!(format!("{built:?}").starts_with("CityTable { cities: ["));
        assert_eq!(built.clone().nearest(GeoPoint::new(40.7, -74.01)), 1);
    }
}
