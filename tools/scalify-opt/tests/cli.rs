//! scalify-opt as a user runs it: mlir-opt conventions, and clear diagnostics on bad input.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use scalify_tests::fixture;

fn scalify_opt(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_scalify-opt"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("scalify-opt starts");
    let input = stdin.unwrap_or_default().to_vec();
    let mut pipe = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || pipe.write_all(&input));
    let output = child.wait_with_output().expect("scalify-opt finishes");
    let _ = writer.join();
    output
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A failure as mlir-opt reports it: exit code 1, no panic, a diagnostic on stderr.
fn assert_clean_failure(output: &Output, expected: &str) {
    let err = stderr(output);
    assert_eq!(output.status.code(), Some(1), "exit code; stderr: {err}");
    assert!(!err.contains("panicked"), "panic: {err}");
    assert!(err.contains(expected), "expected {expected:?} in stderr: {err}");
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_string_lossy().into_owned()
}

const ADD: &str = "func.func @main(%a: tensor<4xf32>) -> tensor<4xf32> {\n  %0 = stablehlo.add %a, %a : tensor<4xf32>\n  return %0 : tensor<4xf32>\n}\n";

#[test]
fn round_trips_a_fixture_to_a_file_and_back() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.mlir");
    let input = fixture("mlp_train_step");
    let output = scalify_opt(&[input.to_str().unwrap(), "-o", out.to_str().unwrap()], None);
    assert!(output.status.success(), "{}", stderr(&output));
    let first = std::fs::read_to_string(&out).unwrap();
    assert!(first.contains("stablehlo.dot_general"));
    let again = scalify_opt(&[out.to_str().unwrap()], None);
    assert_eq!(stdout(&again), first, "printing is a fixed point");
}

#[test]
fn reads_stdin_and_every_input_form() {
    let text = scalify_opt(&["-"], Some(ADD.as_bytes()));
    assert!(text.status.success(), "{}", stderr(&text));
    let generic = scalify_opt(&["--emit=generic"], Some(ADD.as_bytes()));
    assert!(stdout(&generic).contains("\"stablehlo.add\"(%arg0, %arg0)"), "{}", stdout(&generic));
    let bytecode = scalify_opt(&["--emit=bytecode"], Some(ADD.as_bytes()));
    assert!(bytecode.stdout.starts_with(b"ML\xefR"));
    for form in [&generic.stdout, &bytecode.stdout] {
        let back = scalify_opt(&[], Some(form));
        assert!(back.status.success(), "{}", stderr(&back));
        assert_eq!(stdout(&back), stdout(&text));
    }
}

#[test]
fn runs_per_pass_flags_in_order_and_pipelines() {
    let module = "func.func private @twice(%x: tensor<4xf32>) -> tensor<4xf32> {\n  %0 = stablehlo.add %x, %x : tensor<4xf32>\n  return %0 : tensor<4xf32>\n}\nfunc.func @main(%a: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {\n  %0 = call @twice(%a) : (tensor<4xf32>) -> tensor<4xf32>\n  %1 = call @twice(%a) : (tensor<4xf32>) -> tensor<4xf32>\n  return %0, %1 : tensor<4xf32>, tensor<4xf32>\n}\n";
    let flags = scalify_opt(&["--inline", "--cse", "--symbol-dce"], Some(module.as_bytes()));
    assert!(flags.status.success(), "{}", stderr(&flags));
    let out = stdout(&flags);
    assert_eq!(out.matches("stablehlo.add").count(), 1, "inline then cse leaves one add: {out}");
    assert!(!out.contains("@twice"), "symbol-dce removes the inlined function: {out}");

    // cse before inline has nothing to merge yet: order matters, as in mlir-opt. (The inliner drops
    // the private callee itself, so two adds remain.)
    let reversed = scalify_opt(&["--cse", "--inline"], Some(module.as_bytes()));
    assert_eq!(stdout(&reversed).matches("stablehlo.add").count(), 2, "{}", stdout(&reversed));

    let pipeline = scalify_opt(&["--pass-pipeline=builtin.module(inline,cse,symbol-dce)"], Some(module.as_bytes()));
    assert_eq!(stdout(&pipeline), out);
}

#[test]
fn legalizes_chlo_nested_under_functions() {
    let module = "func.func @main(%a: tensor<4xf32>) -> tensor<4xf32> {\n  %0 = chlo.erf %a : tensor<4xf32> -> tensor<4xf32>\n  return %0 : tensor<4xf32>\n}\n";
    let output = scalify_opt(&["--chlo-legalize-to-stablehlo"], Some(module.as_bytes()));
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(!stdout(&output).contains("chlo."), "{}", stdout(&output));
}

#[test]
fn prints_ir_after_each_pass() {
    let output = scalify_opt(&["--cse", "--canonicalize", "--mlir-print-ir-after-all"], Some(ADD.as_bytes()));
    assert!(output.status.success());
    let err = stderr(&output);
    assert!(err.contains("IR Dump After CSE"), "{err}");
    assert!(err.contains("IR Dump After Canonicalizer"), "{err}");
}

#[test]
fn version_names_the_mlir_library() {
    let output = scalify_opt(&["--version"], None);
    assert!(output.status.success());
    let out = stdout(&output);
    assert!(out.starts_with(&format!("scalify-opt {}", env!("CARGO_PKG_VERSION"))), "{out}");
    assert!(out.contains("libIREECompiler.so") && out.contains("revision 3.10.0"), "{out}");
}

#[test]
fn malformed_input_reports_file_line_col_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(dir.path(), "bad.mlir", b"func.func @main() {\n  %0 = stablehlo.constant dense<1.0> : tensor<f32>\n  %1 = stablehlo.add %0, : tensor<f32>\n}\n");
    let out = dir.path().join("out.mlir");
    std::fs::write(&out, "previous contents").unwrap();
    let output = scalify_opt(&[&bad, "-o", out.to_str().unwrap()], None);
    assert_clean_failure(&output, &format!("{bad}:3:"));
    assert!(stderr(&output).contains("error:"));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "previous contents", "output touched on failure");
    let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(leftovers, 2, "a temporary file was left behind");
}

#[test]
fn verifier_errors_point_at_the_op() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(dir.path(), "mismatch.mlir", b"func.func @main(%a: tensor<4xf32>) -> tensor<4xf32> {\n  %0 = \"stablehlo.add\"(%a, %a) : (tensor<4xf32>, tensor<4xf32>) -> tensor<5xf32>\n  return %0 : tensor<5xf32>\n}\n");
    let output = scalify_opt(&[&bad], None);
    assert_clean_failure(&output, &format!("{bad}:2:8: error:"));
}

#[test]
fn unknown_dialect_and_op_are_diagnosed() {
    let dir = tempfile::tempdir().unwrap();
    let unknown = write(dir.path(), "dialect.mlir", b"func.func @f() {\n  %0 = nosuch.op : () -> i32\n  return\n}\n");
    assert_clean_failure(&scalify_opt(&[&unknown], None), &format!("{unknown}:2:8: error: Dialect `nosuch' not found"));
    let output = scalify_opt(&["-"], Some(b"func.func @f() {\n  %0 = stablehlo.nosuch : () -> i32\n  return\n}\n"));
    assert_clean_failure(&output, "<stdin>:2:8: error: custom op 'stablehlo.nosuch' is unknown");
}

#[test]
fn binary_garbage_and_empty_input_do_not_crash() {
    let dir = tempfile::tempdir().unwrap();
    let garbage: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
    let path = write(dir.path(), "garbage.mlir", &garbage);
    assert_clean_failure(&scalify_opt(&[&path], None), &format!("{path}:1:"));
    // Bytecode magic followed by junk: the bytecode reader must reject it, not abort.
    let mut fake = b"ML\xefR".to_vec();
    fake.extend_from_slice(&garbage[..64]);
    assert_clean_failure(&scalify_opt(&["-"], Some(&fake)), "error:");
    // Like mlir-opt, an empty input is an empty module.
    let empty = write(dir.path(), "empty.mlir", b"");
    let output = scalify_opt(&[&empty], None);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output).trim(), "module {\n}");
}

#[test]
fn missing_or_unreadable_paths_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.mlir");
    let missing = missing.to_str().unwrap();
    assert_clean_failure(&scalify_opt(&[missing], None), &format!("{missing}: error: could not open input file"));
    let folder = dir.path().to_str().unwrap();
    assert_clean_failure(&scalify_opt(&[folder], None), "it is a directory");
    let input = fixture("mlp_train_step");
    let nowhere = dir.path().join("no/such/dir/out.mlir");
    assert_clean_failure(
        &scalify_opt(&[input.to_str().unwrap(), "-o", nowhere.to_str().unwrap()], None),
        "could not write output file",
    );
}

#[test]
fn bad_pipelines_and_flags_are_rejected_before_reading_input() {
    let output = scalify_opt(&["--pass-pipeline=builtin.module(no-such-pass)"], Some(ADD.as_bytes()));
    assert_clean_failure(&output, "'no-such-pass' does not refer to a registered pass");
    // A pass anchored on functions, scheduled on the module: MLIR refuses it, the process survives.
    let output = scalify_opt(&["--pass-pipeline=builtin.module(chlo-legalize-to-stablehlo)"], Some(ADD.as_bytes()));
    assert_clean_failure(&output, "did you intend to nest?");
    let output = scalify_opt(&["--pass-pipeline=cse"], Some(ADD.as_bytes()));
    assert_clean_failure(&output, "builtin.module(...)");
    let output = scalify_opt(&["--pass-pipeline=builtin.module(cse)", "--inline"], Some(ADD.as_bytes()));
    assert_clean_failure(&output, "cannot be combined");
    let output = scalify_opt(&["--no-such-flag"], Some(ADD.as_bytes()));
    assert_clean_failure(&output, "unexpected argument '--no-such-flag'");
    let output = scalify_opt(&["--emit=svg"], Some(ADD.as_bytes()));
    assert_clean_failure(&output, "invalid value 'svg'");
}

#[test]
fn scalify_rewrites_a_training_step_and_writes_its_report() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.mlir");
    let report = dir.path().join("report.json");
    let input = fixture("mlp_train_step");
    let output = scalify_opt(
        &[
            input.to_str().unwrap(),
            "--scalify=data-type=f16",
            "--scalify-report",
            report.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
        None,
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).is_empty(), "no warnings expected: {}", stderr(&output));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("xf16>"), "data in f16");
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(report["fallback_count"], 0);
    assert_eq!(report["ops"]["stablehlo.dot_general"]["count"], 8);
    assert_eq!(report["ops"]["stablehlo.dot_general"]["rules"]["dot-general"], 8);
}

#[test]
fn scalify_warns_about_fallbacks_with_their_location() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "custom.mlir",
        b"func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {\n  %0 = stablehlo.custom_call @my_kernel(%x) : (tensor<4xf32>) -> tensor<4xf32>\n  return %0 : tensor<4xf32>\n}\n",
    );
    let lenient = scalify_opt(&[&path, "--scalify"], None);
    assert!(lenient.status.success(), "{}", stderr(&lenient));
    assert!(
        stderr(&lenient).contains(&format!("{path}:2:8: warning: scalify: no scale rule for 'stablehlo.custom_call'")),
        "{}",
        stderr(&lenient)
    );
    let out = dir.path().join("out.mlir");
    let strict = scalify_opt(&[&path, "--scalify=strict=true", "-o", out.to_str().unwrap()], None);
    assert_clean_failure(
        &strict,
        &format!(
            "{path}:2:8: error: scalify: no scale rule for 'stablehlo.custom_call' with target 'my_kernel' (strict=true)"
        ),
    );
    assert!(!out.exists(), "strict failure wrote an output");
}

#[test]
fn scalify_in_a_pipeline_and_bad_options() {
    let input = fixture("rnn_train_step");
    let output = scalify_opt(
        &[input.to_str().unwrap(), "--pass-pipeline=builtin.module(inline,scalify{data-type=bf16 rounding=up},cse)"],
        None,
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("xbf16>"));
    let bad = scalify_opt(&[input.to_str().unwrap(), "--scalify=data-type=f64"], None);
    assert_clean_failure(&bad, "data-type must be f32, f16 or bf16, not 'f64'");
    let needs_pass = scalify_opt(&[input.to_str().unwrap(), "--cse", "--scalify-report=/tmp/x.json"], None);
    assert_clean_failure(&needs_pass, "--scalify-report needs the scalify pass");
}

#[test]
fn non_utf8_bytes_in_a_diagnostic_do_not_abort() {
    let dir = tempfile::tempdir().unwrap();
    let module = ADD.replace(
        "stablehlo.add %a, %a : tensor<4xf32>",
        "\"stablehlo.add\u{1}\"(%a, %a) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>",
    );
    let mut bytes = module.into_bytes();
    let at = bytes.iter().position(|b| *b == 1).unwrap();
    bytes[at] = 0xff;
    let input = write(dir.path(), "bad.mlir", &bytes);
    assert_clean_failure(&scalify_opt(&[&input], None), "bad.mlir:2:8: error: unregistered operation");
}

#[test]
fn deep_nesting_is_refused_with_its_position() {
    let dir = tempfile::tempdir().unwrap();
    let depth = 20_000;
    let cases = [
        (
            "types.mlir",
            format!("func.func private @f(%a: {}f32{})\n", "tuple<".repeat(depth), ">".repeat(depth)),
            "1:6025",
        ),
        ("modules.mlir", format!("{}{}", "module {\n".repeat(depth), "}\n".repeat(depth)), "1001:8"),
        (
            "attribute.mlir",
            format!("func.func private @f() attributes {{a = {}1{}}}\n", "[".repeat(depth), "]".repeat(depth)),
            "1:1039",
        ),
    ];
    for (name, text, position) in cases {
        let input = write(dir.path(), name, text.as_bytes());
        let expected = format!("{name}:{position}: error: brackets nest deeper than 1000 levels");
        assert_clean_failure(&scalify_opt(&[&input], None), &expected);
    }
    // Just below the bound: every stage (parse, verify, print) has the stack it needs.
    let depth = 999;
    let text = format!("{}{}", "module {\n".repeat(depth), "}\n".repeat(depth));
    let input = write(dir.path(), "fine.mlir", text.as_bytes());
    let output = scalify_opt(&[&input, "--cse", "-o", "/dev/null"], None);
    assert!(output.status.success(), "{}", stderr(&output));
}

#[test]
fn outputs_to_devices_fifos_and_symlinks_are_written_through() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "in.mlir", ADD.as_bytes());
    // /dev/null stays a device.
    let output = scalify_opt(&[&input, "-o", "/dev/null"], None);
    assert!(output.status.success(), "{}", stderr(&output));
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::metadata("/dev/null").unwrap().file_type().is_char_device());
    // A symlink stays a link; its target gets the module.
    let target = dir.path().join("target.mlir");
    let link = dir.path().join("link.mlir");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let output = scalify_opt(&[&input, "-o", link.to_str().unwrap()], None);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert!(std::fs::read_to_string(&target).unwrap().contains("stablehlo.add"));
}

#[test]
fn a_failed_run_writes_neither_output_nor_report() {
    let dir = tempfile::tempdir().unwrap();
    // Rewrites, then fails: the output cannot be written (its folder does not exist).
    let input = write(dir.path(), "in.mlir", ADD.as_bytes());
    let report = dir.path().join("report.json");
    let missing = dir.path().join("no/such/dir/out.mlir");
    let output = scalify_opt(
        &[&input, "--scalify", "-o", missing.to_str().unwrap(), "--scalify-report", report.to_str().unwrap()],
        None,
    );
    assert_clean_failure(&output, "could not write output file");
    assert!(!report.exists(), "the report of a failed run was written");
}

#[test]
fn portable_artifacts_are_read_as_stablehlo() {
    let artifact = fixture("portable/tanh_grad");
    let artifact = artifact.with_extension("mlirbc");
    let output = scalify_opt(&[artifact.to_str().unwrap()], None);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("func.func public @main") && text.contains("stablehlo.dot_general"), "{text}");
    assert!(!text.contains("vhlo."), "VHLO left: {text}");
    let output = scalify_opt(&[artifact.to_str().unwrap(), "--scalify=preset=fp8-hybrid"], None);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("f8E4M3FN"), "the dot was not lowered to FP8");
    assert!(!stderr(&output).contains("nothing to rewrite"), "{}", stderr(&output));
    // `Exported.serialize()` wraps the bytecode in a flatbuffer: refused, with what to pass instead.
    let mut wrapped = b"\x14\x00\x00\x00\x00\x00\x0e\x00".to_vec();
    wrapped.extend(std::fs::read(&artifact).unwrap());
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "exported.bin", &wrapped);
    assert_clean_failure(&scalify_opt(&[&input], None), "mlir_module_serialized");
}

#[test]
fn a_module_with_nothing_to_rewrite_is_warned_about() {
    let module = "func.func @f(%a: tensor<2xi32>) -> tensor<2xi32> {\n  return %a : tensor<2xi32>\n}\n";
    let output = scalify_opt(&["--scalify"], Some(module.as_bytes()));
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).contains("<stdin>: warning: scalify: nothing to rewrite"), "{}", stderr(&output));
}

#[test]
fn sharded_modules_keep_their_shardings_and_scales_are_replicated() {
    let generic = fixture("sharded/dp_step_shardy_generic");
    let output = scalify_opt(&[generic.to_str().unwrap(), "--scalify=preset=fp8-hybrid"], None);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    // Every one of the 4 arguments and 3 results gets a replicated scale on the module's mesh.
    assert_eq!(text.matches("tensor<f32> {sdy.sharding = #sdy.sharding<@mesh, []>}").count(), 4 + 3, "{text}");
    assert!(text.contains("tensor<64x16xf16> {sdy.sharding = #sdy.sharding<@mesh, [{\"data\"}, {}]>}"), "{text}");
    let text_from_generic = text.clone();
    // What scalify-opt prints it reads back.
    let dir = tempfile::tempdir().unwrap();
    let printed = write(dir.path(), "printed.mlir", text.as_bytes());
    assert!(scalify_opt(&[&printed], None).status.success());

    let gspmd = fixture("sharded/dp_step_gspmd");
    let output = scalify_opt(&[gspmd.to_str().unwrap(), "--scalify=preset=fp8-hybrid"], None);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("tensor<f32> {mhlo.sharding = \"{replicated}\"}"), "{text}");
    assert!(text.contains("tensor<64x16xf16> {mhlo.sharding = \"{devices=[8,1]<=[8]}\"}"), "{text}");

    // Shardy's custom form (what `lowered.as_text()` writes) rewrites exactly like its generic form.
    let pretty = fixture("sharded/dp_step_shardy_pretty");
    let from_pretty = scalify_opt(&[pretty.to_str().unwrap(), "--scalify=preset=fp8-hybrid"], None);
    assert!(from_pretty.status.success(), "{}", stderr(&from_pretty));
    assert_eq!(stdout(&from_pretty), text_from_generic);
    assert!(text_from_generic.contains("  sdy.mesh @mesh = <[\"data\"=8]>"), "the mesh prints in its custom form");
    // Any other unknown dialect stays an error, in generic form too.
    let unknown = "\"nosuch.op\"() : () -> ()\n";
    assert_clean_failure(&scalify_opt(&["-"], Some(unknown.as_bytes())), "unknown operation 'nosuch.op'");
}

#[test]
fn gspmd_manual_computations_with_run_time_scales_are_refused_before_xla() {
    let module = fixture("sharded/shard_map_gspmd");
    let output = scalify_opt(&[module.to_str().unwrap(), "--scalify=preset=f16"], None);
    assert_clean_failure(&output, "shard_map_gspmd.mlir:4:10: error: scalify: a GSPMD manual computation");
    let output = scalify_opt(&[module.to_str().unwrap(), "--scalify=preset=f32"], None);
    assert!(output.status.success(), "{}", stderr(&output));
    let shardy = fixture("sharded/shard_map_shardy_generic");
    assert!(scalify_opt(&[shardy.to_str().unwrap(), "--scalify=preset=f16"], None).status.success());
}

/// Input on which the linked StableHLO parser stops with an LLVM fatal error (a convolution dimension
/// index of 2^35: "SmallVector unable to grow"), found by the fuzzer: exit 1 with a diagnostic naming
/// the file, not SIGABRT. (The in-process fuzz harness cannot replay it: the error ends the process.)
#[test]
fn llvm_fatal_errors_exit_1_with_a_diagnostic() {
    let input = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fatal-corpus/conv_dimension_2_pow_35.mlir");
    assert_clean_failure(
        &scalify_opt(&[input], None),
        "conv_dimension_2_pow_35.mlir: error: MLIR stopped on this input",
    );
}
