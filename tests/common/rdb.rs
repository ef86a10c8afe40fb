//! Building DUMP/RESTORE payloads by hand, from the RDB module encoding:
//! type byte 7 (module, v2), the 64-bit module type id, the fields with their
//! opcodes, the EOF opcode, the RDB version and Redis's CRC64.

/// RDB_TYPE_MODULE_2.
const TYPE_MODULE_2: u8 = 7;
const OP_EOF: u8 = 0;
const OP_UINT: u8 = 2;
const OP_STRING: u8 = 5;

/// `AI_TENSOR`'s module type id with encver 4: `00 8f d3 10 d4 8e 44 04`.
pub const TENSOR_ID_V4: u64 = 0x008f_d310_d48e_4404;

/// The id for another encver (its low 10 bits).
pub fn with_encver(id: u64, encver: u64) -> u64 {
    (id & !0x3ff) | encver
}

/// A field of a module value.
pub enum Field<'a> {
    U(u64),
    S(i64),
    Str(&'a [u8]),
}

/// Redis's length encoding.
pub fn save_len(out: &mut Vec<u8>, n: u64) {
    if n < 1 << 6 {
        out.push(n as u8);
    } else if n < 1 << 14 {
        out.push(0x40 | (n >> 8) as u8);
        out.push(n as u8);
    } else if n <= u32::MAX as u64 {
        out.push(0x80);
        out.extend_from_slice(&(n as u32).to_be_bytes());
    } else {
        out.push(0x81);
        out.extend_from_slice(&n.to_be_bytes());
    }
}

/// The value part: type, id, fields, EOF opcode (no footer).
pub fn module_value(id: u64, fields: &[Field]) -> Vec<u8> {
    let mut out = vec![TYPE_MODULE_2];
    save_len(&mut out, id);
    for f in fields {
        match f {
            Field::U(v) => {
                out.push(OP_UINT);
                save_len(&mut out, *v);
            }
            Field::S(v) => {
                out.push(OP_UINT);
                save_len(&mut out, *v as u64);
            }
            Field::Str(b) => {
                out.push(OP_STRING);
                save_len(&mut out, b.len() as u64);
                out.extend_from_slice(b);
            }
        }
    }
    out.push(OP_EOF);
    out
}

/// Appends RDB version 9 and the CRC64 that RESTORE checks.
pub fn with_footer(mut body: Vec<u8>) -> Vec<u8> {
    body.extend_from_slice(&[9, 0]);
    let crc = crc64(&body);
    body.extend_from_slice(&crc.to_le_bytes());
    body
}

/// Replaces the footer of a payload (after truncating or mutating it), so
/// RESTORE's checksum passes and the bytes reach the module's loader.
pub fn refooter(payload: &[u8]) -> Vec<u8> {
    let body = &payload[..payload.len().saturating_sub(10)];
    with_footer(body.to_vec())
}

/// Redis's CRC-64 (Jones polynomial, reflected, init 0), byte-table driven.
pub fn crc64(data: &[u8]) -> u64 {
    static TABLE: std::sync::OnceLock<[u64; 256]> = std::sync::OnceLock::new();
    let t = TABLE.get_or_init(|| {
        let mut t = [0u64; 256];
        for (i, e) in t.iter_mut().enumerate() {
            let mut c = i as u64;
            for _ in 0..8 {
                c = if c & 1 != 0 {
                    (c >> 1) ^ 0x95ac_9329_ac4b_c9b5
                } else {
                    c >> 1
                };
            }
            *e = c;
        }
        t
    });
    data.iter().fold(0u64, |crc, &b| {
        t[((crc ^ u64::from(b)) & 0xff) as usize] ^ (crc >> 8)
    })
}

/// AI_VECSET's graph checksum (src/persistence/vecset_codec.rs `checksum`),
/// copied because wire tests never link the module.
pub fn vecset_checksum(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0x243f_6a88_85a3_08d3 ^ bytes.len() as u64;
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let mut b = [0u8; 8];
        b.copy_from_slice(w);
        h = (h ^ u64::from_le_bytes(b))
            .wrapping_mul(0x9e37_79b9_7f4a_7c15)
            .rotate_left(29);
    }
    for &b in words.remainder() {
        h = (h ^ u64::from(b)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
    h ^ (h >> 31)
}

/// A field of a module value read back from a payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owned {
    U(u64),
    Str(Vec<u8>),
}

/// Reads Redis's length encoding at `*at`; panics on the special
/// (integer/LZF) string encodings, which a server with `rdbcompression no`
/// does not write for the strings these tests read.
pub fn load_len(b: &[u8], at: &mut usize) -> u64 {
    let first = b[*at];
    *at += 1;
    match first >> 6 {
        0 => u64::from(first & 0x3f),
        1 => {
            let v = (u64::from(first & 0x3f) << 8) | u64::from(b[*at]);
            *at += 1;
            v
        }
        2 if first == 0x80 => {
            let v = u32::from_be_bytes(b[*at..*at + 4].try_into().expect("4 bytes"));
            *at += 4;
            u64::from(v)
        }
        2 if first == 0x81 => {
            let v = u64::from_be_bytes(b[*at..*at + 8].try_into().expect("8 bytes"));
            *at += 8;
            v
        }
        _ => panic!("encoded RDB length 0x{first:02x}: run the server with rdbcompression no"),
    }
}

/// Splits a DUMP payload of a module value into its type id and fields
/// (the inverse of [`module_value`] + [`with_footer`]).
pub fn parse_module_value(payload: &[u8]) -> (u64, Vec<Owned>) {
    assert_eq!(payload[0], TYPE_MODULE_2, "not a module value");
    let body = &payload[..payload.len() - 10];
    let mut at = 1;
    let id = load_len(body, &mut at);
    let mut fields = Vec::new();
    loop {
        let op = body[at];
        at += 1;
        match op {
            OP_EOF => break,
            OP_UINT => fields.push(Owned::U(load_len(body, &mut at))),
            OP_STRING => {
                let n = load_len(body, &mut at) as usize;
                fields.push(Owned::Str(body[at..at + n].to_vec()));
                at += n;
            }
            _ => panic!("module opcode {op} at {at}"),
        }
    }
    assert_eq!(at, body.len(), "bytes after the module value's EOF");
    (id, fields)
}

/// A RESTORE payload from a type id and fields.
pub fn owned_payload(id: u64, fields: &[Owned]) -> Vec<u8> {
    let borrowed: Vec<Field> = fields
        .iter()
        .map(|f| match f {
            Owned::U(v) => Field::U(*v),
            Owned::Str(b) => Field::Str(b),
        })
        .collect();
    with_footer(module_value(id, &borrowed))
}
