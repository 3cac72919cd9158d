//! Confluent wire framing: `[0x00][schema id: u32 big-endian][payload]`.
//!
//! Every record a Confluent serializer writes (Avro, JSON Schema) starts with this 5-byte header.
//! [`write_header`] appends it to a buffer the caller then encodes the payload into (no copy, no
//! allocation per record: what capture's encoder uses), [`frame`] and [`frame_into`] wrap a
//! payload already encoded, [`unframe`] checks and splits a record.

use thiserror::Error;

/// The magic byte that opens every framed record.
pub const MAGIC_BYTE: u8 = 0;
/// Length of the header: magic byte plus 4-byte schema id.
pub const HEADER_LEN: usize = 5;

/// Why a byte string is not a Confluent-framed record.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum FramingError {
    #[error("record is {0} bytes long, shorter than the 5-byte Confluent header")]
    TooShort(usize),
    #[error("record starts with byte {0:#04x}, not the Confluent magic byte 0x00")]
    BadMagic(u8),
}

/// Appends the header for `schema_id` to `out`; the payload is then encoded after it.
#[inline]
pub fn write_header(schema_id: u32, out: &mut Vec<u8>) {
    out.push(MAGIC_BYTE);
    out.extend_from_slice(&schema_id.to_be_bytes());
}

/// Writes the header for `schema_id` followed by `payload` into `out`.
pub fn frame_into(schema_id: u32, payload: &[u8], out: &mut Vec<u8>) {
    out.reserve(HEADER_LEN + payload.len());
    write_header(schema_id, out);
    out.extend_from_slice(payload);
}

/// Returns a new framed record.
pub fn frame(schema_id: u32, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    frame_into(schema_id, payload, &mut out);
    out
}

/// Splits a framed record into its schema id and payload.
pub fn unframe(record: &[u8]) -> Result<(u32, &[u8]), FramingError> {
    if record.len() < HEADER_LEN {
        return Err(FramingError::TooShort(record.len()));
    }
    if record[0] != MAGIC_BYTE {
        return Err(FramingError::BadMagic(record[0]));
    }
    let id = u32::from_be_bytes([record[1], record[2], record[3], record[4]]);
    Ok((id, &record[HEADER_LEN..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_and_unframes_round_trip() {
        let framed = frame(0x0102_0304, b"abc");
        assert_eq!(framed, [0, 1, 2, 3, 4, b'a', b'b', b'c']);
        assert_eq!(unframe(&framed), Ok((0x0102_0304, &b"abc"[..])));
    }

    #[test]
    fn header_is_appended_to_what_the_buffer_holds() {
        let mut out = b"k".to_vec();
        write_header(7, &mut out);
        assert_eq!(out, [b'k', 0, 0, 0, 0, 7]);
        out.extend_from_slice(b"payload");
        assert_eq!(unframe(&out[1..]), Ok((7, &b"payload"[..])));
    }

    #[test]
    fn rejects_short_records() {
        assert_eq!(unframe(&[0, 0, 1]), Err(FramingError::TooShort(3)));
    }

    #[test]
    fn rejects_wrong_magic_byte() {
        assert_eq!(unframe(&[1, 0, 0, 0, 1]), Err(FramingError::BadMagic(1)));
    }
}
