// src/engine/plan/property_reads.hpp
//
// Which element properties a query reads, so that an update changing none of them can skip the
// query altogether (an order's status change, for a query about payment amounts). Conservative:
// anything that sees more than named properties (a whole element, its change time, the clock,
// time-based functions) counts as reading everything.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/plan/query_plan.hpp"

namespace livedash::engine {

struct PropertyReads {
  //! Set when an update of any property, or none, can change the query's result.
  bool all = false;
  //! Property names read (of any label), sorted and unique.
  std::vector<std::string> properties;

  bool reads(std::string_view property) const;
};

PropertyReads propertyReadsOf(const QueryPlan& plan);

}  // namespace livedash::engine
