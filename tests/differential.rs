//! Differential testing of the Scalify pass on random training-step-like programs
//! (`random_program`): each program is rewritten and run through XLA beside the original.
//!
//! - `data-type=f32` must be **bit-identical** to the original: the rewrite only moves powers of two.
//!   (XLA runs both as written, see `literal_xla`: no FMA contraction, no reassociation by its
//!   algebraic simplifier, level 0.) A difference of ulps (1e-6 relative) counts against the
//!   open-failure budget; anything larger fails the run.
//! - `preset=f16`, `preset=bf16` and `preset=fp8-hybrid` (every dot FP8) must be finite wherever the
//!   original is, and their relative L2 error per output at most `SLACK` times the error of the
//!   program's *rounded twin* (every intermediate rounded to the format's mantissa, f32's range kept:
//!   what the format's precision costs this program), plus `FLOOR` units of the format's precision.
//!   The *range twin* holds each tensor at one power-of-two scale in the format's exponent range (its
//!   largest finite magnitude's): its error counts in the bound too, and where it fails as well (not
//!   finite, or off by half), the program needs more range than one scale per tensor has in that
//!   format (values 2^40 apart in one f16 tensor): counted apart ("beyond the formats' per-tensor
//!   range"), a limit of the method rather than of a rule. f32's exactness is checked on every program.
//!   Programs whose original already overflows f32 have no reference and are skipped (counted).
//!
//! The test command runs `SCALIFY_DIFF_CASES` programs (default 300) from `SCALIFY_DIFF_SEED`, each
//! checked at f32 and at one format in turn, and replays `tests/differential-corpus/` (every program
//! that ever failed and now holds, with its twin). Failures still open are kept in
//! `tests/differential-corpus/open/`; while they are, a run may fail the formats' bound on at most
//! `OPEN_FAILURE_BUDGET` of its programs, never f32's exactness. `scripts/differential N SEED` runs a
//! long one at every format and writes failures, shrunk to their shortest failing prefix, to
//! `target/differential-failures/`.

use std::path::{Path, PathBuf};

use scalify_runtime::{DType, HostArray};
use scalify_tests::random_program::{Program, Rounding, generate};
use scalify_tests::{Rng, identical, literal_xla, run, scalify_text, stats};

struct Format {
    name: &'static str,
    options: &'static str,
    rounding: Rounding,
    /// Exponent bits of the format's range (for the range twin).
    exponent_bits: u32,
}

const FORMATS: &[Format] = &[
    Format {
        name: "f16",
        options: "preset=f16",
        rounding: Rounding { elementwise: 10, dot_operands: 10, optimizer: false, per_tensor_exponent: None },
        exponent_bits: 5,
    },
    Format {
        name: "bf16",
        options: "preset=bf16",
        rounding: Rounding { elementwise: 7, dot_operands: 7, optimizer: true, per_tensor_exponent: None },
        exponent_bits: 8,
    },
    // Every dot FP8 (no size threshold); E5M2 gradients keep 2 mantissa bits, E4M3 3.
    Format {
        name: "fp8-hybrid",
        options: "preset=fp8-hybrid fp8-min-flops=0 signature=keep",
        rounding: Rounding { elementwise: 10, dot_operands: 2, optimizer: false, per_tensor_exponent: None },
        exponent_bits: 5,
    },
];

/// The share of programs allowed to fail at f16/bf16/FP8 while the open cases are open (measured
/// 8 of 300 at seed 1).
const OPEN_FAILURE_BUDGET: f64 = 0.04;

/// The rewrite may cost this many times what the format's precision costs the program...
const SLACK: f64 = 8.0;
/// ... plus this many units of the format's precision (2^-mantissa bits), for outputs the twin gets
/// exactly right by chance.
const FLOOR: f64 = 4.0;

fn inputs(seed: u64, program: &Program) -> Vec<HostArray> {
    let mut rng = Rng(seed.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ 0x5DEE_CE66);
    program
        .input_shapes
        .iter()
        .enumerate()
        .map(|(i, shape)| {
            let count: i64 = shape.iter().product();
            let magnitude = program.input_magnitudes[i];
            let values: Vec<f64> = (0..count)
                .map(|_| {
                    let x = rng.normal() * magnitude;
                    if program.input_positive[i] { x.abs() + magnitude * 1e-3 } else { x }
                })
                .collect();
            HostArray::from_f64(DType::F32, shape.clone(), &values).unwrap()
        })
        .collect()
}

/// A program's twins at one format: `rounded` (every intermediate rounded to the format's mantissa,
/// f32's range kept) and, where known, `range` (each tensor also held at one power-of-two scale in
/// the format's exponent range: what one scale per tensor can hold at all).
struct Twins<'f> {
    format: &'f Format,
    rounded: String,
    range: Option<String>,
}

/// The twins of the program of `steps` steps from `seed`, at each of `formats`.
fn twins_of<'f>(seed: u64, steps: usize, formats: &[&'f Format]) -> Vec<Twins<'f>> {
    formats
        .iter()
        .map(|f| Twins {
            format: f,
            rounded: generate(seed, steps, Some(f.rounding)).text,
            range: Some(generate(seed, steps, Some(f.rounding.per_tensor(f.exponent_bits))).text),
        })
        .collect()
}

enum Checked {
    /// Failures, described, and outputs beyond the format's per-tensor range (the range twin
    /// itself fails there: one scale per tensor cannot hold the program's values), described.
    Done {
        failures: Vec<String>,
        beyond_range: Vec<String>,
    },
    OriginalOverflowed,
}

impl Checked {
    fn failures(self) -> Vec<String> {
        match self {
            Checked::Done { failures, .. } => failures,
            Checked::OriginalOverflowed => Vec::new(),
        }
    }
}

/// One program checked at f32 and at each format it has twins for.
fn check(seed: u64, program: &Program, twins: &[Twins]) -> Checked {
    literal_xla();
    let inputs = inputs(seed, program);
    if let Some(dir) = std::env::var_os("SCALIFY_DIFF_DUMP") {
        // The inputs as .npy files, for scripts/f32-first-difference and scalify-run.
        let dir = PathBuf::from(dir).join(format!("seed-{seed}"));
        std::fs::create_dir_all(&dir).unwrap();
        for (i, input) in inputs.iter().enumerate() {
            scalify_runtime::npy::write(&dir.join(format!("in_{i}.npy")), input).unwrap();
        }
    }
    let expected = run(&program.text, &inputs);
    let mut failures = Vec::new();
    if expected.iter().any(|e| stats(e, e).nan_expected + stats(e, e).inf_expected > 0) {
        // The original itself left f32 (a gradient of 1e20 squared): there is no reference to be
        // exact against, and the low-precision rewrites have none to be close to.
        return Checked::OriginalOverflowed;
    }
    let (exact, report) = scalify_text(&program.text, "data-type=f32");
    if report.fallback_count() != 0 {
        failures.push(format!("f32: fallbacks {:?}", report.fallbacks));
    }
    for (i, (a, e)) in run(&exact, &inputs).iter().zip(&expected).enumerate() {
        if !identical(a, e) {
            let c = stats(a, e);
            // A few ulps count against the budget below (values at f32's underflow, where moving a
            // power of two is not exact); anything more is a wrong rule.
            let how = if c.rel_l2_error <= 1e-6 { "is not bit-identical" } else { "differs beyond ulps" };
            failures.push(format!("f32 output {i} {how}: {c:?}"));
        }
    }
    let mut beyond_range = Vec::new();
    for Twins { format, rounded, range } in twins {
        let (scalified, _) = scalify_text(&program.text, format.options);
        let actual = run(&scalified, &inputs);
        let unit = 2f64.powi(-(format.rounding.elementwise.min(format.rounding.dot_operands) as i32));
        // An output finite and within FLOOR units of the format's precision holds whatever the twins
        // say (the bound is at least that): the twins run only when some output is not (most
        // programs at bf16 and FP8 never need them; a compile and a run saved per twin).
        let holds_without_twins = |(a, e): (&HostArray, &HostArray)| {
            let c = stats(a, e);
            c.nan_expected + c.inf_expected > 0 || (c.nan_actual + c.inf_actual == 0 && c.rel_l2_error <= FLOOR * unit)
        };
        if actual.iter().zip(&expected).all(holds_without_twins) {
            continue;
        }
        let rounded = run(rounded, &inputs);
        let range = range.as_ref().map(|t| run(t, &inputs));
        for (i, ((a, t), e)) in actual.iter().zip(&rounded).zip(&expected).enumerate() {
            let c = stats(a, e);
            if c.nan_expected + c.inf_expected > 0 {
                continue;
            }
            // The range twin's error counts too: values a tensor's one scale cannot reach in the
            // format (flushed beside its largest) are lost to any per-tensor scaling.
            let range = range.as_ref().map(|r| stats(&r[i], e));
            let range_error = range.as_ref().map_or(0.0, |r| r.rel_l2_error);
            let twin_error = stats(t, e).rel_l2_error.max(range_error);
            let bound = SLACK * twin_error + FLOOR * unit;
            // A twin that is itself no longer close says the program is too ill-conditioned for the
            // format to mean anything: no bound is derived from it.
            let meaningful = twin_error.is_finite() && twin_error < 0.5;
            let failure = if c.nan_actual + c.inf_actual > 0 {
                format!("{}: output {i} not finite where the original is: {c:?}", format.name)
            } else if meaningful && c.rel_l2_error > bound {
                format!(
                    "{}: output {i} relative L2 error {:.3e} > {bound:.3e} (twin {twin_error:.3e})",
                    format.name, c.rel_l2_error
                )
            } else {
                continue;
            };
            let out_of_range = range.is_some_and(|r| r.nan_actual + r.inf_actual > 0 || !(r.rel_l2_error < 0.5));
            if out_of_range {
                beyond_range.push(failure);
            } else {
                failures.push(failure);
            }
        }
    }
    Checked::Done { failures, beyond_range }
}

fn steps_for(seed: u64) -> usize {
    8 + Rng(seed).below(16)
}

fn failures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/differential-failures")
}

/// The regression corpus, or the directory `SCALIFY_DIFF_CORPUS` names (to replay the open cases:
/// `SCALIFY_DIFF_CORPUS=tests/differential-corpus/open`).
fn corpus_dir() -> PathBuf {
    match std::env::var_os("SCALIFY_DIFF_CORPUS") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("differential-corpus"),
    }
}

/// Writes a failing case as the corpus keeps it: the program with a header naming its seed and
/// inputs, and one twin per format.
fn save(dir: &Path, seed: u64, program: &Program, twins: &[Twins], failures: &[String]) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join(format!("seed-{seed}.mlir"));
    let shapes: Vec<String> = program
        .input_shapes
        .iter()
        .zip(&program.input_magnitudes)
        .zip(&program.input_positive)
        .map(|((s, m), p)| {
            let dims: Vec<String> = s.iter().map(|d| d.to_string()).collect();
            format!("{}:{m:e}:{}", dims.join("x"), if *p { "positive" } else { "signed" })
        })
        .collect();
    let mut header = format!("// differential seed={seed}\n// inputs {}\n", shapes.join(" "));
    for f in failures {
        header.push_str(&format!("// found: {f}\n"));
    }
    std::fs::write(&path, format!("{header}{}", program.text)).unwrap();
    for twin in twins {
        std::fs::write(dir.join(format!("seed-{seed}.{}.twin.mlir", twin.format.name)), &twin.rounded).unwrap();
    }
    path
}

/// Reads a corpus case back: its seed and its program (inputs from the header).
fn load(path: &Path) -> (u64, Program) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let seed = lines.next().and_then(|l| l.strip_prefix("// differential seed=")).unwrap().parse().unwrap();
    let mut program =
        Program { text: text.clone(), input_shapes: vec![], input_magnitudes: vec![], input_positive: vec![] };
    for input in lines.next().and_then(|l| l.strip_prefix("// inputs ")).unwrap().split(' ') {
        let mut parts = input.split(':');
        let dims = parts.next().unwrap();
        program.input_shapes.push(if dims.is_empty() {
            vec![]
        } else {
            dims.split('x').map(|d| d.parse().unwrap()).collect()
        });
        program.input_magnitudes.push(parts.next().unwrap().parse().unwrap());
        program.input_positive.push(parts.next() == Some("positive"));
    }
    (seed, program)
}

/// The number of steps a corpus case was generated with, found by generating it again (None where
/// the generator no longer makes that program).
fn steps_of(seed: u64, text: &str) -> Option<usize> {
    let body: String = text.lines().filter(|l| !l.starts_with("//")).map(|l| format!("{l}\n")).collect();
    (1..=steps_for(seed)).find(|&k| generate(seed, k, None).text == body)
}

/// Every program that ever failed, at f32 and at each format it has a twin for.
#[test]
fn the_regression_corpus_holds() {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".mlir") && !p.to_string_lossy().ends_with(".twin.mlir"))
        .collect();
    cases.sort();
    assert!(!cases.is_empty(), "the corpus lost its cases");
    let mut failures = Vec::new();
    for path in &cases {
        let (seed, program) = load(path);
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let steps = steps_of(seed, &program.text);
        let twins: Vec<Twins> = FORMATS
            .iter()
            .filter_map(|f| {
                let twin = path.with_file_name(format!("{stem}.{}.twin.mlir", f.name));
                let range = steps.map(|k| generate(seed, k, Some(f.rounding.per_tensor(f.exponent_bits))).text);
                std::fs::read_to_string(twin).ok().map(|rounded| Twins { format: f, rounded, range })
            })
            .collect();
        for f in check(seed, &program, &twins).failures() {
            failures.push(format!("{}: {f}", path.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// What became of one random program.
enum Outcome {
    /// Every check held; whether some output was beyond the formats' per-tensor range.
    Held { beyond_range: bool },
    /// The original overflows f32: no reference.
    Overflowed,
    /// Failed: the saved case (shrunk) and what failed.
    Failed(String),
}

/// The `case`-th program from `first`, checked at f32 and at one format in turn (or every format);
/// a failure is shrunk to its shortest failing prefix and saved in `failures_dir()`.
fn check_case(first: u64, case: u64, all_formats: bool) -> Outcome {
    let seed = first.wrapping_mul(1_000_003).wrapping_add(case);
    let steps = steps_for(seed);
    let program = generate(seed, steps, None);
    let formats: Vec<&Format> =
        if all_formats { FORMATS.iter().collect() } else { vec![&FORMATS[(case % FORMATS.len() as u64) as usize]] };
    let twins = twins_of(seed, steps, &formats);
    let (mut found, beyond_range) = match check(seed, &program, &twins) {
        Checked::Done { failures, beyond_range } => (failures, !beyond_range.is_empty()),
        Checked::OriginalOverflowed => return Outcome::Overflowed,
    };
    if found.is_empty() {
        return Outcome::Held { beyond_range };
    }
    // Shrink: the first k steps of a program are the program of k steps (outputs aside), so the
    // shortest prefix that still fails is the case to keep.
    let (mut program, mut twins) = (program, twins);
    for k in 1..steps {
        let shorter = generate(seed, k, None);
        let shorter_twins = twins_of(seed, k, &formats);
        let shorter_found = check(seed, &shorter, &shorter_twins).failures();
        if !shorter_found.is_empty() {
            (program, twins, found) = (shorter, shorter_twins, shorter_found);
            break;
        }
    }
    let path = save(&failures_dir(), seed, &program, &twins, &found);
    let failure = format!("{}:\n  {}", path.display(), found.join("\n  "));
    eprintln!("differential: {failure}");
    Outcome::Failed(failure)
}

/// `SCALIFY_DIFF_CASES` random programs (default 300) from `SCALIFY_DIFF_SEED` (default 1): each at
/// f32 and at one format in turn (`SCALIFY_DIFF_ALL_FORMATS=1`: at every format), on
/// `SCALIFY_DIFF_JOBS` threads.
#[test]
#[ignore = "slow numerics: bash scripts/test --full"]
fn random_programs_match_the_original() {
    let cases: u64 = std::env::var("SCALIFY_DIFF_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(300);
    let first: u64 = std::env::var("SCALIFY_DIFF_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(1);
    let all_formats = std::env::var("SCALIFY_DIFF_ALL_FORMATS").is_ok_and(|v| v == "1");
    // Programs are independent: checked by `SCALIFY_DIFF_JOBS` threads (default: every core), which
    // share the one PJRT client; failures are reported in case order whatever finished first.
    let jobs: usize = std::env::var("SCALIFY_DIFF_JOBS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let next = std::sync::atomic::AtomicU64::new(0);
    let outcomes = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| {
                loop {
                    let case = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if case >= cases {
                        break;
                    }
                    let outcome = check_case(first, case, all_formats);
                    let mut outcomes = outcomes.lock().unwrap();
                    outcomes.push((case, outcome));
                    if outcomes.len() % 500 == 0 {
                        let failed = outcomes.iter().filter(|(_, o)| matches!(o, Outcome::Failed(_))).count();
                        eprintln!("differential: {}/{cases} programs, {failed} failed", outcomes.len());
                    }
                }
            });
        }
    });
    let mut outcomes = outcomes.into_inner().unwrap();
    outcomes.sort_by_key(|(case, _)| *case);
    let mut failures = Vec::new();
    let (mut beyond_range, mut overflowed) = (0, 0);
    for (_, outcome) in outcomes {
        match outcome {
            Outcome::Held { beyond_range: beyond } => beyond_range += beyond as usize,
            Outcome::Overflowed => overflowed += 1,
            Outcome::Failed(failure) => failures.push(failure),
        }
    }
    let inexact: Vec<&String> = failures.iter().filter(|f| f.contains("differs beyond ulps")).collect();
    eprintln!(
        "differential: {cases} programs, {overflowed} skipped (the original overflows f32), {beyond_range} beyond \
         the formats' per-tensor range (checked at f32 only), {} failed ({} beyond ulps at f32)",
        failures.len(),
        inexact.len()
    );
    assert!(
        overflowed * 5 <= cases,
        "{overflowed} of {cases} programs overflow f32 in the original: the generator drifted"
    );
    // f32 is within ulps on every program and bit-exact on all but a few. The formats have known open
    // failures (tests/differential-corpus/open/: data growing through quotients by small data past
    // f16 or FP8, values below a tensor's range), about 2.7% of programs (8 of 300 at seed 1, one of
    // them an f32 ulp difference): more than OPEN_FAILURE_BUDGET is a regression.
    assert!(inexact.is_empty(), "f32 differs beyond ulps:\n{}", failures.join("\n"));
    assert!(
        failures.len() as f64 <= OPEN_FAILURE_BUDGET * cases as f64,
        "{} of {cases} programs failed (budget {:.0}%):\n{}",
        failures.len(),
        OPEN_FAILURE_BUDGET * 100.0,
        failures.join("\n")
    );
}
