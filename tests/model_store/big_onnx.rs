//! A hand-encoded ONNX model of any size, for the MODELSTORE tests and the
//! bench's stall scenario (no Python needed): `y = Gather(w, idx)`, where `w`
//! is a FLOAT initializer of `n` elements with `w[i] = i` and `idx` an INT64
//! input of any length `k`; `y` has `k` elements. ONNX Runtime has to read
//! and keep all of `w`, so compiling it costs time in proportion to `n`.

fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn int_field(out: &mut Vec<u8>, field: u64, v: u64) {
    varint(out, field << 3);
    varint(out, v);
}

fn bytes_field(out: &mut Vec<u8>, field: u64, bytes: &[u8]) {
    varint(out, (field << 3) | 2);
    varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

/// ValueInfoProto `name`: a tensor of `elem` (TensorProto.DataType) with
/// one symbolic dimension `k`.
fn value_info(name: &str, elem: u64) -> Vec<u8> {
    let mut dim = Vec::new();
    bytes_field(&mut dim, 2, b"k"); // Dimension.dim_param
    let mut shape = Vec::new();
    bytes_field(&mut shape, 1, &dim); // TensorShapeProto.dim
    let mut tensor = Vec::new();
    int_field(&mut tensor, 1, elem); // TypeProto.Tensor.elem_type
    bytes_field(&mut tensor, 2, &shape); // .shape
    let mut ty = Vec::new();
    bytes_field(&mut ty, 1, &tensor); // TypeProto.tensor_type
    let mut vi = Vec::new();
    bytes_field(&mut vi, 1, name.as_bytes()); // ValueInfoProto.name
    bytes_field(&mut vi, 2, &ty); // .type
    vi
}

/// The model's bytes; about `4 * n` of them.
pub fn gather_model(n: usize) -> Vec<u8> {
    let raw: Vec<u8> = (0..n).flat_map(|i| (i as f32).to_le_bytes()).collect();
    let mut init = Vec::with_capacity(raw.len() + 32);
    int_field(&mut init, 1, n as u64); // TensorProto.dims
    int_field(&mut init, 2, 1); // .data_type FLOAT
    bytes_field(&mut init, 8, b"w"); // .name
    bytes_field(&mut init, 9, &raw); // .raw_data
    drop(raw);
    let mut node = Vec::new();
    bytes_field(&mut node, 1, b"w"); // NodeProto.input
    bytes_field(&mut node, 1, b"idx");
    bytes_field(&mut node, 2, b"y"); // .output
    bytes_field(&mut node, 4, b"Gather"); // .op_type
    let mut graph = Vec::with_capacity(init.len() + 128);
    bytes_field(&mut graph, 1, &node); // GraphProto.node
    bytes_field(&mut graph, 2, b"big"); // .name
    bytes_field(&mut graph, 5, &init); // .initializer
    drop(init);
    bytes_field(&mut graph, 11, &value_info("idx", 7)); // .input (INT64)
    bytes_field(&mut graph, 12, &value_info("y", 1)); // .output (FLOAT)
    let mut opset = Vec::new();
    bytes_field(&mut opset, 1, b""); // OperatorSetIdProto.domain
    int_field(&mut opset, 2, 13); // .version
    let mut model = Vec::with_capacity(graph.len() + 32);
    int_field(&mut model, 1, 8); // ModelProto.ir_version
    bytes_field(&mut model, 8, &opset); // .opset_import
    bytes_field(&mut model, 7, &graph); // .graph
    model
}
