// src/app/analytics_workload.cpp
//
// Tracked events as a product would send them: mostly page views, some clicks and feature use,
// a few signups and purchases. Users are drawn with a skew, so some are much more active than
// others, and each keeps a session for a while. Now and then events older than two days are
// deleted, as a retention job would.
#include <array>

#include <fmt/format.h>

#include "app/demo_workloads.hpp"

namespace livedash::app {

namespace {

struct EventKind {
  const char* type;
  const char* name;
  int weight;
};

constexpr std::array<EventKind, 12> kEvents = {{
    {"page_view", "/", 30},
    {"page_view", "/pricing", 12},
    {"page_view", "/docs", 14},
    {"page_view", "/blog", 8},
    {"page_view", "/dashboard", 20},
    {"click", "button:start-trial", 5},
    {"click", "link:docs", 6},
    {"feature", "report:export-csv", 4},
    {"feature", "dashboard:share", 3},
    {"signup", "signup:completed", 2},
    {"purchase", "plan:team", 1},
    {"purchase", "plan:pro", 1},
}};

constexpr std::array<const char*, 3> kOrgs = {"acme", "globex", "initech"};
constexpr int kUsersPerOrg = 120;

const EventKind& pickEvent(std::mt19937& rng) {
  static const int total = [] {
    int sum = 0;
    for (const EventKind& e : kEvents)
      sum += e.weight;
    return sum;
  }();
  int roll = static_cast<int>(rng() % static_cast<unsigned>(total));
  for (const EventKind& e : kEvents) {
    if (roll < e.weight)
      return e;
    roll -= e.weight;
  }
  return kEvents[0];
}

std::string analyticsWrite(std::mt19937& rng) {
  if (rng() % 500 == 0) {
    return "DELETE FROM events WHERE timestamp < strftime('%Y-%m-%d %H:%M:%S', 'now', "
           "'-2 days')";
  }
  const char* org = kOrgs[rng() % kOrgs.size()];
  // The minimum of two uniform draws favours low numbers: a few heavy users, a long tail.
  int user = static_cast<int>(std::min(rng() % kUsersPerOrg, rng() % kUsersPerOrg));
  const EventKind& event = pickEvent(rng);
  return fmt::format(
      "INSERT INTO events (org_id, event_type, event_name, user_id, session_id) "
      "VALUES ('{0}', '{2}', '{3}', '{0}-user-{1}', '{0}-user-{1}-session-{4}')",
      org, user, event.type, event.name, rng() % 4);
}

}  // namespace

DemoWorkload analyticsWorkload() {
  return analyticsWrite;
}

}  // namespace livedash::app
