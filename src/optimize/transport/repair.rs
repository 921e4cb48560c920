//! The transportation problem with a penalty, solved exactly by repairing the greedy
//! assignment: the solver the hindsight bound uses, built for its shape (a few hundred
//! supply points, most of them empty for a given SKU, and up to tens of thousands of demand
//! points whose costs repeat in a few values).
//!
//! Key items: [`solve_by_repair`] (generic over a cost function, so a caller need not
//! build the dense cost table), [`Classes`] and [`Repaired`]. Pure arithmetic like its
//! parent module.
//!
//! Method (a primal-dual successive-shortest-path method started from a relaxed optimum;
//! Ahuja, Magnanti and Orlin, *Network Flows*, 1993, sections 9.7 and 9.8):
//!
//! 1. Supply points holding nothing and demand points wanting nothing are dropped.
//! 2. Every demand point takes all its units from its cheapest source, the outside
//!    supplier `O` (the penalty, unlimited) included. That is optimal if supplies were
//!    unlimited, with duals `lambda_i = 0` (supply prices) and `mu_j` = that cheapest cost
//!    (demand prices); reduced costs `c_ij + lambda_i - mu_j` are non-negative and zero on
//!    every arc carrying flow. When no supply point is over its supply, this is the optimum
//!    and the solver stops (most SKUs of the bound).
//! 3. Otherwise the units over supply are sent back along shortest residual paths
//!    `i -> j -> i' -> j' -> ... -> t` (taking units of `j` off `i`, giving them to `i'`,
//!    ...), ending at a supply point with room left or at `O`. Demand points are never
//!    settled on their own: a demand point is reached at the distance of the first settled
//!    supply point that serves it (its reverse arc has reduced cost zero), and then may
//!    relax every source once. Dijkstra therefore runs over the `m + 1` sources with an array
//!    scan (the graph between sources is dense) and stops at the first source with room;
//!    demand points of one class (the caller's: costs that differ only by a constant
//!    offset, as the bound's groups priced alike by the shippers holding the SKU) rank the
//!    sources alike, so of a class only its point reached with the lowest
//!    `distance + offset - mu` relaxes the sources (the others only the outside supplier). A class is not relaxed when first
//!    met: it waits in a heap keyed by a lower bound on what it could offer any source
//!    (its floor, the two lowest `cost - offset + lambda` from an earlier phase, stays a
//!    lower bound since `lambda` only grows), and is relaxed only once the next source to
//!    settle is no nearer than that bound, so the classes that cannot improve a distance
//!    before the search stops are never scanned. Potentials move as in SSP with early
//!    termination, so `lambda` only grows, and only at points that are full, which keeps
//!    complementary slackness at the end.
//! 4. After each search, besides the shortest path found, every other path of zero reduced
//!    cost is augmented (a depth-first search with current-arc pointers, as in a blocking
//!    flow). The costs of the bound repeat (a unit's cost difference between two nodes
//!    depends on the pair of zones only), so one search typically moves many demand points.
//!    A demand point's scan for a tight arc is skipped when its class's floor shows none
//!    below the tolerance but at the point's own source; otherwise it scans only its
//!    class's near list (the supply points within twice the tolerance of the class's
//!    lowest, computed once per class and phase) and then the outside supplier.
//!
//! Complexity: the greedy start is `O(m n)`; each phase's search costs `O(m)` per class and
//! `O(1)` per demand point served by a supply point settled before the first one with room,
//! plus `O(m^2)`; its augmentation `O(m)` per class met and `O(m)` per such demand point that
//! has a tight arc (`O(1)` for the others). The number of phases is at most the number of
//! distinct shortest-path lengths met, in practice far fewer than the augmentations of SSP
//! from zero flow.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use smallvec::SmallVec;

use super::{EPS, TransportError};

/// The optimum found by [`solve_by_repair`], in the caller's indices.
#[derive(Clone, Debug, PartialEq)]
pub struct Repaired {
    /// The optimal objective: transport cost plus penalties.
    pub cost: f64,
    /// Units of each demand point left unserved (bought at the penalty).
    pub unserved: Vec<f64>,
    /// Units moved, as `(supply point, demand point, units)`, at most one entry per pair.
    pub flow: Vec<(usize, usize, f64)>,
    /// Search phases the repair took (zero when the greedy assignment fit the supply).
    pub phases: usize,
}

/// Demand points that rank the supply points alike: per demand point `j`, its class and
/// its offset, such that `cost(i, j) - offset` is the same for every point of the class
/// (for every supply point `i` whose supply is above the rounding epsilon `EPS`: the others
/// are dropped before the classes are read, so a caller may ignore them). The solver
/// relies on it for exactness; [`Classes::none`] claims nothing.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Classes {
    /// Each demand point's class, below the number of demand points.
    pub class: Vec<u32>,
    /// Each demand point's offset (finite).
    pub offset: Vec<f64>,
}

impl Classes {
    /// Every one of `n` demand points a class of its own.
    pub fn none(n: usize) -> Self {
        Classes { class: (0..n as u32).collect(), offset: vec![0.0; n] }
    }
}

/// Solves `min sum c x + penalty * u` subject to `sum_j x_ij <= supply[i]`,
/// `sum_i x_ij + u_j = demand[j]`, `x, u >= 0`, with `cost(i, j)` the cost per unit from
/// supply point `i` to demand point `j` (infinite where there is no arc), whose demand
/// points share costs as `classes` says.
///
/// Errors: a negative, infinite or NaN supply, demand or penalty, a negative or NaN cost,
/// a non-finite offset or a class number not below the number of demand points, is
/// refused, as are classes not one per demand point; `NoConvergence` if the phase limit is
/// hit (only possible with badly scaled amounts).
pub fn solve_by_repair(
    supply: &[f64],
    demand: &[f64],
    penalty: f64,
    classes: &Classes,
    cost: impl Fn(usize, usize) -> f64,
) -> Result<Repaired, TransportError> {
    let bad = |v: f64| v.is_nan() || v < 0.0 || v == f64::INFINITY;
    let invalid = |what, value| Err(TransportError::Invalid { what, value });
    if let Some(&v) = supply.iter().find(|v| bad(**v)) {
        return invalid("supply", v);
    }
    if let Some(&v) = demand.iter().find(|v| bad(**v)) {
        return invalid("demand", v);
    }
    if bad(penalty) {
        return invalid("penalty", penalty);
    }
    let n = demand.len();
    for found in [classes.class.len(), classes.offset.len()] {
        if found != n {
            return Err(TransportError::Classes { expected: n, found });
        }
    }
    if let Some(&c) = classes.class.iter().find(|&&c| c as usize >= n) {
        return invalid("demand class", f64::from(c));
    }
    if let Some(&v) = classes.offset.iter().find(|v| !v.is_finite()) {
        return invalid("offset", v);
    }
    let mut state = State::greedy(supply, demand, penalty, classes, &cost)?;
    let phases = state.repair()?;
    Ok(state.into_solution(demand.len(), phases))
}

/// Tolerance under which a reduced cost counts as zero (the arc is on a shortest path).
fn tight_tolerance(penalty: f64) -> f64 {
    1e-10 * (1.0 + penalty)
}

const NONE: usize = usize::MAX;

/// A group's tight-arc cursor once its candidates are exhausted.
const DONE: usize = usize::MAX;

/// The working state: sources `0..m` are the supply points kept (`live`), source `m` is the
/// outside supplier; groups `0..n` are the demand points kept (`wanted`).
struct State<C> {
    cost: C,
    penalty: f64,
    live: Vec<usize>,
    wanted: Vec<usize>,
    cap: Vec<f64>,
    load: Vec<f64>,
    demand: Vec<f64>,
    /// Supply prices (`lambda[m]`, the outside supplier's, stays zero).
    lambda: Vec<f64>,
    /// Demand prices.
    mu: Vec<f64>,
    /// Per group, its class (see [`Classes`]) and offset.
    class: Vec<u32>,
    offset: Vec<f64>,
    /// Classes in use: one more than the largest class number.
    classes: usize,
    /// Per group, the sources serving it and how much.
    assign: Vec<SmallVec<[(u32, f64); 2]>>,
    /// Per supply point, the groups it may serve (entries go stale when a group leaves;
    /// [`State::serves`] is the truth).
    members: Vec<Vec<u32>>,
    /// Per class, a [`Lowest`] from some earlier prices: `lambda` only grows, so it stays a
    /// lower bound on the class's costs at today's prices.
    floor: Vec<Lowest>,
    tolerance: f64,
}

impl<C: Fn(usize, usize) -> f64> State<C> {
    /// Drops empty points, sends every group to its cheapest source, and checks the costs.
    fn greedy(
        supply: &[f64],
        demand: &[f64],
        penalty: f64,
        classes: &Classes,
        cost: C,
    ) -> Result<Self, TransportError> {
        let live: Vec<usize> = (0..supply.len()).filter(|&i| supply[i] > EPS).collect();
        let wanted: Vec<usize> = (0..demand.len()).filter(|&j| demand[j] > EPS).collect();
        let m = live.len();
        let mut state = State {
            penalty,
            cap: live.iter().map(|&i| supply[i]).collect(),
            load: vec![0.0; m],
            demand: wanted.iter().map(|&j| demand[j]).collect(),
            lambda: vec![0.0; m + 1],
            mu: Vec::with_capacity(wanted.len()),
            class: wanted.iter().map(|&j| classes.class[j]).collect(),
            offset: wanted.iter().map(|&j| classes.offset[j]).collect(),
            classes: classes.class.iter().max().map_or(0, |&c| c as usize + 1),
            assign: Vec::with_capacity(wanted.len()),
            members: vec![Vec::new(); m],
            floor: Vec::new(),
            tolerance: tight_tolerance(penalty),
            cost,
            live,
            wanted,
        };
        // The prices start at zero, so each class's floor is its two lowest costs.
        let mut floor = vec![Lowest::NONE; state.classes];
        for g in 0..state.wanted.len() {
            let (mut best, mut at) = (penalty, m);
            let low = &mut floor[state.class[g] as usize];
            for s in 0..m {
                let c = state.cost(g, s);
                if c.is_nan() || c < 0.0 {
                    return Err(TransportError::Invalid { what: "cost", value: c });
                }
                low.offer(c - state.offset[g], s);
                if c < best {
                    (best, at) = (c, s);
                }
            }
            state.mu.push(best);
            state.assign.push(SmallVec::from_buf_and_len([(at as u32, state.demand[g]); 2], 1));
            if at < m {
                state.load[at] += state.demand[g];
                state.members[at].push(g as u32);
            }
        }
        state.floor = floor;
        Ok(state)
    }

    fn m(&self) -> usize {
        self.live.len()
    }

    /// Cost per unit from source `s` to group `g`.
    fn cost(&self, g: usize, s: usize) -> f64 {
        if s == self.m() { self.penalty } else { (self.cost)(self.live[s], self.wanted[g]) }
    }

    /// Units source `s` sends to group `g`.
    fn serves(&self, s: usize, g: usize) -> f64 {
        self.assign[g].iter().find(|(t, _)| *t as usize == s).map_or(0.0, |(_, x)| *x)
    }

    /// Units over supply at source `s` (zero for the outside supplier).
    fn excess(&self, s: usize) -> f64 {
        if s == self.m() { 0.0 } else { self.load[s] - self.cap[s] }
    }

    /// Whether source `s` can take one more unit: the outside supplier, or room left.
    fn has_room(&self, s: usize) -> bool {
        s == self.m() || self.load[s] < self.cap[s] - EPS
    }

    /// Reduced cost of giving group `g` a unit from source `s` (non-negative up to rounding).
    fn reduced(&self, g: usize, s: usize) -> f64 {
        self.cost(g, s) + self.lambda[s] - self.mu[g]
    }

    /// Phases of search and augmentation until no supply point is over its supply; returns
    /// how many it took.
    fn repair(&mut self) -> Result<usize, TransportError> {
        let m = self.m();
        let limit = 8 * (m + self.wanted.len()) * (m + 2) + 64;
        let mut search = Search::new(m, self.wanted.len(), self.classes);
        for phase in 0..limit {
            if (0..m).all(|s| self.excess(s) <= EPS) {
                return Ok(phase);
            }
            let terminal = self.dijkstra(&mut search);
            self.update_prices(&search, terminal);
            self.augment_tree_path(&search, terminal);
            self.augment_tight_paths();
            search.reset();
        }
        Err(TransportError::NoConvergence(limit))
    }

    /// Dijkstra from every source over supply, on reduced costs, until the first source
    /// with room is settled; returns that source.
    ///
    /// A class met is not relaxed at once: it waits with a lower bound on what it can
    /// offer (from its [`State::floor`]), and is relaxed only once that bound is no higher
    /// than the next source to settle. The search ends at the first source with room, so
    /// the classes whose every alternative costs more than that shortest path (most of a
    /// large SKU's) are never relaxed. Distances come out the same; among offers that tie,
    /// which one a source keeps as its parent may differ, so the flow may be another optimum.
    fn dijkstra(&mut self, search: &mut Search) -> usize {
        let m = self.m();
        for s in 0..m {
            if self.excess(s) > EPS {
                search.dist[s] = 0.0;
            }
        }
        loop {
            let mut next = search.nearest(m);
            let mut bar = next.map_or(f64::INFINITY, |s| search.dist[s]);
            let mut relaxed = false;
            while let Some(&Waiting { bound, class }) = search.waiting.peek() {
                if bound > bar + self.tolerance {
                    break;
                }
                search.waiting.pop();
                let class = class as usize;
                if search.best_key[class] >= search.relaxed_key[class] {
                    continue;
                }
                search.relaxed_key[class] = search.best_key[class];
                bar = bar.min(self.relax_class(search, search.best_group[class] as usize));
                relaxed = true;
            }
            if relaxed {
                next = search.nearest(m);
            }
            // Every group can go outside, and a source over supply serves a group, so the
            // outside supplier is always reached.
            let s = next.expect("the outside supplier is reachable from any excess");
            search.settled[s] = true;
            if self.has_room(s) {
                return s;
            }
            self.members[s]
                .retain(|&g| self.assign[g as usize].iter().any(|(t, _)| *t as usize == s));
            for k in 0..self.members[s].len() {
                let g = self.members[s][k] as usize;
                if search.via[g] != NONE {
                    continue;
                }
                search.via[g] = s;
                search.reached.push(g as u32);
                let d = search.dist[s];
                search.relax(g, m, d + self.reduced(g, m).max(0.0));
                // Groups are reached at non-decreasing distances `d`, and a group of the
                // class reached with a key no lower offers every supply point `t` a distance
                // no lower: it offers `max(d, key + cost(g, t) - offset + lambda_t)`, where
                // `cost(g, t) - offset` is the class's.
                let key = d + self.offset[g] - self.mu[g];
                let class = self.class[g] as usize;
                if key >= search.best_key[class] {
                    continue;
                }
                if search.best_key[class] == f64::INFINITY {
                    search.classes.push(class as u32);
                }
                search.best_key[class] = key;
                search.best_group[class] = g as u32;
                // Every source but `s` (settled) is offered at least `key` plus the
                // class's floor at the others.
                let bound = d.max(key + self.floor[class].but(s));
                if bound.is_finite() {
                    search.waiting.push(Waiting { bound, class: class as u32 });
                }
            }
        }
    }

    /// Offers every supply point a distance through group `g` (reached, so `via[g]` is
    /// settled); returns the lowest offer to a source not settled.
    fn relax_class(&self, search: &mut Search, g: usize) -> f64 {
        let d = search.dist[search.via[g]];
        let mut lowest = f64::INFINITY;
        for t in 0..self.m() {
            let offer = d + self.reduced(g, t).max(0.0);
            search.relax(g, t, offer);
            if !search.settled[t] {
                lowest = lowest.min(offer);
            }
        }
        lowest
    }

    /// Moves the prices so that every arc on a shortest path to `terminal` has reduced
    /// cost zero and no reduced cost turns negative (SSP with early termination).
    fn update_prices(&mut self, search: &Search, terminal: usize) {
        let cap = search.dist[terminal];
        for s in 0..self.m() {
            if search.settled[s] {
                self.lambda[s] += cap - search.dist[s].min(cap);
            }
        }
        for &g in &search.reached {
            let g = g as usize;
            self.mu[g] += cap - search.dist[search.via[g]].min(cap);
        }
    }

    /// Augments along the search tree's path to `terminal`.
    fn augment_tree_path(&mut self, search: &Search, terminal: usize) {
        let mut path = Vec::new();
        let mut t = terminal;
        while search.parent[t] != NONE {
            let g = search.parent[t];
            path.push((g, t));
            t = search.via[g];
        }
        path.reverse();
        self.push_path(t, &path);
    }

    /// Moves as much as the path allows: off `source`, and for each `(g, t)`, units of `g`
    /// from the previous source to `t`. Returns the units moved.
    fn push_path(&mut self, source: usize, path: &[(usize, usize)]) -> f64 {
        let last = path.last().map_or(source, |&(_, t)| t);
        let room = if last == self.m() { f64::INFINITY } else { self.cap[last] - self.load[last] };
        let mut amount = self.excess(source).min(room);
        let mut from = source;
        for &(g, t) in path {
            amount = amount.min(self.serves(from, g));
            from = t;
        }
        if amount <= EPS {
            return 0.0;
        }
        let mut from = source;
        for &(g, t) in path {
            self.shift(g, from, t, amount);
            from = t;
        }
        amount
    }

    /// Moves `amount` units of group `g` from source `from` to source `to`.
    fn shift(&mut self, g: usize, from: usize, to: usize, amount: f64) {
        let m = self.m();
        let row = &mut self.assign[g];
        let k = row.iter().position(|(t, _)| *t as usize == from).expect("the path serves g");
        row[k].1 -= amount;
        if row[k].1 <= EPS {
            row.swap_remove(k);
        }
        match row.iter_mut().find(|(t, _)| *t as usize == to) {
            Some(entry) => entry.1 += amount,
            None => {
                row.push((to as u32, amount));
                if to < m {
                    self.members[to].push(g as u32);
                }
            }
        }
        if from < m {
            self.load[from] -= amount;
        }
        if to < m {
            self.load[to] += amount;
        }
    }

    /// Augments every path of zero reduced cost from a source over supply to a source with
    /// room, by depth-first search with current-arc pointers (each arc is tried once per
    /// phase unless it carried flow).
    fn augment_tight_paths(&mut self) {
        let m = self.m();
        let mut member_at = vec![0usize; m];
        let mut target_at = vec![0usize; self.wanted.len()];
        let mut dead = vec![false; m + 1];
        let mut on_path = vec![false; m + 1];
        let mut near = Near::new(self.classes);
        for source in 0..m {
            // The path so far: sources visited, and the group taken at each step.
            let mut stack: Vec<usize> = vec![source];
            let mut groups: Vec<(usize, usize)> = Vec::new();
            on_path[source] = true;
            while self.excess(source) > EPS && !stack.is_empty() {
                let s = *stack.last().expect("not empty");
                let cursor = (&mut member_at[..], &mut target_at[..], &mut near);
                match self.next_tight_step(s, cursor, &dead, &on_path) {
                    Some((g, t)) if self.has_room(t) => {
                        groups.push((g, t));
                        self.push_path(source, &groups);
                        groups.pop();
                        // Retreat to the first step whose units ran out, keeping the rest.
                        let mut from = source;
                        let mut keep = 0;
                        for &(g, t) in &groups {
                            if self.serves(from, g) <= EPS {
                                break;
                            }
                            from = t;
                            keep += 1;
                        }
                        for &s in &stack[keep + 1..] {
                            on_path[s] = false;
                        }
                        stack.truncate(keep + 1);
                        groups.truncate(keep);
                    }
                    Some((g, t)) => {
                        groups.push((g, t));
                        stack.push(t);
                        on_path[t] = true;
                    }
                    None => {
                        dead[s] = true;
                        on_path[s] = false;
                        stack.pop();
                        groups.pop();
                    }
                }
            }
            for &s in &stack {
                on_path[s] = false;
            }
        }
        // Computed at today's prices, the class's lowest costs are the tightest floor.
        for (floor, class) in self.floor.iter_mut().zip(&near.class) {
            if let Some((low, _)) = class {
                *floor = *low;
            }
        }
    }

    /// The next tight arc pair out of source `s`: a group `g` it serves and a source `t`
    /// (not dead, not on the path) for which `g`'s reduced cost is zero. `cursor` holds the
    /// current-arc pointers (per source; per group, `1 +` its place among its class's near
    /// points followed by the outside supplier, 0 before the first) and each class's
    /// [`Near`], filled when first needed.
    fn next_tight_step(
        &self,
        s: usize,
        (member_at, target_at, near): (&mut [usize], &mut [usize], &mut Near),
        dead: &[bool],
        on_path: &[bool],
    ) -> Option<(usize, usize)> {
        let m = self.m();
        while member_at[s] < self.members[s].len() {
            let g = self.members[s][member_at[s]] as usize;
            if self.serves(s, g) > EPS {
                if target_at[g] == 0 {
                    target_at[g] = if self.may_step(g, s, near) { 1 } else { DONE };
                }
                if target_at[g] == DONE {
                    member_at[s] += 1;
                    continue;
                }
                // The class's near points, then the outside supplier.
                let points = near.of(self, g).1.clone();
                while target_at[g] != DONE {
                    let at = points.start + target_at[g] - 1;
                    let t = match at.cmp(&points.end) {
                        Ordering::Less => near.points[at] as usize,
                        Ordering::Equal => m,
                        Ordering::Greater => {
                            target_at[g] = DONE;
                            break;
                        }
                    };
                    if t != s && !dead[t] && !on_path[t] && self.reduced(g, t) <= self.tolerance {
                        return Some((g, t));
                    }
                    target_at[g] += 1;
                }
            }
            member_at[s] += 1;
        }
        None
    }

    /// Whether group `g`, served by `s`, may have an arc of zero reduced cost to another
    /// source: false only when the outside supplier's is above the tolerance and so is,
    /// by its class's [`Lowest`] (with the tolerance again as slack for rounding), every
    /// supply point's but `s`'s. Prices do not move while paths are augmented, so a
    /// class's `Lowest` holds for the whole augmentation.
    fn may_step(&self, g: usize, s: usize, near: &mut Near) -> bool {
        if self.reduced(g, self.m()) <= self.tolerance {
            return true;
        }
        let class = self.class[g] as usize;
        let below = |low: &Lowest| low.but(s) + self.offset[g] - self.mu[g] <= 2.0 * self.tolerance;
        // The floor is a lower bound: when even it rules a tight arc out, no scan is needed.
        if !below(&self.floor[class]) {
            return false;
        }
        below(&near.of(self, g).0)
    }

    /// The [`Lowest`] of `g`'s class, and the supply points within twice the tolerance of
    /// its lowest, in order, appended to `points`.
    fn lowest(&self, g: usize, points: &mut Vec<u32>) -> Lowest {
        let slack = 2.0 * self.tolerance;
        let start = points.len();
        let mut low = Lowest::NONE;
        for t in 0..self.m() {
            let r = self.cost(g, t) - self.offset[g] + self.lambda[t];
            low.offer(r, t);
            // The lowest only falls, so every point within the slack of the final one is
            // within it of the lowest so far; the others are dropped below.
            if r <= low.first + slack {
                points.push(t as u32);
            }
        }
        let mut kept = start;
        for k in start..points.len() {
            let t = points[k] as usize;
            if self.cost(g, t) - self.offset[g] + self.lambda[t] <= low.first + slack {
                points[kept] = points[k];
                kept += 1;
            }
        }
        points.truncate(kept);
        low
    }

    /// The solution in the caller's indices.
    fn into_solution(self, demand_points: usize, phases: usize) -> Repaired {
        let m = self.m();
        let mut unserved = vec![0.0; demand_points];
        let mut flow = Vec::new();
        let mut cost = 0.0;
        for (g, row) in self.assign.iter().enumerate() {
            for &(s, x) in row {
                let s = s as usize;
                cost += x * self.cost(g, s);
                if s == m {
                    unserved[self.wanted[g]] += x;
                } else {
                    flow.push((self.live[s], self.wanted[g], x));
                }
            }
        }
        Repaired { cost, unserved, flow, phases }
    }
}

/// For one class of demand points, at the current prices: the two lowest
/// `cost - offset + lambda` over the supply points, and the supply point of the lowest. A
/// point of the class served by `s` has a reduced cost to any other supply point of at least
/// the lowest but `s`'s, plus its offset, minus its `mu`.
#[derive(Clone, Copy, Debug)]
struct Lowest {
    first: f64,
    at: usize,
    second: f64,
}

impl Lowest {
    /// Nothing offered yet.
    const NONE: Lowest = Lowest { first: f64::INFINITY, at: NONE, second: f64::INFINITY };

    /// Takes `r` at supply point `t` into account (`t` may be offered again, by another
    /// point of the class).
    fn offer(&mut self, r: f64, t: usize) {
        if t == self.at {
            self.first = self.first.min(r);
        } else if r < self.first {
            *self = Lowest { first: r, at: t, second: self.first };
        } else if r < self.second {
            self.second = r;
        }
    }

    /// The lowest at any supply point but `s`.
    fn but(&self, s: usize) -> f64 {
        if self.at == s { self.second } else { self.first }
    }
}

/// Per class met by one augmentation, at its prices: the class's [`Lowest`] and the supply
/// points whose `cost - offset + lambda` is within twice the tolerance of the lowest.
///
/// Why: a group served by a supply point is, by dual feasibility, at one of its class's
/// lowest; so the only supply points it can have an arc of zero reduced cost to are these
/// (up to rounding, far below the tolerance) and the outside supplier. Scanning them
/// instead of every supply point finds the same arcs in the same order.
struct Near {
    /// Per class: its `Lowest` and its points' range in `points`, once computed.
    class: Vec<Option<(Lowest, std::ops::Range<usize>)>>,
    points: Vec<u32>,
}

impl Near {
    fn new(classes: usize) -> Self {
        Near { class: vec![None; classes], points: Vec::new() }
    }

    /// The entry of `g`'s class, computed on first use.
    fn of<C: Fn(usize, usize) -> f64>(
        &mut self,
        state: &State<C>,
        g: usize,
    ) -> &(Lowest, std::ops::Range<usize>) {
        let class = state.class[g] as usize;
        if self.class[class].is_none() {
            let start = self.points.len();
            let low = state.lowest(g, &mut self.points);
            self.class[class] = Some((low, start..self.points.len()));
        }
        self.class[class].as_ref().expect("just computed")
    }
}

/// A class met by the search, waiting to be relaxed: no source can be offered less than
/// `bound` through it. Ordered so that `BinaryHeap` (a max-heap) pops the lowest bound
/// first, ties by class.
#[derive(Clone, Copy, Debug)]
struct Waiting {
    bound: f64,
    class: u32,
}

impl Ord for Waiting {
    fn cmp(&self, other: &Self) -> Ordering {
        other.bound.total_cmp(&self.bound).then(other.class.cmp(&self.class))
    }
}

impl PartialOrd for Waiting {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Waiting {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Waiting {}

/// One phase's search state, reused across phases.
struct Search {
    /// Distance of each source (reduced costs).
    dist: Vec<f64>,
    settled: Vec<bool>,
    /// The group through which each source was last improved.
    parent: Vec<usize>,
    /// The settled source through which each group was reached (`NONE` if not reached).
    via: Vec<usize>,
    /// Groups reached, to reset `via`.
    reached: Vec<u32>,
    /// Per class, the lowest `distance + offset - mu` of a group of it reached (infinite
    /// if none was), and that group.
    best_key: Vec<f64>,
    best_group: Vec<u32>,
    /// Per class, the `best_key` it was last relaxed with (infinite if never).
    relaxed_key: Vec<f64>,
    /// Classes met and not yet relaxed with their `best_key` (some entries stale).
    waiting: BinaryHeap<Waiting>,
    /// Classes with a finite `best_key`, to reset it.
    classes: Vec<u32>,
}

impl Search {
    fn new(m: usize, n: usize, classes: usize) -> Self {
        Search {
            dist: vec![f64::INFINITY; m + 1],
            settled: vec![false; m + 1],
            parent: vec![NONE; m + 1],
            via: vec![NONE; n],
            reached: Vec::new(),
            best_key: vec![f64::INFINITY; classes],
            best_group: vec![0; classes],
            relaxed_key: vec![f64::INFINITY; classes],
            waiting: BinaryHeap::new(),
            classes: Vec::new(),
        }
    }

    /// Offers source `t` distance `nd` through group `g`, unless `t` is settled.
    fn relax(&mut self, g: usize, t: usize, nd: f64) {
        if !self.settled[t] && nd < self.dist[t] {
            self.dist[t] = nd;
            self.parent[t] = g;
        }
    }

    fn reset(&mut self) {
        self.dist.fill(f64::INFINITY);
        self.settled.fill(false);
        self.parent.fill(NONE);
        for &g in &self.reached {
            self.via[g as usize] = NONE;
        }
        self.reached.clear();
        for &c in &self.classes {
            self.best_key[c as usize] = f64::INFINITY;
            self.relaxed_key[c as usize] = f64::INFINITY;
        }
        self.classes.clear();
        self.waiting.clear();
    }

    /// The source not settled with the lowest finite distance (the first of ties), if any.
    /// The graph between sources is dense: an array scan beats a heap here.
    fn nearest(&self, m: usize) -> Option<usize> {
        (0..=m)
            .filter(|&s| !self.settled[s])
            .min_by(|&a, &b| self.dist[a].total_cmp(&self.dist[b]))
            .filter(|&s| self.dist[s].is_finite())
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::super::{Transport, solve_transport};
    use super::*;

    /// Solves `p` by repair with its dense cost table.
    fn repair(p: &Transport) -> Repaired {
        let n = p.demand.len();
        repair_classed(p, &Classes::none(n))
    }

    /// Solves `p` by repair with its dense cost table and `classes`.
    fn repair_classed(p: &Transport, classes: &Classes) -> Repaired {
        let n = p.demand.len();
        let cost = |i, j| p.cost[i * n + j];
        solve_by_repair(&p.supply, &p.demand, p.penalty, classes, cost).expect("solves")
    }

    /// Checks `r` against the exact optimum of the successive-shortest-path solver: the same
    /// objective within 1e-9 relative, and a feasible flow that costs what it claims.
    fn agrees(p: &Transport, r: &Repaired) -> Result<(), TestCaseError> {
        let exact = solve_transport(p).expect("solves");
        let scale = 1.0 + exact.cost.abs();
        prop_assert!((r.cost - exact.cost).abs() <= 1e-9 * scale, "{} vs {}", r.cost, exact.cost);
        let n = p.demand.len();
        let mut used = vec![0.0; p.supply.len()];
        let mut got = r.unserved.clone();
        let mut cost = r.unserved.iter().sum::<f64>() * p.penalty;
        for &(i, j, x) in &r.flow {
            prop_assert!(x > 0.0 && p.cost[i * n + j].is_finite());
            used[i] += x;
            got[j] += x;
            cost += x * p.cost[i * n + j];
        }
        for (i, (used, supply)) in used.iter().zip(&p.supply).enumerate() {
            prop_assert!(*used <= supply + 1e-9, "supply {} over: {}", i, used);
        }
        for (j, (got, wanted)) in got.iter().zip(&p.demand).enumerate() {
            prop_assert!((got - wanted).abs() <= 1e-9, "demand {} gets {}", j, got);
        }
        prop_assert!((cost - r.cost).abs() <= 1e-9 * scale);
        Ok(())
    }

    /// Small integer instances with missing arcs and empty points.
    fn instance() -> impl Strategy<Value = Transport> {
        (1usize..7, 1usize..8).prop_flat_map(|(m, n)| {
            (
                prop::collection::vec(prop::option::weighted(0.7, 0u32..20), m),
                prop::collection::vec(0u32..20, n),
                prop::collection::vec(prop::option::weighted(0.85, 0u32..30), m * n),
                5u32..60,
            )
                .prop_map(|(s, d, c, p)| Transport {
                    supply: s.into_iter().map(|s| f64::from(s.unwrap_or(0))).collect(),
                    demand: d.into_iter().map(f64::from).collect(),
                    cost: c.into_iter().map(|c| c.map_or(f64::INFINITY, f64::from)).collect(),
                    penalty: f64::from(p),
                })
        })
    }

    /// Instances shaped like the bound's: cost = pick of the node + a zone price (few
    /// values, so many ties) times the weight + the demand point's share; scarce supply.
    fn bound_like() -> impl Strategy<Value = Transport> {
        (1usize..12, 1usize..40).prop_flat_map(|(m, n)| {
            (
                prop::collection::vec(0u32..6, m),
                prop::collection::vec(1u32..4, n),
                prop::collection::vec(0usize..4, m * n),
                prop::collection::vec(prop::sample::select(vec![0.35, 0.6, 0.9]), m),
                prop::collection::vec(prop::sample::select(vec![4.925, 9.85, 3.1]), n),
                prop::sample::select(vec![0.3, 0.8, 2.5]),
                prop::sample::select(vec![8.0, 12.5, 50.0]),
            )
                .prop_map(move |(s, d, zone, pick, share, weight, penalty)| {
                    let kg = [0.5, 0.75, 1.1, 1.4];
                    let cost = (0..m * n)
                        .map(|k| pick[k / n] + kg[zone[k]] * weight + share[k % n])
                        .collect();
                    Transport {
                        supply: s.into_iter().map(f64::from).collect(),
                        demand: d.into_iter().map(f64::from).collect(),
                        cost,
                        penalty,
                    }
                })
        })
    }

    /// Bound-shaped instances whose demand points fall in a few classes (price patterns):
    /// cost = the pattern's price from the node (missing for some) + the point's share;
    /// returns the instance and its classes.
    fn classed() -> impl Strategy<Value = (Transport, Classes)> {
        (1usize..12, 1usize..5, 1usize..40).prop_flat_map(|(m, patterns, n)| {
            // Class numbers stay below the number of demand points.
            let patterns = patterns.min(n);
            (
                prop::collection::vec(0u32..6, m),
                prop::collection::vec(1u32..4, n),
                prop::collection::vec(0u32..patterns as u32, n),
                prop::collection::vec(prop::option::weighted(0.9, 0usize..4), m * patterns),
                prop::collection::vec(prop::sample::select(vec![4.925, 9.85, 3.1, 0.0]), n),
                prop::sample::select(vec![8.0, 12.5, 50.0]),
            )
                .prop_map(move |(s, d, class, zone, offset, penalty)| {
                    let kg = [0.5, 0.75, 1.1, 1.4];
                    let base = |i: usize, c: u32| {
                        zone[i * patterns + c as usize]
                            .map_or(f64::INFINITY, |z| 0.35 + 0.1 * i as f64 + kg[z] * 0.8)
                    };
                    let cost = (0..m * n).map(|k| base(k / n, class[k % n]) + offset[k % n]);
                    let p = Transport {
                        supply: s.into_iter().map(f64::from).collect(),
                        demand: d.into_iter().map(f64::from).collect(),
                        cost: cost.collect(),
                        penalty,
                    };
                    (p, Classes { class, offset })
                })
        })
    }

    proptest! {
        #[test]
        fn repair_finds_the_successive_shortest_path_optimum(p in instance()) {
            agrees(&p, &repair(&p))?;
        }

        #[test]
        fn repair_is_exact_on_bound_shaped_instances_with_ties(p in bound_like()) {
            agrees(&p, &repair(&p))?;
        }

        /// Relaxing a class once per phase keeps the optimum.
        #[test]
        fn repair_is_exact_with_classes((p, classes) in classed()) {
            agrees(&p, &repair_classed(&p, &classes))?;
        }

        /// Fractional amounts: the repair does not rely on integral units.
        #[test]
        fn repair_is_exact_on_fractional_amounts(
            p in instance(),
            scale in prop::collection::vec(0.05f64..3.0, 3),
        ) {
            let q = Transport {
                supply: p.supply.iter().map(|s| s * scale[0]).collect(),
                demand: p.demand.iter().map(|d| d * scale[1]).collect(),
                cost: p.cost.iter().map(|c| c * scale[2]).collect(),
                penalty: p.penalty * scale[2],
            };
            agrees(&q, &repair(&q))?;
        }
    }

    #[test]
    fn textbook_instance_and_scarcity() {
        // Taha's SunRay Transport: optimum 435.
        let taha = super::super::tests::taha_sunray();
        let r = repair(&taha);
        assert!((r.cost - 435.0).abs() < 1e-9, "{r:?}");
        assert!(r.phases > 0, "the greedy assignment overloads silo 1");

        // Plenty everywhere: the greedy assignment is the optimum, no phase runs.
        let plenty = Transport { supply: vec![100.0; 3], ..taha };
        let r = repair(&plenty);
        assert_eq!(r.phases, 0);
        assert!((r.cost - (5.0 * 4.0 + 15.0 * 2.0 + 15.0 * 9.0 + 15.0 * 11.0)).abs() < 1e-9);

        // Nothing anywhere: all unserved at the penalty.
        let none = Transport { supply: vec![0.0; 3], ..plenty };
        let r = repair(&none);
        assert!((r.cost - 50.0 * 1_000.0).abs() < 1e-9);
        assert!(r.flow.is_empty());
    }

    #[test]
    fn bad_input_is_refused() {
        let ok = |_: usize, _: usize| 1.0;
        let one = Classes::none(1);
        let err = solve_by_repair(&[-1.0], &[1.0], 5.0, &one, ok);
        assert!(matches!(err, Err(TransportError::Invalid { what: "supply", .. })));
        let err = solve_by_repair(&[1.0], &[f64::NAN], 5.0, &one, ok);
        assert!(matches!(err, Err(TransportError::Invalid { what: "demand", .. })));
        let err = solve_by_repair(&[1.0], &[1.0], f64::INFINITY, &one, ok);
        assert!(matches!(err, Err(TransportError::Invalid { what: "penalty", .. })));
        let err = solve_by_repair(&[1.0], &[1.0], 5.0, &one, |_, _| -2.0);
        assert!(matches!(err, Err(TransportError::Invalid { what: "cost", .. })));
        let err = solve_by_repair(&[1.0], &[1.0, 2.0], 5.0, &one, ok);
        assert!(matches!(err, Err(TransportError::Classes { expected: 2, found: 1 })));
        let past = Classes { class: vec![1], offset: vec![0.0] };
        let err = solve_by_repair(&[1.0], &[1.0], 5.0, &past, ok);
        assert!(matches!(err, Err(TransportError::Invalid { what: "demand class", .. })));
        let nan = Classes { class: vec![0], offset: vec![f64::NAN] };
        let err = solve_by_repair(&[1.0], &[1.0], 5.0, &nan, ok);
        assert!(matches!(err, Err(TransportError::Invalid { what: "offset", .. })));
    }
}
