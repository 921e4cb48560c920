//! `report.html`: the leadership report, one self-contained file a browser opens without
//! network access.
//!
//! Owns [`write_html`] and the two encoders it needs, [`escape`] (every text taken from the
//! scenario goes through it) and [`base64`] (charts are embedded as `data:` URIs of their
//! PNGs). The page reads top-down: what was run, the headline findings, the comparison table,
//! the charts, where promises break (OTIF misses by root cause and node), the per-channel
//! tables, and the assumptions a reader needs to judge the numbers. The tables are built in
//! `tables`, the misses section in `causes`, the assumptions in `assumptions`. The page has
//! no scripts, no external style sheets, fonts or images; it writes only its own file.

mod assumptions;
mod causes;
mod tables;

use std::fmt::Write;
use std::fs;
use std::path::Path;

use super::charts::CHART_NAMES;
use super::{ReportError, RunInfo, SummaryRow};
use crate::experiment::Comparison;
use crate::scenario::Scenario;

/// The page's style sheet.
const STYLE: &str = "
body { font-family: 'DejaVu Sans', 'Segoe UI', Helvetica, Arial, sans-serif; color: #212529;
  margin: 0 auto; max-width: 1260px; padding: 24px 32px 64px; line-height: 1.45; }
h1 { font-size: 30px; margin: 8px 0 4px; }
h2 { font-size: 22px; margin: 40px 0 12px; border-bottom: 2px solid #dee2e6; padding-bottom: 4px; }
h3 { font-size: 17px; margin: 24px 0 8px; }
p.lead { font-size: 17px; margin: 4px 0 8px; }
p.meta, p.hint, figcaption, .muted { color: #646a73; font-size: 14px; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 14px; }
th, td { border-bottom: 1px solid #e4e7eb; padding: 6px 10px; text-align: right;
  vertical-align: top; }
th:first-child, td:first-child { text-align: left; }
thead th { background: #f3f5f7; border-bottom: 2px solid #ced4da; }
tbody.other th { background: #fafbfc; text-align: left; font-weight: normal; color: #646a73; }
td .v { display: block; font-weight: 600; }
td .ci, td .d { display: block; font-size: 12px; color: #646a73; }
td .d.better { color: #1b7f3b; font-weight: 600; }
td .d.worse { color: #b42318; font-weight: 600; }
td .d.changed { color: #212529; font-weight: 600; }
tr.headline td:first-child { font-weight: 600; }
ul.glance li { margin: 4px 0; }
.better { color: #1b7f3b; } .worse { color: #b42318; }
figure { margin: 24px 0; }
figure img { max-width: 100%; border: 1px solid #e4e7eb; }
details { margin: 8px 0; } summary { cursor: pointer; font-weight: 600; font-size: 16px; }
dl.facts { display: grid; grid-template-columns: max-content auto; gap: 4px 16px; font-size: 14px; }
dl.facts dt { color: #646a73; } dl.facts dd { margin: 0; }
";

/// What each chart shows, for its caption, in [`CHART_NAMES`] order.
const CAPTIONS: [&str; 8] = [
    "Headline KPIs, one bar per policy with its 95% interval; the dashed line is the baseline.",
    "Cost to serve per order, split into pick and pack, parcels, transfers and returns.",
    "OTIF by the day orders were placed, mean over replications; the warm-up is shaded.",
    "Orders with a retailer cancellation by day, mean over replications.",
    "Cost to serve against OTIF: up and to the left is better.",
    "Utilization of the busiest nodes under each policy, against their daily capacity.",
    "Nodes by kind, sized by the baseline's shipments, over the cities customers live in.",
    "OTIF misses per 1,000 accepted orders by root cause; the whisker is the 95% interval of \
     all misses.",
];

/// Charts shown in their own section rather than under "Charts".
const OWN_SECTION: [&str; 1] = ["otif_misses"];

/// Writes `report.html` to `path`, embedding the PNG charts found in `charts`.
pub fn write_html(
    path: &Path,
    scenario: &Scenario,
    comparison: &Comparison,
    rows: &[SummaryRow],
    info: &RunInfo,
    charts: &Path,
) -> Result<(), ReportError> {
    let page = page(scenario, comparison, rows, info, charts)?;
    fs::write(path, page).map_err(|source| ReportError::Io { path: path.to_path_buf(), source })
}

/// The whole page.
fn page(
    sc: &Scenario,
    c: &Comparison,
    rows: &[SummaryRow],
    info: &RunInfo,
    charts: &Path,
) -> Result<String, ReportError> {
    let mut html = String::with_capacity(1 << 20);
    let name = escape(&sc.name);
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>omnilab: {name}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
    );
    intro(&mut html, sc, c, info);
    html.push_str(&tables::glance(c, rows));
    html.push_str("<h2>Comparison, all channels</h2>\n");
    html.push_str(&tables::comparison(c, rows));
    figures(&mut html, charts)?;
    promises(&mut html, sc, c, rows, charts)?;
    html.push_str("<h2>By channel</h2>\n");
    html.push_str(&tables::channels(c, rows));
    html.push_str(&assumptions::section(sc, info));
    html.push_str("</body>\n</html>\n");
    Ok(html)
}

/// The scenario's name and description and what was run.
fn intro(html: &mut String, sc: &Scenario, c: &Comparison, info: &RunInfo) {
    let baseline = c.baseline.map_or_else(
        || "none (the baseline policy was not run)".to_string(),
        |b| escape(&c.policies[b]),
    );
    let policies: Vec<String> = c.policies.iter().map(|p| escape(p)).collect();
    let _ = write!(
        html,
        "<header>\n<p class=\"meta\">omnilab routing comparison</p>\n<h1>{}</h1>\n\
         <p class=\"lead\">{}</p>\n<p class=\"meta\">{} policies compared ({}), baseline \
         <strong>{baseline}</strong>; {} replications per policy, seed {}; {} days of demand, \
         of which the warm-up ({}) is left out of every KPI.</p>\n</header>\n",
        escape(&sc.name),
        escape(&sc.description),
        c.policies.len(),
        policies.join(", "),
        info.replications,
        info.seed,
        sc.horizon_days,
        counted(u64::from(sc.warmup_days), "day"),
    );
}

/// `n` and `word`, with an `s` unless `n` is one: `1 day`, `7 days`.
fn counted(n: u64, word: &str) -> String {
    if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
}

/// Every chart without a section of its own, as an embedded PNG with its caption and a
/// link to its SVG.
fn figures(html: &mut String, charts: &Path) -> Result<(), ReportError> {
    html.push_str("<h2>Charts</h2>\n");
    for (name, caption) in CHART_NAMES.iter().zip(CAPTIONS) {
        if !OWN_SECTION.contains(name) {
            figure(html, charts, name, caption)?;
        }
    }
    Ok(())
}

/// Chart `name` as an embedded PNG with `caption` and a link to its SVG; nothing if the
/// chart was not drawn.
fn figure(html: &mut String, charts: &Path, name: &str, caption: &str) -> Result<(), ReportError> {
    let png = charts.join(format!("{name}.png"));
    if !png.exists() {
        return Ok(());
    }
    let bytes = fs::read(&png).map_err(|source| ReportError::Io { path: png.clone(), source })?;
    let _ = write!(
        html,
        "<figure id=\"{name}\">\n<img alt=\"{caption}\" width=\"1200\" \
         src=\"data:image/png;base64,{}\">\n<figcaption>{caption} \
         (<a href=\"charts/{name}.svg\">SVG</a>)</figcaption>\n</figure>\n",
        base64(&bytes)
    );
    Ok(())
}

/// "Where promises break": how misses are attributed, their chart, and the nodes with the
/// most misses.
fn promises(
    html: &mut String,
    sc: &Scenario,
    c: &Comparison,
    rows: &[SummaryRow],
    charts: &Path,
) -> Result<(), ReportError> {
    html.push_str("<h2>Where promises break</h2>\n");
    html.push_str(causes::INTRO);
    let caption = CHART_NAMES.iter().zip(CAPTIONS).find(|(n, _)| **n == "otif_misses");
    if let Some((name, caption)) = caption {
        figure(html, charts, name, caption)?;
    }
    html.push_str(&causes::node_tables(sc, c, rows));
    Ok(())
}

/// `text` with the five characters that mean something in HTML replaced by entities, safe
/// inside elements and quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// `bytes` in standard base64 (RFC 4648, with `=` padding).
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let sextet = |shift: u32| char::from(ALPHABET[((n >> shift) & 63) as usize]);
        out.push(sextet(18));
        out.push(sextet(12));
        out.push(if chunk.len() > 1 { sextet(6) } else { '=' });
        out.push(if chunk.len() > 2 { sextet(0) } else { '=' });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_neutralises_markup_and_keeps_everything_else() {
        assert_eq!(
            escape("<script>alert('x & y')</script>"),
            "&lt;script&gt;alert(&#39;x &amp; y&#39;)&lt;/script&gt;"
        );
        assert_eq!(escape("a \"quoted\" name"), "a &quot;quoted&quot; name");
        assert_eq!(escape("Café – déjà vu"), "Café – déjà vu");
        assert_eq!(escape(""), "");
    }

    #[test]
    fn base64_matches_the_rfc_4648_test_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in cases {
            assert_eq!(base64(plain.as_bytes()), encoded, "{plain:?}");
        }
        assert_eq!(base64(&[0xff, 0xfe, 0x00]), "//4A");
    }

    #[test]
    fn counts_agree_with_their_noun() {
        assert_eq!(counted(1, "day"), "1 day");
        assert_eq!(counted(0, "unit"), "0 units");
        assert_eq!(counted(7, "day"), "7 days");
    }

    #[test]
    fn every_chart_has_a_caption() {
        assert_eq!(CAPTIONS.len(), CHART_NAMES.len());
        assert!(CAPTIONS.iter().all(|c| !c.is_empty() && !c.contains('<')));
    }
}
