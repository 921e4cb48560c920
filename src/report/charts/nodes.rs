//! `node_utilization`: which nodes carry the picking load, the busiest nodes with one dot
//! per policy.
//!
//! Owns [`NodeUtilization`]. Nodes are ranked by their highest utilization under any
//! policy, so a node that one policy overloads is shown even if the others spare it.

use plotters::coord::Shift;
use plotters::coord::ranged1d::{SegmentValue, SegmentedCoord};
use plotters::coord::types::{RangedCoordf64, RangedCoordi32};
use plotters::element::DashedPathElement;
use plotters::prelude::*;

use super::data;
use super::style::{self, Entry, INK, MUTED, Mark};
use super::{Chart, ChartError, Run};
use crate::report::metrics::Unit;

/// How many nodes the utilization chart shows.
const BUSIEST: usize = 25;

/// Colour of the capacity line.
const CAPACITY: RGBColor = RGBColor(200, 40, 40);

/// `node_utilization`: the busiest nodes, with each policy's utilization.
pub(super) struct NodeUtilization {
    subtitle: String,
    legend: Vec<Entry>,
    colours: Vec<RGBColor>,
    /// Node label and each policy's utilization, busiest first.
    rows: Vec<(String, Vec<Option<f64>>)>,
    replications: usize,
}

impl NodeUtilization {
    /// The busiest nodes of `run` under any policy.
    pub(super) fn new(run: &Run) -> Self {
        let network = &run.scenario.network;
        let values: Vec<Vec<Option<f64>>> = (0..run.comparison.policies.len())
            .map(|p| data::node_mean(run.comparison, p, "utilization", network.len()))
            .collect();
        let rows: Vec<(String, Vec<Option<f64>>)> = data::busiest(&values, BUSIEST)
            .into_iter()
            .map(|n| {
                let node = &network.nodes[n];
                let label = format!("{} ({})", node.name, node.kind);
                (label, values.iter().map(|v| v[n]).collect())
            })
            .collect();
        let mut legend = run.policy_legend(Mark::Dot);
        legend.push(Entry::new(Mark::Dashed(CAPACITY), "daily capacity"));
        NodeUtilization {
            subtitle: format!(
                "The {} busiest nodes under any policy, after the warm-up; {}",
                rows.len(),
                run.over()
            ),
            legend,
            colours: run.colours.clone(),
            rows,
            replications: run.replications(),
        }
    }
}

impl Chart for NodeUtilization {
    fn name(&self) -> &'static str {
        "node_utilization"
    }

    fn size(&self) -> (u32, u32) {
        (1200, 900)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let area = style::header(root, "Which nodes carry the picking load", &self.subtitle)?;
        let area = style::legend_row(&area, &self.legend)?;
        let note = format!(
            "Utilization = picks per day over the node's daily picking capacity. One dot per \
             policy (mean of {} replications); grey bar: range across policies.",
            self.replications
        );
        let area = style::note(&area, &note)?;

        let k = self.rows.len() as i32;
        let peak = self.rows.iter().flat_map(|(_, v)| v.iter().flatten().copied());
        let right = style::top_of(peak).max(1.1);
        let labels = |y: &SegmentValue<i32>| match y {
            SegmentValue::CenterOf(i) => {
                self.rows.get((k - 1 - i) as usize).map(|r| r.0.clone()).unwrap_or_default()
            }
            _ => String::new(),
        };
        let share = |x: &f64| Unit::Share.tick(*x, right);
        let mut chart = ChartBuilder::on(&area)
            .margin(16)
            .margin_right(40)
            .x_label_area_size(50)
            .y_label_area_size(230)
            .build_cartesian_2d(0.0..right, (0..(k - 1).max(0)).into_segmented())?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(WHITE)
            .bold_line_style(style::GRID)
            .axis_style(MUTED)
            .y_labels(self.rows.len().max(1))
            .y_label_formatter(&labels)
            .x_label_formatter(&share)
            .x_desc("utilization (picks per day / daily capacity)")
            .label_style(style::text(13.0, INK))
            .axis_desc_style(style::text(15.0, INK))
            .draw()?;

        let capacity = vec![(1.0, SegmentValue::Exact(0)), (1.0, SegmentValue::Last)];
        let dashed = CAPACITY.stroke_width(2);
        chart.plotting_area().draw(&DashedPathElement::new(capacity, 6, 4, dashed))?;
        for (r, (_, values)) in self.rows.iter().enumerate() {
            self.draw_row(&chart, k - 1 - r as i32, values)?;
        }
        Ok(())
    }
}

impl NodeUtilization {
    /// One node's row: the range across policies, then a dot per policy, each a little
    /// higher than the one before so equal values stay visible.
    fn draw_row<DB: DrawingBackend>(
        &self,
        chart: &ChartContext<DB, Cartesian2d<RangedCoordf64, SegmentedCoord<RangedCoordi32>>>,
        y: i32,
        values: &[Option<f64>],
    ) -> Result<(), ChartError> {
        let area = chart.plotting_area();
        let present: Vec<f64> = values.iter().flatten().copied().collect();
        let (low, high) = present
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| (l.min(v), h.max(v)));
        if low.is_finite() {
            let span = vec![(low, SegmentValue::CenterOf(y)), (high, SegmentValue::CenterOf(y))];
            area.draw(&PathElement::new(span, style::GRID.stroke_width(8)))?;
        }
        let n = values.len() as i32;
        for (p, v) in values.iter().enumerate() {
            let Some(v) = v else { continue };
            let dy = (n - 1 - 2 * p as i32) * 2;
            let dot = EmptyElement::at((*v, SegmentValue::CenterOf(y)))
                + Circle::new((0, dy), 5, self.colours[p].filled());
            area.draw(&dot)?;
        }
        Ok(())
    }
}
