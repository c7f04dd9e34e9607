// src/app/dashboard_routes.hpp
//
// The `dashboards:` section over HTTP: its JSON (for the generic page to build itself from) and
// the pages that show it. A dashboard is only data; the page in web/dashboard.html renders any.
#pragma once

#include <string_view>

#include "config/server_config.hpp"
#include "server/http_server.hpp"

namespace livedash::app {

//! `GET /api/v1/dashboards` (id and title of each dashboard the caller may read) and
//! `GET /api/v1/dashboards/{id}` (the whole dashboard, widgets with their options). A dashboard
//! is readable by a token that may read every query it shows, so it reveals nothing the
//! query routes would not.
void registerDashboardApi(server::HttpServer& server, const config::ServerConfig& config);

//! `/d/{id}` (the generic page, the same HTML for every id: it reads the id from its URL) and
//! `/dashboards` (the index). When the config has dashboards, `/` redirects to the first one;
//! otherwise `/` is left to the caller (the order page). The pages are public, as the other
//! assets are: their data comes from the API, which checks tokens.
void registerDashboardPages(server::HttpServer& server, const config::ServerConfig& config,
                            std::string_view page_html, std::string_view index_html);

}  // namespace livedash::app
