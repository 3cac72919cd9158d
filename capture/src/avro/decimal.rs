//! DECIMAL text → Connect `Decimal` bytes (Java `BigInteger.toByteArray` of the unscaled value:
//! minimal big-endian two's complement) or plain text (`BigDecimal.toPlainString`), without
//! allocating. MySQL DECIMAL has at most 65 digits, which fits 256 bits.

/// A parsed decimal literal: sign and digit runs borrowed from the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DecimalText<'a> {
    negative: bool,
    int: &'a [u8],
    frac: &'a [u8],
}

impl<'a> DecimalText<'a> {
    /// Parses `[+-]digits[.digits]` (at most 76 digits in all).
    pub(crate) fn parse(text: &'a str) -> Option<Self> {
        let t = text.trim().as_bytes();
        let (negative, rest) = match t.first()? {
            b'-' => (true, &t[1..]),
            b'+' => (false, &t[1..]),
            _ => (false, t),
        };
        let (int, frac) = match rest.iter().position(|&b| b == b'.') {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, &rest[rest.len()..]),
        };
        if int.is_empty() && frac.is_empty()
            || !int.iter().chain(frac).all(u8::is_ascii_digit)
            || int.len() + frac.len() > 76
        {
            return None;
        }
        Some(Self {
            negative,
            int,
            frac,
        })
    }

    /// The digits of the unscaled value at `scale` (fraction padded with zeros or truncated).
    fn digits(&self, scale: u32) -> impl Iterator<Item = u8> + '_ {
        let scale = scale as usize;
        self.int
            .iter()
            .copied()
            .chain(self.frac.iter().copied().take(scale))
            .chain(std::iter::repeat_n(
                b'0',
                scale.saturating_sub(self.frac.len()),
            ))
            .map(|d| d - b'0')
    }

    fn is_zero(&self, scale: u32) -> bool {
        self.digits(scale).all(|d| d == 0)
    }

    /// The unscaled value's bytes as Java's `BigInteger.toByteArray()`: returns a buffer and
    /// the index where the minimal representation starts.
    pub(crate) fn unscaled_bytes(&self, scale: u32) -> ([u8; 32], usize) {
        let mut limbs = [0u64; 4]; // little-endian
        for d in self.digits(scale) {
            let mut carry = u128::from(d);
            for limb in &mut limbs {
                let v = u128::from(*limb) * 10 + carry;
                *limb = v as u64;
                carry = v >> 64;
            }
        }
        if self.negative {
            // Two's complement: invert and add one.
            let mut carry = 1u128;
            for limb in &mut limbs {
                let v = u128::from(!*limb) + carry;
                *limb = v as u64;
                carry = v >> 64;
            }
        }
        let mut out = [0u8; 32];
        for (i, limb) in limbs.iter().rev().enumerate() {
            out[i * 8..i * 8 + 8].copy_from_slice(&limb.to_be_bytes());
        }
        (out, minimal_start(&out))
    }

    /// Length of [`Self::write_plain`]'s output.
    pub(crate) fn plain_len(&self, scale: u32) -> usize {
        let int_len = self.int_digits().len().max(1);
        let sign = usize::from(self.negative && !self.is_zero(scale));
        let frac = if scale > 0 { 1 + scale as usize } else { 0 };
        sign + int_len + frac
    }

    fn int_digits(&self) -> &'a [u8] {
        let skip = self.int.iter().take_while(|&&b| b == b'0').count();
        &self.int[skip..]
    }

    /// Writes the plain text at `scale` (`BigDecimal.setScale(scale).toPlainString()`).
    pub(crate) fn write_plain(&self, scale: u32, out: &mut Vec<u8>) {
        if self.negative && !self.is_zero(scale) {
            out.push(b'-');
        }
        let int = self.int_digits();
        if int.is_empty() {
            out.push(b'0');
        } else {
            out.extend_from_slice(int);
        }
        if scale > 0 {
            out.push(b'.');
            let s = scale as usize;
            let take = self.frac.len().min(s);
            out.extend_from_slice(&self.frac[..take]);
            out.extend(std::iter::repeat_n(b'0', s - take));
        }
    }
}

/// Start index of the minimal two's-complement representation in `bytes`.
pub(crate) fn minimal_start(bytes: &[u8]) -> usize {
    let mut i = 0;
    while i + 1 < bytes.len() {
        let (b, next) = (bytes[i], bytes[i + 1]);
        if (b == 0x00 && next & 0x80 == 0) || (b == 0xff && next & 0x80 != 0) {
            i += 1;
        } else {
            break;
        }
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(text: &str, scale: u32) -> Vec<u8> {
        let (b, s) = DecimalText::parse(text).unwrap().unscaled_bytes(scale);
        b[s..].to_vec()
    }

    fn plain(text: &str, scale: u32) -> String {
        let d = DecimalText::parse(text).unwrap();
        let mut out = Vec::new();
        d.write_plain(scale, &mut out);
        assert_eq!(out.len(), d.plain_len(scale));
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn java_big_integer_bytes() {
        assert_eq!(bytes("0", 0), [0x00]);
        assert_eq!(bytes("0.00", 2), [0x00]);
        assert_eq!(bytes("127", 0), [0x7f]);
        assert_eq!(bytes("128", 0), [0x00, 0x80]);
        assert_eq!(bytes("-1", 0), [0xff]);
        assert_eq!(bytes("-128", 0), [0x80]);
        assert_eq!(bytes("-129", 0), [0xff, 0x7f]);
        assert_eq!(bytes("1.5", 2), [0x00, 0x96]); // 150
        assert_eq!(bytes("-12.345", 3), (-12345i32).to_be_bytes()[2..]);
        assert_eq!(
            bytes("18446744073709551615", 0),
            [0, 255, 255, 255, 255, 255, 255, 255, 255]
        );
        let big = "9".repeat(65);
        assert_eq!(bytes(&big, 0).len(), 28); // 216 bits + sign
    }

    #[test]
    fn plain_text() {
        assert_eq!(plain("1.5", 2), "1.50");
        assert_eq!(plain("-0.00", 2), "0.00");
        assert_eq!(plain("007", 0), "7");
        assert_eq!(plain(".5", 1), "0.5");
        assert_eq!(plain("-3.14159", 2), "-3.14");
        assert!(DecimalText::parse("1e5").is_none());
        assert!(DecimalText::parse("").is_none());
    }
}
