//! MLIR diagnostics as plain data, formatted the way mlir-opt prints them: `file:line:col: error: ...`.

use std::fmt;

use std::ffi::c_void;

use melior::ir::Location;
use mlir_sys::MlirDiagnosticSeverity_MlirDiagnosticError as ERROR;
use mlir_sys::MlirDiagnosticSeverity_MlirDiagnosticNote as NOTE;
use mlir_sys::MlirDiagnosticSeverity_MlirDiagnosticWarning as WARNING;
use mlir_sys::{
    MlirDiagnostic, MlirStringRef, mlirDiagnosticGetLocation, mlirDiagnosticGetNote, mlirDiagnosticGetNumNotes,
    mlirDiagnosticGetSeverity, mlirDiagnosticPrint,
};

/// An `MlirStringCallback` that appends the bytes it is given to the `Vec<u8>` behind `data`.
unsafe extern "C" fn append_bytes(text: MlirStringRef, data: *mut c_void) {
    if text.data.is_null() || text.length == 0 {
        return;
    }
    let bytes = unsafe { std::slice::from_raw_parts(text.data.cast::<u8>(), text.length) };
    unsafe { &mut *data.cast::<Vec<u8>>() }.extend_from_slice(bytes);
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
    Note,
    Remark,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
            Severity::Remark => "remark",
        })
    }
}

/// A position in a source file; the file is empty or `-` for buffers parsed from memory (stdin).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceLocation {
    pub file: String,
    pub line: usize,
    pub column: usize,
}

impl SourceLocation {
    /// The first file position a location leads to: through names (`"jvp(f)"(loc)`), call sites
    /// (the callee, where the op is) and fused locations (the first one that has a position).
    pub fn from_mlir(location: Location) -> Option<Self> {
        if location.is_file_line_col_range() {
            return Some(Self {
                file: location.file_line_col_range_filename().as_string_ref().as_str().ok()?.to_string(),
                line: location.file_line_col_range_start_line(),
                column: location.file_line_col_range_start_column(),
            });
        }
        if location.is_name() {
            return Self::from_mlir(location.name_child_location());
        }
        if location.is_call_site() {
            return Self::from_mlir(location.call_site_callee())
                .or_else(|| Self::from_mlir(location.call_site_caller()));
        }
        if location.is_fused() {
            return (0..location.fused_num_locations()).find_map(|i| Self::from_mlir(location.fused_location(i)));
        }
        None
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub location: Option<SourceLocation>,
    pub message: String,
    pub notes: Vec<Diagnostic>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Self { severity: Severity::Error, location: None, message: message.into(), notes: Vec::new() }
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Self { severity: Severity::Warning, ..Self::error(message) }
    }

    pub fn note(message: impl Into<String>) -> Self {
        Self { severity: Severity::Note, ..Self::error(message) }
    }

    pub fn at(mut self, location: Option<SourceLocation>) -> Self {
        self.location = location;
        self
    }

    /// Reads a diagnostic MLIR hands to a handler. The message is decoded lossily: MLIR quotes input
    /// bytes verbatim (`"stablehlo.add\xff"`), and a diagnostic must never fail to be read.
    ///
    /// # Safety
    /// `raw` must be a live diagnostic, as passed to a diagnostic handler.
    pub(crate) unsafe fn from_raw(raw: MlirDiagnostic) -> Self {
        let severity = match unsafe { mlirDiagnosticGetSeverity(raw) } {
            ERROR => Severity::Error,
            WARNING => Severity::Warning,
            NOTE => Severity::Note,
            _ => Severity::Remark,
        };
        let notes = (0..unsafe { mlirDiagnosticGetNumNotes(raw) })
            .map(|i| unsafe { Self::from_raw(mlirDiagnosticGetNote(raw, i)) })
            .collect();
        let mut message = Vec::new();
        unsafe { mlirDiagnosticPrint(raw, Some(append_bytes), (&mut message as *mut Vec<u8>).cast()) };
        let location = unsafe { Location::from_raw(mlirDiagnosticGetLocation(raw)) };
        Self {
            severity,
            location: SourceLocation::from_mlir(location),
            message: String::from_utf8_lossy(&message).into_owned(),
            notes,
        }
    }

    /// Formats like mlir-opt; `source_name` stands in for locations without a file name (stdin) and for
    /// diagnostics without any location.
    pub fn render(&self, source_name: &str) -> String {
        let mut out = String::new();
        self.render_into(source_name, &mut out);
        out
    }

    fn render_into(&self, source_name: &str, out: &mut String) {
        use std::fmt::Write;
        match &self.location {
            Some(loc) => {
                // Buffers parsed from memory are named "" or "-" by MLIR: show the caller's name.
                let file = if loc.file.is_empty() || loc.file == "-" { source_name } else { &loc.file };
                let _ = write!(out, "{file}:{}:{}: ", loc.line, loc.column);
            }
            None => {
                let _ = write!(out, "{source_name}: ");
            }
        }
        let _ = writeln!(out, "{}: {}", self.severity, self.message);
        for note in &self.notes {
            note.render_into(source_name, out);
        }
    }
}

/// A failure that MLIR explained with diagnostics (parse, verify or pass errors).
#[derive(Debug, thiserror::Error)]
#[error("{summary}")]
pub struct MlirError {
    pub summary: String,
    pub diagnostics: Vec<Diagnostic>,
}

impl MlirError {
    pub fn new(summary: impl Into<String>, diagnostics: Vec<Diagnostic>) -> Self {
        Self { summary: summary.into(), diagnostics }
    }

    /// The diagnostics in mlir-opt's format, or the summary alone when MLIR gave none.
    pub fn render(&self, source_name: &str) -> String {
        let errors: String = self.diagnostics.iter().map(|d| d.render(source_name)).collect();
        if errors.is_empty() { format!("{source_name}: error: {}\n", self.summary) } else { errors }
    }
}
