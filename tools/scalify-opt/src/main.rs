//! `scalify-opt`: mlir-opt conventions over the scalify pipeline. Argument parsing and I/O only.

#![forbid(unsafe_code)]

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Arg, ArgAction, ArgMatches, Command, CommandFactory, FromArgMatches, Parser, ValueEnum};
use scalify_dialect::melior::ir::Module;
use scalify_dialect::{Emit, MlirError, PrintOptions, ScalifyContext, io, output};
use scalify_passes::scalify::warnings;
use scalify_passes::{PASS_FLAGS, Pipeline, RunOptions, scalify_pipeline};

#[derive(Clone, Copy, Debug, ValueEnum)]
enum EmitFormat {
    Pretty,
    Generic,
    Bytecode,
}

/// Parse, transform, verify and print StableHLO modules (mlir-opt conventions).
#[derive(Debug, Parser)]
#[command(name = "scalify-opt", disable_version_flag = true)]
struct Cli {
    /// Input file: pretty or generic MLIR text, or MLIR bytecode; `-` reads stdin.
    #[arg(default_value = "-")]
    input: String,
    /// Output file; `-` writes stdout. A regular file is replaced atomically (nothing appears on
    /// failure); a FIFO or device is written in place; a symlink is written through.
    #[arg(short = 'o', long = "output", default_value = "-")]
    output: String,
    /// Output form.
    #[arg(long, value_enum, default_value = "pretty")]
    emit: EmitFormat,
    /// A textual pass pipeline, e.g. 'builtin.module(inline,canonicalize,cse)'.
    #[arg(long = "pass-pipeline", value_name = "PIPELINE")]
    pass_pipeline: Option<String>,
    /// Print the module to stderr after every pass.
    #[arg(long = "mlir-print-ir-after-all")]
    print_ir_after_all: bool,
    /// Print the module to stderr before every pass.
    #[arg(long = "mlir-print-ir-before-all")]
    print_ir_before_all: bool,
    /// Print locations in the output.
    #[arg(long = "mlir-print-debuginfo")]
    print_debuginfo: bool,
    /// Verify the module after each pass (the input and output are always verified).
    #[arg(long = "verify-each", default_value_t = true, action = ArgAction::Set, value_name = "BOOL")]
    verify_each: bool,
    /// Write what scalify did (per op: count, rule, fallbacks with locations) as JSON.
    #[arg(long = "scalify-report", value_name = "FILE.json")]
    scalify_report: Option<PathBuf>,
    /// Print the version of scalify-opt and of the linked MLIR library.
    #[arg(long)]
    version: bool,
}

/// The command line: the fixed options above plus one flag per pass in `PASS_FLAGS`.
fn command() -> Command {
    let scalify = Arg::new("scalify")
        .long("scalify")
        .value_name("OPTIONS")
        .num_args(0..=1)
        .require_equals(true)
        .default_missing_value("")
        .help_heading("Passes")
        .help(format!(
            "Scale every float tensor (runs scalify-inline, scalify, chlo-legalize-to-stablehlo, canonicalize, \
             cse). OPTIONS, applied left to right: '{}'; f16 data defaults to rescale-inputs=l2 \
             rescale-results=max optimizer-data-type=f32 (see the README)",
            scalify_passes::scalify::policy::options_synopsis()
        ));
    PASS_FLAGS.iter().fold(Cli::command().arg(scalify), |command, (flag, _, summary)| {
        command.arg(Arg::new(*flag).long(*flag).help(*summary).action(ArgAction::SetTrue).help_heading("Passes"))
    })
}

/// Per-pass flags in the order they were given, as mlir-opt runs them; `--scalify` expands to its
/// pipeline at its place.
fn pipeline_from_flags(matches: &ArgMatches) -> Pipeline {
    let mut chosen: Vec<(usize, Vec<String>)> = PASS_FLAGS
        .iter()
        .filter(|(flag, _, _)| matches.get_flag(flag))
        .map(|(flag, element, _)| (matches.index_of(flag).unwrap_or(0), vec![element.to_string()]))
        .collect();
    if let Some(options) = matches.get_one::<String>("scalify") {
        chosen.push((matches.index_of("scalify").unwrap_or(0), scalify_pipeline(options)));
    }
    chosen.sort_by_key(|(index, _)| *index);
    let mut pipeline = Pipeline::new();
    for element in chosen.into_iter().flat_map(|(_, elements)| elements) {
        pipeline.push(element);
    }
    pipeline
}

/// What went wrong, already in mlir-opt's words.
struct Failure(String);

impl Failure {
    fn mlir(error: MlirError, source_name: &str) -> Self {
        Self(error.render(source_name))
    }
}

fn read_input<'c>(context: &'c ScalifyContext, input: &str) -> Result<(Module<'c>, String), Failure> {
    if input == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| Failure(format!("<stdin>: error: could not read standard input: {e}\n")))?;
        let module = io::parse_bytes(context, &bytes).map_err(|e| Failure::mlir(e, "<stdin>"))?;
        return Ok((module, "<stdin>".to_string()));
    }
    let path = Path::new(input);
    // Check what MLIR's file parser would only report as a bare failure.
    match std::fs::metadata(path) {
        Err(e) => {
            return Err(Failure(format!("{input}: error: could not open input file: {e}\n")));
        }
        Ok(meta) if meta.is_dir() => {
            return Err(Failure(format!("{input}: error: could not open input file: it is a directory\n")));
        }
        Ok(_) => {}
    }
    std::fs::File::open(path).map_err(|e| Failure(format!("{input}: error: could not open input file: {e}\n")))?;
    let module = io::parse_file(context, path).map_err(|e| Failure::mlir(e, input))?;
    Ok((module, input.to_string()))
}

/// Writes `bytes` to `output` (`-` is stdout): a regular file atomically, a FIFO or device in place,
/// through symlinks (see `scalify_dialect::output`).
fn write_output(output: &str, bytes: &[u8]) -> Result<(), Failure> {
    if output == "-" {
        let mut stdout = std::io::stdout().lock();
        return stdout
            .write_all(bytes)
            .and_then(|_| stdout.flush())
            .map_err(|e| Failure(format!("<stdout>: error: could not write output: {e}\n")));
    }
    output::write_file(Path::new(output), bytes)
        .map_err(|e| Failure(format!("{output}: error: could not write output file: {e}\n")))
}

fn run(cli: &Cli, matches: &ArgMatches) -> Result<(), Failure> {
    let flag_pipeline = pipeline_from_flags(matches);
    if cli.pass_pipeline.is_some() && !flag_pipeline.is_empty() {
        return Err(Failure(
            "scalify-opt: error: '--pass-pipeline' cannot be combined with individual pass flags\n".to_string(),
        ));
    }
    let context = ScalifyContext::new();
    // Like mlir-opt, reject a bad pipeline before reading any input.
    let pipeline = match &cli.pass_pipeline {
        Some(text) => Pipeline::parse(&context, text).map_err(|e| Failure::mlir(e, "scalify-opt"))?,
        None => {
            flag_pipeline.check(&context).map_err(|e| Failure::mlir(e, "scalify-opt"))?;
            flag_pipeline
        }
    };
    let (mut module, source_name) = read_input(&context, &cli.input)?;
    io::verify(&context, &module).map_err(|e| Failure::mlir(e, &source_name))?;
    let options = RunOptions {
        print_ir_after_all: cli.print_ir_after_all,
        print_ir_before_all: cli.print_ir_before_all,
        skip_verify_each: !cli.verify_each,
    };
    let report = pipeline.run(&context, &mut module, options).map_err(|e| Failure::mlir(e, &source_name))?;
    if let Some(report) = &report {
        for warning in warnings(report) {
            eprint!("{}", warning.render(&source_name));
        }
    }
    // Everything that can fail runs before anything is written: the report goes out only with the output.
    let report_text = match &cli.scalify_report {
        Some(_) => {
            let json = report.as_ref().map(|r| r.to_json()).ok_or_else(|| {
                Failure("scalify-opt: error: --scalify-report needs the scalify pass in the pipeline\n".to_string())
            })?;
            Some(format!("{json:#}\n"))
        }
        None => None,
    };
    io::verify(&context, &module).map_err(|e| Failure::mlir(e, &source_name))?;
    let emit = match cli.emit {
        EmitFormat::Pretty => Emit::Pretty,
        EmitFormat::Generic => Emit::Generic,
        EmitFormat::Bytecode => Emit::Bytecode,
    };
    let bytes = io::print(&module, PrintOptions { emit, debug_info: cli.print_debuginfo })
        .map_err(|e| Failure::mlir(e, &source_name))?;
    write_output(&cli.output, &bytes)?;
    if let (Some(path), Some(text)) = (&cli.scalify_report, report_text) {
        write_output(&path.to_string_lossy(), text.as_bytes())?;
    }
    Ok(())
}

fn main() -> ExitCode {
    let matches = match command().try_get_matches() {
        Ok(matches) => matches,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() { ExitCode::FAILURE } else { ExitCode::SUCCESS };
        }
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return ExitCode::FAILURE;
        }
    };
    if cli.version {
        println!("scalify-opt {}", env!("CARGO_PKG_VERSION"));
        println!("MLIR: {}", scalify_dialect::library_version());
        return ExitCode::SUCCESS;
    }
    scalify_dialect::exit_on_fatal_errors(if cli.input == "-" { "<stdin>" } else { &cli.input });
    // MLIR recurses once per nesting level; inputs are bounded (`io::MAX_NESTING`), and this stack
    // holds that bound through the parser, the passes and the printer.
    let outcome = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(scalify_dialect::io::STACK_SIZE)
            .spawn_scoped(scope, || run(&cli, &matches))
            .map(|worker| worker.join())
    });
    let result = match outcome {
        Ok(Ok(result)) => result,
        Ok(Err(_)) => Err(Failure("scalify-opt: error: internal error (a panic; see above)\n".to_string())),
        Err(e) => Err(Failure(format!("scalify-opt: error: could not start a thread: {e}\n"))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(message)) => {
            eprint!("{message}");
            ExitCode::FAILURE
        }
    }
}
