//! A small xorshift generator for the writer threads of the crash and fault tests: timings and
//! transaction shapes vary from run to run, and the tests print the seed so a failing run can be
//! reasoned about. Not for anything but test shapes.

/// Xorshift64 state; seed it with a non-zero value.
#[derive(Debug, Clone)]
pub struct Rng(pub u64);

impl Rng {
    /// The next pseudo-random number.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number in `lo..=hi`.
    pub fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::Rng;

    #[test]
    fn between_stays_within_its_bounds() {
        let mut rng = Rng(42);
        for _ in 0..1000 {
            let n = rng.between(3, 7);
            assert!((3..=7).contains(&n), "{n}");
        }
    }
}
