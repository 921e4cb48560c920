//! The decomposed solve against the whole-batch LP: same optimum on random batches (with
//! ties, slack and binding rows, partial ATP and cheap cancellation), a feasible solution
//! of the whole model, and hand-checked parts and closed forms.

use proptest::prelude::*;

use super::super::{BatchOrder, Candidate};
use super::*;
use crate::ids::{NodeId, SkuId, Units};

const PARAMS: BatchParams = BatchParams { candidates: 5, split_penalty: 3.0, cancel_penalty: 50.0 };

/// An order: lines (sku, units) and candidates (node, fixed, per unit of each line).
type OrderSpec = (Vec<(u32, Units)>, Vec<(u32, f64, Vec<f64>)>);

/// An instance from order specs, ATP per (node, sku) and capacity per node; positions and
/// capacity rows are listed as `BatchInstance::build` lists them (first use first).
fn instance(orders: &[OrderSpec], atp: impl Fn(u32, u32) -> Units, cap: &[u32]) -> BatchInstance {
    let mut inst = BatchInstance::default();
    for (lines, cands) in orders {
        let candidates = cands
            .iter()
            .map(|(node, fixed, per_unit)| {
                let node = NodeId(*node);
                if !inst.capacity.iter().any(|(n, _)| *n == node) {
                    inst.capacity.push((node, cap[node.index()]));
                }
                let position = lines
                    .iter()
                    .map(|&(sku, _)| {
                        let units = atp(node.0, sku);
                        let key = (node, SkuId(sku), units);
                        (units > 0).then(|| {
                            inst.positions.iter().position(|p| *p == key).unwrap_or_else(|| {
                                inst.positions.push(key);
                                inst.positions.len() - 1
                            })
                        })
                    })
                    .collect();
                Candidate { node, fixed: *fixed, per_unit: per_unit.clone(), position }
            })
            .collect();
        inst.orders.push(BatchOrder { units: lines.iter().map(|l| l.1).collect(), candidates });
    }
    inst
}

/// Checks `lp` against every row of the whole model (dropped rows included) and returns
/// its cost recomputed from the variables.
fn check_feasible(inst: &BatchInstance, lp: &BatchLp, params: &BatchParams) -> f64 {
    const TOL: f64 = 1e-7;
    let mut atp_used = vec![0.0; inst.positions.len()];
    let mut cap_used = vec![0.0; inst.capacity.len()];
    let mut cost = 0.0;
    for (o, order) in inst.orders.iter().enumerate() {
        for (l, &q) in order.units.iter().enumerate() {
            let u = lp.u[o][l];
            assert!((-TOL..=f64::from(q) + TOL).contains(&u), "u[{o}][{l}] = {u}");
            let mut served = u;
            for (c, cand) in order.candidates.iter().enumerate() {
                let x = lp.x[o][c][l];
                match cand.position[l] {
                    None => assert_eq!(x, 0.0, "x[{o}][{c}][{l}] without ATP"),
                    Some(p) => {
                        let ub = f64::from(q.min(inst.positions[p].2));
                        assert!(x >= -TOL && x <= ub * lp.y[o][c] + TOL, "x[{o}][{c}][{l}]");
                        atp_used[p] += x;
                    }
                }
                served += x;
                cost += cand.per_unit[l] * x;
            }
            assert!((served - f64::from(q)).abs() <= TOL, "order {o} line {l} served {served}");
            cost += params.cancel_penalty * u;
        }
        for (c, cand) in order.candidates.iter().enumerate() {
            let y = lp.y[o][c];
            assert!((-TOL..=1.0 + TOL).contains(&y), "y[{o}][{c}] = {y}");
            cap_used[inst.capacity_index(cand.node)] += y;
            cost += (cand.fixed + params.split_penalty) * y;
        }
    }
    for (p, used) in atp_used.iter().enumerate() {
        assert!(*used <= f64::from(inst.positions[p].2) + TOL, "ATP row {p}: {used}");
    }
    for (k, used) in cap_used.iter().enumerate() {
        assert!(*used <= f64::from(inst.capacity[k].1) + TOL, "capacity row {k}: {used}");
    }
    cost
}

fn same_optimum(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

const NODES: u32 = 5;
const SKUS: u32 = 4;

/// Costs from short lists (ties and zero costs are common in real batches: stores of one
/// zone cost the same) or drawn freely.
fn cost(choice: u8, noise: f64, list: [f64; 4]) -> f64 {
    list[usize::from(choice % 4)] + noise
}

/// Random batches: up to 8 orders of 1 to 3 lines over 4 SKUs, each with 1 to 4 of 5
/// nodes, thin ATP and small capacities, tied or free costs, and a high or low cancel
/// penalty.
fn batch() -> impl Strategy<Value = (BatchInstance, BatchParams)> {
    let line = (0..SKUS, 1u32..4);
    let cand = (0..NODES, 0u8..4, prop::collection::vec(0u8..4, 3));
    let order = (prop::collection::vec(line, 1..4), prop::collection::vec(cand, 1..5));
    (
        prop::collection::vec(order, 1..9),
        prop::collection::vec(0u32..6, (NODES * SKUS) as usize),
        prop::collection::vec(0u32..5, NODES as usize),
        any::<bool>(),
        any::<bool>(),
        any::<u64>(),
    )
        .prop_map(|(orders, atp, cap, free_costs, cheap_cancel, seed)| {
            // Deterministic noise from the seed, so free costs rarely tie.
            let mut state = seed;
            let mut noise = move || {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                if free_costs { (state >> 11) as f64 / (1u64 << 53) as f64 } else { 0.0 }
            };
            let specs: Vec<OrderSpec> = orders
                .into_iter()
                .map(|(lines, cands)| {
                    let mut nodes: Vec<u32> = Vec::new();
                    let cands = cands
                        .into_iter()
                        .filter(|(n, _, _)| {
                            let fresh = !nodes.contains(n);
                            nodes.push(*n);
                            fresh
                        })
                        .map(|(n, f, per)| {
                            let fixed = cost(f, noise(), [0.0, 6.0, 8.0, 11.5]);
                            let per_unit = (0..lines.len())
                                .map(|l| cost(per[l], noise(), [0.0, 0.5, 1.0, 2.5]))
                                .collect();
                            (n, fixed, per_unit)
                        })
                        .collect();
                    (lines, cands)
                })
                .collect();
            let inst = instance(&specs, |n, s| atp[(n * SKUS + s) as usize], &cap);
            let cancel_penalty = if cheap_cancel { 4.0 } else { 50.0 };
            (inst, BatchParams { cancel_penalty, ..PARAMS })
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]
    #[test]
    fn decomposed_solves_reach_the_whole_batch_optimum((inst, params) in batch()) {
        let whole = inst.solve_whole(&params).expect("the whole LP solves");
        let parts = inst.solve(&params).expect("every part solves");
        prop_assert!(
            same_optimum(parts.objective, whole.objective),
            "parts {} whole {}", parts.objective, whole.objective
        );
        let cost = check_feasible(&inst, &parts, &params);
        prop_assert!(same_optimum(cost, parts.objective), "cost {cost} vs {}", parts.objective);
        let cost = check_feasible(&inst, &whole, &params);
        prop_assert!(same_optimum(cost, whole.objective), "cost {cost} vs {}", whole.objective);
    }
}

/// One line of one unit of SKU 0 per order, at the given candidates (node, fixed, per
/// unit).
fn one_tee(cands: &[(u32, f64, f64)]) -> OrderSpec {
    (vec![(0, 1)], cands.iter().map(|&(n, f, c)| (n, f, vec![c])).collect())
}

#[test]
fn only_rows_that_can_bind_join_orders() {
    // Node 0 has one unit for orders 0 and 1 (binds); node 1 has ten for orders 1 and 2
    // (slack); node 2 has room for one parcel and two orders ask (binds: orders 3 and 4).
    let orders = [
        one_tee(&[(0, 5.0, 1.0)]),
        one_tee(&[(0, 5.0, 1.0), (1, 6.0, 1.0)]),
        one_tee(&[(1, 6.0, 1.0)]),
        one_tee(&[(2, 5.0, 1.0)]),
        one_tee(&[(2, 5.0, 1.0)]),
    ];
    let atp = |n: u32, _| [1, 10, 5][n as usize];
    let inst = instance(&orders, atp, &[9, 9, 1]);
    let (_, parts) = Layout::decomposed(&inst);
    let groups: Vec<&[usize]> = parts.iter().map(|p| &p.orders[..]).collect();
    assert_eq!(groups, [&[0, 1][..], &[2], &[3, 4]]);
    assert_eq!(parts[0].atp_rows, [0]);
    assert!(parts[0].cap_rows.is_empty() && parts[1].atp_rows.is_empty());
    assert_eq!(parts[2].cap_rows, [inst.capacity_index(NodeId(2))]);

    let lp = inst.solve(&PARAMS).expect("solves");
    let whole = inst.solve_whole(&PARAMS).expect("solves");
    assert!(same_optimum(lp.objective, whole.objective), "{} {}", lp.objective, whole.objective);
    // Order 0 can only use node 0, so order 1 goes to node 1; orders 3 and 4 share one
    // parcel's room: one of them is cancelled (by halves in the relaxation).
    assert!((lp.x[0][0][0] - 1.0).abs() < 1e-9 && (lp.x[1][1][0] - 1.0).abs() < 1e-9);
    assert!((lp.u[3][0] + lp.u[4][0] - 1.0).abs() < 1e-9);
}

#[test]
fn a_single_line_takes_its_cheapest_units_first() {
    // Three units wanted. Node 0 has two at 1.0 + (5 + 3) / 2 = 5.0 a unit; node 1 has
    // three at 2.0 + (3 + 3) / 3 = 4.0 a unit (its parcel spread over three): node 1 serves
    // all three, for 12.0.
    let orders = [(vec![(0, 3)], vec![(0, 5.0, vec![1.0]), (1, 3.0, vec![2.0])])];
    let inst = instance(&orders, |n, _| [2, 3][n as usize], &[9, 9]);
    let mut lp = inst.solve_whole(&PARAMS).expect("solves");
    let whole = lp.objective;
    let knapsack = single_line(&inst, 0, &PARAMS, &mut lp).expect("one line");
    assert!(same_optimum(knapsack, whole) && same_optimum(knapsack, 12.0), "{knapsack} {whole}");

    // With node 1 holding one unit: one from node 1 at 2 + 6 = 8, two from node 0 at 5.0.
    let inst = instance(&orders, |n, _| [2, 1][n as usize], &[9, 9]);
    let mut lp = inst.solve_whole(&PARAMS).expect("solves");
    let whole = lp.objective;
    let knapsack = single_line(&inst, 0, &PARAMS, &mut lp).expect("one line");
    assert!(same_optimum(knapsack, whole) && same_optimum(knapsack, 18.0), "{knapsack} {whole}");
    assert_eq!(lp.x[0][0][0], 2.0);
    assert_eq!(lp.x[0][1][0], 1.0);
}

#[test]
fn one_parcel_is_certified_only_when_it_is_optimal() {
    // Two lines. Node 0 holds both: 6 + 3 + 1 + 1 = 11. Node 1 holds both and is dearer
    // in every term: one parcel from node 0 is optimal and certified.
    let both = vec![(0, 1), (1, 1)];
    let orders = [(both.clone(), vec![(0, 6.0, vec![1.0, 1.0]), (1, 7.0, vec![1.0, 2.0])])];
    let inst = instance(&orders, |_, _| 1, &[9, 9]);
    let whole = inst.solve_whole(&PARAMS).expect("solves").objective;
    let mut lp = inst.solve_whole(&PARAMS).expect("solves");
    let proved = single_parcel(&inst, 0, &PARAMS, &mut lp).expect("certified");
    assert!(same_optimum(proved, whole) && same_optimum(proved, 11.0), "{proved} {whole}");

    // Node 0 now has the first line only (free parcel, cheap unit), node 1 both lines but
    // the first dearly: line 0 from node 0 (3.5) and line 1 from node 1 (10) beat one
    // parcel from node 1 (16), so no proof is given.
    let orders = [(both, vec![(0, 0.0, vec![0.5, 0.5]), (1, 6.0, vec![6.0, 1.0])])];
    let inst = instance(&orders, |n, s| if n == 0 && s == 1 { 0 } else { 1 }, &[9, 9]);
    let whole = inst.solve_whole(&PARAMS).expect("solves").objective;
    assert!(same_optimum(whole, 13.5), "{whole}");
    let mut lp = inst.solve_whole(&PARAMS).expect("solves");
    assert_eq!(single_parcel(&inst, 0, &PARAMS, &mut lp), None);
}
