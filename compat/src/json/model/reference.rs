//! `$ref` resolution: within a document (`#`, JSON pointers, `$anchor`/`$id` names) and to
//! referenced schemas by the name they were registered with.

use serde_json::Value;

use super::{Builder, NodeId};

impl Builder<'_> {
    /// The node a `$ref` in document `doc` points to, read later if not read yet.
    pub(super) fn reference(&mut self, doc: usize, reference: &str) -> Option<NodeId> {
        let (location, fragment) = match reference.split_once('#') {
            Some((location, fragment)) => (location, fragment),
            None => (reference, ""),
        };
        let target_doc = if location.is_empty() {
            doc
        } else {
            self.document_named(location)?
        };
        let pointer = if fragment.is_empty() || fragment.starts_with('/') {
            percent_decode(fragment)
        } else {
            anchor_pointer(self.docs[target_doc], fragment)?
        };
        let key = (target_doc, pointer);
        if let Some(id) = self.targets.get(&key) {
            return Some(*id);
        }
        let id = self.alloc();
        self.targets.insert(key.clone(), id);
        self.pending.push((id, key.0, key.1));
        Some(id)
    }

    /// A referenced document by the name it was registered with (matched in full, or by its last
    /// path segment when the `$ref` is resolved against an `$id`), or an embedded `$id`.
    fn document_named(&self, location: &str) -> Option<usize> {
        fn last(s: &str) -> &str {
            s.rsplit('/').next().unwrap_or(s)
        }
        self.names
            .iter()
            .position(|name| *name == location)
            .or_else(|| {
                self.names
                    .iter()
                    .position(|name| last(name) == last(location))
            })
            .map(|index| index + 1)
    }
}

/// `%xx` escapes decoded (JSON pointers in URI fragments).
fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_owned();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = text.get(i + 1..i + 3)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The JSON pointer of the subschema named `anchor` by `$anchor` or an `$id`/`id` fragment.
fn anchor_pointer(document: &Value, anchor: &str) -> Option<String> {
    fn walk(value: &Value, anchor: &str, path: &mut String, depth: usize) -> Option<String> {
        if depth > 64 {
            return None;
        }
        match value {
            Value::Object(map) => {
                let names = |key: &str| map.get(key).and_then(Value::as_str);
                if names("$anchor") == Some(anchor)
                    || names("$id").or(names("id")) == Some(&format!("#{anchor}"))
                {
                    return Some(path.clone());
                }
                for (key, child) in map {
                    let len = path.len();
                    path.push('/');
                    path.push_str(&key.replace('~', "~0").replace('/', "~1"));
                    let found = walk(child, anchor, path, depth + 1);
                    path.truncate(len);
                    if found.is_some() {
                        return found;
                    }
                }
                None
            }
            Value::Array(items) => items.iter().enumerate().find_map(|(i, child)| {
                let len = path.len();
                path.push_str(&format!("/{i}"));
                let found = walk(child, anchor, path, depth + 1);
                path.truncate(len);
                found
            }),
            _ => None,
        }
    }
    walk(document, anchor, &mut String::new(), 0)
}
