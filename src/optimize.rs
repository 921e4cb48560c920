//! Cost-to-serve optimization (placeholder doc, completed below).

pub mod batch;
pub mod forecast;
pub mod hindsight;
pub mod lp_batch;
pub mod lp_dual;
pub mod transport;

pub use batch::{BatchError, BatchInstance, BatchLp, BatchParams, RoundedOrder};
pub use forecast::Forecast;
pub use hindsight::{BoundValue, Hindsight};
pub use lp_batch::LpBatch;
pub use lp_dual::{DualPrices, LpDual, LpDualParams, dual_prices};
pub use transport::{Transport, TransportError, TransportSolution, solve_transport};
