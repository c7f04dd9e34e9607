// tests/unit/sources/embedded_test_support.hpp
//
// Shared pieces for the embedded source tests: a recording sink, a shop schema shaped like the
// order dashboard's (orders, payments, customers) in SQLite syntax, and a fixture with a temp dir
// and a FakeClock.
#pragma once

#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "core/change.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "sources/embedded/embedded_source.hpp"

namespace livedash::sources::testing {

class RecordingSink final : public core::ChangeSink {
 public:
  void onBatch(core::ChangeBatch&& batch) override {
    std::lock_guard lock(mutex_);
    batches_.push_back(std::move(batch));
  }
  std::vector<core::ChangeBatch> batches() const {
    std::lock_guard lock(mutex_);
    return batches_;
  }
  size_t size() const {
    std::lock_guard lock(mutex_);
    return batches_.size();
  }
  core::ChangeBatch last() const {
    std::lock_guard lock(mutex_);
    return batches_.back();
  }
  void clear() {
    std::lock_guard lock(mutex_);
    batches_.clear();
  }

 private:
  mutable std::mutex mutex_;
  std::vector<core::ChangeBatch> batches_;
};

//! 2024-05-01 12:00:00 UTC.
inline constexpr int64_t kStartMs = 1'714'564'800'000;

inline const char* kShopSchema = R"sql(
CREATE TABLE customers (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  email TEXT NOT NULL UNIQUE
);
CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER REFERENCES customers(id),
  customer_name VARCHAR(100) NOT NULL,
  status VARCHAR(30) DEFAULT 'pending',
  total DECIMAL(10,2) NOT NULL,
  rush BOOLEAN NOT NULL DEFAULT FALSE,
  created_at TIMESTAMP DEFAULT (NOW()),
  updated_at TIMESTAMP DEFAULT (NOW())
);
CREATE TABLE payments (
  id INTEGER PRIMARY KEY,
  order_id INTEGER REFERENCES orders(id),
  status VARCHAR(30) DEFAULT 'pending',
  amount DECIMAL(10,2) NOT NULL,
  error_message TEXT,
  created_at TIMESTAMP DEFAULT (NOW()),
  updated_at TIMESTAMP DEFAULT (NOW())
);
-- SQLite cannot assign NEW in a BEFORE trigger, so touch the row after the update instead.
CREATE TRIGGER orders_touch AFTER UPDATE ON orders FOR EACH ROW
  WHEN NEW.updated_at IS OLD.updated_at
BEGIN
  UPDATE orders SET updated_at = NOW() WHERE id = NEW.id;
END;
CREATE TABLE line_items (
  order_id INTEGER NOT NULL,
  line_no INTEGER NOT NULL,
  sku TEXT NOT NULL,
  qty INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (order_id, line_no)
);
CREATE TABLE notes (body TEXT);

INSERT INTO customers (name, email) VALUES
  ('Ann Lee', 'ann@example.com'),
  ('Ben Ode', 'ben@example.com'),
  ('Cy Park', 'cy@example.com');
INSERT INTO orders (customer_id, customer_name, status, total, created_at) VALUES
  (1, 'Ann Lee', 'pending', 120.50, datetime(NOW(), '-10 minutes')),
  (2, 'Ben Ode', 'processing', 80, datetime(NOW(), '-3 hours'));
INSERT INTO payments (order_id, status, amount) VALUES (1, 'completed', 120.50);
INSERT INTO line_items (order_id, line_no, sku, qty) VALUES (1, 1, 'mug', 2), (1, 2, 'tea', 1);
INSERT INTO notes (body) VALUES ('first note');
)sql";

class EmbeddedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           (std::string("livedash-embedded-") + info->test_suite_name() + "-" + info->name() + "-" +
            std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    schema_path_ = writeFile("shop.sql", kShopSchema);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string writeFile(const std::string& name, const std::string& text) {
    const auto path = dir_ / name;
    std::ofstream(path) << text;
    return path.string();
  }

  EmbeddedSourceOptions options(std::string path = ":memory:") {
    EmbeddedSourceOptions o;
    o.id = "shop";
    o.path = std::move(path);
    o.schema_files = {schema_path_};
    o.clock = &clock_;
    return o;
  }

  //! A started in-memory shop, with the bootstrap batch already cleared from the sink.
  std::unique_ptr<EmbeddedSource> startedShop() {
    auto source = std::make_unique<EmbeddedSource>(options());
    source->start(sink_);
    sink_.clear();
    return source;
  }

  core::FakeClock clock_{kStartMs};
  RecordingSink sink_;
  std::filesystem::path dir_;
  std::string schema_path_;
};

inline const core::Change* findChange(const core::ChangeBatch& batch, const std::string& id) {
  for (const core::Change& change : batch.changes) {
    if (change.element.id == id) {
      return &change;
    }
  }
  return nullptr;
}

inline core::Value prop(const core::Map& map, const std::string& key) {
  auto it = map.find(key);
  return it == map.end() ? core::Value("<missing>") : it->second;
}

inline core::Value at(int64_t ms) {
  return core::Value(core::DateTime{ms});
}

//! Runs `fn`, expecting a core::Error with `code`; returns it for further checks.
template <typename Fn>
core::Error expectError(core::ErrorCode code, Fn&& fn) {
  try {
    fn();
  } catch (const core::Error& e) {
    EXPECT_EQ(e.code(), code) << e.what();
    return e;
  }
  ADD_FAILURE() << "expected a core::Error(" << core::errorCodeName(code) << ")";
  return core::Error(core::ErrorCode::Internal, "no error");
}

}  // namespace livedash::sources::testing
