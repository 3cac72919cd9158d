//! Connectors as Kafka Connect runs them: a manager that keeps their configs and states
//! (surviving restarts through the capture store) and runs one task per connector, and the
//! Kafka-Connect-compatible REST API over it.
//!
//! States follow Connect: a connector is `RUNNING` or `PAUSED` (its target state, persisted);
//! its task is `RUNNING`, `PAUSED`, `FAILED` (with the error as `trace`) or `UNASSIGNED`
//! (between a stop and a start). A failed task stays failed until `restart`.

mod api;
mod manager;
mod status;

pub use api::router;
pub use manager::{
    ConnectError, ConnectorManager, TaskContext, TaskFailure, TaskRunner, WorkerInfo,
};
pub use status::{TaskState, TaskStatus};
