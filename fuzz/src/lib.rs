//! What the fuzz targets share: an argv from bytes, an RDB item stream from
//! bytes (and back, for the seed corpora), and the invariants every target
//! checks.
//!
//! **Argv**: the input split on `\n`, one argument per line (an argument
//! cannot hold a newline; everything else goes).
//!
//! **RDB items**: the first byte is the encoding version, `byte % 8 - 1`
//! (so -1..=6: every valid one and a few invalid ones). Then items, each a
//! tag byte (`tag % 4`) and its body:
//! - 0: an unsigned number, LEB128;
//! - 1: a signed number, zigzag LEB128;
//! - 2: a string, its length in LEB128 (cut to what is left), then bytes;
//! - 3: a checksum placeholder: the `vecset_codec::checksum` of the strings
//!   that start two items later, as many as the next item says (the `len
//!   sum chunks chunk…` layout of the vector-set graph and the FT vector
//!   payloads), so that mutated graphs
//!   reach `usearch` and the payload loaders instead of stopping at the
//!   checksum. A client that forges a RESTORE payload computes it too.
//!
//! Missing bytes read as zero; a truncated input is still a stream.

use redisai::persistence::vecset_codec::checksum;
use redisai::persistence::{Item, Items};

/// The argument separator of the argv targets.
pub const SEP: u8 = b'\n';

/// Splits the input into arguments on [`SEP`].
pub fn argv(data: &[u8]) -> Vec<&[u8]> {
    data.split(|&b| b == SEP).collect()
}

/// Joins arguments with [`SEP`] (for seeds). An argument holding a newline
/// would split; the seed writer refuses those.
pub fn join_argv<A: AsRef<[u8]>>(args: &[A]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    for (i, a) in args.iter().enumerate() {
        let a = a.as_ref();
        if a.contains(&SEP) {
            return None;
        }
        if i > 0 {
            out.push(SEP);
        }
        out.extend_from_slice(a);
    }
    Some(out)
}

/// A key-position list (getkeys-api) must only name arguments that exist:
/// Redis indexes argv with them.
pub fn check_keys(what: &str, keys: &[usize], argc: usize) {
    for &k in keys {
        assert!(k < argc, "{what}: key position {k} of {argc} arguments");
    }
}

fn varint(data: &mut &[u8]) -> u64 {
    let mut v: u64 = 0;
    for shift in (0..64).step_by(7) {
        let Some((&b, rest)) = data.split_first() else {
            break;
        };
        *data = rest;
        v |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            break;
        }
    }
    v
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

enum Raw {
    Item(Item),
    Checksum,
}

/// The checksum of the strings that start at `from`, concatenated: as
/// many as the number before them says (the chunk count), or as many as
/// there are.
fn chunks_checksum(items: &[Item], from: usize) -> u64 {
    let n = match from.checked_sub(1).and_then(|i| items.get(i)) {
        Some(Item::Unsigned(n)) => *n,
        Some(Item::Signed(n)) => *n as u64,
        _ => 0,
    };
    let mut buf = Vec::new();
    for it in items
        .iter()
        .skip(from)
        .take(usize::try_from(n).unwrap_or(usize::MAX))
    {
        match it {
            Item::Bytes(b) => buf.extend_from_slice(b),
            _ => break,
        }
    }
    checksum(&buf)
}

/// The encoding version and the item stream of an RDB target's input.
pub fn items(data: &[u8]) -> (i32, Items) {
    let Some((&v, mut data)) = data.split_first() else {
        return (0, Items::default());
    };
    let encver = i32::from(v % 8) - 1;
    let mut raw = Vec::new();
    while let Some((&tag, rest)) = data.split_first() {
        data = rest;
        raw.push(match tag % 4 {
            0 => Raw::Item(Item::Unsigned(varint(&mut data))),
            1 => {
                let z = varint(&mut data);
                Raw::Item(Item::Signed(((z >> 1) as i64) ^ -((z & 1) as i64)))
            }
            2 => {
                let n = usize::try_from(varint(&mut data))
                    .unwrap_or(usize::MAX)
                    .min(data.len());
                let (b, rest) = data.split_at(n);
                data = rest;
                Raw::Item(Item::Bytes(b.to_vec()))
            }
            _ => Raw::Checksum,
        });
    }
    // Placeholders become numbers first, then get their value: a
    // placeholder is never a string, so it does not change what follows.
    let mut out: Vec<Item> = raw
        .iter()
        .map(|r| match r {
            Raw::Item(it) => it.clone(),
            Raw::Checksum => Item::Unsigned(0),
        })
        .collect();
    for (i, r) in raw.iter().enumerate() {
        if let Raw::Checksum = r {
            out[i] = Item::Unsigned(chunks_checksum(&out, i + 2));
        }
    }
    (encver, Items::new(out))
}

/// The input that [`items`] reads back as `encver` and `items`: a number
/// equal to the checksum of the strings two items later is written as a
/// placeholder, so that mutating the strings keeps it right.
pub fn to_bytes(encver: i32, items: &[Item]) -> Vec<u8> {
    let mut out = vec![(encver + 1).rem_euclid(8) as u8];
    for (i, it) in items.iter().enumerate() {
        match it {
            Item::Unsigned(v) => {
                let is_sum = matches!(items.get(i + 2), Some(Item::Bytes(_)))
                    && *v == chunks_checksum(items, i + 2);
                if is_sum {
                    out.push(3);
                } else {
                    out.push(0);
                    put_varint(&mut out, *v);
                }
            }
            Item::Signed(v) => {
                out.push(1);
                put_varint(&mut out, ((*v << 1) ^ (*v >> 63)) as u64);
            }
            Item::Bytes(b) => {
                out.push(2);
                put_varint(&mut out, b.len() as u64);
                out.extend_from_slice(b);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_round_trip() {
        let payload = vec![1u8, 2, 3, 4, 5];
        let list = vec![
            Item::Unsigned(300),
            Item::Signed(-7),
            Item::Unsigned(5),
            Item::Unsigned(checksum(&payload)),
            Item::Unsigned(2),
            Item::Bytes(payload[..2].to_vec()),
            Item::Bytes(payload[2..].to_vec()),
        ];
        for v in -1..=6 {
            let mut bytes = to_bytes(v, &list);
            let (encver, back) = items(&bytes);
            assert_eq!(encver, v);
            assert_eq!(back.items, list);
            // The checksum is a placeholder: it follows a changed chunk.
            if let Some(last) = bytes.last_mut() {
                *last = 9;
            }
            let (_, back) = items(&bytes);
            assert_eq!(back.items[3], Item::Unsigned(checksum(&[1, 2, 3, 4, 9])));
        }
    }
}
