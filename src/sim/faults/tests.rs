//! Faults on the small scenario of `sim/tests.rs` (one DC near Chicago, three stores):
//! each fault against the same replication without it, so common random numbers make every
//! comparison a paired one, and random disruptions under every preset.

use proptest::prelude::*;

use super::super::tests::{kpi, small_scenario};
use super::super::*;
use crate::ids::NodeId;
use crate::routing::{Fallback, Filter, RuleStack, SortBy, SortKey, Split};
use crate::scenario::{Disruption, Fault, PolicyConfig, Scenario, Slowdown};

const DC: NodeId = NodeId(0);

fn at(days: f64) -> SimTime {
    SimTime((days * SimTime::DAY as f64).round() as u64)
}

fn outage(nodes: Vec<NodeId>, start: f64, end: f64) -> Disruption {
    Disruption {
        start: at(start),
        end: at(end),
        fault: Fault::NodeOutage { nodes, reason: "weather".into() },
    }
}

fn with(mut sc: Scenario, d: Disruption) -> Scenario {
    sc.disruptions.push(d);
    sc
}

fn run(sc: &Scenario, policy: usize) -> RepOutcome {
    let prep = Prepared::new(sc).expect("prepared");
    run_replication(sc, &prep, policy, 0, &SimOptions::default()).expect("runs and conserves")
}

/// Shipments each node sent by `until`, by running the world that far.
fn shipments_by(sc: &Scenario, policy: usize, until: SimTime) -> Vec<f64> {
    let prep = Prepared::new(sc).expect("prepared");
    let options = SimOptions::default();
    let mut world =
        World::new(sc, &prep, policy, replication_seed(sc.seed, 0), &options).expect("world");
    let mut engine: Engine<Event> = Engine::new();
    world.schedule_start(&mut engine).expect("start");
    engine.run_until(until, &mut world);
    assert!(world.error.is_none(), "{:?}", world.error);
    let n = sc.network.len();
    let rows = world.tally.finish(&vec![100; n], &vec![true; n], 1.0);
    (0..n)
        .map(|i| {
            let id = NodeId::from_index(i);
            rows.nodes.iter().find(|r| r.0 == id && r.1 == "shipments").map_or(0.0, |r| r.2)
        })
        .collect()
}

/// The small scenario without BOPIS (so every DC shipment is a parcel), its DC open from
/// 8:00 to 20:00 with four pickers, so work waits for it overnight and in its queue.
fn day_shift_dc() -> Scenario {
    let mut sc = small_scenario();
    sc.demand.channels[crate::orders::Channel::Bopis.index()].rate_per_day = 0.0;
    let dc = &mut sc.network.nodes[0];
    dc.hours = crate::network::OpeningHours::new(8 * 3_600, 20 * 3_600);
    dc.pickers = 4;
    sc
}

#[test]
fn a_dc_outage_ships_nothing_from_the_dc_and_sends_orders_to_stores() {
    let base = day_shift_dc();
    let sc = with(base.clone(), outage(vec![DC], 8.3, 12.0));
    let (start, end) = (at(8.3), at(12.0).0 - 1);
    let before = shipments_by(&sc, 0, start);
    let after = shipments_by(&sc, 0, SimTime(end));
    assert_eq!(before[0], after[0], "the DC shipped during its outage");
    let stores_out: f64 = (1..4).map(|i| after[i] - before[i]).sum();

    let before = shipments_by(&base, 0, start);
    let after = shipments_by(&base, 0, SimTime(end));
    let stores_normal: f64 = (1..4).map(|i| after[i] - before[i]).sum();
    assert!(after[0] - before[0] > 100.0, "dc_first ships from the DC normally");
    assert!(stores_out > 2.0 * stores_normal + 50.0, "{stores_out} vs {stores_normal}");

    let out = run(&sc, 0);
    assert!(kpi(&out, Scope::All, "outage_released_shipments") > 0.0);
    assert!(kpi(&out, Scope::All, "outage_rerouted_units") > 0.0);
}

/// A stack that ships from DCs only and cancels what they cannot take.
fn dc_only() -> PolicyConfig {
    let filters =
        vec![Filter::Capability, Filter::NodeKind { kinds: vec![crate::network::NodeKind::Dc] }];
    let sort = vec![SortBy::asc(SortKey::Distance)];
    PolicyConfig::RuleStack(RuleStack::new("dc_only", filters, sort, Split::Free, Fallback::Cancel))
}

#[test]
fn with_no_other_node_a_cancel_fallback_cancels_during_the_outage() {
    let mut base = small_scenario();
    base.policies = vec![dc_only()];
    let sc = with(base.clone(), outage(vec![DC], 8.0, 12.0));
    let (normal, out) = (run(&base, 0), run(&sc, 0));
    let cancelled = |o: &RepOutcome| kpi(o, Scope::All, "cancelled_units_no_stock");
    assert!(
        cancelled(&out) > cancelled(&normal) + 500.0,
        "{} vs {}",
        cancelled(&out),
        cancelled(&normal)
    );
    assert!(kpi(&out, Scope::All, "otif") < kpi(&normal, Scope::All, "otif") - 0.1);
}

#[test]
fn explanations_name_the_outage() {
    let sc = with(small_scenario(), outage(vec![DC], 0.0, 12.0));
    let prep = Prepared::new(&sc).expect("prepared");
    let options = SimOptions { explain_limit: 50, explain_every: 1, ..SimOptions::default() };
    let out = run_replication(&sc, &prep, 0, 0, &options).expect("runs");
    let offline = out
        .explanations
        .iter()
        .flat_map(|(_, e)| &e.lines)
        .flat_map(|l| &l.candidates)
        .filter(|c| c.node == DC && c.removed_by == Some("offline"))
        .count();
    assert!(offline > 0, "no decision names the outage");
}

#[test]
fn a_store_outage_turns_walk_ins_away_and_holds_its_pickups() {
    let base = small_scenario();
    let stores = vec![NodeId(1), NodeId(2), NodeId(3)];
    let sc = with(base.clone(), outage(stores, 6.0, 9.5));
    let (normal, out) = (run(&base, 1), run(&sc, 1));
    let sold = |o: &RepOutcome| {
        kpi(o, Scope::Channel(crate::orders::Channel::WalkIn), "walk_in_units_sold")
    };
    assert!(sold(&out) < sold(&normal), "{} vs {}", sold(&out), sold(&normal));
    assert!(kpi(&out, Scope::All, "outage_waits") > 0.0);
}

#[test]
fn a_carrier_delay_wave_lowers_otif_against_the_same_replication() {
    let base = small_scenario();
    let wave = Disruption {
        start: at(5.0),
        end: at(15.0),
        fault: Fault::CarrierDelay { slowdown: Slowdown::Extra(2 * SimTime::DAY), zones: None },
    };
    let sc = with(base.clone(), wave);
    for policy in [0, 1] {
        let (normal, late) = (run(&base, policy), run(&sc, policy));
        let otif = |o: &RepOutcome| kpi(o, Scope::All, "otif");
        assert!(otif(&late) < otif(&normal) - 0.2, "{} vs {}", otif(&late), otif(&normal));
        assert!(kpi(&late, Scope::All, "carrier_delayed_parcels") > 500.0);
        // The same orders were accepted: promises and routing did not know.
        assert_eq!(kpi(&late, Scope::All, "orders"), kpi(&normal, Scope::All, "orders"));
    }
}

#[test]
fn a_wave_in_other_zones_changes_nothing() {
    let base = small_scenario();
    let wave = Disruption {
        start: at(5.0),
        end: at(15.0),
        fault: Fault::CarrierDelay { slowdown: Slowdown::Factor(3.0), zones: Some(vec![7]) },
    };
    let sc = with(base.clone(), wave);
    let (normal, out) = (run(&base, 1), run(&sc, 1));
    assert_eq!(kpi(&out, Scope::All, "otif"), kpi(&normal, Scope::All, "otif"));
    assert_eq!(kpi(&out, Scope::All, "carrier_delayed_parcels"), 0.0);
}

/// The small scenario with thin stock and no replenishment, so stale ATP oversells.
fn thin_stock() -> Scenario {
    let mut sc = small_scenario();
    sc.supply.enabled = false;
    sc.inventory.dc_weeks_of_cover = 1.5;
    sc.inventory.store_weeks_of_cover = 1.0;
    sc
}

#[test]
fn an_atp_sync_outage_oversells() {
    let base = thin_stock();
    let frozen = Disruption { start: at(9.0), end: at(20.0), fault: Fault::AtpSyncOutage };
    let sc = with(base.clone(), frozen);
    for policy in [0, 1] {
        let (normal, stale) = (run(&base, policy), run(&sc, policy));
        let cancelled = |o: &RepOutcome| kpi(o, Scope::All, "cancelled_units_no_stock");
        assert!(
            cancelled(&stale) > cancelled(&normal) + 1_000.0,
            "policy {policy}: {} vs {}",
            cancelled(&stale),
            cancelled(&normal)
        );
        let lost = |o: &RepOutcome| kpi(o, Scope::All, "lost_sales_units");
        assert!(lost(&stale) < lost(&normal), "a frozen feed hides stock-outs from shoppers");
    }
}

fn short_units(out: &RepOutcome) -> f64 {
    out.kpis.nodes.iter().filter(|r| r.1 == "short_pick_units").map(|r| r.2).sum()
}

#[test]
fn a_shrink_event_raises_short_picks_and_units_stay_conserved() {
    // Without pick failures, every short pick is a record that says more than the shelf.
    let mut base = small_scenario();
    base.network.nodes.iter_mut().for_each(|n| n.pick_failure_rate = 0.0);
    let all = (0..4).map(NodeId).collect();
    let theft = Disruption {
        start: at(6.0),
        end: at(6.0),
        fault: Fault::Shrink { nodes: all, share: 0.5 },
    };
    let sc = with(base.clone(), theft);
    // dc_first picks at the DC, whose record is exact until the theft.
    let (normal, out) = (run(&base, 0), run(&sc, 0));
    let (shrunk, kept) = (short_units(&out), short_units(&normal));
    assert!(shrunk >= kept + 10.0, "{shrunk} vs {kept}");
    assert!(kpi(&out, Scope::All, "shrink_event_units") > 1_000.0);
}

#[test]
fn a_scenario_without_disruptions_reports_no_fault_rows() {
    let out = run(&small_scenario(), 0);
    assert!(out.kpis.kpis.iter().all(|r| r.1 != "shrink_event_units"));
}

/// A random disruption on the small scenario's 10 days.
fn disruption() -> impl Strategy<Value = Disruption> {
    let window = (0.0..9.0f64, 0.01..4.0f64);
    let nodes = prop::collection::vec(0u32..4, 1..4);
    (0usize..4, window, nodes, 0.0..1.0f64, 0.0..5.0f64, prop::option::of(0usize..8)).prop_map(
        |(kind, (start, length), nodes, share, extra, zone)| {
            let nodes: Vec<NodeId> = nodes.into_iter().map(NodeId).collect();
            let end = (start + length).min(10.0);
            let fault = match kind {
                0 => Fault::NodeOutage { nodes, reason: String::new() },
                1 => Fault::CarrierDelay {
                    slowdown: Slowdown::Extra((extra * SimTime::DAY as f64) as u64),
                    zones: zone.map(|z| vec![z]),
                },
                2 => Fault::AtpSyncOutage,
                _ => Fault::Shrink { nodes, share },
            };
            let end = if kind == 3 { start } else { end };
            Disruption { start: at(start), end: at(end), fault }
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn random_disruptions_never_break_a_replication(
        disruptions in prop::collection::vec(disruption(), 1..5),
        policy in 0usize..4,
    ) {
        let mut sc = small_scenario();
        sc.horizon_days = 10;
        sc.disruptions = disruptions;
        let prep = Prepared::new(&sc).expect("prepared");
        // The audit runs inside; an error would be a lost or invented unit.
        let out = run_replication(&sc, &prep, policy, 0, &SimOptions::default());
        let out = out.map_err(|e| TestCaseError::fail(e.to_string()))?;
        for (_, metric, value) in &out.kpis.kpis {
            prop_assert!(value.is_finite() && *value >= 0.0, "{metric} = {value}");
        }
    }
}
