//! omnilab: a discrete-event simulation and routing-optimization lab for omnichannel
//! order routing.
//!
//! A scenario file describes a retail network (DCs and stores with their picking
//! capacity, costs and execution quality), a carrier rate card, a catalog, stock, demand by
//! channel, returns, supply and the routing policies to compare. omnilab loads it
//! ([`scenario`]), then runs every policy on the same replications ([`experiment`]): each
//! replication ([`sim`]) pushes generated or replayed demand, event by event ([`engine`]),
//! through an OMS core: the [`inventory`] ledger, the [`orchestrator`] and a [`routing`]
//! policy, over the [`network`]. KPIs come out per channel, node and day, and [`report`]
//! turns them into means with 95% intervals, paired differences from a baseline, and files.
//! A [`sweep`] runs a scenario over a grid of parameter values, whole or in shards that
//! merge into the same result.
//!
//! ```text
//! scenario.toml -> scenario::load_scenario -> Scenario -> experiment::compare
//!     -> per (policy, replication): sim::run_replication (demand -> orchestrator <-> policy
//!        -> ledger -> picking, carriers, pickups, returns, supply -> KPI tally)
//!     -> Comparison -> report::summarize / write_results
//! ```
//!
//! Comparing two presets on the small test network:
//!
//! ```
//! use omnilab::experiment::{RunPlan, compare};
//! use omnilab::report::summarize;
//! use omnilab::scenario::load_scenario;
//! use omnilab::sim::Scope;
//!
//! let scenario = load_scenario("tests/fixtures/small.toml".as_ref()).expect("valid scenario");
//! let plan = RunPlan { replications: 2, policies: vec![0, 1], ..RunPlan::default() };
//! let comparison = compare(&scenario, &plan, &|_, _| {}).expect("runs");
//! let otif = summarize(&comparison)
//!     .into_iter()
//!     .find(|r| r.policy == "nearest" && r.scope == Scope::All && r.metric == "otif")
//!     .expect("OTIF of nearest");
//! assert!((0.0..=1.0).contains(&otif.interval.mean));
//! ```

pub mod catalog;
pub mod cost;
pub mod engine;
pub mod expect;
pub mod experiment;
pub mod guard;
pub mod ids;
pub mod inventory;
pub mod network;
pub mod optimize;
pub mod orchestrator;
pub mod orders;
pub mod report;
pub mod routing;
pub mod scenario;
pub mod sim;
pub mod stats;
pub mod sweep;
pub mod trace;
