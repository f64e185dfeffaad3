"""Debug aid: the value of one SSA name of a module's @main, computed by XLA (through jax's client).

    .venv/bin/python scripts/probe.py MODULE.mlir %123 in_000.npy in_001.npy ...

Rewrites the module's return to that value, compiles and runs it on the given inputs, and prints its
NaN/Inf counts and max |x|. Bisecting over SSA numbers finds where a rewrite first goes wrong.
"""

import re
import sys

import jax
import numpy as np
from jax._src.lib import xla_client

jax.config.update("jax_platforms", "cpu")


def main():
    path, target, *inputs = sys.argv[1:]
    lines = open(path).read().splitlines()
    definition = next((l for l in lines if re.match(r"\s*" + re.escape(target) + r"(:\d+)? = ", l)), None)
    if definition is None:
        sys.exit(f"{target} is not defined in {path}")
    match = re.search(r"-> (tensor<[^>]*>)\s*$", definition) or re.search(r": (tensor<[^>]*>)\s*$", definition)
    if match is None:
        sys.exit(f"cannot read the type of {target}: {definition.strip()}")
    ty = match.group(1)
    edited = []
    for line in lines:
        if line.strip().startswith("return ") and line.startswith("    return"):
            line = re.sub(r"return .*", f"return {target} : {ty}", line)
        if re.search(r"func\.func (public )?@main", line):
            line = re.sub(r"\) -> \(.*\) (attributes|\{)", lambda m: f") -> ({ty}) {m.group(1)}", line)
            line = re.sub(r"\) -> tensor<[^>]*> (attributes|\{)", lambda m: f") -> ({ty}) {m.group(1)}", line)
        edited.append(line)
    devices = jax.devices()[:1]
    executable = devices[0].client.compile_and_load(
        "\n".join(edited), xla_client.DeviceList(tuple(devices)), xla_client.CompileOptions()
    )
    value = np.asarray(executable.execute([jax.device_put(np.load(p)) for p in inputs])[0])
    finite = np.abs(value[np.isfinite(value)]) if value.dtype.kind == "f" else np.abs(value)
    print(
        f"{target} {ty}: nan {int(np.isnan(value).sum()) if value.dtype.kind == 'f' else 0}, "
        f"inf {int(np.isinf(value).sum()) if value.dtype.kind == 'f' else 0}, "
        f"max |x| {finite.max() if finite.size else float('nan')}"
    )


if __name__ == "__main__":
    main()
