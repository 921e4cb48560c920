//! Bar charts: `kpi_comparison` (small multiples of the headline KPIs, one bar per policy
//! with its 95% interval) and `cost_breakdown` (cost per order stacked by part).
//!
//! Owns [`KpiComparison`] and [`CostBreakdown`]. Bars start at zero; the mean of each bar is
//! written under it, so a difference too small to see in a bar can still be read.

use plotters::coord::Shift;
use plotters::coord::ranged1d::SegmentValue;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::data::{self, COST_PARTS};
use super::style::{self, Entry, INK, MUTED, Mark};
use super::{Chart, ChartError, Run};
use crate::report::metrics::{Better, HEADLINE, MetricInfo, Unit, describe};
use crate::stats::Interval;

/// Colours of the cost parts, light to dark in stacking order (blues, so they cannot be
/// taken for policy colours).
const PART_COLOURS: [RGBColor; 4] = [
    RGBColor(189, 215, 238),
    RGBColor(107, 174, 214),
    RGBColor(33, 113, 181),
    RGBColor(8, 48, 107),
];

/// One panel of the small multiples: a KPI and each policy's interval.
struct Panel {
    info: MetricInfo,
    values: Vec<Option<Interval>>,
}

/// `kpi_comparison`: one panel per headline KPI, one bar per policy.
pub(super) struct KpiComparison {
    subtitle: String,
    legend: Vec<Entry>,
    colours: Vec<RGBColor>,
    baseline: Option<usize>,
    replications: usize,
    panels: Vec<Panel>,
}

impl KpiComparison {
    /// The headline intervals of every policy in `run`.
    pub(super) fn new(run: &Run) -> Self {
        let policies = &run.comparison.policies;
        let panels = HEADLINE
            .iter()
            .map(|&metric| Panel {
                info: describe(metric),
                values: policies.iter().map(|p| data::headline(run.rows, p, metric)).collect(),
            })
            .collect();
        KpiComparison {
            subtitle: format!("All channels; {}", run.over()),
            legend: run.policy_legend(Mark::Box),
            colours: run.colours.clone(),
            baseline: run.comparison.baseline,
            replications: run.replications(),
            panels,
        }
    }

    /// Draws one KPI's panel in `area`.
    fn panel<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        panel: &Panel,
    ) -> Result<(), ChartError> {
        let unit = panel.info.unit;
        let values = &panel.values;
        let top = panel_top(unit, values);
        let caption = format!("{} {}", panel.info.label, arrow(panel.info.better));
        let last = values.len() as i32 - 1;
        let mut chart = ChartBuilder::on(area)
            .caption(caption, style::bold(15.0, INK))
            .margin(10)
            .x_label_area_size(26)
            .y_label_area_size(54)
            .build_cartesian_2d((0..last).into_segmented(), 0.0..top)?;

        let bar_value = |x: &SegmentValue<i32>| match x {
            SegmentValue::CenterOf(i) => values
                .get(*i as usize)
                .copied()
                .flatten()
                .map_or_else(|| "-".to_string(), |v| unit.format(v.mean)),
            _ => String::new(),
        };
        let tick = |y: &f64| unit.tick(*y, top);
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(WHITE)
            .bold_line_style(style::GRID)
            .axis_style(MUTED)
            .y_labels(5)
            .x_labels(values.len())
            .x_label_formatter(&bar_value)
            .y_label_formatter(&tick)
            .label_style(style::text(11.5, INK))
            .draw()?;

        let present = || values.iter().enumerate().filter_map(|(i, v)| v.map(|v| (i, v)));
        chart.draw_series(present().map(|(i, v)| {
            let x = i as i32;
            let top = v.mean.clamp(0.0, top);
            let mut bar = Rectangle::new(
                [(SegmentValue::Exact(x), 0.0), (SegmentValue::Exact(x + 1), top)],
                self.colours[i].filled(),
            );
            bar.set_margin(0, 0, 6, 6);
            bar
        }))?;
        for (i, v) in present().filter(|(_, v)| v.low.is_finite() && v.high.is_finite()) {
            let ends = (v.low.max(0.0), v.high.min(top));
            style::whisker_v(
                chart.plotting_area(),
                SegmentValue::CenterOf(i as i32),
                ends,
                INK.into(),
                5,
            )?;
        }
        if let Some(mean) = self.baseline.and_then(|b| values[b]).map(|v| v.mean) {
            let ends = vec![(SegmentValue::Exact(0), mean), (SegmentValue::Last, mean)];
            chart.draw_series(std::iter::once(DashedPathElement::new(ends, 6, 4, INK)))?;
        }
        Ok(())
    }

    /// Writes how to read the panels in the spare cell.
    fn key<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let lines = [
            format!("Bar: mean over {} replications", self.replications),
            "Whisker: 95% interval of the mean".to_string(),
            "Dashed line: the baseline's mean".to_string(),
            "Number under a bar: its mean".to_string(),
            "\u{2191} higher is better   \u{2193} lower is better".to_string(),
        ];
        area.draw_text("How to read", &style::bold(14.0, INK), (28, 44))?;
        for (i, line) in lines.iter().enumerate() {
            area.draw_text(line, &style::text(13.0, MUTED), (28, 72 + 24 * i as i32))?;
        }
        Ok(())
    }
}

impl Chart for KpiComparison {
    fn name(&self) -> &'static str {
        "kpi_comparison"
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let area = style::header(root, "Headline KPIs by routing policy", &self.subtitle)?;
        let area = style::legend_row(&area, &self.legend)?;
        let cells = area.margin(6, 6, 10, 10).split_evenly((2, 4));

        for (cell, panel) in cells.iter().zip(&self.panels) {
            self.panel(cell, panel)?;
        }
        if let Some(spare) = cells.get(self.panels.len()) {
            self.key(spare)?;
        }
        Ok(())
    }
}

/// The top of a panel's value axis: room above the highest whisker; for a share, at least
/// 1% (so a rate of a few in a million looks like nothing, as it is) and no more than 100%
/// while the values stay below it.
fn panel_top(unit: Unit, values: &[Option<Interval>]) -> f64 {
    let highest = values.iter().flatten().flat_map(|v| [v.mean, v.high]);
    let top = style::top_of(highest.clone());
    let max = highest.filter(|v| v.is_finite()).fold(0.0, f64::max);
    if unit != Unit::Share {
        return top;
    }
    let top = if max <= 1.0 && max > 0.0 { top.min(1.0) } else { top };
    top.max(0.01)
}

/// The arrow after a KPI's name: which way is better.
fn arrow(better: Better) -> &'static str {
    match better {
        Better::Higher => "\u{2191}",
        Better::Lower => "\u{2193}",
        Better::Neither => "",
    }
}

/// `cost_breakdown`: cost per order of each policy, stacked by part.
pub(super) struct CostBreakdown {
    subtitle: String,
    labels: Vec<String>,
    parts: Vec<[f64; 4]>,
}

impl CostBreakdown {
    /// The cost parts of every policy in `run`.
    pub(super) fn new(run: &Run) -> Self {
        let policies = &run.comparison.policies;
        CostBreakdown {
            subtitle: format!(
                "Mean cost to serve per accepted order, all channels; {}",
                run.over()
            ),
            labels: (0..policies.len()).map(|p| run.label(p)).collect(),
            parts: policies.iter().map(|p| data::cost_parts(run.rows, p)).collect(),
        }
    }
}

impl Chart for CostBreakdown {
    fn name(&self) -> &'static str {
        "cost_breakdown"
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let area = style::header(root, "Where the cost to serve goes", &self.subtitle)?;
        let legend: Vec<Entry> = COST_PARTS
            .iter()
            .zip(PART_COLOURS)
            .map(|((_, label), colour)| Entry::new(Mark::Box(colour), *label))
            .collect();
        let area = style::legend_row(&area, &legend)?;
        let area = style::note(
            &area,
            "Cost to serve = pick and pack at each node used + outbound parcels + transfers \
             made for the order + return labels and processing.",
        )?;

        let totals: Vec<f64> = self.parts.iter().map(|p| p.iter().sum()).collect();
        let top = style::top_of(totals.iter().map(|t| t * 1.05));
        let labels = &self.labels;
        let name = |x: &SegmentValue<i32>| match x {
            SegmentValue::CenterOf(i) => labels.get(*i as usize).cloned().unwrap_or_default(),
            _ => String::new(),
        };
        let money = |y: &f64| Unit::Currency.tick(*y, top);
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
            .axis_style(MUTED)
            .x_labels(labels.len())
            .x_label_formatter(&name)
            .y_label_formatter(&money)
            .y_desc("cost per order ($)")
            .label_style(style::text(15.0, INK))
            .axis_desc_style(style::text(15.0, INK))
            .draw()?;

        for (i, parts) in self.parts.iter().enumerate() {
            let x = i as i32;
            let mut floor = 0.0;
            for (part, colour) in parts.iter().zip(PART_COLOURS) {
                let mut block = Rectangle::new(
                    [(SegmentValue::Exact(x), floor), (SegmentValue::Exact(x + 1), floor + part)],
                    colour.filled(),
                );
                block.set_margin(0, 0, 30, 30);
                chart.plotting_area().draw(&block)?;
                floor += part;
            }
            let total = style::anchored(style::bold(15.0, INK), HPos::Center, VPos::Bottom);
            let label = EmptyElement::at((SegmentValue::CenterOf(x), floor))
                + Text::new(Unit::Currency.format(floor), (0, -6), total);
            chart.plotting_area().draw(&label)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn interval(mean: f64, high: f64) -> Option<Interval> {
        Some(Interval { mean, low: mean - (high - mean), high, n: 4 })
    }

    #[test]
    fn a_share_axis_runs_from_one_to_one_hundred_percent() {
        assert_eq!(panel_top(Unit::Share, &[interval(0.97, 0.98), None]), 1.0);
        assert!((panel_top(Unit::Share, &[interval(0.4, 0.5)]) - 0.54).abs() < 1e-12);
        assert_eq!(panel_top(Unit::Share, &[interval(0.000_004, 0.000_01)]), 0.01);
    }

    #[test]
    fn an_axis_with_nothing_above_zero_still_has_a_range() {
        assert_eq!(panel_top(Unit::Currency, &[interval(0.0, 0.0)]), 1.0);
        assert_eq!(panel_top(Unit::Count, &[None, None]), 1.0);
    }
}
