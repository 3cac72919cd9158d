//! The registry's HTTP API, in process: the real router over a real SQLite store, one module
//! per REST resource. (Confluent's own REST scenarios are replayed against the real binary in
//! the workspace's end-to-end tests.)

mod auth;
mod bad_input;
mod compatibility;
mod config_mode;
mod import;
mod references;
mod storage;
mod subjects;
mod support;
