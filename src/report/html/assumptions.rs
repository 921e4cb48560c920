//! The report's assumptions section: what the numbers rest on, so a reader can judge them.
//!
//! The run (replications, seed, warm-up, horizon), the carrier rate card (bands, costs,
//! transit days, late probabilities, cut-off), returns by channel, inventory visibility and
//! record accuracy, demand rates and promotions, the network's size, and the support-contact
//! model, labelled as a model. Builds HTML text only; every scenario name is escaped.

use std::fmt::Write;

use super::{counted, escape};
use crate::network::{NodeKind, RateCard};
use crate::orders::Channel;
use crate::report::RunInfo;
use crate::report::metrics::Unit;
use crate::scenario::{LostSale, Scenario};

const WEEKDAYS: [&str; 7] =
    ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/// The whole section.
pub(super) fn section(sc: &Scenario, info: &RunInfo) -> String {
    let mut html = String::from(
        "<h2>Assumptions</h2>\n<p class=\"hint\">What these results rest on. Every number \
         below comes from the scenario file (or omnilab's documented default); change the \
         file to test a different assumption.</p>\n",
    );
    run(&mut html, sc, info);
    rate_card(&mut html, &sc.network.rate_card);
    returns(&mut html, sc);
    inventory(&mut html, sc);
    demand(&mut html, sc);
    network(&mut html, sc);
    support(&mut html, sc);
    html
}

/// A titled list of facts; values are escaped here.
fn facts(html: &mut String, title: &str, items: &[(&str, String)]) {
    let _ = writeln!(html, "<h3>{}</h3>\n<dl class=\"facts\">", escape(title));
    for (term, value) in items {
        let _ = writeln!(html, "<dt>{}</dt><dd>{}</dd>", escape(term), escape(value));
    }
    html.push_str("</dl>\n");
}

fn share(v: f64) -> String {
    Unit::Share.format(v)
}

fn money(v: f64) -> String {
    Unit::Currency.format(v)
}

/// Seconds as hours and minutes of a clock: `17:00`.
fn clock(seconds: u32) -> String {
    format!("{:02}:{:02}", seconds / 3600, seconds % 3600 / 60)
}

/// A duration in seconds, in the largest unit that keeps it readable.
fn duration(seconds: u64) -> String {
    let s = seconds as f64;
    if seconds == 0 {
        "none".to_string()
    } else if seconds % 86_400 == 0 || s >= 3.0 * 86_400.0 {
        format!("{:.1} days", s / 86_400.0)
    } else if seconds >= 3600 {
        format!("{:.1} hours", s / 3600.0)
    } else {
        format!("{:.0} minutes", s / 60.0)
    }
}

fn run(html: &mut String, sc: &Scenario, info: &RunInfo) {
    let weekday = WEEKDAYS[(sc.start_weekday % 7) as usize];
    facts(
        html,
        "The run",
        &[
            ("replications per policy", info.replications.to_string()),
            ("scenario seed", info.seed.to_string()),
            (
                "horizon",
                format!(
                    "{} of demand, starting on a {weekday}",
                    counted(u64::from(sc.horizon_days), "day")
                ),
            ),
            (
                "warm-up",
                format!(
                    "the first {}, left out of every KPI",
                    counted(u64::from(sc.warmup_days), "day")
                ),
            ),
            ("policies", info.policies.join(", ")),
            ("baseline", info.baseline.clone().unwrap_or_else(|| "not run".to_string())),
            ("scenario file", format!("{} (SHA-256 {})", info.scenario_file, info.scenario_sha256)),
            ("omnilab", format!("version {}", info.omnilab_version)),
        ],
    );
}

fn rate_card(html: &mut String, card: &RateCard) {
    let _ = writeln!(
        html,
        "<h3>Carrier rate card</h3>\n<p class=\"hint\">Zone by great-circle distance from the \
         shipping node to the customer. Parcels packed after the {} cut-off leave the next \
         day.</p>\n<table>\n<thead><tr><th>zone</th><th>distance (miles)</th><th>per parcel</th>\
         <th>per kg</th><th>transit days</th><th>late probability</th><th>days late</th>\
         </tr></thead>\n<tbody>",
        clock(card.cutoff)
    );
    for (z, zone) in card.zones.iter().enumerate() {
        let from = if z == 0 { 0.0 } else { card.bands_miles.get(z - 1).copied().unwrap_or(0.0) };
        let band = match card.bands_miles.get(z) {
            Some(to) => format!("{from:.0} to {to:.0}"),
            None => format!("over {from:.0}"),
        };
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td>{band}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td>{}</td></tr>",
            z + 1,
            money(zone.parcel_cost),
            money(zone.cost_per_kg),
            zone.transit_days,
            share(zone.late_probability),
            zone.late_days,
        );
    }
    html.push_str("</tbody>\n</table>\n");
}

fn returns(html: &mut String, sc: &Scenario) {
    let r = &sc.returns;
    html.push_str(
        "<h3>Returns</h3>\n<table>\n<thead><tr><th>channel</th><th>return probability per \
         delivered line</th><th>returned to a store</th></tr></thead>\n<tbody>\n",
    );
    for channel in Channel::ALL {
        let i = channel.index();
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            channel.as_str(),
            share(r.rate[i]),
            share(r.to_store_share[i])
        );
    }
    html.push_str("</tbody>\n</table>\n");

    let categories = sc.catalog.categories();
    let multipliers: Vec<String> = r
        .category_multiplier
        .iter()
        .enumerate()
        .filter(|&(_, &m)| (m - 1.0).abs() > 1e-12)
        .map(|(i, m)| format!("{} x{m}", categories.get(i).map_or("?", String::as_str)))
        .collect();
    facts(
        html,
        "Return handling",
        &[
            (
                "category multipliers",
                if multipliers.is_empty() { "none".into() } else { multipliers.join(", ") },
            ),
            ("days from delivery to return (mean)", format!("{:.1}", r.lag_days_mean)),
            ("processing before disposition", duration(r.processing)),
            (
                "disposition",
                format!(
                    "{} restocked, {} refurbished (taking {}), {} liquidated at {} of unit cost",
                    share(r.restock_share),
                    share(r.refurbish_share),
                    duration(r.refurbish),
                    share(r.liquidate_share),
                    share(r.salvage_share)
                ),
            ),
            ("refund after receipt", duration(r.refund)),
            ("label cost per mailed return", money(r.label_cost)),
            ("processing cost per unit", money(r.processing_cost)),
        ],
    );
}

fn inventory(html: &mut String, sc: &Scenario) {
    let inv = &sc.inventory;
    let sync = if inv.visibility_sync == 0 {
        "live: online channels see ATP as it changes".to_string()
    } else {
        format!(
            "online channels see an ATP snapshot refreshed every {}",
            duration(inv.visibility_sync)
        )
    };
    let count = if inv.cycle_count_every_days > 0.0 {
        format!("every {:.0} days per store position", inv.cycle_count_every_days)
    } else {
        "never".to_string()
    };
    facts(
        html,
        "Inventory visibility and record accuracy",
        &[
            ("visibility sync", sync),
            (
                "record accuracy",
                format!(
                    "{} of store positions start with a record error of up to {}",
                    share(inv.record_inaccurate_share),
                    counted(u64::from(inv.record_error_max_units), "unit")
                ),
            ),
            (
                "shrink",
                format!("{} of shelf units lost per day", share(inv.shrink_per_unit_per_day)),
            ),
            ("cycle counts", count),
            (
                "store buffer",
                format!(
                    "{} per store position held back from online",
                    counted(u64::from(inv.store_buffer_units), "unit")
                ),
            ),
            (
                "initial stock",
                format!(
                    "DCs {:.1} weeks of cover, stores {:.1} weeks; stores carry {} of the catalog",
                    inv.dc_weeks_of_cover,
                    inv.store_weeks_of_cover,
                    share(inv.store_assortment_share)
                ),
            ),
        ],
    );
}

fn demand(html: &mut String, sc: &Scenario) {
    let d = &sc.demand;
    let rates: Vec<String> = Channel::ALL
        .iter()
        .map(|&c| {
            let promise = d.channels[c.index()]
                .promise_days
                .map_or(String::new(), |days| format!(" (promise {days} days)"));
            format!("{} {:.0}/day{promise}", c.as_str(), d.rate(c))
        })
        .collect();
    let promotions: Vec<String> = d
        .promotions
        .iter()
        .map(|p| format!("{} x{} on days {} to {}", p.name, p.multiplier, p.start_day, p.end_day))
        .collect();
    let lost = match d.lost_sale {
        LostSale::DropLine => "drops the line and buys the rest",
        LostSale::AbandonOrder => "abandons the whole order",
    };
    facts(
        html,
        "Demand",
        &[
            ("arrival rates", rates.join(", ")),
            (
                "promotions",
                if promotions.is_empty() { "none".into() } else { promotions.join("; ") },
            ),
            (
                "basket",
                format!("{:.2} lines of {:.2} units on average", d.mean_lines(), d.mean_units()),
            ),
            ("a customer who sees no ATP for a line", lost.to_string()),
        ],
    );
}

fn network(html: &mut String, sc: &Scenario) {
    let kinds: Vec<String> = NodeKind::ALL
        .iter()
        .map(|&kind| {
            let nodes: Vec<_> = sc.network.nodes.iter().filter(|n| n.kind == kind).collect();
            let capacity: u64 = nodes.iter().map(|n| u64::from(n.capacity_per_day)).sum();
            format!(
                "{} {}s (capacity {} picks/day)",
                nodes.len(),
                kind,
                Unit::Count.format(capacity as f64)
            )
        })
        .collect();
    facts(
        html,
        "Network and catalog",
        &[
            ("nodes", kinds.join(", ")),
            ("SKUs", sc.catalog.len().to_string()),
            ("pickup no-show rate", share(sc.execution.no_show_rate)),
        ],
    );
}

fn support(html: &mut String, sc: &Scenario) {
    let s = &sc.support;
    facts(
        html,
        "Support contacts (a model)",
        &[(
            "probability that an order makes the customer contact support",
            format!(
                "{} if late, {} if the retailer cancelled a line, {} if split",
                share(s.contact_late),
                share(s.contact_cancelled),
                share(s.contact_split)
            ),
        )],
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_as_a_planner_writes_them() {
        assert_eq!(clock(17 * 3600), "17:00");
        assert_eq!(clock(9 * 3600 + 30 * 60), "09:30");
        assert_eq!(duration(0), "none");
        assert_eq!(duration(15 * 60), "15 minutes");
        assert_eq!(duration(48 * 3600), "2.0 days");
        assert_eq!(duration(36 * 3600), "36.0 hours");
    }

    #[test]
    fn the_rate_card_lists_every_zone_with_its_band() {
        let mut html = String::new();
        rate_card(&mut html, &RateCard::us_default());
        assert!(html.contains("<td>0 to 50</td>"));
        assert!(html.contains("<td>over 1800</td>"));
        assert!(html.contains("17:00 cut-off"));
        assert_eq!(html.matches("<tr><td>").count(), 8);
    }
}
