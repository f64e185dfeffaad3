// Shardy's textual syntax for a library that does not have Shardy.
//
// jax writes shardings with the `sdy` dialect (`sdy.mesh @mesh = <["data"=8]>`, `#sdy.sharding<...>`,
// `sdy.manual_computation` for shard_map), and libIREECompiler.so does not register it. This file
// registers a dialect named `sdy` that knows the dialect's *syntax* and nothing else:
//
// - attributes (`#sdy.sharding<@mesh, [{"data"}, {}]>`) become opaque attributes holding their text,
//   exactly what MLIR makes of an unregistered dialect's attributes, so they print back unchanged;
// - the ops jax emits are read from and printed in their custom form (the grammar below follows
//   Shardy's published assembly formats) as unregistered operations of this dialect, holding the
//   same properties MLIR reads from their generic form. They have no verifier: scalify does not
//   interpret shardings, it carries them.
//
// Every token is read by MLIR's own parser (AsmParser); an attribute in an op's custom form is kept
// as the exact source span the parser consumed for it.

#include <optional>

#include "llvm/ADT/StringExtras.h"
#include "mlir/CAPI/IR.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/OperationSupport.h"
#include "mlir/Support/TypeID.h"

namespace {

using namespace mlir;

constexpr llvm::StringLiteral kNamespace = "sdy";

// ---------------------------------------------------------------------------------------------
// Attribute bodies as they appear inside ops' custom forms, read token by token.
// ---------------------------------------------------------------------------------------------

class AttributeGrammar {
 public:
  explicit AttributeGrammar(AsmParser &parser) : parser(parser) {}

  // `"axis"` or a sub-axis `"axis":(pre)size`.
  ParseResult axisRef() {
    std::string name;
    if (parser.parseString(&name)) return failure();
    if (failed(parser.parseOptionalColon())) return success();
    int64_t preSize = 0, size = 0;
    return failure(parser.parseLParen() || parser.parseInteger(preSize) || parser.parseRParen() ||
                   parser.parseInteger(size));
  }

  // `{"a", "b":(1)2, ?}`: axes, the last element `?` when the dimension is open.
  ParseResult axisSet() {
    return parser.parseCommaSeparatedList(AsmParser::Delimiter::Braces, [&]() -> ParseResult {
      if (succeeded(parser.parseOptionalQuestion())) return success();
      return axisRef();
    });
  }

  // A dimension's axes, then an optional priority `p<N>`.
  ParseResult dimSharding() {
    if (axisSet()) return failure();
    StringRef priority;
    if (failed(parser.parseOptionalKeyword(&priority))) return success();
    if (priority.size() < 2 || priority.front() != 'p' || !llvm::all_of(priority.drop_front(), [](char c) { return llvm::isDigit(c); }))
      return parser.emitError(parser.getCurrentLocation(), "expected a priority such as 'p0', got '")
             << priority << "'";
    return success();
  }

  // `<["a"=2, "b"=4]>`, `<[]>`, optionally `, device_ids=[...]`.
  ParseResult meshBody() {
    if (parser.parseLess()) return failure();
    auto axis = [&]() -> ParseResult {
      std::string name;
      int64_t size = 0;
      return failure(parser.parseString(&name) || parser.parseEqual() || parser.parseInteger(size));
    };
    if (parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, axis)) return failure();
    if (succeeded(parser.parseOptionalComma())) {
      auto deviceId = [&]() -> ParseResult {
        int64_t id = 0;
        return parser.parseInteger(id);
      };
      if (parser.parseKeyword("device_ids") || parser.parseEqual() ||
          parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, deviceId))
        return failure();
    }
    return parser.parseGreater();
  }

  // `<@mesh, [dims], replicated={...}, unreduced={...}>`; the mesh may be inline: `mesh<[...]>`.
  ParseResult tensorSharding() {
    if (parser.parseLess()) return failure();
    if (succeeded(parser.parseOptionalKeyword("mesh"))) {
      if (meshBody()) return failure();
    } else {
      SymbolRefAttr mesh;
      if (parser.parseAttribute(mesh)) return failure();
    }
    if (parser.parseComma() ||
        parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, [&] { return dimSharding(); }))
      return failure();
    while (succeeded(parser.parseOptionalComma())) {
      StringRef kind;
      if (parser.parseKeyword(&kind) || parser.parseEqual() || axisSet()) return failure();
    }
    return parser.parseGreater();
  }

  // `[<sharding>, <sharding>]`: one sharding per value.
  ParseResult shardingPerValue() {
    return parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, [&] { return tensorSharding(); });
  }

  // Reads `element` and returns the text it spans as the opaque attribute `#sdy.<prefix><text><suffix>`.
  template <typename Element>
  FailureOr<Attribute> opaque(StringRef prefix, Element element, StringRef suffix = "") {
    const char *begin = parser.getCurrentLocation().getPointer();
    if ((this->*element)()) return failure();
    StringRef span(begin, parser.getCurrentLocation().getPointer() - begin);
    MLIRContext *context = parser.getContext();
    std::string data = (prefix + span.rtrim() + suffix).str();
    return Attribute(OpaqueAttr::get(StringAttr::get(context, kNamespace), data, NoneType::get(context)));
  }

 private:
  AsmParser &parser;
};

// The text of an opaque `sdy` attribute between `prefix` and `suffix`, as ops print it in their custom
// form; nothing when the attribute is not that.
std::optional<StringRef> strippedBody(Attribute attribute, StringRef prefix, StringRef suffix = "") {
  auto opaque = llvm::dyn_cast_or_null<OpaqueAttr>(attribute);
  if (!opaque || opaque.getDialectNamespace() != kNamespace) return std::nullopt;
  StringRef data = opaque.getAttrData();
  if (!data.consume_front(prefix) || !data.consume_back(suffix)) return std::nullopt;
  return data;
}

void setProperties(OperationState &state, ArrayRef<NamedAttribute> properties) {
  NamedAttrList list(properties);
  state.propertiesAttr = list.getDictionary(state.getContext());
}

// ---------------------------------------------------------------------------------------------
// Ops: readers and printers of their custom forms.
// ---------------------------------------------------------------------------------------------

// sdy.mesh @name = <["a"=2]> attr-dict
ParseResult parseMesh(OpAsmParser &parser, OperationState &state) {
  StringAttr name;
  AttributeGrammar grammar(parser);
  if (parser.parseSymbolName(name) || parser.parseEqual()) return failure();
  FailureOr<Attribute> mesh = grammar.opaque("mesh", &AttributeGrammar::meshBody);
  if (failed(mesh) || parser.parseOptionalAttrDict(state.attributes)) return failure();
  Builder builder(parser.getContext());
  setProperties(state, {builder.getNamedAttr("mesh", *mesh), builder.getNamedAttr("sym_name", name)});
  return success();
}

// sdy.sharding_constraint %x <@mesh, [...]> attr-dict : type   (and sdy.reshard alike)
ParseResult parseShardedValue(OpAsmParser &parser, OperationState &state) {
  OpAsmParser::UnresolvedOperand input;
  AttributeGrammar grammar(parser);
  if (parser.parseOperand(input)) return failure();
  FailureOr<Attribute> sharding = grammar.opaque("sharding", &AttributeGrammar::tensorSharding);
  Type type;
  if (failed(sharding) || parser.parseOptionalAttrDict(state.attributes) || parser.parseColonType(type) ||
      parser.resolveOperand(input, type, state.operands))
    return failure();
  state.addTypes(type);
  setProperties(state, {Builder(parser.getContext()).getNamedAttr("sharding", *sharding)});
  return success();
}

// sdy.sharding_group %x group_id=N attr-dict : type
ParseResult parseShardingGroup(OpAsmParser &parser, OperationState &state) {
  OpAsmParser::UnresolvedOperand input;
  int64_t group = 0;
  Type type;
  if (parser.parseOperand(input) || parser.parseKeyword("group_id") || parser.parseEqual() ||
      parser.parseInteger(group) || parser.parseOptionalAttrDict(state.attributes) ||
      parser.parseColonType(type) || parser.resolveOperand(input, type, state.operands))
    return failure();
  Builder builder(parser.getContext());
  setProperties(state, {builder.getNamedAttr("group_id", builder.getI64IntegerAttr(group))});
  return success();
}

// sdy.return attr-dict (%values : types)?
ParseResult parseReturn(OpAsmParser &parser, OperationState &state) {
  SmallVector<OpAsmParser::UnresolvedOperand> values;
  SmallVector<Type> types;
  if (parser.parseOptionalAttrDict(state.attributes) || parser.parseOperandList(values)) return failure();
  if (values.empty()) return success();
  return failure(parser.parseColonTypeList(types) ||
                 parser.resolveOperands(values, types, parser.getCurrentLocation(), state.operands));
}

// sdy.manual_computation(%x) in_shardings=[...] out_shardings=[...] manual_axes={...}
//     (%local: type) { ... sdy.return ... } attr-dict : (types) -> types
ParseResult parseManualComputation(OpAsmParser &parser, OperationState &state) {
  SmallVector<OpAsmParser::UnresolvedOperand> operands;
  AttributeGrammar grammar(parser);
  SMLoc operandsLocation = parser.getCurrentLocation();
  if (parser.parseOperandList(operands, AsmParser::Delimiter::Paren) || parser.parseKeyword("in_shardings") ||
      parser.parseEqual())
    return failure();
  FailureOr<Attribute> in = grammar.opaque("sharding_per_value<", &AttributeGrammar::shardingPerValue, ">");
  if (failed(in) || parser.parseKeyword("out_shardings") || parser.parseEqual()) return failure();
  FailureOr<Attribute> out = grammar.opaque("sharding_per_value<", &AttributeGrammar::shardingPerValue, ">");
  if (failed(out) || parser.parseKeyword("manual_axes") || parser.parseEqual()) return failure();
  FailureOr<Attribute> axes = grammar.opaque("manual_axes", &AttributeGrammar::axisSet);
  SmallVector<OpAsmParser::Argument> arguments;
  FunctionType type;
  if (failed(axes) || parser.parseArgumentList(arguments, AsmParser::Delimiter::Paren, /*allowType=*/true) ||
      parser.parseRegion(*state.addRegion(), arguments) || parser.parseOptionalAttrDict(state.attributes) ||
      parser.parseColonType(type) ||
      parser.resolveOperands(operands, type.getInputs(), operandsLocation, state.operands))
    return failure();
  state.addTypes(type.getResults());
  Builder builder(parser.getContext());
  setProperties(state, {builder.getNamedAttr("in_shardings", *in), builder.getNamedAttr("manual_axes", *axes),
                        builder.getNamedAttr("out_shardings", *out)});
  return success();
}

using Printer = llvm::unique_function<void(Operation *, OpAsmPrinter &)>;

void printAttributes(OpAsmPrinter &printer, Operation *op, ArrayRef<StringRef> printed) {
  printer.printOptionalAttrDict(op->getDiscardableAttrDictionary().getValue(), printed);
}

Printer meshPrinter(Operation *op) {
  auto name = llvm::dyn_cast_or_null<StringAttr>(op->getAttr("sym_name"));
  std::optional<StringRef> mesh = strippedBody(op->getAttr("mesh"), "mesh");
  if (!name || !mesh || op->getNumOperands() || op->getNumResults() || op->getNumRegions()) return {};
  return [name, mesh = mesh->str()](Operation *op, OpAsmPrinter &printer) {
    printer << ' ';
    printer.printSymbolName(name.getValue());
    printer << " = " << mesh;
    printAttributes(printer, op, {"sym_name", "mesh"});
  };
}

Printer shardedValuePrinter(Operation *op) {
  std::optional<StringRef> sharding = strippedBody(op->getAttr("sharding"), "sharding");
  if (!sharding || op->getNumOperands() != 1 || op->getNumResults() != 1 || op->getNumRegions() ||
      op->getOperand(0).getType() != op->getResult(0).getType())
    return {};
  return [sharding = sharding->str()](Operation *op, OpAsmPrinter &printer) {
    printer << ' ' << op->getOperand(0) << ' ' << sharding;
    printAttributes(printer, op, {"sharding"});
    printer << " : " << op->getResult(0).getType();
  };
}

Printer shardingGroupPrinter(Operation *op) {
  auto group = llvm::dyn_cast_or_null<IntegerAttr>(op->getAttr("group_id"));
  if (!group || op->getNumOperands() != 1 || op->getNumResults() || op->getNumRegions()) return {};
  return [](Operation *op, OpAsmPrinter &printer) {
    auto group = llvm::cast<IntegerAttr>(op->getAttr("group_id"));
    printer << ' ' << op->getOperand(0) << " group_id=" << group.getInt();
    printAttributes(printer, op, {"group_id"});
    printer << " : " << op->getOperand(0).getType();
  };
}

Printer returnPrinter(Operation *op) {
  if (op->getNumResults() || op->getNumRegions()) return {};
  return [](Operation *op, OpAsmPrinter &printer) {
    printAttributes(printer, op, {});
    if (op->getNumOperands() == 0) return;
    printer << ' ' << op->getOperands() << " : " << op->getOperandTypes();
  };
}

Printer manualComputationPrinter(Operation *op) {
  std::optional<StringRef> in = strippedBody(op->getAttr("in_shardings"), "sharding_per_value<", ">");
  std::optional<StringRef> out = strippedBody(op->getAttr("out_shardings"), "sharding_per_value<", ">");
  std::optional<StringRef> axes = strippedBody(op->getAttr("manual_axes"), "manual_axes");
  if (!in || !out || !axes || op->getNumRegions() != 1 || !op->getRegion(0).hasOneBlock()) return {};
  return [in = in->str(), out = out->str(), axes = axes->str()](Operation *op, OpAsmPrinter &printer) {
    printer << '(' << op->getOperands() << ") in_shardings=" << in << " out_shardings=" << out
            << " manual_axes=" << axes << " (";
    Block &body = op->getRegion(0).front();
    llvm::interleaveComma(body.getArguments(), printer,
                          [&](BlockArgument argument) { printer.printRegionArgument(argument); });
    printer << ") ";
    printer.printRegion(op->getRegion(0), /*printEntryBlockArgs=*/false);
    printAttributes(printer, op, {"in_shardings", "out_shardings", "manual_axes"});
    printer << " : ";
    printer.printFunctionalType(op);
  };
}

class ShardySyntaxDialect : public Dialect {
 public:
  explicit ShardySyntaxDialect(MLIRContext *context) : Dialect(kNamespace, context, typeId()) {
    allowUnknownOperations();
    allowUnknownTypes();
  }

  static TypeID typeId() {
    static SelfOwningTypeID id;
    return id;
  }

  // The attribute as MLIR keeps an unregistered dialect's: its text, printed back as it came.
  Attribute parseAttribute(DialectAsmParser &parser, Type type) const override {
    MLIRContext *context = getContext();
    return OpaqueAttr::get(StringAttr::get(context, kNamespace), parser.getFullSymbolSpec(),
                           type ? type : NoneType::get(context));
  }

  void printAttribute(Attribute, DialectAsmPrinter &) const override {}

  std::optional<ParseOpHook> getParseOperationHook(StringRef name) const override {
    if (name == "sdy.mesh") return ParseOpHook(parseMesh);
    if (name == "sdy.sharding_constraint" || name == "sdy.reshard") return ParseOpHook(parseShardedValue);
    if (name == "sdy.sharding_group") return ParseOpHook(parseShardingGroup);
    if (name == "sdy.return") return ParseOpHook(parseReturn);
    if (name == "sdy.manual_computation") return ParseOpHook(parseManualComputation);
    return std::nullopt;
  }

  // The custom form where the op has the shape that form needs; otherwise MLIR's generic form.
  Printer getOperationPrinter(Operation *op) const override {
    StringRef name = op->getName().getStringRef();
    if (name == "sdy.mesh") return meshPrinter(op);
    if (name == "sdy.sharding_constraint" || name == "sdy.reshard") return shardedValuePrinter(op);
    if (name == "sdy.sharding_group") return shardingGroupPrinter(op);
    if (name == "sdy.return") return returnPrinter(op);
    if (name == "sdy.manual_computation") return manualComputationPrinter(op);
    return {};
  }
};

}  // namespace

extern "C" void scalifyRegisterShardySyntax(MlirDialectRegistry registry) {
  unwrap(registry)->insert(ShardySyntaxDialect::typeId(), kNamespace, [](MLIRContext *context) -> Dialect * {
    return context->getOrLoadDialect(kNamespace, ShardySyntaxDialect::typeId(),
                                     [context] { return std::make_unique<ShardySyntaxDialect>(context); });
  });
}
