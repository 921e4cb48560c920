//! The compact comparison table printed to the terminal: one row per policy, the headline
//! KPIs over all channels as mean ± half-width of the 95% interval, and the difference from
//! the baseline marked when it is significant.

use std::fmt::Write;

use super::summary::SummaryRow;
use crate::sim::Scope;

/// The columns: metric, header, and how to show a value.
const COLUMNS: [(&str, &str, Format); 7] = [
    ("otif", "OTIF", Format::Percent),
    ("cancellation_rate", "cancelled", Format::Percent),
    ("split_rate", "split", Format::Percent),
    ("cost_to_serve_per_order", "cost/order", Format::Money),
    ("delivery_days_mean", "days", Format::Number),
    ("lost_sales_units", "lost units", Format::Count),
    ("markdown_cost", "markdown", Format::Money),
];

/// Columns shown only when the run computed the hindsight bound.
const BOUND_COLUMNS: [(&str, &str, Format); 2] = [
    ("hindsight_gap", "gap to bound", Format::Percent),
    ("gap_closed", "gap closed", Format::Percent),
];

#[derive(Clone, Copy)]
enum Format {
    Percent,
    Money,
    Number,
    Count,
}

fn show(format: Format, v: f64) -> String {
    if !v.is_finite() {
        return "-".to_string();
    }
    match format {
        Format::Percent => format!("{:.1}%", v * 100.0),
        Format::Money => format!("${v:.2}"),
        Format::Number => format!("{v:.2}"),
        Format::Count => format!("{v:.0}"),
    }
}

fn cell(row: Option<&SummaryRow>, format: Format) -> String {
    let Some(row) = row else { return "-".to_string() };
    let i = row.interval;
    let mut text = show(format, i.mean);
    let half = (i.high - i.low) / 2.0;
    if half.is_finite() {
        let half = match format {
            Format::Percent => format!("{:.1}", half * 100.0),
            Format::Money => format!("{half:.2}"),
            Format::Number => format!("{half:.2}"),
            Format::Count => format!("{half:.0}"),
        };
        let _ = write!(text, " ±{half}");
    }
    if row.diff.is_some_and(|d| d.excludes_zero()) {
        text.push('*');
    }
    text
}

/// The table as text, for `policies` in order, over `replications` replications.
pub fn render(
    rows: &[SummaryRow],
    policies: &[String],
    baseline: Option<&str>,
    replications: u32,
) -> String {
    let mut grid: Vec<Vec<String>> = Vec::new();
    let mut columns = COLUMNS.to_vec();
    if rows.iter().any(|r| r.metric == "hindsight_gap") {
        columns.extend(BOUND_COLUMNS);
    }
    let mut header = vec!["policy".to_string()];
    header.extend(columns.iter().map(|(_, h, _)| h.to_string()));
    grid.push(header);
    for policy in policies {
        let mut line = vec![if Some(policy.as_str()) == baseline {
            format!("{policy} (baseline)")
        } else {
            policy.clone()
        }];
        for &(metric, _, format) in &columns {
            let row = rows
                .iter()
                .find(|r| &r.policy == policy && r.scope == Scope::All && r.metric == metric);
            line.push(cell(row, format));
        }
        grid.push(line);
    }

    let widths: Vec<usize> = (0..grid[0].len())
        .map(|c| grid.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for (i, line) in grid.iter().enumerate() {
        for (c, text) in line.iter().enumerate() {
            let pad = widths[c] - text.chars().count();
            if c == 0 {
                let _ = write!(out, "{text}{}", " ".repeat(pad));
            } else {
                let _ = write!(out, "  {}{text}", " ".repeat(pad));
            }
        }
        out.push('\n');
        if i == 0 {
            out.push_str(&"-".repeat(widths.iter().sum::<usize>() + 2 * (widths.len() - 1)));
            out.push('\n');
        }
    }
    let _ = writeln!(
        out,
        "mean ±95% interval over {replications} replications, all channels; * = differs from the baseline (paired 95%)"
    );
    out
}
