//! omnilab: a discrete-event simulation and routing-optimization lab for omnichannel
//! order routing.
//!
//! (The guide to the crate grows here as the layers land.)

pub mod ids;
pub mod scenario;
