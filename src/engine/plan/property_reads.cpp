// src/engine/plan/property_reads.cpp
#include "engine/plan/property_reads.hpp"

#include <algorithm>
#include <cstring>

namespace livedash::engine {

namespace {

void collect(const BoundExpr& e, PropertyReads& out) {
  if (!e.deterministic) {
    // The clock or randomness: evaluating again can change the answer on its own.
    out.all = true;
    return;
  }
  switch (e.kind) {
    case BoundKind::ElementProperty:
      out.properties.push_back(e.key);
      return;
    case BoundKind::Property:
      if (!e.children.empty() && e.children[0].kind == BoundKind::Element) {
        out.properties.push_back(e.key);
        return;
      }
      break;
    case BoundKind::Element:
      out.all = true;
      return;
    case BoundKind::Call:
      if (e.fn && e.fn->needs_temporal_scope) {
        out.all = true;
        return;
      }
      if (e.fn && e.fn->element_impl) {
        // An element's id never changes; anything else about it may.
        if (std::strcmp(e.fn->name, "elementId") != 0)
          out.all = true;
        return;
      }
      break;
    default:
      break;
  }
  for (const BoundExpr& child : e.children)
    collect(child, out);
}

}  // namespace

bool PropertyReads::reads(std::string_view property) const {
  return all || std::binary_search(properties.begin(), properties.end(), property);
}

PropertyReads propertyReadsOf(const QueryPlan& plan) {
  PropertyReads out;
  for (const auto& predicate : {plan.match.predicate, plan.match.optional_predicate}) {
    if (predicate)
      collect(*predicate, out);
  }
  // Only the first projection sees matched elements; later stages read its columns.
  if (!plan.projections.empty()) {
    const ProjectionPlan& first = plan.projections.front();
    for (const BoundExpr& item : first.items)
      collect(item, out);
    for (const AggregateSpec& spec : first.aggregates) {
      if (spec.argument)
        collect(*spec.argument, out);
    }
  }
  for (const JoinSpec& join : plan.joins) {
    for (const JoinSpec::Key& key : join.keys)
      out.properties.push_back(key.property);
  }
  std::sort(out.properties.begin(), out.properties.end());
  out.properties.erase(std::unique(out.properties.begin(), out.properties.end()),
                       out.properties.end());
  return out;
}

}  // namespace livedash::engine
