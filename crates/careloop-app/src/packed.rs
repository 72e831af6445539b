//! Compressed JSON at rest (issue #15 item 1): a member record's state and a member event are
//! kept as `{"zstd-1": "<base64 of the zstd frame of their JSON>"}`, compressed with a fixed
//! dictionary ([`DICTIONARY_1`]). The one key is the row's format flag: a body without it (a
//! row written before this change, or any other record kind) is plain JSON and is read as it
//! is, so no migration is needed and both engines keep a valid JSON document in `body` (the
//! `json_valid` check on SQLite, `JSONB` on PostgreSQL).
//!
//! The dictionary: zstd "raw content" (its bytes are a prefix the compressor may refer to): the
//! at-rest JSON of members built from the example member files in `examples/members/` (no
//! demographics) and of their registration events. It is part of the stored format: a row
//! packed with `zstd-1` needs exactly these bytes to be read, so the file never changes (a test
//! holds its SHA-256); a better dictionary would be `zstd-2`, beside it.

use std::cell::RefCell;
use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD_NO_PAD as BASE64;
use serde_json::Value;
use zstd::bulk::{Compressor, Decompressor};
use zstd::dict::{DecoderDictionary, EncoderDictionary};

/// The key of a body packed with [`DICTIONARY_1`].
pub(crate) const KEY_1: &str = "zstd-1";

/// The dictionary of [`KEY_1`] (see the module doc; never edited).
pub(crate) const DICTIONARY_1: &[u8] = include_bytes!("packed/dictionary-1.json");

/// zstd level: 3 (zstd's default) compresses a member in tens of microseconds; with the
/// dictionary the higher levels gain little on bodies of a few kilobytes.
const LEVEL: i32 = 3;

/// The largest JSON a packed body may expand to (a corrupt or hostile frame cannot make a
/// read allocate more).
const MAX_UNPACKED: u64 = 16 * 1024 * 1024;

fn encoder_dictionary() -> &'static EncoderDictionary<'static> {
    static DICT: OnceLock<EncoderDictionary<'static>> = OnceLock::new();
    DICT.get_or_init(|| EncoderDictionary::copy(DICTIONARY_1, LEVEL))
}

fn decoder_dictionary() -> &'static DecoderDictionary<'static> {
    static DICT: OnceLock<DecoderDictionary<'static>> = OnceLock::new();
    DICT.get_or_init(|| DecoderDictionary::copy(DICTIONARY_1))
}

thread_local! {
    static COMPRESSOR: RefCell<Option<Compressor<'static>>> = const { RefCell::new(None) };
    static DECOMPRESSOR: RefCell<Option<Decompressor<'static>>> = const { RefCell::new(None) };
}

fn ser_error(e: impl std::fmt::Display) -> serde_json::Error {
    <serde_json::Error as serde::ser::Error>::custom(format!("packing a body: {e}"))
}

fn de_error(e: impl std::fmt::Display) -> serde_json::Error {
    <serde_json::Error as serde::de::Error>::custom(format!("unpacking a body: {e}"))
}

/// `value` packed: `{"zstd-1": "<base64>"}`.
pub(crate) fn pack(value: &Value) -> serde_json::Result<Value> {
    let json = serde_json::to_vec(value)?;
    let frame = COMPRESSOR.with(|cell| -> std::io::Result<Vec<u8>> {
        let mut slot = cell.borrow_mut();
        let compressor = match slot.as_mut() {
            Some(c) => c,
            None => slot.insert(Compressor::with_prepared_dictionary(encoder_dictionary())?),
        };
        compressor.compress(&json)
    });
    let frame = frame.map_err(ser_error)?;
    let mut packed = serde_json::Map::with_capacity(1);
    packed.insert(KEY_1.to_owned(), Value::String(BASE64.encode(frame)));
    Ok(Value::Object(packed))
}

/// The plain JSON of a stored body part (`aggregates.body`'s `state`, an event in
/// `events.body`): unpacked when it is packed (see the module doc), else as it is. For tools and
/// tests that read rows directly.
pub fn plain_json(value: Value) -> serde_json::Result<Value> {
    unpack(value)
}

/// `value` unpacked when it is a packed body, else `value` itself (plain JSON at rest).
pub(crate) fn unpack(value: Value) -> serde_json::Result<Value> {
    let text = match &value {
        Value::Object(map) if map.len() == 1 => match map.get(KEY_1) {
            Some(Value::String(text)) => text,
            _ => return Ok(value),
        },
        _ => return Ok(value),
    };
    let frame = BASE64.decode(text).map_err(de_error)?;
    let size = zstd::zstd_safe::get_frame_content_size(&frame)
        .map_err(|_| de_error("not a zstd frame"))?
        .ok_or_else(|| de_error("the frame has no content size"))?;
    if size > MAX_UNPACKED {
        return Err(de_error(format!("{size} bytes, above the limit")));
    }
    let capacity = usize::try_from(size).map_err(de_error)?;
    let json = DECOMPRESSOR.with(|cell| -> std::io::Result<Vec<u8>> {
        let mut slot = cell.borrow_mut();
        let decompressor = match slot.as_mut() {
            Some(d) => d,
            None => slot.insert(Decompressor::with_prepared_dictionary(decoder_dictionary())?),
        };
        decompressor.decompress(&frame, capacity)
    });
    serde_json::from_slice(&json.map_err(de_error)?)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    /// The dictionary is part of the stored format: rows packed with `zstd-1` are read with
    /// exactly these bytes.
    #[test]
    fn dictionary_1_never_changes() {
        let hash: String = Sha256::digest(DICTIONARY_1)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(hash, DICTIONARY_1_SHA256);
    }

    const DICTIONARY_1_SHA256: &str = include_str!("packed/dictionary-1.sha256").trim_ascii();

    #[test]
    fn packed_json_reads_back_the_same_and_plain_json_passes_through() {
        let value = serde_json::json!({"a": [1, 2, {"b": "text ü"}], "c": null, "d": 1.5});
        let packed = pack(&value).unwrap();
        assert!(packed.get(KEY_1).is_some());
        assert_eq!(unpack(packed).unwrap(), value);
        assert_eq!(unpack(value.clone()).unwrap(), value);
        let lookalike = serde_json::json!({ KEY_1: 7 });
        assert_eq!(unpack(lookalike.clone()).unwrap(), lookalike);
    }

    #[test]
    fn a_corrupt_packed_body_is_an_error() {
        let bad = serde_json::json!({ KEY_1: "not base64 !" });
        assert!(unpack(bad).is_err());
        let bad = serde_json::json!({ KEY_1: BASE64.encode(b"not a zstd frame") });
        assert!(unpack(bad).is_err());
    }
}
