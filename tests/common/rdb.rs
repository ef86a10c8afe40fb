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

/// Redis's CRC-64 (Jones polynomial, reflected, init 0).
pub fn crc64(data: &[u8]) -> u64 {
    let mut crc = 0u64;
    for &b in data {
        crc ^= b as u64;
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0x95ac_9329_ac4b_c9b5
            } else {
                crc >> 1
            };
        }
    }
    crc
}
