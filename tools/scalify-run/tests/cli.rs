//! scalify-run as a user runs it: fixtures against their exporter's outputs, fresh JAX programs
//! against jax itself, comparisons that pass and fail, and clear errors.

use std::process::{Command, Output};

use scalify_runtime::{HostArray, Tolerance, compare, npy};
use scalify_tests::{fixture, fixtures_dir, npy_paths, venv_python};

fn scalify_run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scalify-run")).args(args).output().expect("scalify-run starts")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn assert_clean_failure(output: &Output, expected: &str) {
    let err = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "exit code; stderr: {err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains(expected), "expected {expected:?} in: {err}");
}

#[test]
#[ignore = "slow numerics: bash scripts/test --full"]
fn fixture_inputs_reproduce_the_saved_outputs() {
    let data = fixtures_dir().join("data/cnn_train_step");
    let outputs = tempfile::tempdir().unwrap();
    let mut args = vec![fixture("cnn_train_step").to_string_lossy().into_owned(), "--inputs".into()];
    args.extend(npy_paths(&data, "in_").iter().map(|p| p.to_string_lossy().into_owned()));
    args.extend(["--save-outputs".into(), outputs.path().to_string_lossy().into_owned()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = scalify_run(&args);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let expected = npy_paths(&data, "out_");
    let actual = npy_paths(outputs.path(), "out_");
    assert_eq!(actual.len(), expected.len());
    for (a, e) in actual.iter().zip(&expected) {
        let (a, e) = (npy::read(a, None).unwrap(), npy::read(e, None).unwrap());
        let c = compare(&a, &e, Tolerance { rtol: 1e-4, atol: 1e-6 }).unwrap();
        assert!(c.within() && c.rel_l2_error < 1e-5, "{c:?}");
    }
}

/// Programs exported now, by the venv's jax, none of them a fixture: scalify-run executes them on
/// random inputs, and jax's own jit on the same inputs gives the same outputs.
#[test]
#[ignore = "slow numerics: bash scripts/test --full"]
fn fresh_jax_programs_match_jax_on_random_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let script = r#"
import sys, pathlib, numpy as np, jax, jax.numpy as jnp
jax.config.update("jax_platforms", "cpu")
out = pathlib.Path(sys.argv[1])
def attention(q, k, v):                      # batched dot_general, softmax
    s = jnp.einsum("bqd,bkd->bqk", q, k) / 4.0
    return jnp.einsum("bqk,bkd->bqd", jax.nn.softmax(s, -1), v)
def loop(x, n):                               # while loop with an integer trip count
    return jax.lax.fori_loop(0, 3, lambda i, c: jnp.tanh(c @ x) + n, x)
def embed_step(table, ids, w):                 # gather + grad (scatter-add) through value_and_grad
    f = lambda t, w: jnp.mean(jnp.square(t[ids] @ w))
    return jax.value_and_grad(f, argnums=(0, 1))(table, w)
specs = {
    "attention": (attention, [((2, 8, 16), "float32")] * 3),
    "loop": (loop, [((6, 6), "float32"), ((), "float32")]),
    "embed_step": (embed_step, [((50, 8), "float32"), ((4, 7), "int32"), ((8, 3), "float32")]),
}
mode = sys.argv[2]
for name, (f, args) in specs.items():
    shapes = [jax.ShapeDtypeStruct(s, d) for s, d in args]
    if mode == "export":
        (out / f"{name}.mlir").write_text(jax.jit(f).lower(*shapes).as_text())
    else:
        ins = [np.load(out / name / f"in_{i:03d}.npy") for i in range(len(args))]
        want = jax.tree_util.tree_leaves(jax.jit(f)(*ins))
        for i, w in enumerate(want):
            got = np.load(out / name / f"out_{i:03d}.npy")
            np.testing.assert_allclose(got, np.asarray(w), rtol=1e-5, atol=1e-6, err_msg=f"{name} output {i}")
        print(name, "ok")
"#;
    let run_python = |mode: &str| {
        let output = Command::new(venv_python()).arg("-c").arg(script).arg(dir.path()).arg(mode).output().unwrap();
        assert!(output.status.success(), "{}", text(&output.stderr));
        text(&output.stdout)
    };
    run_python("export");
    for name in ["attention", "loop", "embed_step"] {
        let module = dir.path().join(format!("{name}.mlir"));
        let folder = dir.path().join(name);
        let folder = folder.to_str().unwrap();
        let output = scalify_run(&[
            module.to_str().unwrap(),
            "--random-inputs",
            "--seed",
            "7",
            "--save-inputs",
            folder,
            "--save-outputs",
            folder,
        ]);
        assert!(output.status.success(), "{name}: {}", text(&output.stderr));
    }
    let checked = run_python("check");
    assert_eq!(checked.lines().count(), 3, "{checked}");
    // The ids index a 50-row table: random integers were drawn in range.
    let ids = npy::read(&dir.path().join("embed_step/in_001.npy"), None).unwrap().to_f64();
    assert!(ids.iter().all(|&i| (0.0..50.0).contains(&i)) && ids.iter().any(|&i| i >= 8.0), "{ids:?}");
}

#[test]
fn random_inputs_are_seeded() {
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let module = fixture("mlp_train_step");
    for (dir, seed) in dirs.iter().zip(["1", "1", "2"]) {
        let out = scalify_run(&[
            module.to_str().unwrap(),
            "--random-inputs",
            "--seed",
            seed,
            "--save-inputs",
            dir.path().to_str().unwrap(),
        ]);
        assert!(out.status.success());
    }
    let read = |dir: &tempfile::TempDir| -> Vec<HostArray> {
        npy_paths(dir.path(), "in_").iter().map(|p| npy::read(p, None).unwrap()).collect()
    };
    assert_eq!(read(&dirs[0]), read(&dirs[1]));
    assert_ne!(read(&dirs[0]), read(&dirs[2]));
}

#[test]
fn compare_passes_for_equal_modules_and_fails_for_different_ones() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, factor: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, format!("func.func @main(%x: tensor<64xf32>) -> tensor<64xf32> {{\n  %c = stablehlo.constant dense<{factor}> : tensor<64xf32>\n  %0 = stablehlo.multiply %x, %c : tensor<64xf32>\n  return %0 : tensor<64xf32>\n}}\n")).unwrap();
        path.to_string_lossy().into_owned()
    };
    let (a, same, off) = (write("a.mlir", "2.0"), write("b.mlir", "2.0"), write("c.mlir", "2.01"));
    let pass = scalify_run(&[&a, "--random-inputs", "--compare", &same, "--json"]);
    assert!(pass.status.success(), "{}", text(&pass.stderr));
    let report: serde_json::Value = serde_json::from_slice(&pass.stdout).unwrap();
    assert_eq!(report["compare"]["within_tolerance"], true);
    assert_eq!(report["compare"]["outputs"][0]["max_abs_error"], 0.0);

    let fail = scalify_run(&[&a, "--random-inputs", "--compare", &off, "--json"]);
    assert_eq!(fail.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&fail.stdout).unwrap();
    let row = &report["compare"]["outputs"][0];
    assert_eq!(report["compare"]["within_tolerance"], false);
    let rel = row["max_rel_error"].as_f64().unwrap();
    assert!((rel - 0.01 / 2.01).abs() < 1e-4, "relative error of 2.0 vs 2.01: {rel}");
    // ...and passes when the tolerance allows it.
    let loose = scalify_run(&[&a, "--random-inputs", "--compare", &off, "--rtol", "0.01"]);
    assert!(loose.status.success(), "{}", text(&loose.stdout));
}

#[test]
fn bench_reports_timings_and_ratio() {
    let module = fixture("mlp_train_step");
    let module = module.to_str().unwrap();
    let out = scalify_run(&[module, "--random-inputs", "--compare", module, "--bench", "5", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["bench"]["runs"], 5);
    let (median, min) = (report["bench"]["median_ms"].as_f64().unwrap(), report["bench"]["min_ms"].as_f64().unwrap());
    assert!(min > 0.0 && min <= median, "{report}");
    assert!(report["bench_ratio_median"].as_f64().unwrap() > 0.0);
    assert!(report["compile_seconds"].as_f64().unwrap() > 0.0);
}

#[test]
fn bad_usage_gets_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let module = fixture("mlp_train_step");
    let module = module.to_str().unwrap();
    assert_clean_failure(&scalify_run(&["/no/such/module.mlir", "--random-inputs"]), "could not open input file");
    let malformed = dir.path().join("bad.mlir");
    std::fs::write(&malformed, "func.func @main(%x: tensor<4xf32>) {\n  return %y\n}\n").unwrap();
    assert_clean_failure(&scalify_run(&[malformed.to_str().unwrap(), "--random-inputs"]), "bad.mlir:2:");
    assert_clean_failure(&scalify_run(&[module]), "takes 8 arguments");
    // Right count, wrong shape: the first argument is tensor<128xf32>.
    let wrong = dir.path().join("wrong.npy");
    npy::write(&wrong, &HostArray::from_f32(vec![3], &[1.0, 2.0, 3.0]).unwrap()).unwrap();
    let mut inputs = npy_paths(&fixtures_dir().join("data/mlp_train_step"), "in_");
    inputs[0] = wrong.clone();
    let mut args = vec![module.to_string(), "--inputs".to_string()];
    args.extend(inputs.iter().map(|p| p.to_string_lossy().into_owned()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    assert_clean_failure(&scalify_run(&args), "input 0: the module expects tensor<128xf32>, got tensor<3xf32>");
    // A float file where the labels (i32) go.
    inputs[0] = npy_paths(&fixtures_dir().join("data/mlp_train_step"), "in_")[0].clone();
    inputs[7] = wrong;
    let mut args = vec![module.to_string(), "--inputs".to_string()];
    args.extend(inputs.iter().map(|p| p.to_string_lossy().into_owned()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    assert_clean_failure(&scalify_run(&args), "wrong.npy: dtype '<f4' cannot be read as i32");
    assert_clean_failure(
        &scalify_run(&[module, "--random-inputs", "--plugin", "/no/plugin.so"]),
        "cannot load PJRT plugin",
    );
    // Parses and verifies, but XLA cannot compile it.
    let unsupported = dir.path().join("custom.mlir");
    std::fs::write(&unsupported, "func.func @main(%a: tensor<4xf32>) -> tensor<4xf32> {\n  %0 = stablehlo.custom_call @no_such_target(%a) : (tensor<4xf32>) -> tensor<4xf32>\n  return %0 : tensor<4xf32>\n}\n").unwrap();
    let out = scalify_run(&[unsupported.to_str().unwrap(), "--random-inputs"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("custom.mlir: error:"), "{}", text(&out.stderr));
}

#[test]
fn usage_errors_exit_1_and_tolerances_must_be_finite_and_non_negative() {
    let module = fixture("mlp_train_step");
    let module = module.to_str().unwrap();
    assert_clean_failure(&scalify_run(&["--bogus"]), "unexpected argument '--bogus'");
    for bad in ["nan", "inf", "-1"] {
        let out = scalify_run(&[module, "--random-inputs", &format!("--rtol={bad}")]);
        assert_clean_failure(&out, "a tolerance must be finite and >= 0");
        let out = scalify_run(&[module, "--random-inputs", &format!("--atol={bad}")]);
        assert_clean_failure(&out, "a tolerance must be finite and >= 0");
    }
    assert!(scalify_run(&["--help"]).status.success());
}

/// A `signature=scaled` rewrite against its original, both ways round: the scaled module gets every
/// scale 1 and its results are unscaled before comparing. fp8-hybrid on the MLP step: every output
/// within 0.1 relative L2 (measured up to 6e-2, E4M3's 4-bit mantissa through the first layer).
#[test]
fn compare_works_across_signatures() {
    let dir = tempfile::tempdir().unwrap();
    let original = fixture("mlp_train_step");
    let (text, _) = scalify_tests::scalify_text(&std::fs::read_to_string(&original).unwrap(), "preset=fp8-hybrid");
    let scaled = dir.path().join("scaled.mlir");
    std::fs::write(&scaled, text).unwrap();
    let (original, scaled) = (original.to_str().unwrap(), scaled.to_str().unwrap());
    for (main, other) in [(scaled, original), (original, scaled)] {
        let out = scalify_run(&[main, "--random-inputs", "--compare", other, "--json", "--rtol", "1", "--atol", "1"]);
        assert!(out.status.success(), "{}", text_of(&out));
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let rows = report["compare"]["outputs"].as_array().unwrap();
        assert_eq!(rows.len(), 7, "compared on the original's seven results");
        for row in rows {
            let error = row["rel_l2_error"].as_f64().unwrap();
            assert!(error < 0.1, "{main} against {other}: {row}");
        }
    }
}

fn text_of(output: &Output) -> String {
    text(&output.stderr)
}

/// `--inputs` takes `.npz` archives as well as `.npy` files, mixed: the MLP fixture's eight inputs as
/// one archive of the first five (compressed) and three `.npy` files give the saved outputs.
#[test]
fn npz_archives_are_read_in_the_order_saved() {
    let dir = tempfile::tempdir().unwrap();
    let data = fixtures_dir().join("data/mlp_train_step");
    let inputs = npy_paths(&data, "in_");
    let archive = dir.path().join("first.npz");
    let script = format!(
        "import numpy as np\nnp.savez_compressed(r'{}', *[np.load(p) for p in {:?}])",
        archive.display(),
        inputs[..5].iter().map(|p| p.to_string_lossy().into_owned()).collect::<Vec<_>>()
    );
    let status = Command::new(venv_python()).args(["-c", &script]).status().unwrap();
    assert!(status.success());
    let module = fixture("mlp_train_step");
    let outputs = dir.path().join("out");
    let mut args =
        vec![module.to_string_lossy().into_owned(), "--inputs".into(), archive.to_string_lossy().into_owned()];
    args.extend(inputs[5..].iter().map(|p| p.to_string_lossy().into_owned()));
    args.extend(["--save-outputs".into(), outputs.to_string_lossy().into_owned()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = scalify_run(&args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    for (a, e) in npy_paths(&outputs, "out_").iter().zip(npy_paths(&data, "out_")) {
        let (a, e) = (npy::read(a, None).unwrap(), npy::read(&e, None).unwrap());
        assert!(compare(&a, &e, Tolerance { rtol: 1e-4, atol: 1e-6 }).unwrap().within());
    }
}

/// Random inputs fit a training step: weights at 1/sqrt(fan-in), Adam's second moment non-negative.
/// The GPT step at preset=f16 against its original on them: every output finite and within 1e-3
/// relative L2 (measured 4e-5; with N(0, 1) for everything, v < 0 made NaN of the update).
#[test]
fn random_inputs_fit_a_training_step() {
    let dir = tempfile::tempdir().unwrap();
    let original = fixture("gpt_train_step");
    let (rewritten, _) = scalify_tests::scalify_text(&std::fs::read_to_string(&original).unwrap(), "preset=f16");
    let path = dir.path().join("f16.mlir");
    std::fs::write(&path, rewritten).unwrap();
    let out = scalify_run(&[
        path.to_str().unwrap(),
        "--random-inputs",
        "--compare",
        original.to_str().unwrap(),
        "--json",
        "--rtol",
        "1",
        "--atol",
        "1",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for row in report["compare"]["outputs"].as_array().unwrap() {
        assert_eq!(row["nan"], serde_json::json!([0, 0]), "{row}");
        assert!(row["rel_l2_error"].as_f64().unwrap() < 1e-3, "{row}");
    }
}

/// Modules that state 8 partitions run on 8 CPU devices, split by XLA's SPMD partitioner: a
/// shard_map's psum of per-shard sums of squares is the whole input's; one step in Shardy's and in
/// GSPMD's format gives the same bits; its f16 and fp8-hybrid rewrites (run-time scales through
/// the partitioned program) match it within the formats' precision.
#[test]
fn multi_device_modules_run_on_their_devices() {
    let dir = tempfile::tempdir().unwrap();
    let (inputs, outputs) = (dir.path().join("in"), dir.path().join("out"));
    let shard_map = fixture("sharded/shard_map_shardy_generic");
    let output = scalify_run(&[
        shard_map.to_str().unwrap(),
        "--random-inputs",
        "--json",
        "--save-inputs",
        inputs.to_str().unwrap(),
        "--save-outputs",
        outputs.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["devices"], 8, "{report}");
    let x = npy::read(&inputs.join("in_000.npy"), None).unwrap().to_f64();
    let expected: f64 = x.iter().map(|v| v * v).sum();
    let actual = npy::read(&outputs.join("out_000.npy"), None).unwrap().to_f64()[0];
    assert!((actual - expected).abs() <= 1e-5 * expected, "psum over 8 devices: {actual} against {expected}");

    let shardy = fixture("sharded/dp_step_shardy_pretty");
    let gspmd = fixture("sharded/dp_step_gspmd");
    let exact = ["--random-inputs", "--rtol", "0", "--atol", "0"];
    let output = scalify_run(&[&[shardy.to_str().unwrap(), "--compare", gspmd.to_str().unwrap()], &exact[..]].concat());
    assert!(output.status.success(), "{}{}", text(&output.stdout), text(&output.stderr));

    let original = std::fs::read(&shardy).unwrap();
    // f16: 11-bit mantissa through a two-layer step (measured 2.7e-4 relative L2); fp8-hybrid adds
    // E4M3/E5M2 matmuls (measured 1.6e-3).
    for (preset, rtol, atol) in [("f16", "2e-2", "1e-3"), ("fp8-hybrid", "2e-1", "2e-2")] {
        let (text_out, report) = scalify_passes::scalify_module_text(&original, &format!("preset={preset}")).unwrap();
        assert!(report.fallbacks.is_empty(), "{preset}: {:?}", report.fallbacks);
        let rewritten = dir.path().join(format!("{preset}.mlir"));
        std::fs::write(&rewritten, text_out).unwrap();
        let output = scalify_run(&[
            rewritten.to_str().unwrap(),
            "--compare",
            shardy.to_str().unwrap(),
            "--random-inputs",
            "--json",
            "--rtol",
            rtol,
            "--atol",
            atol,
        ]);
        let report: serde_json::Value =
            serde_json::from_slice(&output.stdout).unwrap_or_else(|_| panic!("{preset}: {}", text(&output.stderr)));
        assert!(output.status.success(), "{preset}: {report}");
        for row in report["compare"]["outputs"].as_array().unwrap() {
            let limit = if preset == "f16" { 2e-3 } else { 2e-2 };
            assert!(row["rel_l2_error"].as_f64().unwrap() <= limit, "{preset}: {row}");
        }
    }
}
