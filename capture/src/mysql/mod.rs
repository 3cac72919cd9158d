//! The source server: connection options from the connector config, and the preflight checks
//! that say clearly what is missing before capture starts.

mod connect;

pub use connect::{opts, pool};
