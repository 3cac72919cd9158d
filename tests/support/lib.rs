//! Shared support for Sluice's end-to-end tests: starting the real binary and real servers.
