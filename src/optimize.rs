//! Cost-to-serve optimization (placeholder doc, completed below).

pub mod batch;
pub mod transport;

pub use transport::{Transport, TransportError, TransportSolution, solve_transport};
