//! numpy's `.npy` format (versions 1 to 3) as far as QuickDraw's bitmaps need it: the header
//! is parsed as the Python dict literal it is, then a C-ordered uint8 matrix is read.
//!
//! Not the `npyz` crate: it brings eleven more crates (a pest grammar, and assembly built with
//! `cc` for pest's stack guard) to parse one line, it panics on a shape whose product
//! overflows in builds with overflow checks (ours: the tests and `make run`), and its element
//! reader is about four times slower than one `read_exact` of the rows.

use std::fmt;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use crate::DatasetError;

const MAGIC: &[u8] = b"\x93NUMPY";
/// Magic, version and a 2-byte header length: the shortest a `.npy` file can start with.
const MIN_PREAMBLE: u64 = 10;
/// How deeply tuples and lists may nest in a header (a structured dtype nests a few levels).
const MAX_DEPTH: usize = 16;

/// Reads the first `max_rows` rows (all of them back to back) of a uint8 `.npy` array whose
/// rows hold `row_len` values (shape `(N, row_len)` or `(N, h, w)` with `h × w = row_len`),
/// checking the header and that the file holds exactly the bytes its shape says.
pub(crate) fn read_u8_rows(
    path: &Path,
    row_len: usize,
    max_rows: usize,
) -> Result<Vec<u8>, DatasetError> {
    let file = File::open(path).map_err(|e| DatasetError::io(path, e))?;
    let file_len = file
        .metadata()
        .map_err(|e| DatasetError::io(path, e))?
        .len();
    let mut reader = BufReader::new(file);
    let (header, data_offset) = read_header(path, &mut reader, file_len)?;
    let bad = |reason: String| DatasetError::malformed(path, reason);
    if !header.is_u8() {
        return Err(bad(format!(
            "dtype {} is not uint8 ('|u1'): QuickDraw bitmaps are bytes",
            header.descr
        )));
    }
    if header.fortran_order {
        return Err(bad(
            "fortran_order is not False: only C-ordered arrays are read".into(),
        ));
    }
    let shape = &header.shape;
    let row_len_u64 = row_len as u64;
    let rows = match shape[..] {
        [n, len] if len == row_len_u64 => n,
        [n, h, w] if h.checked_mul(w) == Some(row_len_u64) => n,
        _ => {
            return Err(bad(format!(
                "shape {shape:?} is not (N, {row_len}): expected rows of {row_len} pixels"
            )));
        }
    };
    let expected = rows
        .checked_mul(row_len_u64)
        .and_then(|bytes| bytes.checked_add(data_offset))
        .ok_or_else(|| bad(format!("shape {shape:?} is larger than any file")))?;
    if file_len < expected {
        return Err(DatasetError::Truncated {
            path: path.into(),
            expected,
            found: file_len,
        });
    }
    if file_len > expected {
        return Err(bad(format!(
            "{} bytes after the {rows}×{row_len} array its header declares",
            file_len - expected
        )));
    }
    // The file holds all `rows`, so the ones taken fit in memory's address range.
    let take = usize::try_from(rows).map_or(max_rows, |rows| rows.min(max_rows));
    let mut data = vec![0u8; take * row_len];
    reader
        .read_exact(&mut data)
        .map_err(|e| DatasetError::io(path, e))?;
    Ok(data)
}

/// Reads the magic, version and header; returns the header and where the data starts,
/// leaving `reader` there.
fn read_header(
    path: &Path,
    reader: &mut impl Read,
    file_len: u64,
) -> Result<(Header, u64), DatasetError> {
    let bad = |reason: String| DatasetError::malformed(path, reason);
    let truncated = |expected: u64| DatasetError::Truncated {
        path: path.into(),
        expected,
        found: file_len,
    };
    if file_len < MIN_PREAMBLE {
        return Err(truncated(MIN_PREAMBLE));
    }
    let mut preamble = [0u8; 8];
    reader
        .read_exact(&mut preamble)
        .map_err(|e| DatasetError::io(path, e))?;
    if &preamble[..6] != MAGIC {
        return Err(bad("not a .npy file (no \\x93NUMPY magic)".into()));
    }
    // Versions 2 and 3 widen the header length to 4 bytes; 3 allows UTF-8 in the header.
    let len_bytes = match (preamble[6], preamble[7]) {
        (1, 0) => 2,
        (2, 0) | (3, 0) => 4,
        (major, minor) => {
            return Err(bad(format!(
                ".npy version {major}.{minor} is not supported (1.0, 2.0 and 3.0 are)"
            )));
        }
    };
    let mut len = [0u8; 4];
    reader
        .read_exact(&mut len[..len_bytes])
        .map_err(|e| DatasetError::io(path, e))?;
    let header_len = u64::from(u32::from_le_bytes(len));
    let data_offset = 8 + len_bytes as u64 + header_len;
    if file_len < data_offset {
        return Err(truncated(data_offset));
    }
    let mut text = Vec::new();
    reader
        .by_ref()
        .take(header_len)
        .read_to_end(&mut text)
        .map_err(|e| DatasetError::io(path, e))?;
    let text = String::from_utf8(text).map_err(|_| bad("header is not text".into()))?;
    let header = Header::parse(&text).map_err(|e| bad(format!("header: {e}")))?;
    Ok((header, data_offset))
}

/// What a `.npy` header declares: `{'descr': …, 'fortran_order': …, 'shape': (…), }`.
#[derive(Debug, Clone, PartialEq)]
struct Header {
    /// The dtype: a string such as `'|u1'`, or a list for a structured dtype.
    descr: Literal,
    /// Whether the array is stored column-major.
    fortran_order: bool,
    /// The array's shape (empty for a scalar).
    shape: Vec<u64>,
}

impl Header {
    /// Parses a header's text, the padding and final newline included.
    fn parse(text: &str) -> Result<Header, String> {
        let mut parser = Parser { rest: text };
        let entries = parser.dict()?;
        parser.rest = parser.rest.trim_start();
        if !parser.rest.is_empty() {
            return Err(format!("unexpected `{}` after the dict", parser.snippet()));
        }
        let mut descr = None;
        let mut fortran_order = None;
        let mut shape = None;
        for (key, value) in entries {
            match (key.as_str(), value) {
                ("descr", value) => descr = Some(value),
                ("fortran_order", Literal::Bool(b)) => fortran_order = Some(b),
                ("shape", Literal::Tuple(dims)) => {
                    let dims = dims
                        .iter()
                        .map(|d| match d {
                            Literal::Int(n) => Ok(*n),
                            other => Err(format!("shape has {other}, not a size")),
                        })
                        .collect::<Result<_, _>>()?;
                    shape = Some(dims);
                }
                ("fortran_order", other) => {
                    return Err(format!("\"fortran_order\" is {other}, not True or False"));
                }
                ("shape", other) => {
                    return Err(format!("\"shape\" is {other}, not a tuple of sizes"));
                }
                _ => {
                    return Err(format!(
                        "unexpected key {key:?} (a .npy header has descr, fortran_order and shape)"
                    ));
                }
            }
        }
        let missing = |key: &str| format!("no {key:?} key");
        Ok(Header {
            descr: descr.ok_or_else(|| missing("descr"))?,
            fortran_order: fortran_order.ok_or_else(|| missing("fortran_order"))?,
            shape: shape.ok_or_else(|| missing("shape"))?,
        })
    }

    /// Whether the dtype is one unsigned byte (`|u1`, byte order given or not).
    fn is_u8(&self) -> bool {
        let Literal::Str(descr) = &self.descr else {
            return false;
        };
        matches!(descr.as_str(), "|u1" | "<u1" | ">u1" | "=u1" | "u1")
    }
}

/// The Python literals numpy writes in a header.
#[derive(Debug, Clone, PartialEq)]
enum Literal {
    Str(String),
    Bool(bool),
    Int(u64),
    Tuple(Vec<Literal>),
    List(Vec<Literal>),
}

/// As Python writes the literal, for error messages.
impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Str(s) => write!(f, "'{s}'"),
            Literal::Bool(true) => f.write_str("True"),
            Literal::Bool(false) => f.write_str("False"),
            Literal::Int(n) => write!(f, "{n}"),
            Literal::Tuple(t) => {
                f.write_str("(")?;
                write_items(f, t)?;
                f.write_str(if t.len() == 1 { ",)" } else { ")" })
            }
            Literal::List(l) => {
                f.write_str("[")?;
                write_items(f, l)?;
                f.write_str("]")
            }
        }
    }
}

fn write_items(f: &mut fmt::Formatter<'_>, items: &[Literal]) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{item}")?;
    }
    Ok(())
}

/// A recursive-descent parser over the part of a header not yet read.
struct Parser<'a> {
    rest: &'a str,
}

impl Parser<'_> {
    /// `{key: value, …}` with string keys and an optional trailing comma.
    fn dict(&mut self) -> Result<Vec<(String, Literal)>, String> {
        self.expect('{')?;
        let mut entries = Vec::new();
        while !self.eat('}') {
            let key = match self.value(0)? {
                Literal::Str(key) => key,
                other => return Err(format!("dict key {other} is not a string")),
            };
            self.expect(':')?;
            entries.push((key, self.value(0)?));
            if !self.eat(',') {
                self.expect('}')?;
                break;
            }
        }
        Ok(entries)
    }

    fn value(&mut self, depth: usize) -> Result<Literal, String> {
        self.rest = self.rest.trim_start();
        match self.rest.chars().next() {
            Some(quote @ ('\'' | '"')) => self.string(quote).map(Literal::Str),
            Some('(') => self.items('(', ')', depth).map(Literal::Tuple),
            Some('[') => self.items('[', ']', depth).map(Literal::List),
            Some(c) if c.is_ascii_digit() => self.int(),
            _ if self.eat_word("True") => Ok(Literal::Bool(true)),
            _ if self.eat_word("False") => Ok(Literal::Bool(false)),
            _ => Err(format!("expected a value at `{}`", self.snippet())),
        }
    }

    /// A quoted string; a backslash escapes the next character.
    fn string(&mut self, quote: char) -> Result<String, String> {
        let mut out = String::new();
        let mut chars = self.rest[1..].char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                c if c == quote => {
                    self.rest = &self.rest[1 + i + 1..];
                    return Ok(out);
                }
                '\\' => out.extend(chars.next().map(|(_, c)| c)),
                c => out.push(c),
            }
        }
        Err(format!("unclosed string at `{}`", self.snippet()))
    }

    /// A whole number; Python 2's numpy wrote sizes as longs (`784L`).
    fn int(&mut self) -> Result<Literal, String> {
        let end = self
            .rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(self.rest.len());
        let (digits, rest) = self.rest.split_at(end);
        let n = digits
            .parse()
            .map_err(|_| format!("{digits} is larger than any size"))?;
        self.rest = rest.strip_prefix('L').unwrap_or(rest);
        Ok(Literal::Int(n))
    }

    /// Comma-separated values between `open` and `close`, with an optional trailing comma.
    fn items(&mut self, open: char, close: char, depth: usize) -> Result<Vec<Literal>, String> {
        if depth == MAX_DEPTH {
            return Err(format!("nested more than {MAX_DEPTH} levels deep"));
        }
        self.expect(open)?;
        let mut items = Vec::new();
        while !self.eat(close) {
            items.push(self.value(depth + 1)?);
            if !self.eat(',') {
                self.expect(close)?;
                break;
            }
        }
        Ok(items)
    }

    /// Skips spaces, then `c` if it comes next.
    fn eat(&mut self, c: char) -> bool {
        self.rest = self.rest.trim_start();
        match self.rest.strip_prefix(c) {
            Some(rest) => {
                self.rest = rest;
                true
            }
            None => false,
        }
    }

    fn eat_word(&mut self, word: &str) -> bool {
        let Some(rest) = self.rest.strip_prefix(word) else {
            return false;
        };
        if rest.starts_with(|c: char| c.is_alphanumeric() || c == '_') {
            return false;
        }
        self.rest = rest;
        true
    }

    fn expect(&mut self, c: char) -> Result<(), String> {
        if self.eat(c) {
            Ok(())
        } else if self.rest.is_empty() {
            Err(format!("expected `{c}` but the header ends"))
        } else {
            Err(format!("expected `{c}` at `{}`", self.snippet()))
        }
    }

    /// The start of what is left, for error messages.
    fn snippet(&self) -> String {
        self.rest.trim_end().chars().take(20).collect()
    }
}

/// Writes a uint8 `.npy` file of `rows` rows of `row_len` bytes in format version 1.
#[cfg(test)]
pub(crate) fn write_u8(path: &Path, data: &[u8], row_len: usize) {
    let rows = data.len() / row_len;
    let header =
        format!("{{'descr': '|u1', 'fortran_order': False, 'shape': ({rows}, {row_len}), }}");
    std::fs::write(path, npy_bytes(1, &header, data)).unwrap();
}

/// A `.npy` file of format `version` with `header` as its dict, padded as numpy pads it (with
/// spaces and a newline, so that the data starts on a 64-byte boundary).
#[cfg(test)]
fn npy_bytes(version: u8, header: &str, data: &[u8]) -> Vec<u8> {
    let len_bytes = if version == 1 { 2 } else { 4 };
    let mut header = header.to_string();
    while !(8 + len_bytes + header.len() + 1).is_multiple_of(64) {
        header.push(' ');
    }
    header.push('\n');
    let mut bytes = MAGIC.to_vec();
    bytes.extend([version, 0]);
    bytes.extend(&(header.len() as u32).to_le_bytes()[..len_bytes]);
    bytes.extend(header.as_bytes());
    bytes.extend(data);
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_with(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    fn header(dict: &str) -> Result<Header, String> {
        Header::parse(dict)
    }

    #[test]
    fn parses_the_headers_numpy_writes() {
        // As numpy 2.4's `np.save` writes them, padding included.
        let u8_matrix = header(
            "{'descr': '|u1', 'fortran_order': False, 'shape': (3, 4), }                    \n",
        )
        .unwrap();
        assert_eq!(
            u8_matrix,
            Header {
                descr: Literal::Str("|u1".into()),
                fortran_order: false,
                shape: vec![3, 4],
            }
        );
        assert!(u8_matrix.is_u8());
        let vector = header("{'descr': '|u1', 'fortran_order': False, 'shape': (5,), }").unwrap();
        assert_eq!(vector.shape, [5]);
        let scalar = header("{'descr': '|u1', 'fortran_order': False, 'shape': (), }").unwrap();
        assert!(scalar.shape.is_empty());
        let fortran = header("{'descr': '|u1', 'fortran_order': True, 'shape': (3, 4), }").unwrap();
        assert!(fortran.fortran_order);
        let float = header("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }").unwrap();
        assert!(!float.is_u8());
        let structured = header(
            "{'descr': [('x', '<f4'), ('y', '|u1')], 'fortran_order': False, 'shape': (2,), }",
        )
        .unwrap();
        assert_eq!(structured.descr.to_string(), "[('x', '<f4'), ('y', '|u1')]");
        assert!(!structured.is_u8());
    }

    #[test]
    fn parses_other_spellings_of_the_same_header() {
        let want = Header {
            descr: Literal::Str("<u1".into()),
            fortran_order: false,
            shape: vec![100_000, 784],
        };
        // Python 2's numpy wrote longs; keys may come in any order, quotes either way.
        for text in [
            "{'descr': '<u1', 'fortran_order': False, 'shape': (100000L, 784L)}",
            "{\"shape\": (100000, 784), \"fortran_order\": False, \"descr\": \"<u1\"}",
            "{ 'descr' : '<u1' , 'fortran_order' : False , 'shape' : ( 100000 , 784 , ) , }",
        ] {
            assert_eq!(header(text).as_ref(), Ok(&want), "{text}");
        }
    }

    #[test]
    fn rejects_headers_that_are_not_npy_dicts() {
        let cases = [
            ("'descr': '|u1'", "expected `{`"),
            (
                "{'descr': '|u1', 'fortran_order': False}",
                "no \"shape\" key",
            ),
            (
                "{'descr': '|u1', 'shape': (1,)}",
                "no \"fortran_order\" key",
            ),
            (
                "{'fortran_order': False, 'shape': (1,)}",
                "no \"descr\" key",
            ),
            (
                "{'descr': '|u1', 'fortran_order': False, 'shape': (1,), 'extra': 1}",
                "unexpected key \"extra\"",
            ),
            (
                "{'descr': '|u1', 'fortran_order': 'no', 'shape': (1,)}",
                "\"fortran_order\" is 'no', not True or False",
            ),
            (
                "{'descr': '|u1', 'fortran_order': False, 'shape': [1, 2]}",
                "\"shape\" is [1, 2], not a tuple of sizes",
            ),
            (
                "{'descr': '|u1', 'fortran_order': False, 'shape': ('1',)}",
                "shape has '1', not a size",
            ),
            (
                "{'descr': '|u1', 'fortran_order': False, 'shape': (-1,)}",
                "expected a value at `-1,)}`",
            ),
            (
                "{'descr': '|u1', 'fortran_order': False, 'shape': (99999999999999999999,)}",
                "larger than any size",
            ),
            (
                "{'descr': '|u1', 'fortran_order': Falsey}",
                "expected a value at `Falsey}`",
            ),
            (
                "{'descr': '|u1, 'fortran_order': False}",
                "expected `}` at `fortran_order'",
            ),
            ("{'descr': '|u1", "unclosed string"),
            (
                "{'descr': '|u1', 'fortran_order': False, 'shape': (1, 2",
                "but the header ends",
            ),
            ("{1: 2}", "dict key 1 is not a string"),
            (
                "{'descr': '|u1', 'fortran_order': False, 'shape': (1,)} {}",
                "unexpected `{}` after the dict",
            ),
        ];
        for (text, want) in cases {
            let error = header(text).unwrap_err();
            assert!(error.contains(want), "{text}: {error}");
        }
        let deep = format!("{{'descr': {}1{}}}", "(".repeat(100), ")".repeat(100));
        assert!(header(&deep).unwrap_err().contains("nested more than 16"));
    }

    #[test]
    fn reads_rows_and_limits_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.npy");
        let data: Vec<u8> = (0..12).collect();
        write_u8(&path, &data, 4);
        assert_eq!(read_u8_rows(&path, 4, 2).unwrap(), &data[..8]);
        assert_eq!(read_u8_rows(&path, 4, 10).unwrap(), data);
    }

    #[test]
    fn reads_versions_2_and_3_and_three_dimensional_shapes() {
        let dir = tempfile::tempdir().unwrap();
        let header = "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 2, 2), }";
        for version in [2, 3] {
            let bytes = npy_bytes(version, header, &[1, 2, 3, 4, 5, 6, 7, 8]);
            let path = file_with(dir.path(), &format!("v{version}.npy"), &bytes);
            assert_eq!(read_u8_rows(&path, 4, 9).unwrap(), [1, 2, 3, 4, 5, 6, 7, 8]);
        }
    }

    #[test]
    fn rejects_malformed_files_naming_them() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("good.npy");
        write_u8(&good, &[7; 8], 4);
        let bytes = std::fs::read(&good).unwrap();
        let with_header = |header: &str| npy_bytes(1, header, &[7; 8]);
        let mut version_4 = bytes.clone();
        version_4[6] = 4;
        let cases: Vec<(&str, Vec<u8>, &str)> = vec![
            ("cut.npy", bytes[..bytes.len() - 1].to_vec(), "truncated"),
            ("header.npy", bytes[..20].to_vec(), "truncated"),
            ("tiny.npy", bytes[..4].to_vec(), "truncated"),
            (
                "long.npy",
                [&bytes[..], &[0]].concat(),
                "1 bytes after the 2×4 array",
            ),
            ("magic.npy", [b"PK", &bytes[2..]].concat(), "magic"),
            ("v4.npy", version_4, ".npy version 4.0 is not supported"),
            (
                "float.npy",
                with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 4), }"),
                "dtype '<f4' is not uint8",
            ),
            (
                "fortran.npy",
                with_header("{'descr': '|u1', 'fortran_order': True, 'shape': (2, 4), }"),
                "fortran_order is not False",
            ),
            (
                "broken.npy",
                with_header("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 4}"),
                "header: expected `)` at `}`",
            ),
            (
                "huge.npy",
                with_header(
                    "{'descr': '|u1', 'fortran_order': False, 'shape': (18446744073709551615, 4), }",
                ),
                "is larger than any file",
            ),
            (
                "huge3d.npy",
                with_header(
                    "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 4294967296, 4294967296), }",
                ),
                "shape [2, 4294967296, 4294967296] is not (N, 4)",
            ),
        ];
        for (name, bytes, what) in cases {
            let path = file_with(dir.path(), name, &bytes);
            let error = read_u8_rows(&path, 4, 10).unwrap_err().to_string();
            assert!(error.contains(name) && error.contains(what), "{error}");
        }
        let error = read_u8_rows(&good, 5, 10).unwrap_err().to_string();
        assert!(
            error.contains("good.npy") && error.contains("shape [2, 4] is not (N, 5)"),
            "{error}"
        );
        let error = read_u8_rows(&dir.path().join("none.npy"), 4, 1)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("none.npy") && error.contains("missing"),
            "{error}"
        );
    }
}
