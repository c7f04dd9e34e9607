// src/engine/plan/planner.cpp
#include "engine/plan/planner.hpp"

#include <set>

#include <fmt/format.h>

#include "engine/plan/binder.hpp"

namespace livedash::engine {

using query::Expr;

namespace {

[[noreturn]] void unsupported(core::SourceSpan span, std::string message) {
  throw core::Error(core::ErrorCode::QueryUnsupported, std::move(message), span);
}

[[noreturn]] void semantic(core::SourceSpan span, std::string message, std::string hint = {}) {
  throw core::Error(core::ErrorCode::QuerySemantic, std::move(message), span, std::move(hint));
}

BoundExpr conjunction(std::optional<BoundExpr> lhs, BoundExpr rhs) {
  if (!lhs)
    return rhs;
  BoundExpr b;
  b.kind = BoundKind::Binary;
  b.op = query::Operator::And;
  b.deterministic = lhs->deterministic && rhs.deterministic;
  b.children.push_back(std::move(*lhs));
  b.children.push_back(std::move(rhs));
  return b;
}

// Whether an expression reads the row outside of any aggregate (it must not, in an aggregate item).
const BoundExpr* findRowReference(const BoundExpr& e) {
  if (e.kind == BoundKind::Element || e.kind == BoundKind::ElementProperty ||
      e.kind == BoundKind::Column) {
    return &e;
  }
  for (const BoundExpr& child : e.children) {
    if (const BoundExpr* found = findRowReference(child))
      return found;
  }
  return nullptr;
}

class Planner {
 public:
  Planner(const query::Query& q, const core::Map& parameters, const std::vector<JoinSpec>& joins)
      : query_(q), binder_(parameters, plan_.parameters) {
    plan_.joins = joins;
  }

  QueryPlan run() {
    size_t i = 0;
    planMatches(i);
    for (; i < query_.clauses.size(); ++i) {
      if (std::holds_alternative<query::MatchClause>(query_.clauses[i])) {
        unsupported(std::get<query::MatchClause>(query_.clauses[i]).span,
                    "MATCH after WITH is not supported yet");
      }
      planProjection(std::get<query::ProjectionClause>(query_.clauses[i]));
    }
    plan_.columns =
        std::make_shared<const std::vector<std::string>>(plan_.projections.back().columns);
    return std::move(plan_);
  }

 private:
  void planMatches(size_t& i) {
    for (; i < query_.clauses.size(); ++i) {
      const auto* m = std::get_if<query::MatchClause>(&query_.clauses[i]);
      if (!m)
        break;
      planMatch(*m);
    }
    if (plan_.match.nodes.empty()) {
      semantic(core::SourceSpan{0, 1}, "a continuous query needs a MATCH clause");
    }
    finishMatch();
  }

  void planMatch(const query::MatchClause& m) {
    if (m.optional) {
      if (plan_.match.nodes.empty())
        unsupported(m.span, "OPTIONAL MATCH needs a MATCH before it");
      if (in_optional_)
        unsupported(m.span, "only one OPTIONAL MATCH is supported yet");
      in_optional_ = true;
      optional_span_ = m.span;
    }
    for (const query::PathPattern& path : m.patterns) {
      int previous = planNode(path.nodes[0]);
      for (size_t i = 0; i < path.relationships.size(); ++i) {
        int next = planNode(path.nodes[i + 1]);
        planEdge(path.relationships[i], previous, next);
        previous = next;
      }
    }
    if (m.where) {
      if (Binder::containsAggregate(*m.where)) {
        semantic(m.where->span, "aggregates are not allowed in MATCH … WHERE",
                 "filter on an aggregate with WITH … WHERE");
      }
      (m.optional ? optional_predicates_ : pending_predicates_).push_back(m.where.get());
    }
  }

  // Returns the node's index; a variable named again refers to the same node.
  int planNode(const query::NodePattern& node) {
    MatchPlan& match = plan_.match;
    if (!node.variable.empty()) {
      for (size_t i = 0; i < match.nodes.size(); ++i) {
        if (match.nodes[i].variable != node.variable)
          continue;
        for (const std::string& label : node.labels)
          match.nodes[i].labels.push_back(label);
        if (!node.label_alternatives.empty()) {
          if (!match.nodes[i].any_labels.empty()) {
            unsupported(node.span, fmt::format("`{}` has label alternatives twice; give them once",
                                               node.variable));
          }
          match.nodes[i].any_labels = node.label_alternatives;
        }
        addInline(node, static_cast<int>(i));
        return static_cast<int>(i);
      }
    }
    MatchNode n;
    n.variable =
        node.variable.empty() ? "  node" + std::to_string(match.nodes.size()) : node.variable;
    n.labels = node.labels;
    n.any_labels = node.label_alternatives;
    n.slot = static_cast<int>(match.nodes.size());
    n.optional = in_optional_;
    match.nodes.push_back(n);
    node_spans_.push_back(node.span);
    addInline(node, n.slot);
    return n.slot;
  }

  void addInline(const query::NodePattern& node, int index) {
    for (const query::PropertyEntry& p : node.properties) {
      (in_optional_ ? optional_properties_ : inline_properties_).emplace_back(index, &p);
    }
    if (node.where) {
      (in_optional_ ? optional_predicates_ : pending_predicates_).push_back(node.where.get());
    }
  }

  void planEdge(const query::RelationshipPattern& r, int from, int to) {
    if (r.where || !r.properties.empty()) {
      unsupported(r.span, "conditions inside a relationship pattern are not supported yet");
    }
    MatchEdge e;
    e.variable = r.variable;
    e.from = from;
    e.to = to;
    e.optional = in_optional_;
    e.direction = r.direction;
    e.types = r.types;
    for (const JoinSpec& j : plan_.joins) {
      if (r.types.size() == 1 && r.types[0] == j.id)
        e.join = &j;
    }
    plan_.match.edges.push_back(std::move(e));
    edge_spans_.push_back(r.span);
  }

  // Once every MATCH is planned: slots, join keys, labels, then the predicates (which may name
  // any variable of any pattern).
  void finishMatch() {
    MatchPlan& match = plan_.match;
    for (const MatchNode& n : match.nodes) {
      if (n.labels.empty() && n.any_labels.empty()) {
        unsupported(node_spans_[n.slot], "a node pattern needs a label, such as (o:orders)");
      }
      scope_.slots[n.variable] = n.slot;
      plan_.labels.insert(plan_.labels.end(), n.labels.begin(), n.labels.end());
      plan_.labels.insert(plan_.labels.end(), n.any_labels.begin(), n.any_labels.end());
    }
    int slot = static_cast<int>(match.nodes.size());
    for (size_t i = 0; i < match.edges.size(); ++i) {
      MatchEdge& e = match.edges[i];
      e.slot = slot++;
      if (!e.variable.empty()) {
        if (scope_.slots.count(e.variable)) {
          semantic(edge_spans_[i], fmt::format("variable `{}` is already bound", e.variable));
        }
        scope_.slots[e.variable] = e.slot;
      }
      if (e.join) {
        resolveJoinKeys(e, edge_spans_[i]);
      } else {
        for (const std::string& t : e.types)
          plan_.labels.push_back(t);
      }
    }
    match.slot_count = static_cast<size_t>(slot);
    scope_.kind = Scope::Kind::Elements;
    for (const auto& [index, property] : inline_properties_)
      addPredicate(equalsProperty(index, *property));
    binder_.allowFutureFunctions(true);
    for (const Expr* where : pending_predicates_)
      addPredicate(binder_.bind(*where, scope_));
    binder_.allowFutureFunctions(false);
    for (const auto& [index, property] : optional_properties_) {
      match.optional_predicate =
          conjunction(std::move(match.optional_predicate), equalsProperty(index, *property));
    }
    for (const Expr* where : optional_predicates_) {
      match.optional_predicate =
          conjunction(std::move(match.optional_predicate), binder_.bind(*where, scope_));
    }
    checkOptionalShape();
  }

  // The incremental matcher handles one optional node attached directly to the MATCH part.
  void checkOptionalShape() {
    const MatchPlan& match = plan_.match;
    int optional_nodes = 0;
    for (const MatchNode& n : match.nodes)
      optional_nodes += n.optional ? 1 : 0;
    if (optional_nodes == 0) {
      if (in_optional_)
        unsupported(optional_span_, "this OPTIONAL MATCH adds no new node");
      return;
    }
    bool attached = false;
    for (const MatchEdge& e : match.edges) {
      bool from_optional = match.nodes[e.from].optional;
      bool to_optional = match.nodes[e.to].optional;
      if (e.optional && from_optional != to_optional)
        attached = true;
      if (from_optional && to_optional)
        attached = false;
    }
    if (optional_nodes > 1 || !attached) {
      unsupported(optional_span_,
                  "OPTIONAL MATCH supports one new node related to the MATCH part, such as "
                  "OPTIONAL MATCH (o)<-[:FOR_ORDER]-(p:payments)");
    }
  }

  void resolveJoinKeys(MatchEdge& e, core::SourceSpan span) {
    for (int node : {e.from, e.to}) {
      if (!plan_.match.nodes[node].any_labels.empty()) {
        unsupported(node_spans_[node], fmt::format("label alternatives on a node of join `{}` "
                                                   "are not supported; a join connects one "
                                                   "label to another",
                                                   e.join->id));
      }
    }
    auto keyFor = [&](int node, const JoinSpec::Key* other) -> const JoinSpec::Key* {
      for (const JoinSpec::Key& k : e.join->keys) {
        if (&k == other)
          continue;
        for (const std::string& label : plan_.match.nodes[node].labels) {
          if (label == k.label)
            return &k;
        }
      }
      return nullptr;
    };
    const JoinSpec::Key* from = keyFor(e.from, nullptr);
    const JoinSpec::Key* to = from ? keyFor(e.to, from) : nullptr;
    if (!from || !to) {
      semantic(span,
               fmt::format("join `{}` does not connect `{}` and `{}`", e.join->id,
                           plan_.match.nodes[e.from].labels[0], plan_.match.nodes[e.to].labels[0]),
               "its keys name the labels it joins, under `joins:` in the query's config");
    }
    e.from_key = *from;
    e.to_key = *to;
  }

  BoundExpr equalsProperty(int slot, const query::PropertyEntry& p) {
    BoundExpr lhs;
    lhs.kind = BoundKind::ElementProperty;
    lhs.slot = slot;
    lhs.key = p.key;
    BoundExpr b;
    b.kind = BoundKind::Binary;
    b.op = query::Operator::Eq;
    b.span = p.value->span;
    b.children.push_back(std::move(lhs));
    b.children.push_back(binder_.bind(*p.value, scope_));
    return b;
  }

  void addPredicate(BoundExpr e) {
    plan_.match.predicate = conjunction(std::move(plan_.match.predicate), std::move(e));
  }

  void planProjection(const query::ProjectionClause& c) {
    if (c.star)
      unsupported(c.span, "`*` projections are not supported yet; name the columns");
    ProjectionPlan p;
    std::set<std::string> seen;
    bool aggregating = c.distinct;
    for (const query::ProjectionItem& item : c.items) {
      if (!seen.insert(item.alias).second) {
        semantic(item.span, fmt::format("column `{}` appears twice", item.alias),
                 "give one of them another name with AS");
      }
      p.columns.push_back(item.alias);
      aggregating = aggregating || Binder::containsAggregate(*item.expr);
    }
    p.aggregating = aggregating;
    if (plan_.projections.empty())
      binder_.setFirstProjection({!aggregating, aggregating});
    for (const query::ProjectionItem& item : c.items) {
      bindItem(p, item);
    }
    binder_.setFirstProjection({});
    if (plan_.projections.empty())
      countSolutionsOfRequiredElements(p);
    Scope output;
    output.kind = Scope::Kind::Columns;
    for (size_t k = 0; k < p.columns.size(); ++k)
      output.slots[p.columns[k]] = static_cast<int>(k);
    if (c.where) {
      p.having = binder_.bind(*c.where, output);
    }
    if (!c.order_by.empty() || c.skip || c.limit) {
      if (!c.is_return)
        unsupported(c.span, "ORDER BY, SKIP and LIMIT are supported on RETURN only");
      planTopN(c, p, output);
    }
    plan_.projections.push_back(std::move(p));
    scope_ = output;
  }

  //! count(o) of a MATCH variable that is never null counts the solutions, as count(*) does, so
  //! it need not evaluate and keep the element's id for every solution.
  void countSolutionsOfRequiredElements(ProjectionPlan& p) const {
    for (AggregateSpec& spec : p.aggregates) {
      if (spec.kind != AggregateKind::Count || spec.distinct || !spec.argument)
        continue;
      const BoundExpr& arg = *spec.argument;
      bool id_of_element = arg.kind == BoundKind::Call && arg.fn &&
                           std::string_view(arg.fn->name) == "elementId" &&
                           arg.children.size() == 1 && arg.children[0].kind == BoundKind::Element;
      if (id_of_element && isRequiredSlot(arg.children[0].slot))
        spec.argument.reset();
    }
  }
  bool isRequiredSlot(int slot) const {
    for (const MatchNode& n : plan_.match.nodes) {
      if (n.slot == slot)
        return !n.optional;
    }
    for (const MatchEdge& e : plan_.match.edges) {
      if (e.slot == slot)
        return !e.optional;
    }
    return false;
  }

  void bindItem(ProjectionPlan& p, const query::ProjectionItem& item) {
    bool is_aggregate = Binder::containsAggregate(*item.expr);
    if (!p.aggregating || !is_aggregate) {
      p.items.push_back(binder_.bind(*item.expr, scope_));
      if (p.aggregating)
        p.is_group_column.push_back(true);
      return;
    }
    BoundExpr bound = binder_.bindAggregating(*item.expr, scope_, p.aggregates);
    if (const BoundExpr* ref = findRowReference(bound)) {
      semantic(ref->span, "this must be inside an aggregate or be a grouping column of its own");
    }
    p.is_group_column.push_back(false);
    p.aggregate_items.push_back(std::move(bound));
  }

  int64_t constantCount(const Expr& e, const char* what) {
    if (e.kind != query::ExprKind::Literal || !e.literal.isInteger() || e.literal.asInteger() < 0) {
      semantic(e.span, fmt::format("{} needs a non-negative integer literal", what));
    }
    return e.literal.asInteger();
  }

  void planTopN(const query::ProjectionClause& c, ProjectionPlan& p, const Scope& output) {
    TopNPlan t;
    for (const query::SortItem& s : c.order_by) {
      t.keys.push_back(bindSortKey(c, p, output, *s.expr));
      t.descending.push_back(s.descending);
    }
    if (c.skip)
      t.skip = constantCount(*c.skip, "SKIP");
    if (c.limit)
      t.limit = constantCount(*c.limit, "LIMIT");
    plan_.top_n = std::move(t);
  }

  // ORDER BY may name an output column, repeat an item's expression, or (without aggregation)
  // use any input expression, which then rides along as a hidden column.
  BoundExpr bindSortKey(const query::ProjectionClause& c, ProjectionPlan& p, const Scope& output,
                        const Expr& e) {
    std::string text = e.text(query_.text);
    for (size_t k = 0; k < c.items.size(); ++k) {
      if (c.items[k].expr->text(query_.text) == text)
        return columnRef(static_cast<int>(k));
    }
    if (e.kind == query::ExprKind::Variable && output.slots.count(e.name)) {
      return columnRef(output.slots.at(e.name));
    }
    if (p.aggregating)
      return binder_.bind(e, output);
    p.items.push_back(binder_.bind(e, scope_));
    ++p.hidden_columns;
    return columnRef(static_cast<int>(p.items.size() - 1));
  }

  static BoundExpr columnRef(int slot) {
    BoundExpr b;
    b.kind = BoundKind::Column;
    b.slot = slot;
    return b;
  }

  const query::Query& query_;
  QueryPlan plan_;
  Binder binder_;
  Scope scope_;
  std::vector<core::SourceSpan> node_spans_;
  std::vector<core::SourceSpan> edge_spans_;
  std::vector<std::pair<int, const query::PropertyEntry*>> inline_properties_;
  std::vector<const Expr*> pending_predicates_;
  std::vector<std::pair<int, const query::PropertyEntry*>> optional_properties_;
  std::vector<const Expr*> optional_predicates_;
  bool in_optional_ = false;
  core::SourceSpan optional_span_;
};

}  // namespace

QueryPlan planQuery(const query::Query& query, const core::Map& parameters,
                    const std::vector<JoinSpec>& joins) {
  return Planner(query, parameters, joins).run();
}

}  // namespace livedash::engine
