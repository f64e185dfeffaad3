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

/// The table's rows a module exercises: the ops (a custom call by its target) the report says a rule
/// rewrote, fallbacks excluded.
fn rows_exercised(command: &str) -> std::collections::BTreeSet<String> {
    let report = tempfile::NamedTempFile::new().expect("temporary file");
    let command = format!("{command} --scalify-report {} -o /dev/null", report.path().display());
    let output = Command::new("bash").args(["-c", &command]).output().expect("bash runs");
    assert!(output.status.success(), "{command}\n{}", String::from_utf8_lossy(&output.stderr));
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(report.path()).unwrap()).unwrap();
    let ops = json["ops"].as_object().expect("the report's ops");
    ops.iter()
        .filter(|(_, entry)| {
            entry["rules"].as_object().is_some_and(|rules| rules.keys().any(|r| r != "unscaled-fallback"))
        })
        .map(|(op, _)| op.clone())
        .collect()
}

/// Every row of the rule table (and of the custom-call table) is applied by some test input: the
/// FileCheck files (through their own RUN options) or the fixtures (real JAX, PyTorch and sharded
/// exports, at the f16 and fp8-hybrid presets). A new row without a test fails here.
#[test]
fn every_table_row_is_exercised() {
    let opt = env!("CARGO_BIN_EXE_scalify-opt");
    let mut commands = Vec::new();
    for file in files() {
        let text = std::fs::read_to_string(&file).unwrap();
        for run in text.lines().filter_map(|l| l.trim().strip_prefix("// RUN:")) {
            let before_pipe = run.split('|').next().unwrap().trim();
            let rest = before_pipe.strip_prefix("scalify-opt").expect("RUN lines start with scalify-opt");
            commands.push(format!("{opt} {}", rest.replace("%s", &file.display().to_string())));
        }
    }
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
    // Sharded steps at static scales: GSPMD's manual computations refuse run-time ones.
    let static_f16 = "data-type=f16 rescale-inputs=none rescale-results=none rescale=none signature=keep";
    for (dir, options) in [
        (fixtures.clone(), ["preset=f16", "preset=fp8-hybrid"]),
        (fixtures.join("sharded"), [static_f16, "data-type=f32"]),
    ] {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "mlir") {
                for options in options {
                    commands.push(format!("{opt} {} --scalify='{options}'", path.display()));
                }
            }
        }
    }
    let exercised: std::collections::BTreeSet<String> = commands.iter().flat_map(|c| rows_exercised(c)).collect();
    let rows = scalify_passes::scalify::rules::RULES.iter().chain(scalify_passes::scalify::rules::CUSTOM_CALLS);
    let missing: Vec<&str> = rows.map(|rule| rule.op).filter(|op| !exercised.contains(*op)).collect();
    assert!(missing.is_empty(), "table rows no test input exercises: {missing:?}");
}
