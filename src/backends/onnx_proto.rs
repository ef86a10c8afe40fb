//! Just enough protobuf to find external-data initializers in an ONNX
//! model. RedisAI's ONNX Runtime was built to refuse them; the stock
//! library would try to open files named by the model, on the server's
//! disk, so the module refuses such models itself before ORT sees them.

/// ModelProto.graph, GraphProto.initializer and the two TensorProto fields
/// that mark external data.
const MODEL_GRAPH: u64 = 7;
const GRAPH_INITIALIZER: u64 = 5;
const TENSOR_EXTERNAL_DATA: u64 = 13;
const TENSOR_DATA_LOCATION: u64 = 14;
const DATA_LOCATION_EXTERNAL: u64 = 1;

enum Field<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
    Fixed,
}

/// Iterates the (field number, value) pairs of one message. Stops at the
/// first malformed byte: ORT reports what is wrong with a broken model.
struct Fields<'a>(&'a [u8]);

fn varint(b: &mut &[u8]) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let (&byte, rest) = b.split_first()?;
        *b = rest;
        v |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

impl<'a> Iterator for Fields<'a> {
    type Item = (u64, Field<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        let key = varint(&mut self.0)?;
        let field = match key & 7 {
            0 => Field::Varint(varint(&mut self.0)?),
            1 | 5 => {
                let n = if key & 7 == 1 { 8 } else { 4 };
                self.0 = self.0.get(n..)?;
                Field::Fixed
            }
            2 => {
                let len = usize::try_from(varint(&mut self.0)?).ok()?;
                let (v, rest) = (self.0.get(..len)?, self.0.get(len..)?);
                self.0 = rest;
                Field::Bytes(v)
            }
            _ => return None,
        };
        Some((key >> 3, field))
    }
}

fn external(tensor: &[u8]) -> bool {
    Fields(tensor).any(|(n, f)| match f {
        Field::Varint(v) => n == TENSOR_DATA_LOCATION && v == DATA_LOCATION_EXTERNAL,
        Field::Bytes(_) => n == TENSOR_EXTERNAL_DATA,
        Field::Fixed => false,
    })
}

/// Whether any initializer of the model's main graph keeps its data in an
/// external file.
pub fn has_external_initializers(model: &[u8]) -> bool {
    Fields(model).any(|(n, f)| match f {
        Field::Bytes(graph) if n == MODEL_GRAPH => Fields(graph).any(|(n, f)| match f {
            Field::Bytes(t) if n == GRAPH_INITIALIZER => external(t),
            _ => false,
        }),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn len_field(n: u64, body: &[u8]) -> Vec<u8> {
        let mut v = vec![((n << 3) | 2) as u8, body.len() as u8];
        v.extend_from_slice(body);
        v
    }

    #[test]
    fn finds_external_initializers() {
        // TensorProto { name: "w" (field 8), data_location: EXTERNAL }
        let mut tensor = len_field(8, b"w");
        tensor.extend_from_slice(&[(TENSOR_DATA_LOCATION << 3) as u8, 1]);
        let graph = len_field(GRAPH_INITIALIZER, &tensor);
        let mut model = vec![0x08, 0x08]; // ir_version: 8
        model.extend(len_field(MODEL_GRAPH, &graph));
        assert!(has_external_initializers(&model));

        let inline = len_field(GRAPH_INITIALIZER, &len_field(8, b"w"));
        let mut model = vec![0x08, 0x08];
        model.extend(len_field(MODEL_GRAPH, &inline));
        assert!(!has_external_initializers(&model));
    }

    #[test]
    fn junk_is_not_external() {
        assert!(!has_external_initializers(&[0xff; 40]));
        assert!(!has_external_initializers(&[]));
        assert!(!has_external_initializers(&[0x3a, 0x7f, 1, 2]));
    }
}
