"""What XLA:GPU made of a module, read from its optimized HLO text (`HloModule.to_string()`).

Shared by the deviceless check (`aot_check.py`) and the check on a real GPU (`check.py`):
- kernels: instructions that launch work in the computations the runtime executes (the entry, while
  bodies and conditions, conditional branches, calls), not in fused computations or reducers;
- FP8 GEMMs: cuBLASLt FP8 matmul custom calls, and GEMM fusions (Triton) whose dot takes f8 operands;
- all GEMMs, FP8 or not, for the same two paths (plus cuBLAS's non-Lt calls);
- cuDNN graph convolutions.
"""

import re
from dataclasses import dataclass, field

CUBLAS_FP8 = "__cublas$lt$matmul$f8"
CUBLAS_GEMMS = ("__cublas$gemm", "__cublas$lt$matmul")  # FP8's target starts with the second
CUDNN_CONV_GRAPH = "__cudnn$convForwardGraph"
F8_TYPES = ("f8e4m3fn", "f8e5m2", "f8e4m3", "f8e5m2fnuz", "f8e4m3fnuz")

# Opcodes that launch nothing on their own: bookkeeping, and control flow whose bodies are counted.
NOT_KERNELS = {
    "parameter",
    "constant",
    "get-tuple-element",
    "tuple",
    "bitcast",
    "while",
    "conditional",
    "call",
    "after-all",
    "add-dependency",
    "opt-barrier",
    "domain",
    "partition-id",
    "replica-id",
}

_HEADER = re.compile(r"^(ENTRY\s+)?%?([\w.\-]+)\s*\(.*\{\s*$")
_INSTRUCTION = re.compile(r"^\s*(?:ROOT\s+)?%?([\w.\-]+)\s*=\s*(.*)$")
_OPCODE = re.compile(r"(?:^|[\s)}])([a-z][a-z0-9\-]*)\(")
_CALLED = re.compile(r"\b(calls|to_apply|body|condition|true_computation|false_computation)=%?([\w.\-]+)")
_BRANCHES = re.compile(r"branch_computations=\{([^}]*)\}")


@dataclass
class Instruction:
    name: str
    opcode: str
    text: str
    result_type: str = ""


@dataclass
class Computation:
    name: str
    entry: bool
    instructions: list = field(default_factory=list)


def parse(hlo_text):
    """Computations by name, each with its instructions (name, opcode, full text)."""
    computations, current = {}, None
    for line in hlo_text.splitlines():
        if current is None:
            header = _HEADER.match(line)
            if header and not line.lstrip().startswith("HloModule"):
                current = Computation(header.group(2), bool(header.group(1)))
            continue
        if line.strip() == "}":
            computations[current.name] = current
            current = None
            continue
        instruction = _INSTRUCTION.match(line)
        if instruction:
            rest = instruction.group(2)
            opcode = _OPCODE.search(rest)
            current.instructions.append(
                Instruction(
                    instruction.group(1),
                    opcode.group(1) if opcode else "",
                    rest,
                    rest[: opcode.start()] if opcode else "",
                )
            )
    return computations


def _executed(computations):
    """Names of the computations the runtime steps through: the entry and what control flow calls."""
    entry = [c.name for c in computations.values() if c.entry]
    executed, pending = set(), list(entry)
    while pending:
        name = pending.pop()
        if name in executed or name not in computations:
            continue
        executed.add(name)
        for instruction in computations[name].instructions:
            if instruction.opcode in ("while", "conditional", "call"):
                pending += [m.group(2) for m in _CALLED.finditer(instruction.text)]
                for branches in _BRANCHES.findall(instruction.text):
                    pending += [b.strip().lstrip("%") for b in branches.split(",")]
    return executed


def _reachable(computations, name, seen=None):
    """A computation and every computation it calls (nested fusions), by name."""
    seen = set() if seen is None else seen
    if name in seen or name not in computations:
        return seen
    seen.add(name)
    for instruction in computations[name].instructions:
        for called in _CALLED.finditer(instruction.text):
            _reachable(computations, called.group(2), seen)
    return seen


def _dots(computations, names):
    """(has a dot, has a dot with an f8 operand) over the computations `names`. Operands are printed
    by name, so their types are looked up among the computation's instructions and parameters."""
    any_dot = any_f8 = False
    for name in names:
        types = {i.name: i.result_type for i in computations[name].instructions}
        for instruction in computations[name].instructions:
            if instruction.opcode not in ("dot", "scaled-dot"):
                continue
            any_dot = True
            operands = instruction.text[instruction.text.index("(") + 1 :].split(")")[0]
            for operand in operands.split(","):
                operand = operand.strip().split()[-1].lstrip("%") if operand.strip() else ""
                operand_type = types.get(operand, operand)
                if any(operand_type.lstrip().startswith(t + "[") for t in F8_TYPES):
                    any_f8 = True
    return any_dot, any_f8


@dataclass
class Stats:
    kernels: int = 0
    gemms: int = 0
    fp8_cublas: int = 0
    fp8_triton: int = 0
    cudnn_conv_graphs: int = 0

    @property
    def fp8_gemms(self):
        return self.fp8_cublas + self.fp8_triton


def stats(hlo_text):
    computations = parse(hlo_text)
    result = Stats()
    for name in _executed(computations):
        for instruction in computations[name].instructions:
            if instruction.opcode in NOT_KERNELS or not instruction.opcode:
                continue
            result.kernels += 1
            text = instruction.text
            if instruction.opcode == "custom-call":
                if CUBLAS_FP8 in text:
                    result.fp8_cublas += 1
                if any(f'"{target}' in text for target in CUBLAS_GEMMS):
                    result.gemms += 1
                if CUDNN_CONV_GRAPH in text:
                    result.cudnn_conv_graphs += 1
            elif instruction.opcode == "fusion" and "gemm" in text and "__triton" in text:
                called = _CALLED.search(text)
                any_dot, any_f8 = _dots(computations, _reachable(computations, called.group(2))) if called else (0, 0)
                result.gemms += any_dot
                result.fp8_triton += any_f8
    return result
