//! Just enough of numpy's `.npy` format (versions 1 to 3) to read a C-ordered uint8 matrix.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use crate::DatasetError;

const MAGIC: &[u8] = b"\x93NUMPY";

/// Reads the first `max_rows` rows (all of them back to back) of a uint8 `.npy` array whose rows hold `row_len` values
/// (shape `(N, row_len)` or `(N, h, w)` with `h × w = row_len`), checking the header and that
/// the file holds exactly the bytes its shape says.
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
    let (shape, data_offset) = read_header(path, &mut reader, file_len)?;
    let bad = |reason: String| DatasetError::malformed(path, reason);
    let rows = match shape[..] {
        [n, len] if len == row_len => n,
        [n, h, w] if h * w == row_len => n,
        _ => {
            return Err(bad(format!(
                "shape {shape:?} is not (N, {row_len}): expected rows of {row_len} pixels"
            )));
        }
    };
    let expected = data_offset + (rows * row_len) as u64;
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
    let take = rows.min(max_rows);
    let mut data = vec![0u8; take * row_len];
    reader
        .seek(SeekFrom::Start(data_offset))
        .and_then(|_| reader.read_exact(&mut data))
        .map_err(|e| DatasetError::io(path, e))?;
    Ok(data)
}

/// Checks the magic, version and header dictionary; returns the shape and where the data starts.
fn read_header(
    path: &Path,
    reader: &mut impl Read,
    file_len: u64,
) -> Result<(Vec<usize>, u64), DatasetError> {
    let bad = |reason: &str| DatasetError::malformed(path, reason);
    let truncated = |expected: u64| DatasetError::Truncated {
        path: path.into(),
        expected,
        found: file_len,
    };
    if file_len < 10 {
        return Err(truncated(10));
    }
    let mut preamble = [0u8; 8];
    reader
        .read_exact(&mut preamble)
        .map_err(|e| DatasetError::io(path, e))?;
    if &preamble[..6] != MAGIC {
        return Err(bad("not a .npy file (no \\x93NUMPY magic)"));
    }
    let (len_bytes, version) = match preamble[6] {
        1 => (2, 1),
        2 | 3 => (4, preamble[6]),
        v => {
            return Err(bad(&format!(
                ".npy version {v} is not supported (1 to 3 are)"
            )));
        }
    };
    let mut len = [0u8; 4];
    reader
        .read_exact(&mut len[..len_bytes])
        .map_err(|e| DatasetError::io(path, e))?;
    let header_len = u32::from_le_bytes(len) as u64;
    let data_offset = 8 + len_bytes as u64 + header_len;
    if file_len < data_offset {
        return Err(truncated(data_offset));
    }
    let mut header = vec![0u8; header_len as usize];
    reader
        .read_exact(&mut header)
        .map_err(|e| DatasetError::io(path, e))?;
    let header = String::from_utf8(header).map_err(|_| bad("header is not text"))?;
    let value = |key: &str| -> Result<&str, DatasetError> {
        let quoted = format!("'{key}':");
        let start = header
            .find(&quoted)
            .ok_or_else(|| bad(&format!("header has no {key:?} (version {version})")))?;
        Ok(header[start + quoted.len()..].trim_start())
    };
    let descr = value("descr")?;
    if !(descr.starts_with("'|u1'") || descr.starts_with("'u1'") || descr.starts_with("'<u1'")) {
        let shown: String = descr.chars().take_while(|&c| c != ',').collect();
        return Err(bad(&format!(
            "dtype {shown} is not uint8 ('|u1'): QuickDraw bitmaps are bytes"
        )));
    }
    if !value("fortran_order")?.starts_with("False") {
        return Err(bad(
            "fortran_order is not False: only C-ordered arrays are read",
        ));
    }
    let shape = value("shape")?;
    let inner = shape
        .strip_prefix('(')
        .and_then(|s| s.split_once(')'))
        .map(|(inner, _)| inner)
        .ok_or_else(|| bad("shape is not a tuple"))?;
    let shape = inner
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.trim_end_matches('L').parse::<usize>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| bad(&format!("shape ({inner}) is not a tuple of sizes")))?;
    Ok((shape, data_offset))
}

/// Writes a uint8 `.npy` file of `rows` rows of `row_len` bytes in format version 1.
#[cfg(test)]
pub(crate) fn write_u8(path: &Path, data: &[u8], row_len: usize) {
    let rows = data.len() / row_len;
    let mut header =
        format!("{{'descr': '|u1', 'fortran_order': False, 'shape': ({rows}, {row_len}), }}");
    // numpy pads the header with spaces so the data starts on a 64-byte boundary.
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(' ');
    }
    header.push('\n');
    let mut bytes = MAGIC.to_vec();
    bytes.extend([1, 0]);
    bytes.extend((header.len() as u16).to_le_bytes());
    bytes.extend(header.as_bytes());
    bytes.extend(data);
    std::fs::write(path, bytes).unwrap();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_with(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
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
    fn reads_version_2_and_three_dimensional_shapes() {
        let dir = tempfile::tempdir().unwrap();
        let header = "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 2, 2), }\n";
        let mut bytes = b"\x93NUMPY\x02\x00".to_vec();
        bytes.extend((header.len() as u32).to_le_bytes());
        bytes.extend(header.as_bytes());
        bytes.extend(1..=8u8);
        let path = file_with(dir.path(), "v2.npy", &bytes);
        assert_eq!(read_u8_rows(&path, 4, 9).unwrap(), [1, 2, 3, 4, 5, 6, 7, 8]);
    }

    #[test]
    fn rejects_malformed_files_naming_them() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("good.npy");
        write_u8(&good, &[7; 8], 4);
        let bytes = std::fs::read(&good).unwrap();
        let mut float = bytes.clone();
        let at = float.windows(3).position(|w| w == b"|u1").unwrap();
        float[at..at + 3].copy_from_slice(b"<f4");
        let cases: Vec<(&str, Vec<u8>, &str)> = vec![
            ("cut.npy", bytes[..bytes.len() - 1].to_vec(), "truncated"),
            ("header.npy", bytes[..20].to_vec(), "truncated"),
            ("tiny.npy", bytes[..4].to_vec(), "truncated"),
            ("long.npy", [&bytes[..], &[0]].concat(), "after"),
            ("magic.npy", [b"PK", &bytes[2..]].concat(), "magic"),
            ("float.npy", float, "not uint8"),
        ];
        for (name, bytes, what) in cases {
            let path = file_with(dir.path(), name, &bytes);
            let error = read_u8_rows(&path, 4, 10).unwrap_err().to_string();
            assert!(error.contains(name) && error.contains(what), "{error}");
        }
        let error = read_u8_rows(&good, 5, 10).unwrap_err().to_string();
        assert!(
            error.contains("good.npy") && error.contains("shape [2, 4]"),
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
