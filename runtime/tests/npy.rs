//! `.npy` files of every dtype against numpy + ml_dtypes themselves (the project's venv).

use std::path::Path;
use std::process::Command;

use scalify_runtime::{DType, HostArray, npy};

fn python() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/python")
}

/// numpy dtype expression for each of ours.
fn numpy_dtype(dtype: DType) -> &'static str {
    match dtype {
        DType::Pred => "np.bool_",
        DType::S8 => "np.int8",
        DType::S16 => "np.int16",
        DType::S32 => "np.int32",
        DType::S64 => "np.int64",
        DType::U8 => "np.uint8",
        DType::U16 => "np.uint16",
        DType::U32 => "np.uint32",
        DType::U64 => "np.uint64",
        DType::F16 => "np.float16",
        DType::BF16 => "ml_dtypes.bfloat16",
        DType::F32 => "np.float32",
        DType::F64 => "np.float64",
        DType::F8E4M3FN => "ml_dtypes.float8_e4m3fn",
        DType::F8E5M2 => "ml_dtypes.float8_e5m2",
    }
}

/// Values every dtype represents exactly: small integers and halves, of both signs where signed.
fn values(dtype: DType) -> Vec<f64> {
    (0..12)
        .map(|i| match dtype {
            DType::Pred => (i % 3 == 0) as u8 as f64,
            d if d.is_float() => (i as f64 - 6.0) * 0.5,
            DType::U8 | DType::U16 | DType::U32 | DType::U64 => i as f64,
            _ => i as f64 - 6.0,
        })
        .collect()
}

fn run_python(script: &str) {
    let output = Command::new(python()).arg("-c").arg(script).output().expect("the venv's python runs");
    assert!(output.status.success(), "python failed:\n{script}\n{}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn reads_what_numpy_writes() {
    let dir = tempfile::tempdir().unwrap();
    for dtype in DType::ALL {
        let path = dir.path().join(format!("{dtype}.npy"));
        let list = format!("{:?}", values(dtype));
        run_python(&format!(
            "import numpy as np, ml_dtypes\nnp.save(r'{}', np.array({list}, dtype=np.float64).astype({}).reshape(3, 4))",
            path.display(),
            numpy_dtype(dtype)
        ));
        let array = npy::read(&path, Some(dtype)).unwrap_or_else(|e| panic!("{dtype}: {e}"));
        assert_eq!(array.dtype(), dtype);
        assert_eq!(array.shape(), &[3, 4]);
        assert_eq!(array.to_f64(), values(dtype), "{dtype}");
    }
}

#[test]
fn numpy_reads_what_we_write() {
    let dir = tempfile::tempdir().unwrap();
    for dtype in DType::ALL {
        let path = dir.path().join(format!("{dtype}.npy"));
        let array = HostArray::from_f64(dtype, vec![2, 6], &values(dtype)).unwrap();
        npy::write(&path, &array).unwrap();
        // Void records (bfloat16, float8) are viewed as their ml_dtypes type, as numpy users do.
        let view = if matches!(dtype, DType::BF16 | DType::F8E4M3FN | DType::F8E5M2) {
            format!(".view({})", numpy_dtype(dtype))
        } else {
            String::new()
        };
        run_python(&format!(
            "import numpy as np, ml_dtypes\na = np.load(r'{}'){view}\nassert a.dtype == np.dtype({}), a.dtype\nassert a.shape == (2, 6), a.shape\nassert a.astype(np.float64).ravel().tolist() == {:?}, a",
            path.display(),
            numpy_dtype(dtype),
            values(dtype)
        ));
    }
}

#[test]
fn scalars_and_bad_files() {
    let dir = tempfile::tempdir().unwrap();
    let scalar = HostArray::from_f64(DType::F32, vec![], &[2.5]).unwrap();
    let path = dir.path().join("scalar.npy");
    npy::write(&path, &scalar).unwrap();
    assert_eq!(npy::read(&path, None).unwrap(), scalar);

    let junk = dir.path().join("junk.npy");
    std::fs::write(&junk, b"not numpy at all").unwrap();
    assert!(npy::read(&junk, None).unwrap_err().to_string().contains("not a .npy file"));
    // An FP8 file is a one-byte void record: without the expected type it is ambiguous (E4M3FN or
    // E5M2), with a wrong one it is refused. bfloat16 ('<V2') is the only two-byte record.
    let fp8 = dir.path().join("fp8.npy");
    npy::write(&fp8, &HostArray::from_f64(DType::F8E5M2, vec![1], &[1.0]).unwrap()).unwrap();
    assert!(npy::read(&fp8, None).unwrap_err().to_string().contains("'|V1'"));
    assert!(npy::read(&fp8, Some(DType::F32)).unwrap_err().to_string().contains("cannot be read as f32"));
    assert_eq!(npy::read(&fp8, Some(DType::F8E5M2)).unwrap().to_f64(), vec![1.0]);
    let bf16 = dir.path().join("bf16.npy");
    npy::write(&bf16, &HostArray::from_f64(DType::BF16, vec![1], &[1.0]).unwrap()).unwrap();
    assert_eq!(npy::read(&bf16, None).unwrap().dtype(), DType::BF16);
    assert!(npy::read(&dir.path().join("missing.npy"), None).is_err());
}
