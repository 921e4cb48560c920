//! `cost_vs_otif`: the trade-off between cost to serve and OTIF, one point per policy with
//! both 95% intervals as crosshairs.
//!
//! Owns [`CostVsOtif`].

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::data;
use super::style::{self, INK, MUTED, Mark};
use super::{Chart, ChartError, Run};
use crate::report::metrics::Unit;
use crate::stats::Interval;

/// One policy's point.
struct Point {
    label: String,
    colour: RGBColor,
    baseline: bool,
    cost: Interval,
    otif: Interval,
}

/// `cost_vs_otif`.
pub(super) struct CostVsOtif {
    subtitle: String,
    legend: Vec<style::Entry>,
    points: Vec<Point>,
}

impl CostVsOtif {
    /// Every policy of `run` that has both KPIs.
    pub(super) fn new(run: &Run) -> Self {
        let points = run
            .comparison
            .policies
            .iter()
            .enumerate()
            .filter_map(|(p, name)| {
                let cost = data::headline(run.rows, name, "cost_to_serve_per_order")?;
                let otif = data::headline(run.rows, name, "otif")?;
                Some(Point {
                    label: run.label(p),
                    colour: run.colours[p],
                    baseline: run.comparison.baseline == Some(p),
                    cost,
                    otif,
                })
            })
            .collect();
        CostVsOtif {
            subtitle: format!("All channels; {}", run.over()),
            legend: run.policy_legend(Mark::Dot),
            points,
        }
    }

    /// The axis ranges: every interval fits, with a margin.
    fn ranges(&self) -> ((f64, f64), (f64, f64)) {
        let span = |f: fn(&Point) -> Interval| {
            let (lo, hi) = self.points.iter().map(f).flat_map(|i| [i.low, i.mean, i.high]).fold(
                (f64::INFINITY, f64::NEG_INFINITY),
                |(lo, hi), v| {
                    if v.is_finite() { (lo.min(v), hi.max(v)) } else { (lo, hi) }
                },
            );
            style::padded(lo, hi, 0.2)
        };
        let (x_lo, x_hi) = span(|p| p.cost);
        let (y_lo, y_hi) = span(|p| p.otif);
        ((x_lo.max(0.0), x_hi), (y_lo.max(0.0), y_hi.min(1.0).max(y_lo + 1e-6)))
    }
}

impl Chart for CostVsOtif {
    fn name(&self) -> &'static str {
        "cost_vs_otif"
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let area = style::header(root, "Cost to serve against OTIF", &self.subtitle)?;
        let area = style::legend_row(&area, &self.legend)?;
        let area = style::note(
            &area,
            "Point: mean over replications. Crosshair: 95% interval of each mean. \
             Up and to the left is better: more orders on time for less.",
        )?;

        let ((x_lo, x_hi), (y_lo, y_hi)) = self.ranges();
        let mut chart = ChartBuilder::on(&area)
            .margin(20)
            .margin_right(40)
            .x_label_area_size(50)
            .y_label_area_size(80)
            .build_cartesian_2d(x_lo..x_hi, y_lo..y_hi)?;
        let money = |x: &f64| Unit::Currency.tick(*x, x_hi - x_lo);
        let share = |y: &f64| Unit::Share.tick(*y, y_hi - y_lo);
        chart
            .configure_mesh()
            .light_line_style(WHITE)
            .bold_line_style(style::GRID)
            .axis_style(MUTED)
            .x_label_formatter(&money)
            .y_label_formatter(&share)
            .x_desc("cost to serve per order ($)")
            .y_desc("OTIF (% of accepted orders)")
            .label_style(style::text(14.0, INK))
            .axis_desc_style(style::text(15.0, INK))
            .draw()?;

        let better = style::anchored(style::text(14.0, MUTED), HPos::Left, VPos::Top);
        chart.plotting_area().draw(
            &(EmptyElement::at((x_lo, y_hi))
                + Text::new("\u{2196} better: cheaper and more on time", (10, 8), better)),
        )?;
        for p in &self.points {
            self.draw_point(&chart, p)?;
        }
        self.draw_labels(root, &chart)
    }
}

impl CostVsOtif {
    fn draw_point<DB: DrawingBackend>(
        &self,
        chart: &ChartContext<DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
        p: &Point,
    ) -> Result<(), ChartError> {
        let area = chart.plotting_area();
        let whisker = p.colour.stroke_width(2);
        let (c, o) = (p.cost, p.otif);
        if c.low.is_finite() && c.high.is_finite() {
            style::whisker_h(area, o.mean, (c.low, c.high), whisker, 6)?;
        }
        if o.low.is_finite() && o.high.is_finite() {
            style::whisker_v(area, c.mean, (o.low, o.high), whisker, 6)?;
        }
        area.draw(&Circle::new((c.mean, o.mean), 8, p.colour.filled()))?;
        if p.baseline {
            area.draw(&Circle::new((c.mean, o.mean), 12, INK.stroke_width(2)))?;
        }
        Ok(())
    }

    /// Names every point, moving names down where they would overlap.
    fn draw_labels<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        chart: &ChartContext<DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    ) -> Result<(), ChartError> {
        let label = style::bold(15.0, INK);
        let right = chart.plotting_area().get_pixel_range().0.end;
        let wanted: Vec<style::Wanted> = self
            .points
            .iter()
            .map(|p| {
                let (x, y) = chart.backend_coord(&(p.cost.mean, p.otif.mean));
                let size = root.estimate_text_size(&p.label, &label).unwrap_or((120, 16));
                style::Wanted { at: (x + 14, y - 30), size, left: x - 14 - size.0 as i32 }
            })
            .collect();
        for ((p, w), at) in self.points.iter().zip(&wanted).zip(style::place_labels(&wanted, right))
        {
            style::draw_label(root, &p.label, &label, at, w.size)?;
        }
        Ok(())
    }
}
