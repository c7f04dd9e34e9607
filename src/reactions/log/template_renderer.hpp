// src/reactions/log/template_renderer.hpp
#pragma once

#include <string>
#include <string_view>

#include "core/value.hpp"

namespace livedash::reactions {

//! Renders the Handlebars subset the seeds use: `{{after.orderId}}`, `{{before.status}}`,
//! `{{query_name}}` and the `json` helper (`{{json after}}`). A missing value renders as empty
//! text, as Handlebars does. Unclosed `{{` is left as written.
std::string renderTemplate(std::string_view text, const core::Map& context);

}  // namespace livedash::reactions
