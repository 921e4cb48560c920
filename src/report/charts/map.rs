//! `network_map`: the nodes on a longitude/latitude map, coloured by kind and sized by the
//! shipments they sent, over faint dots for the demand regions (cities) sized by population.
//!
//! Owns [`NetworkMap`]. The projection is equirectangular with its ranges widened so a
//! degree of longitude is drawn `cos(latitude)` as wide as a degree of latitude
//! ([`fit_aspect`]), which keeps the country's shape without a map library. Shipments are
//! the baseline policy's (the first policy's when the baseline was not run).

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use super::data;
use super::style::{self, Entry, INK, MUTED, Mark};
use super::{Chart, ChartError, Run};
use crate::network::NodeKind;
use crate::report::metrics::Unit;

/// Colours of node kinds, and of cities.
const DC: RGBColor = RGBColor(196, 58, 49);
const STORE: RGBColor = RGBColor(44, 110, 170);
const VENDOR: RGBColor = RGBColor(118, 78, 160);
const CITY: RGBColor = RGBColor(150, 150, 150);

/// How many of the busiest stores are named on the map.
const NAMED_STORES: usize = 5;

/// Marker radius in pixels of a node that sent nothing, and of the busiest node.
const RADIUS: (f64, f64) = (4.0, 20.0);

/// Degrees of margin around the nodes.
const MARGIN_DEGREES: f64 = 2.5;

/// Chart margins and axis label areas, in pixels.
const MARGIN: u32 = 20;
const MARGIN_RIGHT: u32 = 40;
const Y_LABELS: u32 = 70;
const X_LABELS: u32 = 50;

/// One node on the map.
struct Spot {
    name: String,
    kind: NodeKind,
    lon: f64,
    lat: f64,
    radius: i32,
    named: bool,
}

/// `network_map`.
pub(super) struct NetworkMap {
    subtitle: String,
    note: String,
    spots: Vec<Spot>,
    /// Longitude, latitude and marker radius of each city in view.
    cities: Vec<(f64, f64, i32)>,
    lon: (f64, f64),
    lat: (f64, f64),
}

impl NetworkMap {
    /// The nodes of `run`'s network, sized by the baseline's shipments.
    pub(super) fn new(run: &Run) -> Self {
        let p = run.comparison.baseline.unwrap_or(0);
        let network = &run.scenario.network;
        let shipments = data::node_mean(run.comparison, p, "shipments", network.len());
        let most = shipments.iter().flatten().copied().fold(0.0, f64::max);
        let named_stores = busiest_stores(run, &shipments);

        let spots: Vec<Spot> = network
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, node)| node.location.is_valid())
            .map(|(i, node)| Spot {
                name: node.name.clone(),
                kind: node.kind,
                lon: node.location.lon,
                lat: node.location.lat,
                radius: radius(shipments[i].unwrap_or(0.0), most),
                named: node.kind != NodeKind::Store || named_stores.contains(&i),
            })
            .collect();
        let (lon, lat) = bounds(&spots);
        let cities = cities_in_view(run, lon, lat);
        let busiest = shipments
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.map(|s| (i, s)))
            .max_by(|a, b| a.1.total_cmp(&b.1));
        let note = match busiest {
            Some((i, s)) => format!(
                "Largest marker: {}, {} shipments per replication. Named: DCs, vendors and \
                 the {NAMED_STORES} busiest stores.",
                network.nodes[i].name,
                Unit::Count.format(s)
            ),
            None => "No node sent shipments.".to_string(),
        };
        NetworkMap {
            subtitle: format!(
                "Marker area grows with shipments and pickups per replication under {}; {}",
                run.label(p),
                run.over()
            ),
            note,
            spots,
            cities,
            lon,
            lat,
        }
    }
}

/// Indices of the stores that sent the most, at most [`NAMED_STORES`].
fn busiest_stores(run: &Run, shipments: &[Option<f64>]) -> Vec<usize> {
    let mut stores: Vec<(usize, f64)> = run
        .scenario
        .network
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, node)| node.kind == NodeKind::Store)
        .filter_map(|(i, _)| shipments[i].filter(|&s| s > 0.0).map(|s| (i, s)))
        .collect();
    stores.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    stores.into_iter().take(NAMED_STORES).map(|(i, _)| i).collect()
}

/// A marker radius whose area grows with `value` up to `most`.
fn radius(value: f64, most: f64) -> i32 {
    let (small, large) = RADIUS;
    let share = if most > 0.0 { (value / most).clamp(0.0, 1.0) } else { 0.0 };
    (small + (large - small) * share.sqrt()).round() as i32
}

/// Longitude and latitude ranges around every spot, with a margin; the continental US when
/// there are none.
fn bounds(spots: &[Spot]) -> ((f64, f64), (f64, f64)) {
    if spots.is_empty() {
        return ((-125.0, -66.0), (24.0, 50.0));
    }
    let span = |f: fn(&Spot) -> f64| {
        let (lo, hi) = spots
            .iter()
            .map(f)
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
        (lo - MARGIN_DEGREES, hi + MARGIN_DEGREES)
    };
    (span(|s| s.lon), span(|s| s.lat))
}

/// The scenario's cities inside the view, with a marker radius by population.
fn cities_in_view(run: &Run, lon: (f64, f64), lat: (f64, f64)) -> Vec<(f64, f64, i32)> {
    let inside = |c: &&crate::network::City| {
        (lon.0..=lon.1).contains(&c.location.lon) && (lat.0..=lat.1).contains(&c.location.lat)
    };
    let cities: Vec<_> = run.scenario.cities.cities.iter().filter(inside).collect();
    let largest = cities.iter().map(|c| c.population).max().unwrap_or(1).max(1) as f64;
    cities
        .iter()
        .map(|c| {
            let share = c.population as f64 / largest;
            (c.location.lon, c.location.lat, (1.0 + 6.0 * share.sqrt()).round() as i32)
        })
        .collect()
}

/// Widens the longitude or the latitude range, around its centre, so the map keeps its
/// shape in a plot of `width` x `height` pixels.
fn fit_aspect(
    lon: (f64, f64),
    lat: (f64, f64),
    width: f64,
    height: f64,
) -> ((f64, f64), (f64, f64)) {
    let squeeze = ((lat.0 + lat.1) / 2.0).to_radians().cos().max(0.1);
    let (lon_span, lat_span) = ((lon.1 - lon.0) * squeeze, lat.1 - lat.0);
    let target = width.max(1.0) / height.max(1.0);
    if lat_span <= 0.0 || lon_span <= 0.0 {
        return (lon, lat);
    }
    let widen = |(lo, hi): (f64, f64), span: f64| {
        let centre = (lo + hi) / 2.0;
        (centre - span / 2.0, centre + span / 2.0)
    };
    if lon_span / lat_span < target {
        (widen(lon, target * lat_span / squeeze), lat)
    } else {
        (lon, widen(lat, lon_span / target))
    }
}

impl Chart for NetworkMap {
    fn name(&self) -> &'static str {
        "network_map"
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let area = style::header(root, "The network: where orders are fulfilled", &self.subtitle)?;
        let legend = [
            Entry::new(Mark::Box(DC), "DC"),
            Entry::new(Mark::Dot(STORE), "store"),
            Entry::new(Mark::Triangle(VENDOR), "vendor"),
            Entry::new(Mark::Dot(CITY), "demand region (city), by population"),
        ];
        let area = style::legend_row(&area, &legend)?;
        let area = style::note(&area, &self.note)?;

        let (w, h) = area.dim_in_pixel();
        let plot_w = f64::from(w.saturating_sub(2 * MARGIN + MARGIN_RIGHT + Y_LABELS));
        let plot_h = f64::from(h.saturating_sub(2 * MARGIN + X_LABELS));
        let (lon, lat) = fit_aspect(self.lon, self.lat, plot_w, plot_h);
        let mut chart = ChartBuilder::on(&area)
            .margin(MARGIN)
            .margin_right(MARGIN_RIGHT)
            .x_label_area_size(X_LABELS)
            .y_label_area_size(Y_LABELS)
            .build_cartesian_2d(lon.0..lon.1, lat.0..lat.1)?;
        let degrees = |v: &f64| format!("{v:.0}\u{b0}");
        chart
            .configure_mesh()
            .light_line_style(WHITE)
            .bold_line_style(style::GRID)
            .axis_style(MUTED)
            .x_label_formatter(&degrees)
            .y_label_formatter(&degrees)
            .x_desc("longitude (\u{b0})")
            .y_desc("latitude (\u{b0})")
            .label_style(style::text(14.0, INK))
            .axis_desc_style(style::text(15.0, INK))
            .draw()?;

        let city = CITY.mix(0.3).filled();
        chart.draw_series(self.cities.iter().map(|&(x, y, r)| Circle::new((x, y), r, city)))?;
        self.draw_spots(&chart)?;
        self.draw_names(root, &chart)
    }
}

impl NetworkMap {
    /// Stores first, then DCs and vendors on top.
    fn draw_spots<DB: DrawingBackend>(
        &self,
        chart: &ChartContext<DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    ) -> Result<(), ChartError> {
        let area = chart.plotting_area();
        for kind in [NodeKind::Store, NodeKind::Dc, NodeKind::Vendor] {
            for s in self.spots.iter().filter(|s| s.kind == kind) {
                let (at, r) = ((s.lon, s.lat), s.radius);
                match kind {
                    NodeKind::Store => {
                        area.draw(&Circle::new(at, r, STORE.mix(0.7).filled()))?;
                        area.draw(&Circle::new(at, r, WHITE.stroke_width(1)))?;
                    }
                    NodeKind::Dc => {
                        let square = EmptyElement::at(at)
                            + Rectangle::new([(-r, -r), (r, r)], DC.mix(0.85).filled())
                            + Rectangle::new([(-r, -r), (r, r)], INK.stroke_width(1));
                        area.draw(&square)?;
                    }
                    NodeKind::Vendor => {
                        area.draw(&TriangleMarker::new(at, r.max(7), VENDOR.filled()))?
                    }
                }
            }
        }
        Ok(())
    }

    /// Names the DCs, vendors and busiest stores beside their markers.
    fn draw_names<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        chart: &ChartContext<DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    ) -> Result<(), ChartError> {
        let label = style::bold(13.0, INK);
        let right = chart.plotting_area().get_pixel_range().0.end;
        let named: Vec<&Spot> = self.spots.iter().filter(|s| s.named).collect();
        let wanted: Vec<style::Wanted> = named
            .iter()
            .map(|s| {
                let (x, y) = chart.backend_coord(&(s.lon, s.lat));
                let size = root.estimate_text_size(&s.name, &label).unwrap_or((80, 14));
                let gap = s.radius + 4;
                style::Wanted { at: (x + gap, y - 8), size, left: x - gap - size.0 as i32 }
            })
            .collect();
        for ((s, w), at) in named.iter().zip(&wanted).zip(style::place_labels(&wanted, right)) {
            style::draw_label(root, &s.name, &label, at, w.size)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_map_keeps_its_shape() {
        let (lon, lat) = fit_aspect((-120.0, -70.0), (25.0, 50.0), 1000.0, 500.0);
        let squeeze = ((lat.0 + lat.1) / 2.0_f64).to_radians().cos();
        let ratio = (lon.1 - lon.0) * squeeze / (lat.1 - lat.0);
        assert!((ratio - 2.0).abs() < 1e-9, "drawn aspect {ratio}");
        assert!(lon.0 <= -120.0 && lon.1 >= -70.0 && lat.0 <= 25.0 && lat.1 >= 50.0);
    }

    #[test]
    fn a_tall_plot_widens_the_latitudes() {
        let (lon, lat) = fit_aspect((-100.0, -90.0), (30.0, 50.0), 200.0, 800.0);
        assert_eq!(lon, (-100.0, -90.0));
        assert!(lat.1 - lat.0 > 20.0);
        assert!(((lat.0 + lat.1) / 2.0 - 40.0).abs() < 1e-9, "widened around the centre");
    }

    #[test]
    fn marker_area_grows_with_shipments() {
        assert_eq!(radius(0.0, 100.0), 4);
        assert_eq!(radius(100.0, 100.0), 20);
        assert_eq!(radius(25.0, 100.0), 12);
        assert_eq!(radius(5.0, 0.0), 4);
    }
}
