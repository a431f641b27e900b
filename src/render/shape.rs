//! The shape of a page's template context, for `check`: pages of one shape render
//! alike under the default templates, so one that rendered without an error stands
//! for every other page of its shape, in any version of the site.
//!
//! Why that holds for the default templates (not for a theme of the site's own,
//! which may do anything with a value): what they do with a value depends only on
//! whether it is there, its type, whether it is true (an empty string, zero, an
//! empty list or null is false to tera), a number's value (`page.toc_size > 1`), a
//! list's length (what a loop runs over) and an object's keys. They compare strings
//! (`item.url == current`), but only to choose between two texts, neither of which
//! can fail, and their filters (`length`, `capitalize`, `safe`, `default`) fail on
//! a type, never on a string's text. The shape is exactly those facts, so frozen
//! copies of a guide, whose URLs differ, share the shape of one another; and within
//! a version many guides have the same few.
//!
//! Only a shape that rendered without an error is remembered: a page whose shape
//! has not been seen, or failed, is rendered, and reports its own error.

use serde_json::Value;
use std::collections::HashSet;
use std::sync::Mutex;
use tera::Context;

/// The shapes of pages that rendered without a template error in this build.
#[derive(Default)]
pub struct CheckedShapes(Mutex<HashSet<blake3::Hash>>);

impl CheckedShapes {
    pub fn contains(&self, shape: &blake3::Hash) -> bool {
        self.lock().contains(shape)
    }

    pub fn insert(&self, shape: blake3::Hash) {
        self.lock().insert(shape);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashSet<blake3::Hash>> {
        // A set of hashes is whole even if a thread panicked holding it.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The shape of `context` (see the module's comment), and the context back.
pub fn shape_of(context: Context) -> (blake3::Hash, Context) {
    let value = context.into_json();
    let mut bytes = Vec::with_capacity(4096);
    write_shape(&mut bytes, &value);
    // An object is what `into_json` gives, and it goes back whole.
    let context = Context::from_value(value).unwrap_or_default();
    (blake3::hash(&bytes), context)
}

/// Appends the shape of `value` to `out`, each part tagged and lengths given, so
/// that two different shapes never give the same bytes.
fn write_shape(out: &mut Vec<u8>, value: &Value) {
    match value {
        Value::Null => out.push(b'n'),
        Value::Bool(b) => out.push(if *b { b't' } else { b'f' }),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => {
                out.push(b'u');
                out.extend_from_slice(&u.to_le_bytes());
            }
            (None, Some(i)) => {
                out.push(b'i');
                out.extend_from_slice(&i.to_le_bytes());
            }
            _ => {
                out.push(b'd');
                let bits = n.as_f64().unwrap_or(f64::NAN).to_bits();
                out.extend_from_slice(&bits.to_le_bytes());
            }
        },
        Value::String(s) => out.push(if s.is_empty() { b'e' } else { b's' }),
        Value::Array(items) => {
            out.push(b'[');
            out.extend_from_slice(&(items.len() as u64).to_le_bytes());
            for item in items {
                write_shape(out, item);
            }
        }
        Value::Object(map) => {
            out.push(b'{');
            out.extend_from_slice(&(map.len() as u64).to_le_bytes());
            for (key, item) in map {
                out.extend_from_slice(&(key.len() as u64).to_le_bytes());
                out.extend_from_slice(key.as_bytes());
                write_shape(out, item);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn shape(value: Value) -> blake3::Hash {
        let context = Context::from_value(value).expect("an object");
        let (shape, back) = shape_of(context.clone());
        assert_eq!(back, context, "the context comes back whole");
        shape
    }

    #[test]
    fn the_text_of_a_string_is_not_its_shape_but_its_emptiness_is() {
        let a = json!({"page": {"url": "/a/", "title": "A"}});
        let b = json!({"page": {"url": "/v1/a/", "title": "B"}});
        assert_eq!(shape(a.clone()), shape(b));
        assert_ne!(
            shape(a),
            shape(json!({"page": {"url": "/a/", "title": ""}}))
        );
    }

    #[test]
    fn numbers_lengths_keys_types_and_truth_are_the_shape() {
        let base = shape(json!({"n": 2, "list": [1], "flag": true, "x": null}));
        for other in [
            json!({"n": 3, "list": [1], "flag": true, "x": null}),
            json!({"n": 2, "list": [1, 1], "flag": true, "x": null}),
            json!({"n": 2, "list": [1], "flag": false, "x": null}),
            json!({"n": 2, "list": [1], "flag": true, "x": ""}),
            json!({"n": 2, "list": [1], "flag": true, "y": null}),
            json!({"n": 2, "list": [1], "flag": true}),
            json!({"n": 2.5, "list": [1], "flag": true, "x": null}),
            json!({"n": -2, "list": [1], "flag": true, "x": null}),
            json!({"n": 2, "list": {"0": 1}, "flag": true, "x": null}),
        ] {
            assert_ne!(base, shape(other.clone()), "{other}");
        }
    }

    #[test]
    fn nesting_is_part_of_the_shape() {
        // The same leaves, grouped differently.
        let flat = shape(json!({"a": [[], [1]]}));
        let nested = shape(json!({"a": [[[1]]]}));
        assert_ne!(flat, nested);
        assert_ne!(
            shape(json!({"ab": {"c": 1}})),
            shape(json!({"a": {"bc": 1}}))
        );
    }

    #[test]
    fn a_remembered_shape_is_found_and_no_other() {
        let shapes = CheckedShapes::default();
        let a = shape(json!({"a": 1}));
        assert!(!shapes.contains(&a));
        shapes.insert(a);
        assert!(shapes.contains(&a));
        assert!(!shapes.contains(&shape(json!({"a": 2}))));
    }
}
