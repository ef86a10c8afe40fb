//! A small blocking RESP2/RESP3 client, enough for the wire tests and the
//! benchmark tool (which includes this file). It never links the module.

use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// One reply, as the server sent it.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    Status(String),
    Error(String),
    Int(i64),
    Bulk(Vec<u8>),
    Nil,
    Array(Vec<Reply>),
    Double(f64),
    Bool(bool),
    Map(Vec<(Reply, Reply)>),
    Set(Vec<Reply>),
    Big(String),
    Verbatim(Vec<u8>),
}

impl Reply {
    pub fn is_error(&self) -> bool {
        matches!(self, Reply::Error(_))
    }

    /// The error text, or a panic with the reply (tests only).
    pub fn err(&self) -> &str {
        match self {
            Reply::Error(e) => e,
            other => panic!("expected an error, got {other:?}"),
        }
    }

    pub fn bulk(&self) -> &[u8] {
        match self {
            Reply::Bulk(b) => b,
            other => panic!("expected a bulk string, got {other:?}"),
        }
    }

    pub fn int(&self) -> i64 {
        match self {
            Reply::Int(i) => *i,
            other => panic!("expected an integer, got {other:?}"),
        }
    }

    pub fn array(&self) -> &[Reply] {
        match self {
            Reply::Array(a) => a,
            other => panic!("expected an array, got {other:?}"),
        }
    }

    pub fn text(&self) -> String {
        match self {
            Reply::Status(s) | Reply::Error(s) | Reply::Big(s) => s.clone(),
            Reply::Bulk(b) | Reply::Verbatim(b) => String::from_utf8_lossy(b).into_owned(),
            other => panic!("expected text, got {other:?}"),
        }
    }

    pub fn is_ok(&self) -> bool {
        *self == Reply::Status("OK".into())
    }
}

/// Encodes one command as a RESP array of bulk strings.
pub fn encode<A: AsRef<[u8]>>(args: &[A], out: &mut Vec<u8>) {
    out.extend_from_slice(format!("*{}\r\n", args.len()).as_bytes());
    for a in args {
        let a = a.as_ref();
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
}

/// A connection.
pub struct Conn {
    reader: BufReader<TcpStream>,
    writer: BufWriter<TcpStream>,
}

/// How deep a reply may nest before it counts as malformed. The module's
/// deepest replies (FT.AGGREGATE, FT.INFO in RESP3) nest under 10.
pub const MAX_DEPTH: usize = 512;

/// Whether a read failed on a malformed reply (not a closed connection or
/// a timeout).
pub fn is_malformed(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::InvalidData
}

fn bad(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.to_string())
}

impl Conn {
    pub fn connect(port: u16, timeout: Duration) -> io::Result<Conn> {
        let s = TcpStream::connect(("127.0.0.1", port))?;
        s.set_read_timeout(Some(timeout))?;
        s.set_nodelay(true)?;
        Ok(Conn {
            reader: BufReader::with_capacity(1 << 16, s.try_clone()?),
            writer: BufWriter::with_capacity(1 << 16, s),
        })
    }

    /// How long `read` waits for a reply (or a pushed pub/sub message)
    /// before it fails with `WouldBlock`/`TimedOut`.
    pub fn set_timeout(&mut self, timeout: Duration) -> io::Result<()> {
        self.reader.get_ref().set_read_timeout(Some(timeout))
    }

    /// Queues a command (pipelining); `flush` sends the queue.
    pub fn send<A: AsRef<[u8]>>(&mut self, args: &[A]) -> io::Result<()> {
        let mut buf = Vec::new();
        encode(args, &mut buf);
        self.writer.write_all(&buf)
    }

    pub fn send_raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.writer.write_all(bytes)
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.writer.flush()
    }

    /// Sends one command and reads its reply.
    pub fn cmd<A: AsRef<[u8]>>(&mut self, args: &[A]) -> io::Result<Reply> {
        self.send(args)?;
        self.flush()?;
        self.read()
    }

    fn line(&mut self) -> io::Result<String> {
        let mut l = Vec::new();
        self.reader.read_until(b'\n', &mut l)?;
        if l.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "connection closed",
            ));
        }
        if l.len() < 3 || !l.ends_with(b"\r\n") {
            return Err(bad("a line without a type byte or CRLF"));
        }
        l.truncate(l.len() - 2);
        if l.contains(&b'\r') {
            return Err(bad("a CR inside a line"));
        }
        String::from_utf8(l).map_err(|_| bad("non-UTF-8 line"))
    }

    /// A length or an integer: optional `-`, then ASCII digits only.
    fn count(s: &str) -> io::Result<i64> {
        let digits = s.strip_prefix('-').unwrap_or(s);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad("bad length or integer"));
        }
        s.parse().map_err(|_| bad("bad length or integer"))
    }

    /// An aggregate's length: -1 (nil, where `nil_ok`) or 0 and up.
    fn len(s: &str, nil_ok: bool) -> io::Result<Option<i64>> {
        match Self::count(s)? {
            -1 if nil_ok => Ok(None),
            n if n >= 0 => Ok(Some(n)),
            _ => Err(bad("negative length")),
        }
    }

    fn items(&mut self, n: i64, depth: usize) -> io::Result<Vec<Reply>> {
        (0..n).map(|_| self.read_at(depth + 1)).collect()
    }

    /// Reads one reply. A reply that is not well-formed RESP2/RESP3 (a bad
    /// type byte, length or integer, a bulk string without its CRLF, a
    /// boolean other than `t`/`f`, nesting deeper than [`MAX_DEPTH`]) is an
    /// `InvalidData` error; a closed connection is `UnexpectedEof`.
    pub fn read(&mut self) -> io::Result<Reply> {
        self.read_at(0)
    }

    fn read_at(&mut self, depth: usize) -> io::Result<Reply> {
        if depth > MAX_DEPTH {
            return Err(bad("nested deeper than MAX_DEPTH"));
        }
        let line = self.line()?;
        let (kind, rest) = match line.char_indices().nth(1) {
            Some((i, _)) => line.split_at(i),
            None => (line.as_str(), ""),
        };
        Ok(match kind {
            "+" => Reply::Status(rest.to_string()),
            "-" | "!" => Reply::Error(rest.to_string()),
            ":" => Reply::Int(Self::count(rest)?),
            "_" if rest.is_empty() => Reply::Nil,
            "#" => match rest {
                "t" => Reply::Bool(true),
                "f" => Reply::Bool(false),
                _ => return Err(bad("bad boolean")),
            },
            "(" => Reply::Big(rest.to_string()),
            "," => Reply::Double(match rest {
                "inf" => f64::INFINITY,
                "-inf" => f64::NEG_INFINITY,
                r => r.parse().map_err(|_| bad("bad double"))?,
            }),
            "$" | "=" => {
                let Some(n) = Self::len(rest, kind == "$")? else {
                    return Ok(Reply::Nil);
                };
                // Read as it comes: a lying length ends in EOF or the read
                // timeout, not in a huge allocation.
                let mut b = Vec::new();
                (&mut self.reader).take(n as u64 + 2).read_to_end(&mut b)?;
                if b.len() as u64 != n as u64 + 2 {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "connection closed inside a bulk string",
                    ));
                }
                if !b.ends_with(b"\r\n") {
                    return Err(bad("a bulk string without its CRLF"));
                }
                b.truncate(n as usize);
                if kind == "=" {
                    Reply::Verbatim(b)
                } else {
                    Reply::Bulk(b)
                }
            }
            "*" | "~" | ">" => {
                let Some(n) = Self::len(rest, kind == "*")? else {
                    return Ok(Reply::Nil);
                };
                let v = self.items(n, depth)?;
                if kind == "~" {
                    Reply::Set(v)
                } else {
                    Reply::Array(v)
                }
            }
            "%" | "|" => {
                let n = Self::len(rest, false)?.unwrap_or(0);
                let mut pairs = Vec::new();
                for _ in 0..n {
                    pairs.push((self.read_at(depth + 1)?, self.read_at(depth + 1)?));
                }
                if kind == "|" {
                    return self.read_at(depth); // attributes precede the real reply
                }
                Reply::Map(pairs)
            }
            _ => return Err(bad("unknown reply type")),
        })
    }
}
