// Glue to StableHLO passes that libIREECompiler.so builds in but exposes only through C++ (they are
// not registered by name and have no C API). Compiled against Debian's LLVM 22 headers, which match
// the library's LLVM (see docs in scripts/setup). Declarations only: no StableHLO header is needed.

#include "mlir/CAPI/Pass.h"
#include "mlir/Pass/PassManager.h"

namespace mlir::stablehlo {
// stablehlo/transforms/Passes.h: vhlo-to-version{target=current} then vhlo-legalize-to-stablehlo,
// what `stablehlo.deserialize_portable_artifact` runs.
void createStablehloDeserializePipeline(OpPassManager &pm);
}  // namespace mlir::stablehlo

extern "C" void scalifyAddStablehloDeserializePipeline(MlirOpPassManager passManager) {
  mlir::stablehlo::createStablehloDeserializePipeline(*unwrap(passManager));
}
