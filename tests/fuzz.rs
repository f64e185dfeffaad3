//! A mutational fuzzer over the fixtures and the pass options. Every case must end in verified
//! output or a clean error: no panic, no abort, no IR that fails to verify. The test command replays
//! the regression corpus (`tests/fuzz-corpus/`, every input that ever broke a tool) and a fast run of
//! `SCALIFY_FUZZ_CASES` (default 300) seeded mutations; `scripts/fuzz N` runs a long one and saves any
//! failure into the corpus.

use std::path::PathBuf;

use scalify_dialect::io::STACK_SIZE;
use scalify_passes::scalify_module_text;
use scalify_tests::{Rng, fixture_paths};

const OPTIONS: &[&str] = &[
    "",
    "preset=f32",
    "preset=f16",
    "preset=bf16",
    "preset=fp8-hybrid",
    "preset=fp8-hybrid signature=keep rescale=l2",
    "data-type=f16 rescale-inputs=none rescale-results=none",
    "data-type=bf16 signature=scaled rounding=up",
    "matmul-type=f8 fp8-forward=e5m2 fp8-min-flops=1000",
    "strict=true",
];

/// Text an MLIR module is made of: splicing these in makes mutations that reach past the lexer.
const TOKENS: &[&str] = &[
    "tensor<",
    ">",
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    "%0",
    "%arg0",
    ":",
    ",",
    "f16",
    "f32",
    "i1",
    "0x7F800000",
    "-3.4028235E+38",
    "dense<",
    "stablehlo.add",
    "stablehlo.while",
    "\"",
    "\\xff",
    "#loc",
    "^bb0",
    "func.func",
    "stablehlo.return",
    "1e39",
    "?",
    "x0x",
];

/// Float splat values that stress scales: extremes, non-finite, subnormal, zero.
const EXTREMES: &[&str] = &[
    "0.000000e+00",
    "-0.000000e+00",
    "3.40282347E+38",
    "-3.40282347E+38",
    "1.000000e-45",
    "0x7F800000",
    "0xFF800000",
    "0x7FC00000",
    "6.550400e+04",
    "1.000000e-30",
    "-1.000000e+09",
    "2.000000e+00",
];

/// A float splat constant (`dense<1.000000e+00>`) given an extreme value: the module still parses and
/// verifies, so the pass itself meets the value.
fn extreme_constant(rng: &mut Rng, bytes: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(bytes).ok()?;
    let starts: Vec<usize> = text.match_indices("dense<").map(|(i, _)| i + "dense<".len()).collect();
    let start = *starts.get(rng.below(starts.len()))?;
    let end = start + text[start..].find('>')?;
    let literal = &text[start..end];
    let is_float = literal.contains('.') || literal.starts_with("0x");
    if !is_float || literal.contains('[') || literal.contains(',') {
        return None;
    }
    let extreme = EXTREMES[rng.below(EXTREMES.len())];
    Some(format!("{}{}{}", &text[..start], extreme, &text[end..]).into_bytes())
}

/// One mutation of `text`: byte flips, deletions, duplications, token splices, truncation, line
/// swaps, and (most often, since the rest rarely parses) extreme constants.
fn mutate(rng: &mut Rng, text: &[u8]) -> Vec<u8> {
    let mut bytes = text.to_vec();
    if rng.below(2) == 0 {
        for _ in 0..1 + rng.below(3) {
            if let Some(changed) = extreme_constant(rng, &bytes) {
                bytes = changed;
            }
        }
        return bytes;
    }
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(bytes.len());
        match rng.below(6) {
            0 => bytes[at] ^= 1 << rng.below(8),
            1 => {
                let end = (at + 1 + rng.below(64)).min(bytes.len());
                bytes.drain(at..end);
            }
            2 => {
                let end = (at + 1 + rng.below(64)).min(bytes.len());
                let copy = bytes[at..end].to_vec();
                let to = rng.below(bytes.len());
                bytes.splice(to..to, copy);
            }
            3 => {
                let token = TOKENS[rng.below(TOKENS.len())].as_bytes();
                bytes.splice(at..at, token.iter().copied());
            }
            4 => bytes.truncate(at),
            _ => {
                // Swap two lines: uses before definitions, terminators in the middle.
                let text = String::from_utf8_lossy(&bytes).into_owned();
                let mut lines: Vec<&str> = text.lines().collect();
                if lines.len() > 2 {
                    let (a, b) = (rng.below(lines.len()), rng.below(lines.len()));
                    lines.swap(a, b);
                }
                bytes = lines.join("\n").into_bytes();
            }
        }
        if bytes.is_empty() {
            break;
        }
    }
    bytes
}

/// Runs one case on a thread with the tools' stack; a panic is a failure (returned as its message).
fn run_case(module: Vec<u8>, options: &'static str) -> Result<(), String> {
    let worker = std::thread::Builder::new()
        .stack_size(STACK_SIZE)
        .spawn(move || match scalify_module_text(&module, options) {
            // The pipeline verified the output; a clean error is as good an ending.
            Ok(_) => Ok(()),
            Err(error) => {
                let text = error.render("<fuzz>");
                if text.contains("produced IR that does not verify") || text.contains("does not verify: ") {
                    Err(format!("invalid IR: {text}"))
                } else {
                    Ok(())
                }
            }
        })
        .map_err(|e| e.to_string())?;
    worker.join().unwrap_or_else(|panic| {
        let message =
            panic.downcast_ref::<String>().cloned().or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()));
        Err(format!("panic: {}", message.unwrap_or_default()))
    })
}

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz-corpus")
}

/// Every input that ever broke a tool, under every option set.
#[test]
fn the_regression_corpus_ends_cleanly() {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(corpus_dir()).unwrap().map(|e| e.unwrap().path()).collect();
    entries.retain(|p| p.extension().is_some_and(|e| e == "mlir" || e == "mlirbc"));
    entries.sort();
    assert!(entries.len() >= 8, "the corpus lost its cases");
    let mut failures = Vec::new();
    for path in &entries {
        let bytes = std::fs::read(path).unwrap();
        for options in OPTIONS {
            if let Err(e) = run_case(bytes.clone(), options) {
                failures.push(format!("{} with '{options}': {e}", path.display()));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Seeded mutations of the fixtures (`SCALIFY_FUZZ_CASES`, default 300; `SCALIFY_FUZZ_SEED`). A failing
/// case is written to `target/fuzz-failures/` to be added to the corpus.
#[test]
fn mutated_fixtures_end_cleanly() {
    let cases: usize = std::env::var("SCALIFY_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(300);
    let seed: u64 = std::env::var("SCALIFY_FUZZ_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(1);
    let mut paths = fixture_paths();
    // Sharded programs too: Shardy's ops in both forms (its custom syntax read by our grammar),
    // GSPMD's custom calls, shard_map bodies.
    for name in [
        "dp_step_shardy_generic",
        "shard_map_shardy_generic",
        "dp_step_shardy_pretty",
        "constraints_shardy_pretty",
        "shardy_syntax",
        "dp_step_gspmd",
        "shard_map_gspmd",
    ] {
        paths.push(scalify_tests::fixture(&format!("sharded/{name}")));
    }
    let sources: Vec<Vec<u8>> = paths.iter().map(|p| std::fs::read(p).unwrap()).collect();
    let mut rng = Rng(seed);
    let out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/fuzz-failures");
    // An LLVM fatal error ends the process: say which case, rather than abort without a word.
    scalify_dialect::exit_on_fatal_errors(&out.join("in-flight.mlir").display().to_string());
    let mut failures = Vec::new();
    for case in 0..cases {
        let source = &sources[rng.below(sources.len())];
        let mutated = mutate(&mut rng, source);
        let options = OPTIONS[rng.below(OPTIONS.len())];
        // An abort takes the process down with it: the case in flight is left here to be replayed.
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("in-flight.mlir"), &mutated).unwrap();
        std::fs::write(out.join("in-flight.options"), options).unwrap();
        if let Err(e) = run_case(mutated.clone(), options) {
            std::fs::create_dir_all(&out).unwrap();
            let path = out.join(format!("seed{seed}-case{case}.mlir"));
            std::fs::write(&path, &mutated).unwrap();
            failures.push(format!("{} with '{options}': {e}", path.display()));
        }
        if case > 0 && case % 1000 == 0 {
            eprintln!("fuzz: {case}/{cases} cases, {} failures", failures.len());
        }
    }
    let _ = std::fs::remove_file(out.join("in-flight.mlir"));
    assert!(failures.is_empty(), "{} of {cases} cases failed:\n{}", failures.len(), failures.join("\n"));
}
