//! numpy's `.npy` format (versions 1-3), C order. bfloat16 and float8 arrays, which numpy stores as raw
//! void records, are read as the dtype the caller expects and written so that numpy + ml_dtypes read them
//! back with `.view(dtype)`.

use std::io::Write;
use std::path::Path;

use crate::array::HostArray;
use crate::dtype::DType;

const MAGIC: &[u8] = b"\x93NUMPY";

#[derive(Debug, thiserror::Error)]
pub enum NpyError {
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{path}: not a .npy file ({reason})")]
    Format { path: String, reason: String },
    #[error("{path}: dtype '{descr}' cannot be read as {expected}")]
    DType { path: String, descr: String, expected: String },
    #[error("{path}: {source}")]
    Array { path: String, source: crate::array::ArrayError },
}

/// The value of `'key': value` in the header dict, up to the next top-level comma.
fn header_field<'h>(header: &'h str, key: &str) -> Option<&'h str> {
    let start = header.find(&format!("'{key}'"))? + key.len() + 2;
    let rest = header[start..].trim_start().strip_prefix(':')?.trim_start();
    if rest.starts_with('(') {
        return rest.find(')').map(|end| &rest[..=end]);
    }
    let end = rest.find([',', '}']).unwrap_or(rest.len());
    Some(rest[..end].trim())
}

/// Reads a `.npy` file. `expected` resolves void records (`<V2`, `|V1`) and must match otherwise.
pub fn read(path: &Path, expected: Option<DType>) -> Result<HostArray, NpyError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| NpyError::Io { path: name.clone(), source })?;
    decode(&name, &bytes, expected)
}

/// The arrays of a `.npz` file (`np.savez`, `np.savez_compressed`) in the order they were saved, with
/// their names; each decoded as `decode` does, with `expected[i]` for the i-th.
pub fn read_npz(path: &Path, expected: &[Option<DType>]) -> Result<Vec<(String, HostArray)>, NpyError> {
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|source| NpyError::Io { path: name.clone(), source })?;
    let format = |reason: String| NpyError::Format { path: name.clone(), reason };
    let mut archive = zip::ZipArchive::new(file).map_err(|e| format(format!("not a .npz archive: {e}")))?;
    let mut arrays = Vec::new();
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).map_err(|e| format(e.to_string()))?;
        let member = entry.name().trim_end_matches(".npy").to_string();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut bytes)
            .map_err(|source| NpyError::Io { path: name.clone(), source })?;
        let array = decode(&format!("{name}[{member}]"), &bytes, expected.get(index).copied().flatten())?;
        arrays.push((member, array));
    }
    Ok(arrays)
}

/// Decodes the bytes of a `.npy` file named `name` (for errors).
pub fn decode(name: &str, bytes: &[u8], expected: Option<DType>) -> Result<HostArray, NpyError> {
    let name = name.to_string();
    let format = |reason: &str| NpyError::Format { path: name.clone(), reason: reason.to_string() };
    if bytes.len() < 10 || !bytes.starts_with(MAGIC) {
        return Err(format("missing the \\x93NUMPY magic"));
    }
    let (header_len, header_start) = match bytes[6] {
        1 => (u16::from_le_bytes([bytes[8], bytes[9]]) as usize, 10),
        2 | 3 if bytes.len() >= 12 => (u32::from_le_bytes(bytes[8..12].try_into().unwrap()) as usize, 12),
        v => return Err(format(&format!("unsupported version {v}"))),
    };
    let header = bytes
        .get(header_start..header_start + header_len)
        .and_then(|h| std::str::from_utf8(h).ok())
        .ok_or_else(|| format("truncated header"))?;
    let descr = header_field(header, "descr").ok_or_else(|| format("no descr"))?.trim_matches('\'');
    if header_field(header, "fortran_order") == Some("True") {
        return Err(format("Fortran-ordered arrays are not supported; save with np.ascontiguousarray"));
    }
    let shape_text = header_field(header, "shape").ok_or_else(|| format("no shape"))?;
    let shape = shape_text
        .trim_matches(|c| c == '(' || c == ')')
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<i64>().map_err(|_| format("bad shape")))
        .collect::<Result<Vec<_>, _>>()?;
    let candidates = DType::from_npy_descr(descr);
    let dtype = match expected {
        Some(want) if candidates.contains(&want) => want,
        None if candidates.len() == 1 => candidates[0],
        _ => {
            return Err(NpyError::DType {
                path: name,
                descr: descr.to_string(),
                expected: expected
                    .map_or("a known dtype (void records need the expected type)".into(), |d| d.to_string()),
            });
        }
    };
    let data = bytes[header_start + header_len..].to_vec();
    HostArray::new(dtype, shape, data).map_err(|source| NpyError::Array { path: name, source })
}

/// The bytes of a version-1 `.npy` file holding `array`.
pub fn encode(array: &HostArray) -> Vec<u8> {
    let shape = match array.shape() {
        [] => "()".to_string(),
        [one] => format!("({one},)"),
        dims => format!("({})", dims.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")),
    };
    let mut header =
        format!("{{'descr': '{}', 'fortran_order': False, 'shape': {shape}, }}", array.dtype().npy_descr());
    // Pad with spaces so the data starts on a 64-byte boundary; the header ends with a newline.
    let unpadded = MAGIC.len() + 4 + header.len() + 1;
    header.push_str(&" ".repeat((64 - unpadded % 64) % 64));
    header.push('\n');
    let mut out = Vec::with_capacity(10 + header.len() + array.bytes().len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&[1, 0]);
    out.extend_from_slice(&(header.len() as u16).to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(array.bytes());
    out
}

/// Writes `array` to `path` (through a temporary file, renamed into place).
pub fn write(path: &Path, array: &HostArray) -> Result<(), NpyError> {
    let name = path.display().to_string();
    let io = |source| NpyError::Io { path: name.clone(), source };
    let tmp = path.with_extension("npy.partial");
    let mut file = std::fs::File::create(&tmp).map_err(io)?;
    file.write_all(&encode(array)).map_err(io)?;
    drop(file);
    std::fs::rename(&tmp, path).map_err(io)
}
