//! `scalify-bench`: the compile-time cost of each stage on modules of growing size, as a table with
//! ratios measured side by side in one process, and the fitted growth exponent.
//!
//!     target/release/scalify-bench compile out/bench/*.mlir --runs 5
//!     target/release/scalify-bench runtime tests/fixtures/mlp_train_step.mlir --runs 200

#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use scalify_dialect::melior::ir::operation::{OperationLike, WalkOrder, WalkResult};
use scalify_dialect::{PrintOptions, ScalifyContext, io};
use scalify_passes::{Pipeline, RunOptions, scalify_pipeline};
use scalify_runtime::bench::time_alternating;
use scalify_runtime::plugins::{PluginChoice, locate};
use scalify_runtime::random::RandomInputs;
use scalify_runtime::{Client, DType, Plugin, TensorSpec};

#[derive(Parser)]
#[command(name = "scalify-bench")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse+verify, the scalify pipeline and printing, timed separately per module.
    Compile {
        modules: Vec<PathBuf>,
        /// Repetitions per module; the median is reported.
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Options of the scalify pass (default: f16 with static scales, as in docs/benchmarks.md).
        #[arg(long, default_value = "data-type=f16 rescale-inputs=none optimizer-data-type=f16")]
        options: String,
    },
    /// Execution time of the original module against scalified rewrites, alternating in one process.
    Runtime {
        modules: Vec<PathBuf>,
        #[arg(long, default_value_t = 100)]
        runs: usize,
    },
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn count_ops(context: &ScalifyContext, text: &[u8]) -> usize {
    let module = io::parse_bytes(context, text).expect("parses");
    let mut count = 0;
    module.as_operation().walk(WalkOrder::PreOrder, |_| {
        count += 1;
        WalkResult::Advance
    });
    count
}

struct Stages {
    ops: usize,
    parse_verify: Duration,
    scalify: Duration,
    print: Duration,
}

fn time_stages(text: &[u8], options: &str, runs: usize) -> Stages {
    let context = ScalifyContext::new();
    let ops = count_ops(&context, text);
    let mut pipeline = Pipeline::new();
    for element in scalify_pipeline(options) {
        pipeline.push(element);
    }
    let (mut parse, mut pass, mut print) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        let context = ScalifyContext::new();
        let start = Instant::now();
        let mut module = io::parse_bytes(&context, text).expect("parses");
        io::verify(&context, &module).expect("verifies");
        parse.push(start.elapsed());
        let start = Instant::now();
        pipeline.run(&context, &mut module, RunOptions::default()).expect("scalify runs");
        pass.push(start.elapsed());
        let start = Instant::now();
        let printed = io::print(&module, PrintOptions::default()).expect("prints");
        print.push(start.elapsed());
        assert!(!printed.is_empty());
    }
    Stages { ops, parse_verify: median(parse), scalify: median(pass), print: median(print) }
}

/// Least-squares slope of log(time) against log(ops): 1 means linear.
fn fitted_exponent(points: &[(f64, f64)]) -> f64 {
    let n = points.len() as f64;
    let (xs, ys): (Vec<f64>, Vec<f64>) = points.iter().map(|(x, y)| (x.ln(), y.ln())).unzip();
    let (mx, my) = (xs.iter().sum::<f64>() / n, ys.iter().sum::<f64>() / n);
    let covariance: f64 = xs.iter().zip(&ys).map(|(x, y)| (x - mx) * (y - my)).sum();
    let variance: f64 = xs.iter().map(|x| (x - mx) * (x - mx)).sum();
    covariance / variance
}

fn compile(modules: &[PathBuf], runs: usize, options: &str) {
    println!("scalify options: {options}; median of {runs} runs; ratio = stage / (parse+verify + print)\n");
    println!("| module | ops | parse+verify ms | scalify pipeline ms | print ms | scalify ratio | ops/s (scalify) |");
    println!("|---|---|---|---|---|---|---|");
    let mut points = Vec::new();
    for path in modules {
        let text = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        eprintln!("timing {} ...", path.display());
        let s = time_stages(&text, options, runs);
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        let baseline = s.parse_verify + s.print;
        println!(
            "| {} | {} | {:.1} | {:.1} | {:.1} | {:.2} | {:.0} |",
            path.file_stem().unwrap().to_string_lossy(),
            s.ops,
            ms(s.parse_verify),
            ms(s.scalify),
            ms(s.print),
            s.scalify.as_secs_f64() / baseline.as_secs_f64(),
            s.ops as f64 / s.scalify.as_secs_f64()
        );
        points.push((s.ops as f64, s.scalify.as_secs_f64()));
    }
    if points.len() >= 2 {
        println!("\nfitted exponent of scalify-pipeline time against op count: {:.3}", fitted_exponent(&points));
    }
}

/// Rewrites, in the order they are compared with the original.
const REWRITES: &[(&str, &str)] = &[
    ("f32 static scales", "data-type=f32"),
    ("f16, inputs at scale 1 (range statistics only)", "data-type=f16 rescale-inputs=none optimizer-data-type=f16"),
    ("f32 + FP8 matmuls, rescale=max", "data-type=f32 matmul-type=f8 rescale=max"),
    ("f16 with its defaults (f32 update, boundary rescale)", "data-type=f16"),
    ("FP8 matmuls, dynamic scales (fp8-hybrid, signature=keep)", "preset=fp8-hybrid signature=keep"),
    ("FP8 matmuls, static scales (fp8-static)", "preset=fp8-static"),
    // Frozen at the statistics the measuring rewrite returns on these inputs (see `calibrated`).
    ("FP8 matmuls, calibrated scales (fp8-calibrated, frozen)", "preset=fp8-calibrated"),
    ("f16 with its defaults, calibrated statistics (frozen)", "preset=f16 statistics=calibrated"),
    (
        "FP8 matmuls, f16 data, calibrated statistics (fp8-hybrid, signature=keep, frozen)",
        "preset=fp8-hybrid signature=keep statistics=calibrated",
    ),
];

/// `options` with `calibration=` set to the statistics the measuring rewrite returns on `inputs` (its
/// last result: one power of two per statistic), as `scalify.jit` freezes them (an all-zero
/// tensor's, 0, at 1).
fn calibrated(client: &Client, text: &[u8], options: &str, inputs: &[scalify_runtime::HostArray]) -> String {
    let (measuring, _) = rewrite(text, options);
    let outputs = client.compile(&measuring).unwrap().run(inputs).unwrap();
    let scales = outputs.last().expect("the measured scales").to_f64();
    let exponents: Vec<String> =
        scales.iter().map(|s| if *s > 0.0 { s.log2().round() as i32 } else { 0 }.to_string()).collect();
    format!("{options} calibration={}", exponents.join(","))
}

fn rewrite(text: &[u8], options: &str) -> (Vec<u8>, scalify_passes::scalify::Report) {
    let (text, report) = scalify_passes::scalify_module_text(text, options).expect("scalify runs");
    (text.into_bytes(), report)
}

fn runtime(modules: &[PathBuf], runs: usize) {
    let client = Client::new(Plugin::load(&locate(&PluginChoice::Cpu).unwrap()).unwrap()).unwrap();
    println!("CPU plugin; {runs} runs each, alternating original and rewrite in one process; median ms\n");
    println!(
        "| module | rewrite | original ms | rewrite ms | ratio | XLA compile ratio | stat reductions | stat bytes / matmul operand bytes |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for path in modules {
        let text = std::fs::read(path).unwrap();
        let context = ScalifyContext::new();
        let module = io::parse_bytes(&context, &text).unwrap();
        let signature = scalify_dialect::signature::signature(&module).unwrap();
        let specs: Vec<TensorSpec> = signature
            .arguments
            .iter()
            .map(|a| TensorSpec { dtype: DType::from_mlir_name(&a.ty.element).unwrap(), shape: a.ty.shape.clone() })
            .collect();
        let mut random = RandomInputs::new(0);
        let inputs: Vec<_> = specs
            .iter()
            .zip(&signature.arguments)
            .map(|(s, a)| random.array(s, a.index_bound, a.nonnegative))
            .collect();
        let start = Instant::now();
        let original = client.compile(&text).unwrap();
        let original_compile = start.elapsed();
        for (label, options) in REWRITES {
            let options = if options.contains("calibrated") {
                calibrated(&client, &text, options, &inputs)
            } else {
                options.to_string()
            };
            let (rewritten, report) = rewrite(&text, &options);
            let start = Instant::now();
            let executable = client.compile(&rewritten).unwrap();
            let compile = start.elapsed();
            let (a, b) = time_alternating(&original, &executable, &inputs, 3, runs).unwrap();
            // Matmul operands are read in the data type; so are the statistics' inputs.
            let data_bytes = if options.contains("f16") || options.contains("fp8") { 2 } else { 4 };
            let matmul_bytes: i64 = report
                .dots
                .iter()
                .map(|d| (d.lhs_shape.iter().product::<i64>() + d.rhs_shape.iter().product::<i64>()) * data_bytes)
                .sum();
            let stat_ratio = if matmul_bytes > 0 {
                format!("{:.2}", report.statistic_bytes as f64 / matmul_bytes as f64)
            } else {
                "-".to_string()
            };
            println!(
                "| {} | {label} | {:.3} | {:.3} | {:.2} | {:.2} | {} | {stat_ratio} |",
                path.file_stem().unwrap().to_string_lossy(),
                a.median.as_secs_f64() * 1e3,
                b.median.as_secs_f64() * 1e3,
                b.median.as_secs_f64() / a.median.as_secs_f64(),
                compile.as_secs_f64() / original_compile.as_secs_f64(),
                report.statistic_reductions,
            );
        }
    }
}

fn main() {
    match Cli::parse().command {
        Command::Compile { modules, runs, options } => compile(&modules, runs, &options),
        Command::Runtime { modules, runs } => runtime(&modules, runs),
    }
}
