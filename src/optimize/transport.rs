//! The transportation problem with a penalty for unserved demand, solved exactly as a
//! min-cost flow by successive shortest paths with node potentials; the final potentials
//! are the LP duals.
//!
//! Key types: [`Transport`] (the instance), [`TransportSolution`] (flows, cost and dual
//! prices), [`TransportError`]. Pure arithmetic: no I/O, no randomness, nothing of the
//! domain (the callers decide what a supply or a demand point is).
//!
//! The flow network: a source `S`, one node per supply point `i` (arc `S -> i` with capacity
//! `supply[i]`, cost 0), an outside supplier `O` (arc `S -> O`, unbounded, cost 0), one node
//! per demand point `j` (arcs `i -> j` unbounded at `cost[i][j]` where finite, `O -> j`
//! unbounded at `penalty`), and a sink `T` (arc `j -> T` with capacity `demand[j]`). Every
//! demand unit can always be met (from `O` at the penalty), so the instance is never
//! infeasible. Each round runs Dijkstra on reduced costs over the residual graph (binary
//! heap: O(m n log V) with V = m + n + 3) and augments along the shortest `S -> T` path by its
//! bottleneck; a final Dijkstra gives exact shortest distances `d(v)` from `S`.
//!
//! Duals: `d(i)` is the cost of replacing one unit taken away from supply point `i` (the
//! shortest way to refill it in the residual graph), that is the shadow price of the supply
//! constraint, clamped at zero; `d(j)` is the cost of one more unit of demand at `j`. They
//! satisfy complementary slackness with the flow (tested).
//!
//! Reference: R. K. Ahuja, T. L. Magnanti, J. B. Orlin, *Network Flows* (1993), section 9.7
//! (successive shortest paths) and 9.4 (reduced costs and optimality).

use std::cmp::Ordering;
use std::collections::BinaryHeap;

mod repair;

pub use repair::{Classes, Repaired, solve_by_repair};

/// Amounts below this are treated as zero.
const EPS: f64 = 1e-9;

/// A transportation instance: supply points, demand points, per-unit costs and the penalty
/// per unit of demand left unserved.
#[derive(Clone, Debug, PartialEq)]
pub struct Transport {
    /// Units available at each supply point (non-negative).
    pub supply: Vec<f64>,
    /// Units wanted at each demand point (non-negative).
    pub demand: Vec<f64>,
    /// Cost per unit from supply `i` to demand `j`, row-major (`i * demand.len() + j`);
    /// infinite where no arc exists.
    pub cost: Vec<f64>,
    /// Cost per unit of demand not served from any supply point.
    pub penalty: f64,
}

/// An optimal solution with its duals.
#[derive(Clone, Debug, PartialEq)]
pub struct TransportSolution {
    /// Units from supply `i` to demand `j`, row-major like [`Transport::cost`].
    pub flow: Vec<f64>,
    /// Units of each demand point left unserved (bought at the penalty).
    pub unserved: Vec<f64>,
    /// The optimal objective: transport cost plus penalties.
    pub cost: f64,
    /// Shadow price of each supply point: what the optimum loses per unit taken from it.
    pub supply_price: Vec<f64>,
    /// Shadow price of each demand point: what one more unit of demand there would cost.
    pub demand_price: Vec<f64>,
}

/// Why an instance cannot be solved.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum TransportError {
    /// The cost table does not have `supply.len() * demand.len()` entries.
    #[error("cost table has {found} entries, expected {expected}")]
    Shape {
        /// Entries expected.
        expected: usize,
        /// Entries given.
        found: usize,
    },
    /// The demand classes given to [`solve_by_repair`] are not one per demand point.
    #[error("{found} demand classes for {expected} demand points")]
    Classes {
        /// Demand points.
        expected: usize,
        /// Classes given.
        found: usize,
    },
    /// A supply, demand, cost or the penalty is negative or not a number.
    #[error("invalid {what}: {value}")]
    Invalid {
        /// Which input.
        what: &'static str,
        /// The offending value.
        value: f64,
    },
    /// The augmentation limit was reached (only possible with badly scaled amounts).
    #[error("no optimum after {0} augmentations")]
    NoConvergence(usize),
}

impl Transport {
    /// Checks the shape and the signs of the instance.
    fn check(&self) -> Result<(), TransportError> {
        let expected = self.supply.len() * self.demand.len();
        if self.cost.len() != expected {
            return Err(TransportError::Shape { expected, found: self.cost.len() });
        }
        let bad = |v: f64| v.is_nan() || v < 0.0 || v == f64::INFINITY;
        let invalid = |what, value| Err(TransportError::Invalid { what, value });
        if let Some(&v) = self.supply.iter().find(|v| bad(**v)) {
            return invalid("supply", v);
        }
        if let Some(&v) = self.demand.iter().find(|v| bad(**v)) {
            return invalid("demand", v);
        }
        if let Some(&v) = self.cost.iter().find(|v| v.is_nan() || **v < 0.0) {
            return invalid("cost", v);
        }
        if bad(self.penalty) {
            return invalid("penalty", self.penalty);
        }
        Ok(())
    }
}

/// Solves `problem` to optimality; see the module docs for the method.
pub fn solve_transport(problem: &Transport) -> Result<TransportSolution, TransportError> {
    problem.check()?;
    let mut flow = Flow::new(problem);
    let total: f64 = problem.demand.iter().sum();
    let limit = 8 * (problem.supply.len() + problem.demand.len()) * (problem.supply.len() + 2) + 64;
    let mut sent = 0.0;
    let mut rounds = 0;
    while total - sent > EPS * total.max(1.0) {
        rounds += 1;
        if rounds > limit {
            return Err(TransportError::NoConvergence(limit));
        }
        let search = flow.dijkstra();
        if !search.dist[flow.sink()].is_finite() {
            break;
        }
        flow.update_potentials(&search.dist);
        sent += flow.augment(&search.parent);
    }
    Ok(flow.solution())
}

/// Node numbering of the flow network.
struct Flow<'p> {
    p: &'p Transport,
    m: usize,
    n: usize,
    /// Flow on `S -> i`.
    from_source: Vec<f64>,
    /// Flow on `i -> j`, row-major.
    x: Vec<f64>,
    /// Flow on `O -> j`.
    outside: Vec<f64>,
    /// Flow on `j -> T`.
    to_sink: Vec<f64>,
    /// Node potentials.
    pi: Vec<f64>,
}

/// A heap entry: a tentative distance and its node, smallest distance first.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Entry(f64, usize);

impl Eq for Entry {}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        other.0.total_cmp(&self.0).then_with(|| other.1.cmp(&self.1))
    }
}

/// Shortest distances (on reduced costs) and the predecessor of each node.
struct Search {
    dist: Vec<f64>,
    parent: Vec<usize>,
}

const NONE: usize = usize::MAX;

impl<'p> Flow<'p> {
    fn new(p: &'p Transport) -> Self {
        let (m, n) = (p.supply.len(), p.demand.len());
        Flow {
            p,
            m,
            n,
            from_source: vec![0.0; m],
            x: vec![0.0; m * n],
            outside: vec![0.0; n],
            to_sink: vec![0.0; n],
            pi: vec![0.0; m + n + 3],
        }
    }

    const SOURCE: usize = 0;

    fn supply_node(&self, i: usize) -> usize {
        1 + i
    }

    fn outside_node(&self) -> usize {
        1 + self.m
    }

    fn demand_node(&self, j: usize) -> usize {
        2 + self.m + j
    }

    fn sink(&self) -> usize {
        2 + self.m + self.n
    }

    fn nodes(&self) -> usize {
        3 + self.m + self.n
    }

    /// Calls `f(to, cost)` for every residual arc leaving `v` (true costs, not reduced).
    fn arcs(&self, v: usize, mut f: impl FnMut(usize, f64)) {
        let (m, n) = (self.m, self.n);
        if v == Self::SOURCE {
            for i in 0..m {
                if self.from_source[i] < self.p.supply[i] - EPS {
                    f(self.supply_node(i), 0.0);
                }
            }
            f(self.outside_node(), 0.0);
        } else if v <= m {
            let i = v - 1;
            if self.from_source[i] > EPS {
                f(Self::SOURCE, 0.0);
            }
            for j in 0..n {
                let c = self.p.cost[i * n + j];
                if c.is_finite() {
                    f(self.demand_node(j), c);
                }
            }
        } else if v == self.outside_node() {
            for j in 0..n {
                f(self.demand_node(j), self.p.penalty);
            }
        } else if v < self.sink() {
            let j = v - self.demand_node(0);
            for i in 0..m {
                if self.x[i * n + j] > EPS {
                    f(self.supply_node(i), -self.p.cost[i * n + j]);
                }
            }
            if self.outside[j] > EPS {
                f(self.outside_node(), -self.p.penalty);
            }
            if self.to_sink[j] < self.p.demand[j] - EPS {
                f(self.sink(), 0.0);
            }
        } else {
            for j in 0..n {
                if self.to_sink[j] > EPS {
                    f(self.demand_node(j), 0.0);
                }
            }
        }
    }

    /// Dijkstra from the source on reduced costs, with a binary heap.
    fn dijkstra(&self) -> Search {
        let v_count = self.nodes();
        let mut dist = vec![f64::INFINITY; v_count];
        let mut parent = vec![NONE; v_count];
        let mut done = vec![false; v_count];
        let mut heap = BinaryHeap::new();
        dist[Self::SOURCE] = 0.0;
        heap.push(Entry(0.0, Self::SOURCE));
        while let Some(Entry(du, u)) = heap.pop() {
            if done[u] || du > dist[u] {
                continue;
            }
            done[u] = true;
            self.arcs(u, |w, c| {
                // Reduced costs are non-negative up to rounding; clamp the rounding away.
                let reduced = (c + self.pi[u] - self.pi[w]).max(0.0);
                if !done[w] && du + reduced < dist[w] {
                    dist[w] = du + reduced;
                    parent[w] = u;
                    heap.push(Entry(dist[w], w));
                }
            });
        }
        Search { dist, parent }
    }

    /// Adds the new distances to the potentials; unreached nodes get the sink's distance,
    /// which keeps every residual reduced cost non-negative.
    fn update_potentials(&mut self, dist: &[f64]) {
        let cap = dist[self.sink()];
        for (p, d) in self.pi.iter_mut().zip(dist) {
            *p += d.min(cap);
        }
    }

    /// The residual capacity of the arc `u -> w`.
    fn residual(&self, u: usize, w: usize) -> f64 {
        let (m, n) = (self.m, self.n);
        let o = self.outside_node();
        let is_supply = |v: usize| (1..=m).contains(&v);
        let is_demand = |v: usize| v >= 2 + m && v < 2 + m + n;
        match (u, w) {
            (Self::SOURCE, w) if is_supply(w) => self.p.supply[w - 1] - self.from_source[w - 1],
            (u, Self::SOURCE) if is_supply(u) => self.from_source[u - 1],
            (Self::SOURCE, _) | (_, Self::SOURCE) => f64::INFINITY,
            (u, w) if is_supply(u) && is_demand(w) => f64::INFINITY,
            (u, w) if is_demand(u) && is_supply(w) => self.x[(w - 1) * n + (u - 2 - m)],
            (u, w) if u == o && is_demand(w) => f64::INFINITY,
            (u, w) if is_demand(u) && w == o => self.outside[u - 2 - m],
            (u, _) if is_demand(u) => self.p.demand[u - 2 - m] - self.to_sink[u - 2 - m],
            (_, w) => self.to_sink[w - 2 - m],
        }
    }

    /// Pushes flow along the path in `parent` from the source to the sink; returns how much.
    fn augment(&mut self, parent: &[usize]) -> f64 {
        let mut path = Vec::new();
        let mut w = self.sink();
        while w != Self::SOURCE {
            let u = parent[w];
            path.push((u, w));
            w = u;
        }
        let amount = path.iter().map(|&(u, w)| self.residual(u, w)).fold(f64::INFINITY, f64::min);
        for &(u, w) in &path {
            self.push(u, w, amount);
        }
        amount
    }

    /// Adds `amount` on `u -> w` (or cancels it on the reverse arc).
    fn push(&mut self, u: usize, w: usize, amount: f64) {
        let (m, n) = (self.m, self.n);
        let o = self.outside_node();
        let is_supply = |v: usize| (1..=m).contains(&v);
        let is_demand = |v: usize| v >= 2 + m && v < 2 + m + n;
        match (u, w) {
            (Self::SOURCE, w) if is_supply(w) => self.from_source[w - 1] += amount,
            (u, Self::SOURCE) if is_supply(u) => self.from_source[u - 1] -= amount,
            (Self::SOURCE, _) | (_, Self::SOURCE) => {}
            (u, w) if is_supply(u) && is_demand(w) => self.x[(u - 1) * n + (w - 2 - m)] += amount,
            (u, w) if is_demand(u) && is_supply(w) => self.x[(w - 1) * n + (u - 2 - m)] -= amount,
            (u, w) if u == o && is_demand(w) => self.outside[w - 2 - m] += amount,
            (u, w) if is_demand(u) && w == o => self.outside[u - 2 - m] -= amount,
            (u, _) if is_demand(u) => self.to_sink[u - 2 - m] += amount,
            (_, w) => self.to_sink[w - 2 - m] -= amount,
        }
    }

    /// What one unit at the empty supply point `i` would save: the largest
    /// `demand_price[j] - cost[i][j]`, at least zero.
    fn marginal_unit_value(&self, i: usize, demand_price: &[f64]) -> f64 {
        let row = &self.p.cost[i * self.n..(i + 1) * self.n];
        row.iter().zip(demand_price).map(|(c, mu)| mu - c).fold(0.0, f64::max)
    }

    /// The flows, their cost, and the duals from a last search over the final residual graph.
    fn solution(&self) -> TransportSolution {
        let search = self.dijkstra();
        let true_dist = |v: usize| search.dist[v] + self.pi[v] - self.pi[Self::SOURCE];
        let demand_price: Vec<f64> = (0..self.n)
            .map(|j| {
                let v = self.demand_node(j);
                if search.dist[v].is_finite() { true_dist(v) } else { self.p.penalty }
            })
            .collect();
        let supply_price = (0..self.m)
            .map(|i| {
                let v = self.supply_node(i);
                if search.dist[v].is_finite() {
                    true_dist(v).max(0.0)
                } else {
                    // Nothing there and nothing through it: the price of a unit added there.
                    self.marginal_unit_value(i, &demand_price)
                }
            })
            .collect();
        let shipped: f64 =
            self.x.iter().zip(&self.p.cost).filter(|(x, _)| **x > 0.0).map(|(x, c)| x * c).sum();
        let penalties: f64 = self.outside.iter().sum::<f64>() * self.p.penalty;
        TransportSolution {
            flow: self.x.clone(),
            unserved: self.outside.clone(),
            cost: shipped + penalties,
            supply_price,
            demand_price,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-6 * (1.0 + a.abs().max(b.abs()))
    }

    /// H. A. Taha, Operations Research: An Introduction (10th ed., 2017), Example 5.1-1
    /// (SunRay Transport): three silos, four mills, balanced; the optimum is $435. Shared
    /// with the repair solver's tests.
    pub(super) fn taha_sunray() -> Transport {
        Transport {
            supply: vec![15.0, 25.0, 10.0],
            demand: vec![5.0, 15.0, 15.0, 15.0],
            cost: vec![
                10.0, 2.0, 20.0, 11.0, //
                12.0, 7.0, 9.0, 20.0, //
                4.0, 14.0, 16.0, 18.0,
            ],
            penalty: 1_000.0,
        }
    }

    #[test]
    fn taha_sunray_transport_has_optimal_cost_435() {
        let s = solve_transport(&taha_sunray()).expect("solves");
        assert!(close(s.cost, 435.0), "cost {}", s.cost);
        assert!(s.unserved.iter().all(|u| *u < 1e-9));
    }

    #[test]
    fn hillier_lieberman_p_and_t_has_optimal_cost_152535() {
        // F. S. Hillier, G. J. Lieberman, Introduction to Operations Research (9th ed.),
        // section 8.1, the P & T Company: three canneries, four warehouses (truckloads);
        // the optimal shipping cost is $152,535.
        let problem = Transport {
            supply: vec![75.0, 125.0, 100.0],
            demand: vec![80.0, 65.0, 70.0, 85.0],
            cost: vec![
                464.0, 513.0, 654.0, 867.0, //
                352.0, 416.0, 690.0, 791.0, //
                995.0, 682.0, 388.0, 685.0,
            ],
            penalty: 10_000.0,
        };
        let s = solve_transport(&problem).expect("solves");
        assert!(close(s.cost, 152_535.0), "cost {}", s.cost);
    }

    #[test]
    fn a_scarce_cheap_unit_is_priced_at_what_replacing_it_costs() {
        // One unit at a cheap node (cost 2), plenty at a dear one (cost 5), two units wanted:
        // the cheap unit is worth 5 - 2 = 3; the dear node's units are worth nothing.
        let problem = Transport {
            supply: vec![1.0, 10.0],
            demand: vec![2.0],
            cost: vec![2.0, 5.0],
            penalty: 50.0,
        };
        let s = solve_transport(&problem).expect("solves");
        assert!(close(s.cost, 7.0));
        assert!(close(s.supply_price[0], 3.0), "{:?}", s.supply_price);
        assert!(close(s.supply_price[1], 0.0));
        assert!(close(s.demand_price[0], 5.0));
    }

    #[test]
    fn demand_beyond_supply_pays_the_penalty() {
        let problem =
            Transport { supply: vec![1.0], demand: vec![3.0], cost: vec![4.0], penalty: 10.0 };
        let s = solve_transport(&problem).expect("solves");
        assert!(close(s.cost, 4.0 + 2.0 * 10.0));
        assert!(close(s.unserved[0], 2.0));
        assert!(close(s.supply_price[0], 6.0), "{:?}", s.supply_price);
    }

    #[test]
    fn missing_arcs_are_never_used_and_bad_input_is_refused() {
        let problem = Transport {
            supply: vec![5.0, 5.0],
            demand: vec![3.0],
            cost: vec![f64::INFINITY, 9.0],
            penalty: 100.0,
        };
        let s = solve_transport(&problem).expect("solves");
        assert!(close(s.flow[0], 0.0) && close(s.flow[1], 3.0));
        let bad = Transport { supply: vec![-1.0, 5.0], ..problem.clone() };
        assert!(matches!(solve_transport(&bad), Err(TransportError::Invalid { .. })));
        let shape = Transport { cost: vec![1.0], ..problem };
        assert!(matches!(solve_transport(&shape), Err(TransportError::Shape { .. })));
    }

    /// The LP optimum by brute force over a fine enumeration is out of reach, so the
    /// property checks optimality through duality: primal feasibility, dual feasibility
    /// (`mu_j - lambda_i <= c_ij`, `mu_j <= penalty`) and equal objectives.
    fn instance() -> impl Strategy<Value = Transport> {
        (1usize..5, 1usize..6).prop_flat_map(|(m, n)| {
            (
                prop::collection::vec(0u32..20, m),
                prop::collection::vec(0u32..20, n),
                prop::collection::vec(prop::option::weighted(0.85, 0u32..30), m * n),
                5u32..60,
            )
                .prop_map(|(s, d, c, p)| Transport {
                    supply: s.into_iter().map(f64::from).collect(),
                    demand: d.into_iter().map(f64::from).collect(),
                    cost: c.into_iter().map(|c| c.map_or(f64::INFINITY, f64::from)).collect(),
                    penalty: f64::from(p),
                })
        })
    }

    proptest! {
        #[test]
        fn solutions_are_optimal_by_strong_duality(p in instance()) {
            let s = solve_transport(&p).expect("solves");
            let (m, n) = (p.supply.len(), p.demand.len());
            for i in 0..m {
                let used: f64 = (0..n).map(|j| s.flow[i * n + j]).sum();
                prop_assert!(used <= p.supply[i] + 1e-6);
            }
            for j in 0..n {
                let got: f64 = (0..m).map(|i| s.flow[i * n + j]).sum::<f64>() + s.unserved[j];
                prop_assert!(close(got, p.demand[j]));
                prop_assert!(s.demand_price[j] <= p.penalty + 1e-6);
                for i in 0..m {
                    let c = p.cost[i * n + j];
                    prop_assert!(s.demand_price[j] - s.supply_price[i] <= c + 1e-6);
                }
            }
            let dual: f64 = (0..n).map(|j| p.demand[j] * s.demand_price[j]).sum::<f64>()
                - (0..m).map(|i| p.supply[i] * s.supply_price[i]).sum::<f64>();
            prop_assert!(close(dual, s.cost), "dual {} primal {}", dual, s.cost);
        }
    }
}
