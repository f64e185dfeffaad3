//! Finding PJRT plugins: the CPU plugin of the `xla-cpu-pjrt` wheel (linked by scripts/setup) and the
//! CUDA plugin of the `jax-cuda13-pjrt` / `jax-cuda12-pjrt` wheels, or any plugin given by path.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use crate::pjrt::PjrtError;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PluginChoice {
    Cpu,
    Cuda,
    Path(PathBuf),
}

impl FromStr for PluginChoice {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "cpu" => Self::Cpu,
            "cuda" | "gpu" => Self::Cuda,
            path => Self::Path(PathBuf::from(path)),
        })
    }
}

/// Folders that may hold Python packages: this project's venv, an active venv, the system's.
fn site_packages() -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("../.venv/lib")];
    if let Some(venv) = std::env::var_os("VIRTUAL_ENV") {
        roots.push(PathBuf::from(venv).join("lib"));
    }
    roots.extend(["/usr/local/lib", "/usr/lib"].map(PathBuf::from));
    let mut found = Vec::new();
    for root in roots {
        let Ok(entries) = std::fs::read_dir(&root) else {
            continue;
        };
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with("python3") {
                found.extend(["site-packages", "dist-packages"].map(|leaf| entry.path().join(leaf)));
            }
        }
    }
    found.push(PathBuf::from("/usr/lib/python3/dist-packages"));
    found
}

/// The plugin file for `choice`: `SCALIFY_PJRT_CPU_PLUGIN` / `SCALIFY_PJRT_CUDA_PLUGIN` first, then the
/// standard places.
pub fn locate(choice: &PluginChoice) -> Result<PathBuf, PjrtError> {
    match choice {
        PluginChoice::Path(path) => Ok(path.clone()),
        PluginChoice::Cpu => {
            if let Some(path) = std::env::var_os("SCALIFY_PJRT_CPU_PLUGIN") {
                return Ok(PathBuf::from(path));
            }
            let path = Path::new(env!("SCALIFY_PJRT_DEFAULT_DIR")).join("xla_cpu_pjrt.so");
            if path.is_file() {
                Ok(path)
            } else {
                Err(PjrtError::Usage(format!(
                    "no CPU plugin at {} (run scripts/setup, or set SCALIFY_PJRT_CPU_PLUGIN)",
                    path.display()
                )))
            }
        }
        PluginChoice::Cuda => {
            if let Some(path) = std::env::var_os("SCALIFY_PJRT_CUDA_PLUGIN") {
                return Ok(PathBuf::from(path));
            }
            let candidates = ["jax_plugins/xla_cuda13/xla_cuda_plugin.so", "jax_plugins/xla_cuda12/xla_cuda_plugin.so"];
            site_packages()
                .iter()
                .flat_map(|site| candidates.map(|c| site.join(c)))
                .find(|path| path.is_file())
                .ok_or_else(|| {
                    PjrtError::Usage(
                        "no CUDA plugin found (install jax-cuda13-pjrt or jax-cuda12-pjrt, or set SCALIFY_PJRT_CUDA_PLUGIN)"
                            .to_string(),
                    )
                })
        }
    }
}
