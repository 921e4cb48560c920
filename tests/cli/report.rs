//! `omnilab run` writes charts and `report.html`: every chart exists as a well-formed PNG of
//! the promised size and as an SVG document with text; the report names the scenario
//! (escaped), holds the comparison table and the charts, and loads nothing from the network.

use std::fs;
use std::path::Path;

use super::{omnilab, text};

/// Chart file names, as promised to readers of the results.
const CHARTS: [&str; 8] = [
    "kpi_comparison",
    "cost_breakdown",
    "otif_over_time",
    "cancellations_over_time",
    "cost_vs_otif",
    "node_utilization",
    "network_map",
    "otif_misses",
];

/// Runs the small fixture into a fresh folder with extra `args`; returns the folder.
fn run_small(args: &[&str]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let out = tmp.path().join("out");
    let out = out.to_str().expect("temporary paths are UTF-8");
    let mut all = vec!["run", "tests/fixtures/report_small.toml", "--out", out, "--quiet"];
    all.extend(args);
    let output = omnilab(&all);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    tmp
}

/// CRC-32 (ISO-HDLC, as PNG uses) of `bytes`.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xffff_ffff_u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// Checks the PNG signature and every chunk's length and CRC; returns the IHDR size.
fn png_size(path: &Path) -> (u32, u32) {
    let data = fs::read(path).expect("the PNG is readable");
    assert_eq!(&data[..8], b"\x89PNG\r\n\x1a\n", "{} has the PNG signature", path.display());
    let (mut pos, mut size, mut kinds) = (8, (0, 0), Vec::new());
    while pos < data.len() {
        let len = u32::from_be_bytes(data[pos..pos + 4].try_into().expect("4 bytes")) as usize;
        let chunk = &data[pos + 4..pos + 8 + len];
        let crc = u32::from_be_bytes(data[pos + 8 + len..pos + 12 + len].try_into().expect("4"));
        assert_eq!(crc32(chunk), crc, "chunk {} CRC in {}", kinds.len(), path.display());
        let kind = String::from_utf8_lossy(&chunk[..4]).into_owned();
        if kind == "IHDR" {
            let be = |at: usize| u32::from_be_bytes(chunk[at..at + 4].try_into().expect("4"));
            size = (be(4), be(8));
        }
        kinds.push(kind);
        pos += 12 + len;
    }
    assert_eq!(kinds.first().map(String::as_str), Some("IHDR"), "{}", path.display());
    assert_eq!(kinds.last().map(String::as_str), Some("IEND"), "{}", path.display());
    assert!(kinds.iter().any(|k| k == "IDAT"), "{} has pixels", path.display());
    size
}

/// Checks that `xml` is well formed (every tag closed in order, one root) and returns the
/// root's name and every element name seen.
fn xml_elements(xml: &str) -> (String, Vec<String>) {
    let (mut stack, mut names, mut root) = (Vec::<String>::new(), Vec::new(), None);
    let mut rest = xml;
    while let Some(start) = rest.find('<') {
        rest = &rest[start..];
        if rest.starts_with("<?") || rest.starts_with("<!--") || rest.starts_with("<!") {
            let end = if rest.starts_with("<!--") { "-->" } else { ">" };
            let close = rest.find(end).expect("declarations and comments are closed");
            rest = &rest[close + end.len()..];
            continue;
        }
        let close = tag_end(rest);
        let tag = &rest[1..close];
        rest = &rest[close + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop().as_deref(), Some(name.trim()), "closing tag matches");
            continue;
        }
        let name: String = tag.chars().take_while(|c| !c.is_whitespace() && *c != '/').collect();
        assert!(!name.is_empty(), "an element has a name");
        if stack.is_empty() {
            assert!(root.is_none(), "one root element");
            root = Some(name.clone());
        }
        if !tag.ends_with('/') {
            stack.push(name.clone());
        }
        names.push(name);
    }
    assert!(stack.is_empty(), "unclosed elements: {stack:?}");
    (root.expect("a root element"), names)
}

/// The index of the `>` that ends the tag starting `text`, skipping quoted attributes.
fn tag_end(text: &str) -> usize {
    let mut quote = None;
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return i,
            _ => {}
        }
    }
    panic!("a tag is not closed");
}

#[test]
fn every_chart_is_written_as_a_png_and_an_svg() {
    let tmp = run_small(&[]);
    let charts = tmp.path().join("out/charts");

    for name in CHARTS {
        let png = charts.join(format!("{name}.png"));
        let (width, height) = png_size(&png);
        assert_eq!(width, 1200, "{name}.png width");
        assert!((800..=900).contains(&height), "{name}.png height {height}");

        let svg = fs::read_to_string(charts.join(format!("{name}.svg"))).expect("the SVG");
        let (root, elements) = xml_elements(&svg);
        assert_eq!(root, "svg", "{name}.svg root");
        assert!(elements.iter().filter(|e| *e == "text").count() >= 5, "{name}.svg has text");
    }
    let files = fs::read_dir(&charts).expect("charts/").count();
    assert_eq!(files, 2 * CHARTS.len(), "nothing but the charts in charts/");
}

#[test]
fn the_report_is_self_contained_and_names_the_scenario() {
    let tmp = run_small(&[]);
    let html = fs::read_to_string(tmp.path().join("out/report.html")).expect("report.html");

    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<h1>small</h1>"), "the scenario's name");
    assert!(html.contains("&lt;dc_first&gt; against &quot;nearest&quot;"), "escaped description");
    assert!(!html.contains("<dc_first>"), "no raw markup from the scenario");
    assert!(html.contains("<table>") && html.contains("OTIF (on time in full)"));
    assert!(html.contains("Carrier rate card") && html.contains("17:00 cut-off"));
    for name in CHARTS {
        assert!(html.contains(&format!("<figure id=\"{name}\">")), "{name} is shown");
    }
    assert_eq!(html.matches("src=\"data:image/png;base64,").count(), CHARTS.len());
    assert!(!html.contains("http://") && !html.contains("https://"), "no network loads");
    assert!(!html.contains("<script") && !html.contains("<link"), "no scripts or style sheets");
}

#[test]
fn charts_and_report_survive_a_run_without_the_baseline() {
    let tmp = run_small(&["--policies", "nearest"]);
    let out = tmp.path().join("out");

    for name in CHARTS {
        assert!(out.join(format!("charts/{name}.png")).is_file(), "{name}.png");
    }
    let html = fs::read_to_string(out.join("report.html")).expect("report.html");
    assert!(
        html.contains("baseline policy was not run"),
        "the report says why nothing is compared"
    );
}

#[test]
fn the_test_helpers_reject_what_they_should() {
    assert_eq!(crc32(b"123456789"), 0xcbf4_3926, "the CRC-32 check value");
    let (root, names) =
        xml_elements("<?xml version=\"1.0\"?><svg a=\"x>y\"><text>t</text><g/></svg>");
    assert_eq!(root, "svg");
    assert_eq!(names, ["svg", "text", "g"]);
    assert!(std::panic::catch_unwind(|| xml_elements("<svg><text></svg>")).is_err());
}
