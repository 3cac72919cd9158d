//! Avro mapping (in progress).
