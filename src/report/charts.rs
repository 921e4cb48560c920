//! The charts of a comparison, each written as PNG and SVG into `charts/` of the results.
//!
//! Owns [`write_charts`] and the chart file names ([`CHART_NAMES`], a contract with readers
//! of the results). Each chart is a small struct holding the numbers it plots, built from a
//! `Run` and drawn by one function (`Chart::draw`) that works on any plotters backend, so
//! the PNG and the SVG come from the same code. What the charts share (font, colours, title
//! block, legend row) lives in `style`; the numbers are prepared in `data`. Writes only the
//! files it is given a folder for; never prints.

mod bars;
mod daily;
mod data;
mod map;
mod misses;
mod nodes;
mod scatter;
mod style;

use std::error::Error;
use std::fmt;
use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{ReportError, SummaryRow};
use crate::experiment::Comparison;
use crate::scenario::Scenario;

/// Every chart, by file name without extension; each is written as `.png` and `.svg`.
pub const CHART_NAMES: [&str; 8] = [
    "kpi_comparison",
    "cost_breakdown",
    "otif_over_time",
    "cancellations_over_time",
    "cost_vs_otif",
    "node_utilization",
    "network_map",
    "otif_misses",
];

/// Why a chart could not be drawn: plotters' message.
#[derive(Debug)]
pub(crate) struct ChartError(String);

impl ChartError {
    fn new(message: &str) -> ChartError {
        ChartError(message.to_string())
    }
}

impl<E: Error + Send + Sync> From<DrawingAreaErrorKind<E>> for ChartError {
    fn from(error: DrawingAreaErrorKind<E>) -> ChartError {
        ChartError(error.to_string())
    }
}

impl fmt::Display for ChartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What every chart knows about the run it shows.
pub(crate) struct Run<'a> {
    /// The scenario run.
    pub scenario: &'a Scenario,
    /// Every replication of every policy.
    pub comparison: &'a Comparison,
    /// The summary over replications.
    pub rows: &'a [SummaryRow],
    /// Each policy's colour, in report order.
    pub colours: Vec<RGBColor>,
}

impl<'a> Run<'a> {
    fn new(scenario: &'a Scenario, comparison: &'a Comparison, rows: &'a [SummaryRow]) -> Self {
        let colours = style::policy_colours(comparison.policies.len(), comparison.baseline);
        Run { scenario, comparison, rows, colours }
    }

    /// Replications per policy.
    fn replications(&self) -> usize {
        self.comparison.outcomes.first().map_or(0, Vec::len)
    }

    /// A policy's name, with `(baseline)` after the baseline's.
    fn label(&self, p: usize) -> String {
        let name = &self.comparison.policies[p];
        if self.comparison.baseline == Some(p) {
            format!("{name} (baseline)")
        } else {
            name.clone()
        }
    }

    /// The legend entry of every policy, marked as `mark` makes it.
    fn policy_legend(&self, mark: fn(RGBColor) -> style::Mark) -> Vec<style::Entry> {
        (0..self.comparison.policies.len())
            .map(|p| style::Entry::new(mark(self.colours[p]), self.label(p)))
            .collect()
    }

    /// The end of every subtitle: which scenario, over how many replications.
    fn over(&self) -> String {
        let n = self.replications();
        let plural = if n == 1 { "" } else { "s" };
        format!("scenario {}, {n} replication{plural} per policy", self.scenario.name)
    }
}

/// A chart: the numbers it plots and how it draws them.
trait Chart {
    /// The file name without extension, one of [`CHART_NAMES`].
    fn name(&self) -> &'static str;

    /// Pixel size.
    fn size(&self) -> (u32, u32) {
        style::SIZE
    }

    /// Draws the whole chart on `root`.
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError>;
}

/// Draws every chart of `comparison` into `dir` (created if needed) as PNG and SVG.
pub fn write_charts(
    dir: &Path,
    scenario: &Scenario,
    comparison: &Comparison,
    rows: &[SummaryRow],
) -> Result<(), ReportError> {
    std::fs::create_dir_all(dir)
        .map_err(|source| ReportError::Io { path: dir.to_path_buf(), source })?;
    style::register_fonts().map_err(|e| chart_error(dir, e))?;
    if comparison.policies.is_empty() {
        return Ok(());
    }

    let run = Run::new(scenario, comparison, rows);
    render(dir, &bars::KpiComparison::new(&run))?;
    render(dir, &bars::CostBreakdown::new(&run))?;
    render(dir, &daily::Daily::otif(&run))?;
    render(dir, &daily::Daily::cancellations(&run))?;
    render(dir, &scatter::CostVsOtif::new(&run))?;
    render(dir, &nodes::NodeUtilization::new(&run))?;
    render(dir, &map::NetworkMap::new(&run))?;
    render(dir, &misses::OtifMisses::new(&run))
}

/// Writes `chart` as `NAME.png` and `NAME.svg` in `dir`.
fn render<C: Chart>(dir: &Path, chart: &C) -> Result<(), ReportError> {
    let png = dir.join(format!("{}.png", chart.name()));
    let root = BitMapBackend::new(&png, chart.size()).into_drawing_area();
    draw_and_present(chart, &root).map_err(|e| chart_error(&png, e))?;

    let svg = dir.join(format!("{}.svg", chart.name()));
    let root = SVGBackend::new(&svg, chart.size()).into_drawing_area();
    draw_and_present(chart, &root).map_err(|e| chart_error(&svg, e))
}

fn draw_and_present<C: Chart, DB: DrawingBackend>(
    chart: &C,
    root: &DrawingArea<DB, Shift>,
) -> Result<(), ChartError> {
    chart.draw(root)?;
    root.present()?;
    Ok(())
}

fn chart_error(path: &Path, error: ChartError) -> ReportError {
    ReportError::Chart { path: PathBuf::from(path), message: error.0 }
}
