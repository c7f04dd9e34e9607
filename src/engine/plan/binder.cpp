// src/engine/plan/binder.cpp
#include "engine/plan/binder.hpp"

#include <fmt/format.h>
#include <strings.h>

#include "core/diagnostic.hpp"

namespace livedash::engine {

using query::Expr;
using query::ExprKind;

namespace {

[[noreturn]] void semanticError(const Expr& e, std::string message, std::string hint = {}) {
  throw core::Error(core::ErrorCode::QuerySemantic, std::move(message), e.span, std::move(hint));
}

[[noreturn]] void unsupportedError(const Expr& e, std::string message) {
  throw core::Error(core::ErrorCode::QueryUnsupported, std::move(message), e.span);
}

}  // namespace

std::vector<std::string> Scope::names() const {
  std::vector<std::string> out;
  for (const auto& [name, slot] : slots)
    out.push_back(name);
  return out;
}

bool Binder::containsAggregate(const Expr& e) {
  if (e.kind == ExprKind::CountStar)
    return true;
  if (e.kind == ExprKind::FunctionCall && findAggregateFunction(e.name))
    return true;
  for (const auto& child : e.children) {
    if (child && containsAggregate(*child))
      return true;
  }
  return false;
}

BoundExpr Binder::bind(const Expr& e, const Scope& scope) {
  return bindExpr(e, scope, nullptr, false);
}

BoundExpr Binder::bindAggregating(const Expr& e, const Scope& scope,
                                  std::vector<AggregateSpec>& specs) {
  return bindExpr(e, scope, &specs, false);
}

BoundExpr Binder::bindExpr(const Expr& e, const Scope& scope, std::vector<AggregateSpec>* specs,
                           bool inside_aggregate) {
  BoundExpr b;
  b.span = e.span;
  auto bindChildren = [&](BoundExpr& target) {
    for (const auto& child : e.children) {
      target.children.push_back(bindExpr(*child, scope, specs, inside_aggregate));
      target.deterministic = target.deterministic && target.children.back().deterministic;
    }
  };
  switch (e.kind) {
    case ExprKind::Literal:
      b.kind = BoundKind::Literal;
      b.literal = e.literal;
      return b;
    case ExprKind::Variable:
      return bindVariable(e, scope);
    case ExprKind::Parameter:
      return bindParameter(e);
    case ExprKind::Property: {
      BoundExpr target = bindExpr(*e.children[0], scope, specs, inside_aggregate);
      if (target.kind == BoundKind::Element) {
        target.kind = BoundKind::ElementProperty;
        target.key = e.name;
        target.span = e.span;
        return target;
      }
      b.kind = BoundKind::Property;
      b.key = e.name;
      b.deterministic = target.deterministic;
      b.children.push_back(std::move(target));
      return b;
    }
    case ExprKind::Index:
      b.kind = BoundKind::Index;
      break;
    case ExprKind::Slice:
      b.kind = BoundKind::Slice;
      break;
    case ExprKind::FunctionCall:
    case ExprKind::CountStar:
      return bindCall(e, scope, specs, inside_aggregate);
    case ExprKind::Unary:
    case ExprKind::Binary:
      b.kind = e.kind == ExprKind::Unary ? BoundKind::Unary : BoundKind::Binary;
      b.op = e.op;
      bindChildren(b);
      if (allow_future_ || clock_comparisons_)
        bindClockComparison(b);
      return b;
    case ExprKind::List:
      b.kind = BoundKind::List;
      break;
    case ExprKind::Map:
      b.kind = BoundKind::Map;
      b.keys = e.keys;
      break;
    case ExprKind::Case:
      b.kind = BoundKind::Case;
      b.has_subject = e.has_subject;
      b.has_else = e.has_else;
      break;
    case ExprKind::ListComprehension: {
      b.kind = BoundKind::Comprehension;
      b.has_subject = e.has_subject;
      b.has_else = e.has_else;
      b.children.push_back(bindExpr(*e.children[0], scope, specs, inside_aggregate));
      b.slot = static_cast<int>(locals_.size());
      locals_.emplace_back(e.name, b.slot);
      for (size_t i = 1; i < e.children.size(); ++i) {
        b.children.push_back(bindExpr(*e.children[i], scope, specs, inside_aggregate));
      }
      locals_.pop_back();
      return b;
    }
    case ExprKind::Reduce: {
      b.kind = BoundKind::Reduce;
      b.children.push_back(bindExpr(*e.children[0], scope, specs, inside_aggregate));
      b.children.push_back(bindExpr(*e.children[1], scope, specs, inside_aggregate));
      b.slot = static_cast<int>(locals_.size());
      locals_.emplace_back(e.name, b.slot);
      locals_.emplace_back(e.keys[0], b.slot + 1);
      b.children.push_back(bindExpr(*e.children[2], scope, specs, inside_aggregate));
      locals_.resize(locals_.size() - 2);
      for (const BoundExpr& child : b.children)
        b.deterministic = b.deterministic && child.deterministic;
      return b;
    }
    case ExprKind::ListPredicate: {
      b.kind = BoundKind::ListPredicate;
      b.key = e.keys[0];
      b.children.push_back(bindExpr(*e.children[0], scope, specs, inside_aggregate));
      b.slot = static_cast<int>(locals_.size());
      locals_.emplace_back(e.name, b.slot);
      b.children.push_back(bindExpr(*e.children[1], scope, specs, inside_aggregate));
      locals_.pop_back();
      for (const BoundExpr& child : b.children)
        b.deterministic = b.deterministic && child.deterministic;
      return b;
    }
  }
  bindChildren(b);
  return b;
}

namespace {

bool isClockCall(const BoundExpr& b) {
  if (b.kind != BoundKind::Call || !b.fn)
    return false;
  std::string_view name = b.fn->name;
  return name == "datetime.realtime" || name == "datetime.transaction" ||
         name == "datetime.statement" || name == "localdatetime.realtime" ||
         name == "localdatetime.transaction" || name == "localdatetime.statement" ||
         name == "timestamp" ||
         ((name == "datetime" || name == "localdatetime") && b.children.empty());
}

// Today by the clock: a step function of it, like a truncation.
bool isClockDate(const BoundExpr& b) {
  if (b.kind != BoundKind::Call || !b.fn)
    return false;
  std::string_view name = b.fn->name;
  return name == "date.realtime" || name == "date.transaction" || name == "date.statement" ||
         (name == "date" && b.children.empty());
}

// A truncation of an instant: a step function of it, never decreasing. (A time of day wraps at
// midnight, so time.truncate is not one.)
bool isInstantTruncate(std::string_view name) {
  return name == "datetime.truncate" || name == "localdatetime.truncate" || name == "date.truncate";
}

// The clock, plus or minus something that does not depend on time: it moves at the clock's pace.
// With `truncate_ok`, also a datetime.truncate of such an expression (and offsets of that): a
// step function of the clock, still never decreasing.
bool isClockExpression(const BoundExpr& b, bool truncate_ok) {
  if (isClockCall(b) || (truncate_ok && isClockDate(b)))
    return true;
  if (truncate_ok && b.kind == BoundKind::Call && b.fn && isInstantTruncate(b.fn->name)) {
    return b.children[0].deterministic && isClockExpression(b.children[1], true);
  }
  if (b.kind != BoundKind::Binary)
    return false;
  if (b.op == query::Operator::Sub)
    return isClockExpression(b.children[0], truncate_ok) && b.children[1].deterministic;
  if (b.op == query::Operator::Add) {
    return (isClockExpression(b.children[0], truncate_ok) && b.children[1].deterministic) ||
           (isClockExpression(b.children[1], truncate_ok) && b.children[0].deterministic);
  }
  return false;
}

query::Operator mirrored(query::Operator op) {
  switch (op) {
    case query::Operator::Lt:
      return query::Operator::Gt;
    case query::Operator::Le:
      return query::Operator::Ge;
    case query::Operator::Gt:
      return query::Operator::Lt;
    default:
      return query::Operator::Le;
  }
}

}  // namespace

void Binder::bindClockComparison(BoundExpr& b) {
  using query::Operator;
  if (b.kind != BoundKind::Binary || (b.op != Operator::Lt && b.op != Operator::Le &&
                                      b.op != Operator::Gt && b.op != Operator::Ge)) {
    return;
  }
  bool clock_on_right = isClockExpression(b.children[1], true) && b.children[0].deterministic;
  bool clock_on_left = isClockExpression(b.children[0], true) && b.children[1].deterministic;
  if (!clock_on_right && !clock_on_left)
    return;
  if (clock_on_left) {
    std::swap(b.children[0], b.children[1]);
    b.op = mirrored(b.op);
  }
  b.kind = BoundKind::Call;
  b.fn = &clockComparisonFunction();
  // The common case moves exactly with the clock, so its flip has a closed form.
  b.has_subject = isClockExpression(b.children[1], false);
}

BoundExpr Binder::bindVariable(const Expr& e, const Scope& scope) {
  BoundExpr b;
  b.span = e.span;
  for (auto it = locals_.rbegin(); it != locals_.rend(); ++it) {
    if (it->first == e.name) {
      b.kind = BoundKind::Local;
      b.slot = it->second;
      return b;
    }
  }
  auto found = scope.slots.find(e.name);
  if (found == scope.slots.end()) {
    std::string suggestion = core::closestMatch(e.name, scope.names());
    semanticError(
        e, fmt::format("unknown variable `{}`", e.name),
        suggestion.empty() ? std::string() : fmt::format("did you mean `{}`?", suggestion));
  }
  b.kind = scope.kind == Scope::Kind::Elements ? BoundKind::Element : BoundKind::Column;
  b.slot = found->second;
  return b;
}

BoundExpr Binder::bindParameter(const Expr& e) {
  auto it = parameters_.find(e.name);
  if (it == parameters_.end()) {
    semanticError(e, fmt::format("parameter `${}` has no value", e.name),
                  "give it one under `params:` in the query's config");
  }
  BoundExpr b;
  b.kind = BoundKind::Literal;
  b.literal = it->second;
  b.span = e.span;
  parameter_values_.push_back(it->second);
  return b;
}

BoundExpr Binder::bindCall(const Expr& e, const Scope& scope, std::vector<AggregateSpec>* specs,
                           bool inside_aggregate) {
  if (e.kind == ExprKind::FunctionCall && strcasecmp(e.name.c_str(), "drasi.slidingWindow") == 0)
    return bindSlidingWindow(e, scope, specs, inside_aggregate);
  if (e.kind == ExprKind::CountStar || findAggregateFunction(e.name)) {
    return bindAggregate(e, scope, specs, inside_aggregate);
  }
  const ScalarFunction* fn = findScalarFunction(e.name);
  if (const char* reason = fn ? nullptr : unsupportedFunctionReason(e.name))
    unsupportedError(e, fmt::format("`{}` is not supported: {}", e.name, reason));
  if (!fn) {
    std::string suggestion = core::closestMatch(e.name, allFunctionNames());
    if (e.name.rfind("drasi.", 0) == 0) {
      unsupportedError(e, fmt::format("function `{}` is not supported yet", e.name));
    }
    semanticError(
        e, fmt::format("unknown function `{}`", e.name),
        suggestion.empty() ? std::string() : fmt::format("did you mean `{}`?", suggestion));
  }
  int n = static_cast<int>(e.children.size());
  if (n < fn->min_args || (fn->max_args >= 0 && n > fn->max_args)) {
    std::string expected =
        fn->min_args == fn->max_args
            ? fmt::format("{}", fn->min_args)
            : (fn->max_args < 0 ? fmt::format("at least {}", fn->min_args)
                                : fmt::format("{} to {}", fn->min_args, fn->max_args));
    bool one = fn->min_args == 1 && fn->max_args <= 1;  // "1 argument", "at least 1 argument"
    semanticError(
        e, fmt::format("`{}` takes {} argument{}, got {}", fn->name, expected, one ? "" : "s", n));
  }
  if (e.distinct)
    semanticError(e, fmt::format("DISTINCT only applies to aggregates, not `{}`", e.name));
  BoundExpr b;
  b.kind = BoundKind::Call;
  b.fn = fn;
  b.span = e.span;
  b.deterministic = fn->deterministic;
  if (fn->needs_temporal_scope) {
    if (fn->in_first_projection && !allow_future_ && !first_projection_.per_solution) {
      unsupportedError(e, fmt::format("`{}` is supported in MATCH … WHERE and in a WITH or "
                                      "RETURN without aggregates right after the MATCH",
                                      fn->name));
    }
    if (!fn->in_first_projection && !allow_future_) {
      unsupportedError(e, fmt::format("`{}` is supported in MATCH … WHERE only", fn->name));
    }
    b.slot = future_calls_++;
  }
  for (const auto& child : e.children) {
    b.children.push_back(bindExpr(*child, scope, specs, inside_aggregate));
    b.deterministic = b.deterministic && b.children.back().deterministic;
  }
  if (fn->element_impl && b.children[0].kind != BoundKind::Element) {
    semanticError(*e.children[0], fmt::format("`{}` needs a node or relationship variable from "
                                              "MATCH",
                                              fn->name));
  }
  return b;
}

// drasi.slidingWindow(d, agg(x)) is agg over the solutions whose node changed within d:
// agg(CASE WHEN drasi.changeDateTime(n) > datetime.realtime() - d THEN x END). The comparison is
// a clock comparison, so each solution leaves the window by itself when its change is d old.
BoundExpr Binder::bindSlidingWindow(const Expr& e, const Scope& scope,
                                    std::vector<AggregateSpec>* specs, bool inside_aggregate) {
  if (e.children.size() != 2) {
    semanticError(
        e, fmt::format("`drasi.slidingWindow` takes 2 arguments, got {}", e.children.size()));
  }
  const Expr& aggregate = *e.children[1];
  if (aggregate.kind != ExprKind::CountStar &&
      !(aggregate.kind == ExprKind::FunctionCall && findAggregateFunction(aggregate.name))) {
    semanticError(aggregate, "the second argument of `drasi.slidingWindow` must be an aggregate",
                  "such as drasi.slidingWindow(duration({minutes: 5}), avg(s.value))");
  }
  if (!first_projection_.aggregating || inside_aggregate) {
    unsupportedError(e,
                     "`drasi.slidingWindow` is supported in the WITH or RETURN right after "
                     "the MATCH only");
  }
  if (scope.kind != Scope::Kind::Elements || scope.slots.size() != 1) {
    unsupportedError(e,
                     "`drasi.slidingWindow` needs a MATCH of one node: it windows that "
                     "node's changes");
  }
  BoundExpr duration = bindExpr(*e.children[0], scope, nullptr, false);
  if (!duration.deterministic)
    semanticError(*e.children[0], "the window's length must not depend on the clock");

  BoundExpr result = bindAggregate(aggregate, scope, specs, false);
  AggregateSpec& spec = specs->back();

  auto call = [](const ScalarFunction* fn, std::vector<BoundExpr> children) {
    BoundExpr b;
    b.kind = BoundKind::Call;
    b.fn = fn;
    b.deterministic = fn->deterministic;
    b.children = std::move(children);
    return b;
  };
  BoundExpr node;
  node.kind = BoundKind::Element;
  node.slot = scope.slots.begin()->second;
  BoundExpr window_start;
  window_start.kind = BoundKind::Binary;
  window_start.op = query::Operator::Sub;
  window_start.deterministic = false;
  window_start.children.push_back(call(findScalarFunction("datetime.realtime"), {}));
  window_start.children.push_back(std::move(duration));
  std::vector<BoundExpr> compared;
  compared.push_back(call(findScalarFunction("drasi.changeDateTime"), {}));
  compared.back().children.push_back(std::move(node));
  compared.push_back(std::move(window_start));
  BoundExpr inside = call(&clockComparisonFunction(), std::move(compared));
  inside.op = query::Operator::Gt;
  inside.has_subject = true;  // moves with the clock

  BoundExpr value;
  if (spec.argument) {
    value = std::move(*spec.argument);
  } else {
    value.kind = BoundKind::Literal;  // count(*) counts the solutions inside the window
    value.literal = core::Value(int64_t{1});
  }
  BoundExpr windowed;
  windowed.kind = BoundKind::Case;
  windowed.deterministic = false;
  windowed.children.push_back(std::move(inside));
  windowed.children.push_back(std::move(value));
  spec.argument = std::move(windowed);
  result.span = e.span;
  return result;
}

BoundExpr Binder::bindAggregate(const Expr& e, const Scope& scope,
                                std::vector<AggregateSpec>* specs, bool inside_aggregate) {
  if (inside_aggregate)
    semanticError(e, "aggregate inside aggregate");
  if (!specs) {
    semanticError(e,
                  fmt::format("aggregate `{}` is not allowed here",
                              e.kind == ExprKind::CountStar ? "count(*)" : e.name),
                  "aggregates belong in WITH or RETURN items");
  }
  AggregateSpec spec;
  if (e.kind == ExprKind::CountStar) {
    spec.kind = AggregateKind::Count;
  } else {
    const AggregateFunction* fn = findAggregateFunction(e.name);
    const size_t arity = fn->kind == AggregateKind::LinearGradient ? 2 : 1;
    if (e.children.size() != arity) {
      semanticError(e, fmt::format("`{}` takes {} argument{}, got {}", fn->name, arity,
                                   arity == 1 ? "" : "s", e.children.size()));
    }
    spec.kind = fn->kind;
    spec.distinct = e.distinct;
    // The first projection's aggregate arguments are evaluated per solution, and each solution
    // is evaluated again when one of its clock comparisons flips: so
    // count(CASE WHEN e.at >= datetime.truncate('day', datetime.realtime()) THEN 1 END) moves a
    // row out of "today" at midnight, as the same comparison does in a WHERE.
    clock_comparisons_ = first_projection_.aggregating;
    if (arity == 1) {
      spec.argument = bindExpr(*e.children[0], scope, nullptr, true);
    } else {
      // Accumulators take one value per solution: the (x, y) pair travels as a list.
      BoundExpr pair;
      pair.kind = BoundKind::List;
      pair.span = e.span;
      for (const auto& child : e.children)
        pair.children.push_back(bindExpr(*child, scope, nullptr, true));
      spec.argument = std::move(pair);
    }
    clock_comparisons_ = false;
    if (spec.kind == AggregateKind::Count && spec.argument->kind == BoundKind::Element) {
      // count(o) needs the element's identity, not a copy of all its properties.
      BoundExpr id;
      id.kind = BoundKind::Call;
      id.fn = findScalarFunction("elementId");
      id.span = spec.argument->span;
      id.children.push_back(std::move(*spec.argument));
      spec.argument = std::move(id);
    }
  }
  BoundExpr b;
  b.kind = BoundKind::AggregateResult;
  b.slot = static_cast<int>(specs->size());
  b.span = e.span;
  specs->push_back(std::move(spec));
  return b;
}

}  // namespace livedash::engine
