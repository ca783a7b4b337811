//! Fingerprints of serializable values, for page stamps (see `render`).
//!
//! A value is fed to a [`Fingerprinter`] as serde sees it: a tag for every
//! item, the length of every string and the fields in order, so two
//! different values give different streams. Unlike serializing to JSON
//! first, nothing is escaped, which matters for a report's HTML body.

use crate::hash;
use serde::ser::{self, Serialize};
use std::hash::Hasher;

/// A hasher that collects its input and hashes it at the end in one pass
/// (`hash::bytes`, which reads eight bytes at a time in four lanes): a page's
/// context comes in many small pieces, which streaming hashers take slowly.
/// Deterministic, as the stamps one build writes are read by the next.
#[derive(Default, Clone)]
pub struct Fingerprinter(Vec<u8>);

impl Fingerprinter {
    pub fn new() -> Self {
        Self::default()
    }
}

impl Hasher for Fingerprinter {
    fn write(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }

    fn finish(&self) -> u64 {
        hash::bytes(&self.0)
    }
}

/// Feeds `value` into `hasher`.
pub fn feed<T: Serialize + ?Sized>(hasher: &mut Fingerprinter, value: &T) {
    // Feeding a hasher cannot fail: `Never` has no values.
    let _ = value.serialize(Feed(hasher));
}

/// The fingerprint of one value.
pub fn of<T: Serialize + ?Sized>(value: &T) -> u64 {
    let mut hasher = Fingerprinter::new();
    feed(&mut hasher, value);
    hasher.finish()
}

/// The error of a [`Feed`]: it never fails, but serde wants an error type.
#[derive(Debug)]
pub struct Never;

impl std::fmt::Display for Never {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a fingerprint cannot fail")
    }
}

impl std::error::Error for Never {}

impl ser::Error for Never {
    fn custom<M: std::fmt::Display>(_: M) -> Self {
        Never
    }
}

/// Tags of the items of serde's data model.
mod tag {
    pub const NUMBER: u8 = 1;
    pub const TEXT: u8 = 2;
    pub const NONE: u8 = 3;
    pub const SOME: u8 = 4;
    pub const UNIT: u8 = 5;
    pub const VARIANT: u8 = 6;
    pub const OPEN: u8 = 7;
    pub const CLOSE: u8 = 8;
}

struct Feed<'h>(&'h mut Fingerprinter);

impl Feed<'_> {
    fn text(&mut self, bytes: &[u8]) {
        self.0.write_u8(tag::TEXT);
        self.0.write_usize(bytes.len());
        self.0.write(bytes);
    }

    fn number(self, bits: u64) -> Result<(), Never> {
        self.0.write_u8(tag::NUMBER);
        self.0.write_u64(bits);
        Ok(())
    }

    fn open(self, variant: Option<&str>) -> Result<Self, Never> {
        if let Some(v) = variant {
            self.0.write_u8(tag::VARIANT);
            self.0.write(v.as_bytes());
        }
        self.0.write_u8(tag::OPEN);
        Ok(self)
    }

    fn close(self) -> Result<(), Never> {
        self.0.write_u8(tag::CLOSE);
        Ok(())
    }
}

impl ser::Serializer for Feed<'_> {
    type Ok = ();
    type Error = Never;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    fn serialize_bool(self, v: bool) -> Result<(), Never> {
        self.number(u64::from(v))
    }
    fn serialize_i8(self, v: i8) -> Result<(), Never> {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<(), Never> {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<(), Never> {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result<(), Never> {
        self.number(v as u64)
    }
    fn serialize_u8(self, v: u8) -> Result<(), Never> {
        self.number(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<(), Never> {
        self.number(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<(), Never> {
        self.number(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result<(), Never> {
        self.number(v)
    }
    fn serialize_f32(self, v: f32) -> Result<(), Never> {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Result<(), Never> {
        self.number(v.to_bits())
    }
    fn serialize_char(self, v: char) -> Result<(), Never> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(mut self, v: &str) -> Result<(), Never> {
        self.text(v.as_bytes());
        Ok(())
    }
    fn serialize_bytes(mut self, v: &[u8]) -> Result<(), Never> {
        self.text(v);
        Ok(())
    }
    fn serialize_none(self) -> Result<(), Never> {
        self.0.write_u8(tag::NONE);
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Never> {
        self.0.write_u8(tag::SOME);
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Never> {
        self.0.write_u8(tag::UNIT);
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Never> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, v: &'static str) -> Result<(), Never> {
        self.serialize_str(v)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Never> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Never> {
        let feed = self.open(Some(variant))?;
        value.serialize(Feed(&mut *feed.0))?;
        feed.close()
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self, Never> {
        self.open(None)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self, Never> {
        self.open(None)
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self, Never> {
        self.open(None)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self, Never> {
        self.open(Some(variant))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self, Never> {
        self.open(None)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Never> {
        self.open(None)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self, Never> {
        self.open(Some(variant))
    }
}

/// Elements of sequences, tuples and maps are fed one after another.
macro_rules! elements {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for Feed<'_> {
            type Ok = ();
            type Error = Never;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Never> {
                value.serialize(Feed(&mut *self.0))
            }
            fn end(self) -> Result<(), Never> {
                self.close()
            }
        }
    )*};
}

elements!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl ser::SerializeMap for Feed<'_> {
    type Ok = ();
    type Error = Never;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Never> {
        key.serialize(Feed(&mut *self.0))
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Never> {
        value.serialize(Feed(&mut *self.0))
    }
    fn end(self) -> Result<(), Never> {
        self.close()
    }
}

/// Struct fields are fed with their names, so a field that moves or is
/// skipped changes the stream.
macro_rules! fields {
    ($($trait:ident),*) => {$(
        impl ser::$trait for Feed<'_> {
            type Ok = ();
            type Error = Never;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                value: &T,
            ) -> Result<(), Never> {
                self.text(key.as_bytes());
                value.serialize(Feed(&mut *self.0))
            }
            fn end(self) -> Result<(), Never> {
                self.close()
            }
        }
    )*};
}

fields!(SerializeStruct, SerializeStructVariant);

#[cfg(test)]
mod tests {
    use super::of;
    use serde::Serialize;
    use std::collections::BTreeMap;

    #[derive(Serialize)]
    struct Card<'a> {
        title: &'a str,
        tags: Vec<&'a str>,
        value: Option<f64>,
    }

    #[derive(Serialize)]
    struct Page<'a> {
        #[serde(flatten)]
        card: Card<'a>,
        body: &'a str,
    }

    #[test]
    fn equal_values_agree_and_different_values_differ() {
        let card = |title, tags: Vec<&'static str>, value| Card { title, tags, value };
        let base = of(&card("太原", vec!["a", "b"], Some(1.0)));
        assert_eq!(base, of(&card("太原", vec!["a", "b"], Some(1.0))));
        let others = [
            of(&card("太原 ", vec!["a", "b"], Some(1.0))),
            of(&card("太原", vec!["ab"], Some(1.0))),
            of(&card("太原", vec!["a", "b", ""], Some(1.0))),
            of(&card("太原", vec!["b", "a"], Some(1.0))),
            of(&card("太原", vec!["a", "b"], Some(1.5))),
            of(&card("太原", vec!["a", "b"], None)),
        ];
        for (i, h) in others.iter().enumerate() {
            assert_ne!(*h, base, "variant {i}");
        }
    }

    #[test]
    fn string_boundaries_and_nesting_count() {
        assert_ne!(of(&("ab", "c")), of(&("a", "bc")));
        assert_ne!(of(&vec![vec![1], vec![2]]), of(&vec![vec![1, 2]]));
        assert_ne!(of(&Some(())), of(&None::<()>));
    }

    #[test]
    fn flattened_structs_and_maps_work() {
        let page = |body| Page {
            card: Card {
                title: "t",
                tags: vec![],
                value: None,
            },
            body,
        };
        assert_eq!(of(&page("<p>x</p>")), of(&page("<p>x</p>")));
        assert_ne!(of(&page("<p>x</p>")), of(&page("<p>y</p>")));
        let map: BTreeMap<&str, u32> = [("a", 1), ("b", 2)].into();
        let other: BTreeMap<&str, u32> = [("a", 1), ("b", 3)].into();
        assert_ne!(of(&map), of(&other));
    }
}
