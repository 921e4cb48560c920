//! The look every chart shares: the embedded font, text styles, the colour of each policy,
//! and the pieces drawn the same way everywhere (the title block, the legend row, the note
//! under a chart, padded axis ranges, labels that do not overlap).
//!
//! The font is DejaVu Sans, shipped in `assets/fonts/` under its licence and registered with
//! plotters' `ab_glyph` renderer, so charts render the same on every machine without a
//! system font library. Colours: the baseline policy is always dark grey ("today"), the
//! other policies take the Tableau 10 colours in report order, so a policy has one colour in
//! every chart. Nothing here knows what a chart shows.

use std::sync::OnceLock;

use plotters::coord::{CoordTranslate, Shift};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontStyle, register_font};

use super::ChartError;

/// The font family every text uses; the embedded font is registered under it.
pub(super) const FONT: &str = "sans-serif";

/// Pixel size of a chart.
pub(super) const SIZE: (u32, u32) = (1200, 800);

/// Height of the title block: title and one line of subtitle.
pub(super) const HEADER_HEIGHT: u32 = 78;

/// Height of a legend row.
pub(super) const LEGEND_HEIGHT: u32 = 34;

/// Height of the note under a chart.
pub(super) const NOTE_HEIGHT: u32 = 30;

/// Text colour of titles and labels.
pub(super) const INK: RGBColor = RGBColor(33, 37, 41);

/// Text colour of subtitles and notes.
pub(super) const MUTED: RGBColor = RGBColor(100, 106, 115);

/// Grid lines.
pub(super) const GRID: RGBColor = RGBColor(225, 228, 232);

/// The baseline policy's colour.
pub(super) const BASELINE: RGBColor = RGBColor(77, 77, 77);

/// Colours of the other policies, in report order (Tableau 10 without its grey).
const POLICY_COLOURS: [RGBColor; 9] = [
    RGBColor(78, 121, 167),
    RGBColor(242, 142, 43),
    RGBColor(225, 87, 89),
    RGBColor(89, 161, 79),
    RGBColor(176, 122, 161),
    RGBColor(118, 183, 178),
    RGBColor(237, 201, 72),
    RGBColor(156, 117, 95),
    RGBColor(255, 157, 167),
];

static REGULAR: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");

/// Registers the embedded font with plotters, once per process.
pub(super) fn register_fonts() -> Result<(), ChartError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        register_font(FONT, FontStyle::Normal, REGULAR).is_ok()
            && register_font(FONT, FontStyle::Bold, BOLD).is_ok()
    });
    if ok { Ok(()) } else { Err(ChartError::new("the embedded DejaVu Sans font does not load")) }
}

/// The colour of each policy: dark grey for the baseline, then the palette in order.
pub(super) fn policy_colours(policies: usize, baseline: Option<usize>) -> Vec<RGBColor> {
    let mut others = POLICY_COLOURS.iter().cycle();
    (0..policies)
        .map(|p| {
            if Some(p) == baseline {
                BASELINE
            } else {
                *others.next().expect("a cycled palette never ends")
            }
        })
        .collect()
}

/// Regular text of `size` pixels in `colour`.
pub(super) fn text(size: f64, colour: RGBColor) -> TextStyle<'static> {
    (FONT, size).into_font().color(&colour)
}

/// Bold text of `size` pixels in `colour`.
pub(super) fn bold(size: f64, colour: RGBColor) -> TextStyle<'static> {
    (FONT, size, FontStyle::Bold).into_font().color(&colour)
}

/// `style` anchored at `h` and `v`.
pub(super) fn anchored(style: TextStyle<'static>, h: HPos, v: VPos) -> TextStyle<'static> {
    style.pos(Pos::new(h, v))
}

/// Fills the chart white, draws the title block and returns the area below it.
pub(super) fn header<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    subtitle: &str,
) -> Result<DrawingArea<DB, Shift>, ChartError> {
    root.fill(&WHITE)?;
    let (top, rest) = root.split_vertically(HEADER_HEIGHT);
    top.draw_text(title, &bold(24.0, INK), (24, 16))?;
    top.draw_text(subtitle, &text(15.0, MUTED), (24, 50))?;
    Ok(rest)
}

/// How a legend entry is marked.
#[derive(Clone, Copy, Debug)]
pub(super) enum Mark {
    /// A filled square.
    Box(RGBColor),
    /// A short line.
    Line(RGBColor),
    /// A short dashed line.
    Dashed(RGBColor),
    /// A filled circle.
    Dot(RGBColor),
    /// A filled triangle.
    Triangle(RGBColor),
    /// A translucent band, as used for shaded periods.
    Band(RGBColor),
}

/// One legend entry.
pub(super) struct Entry {
    /// How it is marked.
    pub mark: Mark,
    /// What it names.
    pub label: String,
}

impl Entry {
    /// An entry named `label` marked with `mark`.
    pub(super) fn new(mark: Mark, label: impl Into<String>) -> Entry {
        Entry { mark, label: label.into() }
    }
}

/// Splits a legend row off the top of `area`, draws `entries` centred in it, and returns the
/// area below.
pub(super) fn legend_row<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[Entry],
) -> Result<DrawingArea<DB, Shift>, ChartError> {
    let (row, rest) = area.split_vertically(LEGEND_HEIGHT);
    let style = text(15.0, INK);
    let widths: Vec<i32> = entries
        .iter()
        .map(|e| {
            let (w, _) = row.estimate_text_size(&e.label, &style).unwrap_or((80, 15));
            22 + w as i32 + 26
        })
        .collect();
    let (width, _) = row.dim_in_pixel();
    let total: i32 = widths.iter().sum();
    let mut x = ((width as i32 - total) / 2).max(24);
    let y = (LEGEND_HEIGHT / 2) as i32;
    for (entry, w) in entries.iter().zip(widths) {
        draw_mark(&row, entry.mark, x, y)?;
        row.draw_text(
            &entry.label,
            &anchored(style.clone(), HPos::Left, VPos::Center),
            (x + 22, y),
        )?;
        x += w;
    }
    Ok(rest)
}

/// Draws a legend mark whose left edge is at `x`, centred on `y`.
fn draw_mark<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    mark: Mark,
    x: i32,
    y: i32,
) -> Result<(), ChartError> {
    match mark {
        Mark::Box(c) => area.draw(&Rectangle::new([(x, y - 7), (x + 14, y + 7)], c.filled()))?,
        Mark::Line(c) => {
            area.draw(&PathElement::new(vec![(x - 2, y), (x + 16, y)], c.stroke_width(3)))?
        }
        Mark::Dashed(c) => {
            for dx in [-2, 6, 14] {
                area.draw(&PathElement::new(
                    vec![(x + dx, y), (x + dx + 4, y)],
                    c.stroke_width(2),
                ))?;
            }
        }
        Mark::Dot(c) => area.draw(&Circle::new((x + 7, y), 6, c.filled()))?,
        Mark::Triangle(c) => area.draw(&TriangleMarker::new((x + 7, y), 8, c.filled()))?,
        Mark::Band(c) => {
            area.draw(&Rectangle::new([(x, y - 8), (x + 14, y + 8)], c.mix(0.35).filled()))?
        }
    }
    Ok(())
}

/// Splits a note line off the bottom of `area`, writes `note` in it, and returns the area
/// above.
pub(super) fn note<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    note: &str,
) -> Result<DrawingArea<DB, Shift>, ChartError> {
    let (_, height) = area.dim_in_pixel();
    let (rest, bottom) = area.split_vertically(height.saturating_sub(NOTE_HEIGHT));
    bottom.draw_text(note, &anchored(text(13.0, MUTED), HPos::Left, VPos::Center), (24, 15))?;
    Ok(rest)
}

/// Draws a vertical 95% whisker at `x` from `low` to `high`, with caps `cap` pixels wide on
/// each side.
pub(super) fn whisker_v<DB, X, CT>(
    area: &DrawingArea<DB, CT>,
    x: X,
    (low, high): (f64, f64),
    style: ShapeStyle,
    cap: i32,
) -> Result<(), ChartError>
where
    DB: DrawingBackend,
    X: Clone,
    CT: CoordTranslate<From = (X, f64)>,
{
    area.draw(&PathElement::new(vec![(x.clone(), low), (x.clone(), high)], style))?;
    for y in [low, high] {
        let end =
            EmptyElement::at((x.clone(), y)) + PathElement::new(vec![(-cap, 0), (cap, 0)], style);
        area.draw(&end)?;
    }
    Ok(())
}

/// Draws a horizontal 95% whisker at `y` from `low` to `high`, with caps `cap` pixels high
/// on each side.
pub(super) fn whisker_h<DB, Y, CT>(
    area: &DrawingArea<DB, CT>,
    y: Y,
    (low, high): (f64, f64),
    style: ShapeStyle,
    cap: i32,
) -> Result<(), ChartError>
where
    DB: DrawingBackend,
    Y: Clone,
    CT: CoordTranslate<From = (f64, Y)>,
{
    area.draw(&PathElement::new(vec![(low, y.clone()), (high, y.clone())], style))?;
    for x in [low, high] {
        let end =
            EmptyElement::at((x, y.clone())) + PathElement::new(vec![(0, -cap), (0, cap)], style);
        area.draw(&end)?;
    }
    Ok(())
}

/// A range from `low` to `high` widened by `share` of its span on each side; a span of zero
/// becomes a unit-wide range (or 10% of the value) so a chart always has room.
pub(super) fn padded(low: f64, high: f64, share: f64) -> (f64, f64) {
    if !low.is_finite() || !high.is_finite() {
        return (0.0, 1.0);
    }
    let span = high - low;
    if span <= f64::EPSILON * high.abs().max(1.0) {
        let pad = if high.abs() > 0.0 { high.abs() * 0.1 } else { 1.0 };
        return (low - pad, high + pad);
    }
    (low - span * share, high + span * share)
}

/// The top of a value axis that starts at zero: 8% above the largest value, and 1 when
/// nothing is above zero.
pub(super) fn top_of(values: impl IntoIterator<Item = f64>) -> f64 {
    let max = values.into_iter().filter(|v| v.is_finite()).fold(0.0, f64::max);
    if max > 0.0 { max * 1.08 } else { 1.0 }
}

/// A label to place: the top-left corner it wants, its size, and the left edge it takes
/// instead when it would cross the right edge of the plot.
pub(super) struct Wanted {
    /// Preferred top-left corner, in pixels.
    pub at: (i32, i32),
    /// Width and height in pixels.
    pub size: (u32, u32),
    /// Left edge to use when `at` would cross the right edge.
    pub left: i32,
}

/// Top-left corners for `labels`: each keeps its place unless it would cross `right` (then
/// it flips to its left side) or overlap a label placed before it (then it moves up or down
/// a line at a time, nearest first, until it is clear).
pub(super) fn place_labels(labels: &[Wanted], right: i32) -> Vec<(i32, i32)> {
    let mut placed: Vec<(i32, i32, i32, i32)> = Vec::with_capacity(labels.len());
    for label in labels {
        let (w, h) = (label.size.0 as i32, label.size.1 as i32 + 4);
        let x = if label.at.0 + w > right { label.left } else { label.at.0 };
        let clear = |y: i32| {
            placed
                .iter()
                .all(|&(bx, by, bw, bh)| x >= bx + bw || bx >= x + w || y >= by + bh || by >= y + h)
        };
        let shifts =
            (0..=2 * labels.len() as i32).map(|k| if k % 2 == 1 { -(k + 1) / 2 } else { k / 2 });
        let y = shifts.map(|k| label.at.1 + k * h).find(|&y| clear(y)).unwrap_or(label.at.1);
        placed.push((x, y, w, h));
    }
    placed.into_iter().map(|(x, y, _, _)| (x, y)).collect()
}

/// Writes `label` with its top-left corner at `at` over a translucent white box, so it
/// stays readable over lines and markers.
pub(super) fn draw_label<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    label: &str,
    style: &TextStyle,
    at: (i32, i32),
    size: (u32, u32),
) -> Result<(), ChartError> {
    let (w, h) = (size.0 as i32, size.1 as i32);
    let backing = [(at.0 - 3, at.1 - 2), (at.0 + w + 3, at.1 + h + 3)];
    root.draw(&Rectangle::new(backing, WHITE.mix(0.8).filled()))?;
    root.draw_text(label, style, at)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_baseline_is_grey_and_every_other_policy_has_its_own_colour() {
        let colours = policy_colours(5, Some(2));
        assert_eq!(colours[2], BASELINE);
        for (i, a) in colours.iter().enumerate() {
            assert!(colours[i + 1..].iter().all(|b| a != b), "colour {i} repeats");
        }
        assert_eq!(policy_colours(3, None)[0], POLICY_COLOURS[0]);
    }

    #[test]
    fn colours_do_not_depend_on_how_many_policies_follow() {
        assert_eq!(policy_colours(2, Some(0)), policy_colours(6, Some(0))[..2].to_vec());
    }

    #[test]
    fn ranges_always_have_room() {
        assert_eq!(padded(0.0, 10.0, 0.1), (-1.0, 11.0));
        let (lo, hi) = padded(5.0, 5.0, 0.1);
        assert!(lo < 5.0 && hi > 5.0);
        assert_eq!(padded(0.0, 0.0, 0.1), (-1.0, 1.0));
        assert_eq!(padded(f64::NAN, 1.0, 0.1), (0.0, 1.0));
        assert!((top_of([1.0, f64::NAN, 2.0]) - 2.16).abs() < 1e-12);
        assert_eq!(top_of([0.0, -3.0]), 1.0);
    }

    #[test]
    fn the_embedded_font_registers() {
        assert!(register_fonts().is_ok());
        assert!(register_fonts().is_ok(), "registering twice is harmless");
    }

    fn wanted(x: i32, y: i32) -> Wanted {
        Wanted { at: (x, y), size: (80, 16), left: x - 100 }
    }

    #[test]
    fn labels_that_would_overlap_move_to_the_nearest_free_line() {
        let at = place_labels(&[wanted(100, 100), wanted(110, 105), wanted(400, 100)], 1000);
        assert_eq!(at[0], (100, 100));
        assert_eq!(at[1], (110, 125), "one line up still overlaps, one line down is clear");
        assert_eq!(at[2], (400, 100), "a distant label stays put");
        assert!(place_labels(&[], 1000).is_empty());
    }

    #[test]
    fn a_label_past_the_right_edge_flips_to_the_left() {
        assert_eq!(place_labels(&[wanted(950, 100)], 1000), vec![(850, 100)]);
    }
}
