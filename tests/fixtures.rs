//! Every fixture parses, verifies, round-trips through each printed form unchanged and survives the
//! standard clean-up pipeline still verifying.

use scalify_dialect::melior::ir::Module;
use scalify_dialect::{Emit, PrintOptions, ScalifyContext, io};
use scalify_passes::{Pipeline, RunOptions};
use scalify_tests::{fixture, fixture_paths};

fn print(module: &Module, emit: Emit, debug_info: bool) -> Vec<u8> {
    io::print(module, PrintOptions { emit, debug_info }).expect("prints")
}

fn reparse<'c>(context: &'c ScalifyContext, bytes: &[u8]) -> Module<'c> {
    let module = io::parse_bytes(context, bytes).unwrap_or_else(|e| panic!("{}", e.render("<reprinted>")));
    io::verify(context, &module).unwrap_or_else(|e| panic!("{}", e.render("<reprinted>")));
    module
}

#[test]
fn every_fixture_round_trips_pretty_generic_bytecode() {
    for path in fixture_paths() {
        let context = ScalifyContext::new();
        let name = path.display().to_string();
        let module = io::parse_file(&context, &path).unwrap_or_else(|e| panic!("{}", e.render(&name)));
        io::verify(&context, &module).unwrap_or_else(|e| panic!("{}", e.render(&name)));
        let pretty = print(&module, Emit::Pretty, true);

        let generic = print(&module, Emit::Generic, true);
        assert!(String::from_utf8_lossy(&generic).contains("\"func.func\"()"), "{name}: generic form expected");
        let from_generic = reparse(&context, &generic);
        assert_eq!(
            String::from_utf8_lossy(&print(&from_generic, Emit::Pretty, true)),
            String::from_utf8_lossy(&pretty),
            "{name}: pretty -> generic -> pretty changed the module"
        );

        let bytecode = print(&module, Emit::Bytecode, false);
        assert!(bytecode.starts_with(b"ML\xefR"), "{name}: bytecode magic expected");
        let bytecode_context = ScalifyContext::new();
        let from_bytecode = reparse(&bytecode_context, &bytecode);
        assert_eq!(
            String::from_utf8_lossy(&print(&from_bytecode, Emit::Pretty, true)),
            String::from_utf8_lossy(&pretty),
            "{name}: bytecode round trip changed the module"
        );
    }
}

#[test]
fn every_fixture_survives_inline_canonicalize_cse() {
    for path in fixture_paths() {
        let context = ScalifyContext::new();
        let name = path.display().to_string();
        let mut module = io::parse_file(&context, &path).unwrap();
        let pipeline = Pipeline::parse(&context, "builtin.module(inline,canonicalize,cse,symbol-dce)").unwrap();
        pipeline.run(&context, &mut module, RunOptions::default()).unwrap_or_else(|e| panic!("{}", e.render(&name)));
        io::verify(&context, &module).unwrap_or_else(|e| panic!("{}", e.render(&name)));
        let text = String::from_utf8(print(&module, Emit::Pretty, false)).unwrap();
        // After inlining and dead-symbol removal only the entry point is left.
        assert_eq!(text.matches("func.func").count(), 1, "{name}: private functions remain after inline,symbol-dce");
        assert!(!text.contains("call @"), "{name}: calls remain after inline");
    }
}

#[test]
fn debug_locations_keep_jax_name_stack() {
    let context = ScalifyContext::new();
    let module = io::parse_file(&context, &fixture("gpt_train_step_debug")).unwrap();
    let text = String::from_utf8(print(&module, Emit::Pretty, true)).unwrap();
    // JAX marks the backward pass with transpose(jvp(...)) and the forward with jvp(...).
    assert!(text.contains("transpose(jvp("), "backward name stack lost");
    assert!(text.contains("/jvp("), "forward name stack lost");
    assert!(text.contains("dot_general"), "matmul locations lost");
}
