//! `scalify-run`: run a StableHLO module's entry point through PJRT, on given or random inputs;
//! compare it with another module on the same inputs; time it. Argument parsing and I/O only.

#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use scalify_dialect::signature::{Signature, signature};
use scalify_dialect::{PrintOptions, ScalifyContext, io, spmd};
use scalify_runtime::bench::{Timings, time_executions};
use scalify_runtime::plugins::{PluginChoice, locate};
use scalify_runtime::random::RandomInputs;
use scalify_runtime::{
    Client, Comparison, DType, Executable, HostArray, Partitioning, Plugin, TensorSpec, Tolerance, compare, npy,
};
use serde_json::{Value as Json, json};

/// Run a StableHLO module through XLA (PJRT), optionally against a second module.
#[derive(Debug, Parser)]
#[command(name = "scalify-run", version)]
struct Cli {
    /// The module (MLIR text or bytecode); its `main` (or only public function) is run.
    module: PathBuf,
    /// Arguments in order: one .npy file each, or .npz archives (`np.savez`) whose arrays count in the
    /// order saved. bfloat16/float8 void records are read as the argument's type.
    #[arg(long, num_args = 1.., value_name = "NPY|NPZ")]
    inputs: Vec<PathBuf>,
    /// Random inputs: floats ~ N(0, 1); integers used as indices uniform over their valid range,
    /// other integers uniform over [0, 8); pred a fair coin.
    #[arg(long, conflicts_with = "inputs")]
    random_inputs: bool,
    /// Seed of --random-inputs.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// PJRT plugin: cpu, cuda, or a path to a plugin .so.
    #[arg(long, default_value = "cpu")]
    plugin: String,
    /// Write outputs as DIR/out_000.npy, out_001.npy, ... in result order.
    #[arg(long, value_name = "DIR")]
    save_outputs: Option<PathBuf>,
    /// Write the inputs used as DIR/in_000.npy, ... (to replay random inputs elsewhere).
    #[arg(long, value_name = "DIR")]
    save_inputs: Option<PathBuf>,
    /// Print one JSON object instead of tables.
    #[arg(long)]
    json: bool,
    /// Run OTHER on the same inputs and compare outputs: max abs, max rel, relative L2, NaN/Inf counts.
    #[arg(long, value_name = "OTHER")]
    compare: Option<PathBuf>,
    /// Relative tolerance of --compare: |a - b| <= atol + rtol * |b| element-wise, b from OTHER.
    #[arg(long, default_value_t = 1e-4, value_parser = tolerance)]
    rtol: f64,
    /// Absolute tolerance of --compare.
    #[arg(long, default_value_t = 1e-5, value_parser = tolerance)]
    atol: f64,
    /// Time N executions after 2 warm-up runs (inputs on the device): median and min, plus compile time.
    #[arg(long, value_name = "N")]
    bench: Option<usize>,
}

/// A tolerance: finite and at least 0 (NaN would make every comparison pass or fail silently).
fn tolerance(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(value) if value.is_finite() && value >= 0.0 => Ok(value),
        Ok(value) => Err(format!("a tolerance must be finite and >= 0, not {value}")),
        Err(e) => Err(format!("not a number: {e}")),
    }
}

struct Failure(String);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(error: E) -> Self {
        Failure(error.to_string())
    }
}

/// A module ready to run: its signature (read with MLIR) and the executable (compiled by PJRT).
struct Loaded {
    signature: Signature,
    specs: Vec<TensorSpec>,
    executable: Executable,
    compile_seconds: f64,
}

/// A module as read: what it takes, the devices it runs on, and the text PJRT compiles (a
/// multi-device module with its entry's arguments and results replicated: `spmd::replicate_boundary`).
struct Read {
    name: String,
    signature: Signature,
    specs: Vec<TensorSpec>,
    devices: spmd::Devices,
    program: Vec<u8>,
}

fn read(path: &Path) -> Result<Read, Failure> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| Failure(format!("{name}: error: could not open input file: {e}")))?;
    let context = ScalifyContext::new();
    let module = io::parse_bytes(&context, &bytes).map_err(|e| Failure(e.render(&name).trim_end().to_string()))?;
    let signature =
        signature(&module).ok_or_else(|| Failure(format!("{name}: error: no @main and no single public function")))?;
    let specs = signature
        .arguments
        .iter()
        .enumerate()
        .map(|(i, argument)| {
            let dtype = DType::from_mlir_name(&argument.ty.element).ok_or_else(|| {
                Failure(format!(
                    "{name}: error: argument {i} has element type {}, which cannot be fed",
                    argument.ty.element
                ))
            })?;
            Ok(TensorSpec { dtype, shape: argument.ty.shape.clone() })
        })
        .collect::<Result<Vec<_>, Failure>>()?;
    let devices = spmd::devices(&module);
    let program = if devices.count() > 1 {
        spmd::replicate_boundary(context.mlir(), &module)
            .map_err(|e| Failure(format!("{name}: error: cannot run on {} devices: {e}", devices.count())))?;
        io::print(&module, PrintOptions::default()).map_err(|e| Failure(e.render(&name).trim_end().to_string()))?
    } else {
        bytes
    };
    Ok(Read { name, signature, specs, devices, program })
}

fn compile(client: &Client, read: Read) -> Result<Loaded, Failure> {
    let Read { name, signature, specs, devices, program } = read;
    let partitioning =
        Partitioning { replicas: devices.replicas, partitions: devices.partitions, shardy: devices.shardy };
    let start = Instant::now();
    let executable = client.compile_for(&program, partitioning).map_err(|e| Failure(format!("{name}: error: {e}")))?;
    let compile_seconds = start.elapsed().as_secs_f64();
    Ok(Loaded { signature, executable: executable.with_input_specs(specs.clone()), specs, compile_seconds })
}

fn inputs(cli: &Cli, loaded: &Loaded) -> Result<Vec<HostArray>, Failure> {
    if cli.random_inputs {
        let mut random = RandomInputs::new(cli.seed);
        let scales = scale_arguments(&loaded.signature.scaled_arguments);
        return loaded
            .specs
            .iter()
            .zip(&loaded.signature.arguments)
            .enumerate()
            .map(|(i, (spec, argument))| match scales.contains(&i) {
                // A scaled signature's scales: 1, so the data is the value.
                true => Ok(HostArray::from_f32(Vec::new(), &[1.0])?),
                false => Ok(random.array(spec, argument.index_bound, argument.nonnegative)),
            })
            .collect();
    }
    let mut arrays = Vec::new();
    for path in &cli.inputs {
        let next = arrays.len();
        if path.extension().is_some_and(|e| e == "npz") {
            let expected: Vec<Option<DType>> = loaded.specs.iter().skip(next).map(|s| Some(s.dtype)).collect();
            arrays.extend(npy::read_npz(path, &expected)?.into_iter().map(|(_, array)| array));
        } else {
            arrays.push(npy::read(path, loaded.specs.get(next).map(|s| s.dtype))?);
        }
    }
    if arrays.len() != loaded.specs.len() {
        return Err(Failure(format!(
            "error: {} takes {} arguments, the inputs hold {}; give as many (.npy files or .npz arrays), or \
             --random-inputs",
            cli.module.display(),
            loaded.specs.len(),
            arrays.len()
        )));
    }
    Ok(arrays)
}

/// `DIR/<prefix>_000.npy`, ... in order.
fn save_arrays(dir: &Path, prefix: &str, arrays: &[HostArray]) -> Result<(), Failure> {
    std::fs::create_dir_all(dir).map_err(|e| Failure(format!("{}: error: {e}", dir.display())))?;
    for (i, array) in arrays.iter().enumerate() {
        npy::write(&dir.join(format!("{prefix}_{i:03}.npy")), array)?;
    }
    Ok(())
}

/// Where the scales sit among a scaled function's arguments: each scaled original position `p` became
/// (data, scale), so the scale of the k-th scaled position (in order) is argument `p + k + 1`.
fn scale_arguments(scaled_positions: &[usize]) -> Vec<usize> {
    let mut sorted = scaled_positions.to_vec();
    sorted.sort_unstable();
    sorted.iter().enumerate().map(|(k, p)| p + k + 1).collect()
}

fn scaled(loaded: &Loaded) -> bool {
    !loaded.signature.scaled_arguments.is_empty() || !loaded.signature.scaled_results.is_empty()
}

/// The arguments of a scaled module from its original's: each scaled position as (data, scale 1).
fn to_scaled_inputs(plain: &[HostArray], scaled: &Loaded) -> Result<Vec<HostArray>, Failure> {
    let mut specs = scaled.specs.iter();
    let mut inputs = Vec::new();
    for (position, value) in plain.iter().enumerate() {
        let spec = specs.next().ok_or_else(|| Failure("error: the scaled module takes fewer arguments".into()))?;
        if scaled.signature.scaled_arguments.contains(&position) {
            inputs.push(HostArray::from_f64(spec.dtype, spec.shape.clone(), &value.to_f64())?);
            specs.next();
            inputs.push(HostArray::from_f32(Vec::new(), &[1.0])?);
        } else {
            inputs.push(value.clone());
        }
    }
    Ok(inputs)
}

/// The original's arguments from a scaled module's (`main` is the scaled one here): its pairs unscaled.
fn to_plain_inputs(scaled_inputs: &[HostArray], scaled: &Loaded, plain: &Loaded) -> Result<Vec<HostArray>, Failure> {
    let mut given = scaled_inputs.iter();
    let mut inputs = Vec::new();
    for (position, spec) in plain.specs.iter().enumerate() {
        let value = given.next().ok_or_else(|| Failure("error: the scaled module takes fewer arguments".into()))?;
        if scaled.signature.scaled_arguments.contains(&position) {
            let scale = given.next().map(|s| s.to_f64()[0]).unwrap_or(1.0);
            let values: Vec<f64> = value.to_f64().iter().map(|v| v * scale).collect();
            inputs.push(HostArray::from_f64(spec.dtype, spec.shape.clone(), &values)?);
        } else {
            inputs.push(value.clone());
        }
    }
    Ok(inputs)
}

/// A module's results at its original positions: each (data, scale) pair as data * scale in f32.
fn unscaled_outputs(loaded: &Loaded, outputs: &[HostArray]) -> Result<Vec<HostArray>, Failure> {
    if !scaled(loaded) {
        return Ok(outputs.to_vec());
    }
    let mut given = outputs.iter();
    let mut unscaled = Vec::new();
    let mut position = 0;
    while let Some(value) = given.next() {
        if loaded.signature.scaled_results.contains(&position) {
            let scale = given.next().map(|s| s.to_f64()[0]).unwrap_or(1.0);
            let values: Vec<f64> = value.to_f64().iter().map(|v| v * scale).collect();
            unscaled.push(HostArray::from_f64(DType::F32, value.shape().to_vec(), &values)?);
        } else {
            unscaled.push(value.clone());
        }
        position += 1;
    }
    Ok(unscaled)
}

fn summary(array: &HostArray) -> Json {
    let values = array.to_f64();
    let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    let mean = if finite.is_empty() { f64::NAN } else { finite.iter().sum::<f64>() / finite.len() as f64 };
    json!({
        "dtype": array.dtype().mlir_name(),
        "shape": array.shape(),
        "min": finite.iter().copied().fold(f64::INFINITY, f64::min),
        "max": finite.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        "mean": mean,
        "nan": values.iter().filter(|v| v.is_nan()).count(),
        "inf": values.iter().filter(|v| v.is_infinite()).count(),
    })
}

fn comparison_json(index: usize, c: &Comparison) -> Json {
    json!({
        "output": index,
        "max_abs_error": c.max_abs_error,
        "max_rel_error": c.max_rel_error,
        "rel_l2_error": c.rel_l2_error,
        "nan": [c.nan_actual, c.nan_expected],
        "inf": [c.inf_actual, c.inf_expected],
        "mismatches": c.mismatches,
        "within_tolerance": c.within(),
    })
}

fn timings_json(t: &Timings) -> Json {
    json!({"runs": t.runs, "median_ms": t.median.as_secs_f64() * 1e3, "min_ms": t.min.as_secs_f64() * 1e3})
}

fn run(cli: &Cli) -> Result<bool, Failure> {
    let choice: PluginChoice = cli.plugin.parse().unwrap_or(PluginChoice::Cpu);
    let plugin = Plugin::load(&locate(&choice)?)?;
    let main = read(&cli.module)?;
    let other = cli.compare.as_deref().map(read).transpose()?;
    // As many devices as the modules run on (replicas x partitions, from their attributes).
    let devices = main.devices.count().max(other.as_ref().map_or(1, |o| o.devices.count()));
    let client = Client::with_devices(plugin, devices)?;
    let main = compile(&client, main)?;
    let mut other = other.map(|o| compile(&client, o)).transpose()?;
    let inputs = inputs(cli, &main)?;
    if let Some(dir) = &cli.save_inputs {
        save_arrays(dir, "in", &inputs)?;
    }
    let outputs = main.executable.run(&inputs).map_err(|e| Failure(format!("{}: error: {e}", cli.module.display())))?;
    if let Some(dir) = &cli.save_outputs {
        std::fs::create_dir_all(dir).map_err(|e| Failure(format!("{}: error: {e}", dir.display())))?;
        for (i, output) in outputs.iter().enumerate() {
            npy::write(&dir.join(format!("out_{i:03}.npy")), output)?;
        }
    }
    let mut report = json!({
        "module": cli.module.display().to_string(),
        "platform": client.platform()?,
        "devices": main.executable.devices(),
        "compile_seconds": main.compile_seconds,
        "outputs": outputs.iter().map(summary).collect::<Vec<_>>(),
    });
    let mut ok = true;
    let mut reference = None;
    if let (Some(other_path), Some(other)) = (&cli.compare, other.take()) {
        // A scaled signature against its original: both run on the original's arguments (the scaled
        // one with every scale 1) and are compared on the original's results (data * scale).
        let other_inputs = match (scaled(&main), scaled(&other)) {
            (false, true) => Some(to_scaled_inputs(&inputs, &other)?),
            (true, false) => Some(to_plain_inputs(&inputs, &main, &other)?),
            _ => None,
        };
        let other_specs = other_inputs.as_ref().map(|_| main.specs.clone()).unwrap_or_else(|| other.specs.clone());
        if other_inputs.is_none() && other_specs != main.specs {
            return Err(Failure(format!(
                "error: {} and {} take different arguments",
                cli.module.display(),
                other_path.display()
            )));
        }
        let expected = other
            .executable
            .run(other_inputs.as_deref().unwrap_or(&inputs))
            .map_err(|e| Failure(format!("{}: error: {e}", other_path.display())))?;
        let (outputs, expected) = (unscaled_outputs(&main, &outputs)?, unscaled_outputs(&other, &expected)?);
        if expected.len() != outputs.len() {
            return Err(Failure(format!("error: {} outputs against {}", outputs.len(), expected.len())));
        }
        let tolerance = Tolerance { rtol: cli.rtol, atol: cli.atol };
        let mut rows = Vec::new();
        for (i, (a, b)) in outputs.iter().zip(&expected).enumerate() {
            let c = compare(a, b, tolerance).map_err(|e| Failure(format!("output {i}: {e}")))?;
            ok &= c.within();
            rows.push(comparison_json(i, &c));
        }
        report["compare"] = json!({
            "other": other_path.display().to_string(),
            "other_compile_seconds": other.compile_seconds,
            "rtol": cli.rtol, "atol": cli.atol,
            "outputs": rows,
            "within_tolerance": ok,
        });
        reference = Some(other);
    }
    if let Some(runs) = cli.bench {
        let mine = time_executions(&main.executable, &inputs, 2, runs)?;
        report["bench"] = timings_json(&mine);
        if let Some(other) = &reference {
            let theirs = time_executions(&other.executable, &inputs, 2, runs)?;
            report["bench_other"] = timings_json(&theirs);
            report["bench_ratio_median"] = json!(mine.median.as_secs_f64() / theirs.median.as_secs_f64());
        }
    }
    if cli.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_tables(&report);
    }
    Ok(ok)
}

fn print_tables(report: &Json) {
    let devices = report["devices"].as_u64().unwrap_or(1);
    println!(
        "{} on {}{} (compiled in {:.3} s)",
        report["module"].as_str().unwrap_or(""),
        report["platform"].as_str().unwrap_or(""),
        if devices > 1 { format!(", {devices} devices") } else { String::new() },
        report["compile_seconds"].as_f64().unwrap_or(0.0)
    );
    println!(
        "{:>4}  {:<10} {:<16} {:>12} {:>12} {:>12} {:>5} {:>5}",
        "out", "dtype", "shape", "min", "max", "mean", "nan", "inf"
    );
    for (i, o) in report["outputs"].as_array().into_iter().flatten().enumerate() {
        println!(
            "{:>4}  {:<10} {:<16} {:>12.5e} {:>12.5e} {:>12.5e} {:>5} {:>5}",
            i,
            o["dtype"].as_str().unwrap_or(""),
            o["shape"].to_string(),
            o["min"].as_f64().unwrap_or(f64::NAN),
            o["max"].as_f64().unwrap_or(f64::NAN),
            o["mean"].as_f64().unwrap_or(f64::NAN),
            o["nan"].to_string(),
            o["inf"].to_string()
        );
    }
    if let Some(c) = report.get("compare") {
        println!("\ncompared with {} (rtol {}, atol {})", c["other"].as_str().unwrap_or(""), c["rtol"], c["atol"]);
        println!(
            "{:>4}  {:>12} {:>12} {:>12} {:>9} {:>9} {:>10}  ok",
            "out", "max abs", "max rel", "rel L2", "nan a/b", "inf a/b", "mismatch"
        );
        for row in c["outputs"].as_array().into_iter().flatten() {
            println!(
                "{:>4}  {:>12.3e} {:>12.3e} {:>12.3e} {:>9} {:>9} {:>10}  {}",
                row["output"].to_string(),
                row["max_abs_error"].as_f64().unwrap_or(f64::NAN),
                row["max_rel_error"].as_f64().unwrap_or(f64::NAN),
                row["rel_l2_error"].as_f64().unwrap_or(f64::NAN),
                format!("{}/{}", row["nan"][0], row["nan"][1]),
                format!("{}/{}", row["inf"][0], row["inf"][1]),
                row["mismatches"].to_string(),
                if row["within_tolerance"].as_bool() == Some(true) { "yes" } else { "NO" }
            );
        }
        println!("all within tolerance: {}", c["within_tolerance"]);
    }
    if let Some(b) = report.get("bench") {
        println!(
            "\nexecution: median {:.3} ms, min {:.3} ms over {} runs",
            b["median_ms"].as_f64().unwrap_or(0.0),
            b["min_ms"].as_f64().unwrap_or(0.0),
            b["runs"]
        );
        if let Some(o) = report.get("bench_other") {
            println!(
                "other:     median {:.3} ms, min {:.3} ms; ratio of medians {:.3}",
                o["median_ms"].as_f64().unwrap_or(0.0),
                o["min_ms"].as_f64().unwrap_or(0.0),
                report["bench_ratio_median"].as_f64().unwrap_or(0.0)
            );
        }
    }
}

fn main() -> ExitCode {
    // Usage errors exit 1, as every other error does (and as scalify-opt's).
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() { ExitCode::FAILURE } else { ExitCode::SUCCESS };
        }
    };
    scalify_dialect::exit_on_fatal_errors(&cli.module.display().to_string());
    match run(&cli) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(Failure(message)) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}
