//! Criterion: each compile-time stage on every fixture (parse+verify, the scalify pipeline, print).

#![forbid(unsafe_code)]

use criterion::{Criterion, criterion_group, criterion_main};
use scalify_dialect::{PrintOptions, ScalifyContext, io};
use scalify_passes::{Pipeline, RunOptions, scalify_pipeline};

fn fixtures() -> Vec<(String, Vec<u8>)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");
    let mut found: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "mlir"))
        .map(|p| (p.file_stem().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
        .collect();
    found.sort();
    found
}

fn stages(c: &mut Criterion) {
    let mut pipeline = Pipeline::new();
    for element in scalify_pipeline("data-type=f16") {
        pipeline.push(element);
    }
    for (name, text) in fixtures() {
        let mut group = c.benchmark_group(name);
        group.sample_size(10);
        group.bench_function("parse+verify", |b| {
            b.iter(|| {
                let context = ScalifyContext::new();
                let module = io::parse_bytes(&context, &text).unwrap();
                io::verify(&context, &module).unwrap();
            })
        });
        group.bench_function("scalify pipeline", |b| {
            b.iter_batched(
                ScalifyContext::new,
                |context| {
                    let mut module = io::parse_bytes(&context, &text).unwrap();
                    pipeline.run(&context, &mut module, RunOptions::default()).unwrap();
                },
                criterion::BatchSize::PerIteration,
            )
        });
        let context = ScalifyContext::new();
        let module = io::parse_bytes(&context, &text).unwrap();
        group.bench_function("print", |b| b.iter(|| io::print(&module, PrintOptions::default()).unwrap()));
        group.finish();
    }
}

criterion_group!(benches, stages);
criterion_main!(benches);
