//! `otif_misses`: where promises break, one bar per policy of its OTIF misses per 1,000
//! accepted orders, stacked by root cause, with the 95% interval of all misses.
//!
//! Owns [`OtifMisses`] and the cause colours. Causes stack in precedence order (stock at the
//! bottom), each segment labelled with its value when it is tall enough to hold the text;
//! the total is written above the bar. Reads the `otif_miss_*` and `otif` rows of the
//! summary (all channels); draws nothing else.

use plotters::coord::Shift;
use plotters::coord::ranged1d::{SegmentValue, SegmentedCoord};
use plotters::coord::types::{RangedCoordf64, RangedCoordi32};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::data;
use super::style::{self, Entry, INK, Mark};
use super::{Chart, ChartError, Run};
use crate::report::metrics::Unit;
use crate::sim::MissCause;

/// Colour of each cause, in [`MissCause::ALL`] order: warm for what the retailer's own
/// operation failed at (stock, promise, capacity), cool for the carrier, grey for the
/// customer; none of them a policy colour's twin.
const CAUSE_COLOURS: [RGBColor; 5] = [
    RGBColor(140, 45, 4),
    RGBColor(217, 72, 1),
    RGBColor(253, 174, 107),
    RGBColor(65, 137, 181),
    RGBColor(189, 189, 189),
];

/// The cause colours light enough to need dark text.
const LIGHT: [RGBColor; 2] = [CAUSE_COLOURS[2], CAUSE_COLOURS[4]];

/// Orders the rates are scaled to.
const PER: f64 = 1_000.0;

/// A segment shorter than this many pixels carries no label.
const LABEL_MIN_PIXELS: i32 = 20;

/// `otif_misses`: misses per 1,000 orders of each policy, stacked by cause.
pub(super) struct OtifMisses {
    subtitle: String,
    labels: Vec<String>,
    /// Per policy: misses per 1,000 orders by cause.
    causes: Vec<[f64; 5]>,
    /// Per policy: the 95% interval of all misses per 1,000 orders, from OTIF's.
    whiskers: Vec<Option<(f64, f64)>>,
}

impl OtifMisses {
    /// The misses of every policy in `run`, from its summary.
    pub(super) fn new(run: &Run) -> Self {
        let policies = &run.comparison.policies;
        let causes = policies
            .iter()
            .map(|p| {
                MissCause::ALL.map(|c| {
                    data::headline(run.rows, p, c.metric())
                        .map(|i| i.mean * PER)
                        .filter(|v| v.is_finite())
                        .unwrap_or(0.0)
                })
            })
            .collect();
        let whiskers = policies
            .iter()
            .map(|p| {
                let otif = data::headline(run.rows, p, "otif")?;
                let ends = ((1.0 - otif.high) * PER, (1.0 - otif.low) * PER);
                (ends.0.is_finite() && ends.1.is_finite()).then_some(ends)
            })
            .collect();
        OtifMisses {
            subtitle: format!(
                "OTIF misses per 1,000 accepted orders, all channels, by root cause; {}",
                run.over()
            ),
            labels: (0..policies.len()).map(|p| run.label(p)).collect(),
            causes,
            whiskers,
        }
    }

    /// The top of the value axis: room above the highest bar, whisker and total label.
    fn top(&self) -> f64 {
        let totals = self.causes.iter().map(|c| c.iter().sum::<f64>());
        let highs = self.whiskers.iter().flatten().map(|w| w.1);
        style::top_of(totals.chain(highs).map(|v| v * 1.06))
    }
}

impl Chart for OtifMisses {
    fn name(&self) -> &'static str {
        "otif_misses"
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let area = style::header(root, "Where promises break", &self.subtitle)?;
        let legend: Vec<Entry> = MissCause::ALL
            .iter()
            .zip(CAUSE_COLOURS)
            .map(|(c, colour)| Entry::new(Mark::Box(colour), c.as_str()))
            .collect();
        let area = style::legend_row(&area, &legend)?;
        let area = style::note(
            &area,
            "One cause per missed order; when several apply, the first in this order wins: \
             stock, promise, capacity, carrier, customer. Whisker: 95% interval of all misses.",
        )?;

        let top = self.top();
        let labels = &self.labels;
        let name = |x: &SegmentValue<i32>| match x {
            SegmentValue::CenterOf(i) => labels.get(*i as usize).cloned().unwrap_or_default(),
            _ => String::new(),
        };
        let tick = |y: &f64| Unit::Count.tick(*y, top);
        let mut chart = ChartBuilder::on(&area)
            .margin(20)
            .margin_right(40)
            .x_label_area_size(40)
            .y_label_area_size(80)
            .build_cartesian_2d((0..labels.len() as i32 - 1).into_segmented(), 0.0..top)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(WHITE)
            .bold_line_style(style::GRID)
            .axis_style(style::MUTED)
            .x_labels(labels.len())
            .x_label_formatter(&name)
            .y_label_formatter(&tick)
            .y_desc("OTIF misses per 1,000 orders")
            .label_style(style::text(15.0, INK))
            .axis_desc_style(style::text(15.0, INK))
            .draw()?;

        let (width, height) = chart.plotting_area().dim_in_pixel();
        let scale = Scale {
            pixels_per_unit: f64::from(height) / top,
            // Segment labels sit in the left half of the bar, clear of the whisker.
            label_shift: -(width as i32 / labels.len().max(1) as i32 - 60) / 4,
            top,
        };
        for i in 0..self.causes.len() {
            self.bar(chart.plotting_area(), i, &scale)?;
        }
        Ok(())
    }
}

/// What drawing a bar needs to know about the plot.
struct Scale {
    pixels_per_unit: f64,
    label_shift: i32,
    top: f64,
}

impl OtifMisses {
    /// Draws policy `i`'s stacked bar, its segment labels, whisker and total.
    fn bar<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Cartesian2d<SegmentedCoord<RangedCoordi32>, RangedCoordf64>>,
        i: usize,
        scale: &Scale,
    ) -> Result<(), ChartError> {
        let x = i as i32;
        let mut floor = 0.0;
        for (&value, colour) in self.causes[i].iter().zip(CAUSE_COLOURS) {
            let mut block = Rectangle::new(
                [(SegmentValue::Exact(x), floor), (SegmentValue::Exact(x + 1), floor + value)],
                colour.filled(),
            );
            block.set_margin(0, 0, 30, 30);
            area.draw(&block)?;
            if (value * scale.pixels_per_unit) as i32 >= LABEL_MIN_PIXELS {
                let ink = if LIGHT.contains(&colour) { INK } else { WHITE };
                let centre = style::anchored(style::text(14.0, ink), HPos::Center, VPos::Center);
                let label = EmptyElement::at((SegmentValue::CenterOf(x), floor + value / 2.0))
                    + Text::new(format!("{value:.1}"), (scale.label_shift, 0), centre);
                area.draw(&label)?;
            }
            floor += value;
        }

        if let Some((low, high)) = self.whiskers[i] {
            let ends = (low.max(0.0), high.min(scale.top));
            style::whisker_v(area, SegmentValue::CenterOf(x), ends, INK.into(), 6)?;
        }
        let above = self.whiskers[i].map_or(floor, |w| w.1.max(floor));
        let total = style::anchored(style::bold(15.0, INK), HPos::Center, VPos::Bottom);
        let label = EmptyElement::at((SegmentValue::CenterOf(x), above))
            + Text::new(format!("{floor:.1}"), (0, -6), total);
        area.draw(&label)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_axis_leaves_room_above_the_highest_whisker() {
        let chart = OtifMisses {
            subtitle: String::new(),
            labels: vec!["a".into(), "b".into()],
            causes: vec![[10.0, 5.0, 0.0, 5.0, 0.0], [1.0; 5]],
            whiskers: vec![Some((15.0, 30.0)), None],
        };
        assert!(chart.top() > 30.0);
        let empty = OtifMisses { causes: vec![[0.0; 5]], whiskers: vec![None], ..chart };
        assert_eq!(empty.top(), 1.0);
    }

    #[test]
    fn every_cause_has_its_own_colour() {
        for (i, a) in CAUSE_COLOURS.iter().enumerate() {
            assert!(CAUSE_COLOURS[i + 1..].iter().all(|b| a != b));
        }
    }
}
