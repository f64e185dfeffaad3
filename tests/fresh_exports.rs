//! Training steps exported now by the venv's jax, none of them a fixture (other models and sizes,
//! debug info on and off): each parses, verifies, and prints back to the same module in every form.

use std::process::Command;

use scalify_dialect::{Emit, PrintOptions, ScalifyContext, io};
use scalify_passes::{Pipeline, RunOptions};
use scalify_tests::venv_python;

const EXPORT: &str = r#"
import sys, pathlib, jax, jax.numpy as jnp
jax.config.update("jax_platforms", "cpu")
out = pathlib.Path(sys.argv[1])

def adam_mlp_step(params, x, y):               # 3 layers, tanh, MSE, Adam-like update
    def loss(p):
        h = x
        for w in p[:-1]:
            h = jnp.tanh(h @ w)
        return jnp.mean(jnp.square(h @ p[-1] - y))
    l, g = jax.value_and_grad(loss)(params)
    return [p - 1e-3 * gi / (jnp.sqrt(gi * gi) + 1e-8) for p, gi in zip(params, g)], l

def layernorm_conv_step(k, x):                  # conv1d + layer norm + softplus, SGD
    def loss(k):
        h = jax.lax.conv_general_dilated(x, k, (1,), "SAME", dimension_numbers=("NWC", "WIO", "NWC"))
        mu = h.mean(-1, keepdims=True)
        h = (h - mu) * jax.lax.rsqrt(((h - mu) ** 2).mean(-1, keepdims=True) + 1e-5)
        return jax.nn.softplus(h).sum()
    l, g = jax.value_and_grad(loss)(k)
    return k - 0.01 * g, l

def scan_attention_step(w, xs):                 # scan over attention layers
    def body(h, wi):
        a = jax.nn.softmax(h @ wi @ h.T / 8.0, -1)
        return h + a @ h, None
    def loss(w):
        h, _ = jax.lax.scan(body, xs, w)
        return jnp.sum(h ** 2)
    l, g = jax.value_and_grad(loss)(w)
    return w - 1e-4 * g, l

f32 = lambda *s: jax.ShapeDtypeStruct(s, jnp.float32)
steps = {
    "adam_mlp_step": (adam_mlp_step, ([f32(12, 40), f32(40, 40), f32(40, 3)], f32(5, 12), f32(5, 3))),
    "layernorm_conv_step": (layernorm_conv_step, (f32(5, 3, 6), f32(2, 20, 3))),
    "scan_attention_step": (scan_attention_step, (f32(3, 16, 16), f32(10, 16))),
}
for name, (f, args) in steps.items():
    lowered = jax.jit(f).lower(*args)
    (out / f"{name}.mlir").write_text(lowered.as_text())
    (out / f"{name}.debug.mlir").write_text(lowered.as_text(debug_info=True))
"#;

#[test]
fn fresh_jax_training_steps_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(venv_python()).arg("-c").arg(EXPORT).arg(dir.path()).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let mut checked = 0;
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.display().to_string();
        let context = ScalifyContext::new();
        let mut module = io::parse_file(&context, &path).unwrap_or_else(|e| panic!("{}", e.render(&name)));
        io::verify(&context, &module).unwrap_or_else(|e| panic!("{}", e.render(&name)));
        let pretty = io::print(&module, PrintOptions { emit: Emit::Pretty, debug_info: true }).unwrap();
        for emit in [Emit::Generic, Emit::Bytecode] {
            let printed = io::print(&module, PrintOptions { emit, debug_info: true }).unwrap();
            let fresh = ScalifyContext::new();
            let again = io::parse_bytes(&fresh, &printed).unwrap_or_else(|e| panic!("{}", e.render(&name)));
            let reprinted = io::print(&again, PrintOptions { emit: Emit::Pretty, debug_info: true }).unwrap();
            assert_eq!(String::from_utf8_lossy(&reprinted), String::from_utf8_lossy(&pretty), "{name} via {emit:?}");
        }
        if name.ends_with(".debug.mlir") {
            assert!(String::from_utf8_lossy(&pretty).contains("transpose(jvp("), "{name}: no backward name stack");
        }
        let pipeline =
            Pipeline::parse(&context, "builtin.module(inline,func.func(chlo-legalize-to-stablehlo),canonicalize,cse)")
                .unwrap();
        pipeline.run(&context, &mut module, RunOptions::default()).unwrap_or_else(|e| panic!("{}", e.render(&name)));
        io::verify(&context, &module).unwrap_or_else(|e| panic!("{}", e.render(&name)));
        checked += 1;
    }
    assert_eq!(checked, 6);
}
