//! Tracking acknowledgements that arrive out of order.
//!
//! Kafka acknowledges records per partition, so acknowledgements of different topics arrive
//! in any order. [`AckTracker`] keeps the highest sequence number below which everything is
//! acknowledged, plus the acknowledged numbers above it, and the first failure.

use super::SinkError;
use parking_lot::Mutex;
use std::collections::BTreeSet;

/// Contiguous-prefix acknowledgement tracking.
#[derive(Debug, Default)]
pub struct AckTracker {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    through: u64,
    ahead: BTreeSet<u64>,
    failure: Option<SinkError>,
}

impl AckTracker {
    /// Records the acknowledgement of `seq`.
    pub fn ack(&self, seq: u64) {
        let mut inner = self.inner.lock();
        if seq <= inner.through {
            return;
        }
        if seq == inner.through + 1 {
            inner.through = seq;
            loop {
                let next = inner.through + 1;
                if !inner.ahead.remove(&next) {
                    break;
                }
                inner.through = next;
            }
        } else {
            inner.ahead.insert(seq);
        }
    }

    /// Records a failed delivery; the first failure is kept.
    pub fn fail(&self, error: SinkError) {
        let mut inner = self.inner.lock();
        if inner.failure.is_none() {
            inner.failure = Some(error);
        }
    }

    /// Everything up to this sequence number is acknowledged, unless a delivery failed.
    pub fn through(&self) -> Result<u64, SinkError> {
        let inner = self.inner.lock();
        match &inner.failure {
            Some(e) => Err(e.clone()),
            None => Ok(inner.through),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_order_acks_advance_only_the_contiguous_prefix() {
        let t = AckTracker::default();
        t.ack(2);
        t.ack(3);
        assert_eq!(t.through(), Ok(0));
        t.ack(1);
        assert_eq!(t.through(), Ok(3));
        t.ack(5);
        assert_eq!(t.through(), Ok(3));
        t.ack(4);
        assert_eq!(t.through(), Ok(5));
    }

    #[test]
    fn a_failure_is_reported_instead_of_progress() {
        let t = AckTracker::default();
        t.ack(1);
        t.fail(SinkError::Delivery {
            seq: 2,
            reason: "broker down".into(),
        });
        t.ack(3);
        assert!(matches!(
            t.through(),
            Err(SinkError::Delivery { seq: 2, .. })
        ));
    }
}
