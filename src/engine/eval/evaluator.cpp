// src/engine/eval/evaluator.cpp
#include "engine/eval/evaluator.hpp"

#include <algorithm>

#include "engine/eval/operators.hpp"
#include "engine/functions/function_registry.hpp"
#include "engine/functions/temporal_fields.hpp"

namespace livedash::engine {

using core::Value;

namespace {

const ElementVersion* boundElement(const BoundExpr& e, const EvalContext& ctx) {
  if (!ctx.elements || e.slot < 0 || static_cast<size_t>(e.slot) >= ctx.elements->size()) {
    return nullptr;
  }
  return (*ctx.elements)[e.slot];
}

Value propertyOf(const Value& target, const std::string& key) {
  if (target.isMap()) {
    const core::Map& m = target.asMap();
    auto it = m.find(key);
    return it == m.end() ? Value() : it->second;
  }
  return temporalField(target, key);
}

Value indexInto(const Value& target, const Value& index) {
  if (target.isList() && index.isInteger()) {
    const core::List& l = target.asList();
    int64_t i = index.asInteger();
    if (i < 0)
      i += static_cast<int64_t>(l.size());
    if (i < 0 || i >= static_cast<int64_t>(l.size()))
      return Value();
    return l[static_cast<size_t>(i)];
  }
  if (target.isMap() && index.isString())
    return propertyOf(target, index.asString());
  return Value();
}

Value sliceOf(const Value& target, const Value& from, const Value& to) {
  if (!target.isList())
    return Value();
  const core::List& l = target.asList();
  int64_t n = static_cast<int64_t>(l.size());
  auto clampIndex = [n](const Value& v, int64_t fallback) {
    if (!v.isInteger())
      return fallback;
    int64_t i = v.asInteger();
    if (i < 0)
      i += n;
    return std::clamp<int64_t>(i, 0, n);
  };
  int64_t b = clampIndex(from, 0);
  int64_t e = clampIndex(to, n);
  if (b >= e)
    return Value(core::List{});
  return Value(core::List(l.begin() + b, l.begin() + e));
}

Value logical(const BoundExpr& e, EvalContext& ctx) {
  Value a = evaluate(e.children[0], ctx);
  if (e.op == query::Operator::And && a.isBool() && !a.asBool())
    return Value(false);
  if (e.op == query::Operator::Or && a.isBool() && a.asBool())
    return Value(true);
  Value b = evaluate(e.children[1], ctx);
  bool a_known = a.isBool();
  bool b_known = b.isBool();
  switch (e.op) {
    case query::Operator::And:
      if (b_known && !b.asBool())
        return Value(false);
      return a_known && b_known ? Value(true) : Value();
    case query::Operator::Or:
      if (b_known && b.asBool())
        return Value(true);
      return a_known && b_known ? Value(false) : Value();
    default:  // XOR
      return a_known && b_known ? Value(a.asBool() != b.asBool()) : Value();
  }
}

Value caseOf(const BoundExpr& e, EvalContext& ctx) {
  size_t i = 0;
  Value subject;
  if (e.has_subject)
    subject = evaluate(e.children[i++], ctx);
  size_t pairs_end = e.children.size() - (e.has_else ? 1 : 0);
  for (; i + 1 < pairs_end; i += 2) {
    Value when = evaluate(e.children[i], ctx);
    bool hit =
        e.has_subject ? (!when.isNull() && !subject.isNull() && when == subject) : isTrue(when);
    if (hit)
      return evaluate(e.children[i + 1], ctx);
  }
  return e.has_else ? evaluate(e.children.back(), ctx) : Value();
}

Value& localSlot(EvalContext& ctx, int slot) {
  size_t index = static_cast<size_t>(slot);
  if (ctx.locals.size() <= index)
    ctx.locals.resize(index + 1);
  return ctx.locals[index];
}

Value reduce(const BoundExpr& e, EvalContext& ctx) {
  Value accumulator = evaluate(e.children[0], ctx);
  Value list = evaluate(e.children[1], ctx);
  if (!list.isList())
    return Value();
  for (const Value& item : list.asList()) {
    localSlot(ctx, e.slot) = std::move(accumulator);
    localSlot(ctx, e.slot + 1) = item;
    accumulator = evaluate(e.children[2], ctx);
  }
  return accumulator;
}

// Three-valued, as in Cypher: an unknown predicate makes the answer unknown unless the known
// ones already decide it.
Value listPredicate(const BoundExpr& e, EvalContext& ctx) {
  Value list = evaluate(e.children[0], ctx);
  if (!list.isList())
    return Value();
  size_t trues = 0;
  size_t falses = 0;
  size_t unknowns = 0;
  for (const Value& item : list.asList()) {
    localSlot(ctx, e.slot) = item;
    Value verdict = evaluate(e.children[1], ctx);
    if (verdict.isNull())
      ++unknowns;
    else if (isTrue(verdict))
      ++trues;
    else
      ++falses;
  }
  if (e.key == "ALL")
    return falses > 0 ? Value(false) : (unknowns > 0 ? Value() : Value(true));
  if (e.key == "ANY")
    return trues > 0 ? Value(true) : (unknowns > 0 ? Value() : Value(false));
  if (e.key == "NONE")
    return trues > 0 ? Value(false) : (unknowns > 0 ? Value() : Value(true));
  // SINGLE
  if (trues > 1)
    return Value(false);
  return unknowns > 0 ? Value() : Value(trues == 1);
}

Value comprehension(const BoundExpr& e, EvalContext& ctx) {
  Value list = evaluate(e.children[0], ctx);
  if (!list.isList())
    return Value();
  core::List out;
  for (const Value& item : list.asList()) {
    localSlot(ctx, e.slot) = item;
    size_t next = 1;
    if (e.has_else && !isTrue(evaluate(e.children[next++], ctx)))
      continue;
    out.push_back(e.has_subject ? evaluate(e.children[next], ctx) : item);
  }
  return Value(std::move(out));
}

Value call(const BoundExpr& e, EvalContext& ctx) {
  if (e.fn->lazy_impl)
    return e.fn->lazy_impl(e, ctx);
  if (e.fn->element_impl) {
    const ElementVersion* element = boundElement(e.children[0], ctx);
    return element ? e.fn->element_impl(*element) : Value();
  }
  std::vector<Value> args;
  args.reserve(e.children.size());
  for (const BoundExpr& child : e.children)
    args.push_back(evaluate(child, ctx));
  return e.fn->impl(args, ctx);
}

}  // namespace

Value elementValue(const ElementVersion& version) {
  return Value(version.element.properties);
}

Value evaluate(const BoundExpr& e, EvalContext& ctx) {
  switch (e.kind) {
    case BoundKind::Literal:
      return e.literal;
    case BoundKind::ElementProperty: {
      const ElementVersion* element = boundElement(e, ctx);
      if (!element)
        return Value();
      const core::Map& props = element->element.properties;
      auto it = props.find(e.key);
      return it == props.end() ? Value() : it->second;
    }
    case BoundKind::Element: {
      const ElementVersion* element = boundElement(e, ctx);
      return element ? elementValue(*element) : Value();
    }
    case BoundKind::Column:
      return (*ctx.columns)[e.slot];
    case BoundKind::Local:
      return ctx.locals[e.slot];
    case BoundKind::AggregateResult:
      return (*ctx.aggregates)[e.slot];
    case BoundKind::Property:
      return propertyOf(evaluate(e.children[0], ctx), e.key);
    case BoundKind::Index:
      return indexInto(evaluate(e.children[0], ctx), evaluate(e.children[1], ctx));
    case BoundKind::Slice:
      return sliceOf(evaluate(e.children[0], ctx), evaluate(e.children[1], ctx),
                     evaluate(e.children[2], ctx));
    case BoundKind::Call:
      return call(e, ctx);
    case BoundKind::Unary:
      return applyUnary(e.op, evaluate(e.children[0], ctx));
    case BoundKind::Binary:
      if (e.op == query::Operator::And || e.op == query::Operator::Or ||
          e.op == query::Operator::Xor) {
        return logical(e, ctx);
      }
      return applyBinary(e.op, evaluate(e.children[0], ctx), evaluate(e.children[1], ctx));
    case BoundKind::List: {
      core::List out;
      out.reserve(e.children.size());
      for (const BoundExpr& child : e.children)
        out.push_back(evaluate(child, ctx));
      return Value(std::move(out));
    }
    case BoundKind::Map: {
      core::Map out;
      for (size_t i = 0; i < e.children.size(); ++i) {
        out.insert_or_assign(e.keys[i], evaluate(e.children[i], ctx));
      }
      return Value(std::move(out));
    }
    case BoundKind::Case:
      return caseOf(e, ctx);
    case BoundKind::Comprehension:
      return comprehension(e, ctx);
    case BoundKind::Reduce:
      return reduce(e, ctx);
    case BoundKind::ListPredicate:
      return listPredicate(e, ctx);
  }
  return Value();
}

}  // namespace livedash::engine
