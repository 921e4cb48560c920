//! The report's tables: the findings at a glance, the comparison table of one scope (every
//! metric, one column per policy: mean, 95% interval and the paired difference from the
//! baseline, marked when significant and coloured by whether it is better or worse), and the
//! per-channel tables folded under `<details>`.
//!
//! Builds HTML text only; every name from the scenario goes through [`escape`].

use std::fmt::Write;

use super::escape;
use crate::experiment::Comparison;
use crate::orders::Channel;
use crate::report::SummaryRow;
use crate::report::metrics::{Better, HEADLINE, describe};
use crate::sim::Scope;
use crate::stats::Interval;

/// How a difference from the baseline reads: its CSS class and the word for it.
fn verdict(better: Better, diff: &Interval) -> (&'static str, &'static str) {
    if !diff.excludes_zero() {
        return ("", "no significant difference");
    }
    match (better, diff.mean > 0.0) {
        (Better::Higher, true) | (Better::Lower, false) => ("better", "better"),
        (Better::Higher, false) | (Better::Lower, true) => ("worse", "worse"),
        (Better::Neither, _) => ("changed", "changed"),
    }
}

/// The headline findings: for each policy, its significant differences from the baseline
/// on the headline KPIs.
pub(super) fn glance(c: &Comparison, rows: &[SummaryRow]) -> String {
    let mut html = String::from("<h2>At a glance</h2>\n");
    let Some(baseline) = c.baseline else {
        html.push_str(
            "<p>The baseline policy was not run, so no policy is compared with it.</p>\n",
        );
        return html;
    };
    let _ = writeln!(
        html,
        "<p class=\"hint\">Differences from the baseline, <strong>{}</strong>, on the headline \
         KPIs that are significant (the paired 95% interval excludes zero).</p>\n\
         <ul class=\"glance\">",
        escape(&c.policies[baseline])
    );
    for (p, policy) in c.policies.iter().enumerate().filter(|&(p, _)| p != baseline) {
        let findings: Vec<String> = HEADLINE
            .iter()
            .filter_map(|&metric| {
                let row = find(rows, policy, Scope::All, metric)?;
                let diff = row.diff.filter(Interval::excludes_zero)?;
                let info = describe(metric);
                let (class, word) = verdict(info.better, &diff);
                Some(format!(
                    "<span class=\"{class}\">{} {} ({word})</span>",
                    escape(info.label),
                    escape(&info.unit.format_diff(diff.mean)),
                ))
            })
            .collect();
        let text = if findings.is_empty() {
            "no significant difference on the headline KPIs".to_string()
        } else {
            findings.join("; ")
        };
        let _ = writeln!(html, "<li><strong>{}</strong>: {text}</li>", escape(&c.policies[p]));
    }
    html.push_str("</ul>\n");
    html
}

/// The row of `policy`, `scope` and `metric`, if the summary has it.
fn find<'a>(
    rows: &'a [SummaryRow],
    policy: &str,
    scope: Scope,
    metric: &str,
) -> Option<&'a SummaryRow> {
    rows.iter().find(|r| r.policy == policy && r.scope == scope && r.metric == metric)
}

/// The comparison over all channels: the headline KPIs, then every other metric folded
/// under `<details>`.
pub(super) fn comparison(c: &Comparison, rows: &[SummaryRow]) -> String {
    let (headline, other) = metrics_of(rows, Scope::All);
    let mut html = String::from(
        "<p class=\"hint\">Each cell: the mean over replications, its 95% interval, and the \
         paired difference from the baseline. <strong>*</strong> marks a difference whose 95% \
         interval excludes zero; <span class=\"better\">green</span> is better, \
         <span class=\"worse\">red</span> is worse.</p>\n",
    );
    html.push_str(&table(c, rows, Scope::All, &headline));
    if !other.is_empty() {
        let _ = write!(
            html,
            "<details><summary>Every other metric, all channels ({})</summary>\n{}</details>\n",
            other.len(),
            table(c, rows, Scope::All, &other)
        );
    }
    html
}

/// The metrics reported in `scope`, headline KPIs first (in their order), the rest in
/// summary order.
fn metrics_of(rows: &[SummaryRow], scope: Scope) -> (Vec<&'static str>, Vec<&'static str>) {
    let mut all: Vec<&'static str> = Vec::new();
    for r in rows.iter().filter(|r| r.scope == scope) {
        if !all.contains(&r.metric) {
            all.push(r.metric);
        }
    }
    let (mut headline, other): (Vec<_>, Vec<_>) =
        all.into_iter().partition(|m| HEADLINE.contains(m));
    headline.sort_by_key(|m| HEADLINE.iter().position(|h| h == m));
    (headline, other)
}

/// A table of `metrics` in `scope`: one row per metric, one column per policy.
fn table(c: &Comparison, rows: &[SummaryRow], scope: Scope, metrics: &[&'static str]) -> String {
    if metrics.is_empty() {
        return "<p class=\"muted\">No metric was reported here.</p>\n".to_string();
    }
    let mut html = String::from("<table>\n<thead><tr><th>metric</th>");
    for (p, policy) in c.policies.iter().enumerate() {
        let tag = if c.baseline == Some(p) { "<br><small>baseline</small>" } else { "" };
        let _ = write!(html, "<th>{}{tag}</th>", escape(policy));
    }
    html.push_str("</tr></thead>\n<tbody>\n");
    for metric in metrics {
        let class = if HEADLINE.contains(metric) { "headline" } else { "" };
        metric_row(&mut html, c, rows, scope, metric, class);
    }
    html.push_str("</tbody>\n</table>\n");
    html
}

/// One metric's row.
fn metric_row(
    html: &mut String,
    c: &Comparison,
    rows: &[SummaryRow],
    scope: Scope,
    metric: &'static str,
    class: &str,
) {
    let info = describe(metric);
    let _ = write!(
        html,
        "<tr class=\"{class}\"><td title=\"{}\">{}</td>",
        escape(metric),
        escape(info.label)
    );
    for policy in &c.policies {
        html.push_str(&cell(find(rows, policy, scope, metric)));
    }
    html.push_str("</tr>\n");
}

/// One policy's cell: mean, interval, and difference from the baseline (none for the
/// baseline itself).
fn cell(row: Option<&SummaryRow>) -> String {
    let Some(row) = row else { return "<td class=\"muted\">-</td>".to_string() };
    let info = describe(row.metric);
    let unit = info.unit;
    let i = row.interval;
    let mut html = format!("<td><span class=\"v\">{}</span>", escape(&unit.format(i.mean)));
    if i.low.is_finite() && i.high.is_finite() {
        let _ = write!(
            html,
            "<span class=\"ci\">{} to {}</span>",
            escape(&unit.format(i.low)),
            escape(&unit.format(i.high))
        );
    }
    if let Some(d) = row.diff {
        let (class, word) = verdict(info.better, &d);
        let star = if d.excludes_zero() { "*" } else { "" };
        let _ = write!(
            html,
            "<span class=\"d {class}\" title=\"{word}; paired 95% interval {} to {}\">\
             {}{star}</span>",
            escape(&unit.format_diff(d.low)),
            escape(&unit.format_diff(d.high)),
            escape(&unit.format_diff(d.mean)),
        );
    }
    html.push_str("</td>");
    html
}

/// A folded comparison table for every channel that reported anything.
pub(super) fn channels(c: &Comparison, rows: &[SummaryRow]) -> String {
    let mut html = String::from(
        "<p class=\"hint\">The same comparison for each channel; open one to see it.</p>\n",
    );
    for channel in Channel::ALL {
        let scope = Scope::Channel(channel);
        let (mut metrics, other) = metrics_of(rows, scope);
        if metrics.is_empty() && other.is_empty() {
            continue;
        }
        metrics.extend(other);
        let _ = write!(
            html,
            "<details><summary>{}</summary>\n{}</details>\n",
            channel.as_str(),
            table(c, rows, scope, &metrics)
        );
    }
    html
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn interval(mean: f64, half: f64) -> Interval {
        Interval { mean, low: mean - half, high: mean + half, n: 4 }
    }

    fn row(policy: &str, metric: &'static str, mean: f64, diff: Option<Interval>) -> SummaryRow {
        SummaryRow {
            policy: policy.into(),
            scope: Scope::All,
            metric,
            interval: interval(mean, 0.01),
            diff,
        }
    }

    fn comparison_of(policies: &[&str]) -> Comparison {
        Comparison {
            policies: policies.iter().map(|p| p.to_string()).collect(),
            baseline: Some(0),
            outcomes: policies.iter().map(|_| Vec::new()).collect(),
            wall_time: Duration::ZERO,
        }
    }

    #[test]
    fn a_difference_is_better_or_worse_by_the_metric_direction() {
        assert_eq!(verdict(Better::Higher, &interval(0.02, 0.01)).0, "better");
        assert_eq!(verdict(Better::Lower, &interval(0.02, 0.01)).0, "worse");
        assert_eq!(verdict(Better::Lower, &interval(-0.02, 0.01)).0, "better");
        assert_eq!(verdict(Better::Neither, &interval(5.0, 1.0)).0, "changed");
        assert_eq!(verdict(Better::Higher, &interval(0.02, 0.05)).0, "", "not significant");
    }

    #[test]
    fn the_table_marks_significant_differences_and_escapes_names() {
        let c = comparison_of(&["today", "<new>"]);
        let rows = vec![
            row("today", "otif", 0.95, None),
            row("<new>", "otif", 0.97, Some(interval(0.02, 0.005))),
            row("today", "orders", 100.0, None),
            row("<new>", "orders", 100.0, Some(interval(0.0, 1.0))),
        ];
        let html = comparison(&c, &rows);

        assert!(html.contains("&lt;new&gt;") && !html.contains("<new>"));
        assert!(html.contains("<span class=\"d better\""), "{html}");
        assert!(html.contains("+2.0 pts*"), "{html}");
        assert!(html.contains("<small>baseline</small>"));
        let headline = html.find("OTIF").expect("OTIF row");
        let other = html.find("Every other metric").expect("other metrics");
        assert!(headline < other, "headline KPIs come first");
        assert!(html.find("Orders accepted").expect("orders row") > other, "others are folded");
    }

    #[test]
    fn the_glance_lists_only_significant_headline_differences() {
        let c = comparison_of(&["today", "new"]);
        let rows = vec![
            row("new", "otif", 0.97, Some(interval(0.02, 0.005))),
            row("new", "split_rate", 0.1, Some(interval(0.01, 0.05))),
            row("new", "orders", 120.0, Some(interval(20.0, 1.0))),
        ];
        let html = glance(&c, &rows);

        assert!(html.contains("OTIF (on time in full) +2.0 pts (better)"), "{html}");
        assert!(!html.contains("Split"), "not significant: {html}");
        assert!(!html.contains("Orders"), "not a headline KPI: {html}");
    }

    #[test]
    fn only_channels_with_metrics_get_a_table() {
        let c = comparison_of(&["today"]);
        let mut bopis = row("today", "otif", 0.9, None);
        bopis.scope = Scope::Channel(Channel::Bopis);
        let html = channels(&c, &[bopis]);
        assert!(html.contains("<summary>bopis</summary>"));
        assert!(!html.contains("<summary>web</summary>"));
        assert!(comparison(&c, &[]).contains("No metric was reported"));
    }
}
