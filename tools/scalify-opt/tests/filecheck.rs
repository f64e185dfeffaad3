//! The rules' FileCheck tests: every `passes/tests/filecheck/*.mlir` runs its `// RUN:` lines through
//! bash (with pipefail), `%s` the file, `scalify-opt` this build's, `FileCheck` LLVM 22's. A new rule
//! gets a table row and one such file.

use std::path::{Path, PathBuf};
use std::process::Command;

/// LLVM 22's FileCheck (Debian's `llvm-22-tools`, installed by `scripts/setup`).
fn filecheck() -> PathBuf {
    ["FileCheck-22", "/usr/lib/llvm-22/bin/FileCheck", "FileCheck"]
        .iter()
        .map(PathBuf::from)
        .find(|candidate| Command::new(candidate).arg("--version").output().is_ok_and(|o| o.status.success()))
        .expect("FileCheck not found: LLVM 22's llvm-22-tools (scripts/setup installs it)")
}

fn files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../passes/tests/filecheck");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "mlir"))
        .collect();
    files.sort();
    files
}

#[test]
fn rules_pass_their_filecheck_files() {
    // `scalify-opt` and `FileCheck` by those names, first on PATH.
    let tools = tempfile::tempdir().expect("temporary directory");
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_scalify-opt"), tools.path().join("scalify-opt")).unwrap();
    let filecheck = filecheck();
    let filecheck = which(&filecheck).unwrap_or(filecheck);
    std::os::unix::fs::symlink(&filecheck, tools.path().join("FileCheck")).unwrap();
    let path = format!("{}:{}", tools.path().display(), std::env::var("PATH").unwrap_or_default());

    let files = files();
    assert!(files.len() >= 4, "FileCheck files missing: found {}", files.len());
    let mut failures = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let runs: Vec<&str> = text.lines().filter_map(|l| l.trim().strip_prefix("// RUN:")).collect();
        assert!(!runs.is_empty(), "{}: no RUN line", file.display());
        for run in runs {
            let command = run.trim().replace("%s", &file.display().to_string());
            let output = Command::new("bash")
                .args(["-o", "pipefail", "-c", &command])
                .env("PATH", &path)
                .output()
                .expect("bash runs");
            if !output.status.success() {
                failures.push(format!("{}: {command}\n{}", file.display(), String::from_utf8_lossy(&output.stderr)));
            }
        }
    }
    assert!(failures.is_empty(), "{} failing:\n{}", failures.len(), failures.join("\n"));
}

/// `name` resolved on PATH (a symlink needs the real path).
fn which(name: &Path) -> Option<PathBuf> {
    if name.is_absolute() {
        return Some(name.to_path_buf());
    }
    std::env::split_paths(&std::env::var_os("PATH")?).map(|dir| dir.join(name)).find(|p| p.is_file())
}
