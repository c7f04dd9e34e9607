// src/engine/functions/future_functions.cpp
//
// Drasi's future functions. They answer from the condition, the engine clock and, for trueFor,
// the time the condition became true for this solution; when the answer depends on a moment
// still to come they schedule a re-evaluation for that moment and report "awaiting", which a
// WHERE treats as not true.
#include "engine/eval/bound_expr.hpp"
#include "engine/eval/evaluator.hpp"
#include "engine/eval/operators.hpp"
#include "engine/functions/function_registry.hpp"
#include "engine/functions/temporal_parse.hpp"

namespace livedash::engine {

using core::Value;

namespace {

std::optional<int64_t> durationMs(const Value& v) {
  if (v.isInteger())
    return v.asInteger();
  if (v.kind() == core::ValueKind::Duration)
    return v.asDuration().approxMillis();
  return std::nullopt;
}

std::optional<int64_t> instantMs(const Value& v) {
  if (v.isInteger())
    return v.asInteger();
  Value t = parseDateTimeValue(v);
  if (t.kind() == core::ValueKind::DateTime)
    return t.asDateTime().epoch_ms;
  return std::nullopt;
}

Value awaitUntil(int64_t due_ms, EvalContext& ctx) {
  ctx.temporal->schedule(due_ms);
  ctx.temporal->awaiting = true;
  return Value();
}

Value trueFor(const BoundExpr& e, EvalContext& ctx) {
  Value cond = evaluate(e.children[0], ctx);
  std::optional<int64_t> duration = durationMs(evaluate(e.children[1], ctx));
  TemporalScope& scope = *ctx.temporal;
  if (!cond.isBool() || !duration) {
    scope.markers->clear(e.slot, *scope.key);
    return cond.isBool() ? Value() : cond;
  }
  if (!cond.asBool()) {
    scope.markers->clear(e.slot, *scope.key);
    return Value(false);
  }
  int64_t start = scope.markers->startOf(e.slot, *scope.key, scope.change_time_ms);
  int64_t due = start + *duration;
  return due <= ctx.now_ms ? Value(true) : awaitUntil(due, ctx);
}

Value trueUntil(const BoundExpr& e, EvalContext& ctx) {
  Value cond = evaluate(e.children[0], ctx);
  std::optional<int64_t> until = instantMs(evaluate(e.children[1], ctx));
  if (!cond.isBool() || !until)
    return Value();
  if (!cond.asBool())
    return Value(false);
  return *until <= ctx.now_ms ? cond : awaitUntil(*until, ctx);
}

Value trueLater(const BoundExpr& e, EvalContext& ctx) {
  Value cond = evaluate(e.children[0], ctx);
  std::optional<int64_t> at = instantMs(evaluate(e.children[1], ctx));
  if (!at)
    return Value();
  return *at <= ctx.now_ms ? cond : awaitUntil(*at, ctx);
}

// drasi.awaiting(): Drasi's "no answer yet", which a WHERE treats as not true; nothing is
// scheduled, so the solution shows again only when its data changes.
Value awaiting(const BoundExpr&, EvalContext& ctx) {
  if (ctx.temporal)
    ctx.temporal->awaiting = true;
  return Value();
}

Value trueNowOrLater(const BoundExpr& e, EvalContext& ctx) {
  Value cond = evaluate(e.children[0], ctx);
  if (isTrue(cond))
    return cond;
  return trueLater(e, ctx);
}

std::optional<int64_t> clockMs(const Value& v) {
  if (v.isInteger())
    return v.asInteger();
  if (v.kind() == core::ValueKind::DateTime)
    return v.asDateTime().epoch_ms;
  return std::nullopt;
}

// The verdict of `fixed OP moving` with the clock at `at_ms`.
Value verdictAt(const BoundExpr& e, const Value& fixed, EvalContext& ctx, int64_t at_ms) {
  EvalContext later = ctx;
  later.now_ms = at_ms;
  later.temporal = nullptr;
  return compareValues(e.op, fixed, evaluate(e.children[1], later));
}

// The first moment after now at which the verdict changes, for a moving side that is a step
// function of the clock (datetime.truncate('day', datetime.realtime()) and the like). It never
// decreases, so the verdict flips at most once: probe forward in doubling steps, then bisect.
std::optional<int64_t> nextFlip(const BoundExpr& e, const Value& fixed, const Value& verdict,
                                EvalContext& ctx) {
  constexpr int64_t kHorizonMs = int64_t{200} * 366 * 86'400'000;
  int64_t settled = ctx.now_ms;  // the verdict is unchanged here
  for (int64_t step = 1; step <= kHorizonMs; step *= 2) {
    int64_t probe = ctx.now_ms + step;
    if (verdictAt(e, fixed, ctx, probe) == verdict) {
      settled = probe;
      continue;
    }
    int64_t changed = probe;
    while (changed - settled > 1) {
      int64_t mid = settled + (changed - settled) / 2;
      (verdictAt(e, fixed, ctx, mid) == verdict ? settled : changed) = mid;
    }
    return changed;
  }
  return std::nullopt;
}

// `fixed OP moving`, where `moving` follows the clock. Between now and the moment `moving`
// passes `fixed` the answer cannot change, so one re-evaluation at that moment keeps the
// predicate exact: a row enters "the last 5 minutes" on its change and leaves by itself.
Value clockComparison(const BoundExpr& e, EvalContext& ctx) {
  Value fixed = evaluate(e.children[0], ctx);
  Value moving = evaluate(e.children[1], ctx);
  Value verdict = compareValues(e.op, fixed, moving);
  std::optional<int64_t> fixed_ms = clockMs(fixed);
  std::optional<int64_t> moving_ms = clockMs(moving);
  if (!ctx.temporal || !fixed_ms || !moving_ms || fixed.kind() != moving.kind())
    return verdict;
  std::optional<int64_t> flip;
  if (e.has_subject) {
    // moving == fixed at `meet`. `>` and `<=` flip at that very moment; `>=` and `<` flip one
    // millisecond later, once moving is past fixed.
    int64_t meet = ctx.now_ms + (*fixed_ms - *moving_ms);
    bool flips_at_meet = e.op == query::Operator::Gt || e.op == query::Operator::Le;
    flip = flips_at_meet ? meet : meet + 1;
  } else if (*moving_ms <= *fixed_ms) {
    // A step function of the clock can only pass `fixed` while it is still at or below it.
    flip = nextFlip(e, fixed, verdict, ctx);
  }
  if (flip && *flip > ctx.now_ms)
    ctx.temporal->schedule(*flip);
  return verdict;
}

// The last value that differed from the latest: the one before it if it differed, else the one
// remembered from earlier.
const Value& distinctBefore(const PreviousValues::Entry& entry) {
  return entry.latest == entry.before_latest ? entry.distinct_before : entry.before_latest;
}

// drasi.previousValue and previousDistinctValue share one record per (call, solution). A new
// transaction moves `latest` into the past; evaluating again in the same transaction, or because
// time passed, answers from the same past.
const PreviousValues::Entry& rememberValue(const BoundExpr& e, EvalContext& ctx) {
  Value current = evaluate(e.children[0], ctx);
  TemporalScope& scope = *ctx.temporal;
  PreviousValues::Entry* entry = scope.previous->find(e.slot, *scope.key);
  if (!entry) {
    Value fallback = e.children.size() > 1 ? evaluate(e.children[1], ctx) : Value();
    return scope.previous->insert(
        e.slot, *scope.key, {std::move(current), fallback, std::move(fallback), scope.transaction});
  }
  if (scope.data_change && entry->transaction != scope.transaction) {
    entry->distinct_before = distinctBefore(*entry);
    entry->before_latest = std::move(entry->latest);
    entry->transaction = scope.transaction;
  }
  entry->latest = std::move(current);
  return *entry;
}

Value previousValue(const BoundExpr& e, EvalContext& ctx) {
  return rememberValue(e, ctx).before_latest;
}

Value previousDistinctValue(const BoundExpr& e, EvalContext& ctx) {
  return distinctBefore(rememberValue(e, ctx));
}

}  // namespace

const ScalarFunction& clockComparisonFunction() {
  static const ScalarFunction kFunction = {
      "(comparison with the clock)",
      2,
      2,
      "a comparison between a row's instant and the clock plus a constant",
      nullptr,
      nullptr,
      false,
      clockComparison,
      true};
  return kFunction;
}

const std::vector<ScalarFunction>& futureFunctions() {
  static const std::vector<ScalarFunction> kFunctions = {
      {"drasi.trueFor", 2, 2,
       "true once the condition has held for the duration (it keeps its start while it holds)",
       nullptr, nullptr, false, trueFor, true},
      {"drasi.trueUntil", 2, 2, "the condition, once the given time has come; false once it fails",
       nullptr, nullptr, false, trueUntil, true},
      {"drasi.trueLater", 2, 2, "the condition, evaluated again at the given time", nullptr,
       nullptr, false, trueLater, true},
      // drasi.future is trueLater with any value in place of the condition.
      {"drasi.future", 2, 2,
       "the value once the given time has come; until then awaiting, and evaluated again at it",
       nullptr, nullptr, false, trueLater, true, true},
      {"drasi.awaiting", 0, 0, "no answer yet: a WHERE treats it as not true", nullptr, nullptr,
       false, awaiting, true, true},
      {"drasi.trueNowOrLater", 2, 2, "true now if the condition holds, else as trueLater", nullptr,
       nullptr, false, trueNowOrLater, true},
      {"drasi.previousValue", 1, 2,
       "the value before the row's latest change (or the second argument, at first)", nullptr,
       nullptr, false, previousValue, true, true},
      {"drasi.previousDistinctValue", 1, 2,
       "the last value that differed from the current one (or the second argument, until one "
       "did)",
       nullptr, nullptr, false, previousDistinctValue, true, true},
  };
  return kFunctions;
}

}  // namespace livedash::engine
