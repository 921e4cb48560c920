//! omnilab: a discrete-event simulation and routing-optimization lab for omnichannel
//! order routing.
//!
//! (The guide to the crate grows here as the layers land.)

pub mod catalog;
pub mod cost;
pub mod engine;
pub mod experiment;
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
pub mod trace;
