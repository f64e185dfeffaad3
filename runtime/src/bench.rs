//! Timing executions: compile once, warm up, then time executions on device-resident inputs.

use std::time::{Duration, Instant};

use crate::array::HostArray;
use crate::pjrt::{Executable, PjrtError};

#[derive(Clone, Debug, PartialEq)]
pub struct Timings {
    pub runs: usize,
    pub median: Duration,
    pub min: Duration,
}

impl Timings {
    pub fn from_samples(mut samples: Vec<Duration>) -> Self {
        samples.sort();
        let runs = samples.len();
        let median = if runs == 0 {
            Duration::ZERO
        } else if runs % 2 == 1 {
            samples[runs / 2]
        } else {
            (samples[runs / 2 - 1] + samples[runs / 2]) / 2
        };
        Self { runs, median, min: samples.first().copied().unwrap_or_default() }
    }
}

/// Times `runs` executions after `warmup` untimed ones; inputs stay on the device, outputs are
/// dropped (freed) after each run, and each timing covers the whole execution until it completes.
pub fn time_executions(
    executable: &Executable,
    inputs: &[HostArray],
    warmup: usize,
    runs: usize,
) -> Result<Timings, PjrtError> {
    let uploaded = executable.upload(inputs)?;
    for _ in 0..warmup {
        executable.execute_uploaded(&uploaded)?;
    }
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        let outputs = executable.execute_uploaded(&uploaded)?;
        samples.push(start.elapsed());
        drop(outputs);
    }
    Ok(Timings::from_samples(samples))
}

/// Times two executables on the same inputs, alternating A, B, A, B, ... so that both see the same
/// machine noise; returns (A, B).
pub fn time_alternating(
    a: &Executable,
    b: &Executable,
    inputs: &[HostArray],
    warmup: usize,
    runs: usize,
) -> Result<(Timings, Timings), PjrtError> {
    let (uploaded_a, uploaded_b) = (a.upload(inputs)?, b.upload(inputs)?);
    for _ in 0..warmup {
        a.execute_uploaded(&uploaded_a)?;
        b.execute_uploaded(&uploaded_b)?;
    }
    let (mut samples_a, mut samples_b) = (Vec::with_capacity(runs), Vec::with_capacity(runs));
    for _ in 0..runs {
        let start = Instant::now();
        drop(a.execute_uploaded(&uploaded_a)?);
        samples_a.push(start.elapsed());
        let start = Instant::now();
        drop(b.execute_uploaded(&uploaded_b)?);
        samples_b.push(start.elapsed());
    }
    Ok((Timings::from_samples(samples_a), Timings::from_samples(samples_b)))
}
