//! `scalify._scalify`: the scalify pipeline in-process, for `scalify.jit`.

#![forbid(unsafe_code)]

use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;

/// Rewrites a StableHLO module (text) with `--scalify=options`; returns (module text, report JSON).
/// Raises ValueError with MLIR's diagnostics when the module or the options are invalid.
#[pyfunction]
fn rewrite(py: Python<'_>, module: &str, options: &str) -> PyResult<(String, String)> {
    let module = module.to_string();
    let options = options.to_string();
    // On a thread of its own with the stack MLIR's recursion needs (Python's threads may have less).
    let rewritten = py.detach(move || {
        std::thread::Builder::new()
            .stack_size(scalify_dialect::io::STACK_SIZE)
            .spawn(move || scalify_passes::scalify_module_text(module.as_bytes(), &options))
            .map(|worker| worker.join())
    });
    match rewritten {
        Ok(Ok(result)) => result
            .map(|(text, report)| (text, report.to_json().to_string()))
            .map_err(|e| PyValueError::new_err(e.render("<module>"))),
        Ok(Err(_)) => Err(PyRuntimeError::new_err("scalify: internal error (a panic in the rewrite)")),
        Err(e) => Err(PyRuntimeError::new_err(format!("scalify: could not start a thread: {e}"))),
    }
}

/// The pass's options as declared (name, values, default, help), in declaration order.
#[pyfunction]
fn options() -> Vec<(String, String, String, String)> {
    scalify_passes::scalify::policy::OPTIONS
        .iter()
        .map(|o| (o.name.to_string(), o.values.to_string(), o.default.to_string(), o.help.to_string()))
        .collect()
}

/// Checks pass options without running anything; raises ValueError naming the bad option.
#[pyfunction]
fn check_options(options: &str) -> PyResult<()> {
    scalify_passes::scalify::Options::parse(options).map(|_| ()).map_err(PyValueError::new_err)
}

/// The linked MLIR library, as it reports itself.
#[pyfunction]
fn library_version() -> String {
    scalify_dialect::library_version()
}

/// The named policies: (name, pass options) in the pass's own syntax.
#[pyfunction]
fn presets() -> Vec<(String, String)> {
    scalify_passes::scalify::PRESETS.iter().map(|(name, options)| (name.to_string(), options.to_string())).collect()
}

#[pymodule]
fn _scalify(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_function(wrap_pyfunction!(rewrite, module)?)?;
    module.add_function(wrap_pyfunction!(library_version, module)?)?;
    module.add_function(wrap_pyfunction!(presets, module)?)?;
    module.add_function(wrap_pyfunction!(check_options, module)?)?;
    module.add_function(wrap_pyfunction!(options, module)?)?;
    Ok(())
}
