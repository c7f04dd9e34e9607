// src/config/cross_references.cpp
//
// Checks that need the whole file: ids are unique within their section, and every name a query,
// reaction or widget refers to is defined somewhere in the file (before or after the reference).
#include <algorithm>
#include <map>

#include <fmt/ranges.h>

#include "config/field_binding.hpp"
#include "config/section_readers.hpp"

namespace livedash::config {
namespace {

std::string_view singular(Section section) {
  switch (section) {
    case Section::Source:
      return "source";
    case Section::Query:
      return "query";
    case Section::Reaction:
      return "reaction";
    case Section::Dashboard:
      return "dashboard";
  }
  return "item";
}

std::string_view plural(Section section) {
  return section == Section::Query ? "queries" : section == Section::Source ? "sources" : "items";
}

void checkDuplicateIds(Reader& r) {
  std::map<std::pair<Section, std::string>, const NamedSite*> first_definition;
  for (const NamedSite& site : r.definitions()) {
    auto [first, inserted] = first_definition.emplace(std::pair(site.section, site.name), &site);
    if (!inserted) {
      r.errorAt(site.mark, site.length, site.key_path,
                fmt::format("duplicate {} id `{}`; it is already used on line {}",
                            singular(site.section), site.name, first->second->mark.line + 1));
    }
  }
}

std::vector<std::string> idsIn(const Reader& r, Section section) {
  std::vector<std::string> ids;
  for (const NamedSite& site : r.definitions()) {
    if (site.section == section && std::find(ids.begin(), ids.end(), site.name) == ids.end()) {
      ids.push_back(site.name);
    }
  }
  return ids;
}

std::string unknownNameHint(const NamedSite& reference, const std::vector<std::string>& ids,
                            std::string_view where) {
  std::string near = core::closestMatch(reference.name, ids);
  if (!near.empty()) {
    return fmt::format("did you mean `{}`?", near);
  }
  if (ids.empty()) {
    return fmt::format("{} defines no {}", where, plural(reference.section));
  }
  return fmt::format("defined {}: {}", plural(reference.section), fmt::join(ids, ", "));
}

}  // namespace

void checkReferences(Reader& r, const IdsOf& ids_of, std::string_view where) {
  for (const NamedSite& reference : r.references()) {
    std::vector<std::string> ids = ids_of(reference.section);
    if (std::find(ids.begin(), ids.end(), reference.name) != ids.end()) {
      continue;
    }
    r.errorAt(reference.mark, reference.length, reference.key_path,
              fmt::format("unknown {} `{}`", singular(reference.section), reference.name),
              unknownNameHint(reference, ids, where));
  }
}

void checkCrossReferences(Reader& r) {
  checkDuplicateIds(r);
  checkReferences(
      r, [&r](Section section) { return idsIn(r, section); }, "the file");
}

}  // namespace livedash::config
