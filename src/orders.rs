//! Orders and their lifecycle: what a customer asked for, how the OMS decided to serve it,
//! and the states each part goes through until it is delivered, picked up, cancelled or
//! returned.
//!
//! Key types: [`Order`] (one checkout: channel, time, customer, [`Line`]s), [`Plan`] (the
//! routing decision: which node serves which units of which line, by which [`Method`]),
//! [`Status`] (the lifecycle of one shipment, an explicit state machine that refuses illegal
//! transitions) and [`ReturnStatus`] for returns.
//!
//! This module is vocabulary and rules only: it knows nothing of stock levels, policies or
//! the simulator, draws no random numbers and does no I/O.

mod lifecycle;
mod order;
mod plan;

pub use lifecycle::{IllegalTransition, ReturnDisposition, ReturnStatus, Status};
pub use order::{Channel, Line, Order};
pub use plan::{Assignment, CancelReason, Method, Plan, Unserved};
