//! Where the fixtures are, for the tests of every crate.

use std::path::{Path, PathBuf};

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Every `tests/fixtures/*.mlir`, sorted by name.
pub fn fixture_paths() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(fixtures_dir())
        .expect("tests/fixtures exists")
        .map(|entry| entry.expect("readable entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "mlir"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no fixtures in {}", fixtures_dir().display());
    paths
}

pub fn fixture(name: &str) -> PathBuf {
    fixtures_dir().join(format!("{name}.mlir"))
}
