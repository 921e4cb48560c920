//! Daily series: `otif_over_time` and `cancellations_over_time`, one line per policy (the
//! mean over replications of each day), with the warm-up and promotions shaded.
//!
//! Owns [`Daily`]. A day is the day orders were placed, so a promotion's effect shows on its
//! own days; days before the end of the warm-up are drawn (the run settling is worth seeing)
//! but shaded, because no KPI counts them.

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::data;
use super::style::{self, Entry, INK, MUTED, Mark};
use super::{Chart, ChartError, Run};
use crate::report::metrics::Unit;

/// Shade of the warm-up.
const WARMUP: RGBColor = RGBColor(160, 160, 160);

/// Shade of promotions.
const PROMOTION: RGBColor = RGBColor(240, 200, 60);

/// A promotion's name and its first and last day.
type Promotion = (String, u32, u32);

/// One policy's line.
struct Line {
    colour: RGBColor,
    baseline: bool,
    points: Vec<(u32, f64)>,
}

/// A daily series chart.
pub(super) struct Daily {
    name: &'static str,
    title: &'static str,
    subtitle: String,
    axis: &'static str,
    from_zero: bool,
    legend: Vec<Entry>,
    series: Vec<Line>,
    days: u32,
    warmup: u32,
    promotions: Vec<Promotion>,
    replications: usize,
}

impl Daily {
    /// `otif_over_time`.
    pub(super) fn otif(run: &Run) -> Self {
        let mut chart = Daily::new(run, "otif", "otif_over_time", "OTIF day by day");
        chart.axis = "OTIF (% of the day's orders)";
        chart
    }

    /// `cancellations_over_time`.
    pub(super) fn cancellations(run: &Run) -> Self {
        let mut chart = Daily::new(
            run,
            "cancellation_rate",
            "cancellations_over_time",
            "Cancellations day by day",
        );
        chart.axis = "orders with a retailer cancellation (% of the day's orders)";
        chart.from_zero = true;
        chart
    }

    fn new(run: &Run, metric: &str, name: &'static str, title: &'static str) -> Self {
        let sc = run.scenario;
        let series = (0..run.comparison.policies.len())
            .map(|p| Line {
                colour: run.colours[p],
                baseline: run.comparison.baseline == Some(p),
                points: data::daily_mean(run.comparison, p, metric),
            })
            .collect();
        let mut legend = run.policy_legend(Mark::Line);
        legend.push(Entry::new(Mark::Band(WARMUP), "warm-up (not in KPIs)"));
        if !sc.demand.promotions.is_empty() {
            legend.push(Entry::new(Mark::Band(PROMOTION), "promotion"));
        }
        Daily {
            name,
            title,
            subtitle: format!("By the day orders were placed, all channels; {}", run.over()),
            axis: "",
            from_zero: false,
            legend,
            series,
            days: sc.horizon_days,
            warmup: sc.warmup_days.min(sc.horizon_days),
            promotions: sc
                .demand
                .promotions
                .iter()
                .map(|p| (p.name.clone(), p.start_day, p.end_day))
                .collect(),
            replications: run.replications(),
        }
    }

    /// The value range: from zero to at least 1% for rates that are usually small (so a few
    /// cancellations in a million do not fill the chart), around the data otherwise; never
    /// beyond 0% to 100%.
    fn y_range(&self) -> (f64, f64) {
        let values = self.series.iter().flat_map(|line| line.points.iter().map(|&(_, v)| v));
        if self.from_zero {
            return (0.0, style::top_of(values).clamp(0.01, 1.0));
        }
        let (low, high) =
            values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
        if !low.is_finite() {
            return (0.0, 1.0);
        }
        let (low, high) = style::padded(low, high, 0.15);
        (low.max(0.0), high.min(1.0))
    }

    /// Shades the warm-up and the promotions and names them.
    fn shade<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
        (low, high): (f64, f64),
    ) -> Result<(), ChartError> {
        let label = style::anchored(style::text(13.0, INK), HPos::Left, VPos::Top);
        let mut bands = vec![(WARMUP, "warm-up".to_string(), 0, self.warmup)];
        for (name, start, end) in &self.promotions {
            bands.push((PROMOTION, name.clone(), *start, end.saturating_add(1).min(self.days)));
        }
        for (colour, name, start, end) in bands.into_iter().filter(|b| b.3 > b.2) {
            let (start, end) = (f64::from(start), f64::from(end));
            area.draw(&Rectangle::new([(start, low), (end, high)], colour.mix(0.18).filled()))?;
            area.draw(&(EmptyElement::at((start, high)) + Text::new(name, (5, 5), label.clone())))?;
        }
        Ok(())
    }
}

impl Chart for Daily {
    fn name(&self) -> &'static str {
        self.name
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let area = style::header(root, self.title, &self.subtitle)?;
        let area = style::legend_row(&area, &self.legend)?;
        let note = format!(
            "Each line is the mean of {} replications for each day. A day with no orders has \
             no point.",
            self.replications
        );
        let area = style::note(&area, &note)?;

        let (low, high) = self.y_range();
        let mut chart = ChartBuilder::on(&area)
            .margin(20)
            .margin_right(40)
            .x_label_area_size(50)
            .y_label_area_size(80)
            .build_cartesian_2d(0.0..f64::from(self.days.max(1)), low..high)?;
        let day = |x: &f64| {
            if (x - x.round()).abs() < 1e-6 { format!("{x:.0}") } else { String::new() }
        };
        let share = |y: &f64| Unit::Share.tick(*y, high - low);
        chart
            .configure_mesh()
            .light_line_style(WHITE)
            .bold_line_style(style::GRID)
            .axis_style(MUTED)
            .x_labels((self.days as usize + 1).min(15))
            .y_labels(8)
            .x_label_formatter(&day)
            .y_label_formatter(&share)
            .x_desc("day of the run (day 0 = scenario start)")
            .y_desc(self.axis)
            .label_style(style::text(14.0, INK))
            .axis_desc_style(style::text(15.0, INK))
            .draw()?;
        self.shade(chart.plotting_area(), (low, high))?;

        let mut order: Vec<&Line> = self.series.iter().collect();
        order.sort_by_key(|line| !line.baseline);
        for line in order {
            let width = if line.baseline { 4 } else { 2 };
            let points = line.points.iter().map(|&(d, v)| (f64::from(d) + 0.5, v));
            chart.draw_series(LineSeries::new(points, line.colour.stroke_width(width)))?;
        }
        Ok(())
    }
}
