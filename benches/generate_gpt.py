"""Writes GPT training steps of growing depth, for the compile-time scaling benchmark.

    .venv/bin/python benches/generate_gpt.py OUT_DIR 1 4 16 64 256

Each module is the fixture's nanoGPT-style AdamW training step (tests/fixtures/generate.py) with
n_layer transformer blocks, lowered by jax; the op count grows by about 660 per block.
"""

import pathlib
import sys

import jax

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "tests" / "fixtures"))
import generate  # noqa: E402

jax.config.update("jax_platforms", "cpu")


def main():
    out = pathlib.Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for n_layer in map(int, sys.argv[2:]):
        path = out / f"gpt_{n_layer}_layers.mlir"
        if path.exists():
            continue
        generate.GPT["n_layer"] = n_layer
        step, args = generate.gpt_example()
        path.write_text(jax.jit(step).lower(*args).as_text())
        print(f"{path}: {path.stat().st_size // 1024} KiB", file=sys.stderr)


if __name__ == "__main__":
    main()
