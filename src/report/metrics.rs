//! How a reader sees each metric: its label, its unit, which direction is better, and how
//! its values and differences are written in charts and in `report.html`.
//!
//! Owns [`Unit`], [`Better`], [`MetricInfo`] and [`describe`]. The names and units follow
//! `docs/metrics.md`; a metric this table does not know is shown as a plain number with no
//! preferred direction, so a new simulator metric never breaks a report. Pure text: nothing
//! here draws, writes files or knows about policies.
//!
//! The table is also the one list of metric names the rest of the crate checks against:
//! [`is_summary_metric`] says which names an `[[expect]]` may use (every metric of
//! `summary.csv`), [`needs_bound`] which exist only with the hindsight bound. A test runs a
//! small scenario and checks that every metric its summary reports is listed here, so a new
//! simulator metric must be added to the table before a scenario can set expectations on it.

/// What a metric counts, which decides how its values are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Unit {
    /// A fraction in [0, 1], written as a percentage.
    Share,
    /// Money, written with a dollar sign.
    Currency,
    /// Days.
    Days,
    /// Hours.
    Hours,
    /// A count (orders, units, shipments, contacts).
    Count,
    /// A plain number with no unit.
    Number,
}

/// Which direction of a metric a planner prefers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Better {
    /// More is better (OTIF, sell-through).
    Higher,
    /// Less is better (cost, cancellations, lost sales).
    Lower,
    /// Neither: volumes and descriptive figures.
    Neither,
}

/// A metric as a reader sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct MetricInfo {
    /// A short label for tables and chart titles.
    pub label: &'static str,
    /// Its unit.
    pub unit: Unit,
    /// Which direction is better.
    pub better: Better,
}

/// The headline KPIs, in the order charts and tables show them.
pub(crate) const HEADLINE: [&str; 7] = [
    "otif",
    "cancellation_rate",
    "split_rate",
    "cost_to_serve_per_order",
    "delivery_days_mean",
    "lost_sales_units",
    "markdown_cost",
];

/// Label, unit and better direction of every metric in `docs/metrics.md`.
const KNOWN: [(&str, &str, Unit, Better); 63] = [
    ("orders_demanded", "Orders demanded", Unit::Count, Better::Neither),
    ("orders", "Orders accepted", Unit::Count, Better::Neither),
    ("otif", "OTIF (on time in full)", Unit::Share, Better::Higher),
    ("otif_miss_stock", "OTIF misses: stock", Unit::Share, Better::Lower),
    ("otif_miss_promise", "OTIF misses: promise", Unit::Share, Better::Lower),
    ("otif_miss_capacity", "OTIF misses: capacity", Unit::Share, Better::Lower),
    ("otif_miss_carrier", "OTIF misses: carrier", Unit::Share, Better::Lower),
    ("otif_miss_customer", "OTIF misses: customer", Unit::Share, Better::Lower),
    ("cancellation_rate", "Cancellation rate", Unit::Share, Better::Lower),
    ("cancelled_units_rate", "Cancelled units rate", Unit::Share, Better::Lower),
    ("cancelled_units_no_stock", "Cancelled units: no stock", Unit::Count, Better::Lower),
    ("cancelled_units_short_pick", "Cancelled units: short pick", Unit::Count, Better::Lower),
    ("cancelled_units_capacity", "Cancelled units: capacity", Unit::Count, Better::Lower),
    ("split_rate", "Split-shipment rate", Unit::Share, Better::Lower),
    ("shipments_per_order", "Shipments per order", Unit::Number, Better::Lower),
    ("cost_to_serve_per_order", "Cost to serve per order", Unit::Currency, Better::Lower),
    ("cost_to_serve_total", "Cost to serve, total", Unit::Currency, Better::Lower),
    ("cost_pick_pack_per_order", "Pick and pack cost per order", Unit::Currency, Better::Lower),
    ("cost_parcel_per_order", "Parcel cost per order", Unit::Currency, Better::Lower),
    ("cost_transfer_per_order", "Transfer cost per order", Unit::Currency, Better::Lower),
    ("cost_returns_per_order", "Returns cost per order", Unit::Currency, Better::Lower),
    ("delivery_days_mean", "Delivery time, mean", Unit::Days, Better::Lower),
    ("delivery_days_p50", "Delivery time, median", Unit::Days, Better::Lower),
    ("delivery_days_p90", "Delivery time, 90th percentile", Unit::Days, Better::Lower),
    ("promise_accuracy", "Promise accuracy", Unit::Share, Better::Higher),
    ("lost_sales_units", "Lost sales (units)", Unit::Count, Better::Lower),
    ("lost_sales_margin", "Lost sales margin", Unit::Currency, Better::Lower),
    ("no_show_rate", "Pickup no-show rate", Unit::Share, Better::Lower),
    ("return_rate", "Return rate", Unit::Share, Better::Lower),
    ("return_refund_days_mean", "Days to refund, mean", Unit::Days, Better::Lower),
    ("return_refund_days_p90", "Days to refund, 90th percentile", Unit::Days, Better::Lower),
    ("return_restock_days_mean", "Days to restock, mean", Unit::Days, Better::Lower),
    ("return_restock_days_p90", "Days to restock, 90th percentile", Unit::Days, Better::Lower),
    ("restock_rate", "Restock rate", Unit::Share, Better::Higher),
    (
        "support_contacts_per_order",
        "Support contacts per order (model)",
        Unit::Number,
        Better::Lower,
    ),
    ("walk_in_units_demanded", "Walk-in units demanded", Unit::Count, Better::Neither),
    ("walk_in_units_sold", "Walk-in units sold", Unit::Count, Better::Neither),
    ("markdown_cost", "Markdown cost", Unit::Currency, Better::Lower),
    ("markdown_units", "Markdown units", Unit::Count, Better::Lower),
    ("full_price_sell_through", "Full-price sell-through", Unit::Share, Better::Higher),
    ("pick_wait_hours_mean", "Pick queue wait, mean", Unit::Hours, Better::Lower),
    ("pick_wait_hours_p90", "Pick queue wait, 90th percentile", Unit::Hours, Better::Lower),
    ("node_utilization_mean", "Node utilization, mean", Unit::Share, Better::Neither),
    ("node_utilization_max", "Node utilization, busiest node", Unit::Share, Better::Lower),
    ("utilization", "Utilization", Unit::Share, Better::Neither),
    ("picks", "Picks", Unit::Count, Better::Neither),
    ("shipments", "Shipments", Unit::Count, Better::Neither),
    ("short_pick_units", "Short-picked units", Unit::Count, Better::Lower),
    ("lp_fallbacks", "LP fallbacks", Unit::Count, Better::Lower),
    ("lp_batches", "LP batches solved", Unit::Count, Better::Neither),
    ("lp_batch_orders_mean", "Orders per LP batch", Unit::Number, Better::Neither),
    ("lp_dual_solves", "Pricing LPs solved", Unit::Count, Better::Neither),
    ("objective_cost_per_order", "Objective per order", Unit::Currency, Better::Lower),
    ("hindsight_bound_per_order", "Hindsight bound per order", Unit::Currency, Better::Neither),
    ("hindsight_gap", "Gap to the hindsight bound", Unit::Share, Better::Lower),
    ("hindsight_unserved_units", "Units the bound cannot serve", Unit::Count, Better::Neither),
    ("gap_closed", "Share of the baseline's gap closed", Unit::Share, Better::Higher),
    (
        "outage_released_shipments",
        "Shipments taken back from offline nodes",
        Unit::Count,
        Better::Neither,
    ),
    (
        "outage_rerouted_units",
        "Units rerouted away from offline nodes",
        Unit::Count,
        Better::Neither,
    ),
    ("outage_cancelled_units", "Units cancelled at offline nodes", Unit::Count, Better::Lower),
    ("outage_waits", "Steps that waited for a node to reopen", Unit::Count, Better::Neither),
    ("carrier_delayed_parcels", "Parcels in a carrier delay wave", Unit::Count, Better::Neither),
    ("shrink_event_units", "Units lost to shrink events", Unit::Count, Better::Neither),
];

/// Metrics of `nodes.csv` only, which `summary.csv` never reports.
const NODE_ONLY: [&str; 4] = ["utilization", "picks", "shipments", "short_pick_units"];

/// Metrics reported only when the hindsight bound is computed.
const WITH_BOUND: [&str; 5] = [
    "objective_cost_per_order",
    "hindsight_bound_per_order",
    "hindsight_gap",
    "hindsight_unserved_units",
    "gap_closed",
];

/// Metrics the summary derives across replications, which have no value per replication
/// (so no paired difference either), and which the baseline policy never has.
const DERIVED: [&str; 1] = ["gap_closed"];

/// Every metric `summary.csv` may report, in table order.
pub(crate) fn summary_metrics() -> impl Iterator<Item = &'static str> {
    KNOWN.iter().map(|(name, ..)| *name).filter(|name| !NODE_ONLY.contains(name))
}

/// Whether `summary.csv` may report `metric`.
pub(crate) fn is_summary_metric(metric: &str) -> bool {
    summary_metrics().any(|name| name == metric)
}

/// Whether `metric` exists only when the hindsight bound is computed.
pub(crate) fn needs_bound(metric: &str) -> bool {
    WITH_BOUND.contains(&metric)
}

/// Whether `metric` is derived by the summary, with no value per replication: it has no
/// paired difference and is never reported for the baseline.
pub(crate) fn is_derived(metric: &str) -> bool {
    DERIVED.contains(&metric)
}

/// How `metric` is shown; unknown metrics get their own name as label and no unit.
pub(crate) fn describe(metric: &'static str) -> MetricInfo {
    KNOWN
        .iter()
        .find(|(name, ..)| *name == metric)
        .map(|&(_, label, unit, better)| MetricInfo { label, unit, better })
        .unwrap_or(MetricInfo { label: metric, unit: Unit::Number, better: Better::Neither })
}

impl Unit {
    /// A value for a table cell or a label: `94.1%`, `$12.34`, `2.35 d`, `1,234`.
    pub(crate) fn format(self, v: f64) -> String {
        if !v.is_finite() {
            return "n/a".to_string();
        }
        match self {
            Unit::Share => percent(v),
            Unit::Currency => money(v),
            Unit::Days => format!("{v:.2} d"),
            Unit::Hours => format!("{v:.1} h"),
            Unit::Count => grouped(v),
            Unit::Number => format!("{v:.3}"),
        }
    }

    /// A difference from the baseline with its sign: `+1.2 pts`, `-$0.35`, `+0.10 d`.
    pub(crate) fn format_diff(self, d: f64) -> String {
        if !d.is_finite() {
            return "n/a".to_string();
        }
        let sign = if d < 0.0 { "\u{2212}" } else { "+" };
        let magnitude = match self {
            Unit::Share if d.abs() < 0.01 => format!("{:.2} pts", d.abs() * 100.0),
            Unit::Share => format!("{:.1} pts", d.abs() * 100.0),
            _ => self.format(d.abs()),
        };
        format!("{sign}{magnitude}")
    }

    /// An axis tick label on an axis spanning `span`, with as many decimals as the span
    /// needs and thousands or millions shortened: `90%`, `$18.25`, `4 d`, `12k`.
    pub(crate) fn tick(self, v: f64, span: f64) -> String {
        let percent = if self == Unit::Share { 100.0 } else { 1.0 };
        let (v, span) = (v * percent, span.abs() * percent);
        let (divisor, scale) = if span >= 2e6 {
            (1e6, "M")
        } else if span >= 2e3 {
            (1e3, "k")
        } else {
            (1.0, "")
        };
        let number = if v.abs() < 1e-12 {
            "0".to_string()
        } else {
            trim_zeros(format!("{:.*}", decimals_for(span / divisor), v / divisor)) + scale
        };
        match self {
            Unit::Share => number + "%",
            Unit::Currency if v < 0.0 => format!("-${}", &number[1..]),
            Unit::Currency => format!("${number}"),
            Unit::Days => number + " d",
            Unit::Hours => number + " h",
            Unit::Count | Unit::Number => number,
        }
    }
}

/// A share as a percentage: one decimal, two below 1%, `<0.01%` for what is above zero but
/// would round to it, and `0%` for nothing (or for a hair below zero, as the low end of an
/// interval around a tiny rate can be).
fn percent(v: f64) -> String {
    let p = v * 100.0;
    if p == 0.0 || (p < 0.0 && p > -0.005) {
        "0%".to_string()
    } else if p > 0.0 && p < 0.005 {
        "<0.01%".to_string()
    } else if p.abs() < 1.0 {
        format!("{p:.2}%")
    } else {
        format!("{p:.1}%")
    }
}

/// Money with cents below a thousand, and in thousands or millions above.
fn money(v: f64) -> String {
    let sign = if v < 0.0 { "-" } else { "" };
    let a = v.abs();
    if a >= 1_000_000.0 {
        format!("{sign}${:.2}M", a / 1_000_000.0)
    } else if a >= 10_000.0 {
        format!("{sign}${:.1}k", a / 1_000.0)
    } else if a >= 1_000.0 {
        format!("{sign}${}", grouped(a.round()))
    } else {
        format!("{sign}${a:.2}")
    }
}

/// A whole number with thousands separators: `12,345`.
fn grouped(v: f64) -> String {
    let rounded = v.round();
    let digits = format!("{:.0}", rounded.abs());
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if rounded < 0.0 { format!("-{out}") } else { out }
}

/// Decimals enough to tell apart ticks a fiftieth of `span` apart (trailing zeros are
/// trimmed afterwards, so ticks wider apart still read short).
fn decimals_for(span: f64) -> usize {
    if !span.is_finite() || span <= 0.0 {
        return 0;
    }
    (-(span / 50.0).log10().floor()).clamp(0.0, 4.0) as usize
}

/// Drops trailing zeros after a decimal point, and the point itself if nothing is left.
fn trim_zeros(text: String) -> String {
    if !text.contains('.') {
        return text;
    }
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_metric_of_the_simulator_is_described_once() {
        for (i, (name, ..)) in KNOWN.iter().enumerate() {
            assert!(KNOWN[i + 1..].iter().all(|(other, ..)| other != name), "{name} twice");
        }
        assert_eq!(describe("otif").better, Better::Higher);
        assert_eq!(describe("cost_to_serve_per_order").unit, Unit::Currency);
    }

    #[test]
    fn summary_metrics_leave_out_node_metrics_and_know_the_bound() {
        assert!(is_summary_metric("otif") && is_summary_metric("gap_closed"));
        assert!(!is_summary_metric("picks") && !is_summary_metric("otf"));
        assert!(needs_bound("hindsight_gap") && !needs_bound("otif"));
        assert!(is_derived("gap_closed") && !is_derived("hindsight_gap"));
        for name in NODE_ONLY.iter().chain(&WITH_BOUND).chain(&DERIVED) {
            assert!(KNOWN.iter().any(|(known, ..)| known == name), "{name} is not in KNOWN");
        }
    }

    /// Runs the small test network with every kind of policy and the hindsight bound, and
    /// checks that the table lists every metric its summary reports: the list scenario
    /// validation checks `[[expect]]` metrics against is complete.
    #[test]
    fn every_metric_a_run_summarizes_is_in_the_table() {
        use crate::experiment::{RunPlan, compare};
        use crate::report::summarize;
        use crate::scenario::{parse_str, resolve};

        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small.toml");
        let text = std::fs::read_to_string(&path).expect("the small fixture reads")
            + "\n[[policies]]\nname = \"lp_batch\"\nkind = \"lp_batch\"\n\
               \n[[policies]]\nname = \"lp_dual\"\nkind = \"lp_dual\"\n\
               \n[bound]\nenabled = true\n";
        let file = parse_str(&text, &path).expect("the extended fixture is valid");
        let scenario = resolve(&file, &path).expect("the extended fixture resolves");
        let plan = RunPlan {
            replications: 1,
            policies: (0..scenario.policies.len()).collect(),
            ..RunPlan::default()
        };
        let rows = summarize(&compare(&scenario, &plan, &|_, _| {}).expect("the run completes"));

        let unlisted: Vec<&str> =
            rows.iter().map(|r| r.metric).filter(|m| !is_summary_metric(m)).collect();
        assert!(unlisted.is_empty(), "metrics missing from KNOWN: {unlisted:?}");
        for metric in ["lp_batches", "lp_dual_solves", "hindsight_gap", "gap_closed", "otif"] {
            assert!(rows.iter().any(|r| r.metric == metric), "the run did not report {metric}");
        }
    }

    #[test]
    fn an_unknown_metric_is_a_plain_number_named_by_itself() {
        let info = describe("something_new");
        assert_eq!(info.label, "something_new");
        assert_eq!(info.unit, Unit::Number);
        assert_eq!(info.better, Better::Neither);
    }

    #[test]
    fn values_are_written_in_their_unit() {
        assert_eq!(Unit::Share.format(0.9412), "94.1%");
        assert_eq!(Unit::Share.format(0.0042), "0.42%");
        assert_eq!(Unit::Share.format(0.000_004), "<0.01%");
        assert_eq!(Unit::Share.format(0.0), "0%");
        assert_eq!(Unit::Share.format(-0.000_001), "0%");
        assert_eq!(Unit::Share.format(-0.0064), "-0.64%");
        assert_eq!(Unit::Currency.format(12.345), "$12.35");
        assert_eq!(Unit::Currency.format(1234.4), "$1,234");
        assert_eq!(Unit::Currency.format(123_456.0), "$123.5k");
        assert_eq!(Unit::Currency.format(2_500_000.0), "$2.50M");
        assert_eq!(Unit::Days.format(2.345), "2.35 d");
        assert_eq!(Unit::Count.format(1_234_567.0), "1,234,567");
        assert_eq!(Unit::Count.format(-1_234.0), "-1,234");
        assert_eq!(Unit::Count.format(999.0), "999");
        assert_eq!(Unit::Share.format(f64::NAN), "n/a");
    }

    #[test]
    fn differences_carry_a_sign_and_shares_are_in_points() {
        assert_eq!(Unit::Share.format_diff(0.012), "+1.2 pts");
        assert_eq!(Unit::Share.format_diff(-0.012), "\u{2212}1.2 pts");
        assert_eq!(Unit::Share.format_diff(0.0004), "+0.04 pts");
        assert_eq!(Unit::Currency.format_diff(-0.35), "\u{2212}$0.35");
        assert_eq!(Unit::Count.format_diff(0.0), "+0");
    }

    #[test]
    fn ticks_carry_the_decimals_their_axis_needs() {
        assert_eq!(Unit::Share.tick(0.9, 1.0), "90%");
        assert_eq!(Unit::Share.tick(0.955, 0.05), "95.5%");
        assert_eq!(Unit::Share.tick(0.96, 0.05), "96%");
        assert_eq!(Unit::Currency.tick(0.25, 2.0), "$0.25");
        assert_eq!(Unit::Currency.tick(0.0, 4e6), "$0");
        assert_eq!(Unit::Currency.tick(18.3, 1.5), "$18.3");
        assert_eq!(Unit::Currency.tick(18.0, 20.0), "$18");
        assert_eq!(Unit::Currency.tick(-2.0, 20.0), "-$2");
        assert_eq!(Unit::Currency.tick(60_000.0, 70_000.0), "$60k");
        assert_eq!(Unit::Count.tick(12_500.0, 5_000.0), "12.5k");
        assert_eq!(Unit::Count.tick(2_000_000.0, 3_000_000.0), "2M");
        assert_eq!(Unit::Days.tick(4.0, 5.0), "4 d");
        assert_eq!(Unit::Count.tick(0.0, 0.0), "0");
    }
}
