// tests/unit/app/shop_writes.hpp
//
// A cycle of writes to the test shop's orders (tests/data/app/shop.sql) that makes every kind of
// diff: inserts, moves between status groups, total changes within a group and deletes. Header-
// only: the test binaries compile only *_test.cpp files.
#pragma once

#include <string>

namespace livedash::app::test {

//! The SQL of write `i` of the cycle.
inline std::string shopWrite(int i) {
  const std::string id = std::to_string(1 + i % 3);
  switch (i % 5) {
    case 0:
      return "INSERT INTO orders (customer_name, total) VALUES ('W" + std::to_string(i) + "', " +
             std::to_string(i % 7) + ")";
    case 1:
      return "UPDATE orders SET status = 'shipped' WHERE id = " + id;
    case 2:
      return "UPDATE orders SET status = 'pending', total = total + 1 WHERE id = " + id;
    case 3:
      return "DELETE FROM orders WHERE customer_name = 'W" + std::to_string(i - 3) + "'";
    default:
      return "UPDATE orders SET total = total + 0.5 WHERE status = 'pending'";
  }
}

}  // namespace livedash::app::test
