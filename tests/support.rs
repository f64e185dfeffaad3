//! Shared by the tests of every crate: where the fixtures are, and how to scalify a module and run
//! it through PJRT on the CPU.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use scalify_passes::scalify::Report;
use scalify_passes::scalify_module_text;
use scalify_runtime::plugins::{PluginChoice, locate};
use scalify_runtime::{Client, Comparison, HostArray, Plugin, Tolerance, compare, npy};

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

/// Fixtures that have reference data: (name, inputs).
pub fn fixtures_with_data() -> Vec<(String, Vec<HostArray>)> {
    let mut names: Vec<String> = std::fs::read_dir(fixtures_dir().join("data"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let inputs = arrays(&fixtures_dir().join("data").join(&name), "in_");
            (name, inputs)
        })
        .collect()
}

/// The paths of `<prefix>_*.npy` in a folder, in order.
pub fn npy_paths(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
        .collect();
    paths.sort();
    paths
}

/// `<prefix>_*.npy` of a folder, in order.
pub fn arrays(dir: &Path, prefix: &str) -> Vec<HostArray> {
    npy_paths(dir, prefix).iter().map(|p| npy::read(p, None).unwrap()).collect()
}

/// The Python of the project's venv (scripts/setup makes it), with jax and numpy.
pub fn venv_python() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/python")
}

/// The module text after `--scalify=options` (the default pipeline), and the pass's report.
pub fn scalify_text(module: &str, options: &str) -> (String, Report) {
    scalify_module_text(module.as_bytes(), options).unwrap_or_else(|e| panic!("{}", e.render("<input>")))
}

/// One CPU client for the whole test binary.
pub fn cpu() -> &'static Client {
    static CLIENT: OnceLock<Client> = OnceLock::new();
    CLIENT.get_or_init(|| Client::new(Plugin::load(&locate(&PluginChoice::Cpu).unwrap()).unwrap()).unwrap())
}

pub fn run(module: &str, inputs: &[HostArray]) -> Vec<HostArray> {
    let executable = cpu().compile(module.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{module}"));
    executable.run(inputs).unwrap_or_else(|e| panic!("{e}"))
}

/// Element-wise statistics of `actual` against `expected` (no tolerance: read the fields).
pub fn stats(actual: &HostArray, expected: &HostArray) -> Comparison {
    compare(actual, expected, Tolerance { rtol: 0.0, atol: f64::INFINITY }).unwrap()
}

/// A tiny deterministic generator (SplitMix64), so generated programs and mutations are the same on
/// every machine.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, n) (0 when n is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// Standard normal (Box-Muller).
    pub fn normal(&mut self) -> f64 {
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        let v = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        (-2.0 * (u.max(1e-300)).ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
}

#[path = "random_program.rs"]
pub mod random_program;

/// Runs XLA's CPU backend so that it evaluates each op as written (unless the caller set XLA_FLAGS):
/// the f32 oracle of the differential and library-step tests. Three of XLA's own rewrites change
/// f32 results with the graph around an op, so a rewrite that only moves powers of two would differ
/// from the original by them, not by its rules (each measured on differential cases that became
/// bit-identical once it was off):
/// - the LLVM backend contracts a multiply and an add into an FMA (one rounding instead of two), also
///   at optimization level 0, and picks vectorized or scalar transcendental kernels by fusion:
///   `--xla_cpu_max_isa=AVX` leaves it no FMA instruction (AVX2's; AVX keeps F16C for f16, which
///   `SSE4_2` lacks: XLA then needs compiler-rt's `__extendhfsf2`, which it does not link);
/// - the algebraic simplifier reassociates `(a * c1) * c2` into `a * (c1 * c2)` and `(a / b) / c`
///   into `a / (b * c)` where no other op sits between (the rewrite folds a power-of-two multiply
///   away, and exposes such a pair): `--xla_disable_hlo_passes=algsimp`;
/// - and at the default level it vectorizes reductions by the graph around them: level 0.
///
/// Call before the test binary's one PJRT client is made.
pub fn literal_xla() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if std::env::var_os("XLA_FLAGS").is_none() {
            // SAFETY: runs once, before any PJRT client exists and before any test reads the
            // environment; concurrent callers wait on the Once.
            unsafe { std::env::set_var("XLA_FLAGS", LITERAL_XLA_FLAGS) };
        }
    });
}

/// The XLA flags of `literal_xla` (`scripts/f32-first-difference` runs with the same).
pub const LITERAL_XLA_FLAGS: &str =
    "--xla_backend_optimization_level=0 --xla_cpu_max_isa=AVX --xla_disable_hlo_passes=algsimp";

/// Runs `f` on a thread with a 512 MiB stack and returns its result (or its panic): XLA's compiler,
/// without its algebraic simplifier (`literal_xla`), recurses deeper on a large step (keras-hub's
/// GPT-2) than a test thread's 2 MiB allow.
pub fn with_large_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let thread = std::thread::Builder::new().stack_size(512 << 20).spawn(f).unwrap();
    thread.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// Element-wise identity, NaN matching NaN.
pub fn identical(a: &HostArray, e: &HostArray) -> bool {
    a.shape() == e.shape() && a.to_f64().iter().zip(e.to_f64()).all(|(x, y)| x == &y || (x.is_nan() && y.is_nan()))
}

/// The exponents a measuring rewrite (`statistics=calibrated`) returns as its last output: the log2
/// of each statistic, as `calibration=` takes them (an all-zero tensor's statistic, 0, as 2^-126,
/// as `scalify.jit` freezes it).
pub fn measured_exponents(outputs: &[HostArray]) -> String {
    let values = outputs.last().unwrap().to_f64();
    assert!(values.iter().all(|s| *s == 0.0 || (*s > 0.0 && s.log2().fract() == 0.0)), "not powers of two: {values:?}");
    let exponents: Vec<String> =
        values.iter().map(|s| if *s == 0.0 { -126 } else { s.log2().round() as i32 }.to_string()).collect();
    exponents.join(",")
}
