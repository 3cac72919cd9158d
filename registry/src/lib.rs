//! # sluice-registry: a Confluent-compatible schema registry
//!
//! (Overview written as the crate fills in.)

pub mod store;
