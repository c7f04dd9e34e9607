// tests/fuzz/cypher_fuzz.cpp
//
// libFuzzer target: any text given as a continuous query must either be rejected with a
// core::Error whose span lies inside the text (and whose caret can be drawn), or run: bootstrap
// over a few elements, apply changes, fire futures. Never a crash, hang or sanitizer report.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/clock.hpp"
#include "core/diagnostic.hpp"
#include "engine/engine.hpp"

using namespace livedash;

namespace {

core::Change order(core::ChangeOp op, int id, const char* status, double total) {
  core::Change c;
  c.op = op;
  c.element.id = "orders:" + std::to_string(id);
  c.element.labels = {"orders"};
  c.element.properties = {
      {"id", core::Value(id)},
      {"status", core::Value(status)},
      // Order 2's total is an exact decimal (a PostgreSQL numeric).
      {"total", id == 2 ? core::Value(core::Decimal{static_cast<int64_t>(total * 100), 2})
                        : core::Value(total)},
      {"tags", core::Value(core::List{core::Value("a"), core::Value(1)})}};
  return c;
}

core::Change payment(int id, int order_id) {
  core::Change c;
  c.element.id = "payments:" + std::to_string(id);
  c.element.labels = {"payments"};
  c.element.properties = {{"id", core::Value(id)}, {"order_id", core::Value(order_id)}};
  return c;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  core::FakeClock clock(1'000);
  engine::Engine engine(clock);
  engine.apply(
      {"db", 500, false, {order(core::ChangeOp::Insert, 1, "pending", 1.5), payment(1, 1)}});
  try {
    engine.addQuery({"q",
                     std::string(text),
                     {{"p", core::Value(2)}},
                     {{"FOR_ORDER", {{"payments", "order_id"}, {"orders", "id"}}}}});
  } catch (const core::Error& e) {
    if (e.span()) {
      if (e.span()->offset > size)
        __builtin_trap();
      core::formatDiagnostic(core::diagnosticAt(text, *e.span(), e.what(), e.hint()));
    }
    return 0;
  }
  engine.apply({"db",
                2'000,
                false,
                {order(core::ChangeOp::Insert, 2, "processing", 2.25),
                 order(core::ChangeOp::Update, 1, "shipped", 3), payment(2, 2)}});
  clock.setMs(100'000'000);
  engine.fireDueFutures();
  core::Change gone;
  gone.op = core::ChangeOp::Delete;
  gone.element.id = "orders:2";
  engine.apply({"db", 100'000'000, false, {gone}});
  engine.findQuery("q")->snapshot();
  return 0;
}
