//! [`Versioned`]: a change input with the record version its caller expects.
//!
//! Every change on a record may carry the version the caller read (optimistic concurrency: the
//! If-Match of a JSON body). That one optional field belongs to the command path, not to each
//! input, so the inputs declare only their own fields and `Versioned<C>` adds
//! `expected_version` to them, over JSON exactly as if `C` had declared it last:
//! - serialized, `C`'s fields then `"expected_version"` (`null` when absent), so the idempotency
//!   hash of a change is what it was when each input carried the field;
//! - deserialized, `expected_version` (absent or null: `None`) is taken out of the object and the
//!   rest is `C`'s, with `C`'s own rules (unknown fields refused, missing ones named), and an
//!   error inside a field names that field's path;
//! - as a JSON Schema, `C`'s schema under `C`'s name with the optional `expected_version`
//!   property added.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use crate::command::Change;

/// The JSON field that carries the expected version.
pub(crate) const FIELD: &str = "expected_version";

/// A change input `C` with the version of the record the caller expects (`None`: any version).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Versioned<C> {
    #[serde(flatten)]
    pub input: C,
    pub expected_version: Option<i64>,
}

/// What [`crate::App::change`] takes: a change input (expecting any version) or a [`Versioned`]
/// one. Write `input.expecting(Some(version))` (see [`Change::expecting`]) to guard a change.
pub trait IntoVersioned {
    /// The change input.
    type Input: Change;
    /// The input with the version it expects.
    fn into_versioned(self) -> Versioned<Self::Input>;
}

impl<C: Change> IntoVersioned for C {
    type Input = C;
    fn into_versioned(self) -> Versioned<C> {
        Versioned {
            input: self,
            expected_version: None,
        }
    }
}

impl<C: Change> IntoVersioned for Versioned<C> {
    type Input = C;
    fn into_versioned(self) -> Versioned<C> {
        self
    }
}

impl<'de, C: Deserialize<'de>> Deserialize<'de> for Versioned<C> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(VersionedVisitor(PhantomData))
    }
}

struct VersionedVisitor<C>(PhantomData<C>);

impl<'de, C: Deserialize<'de>> Visitor<'de> for VersionedVisitor<C> {
    type Value = Versioned<C>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // As serde's derive says it for the input's own type: "struct PendAuthorization".
        let name = std::any::type_name::<C>();
        let name = name.rsplit("::").next().unwrap_or(name);
        write!(f, "struct {name}")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let mut expected = None;
        let input = C::deserialize(de::value::MapAccessDeserializer::new(WithoutVersion {
            map,
            expected: &mut expected,
        }))?;
        Ok(Versioned {
            input,
            expected_version: expected.flatten(),
        })
    }
}

/// The body's map with `expected_version` taken out into `expected` as it goes by; every other
/// entry is passed to the input's own deserializer through the body's map, so errors inside a
/// value keep their path.
struct WithoutVersion<'a, A> {
    map: A,
    /// `Some(_)` once the field was seen (a second one is a duplicate).
    expected: &'a mut Option<Option<i64>>,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for WithoutVersion<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        loop {
            let Some(key) = self.map.next_key::<String>()? else {
                return Ok(None);
            };
            if key != FIELD {
                return seed.deserialize(key.into_deserializer()).map(Some);
            }
            if self.expected.is_some() {
                return Err(de::Error::duplicate_field(FIELD));
            }
            *self.expected = Some(self.map.next_value()?);
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.map.next_value_seed(seed)
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}

impl<C: JsonSchema> JsonSchema for Versioned<C> {
    fn schema_name() -> Cow<'static, str> {
        C::schema_name()
    }

    fn schema_id() -> Cow<'static, str> {
        Cow::Owned(format!("careloop_app::Versioned<{}>", C::schema_id()))
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let mut schema = C::json_schema(generator);
        let mut version = generator.subschema_for::<Option<i64>>();
        version.insert("default".to_owned(), serde_json::Value::Null);
        let object = schema.ensure_object();
        let properties = object
            .entry("properties")
            .or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()));
        if let Some(properties) = properties.as_object_mut() {
            properties.insert(FIELD.to_owned(), version.into());
        }
        schema
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
    use super::*;
    use serde_json::json;

    #[derive(Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
    #[serde(deny_unknown_fields)]
    struct Pend {
        information_needed: String,
    }

    fn read(v: serde_json::Value) -> Result<Versioned<Pend>, String> {
        serde_path_to_error::deserialize(v).map_err(|e| format!("{} at {}", e.inner(), e.path()))
    }

    #[test]
    fn reads_the_version_anywhere_in_the_object_and_the_rest_as_the_input() {
        let v = read(json!({ "expected_version": 3, "information_needed": "x" })).unwrap();
        assert_eq!(v.expected_version, Some(3));
        assert_eq!(v.input.information_needed, "x");
        let v = read(json!({ "information_needed": "x", "expected_version": null })).unwrap();
        assert_eq!(v.expected_version, None);
        assert_eq!(
            read(json!({ "information_needed": "x" }))
                .unwrap()
                .expected_version,
            None
        );
    }

    #[test]
    fn keeps_the_inputs_rules_and_names_the_field() {
        let e = read(json!({ "information_needed": "x", "other": 1 })).unwrap_err();
        assert!(e.starts_with("unknown field `other`"), "{e}");
        let e = read(json!({ "expected_version": 1 })).unwrap_err();
        assert!(e.starts_with("missing field `information_needed`"), "{e}");
        let e = read(json!({ "information_needed": 5 })).unwrap_err();
        assert!(e.ends_with("at information_needed"), "{e}");
        let e = read(json!({ "information_needed": "x", "expected_version": 1.5 })).unwrap_err();
        assert!(e.ends_with("at expected_version"), "{e}");
        let e = read(json!([])).unwrap_err();
        assert!(e.contains("expected struct Pend"), "{e}");
    }

    #[test]
    fn a_second_version_is_a_duplicate() {
        let body = r#"{"expected_version": 1, "information_needed": "x", "expected_version": 2}"#;
        let e = serde_json::from_str::<Versioned<Pend>>(body).unwrap_err();
        assert!(
            e.to_string().contains("duplicate field `expected_version`"),
            "{e}"
        );
    }

    #[test]
    fn writes_the_input_fields_then_the_version_as_one_object() {
        let v = Versioned {
            input: Pend {
                information_needed: "x".into(),
            },
            expected_version: None,
        };
        assert_eq!(
            serde_json::to_string(&v).unwrap(),
            r#"{"information_needed":"x","expected_version":null}"#
        );
    }

    #[test]
    fn the_schema_is_the_inputs_with_the_optional_version() {
        let schema = schemars::SchemaGenerator::default().into_root_schema_for::<Versioned<Pend>>();
        let v = schema.as_value();
        assert_eq!(v["title"], "Pend");
        assert_eq!(v["properties"]["expected_version"]["default"], json!(null));
        assert_eq!(v["required"], json!(["information_needed"]));
        assert_eq!(v["additionalProperties"], json!(false));
    }
}
