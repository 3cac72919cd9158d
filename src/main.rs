//! The `sluice` binary: command line and wiring only.

fn main() {}
