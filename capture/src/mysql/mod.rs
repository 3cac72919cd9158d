//! The source server: connection options from the connector config, and the preflight checks
//! that say clearly what is missing before capture starts.

mod connect;
pub mod preflight;

pub use connect::{opts, pool};
pub use preflight::{Flavor, ServerInfo, check_server, current_position, earliest_binlog};
