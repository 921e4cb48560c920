//! omnilab: a discrete-event simulation and routing-optimization lab for omnichannel
//! order routing.
//!
//! (The guide to the crate grows here as the layers land.)

pub mod catalog;
pub mod engine;
pub mod ids;
pub mod network;
pub mod orders;
pub mod stats;
pub mod trace;
