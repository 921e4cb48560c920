//! The two entry points of the trace module: [`TraceReader`], which streams orders to the
//! simulator, and [`validate`], which checks a whole file for the CLI and CI gates.
//!
//! Both drive the same scanner, so a file that validates streams without error and a
//! streamed file fails on the first row validation would report. The reader holds one order
//! of look-ahead so that the simulator can ask when the next order is due without taking it.
//! Reads only the trace file it is given.

use std::path::Path;

use crate::ids::SimTime;

use super::scan::{Mode, Scanner};
use super::{TraceContext, TraceError, TraceOrder, TraceSummary};

/// Streams the orders of a trace file in file order, which is time order.
///
/// Borrows the catalog, network and city table of its [`TraceContext`] for `'a` (no name
/// tables are copied). Reading stops at the first row that breaks a rule: every order before
/// it is returned, then every call gives that [`TraceError::Invalid`]; call [`validate`] first
/// to learn of all the problems at once. A file with a header and no rows fails on the first
/// call.
#[derive(Debug)]
pub struct TraceReader<'a> {
    scanner: Scanner<'a>,
    peeked: Option<TraceOrder>,
}

impl<'a> TraceReader<'a> {
    /// Opens the trace at `path` and checks its header.
    pub fn open(path: &Path, ctx: &TraceContext<'a>) -> Result<TraceReader<'a>, TraceError> {
        let scanner = Scanner::open(path, ctx, Mode::Stream)?;
        Ok(TraceReader { scanner, peeked: None })
    }

    /// The next order; `None` at the end of the trace.
    pub fn next_order(&mut self) -> Result<Option<TraceOrder>, TraceError> {
        match self.peeked.take() {
            Some(order) => Ok(Some(order)),
            None => self.scanner.next_order(),
        }
    }

    /// The time of the next order without taking it; `None` at the end of the trace.
    pub fn peek_time(&mut self) -> Result<Option<SimTime>, TraceError> {
        if self.peeked.is_none() {
            self.peeked = self.scanner.next_order()?;
        }
        Ok(self.peeked.as_ref().map(|order| order.time))
    }

    /// The next order if it is placed at or before `now`; `None` if it is later or the trace
    /// is over.
    pub fn next_due(&mut self, now: SimTime) -> Result<Option<TraceOrder>, TraceError> {
        match self.peek_time()? {
            Some(time) if time <= now => self.next_order(),
            _ => Ok(None),
        }
    }
}

/// Reads the whole trace at `path` once and checks every rule, collecting up to
/// [`super::MAX_LISTED_ISSUES`] issues in line order and counting the rest. A suspected repeat
/// of an `order_id` costs one more pass to confirm (see `seen.rs`). On success, says how many
/// rows and orders the trace holds and the times of its first and last orders.
pub fn validate(path: &Path, ctx: &TraceContext) -> Result<TraceSummary, TraceError> {
    let mut scanner = Scanner::open(path, ctx, Mode::Validate)?;
    while scanner.next_order()?.is_some() {}

    let stats = scanner.summary()?;
    Ok(TraceSummary {
        rows: stats.rows,
        orders: stats.orders,
        first: stats.first.unwrap_or_default(),
        last: stats.last.unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{NodeId, SkuId};
    use crate::orders::{Channel, Line};
    use crate::trace::testkit::{HEADER, JAN_5_2026, World};
    use crate::trace::{TraceIssue, TraceOrder};

    fn read_all(reader: &mut TraceReader) -> Vec<TraceOrder> {
        std::iter::from_fn(|| reader.next_order().unwrap()).collect()
    }

    fn region_of(world: &World, lat: f64, lon: f64) -> u32 {
        world.cities.nearest(crate::network::GeoPoint::new(lat, lon)) as u32
    }

    const VALID: &str = "\
A1,0,web,40.714,-74.006,tee,2,
A1,0,web,40.7140,-74.006,mug,1,
A1,0,web,40.714,-74.006,tee,3,
B2,3600.4,bopis,41.85,-87.65,mug,1,store-nyc
C3,2026-01-05T02:00:00Z,walk_in,34.05,-118.24,lamp,4,store-nyc
D4,2026-01-05T03:30:00-01:00,marketplace,29.76,-95.36,tee,1,
";

    #[test]
    fn a_valid_trace_yields_grouped_merged_orders() {
        let world = World::new();
        let path = world.write("valid.csv", format!("{HEADER}{VALID}"));
        let ctx = world.ctx(Some(JAN_5_2026));
        let orders = read_all(&mut TraceReader::open(&path, &ctx).unwrap());

        assert_eq!(orders.len(), 4);
        let first = &orders[0];
        assert_eq!((first.ordinal, first.line, first.time), (0, 2, SimTime(0)));
        assert_eq!(first.channel, Channel::Web);
        assert_eq!(
            first.lines,
            [Line { sku: SkuId(0), units: 5 }, Line { sku: SkuId(1), units: 1 }]
        );
        assert_eq!(first.store, None);
        assert_eq!(first.region, region_of(&world, 40.714, -74.006));
        assert_eq!(world.cities.cities[first.region as usize].name, "New York City");

        let times: Vec<u64> = orders.iter().map(|o| o.time.0).collect();
        assert_eq!(times, [0, 3600, 7200, 16_200]);
        assert_eq!(orders.iter().map(|o| o.line).collect::<Vec<_>>(), [2, 5, 6, 7]);
        assert_eq!(orders[1].store, Some(NodeId(1)));
        assert_eq!(orders[2].store, Some(NodeId(1)));
        assert_eq!(orders[3].channel, Channel::Marketplace);
        assert_eq!(world.cities.cities[orders[1].region as usize].name, "Chicago");

        let summary = validate(&path, &ctx).unwrap();
        assert_eq!(
            summary,
            TraceSummary { rows: 6, orders: 4, first: SimTime(0), last: SimTime(16_200) }
        );
    }

    #[test]
    fn without_a_start_iso_times_count_from_the_first_rows_utc_day() {
        let world = World::new();
        let body = "\
X,2026-01-05T22:00:00-05:00,web,40.7,-74.0,tee,1
Y,2026-01-06T12:00:00Z,web,40.7,-74.0,tee,1
Z,50000,web,40.7,-74.0,tee,1
W,2026-01-07,web,40.7,-74.0,tee,1
";
        let header = "order_id,time,channel,customer_lat,customer_lon,sku,units\n";
        let path = world.write("iso.csv", format!("{header}{body}"));
        let orders = read_all(&mut TraceReader::open(&path, &world.ctx(None)).unwrap());
        let times: Vec<u64> = orders.iter().map(|o| o.time.0).collect();
        assert_eq!(times, [3 * 3600, 12 * 3600, 50_000, 86_400]);
    }

    #[test]
    fn whitespace_around_names_and_fields_is_ignored() {
        let world = World::new();
        let header = " order_id , time,channel ,customer_lat,customer_lon,sku,units, store\n";
        let body = " A1 , 10 , bopis , 40.714 , -74.006 , tee , 2 , store-nyc \n\
                    A1,10,bopis,40.714,-74.006,mug,1,store-nyc\n";
        let path = world.write("spaced.csv", format!("{header}{body}"));
        let orders = read_all(&mut TraceReader::open(&path, &world.ctx(None)).unwrap());
        assert_eq!(orders.len(), 1);
        assert_eq!(orders[0].time, SimTime(10));
        assert_eq!(orders[0].store, Some(NodeId(1)));
        assert_eq!(orders[0].lines.len(), 2);
    }

    #[test]
    fn a_byte_order_mark_and_crlf_line_ends_are_accepted() {
        let world = World::new();
        let text = format!(
            "\u{feff}{}A,0,web,40.7,-74,tee,1,\r\nB,1,web,40.7,-74,mug,1,\r\n",
            HEADER.replace('\n', "\r\n")
        );
        let path = world.write("excel.csv", text);
        let summary = validate(&path, &world.ctx(None)).unwrap();
        assert_eq!((summary.rows, summary.orders, summary.last), (2, 2, SimTime(1)));
    }

    #[test]
    fn peek_and_next_due_follow_the_clock() {
        let world = World::new();
        let path = world.write("valid.csv", format!("{HEADER}{VALID}"));
        let ctx = world.ctx(Some(JAN_5_2026));
        let mut reader = TraceReader::open(&path, &ctx).unwrap();

        assert_eq!(reader.peek_time().unwrap(), Some(SimTime(0)));
        assert_eq!(reader.peek_time().unwrap(), Some(SimTime(0)));
        assert_eq!(reader.next_due(SimTime(1000)).unwrap().map(|o| o.line), Some(2));
        assert_eq!(reader.next_due(SimTime(1000)).unwrap(), None);
        assert_eq!(reader.peek_time().unwrap(), Some(SimTime(3600)));
        assert_eq!(reader.next_due(SimTime(3600)).unwrap().map(|o| o.line), Some(5));
        assert_eq!(reader.next_order().unwrap().map(|o| o.line), Some(6));
        assert_eq!(reader.next_due(SimTime(u64::MAX)).unwrap().map(|o| o.line), Some(7));
        assert_eq!(reader.peek_time().unwrap(), None);
        assert_eq!(reader.next_due(SimTime(u64::MAX)).unwrap(), None);
        assert_eq!(reader.next_order().unwrap(), None);
    }

    #[test]
    fn a_stream_returns_the_orders_before_a_bad_row_then_the_error() {
        let world = World::new();
        let body = "A,0,web,40.7,-74.0,tee,1,\nB,5,web,40.7,-74.0,sofa,1,\nC,9,web,1,1,tee,1,\n";
        let path = world.write("bad.csv", format!("{HEADER}{body}"));
        let ctx = world.ctx(None);
        let mut reader = TraceReader::open(&path, &ctx).unwrap();

        assert_eq!(reader.next_order().unwrap().map(|o| o.line), Some(2));
        for _ in 0..2 {
            let err = reader.next_order().unwrap_err();
            let TraceError::Invalid { issues, more, .. } = &err else { panic!("{err}") };
            assert_eq!((issues.len(), *more), (1, 0));
            assert_eq!((issues[0].line, issues[0].field.as_str()), (3, "sku"));
            assert_eq!(
                err.to_string(),
                format!("{}:3: sku: no SKU named \"sofa\" in the catalog", path.display())
            );
        }
    }

    /// The issues `validate` reports for a trace of `body` under `header`.
    fn issues_with_header(header: &str, body: &[u8], start: Option<i64>) -> Vec<TraceIssue> {
        let world = World::new();
        let mut bytes = header.as_bytes().to_vec();
        bytes.extend_from_slice(body);
        let path = world.write("case.csv", &bytes);
        let ctx = world.ctx(start);

        let err = validate(&path, &ctx).unwrap_err();
        let TraceError::Invalid { issues, .. } = err else { panic!("{err}") };

        // The stream must stop at the same first issue.
        let streamed = match TraceReader::open(&path, &ctx) {
            Err(e) => e,
            Ok(mut reader) => loop {
                match reader.next_order() {
                    Ok(Some(_)) => continue,
                    Ok(None) => panic!("the stream accepted what validation rejected"),
                    Err(e) => break e,
                }
            },
        };
        let TraceError::Invalid { issues: first, .. } = streamed else { panic!("{streamed}") };
        assert_eq!(first[0], issues[0], "stream and validation disagree");
        issues
    }

    /// Asserts that `body` under the full header gives an issue on `line` in `field` whose
    /// message contains `says`.
    fn assert_issue(body: &str, line: u64, field: &str, says: &str) {
        assert_issue_bytes(HEADER, body.as_bytes(), Some(JAN_5_2026), line, field, says);
    }

    fn assert_issue_bytes(
        header: &str,
        body: &[u8],
        start: Option<i64>,
        line: u64,
        field: &str,
        says: &str,
    ) {
        let issues = issues_with_header(header, body, start);
        assert!(
            issues.iter().any(|i| i.line == line && i.field == field && i.message.contains(says)),
            "expected line {line} field {field} saying {says:?}, got {issues:#?}"
        );
    }

    const OK_ROW: &str = "A,0,web,40.7,-74.0,tee,1,\n";

    #[test]
    fn names_that_do_not_resolve() {
        assert_issue(
            &format!("{OK_ROW}B,0,web,40.7,-74.0,sofa,1,\n"),
            3,
            "sku",
            "no SKU named \"sofa\"",
        );
        assert_issue("A,0,bopis,40.7,-74,tee,1,store-x\n", 2, "store", "no node named \"store-x\"");
        assert_issue("A,0,walk_in,40.7,-74,tee,1,dc-east\n", 2, "store", "\"dc-east\" is a dc");
        assert_issue("A,0,walk_in,40.7,-74,tee,1,acme\n", 2, "store", "is a vendor, not a store");
        assert_issue("A,0,bopis,40.7,-74,tee,1,\n", 2, "store", "a bopis order needs a store");
        assert_issue("A,0,walk_in,40.7,-74,tee,1,\n", 2, "store", "a walk_in order needs a store");
        assert_issue(
            "A,0,bopis,40.7,-74,tee,1,store-nopickup\n",
            2,
            "store",
            "does not offer pickup",
        );
        assert_issue("A,0,web,40.7,-74,tee,1,store-nyc\n", 2, "store", "a web order has no store");
        assert_issue("A,0,email,40.7,-74,tee,1,\n", 2, "channel", "\"email\" is not a channel");
        let no_store_column = "order_id,time,channel,customer_lat,customer_lon,sku,units\n";
        assert_issue_bytes(
            no_store_column,
            b"A,0,bopis,40.7,-74,tee,1\n",
            None,
            2,
            "store",
            "no `store` column",
        );
    }

    #[test]
    fn bad_units() {
        assert_issue("A,0,web,40.7,-74,tee,-1,\n", 2, "units", "-1 is negative");
        assert_issue("A,0,web,40.7,-74,tee,0,\n", 2, "units", "0 units");
        assert_issue("A,0,web,40.7,-74,tee,1.5,\n", 2, "units", "not a whole number");
        assert_issue("A,0,web,40.7,-74,tee,2000000,\n", 2, "units", "more than");
    }

    #[test]
    fn bad_coordinates() {
        assert_issue("A,0,web,95,-74,tee,1,\n", 2, "customer_lat", "95 is outside [-90, 90]");
        assert_issue("A,0,web,40,NaN,tee,1,\n", 2, "customer_lon", "NaN is not a finite number");
        assert_issue("A,0,web,NaN,-74,tee,1,\n", 2, "customer_lat", "not a finite number");
        assert_issue("A,0,web,40,-181,tee,1,\n", 2, "customer_lon", "outside [-180, 180]");
    }

    #[test]
    fn bad_times() {
        let body = format!("A,100,web,40.7,-74,tee,1,\n{}", "B,50,web,40.7,-74,tee,1,\n");
        assert_issue(&body, 3, "time", "earlier than the previous order's time 100 s");
        assert_issue("A,-5,web,40.7,-74,tee,1,\n", 2, "time", "-5 is negative");
        assert_issue("A,soon,web,40.7,-74,tee,1,\n", 2, "time", "\"soon\" is not a time");
        assert_issue("A,2026-02-30T10:00:00,web,40.7,-74,tee,1,\n", 2, "time", "does not exist");
        assert_issue(
            "A,2026-01-04T23:00:00Z,web,40.7,-74,tee,1,\n",
            2,
            "time",
            "3600 s before the scenario start",
        );
        assert_issue_bytes(
            HEADER,
            b"A,10,web,40.7,-74,tee,1,\nB,2026-01-05T10:00:00,web,40.7,-74,tee,1,\n",
            None,
            3,
            "time",
            "no scenario start date",
        );
    }

    #[test]
    fn rows_of_one_order_must_agree_and_be_adjacent() {
        let split = format!("{OK_ROW}B,0,web,40.7,-74.0,tee,1,\n{OK_ROW}");
        assert_issue(&split, 4, "order_id", "\"A\" was already used by the order on line 2");

        let time = format!("{OK_ROW}A,5,web,40.7,-74.0,mug,1,\n");
        assert_issue(&time, 3, "time", "this row says 5 s (day 0 00:00:05)");
        let channel = format!("{OK_ROW}A,0,marketplace,40.7,-74.0,mug,1,\n");
        assert_issue(&channel, 3, "channel", "says marketplace but the order's first row");
        let customer = format!("{OK_ROW}A,0,web,40.8,-74.0,mug,1,\n");
        assert_issue(&customer, 3, "customer_lat", "says 40.8");
        let store = "A,0,bopis,40.7,-74,tee,1,store-nyc\nA,0,bopis,40.7,-74,mug,1,store-x\n\
                     A,0,walk_in,40.7,-74,mug,1,store-nopickup\n";
        assert_issue(store, 4, "store", "says \"store-nopickup\"");
    }

    #[test]
    fn an_order_has_at_most_a_thousand_lines() {
        let body = OK_ROW.repeat(1001);
        assert_issue(&body, 1002, "order_id", "more than 1000 lines");

        let world = World::new();
        let path = world.write("big.csv", format!("{HEADER}{}", OK_ROW.repeat(1000)));
        let ctx = world.ctx(None);
        let orders = read_all(&mut TraceReader::open(&path, &ctx).unwrap());
        assert_eq!(orders[0].lines, [Line { sku: SkuId(0), units: 1000 }]);
    }

    #[test]
    fn structural_problems() {
        let missing = "order_id,time,channel,customer_lat,customer_lon,sku\n";
        assert_issue_bytes(missing, b"A,0,web,1,1,tee\n", None, 1, "header", "`units`");
        let unknown = "order_id,time,channel,customer_lat,customer_lon,sku,units,colour\n";
        assert_issue_bytes(unknown, b"A,0,web,1,1,tee,1,red\n", None, 1, "header", "`colour`");
        assert_issue_bytes("", b"", None, 1, "header", "the file is empty");
        assert_issue_bytes(HEADER, b"", None, 1, "rows", "header but no rows");
        assert_issue("A,0,web\n", 2, "row", "has 3 fields, the header has 8");
        assert_issue(",0,web,40.7,-74,tee,1,\n", 2, "order_id", "is empty");
        assert_issue_bytes(HEADER, b"A,0,web,1,1,t\xffee,1,\n", None, 2, "sku", "not valid UTF-8");
        assert_issue_bytes(HEADER, b"A\xfe,0,web,1,1,tee,1,\n", None, 2, "order_id", "UTF-8");
    }

    #[test]
    fn lines_are_those_where_records_start() {
        let body = "\"A\nstill A\",0,web,40.7,-74.0,tee,1,\nB,0,web,40.7,-74.0,sofa,1,\n";
        assert_issue(body, 4, "sku", "sofa");
    }

    #[test]
    fn validation_lists_a_hundred_issues_and_counts_the_rest() {
        let body: String = (0..150).map(|i| format!("O{i},{i},web,40.7,-74.0,sofa,1,\n")).collect();
        let issues = issues_with_header(HEADER, body.as_bytes(), None);
        assert_eq!(issues.len(), 100);
        assert_eq!(issues[99].line, 101);

        let world = World::new();
        let path = world.write("many.csv", format!("{HEADER}{body}"));
        let err = validate(&path, &world.ctx(None)).unwrap_err();
        assert_eq!(err.issue_count(), 150);
        assert!(err.to_string().ends_with("... and 130 more issues"), "{err}");
    }

    #[test]
    fn context_and_file_problems() {
        let world = World::new();
        let path = world.write("ok.csv", format!("{HEADER}{OK_ROW}"));
        let empty_cities = crate::network::CityTable::new(Vec::new());
        let ctx = TraceContext { cities: &empty_cities, ..world.ctx(None) };
        let err = validate(&path, &ctx).unwrap_err();
        assert!(err.to_string().contains(":0: cities: the city table is empty"), "{err}");

        let missing = world.dir.path().join("missing.csv");
        let err = TraceReader::open(&missing, &world.ctx(None)).unwrap_err();
        assert!(matches!(err, TraceError::Io { .. }), "{err}");
        assert!(validate(&missing, &world.ctx(None)).is_err());
    }

    /// One generated order: time step, channel, customer, and its rows as (sku, units).
    type GeneratedOrder = (u64, usize, (f64, f64), Vec<(usize, u32)>);

    fn generated_order() -> impl proptest::strategy::Strategy<Value = GeneratedOrder> {
        (
            0u64..5_000,
            0usize..4,
            (-60.0..70.0f64, -170.0..170.0f64),
            proptest::collection::vec((0usize..3, 1u32..50), 1..6),
        )
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(64))]

        #[test]
        fn written_orders_read_back_merged(orders in proptest::collection::vec(generated_order(), 1..40)) {
            let world = World::new();
            let skus = ["tee", "mug", "lamp"];
            let channels = ["web", "bopis", "walk_in", "marketplace"];
            let (mut text, mut time, mut rows) = (HEADER.to_string(), 0u64, 0u64);
            let mut expected = Vec::new();
            for (n, (step, channel, (lat, lon), lines)) in orders.iter().enumerate() {
                time += step;
                let store = if *channel == 1 || *channel == 2 { "store-nyc" } else { "" };
                let mut merged: Vec<Line> = Vec::new();
                for &(sku, units) in lines {
                    text.push_str(&format!(
                        "O{n},{time},{},{lat},{lon},{},{units},{store}\n",
                        channels[*channel],
                        skus[sku]
                    ));
                    rows += 1;
                    match merged.iter_mut().find(|l| l.sku == SkuId(sku as u32)) {
                        Some(line) => line.units += units,
                        None => merged.push(Line { sku: SkuId(sku as u32), units }),
                    }
                }
                expected.push((SimTime(time), merged));
            }
            let path = world.write("generated.csv", &text);
            let ctx = world.ctx(None);

            let read = read_all(&mut TraceReader::open(&path, &ctx).unwrap());
            let got: Vec<(SimTime, Vec<Line>)> =
                read.iter().map(|o| (o.time, o.lines.clone())).collect();
            proptest::prop_assert_eq!(&got, &expected);
            proptest::prop_assert!(read.iter().enumerate().all(|(i, o)| o.ordinal == i as u64));

            let summary = validate(&path, &ctx).unwrap();
            proptest::prop_assert_eq!((summary.rows, summary.orders), (rows, orders.len() as u64));
            proptest::prop_assert_eq!(summary.last, expected.last().unwrap().0);
        }
    }
}
