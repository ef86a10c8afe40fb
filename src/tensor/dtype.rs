//! The ten tensor data types, with RedisAI's names and DLPack codes.

/// A tensor element type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DType {
    Float,
    Double,
    Int8,
    Int16,
    Int32,
    Int64,
    Uint8,
    Uint16,
    Bool,
    String,
}

/// DLPack type codes, as RedisAI stores them in RDB.
pub mod code {
    pub const INT: u64 = 0;
    pub const UINT: u64 = 1;
    pub const FLOAT: u64 = 2;
    pub const BOOL: u64 = 6;
    pub const STRING: u64 = 7;
}

impl DType {
    pub const ALL: [DType; 10] = [
        DType::Float,
        DType::Double,
        DType::Int8,
        DType::Int16,
        DType::Int32,
        DType::Int64,
        DType::Uint8,
        DType::Uint16,
        DType::Bool,
        DType::String,
    ];

    /// Parses a dtype name, case-insensitively (`float`, `INT8`, ...).
    pub fn parse(name: &[u8]) -> Option<DType> {
        DType::ALL
            .into_iter()
            .find(|d| d.name().as_bytes().eq_ignore_ascii_case(name))
    }

    /// The name RedisAI replies with.
    pub fn name(self) -> &'static str {
        match self {
            DType::Float => "FLOAT",
            DType::Double => "DOUBLE",
            DType::Int8 => "INT8",
            DType::Int16 => "INT16",
            DType::Int32 => "INT32",
            DType::Int64 => "INT64",
            DType::Uint8 => "UINT8",
            DType::Uint16 => "UINT16",
            DType::Bool => "BOOL",
            DType::String => "STRING",
        }
    }

    /// Bytes per element, or `None` for STRING (variable length).
    pub fn elem_size(self) -> Option<usize> {
        match self {
            DType::Int8 | DType::Uint8 | DType::Bool => Some(1),
            DType::Int16 | DType::Uint16 => Some(2),
            DType::Float | DType::Int32 => Some(4),
            DType::Double | DType::Int64 => Some(8),
            DType::String => None,
        }
    }

    /// The DLPack `(code, bits)` pair stored in RDB.
    pub fn dlpack(self) -> (u64, u64) {
        match self {
            DType::Float => (code::FLOAT, 32),
            DType::Double => (code::FLOAT, 64),
            DType::Int8 => (code::INT, 8),
            DType::Int16 => (code::INT, 16),
            DType::Int32 => (code::INT, 32),
            DType::Int64 => (code::INT, 64),
            DType::Uint8 => (code::UINT, 8),
            DType::Uint16 => (code::UINT, 16),
            DType::Bool => (code::BOOL, 8),
            DType::String => (code::STRING, 8),
        }
    }

    /// The inverse of [`DType::dlpack`]; `None` for pairs RedisAI never wrote.
    pub fn from_dlpack(code: u64, bits: u64) -> Option<DType> {
        DType::ALL.into_iter().find(|d| d.dlpack() == (code, bits))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_case_insensitively() {
        for d in DType::ALL {
            assert_eq!(DType::parse(d.name().as_bytes()), Some(d));
            assert_eq!(DType::parse(d.name().to_lowercase().as_bytes()), Some(d));
            assert_eq!(DType::from_dlpack(d.dlpack().0, d.dlpack().1), Some(d));
        }
        for bad in ["UINT32", "UINT64", "FLOAT16", "HALF", "INT", "", "FLOAT "] {
            assert_eq!(DType::parse(bad.as_bytes()), None, "{bad}");
        }
        assert_eq!(DType::from_dlpack(code::UINT, 32), None);
        assert_eq!(DType::from_dlpack(3, 8), None);
    }
}
