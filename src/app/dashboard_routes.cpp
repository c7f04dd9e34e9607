// src/app/dashboard_routes.cpp
#include "app/dashboard_routes.hpp"

#include <memory>

#include <fmt/format.h>

#include "config/config_enums.hpp"
#include "core/json.hpp"

namespace livedash::app {

using server::HttpRequest;
using server::HttpResponse;

namespace {

core::Value widgetValue(const config::WidgetConfig& w) {
  return core::Value(core::Map{{"type", core::Value(std::string(config::enumName(w.type)))},
                               {"title", core::Value(w.title)},
                               {"query", core::Value(w.query)},
                               {"options", core::Value(w.options)}});
}

core::Value dashboardValue(const config::DashboardConfig& d, bool with_widgets) {
  core::Map out{{"id", core::Value(d.id)}, {"title", core::Value(d.title)}};
  core::List queries;
  core::List widgets;
  for (const config::WidgetConfig& w : d.widgets) {
    if (std::find(queries.begin(), queries.end(), core::Value(w.query)) == queries.end())
      queries.emplace_back(w.query);
    widgets.push_back(widgetValue(w));
  }
  out.emplace("queries", core::Value(std::move(queries)));
  if (with_widgets)
    out.emplace("widgets", core::Value(std::move(widgets)));
  return core::Value(std::move(out));
}

bool readable(const HttpRequest& r, const config::DashboardConfig& d) {
  if (!r.token)
    return true;
  for (const config::WidgetConfig& w : d.widgets) {
    if (!r.token->allowsQuery(w.query))
      return false;
  }
  return true;
}

HttpResponse ok(const core::Value& data) {
  return HttpResponse::json(
      200, R"({"success":true,"data":)" + core::toJson(data) + R"(,"error":null})");
}

HttpResponse html(std::string_view bytes) {
  HttpResponse r;
  r.content_type = "text/html; charset=utf-8";
  r.body = std::string(bytes);
  return r;
}

}  // namespace

void registerDashboardApi(server::HttpServer& server, const config::ServerConfig& config) {
  const auto* dashboards = &config.dashboards;
  server.addRoute(
      "GET", "/api/v1/dashboards",
      [dashboards](const HttpRequest& r) {
        core::List out;
        for (const config::DashboardConfig& d : *dashboards) {
          if (readable(r, d))
            out.push_back(dashboardValue(d, false));
        }
        return ok(core::Value(std::move(out)));
      },
      server::RouteAccess::Read);
  server.addRoute(
      "GET", "/api/v1/dashboards/{id}",
      [dashboards](const HttpRequest& r) {
        for (const config::DashboardConfig& d : *dashboards) {
          if (d.id != r.param("id"))
            continue;
          if (!readable(r, d)) {
            throw core::Error(
                core::ErrorCode::Forbidden,
                fmt::format("this token may not read every query of dashboard `{}`", d.id));
          }
          return ok(dashboardValue(d, true));
        }
        throw core::Error(core::ErrorCode::NotFound,
                          fmt::format("no dashboard `{}`", r.param("id")));
      },
      server::RouteAccess::Read);
}

void registerDashboardPages(server::HttpServer& server, const config::ServerConfig& config,
                            std::string_view page_html, std::string_view index_html) {
  server.addRoute(
      "GET", "/d/{id}", [page_html](const HttpRequest&) { return html(page_html); },
      server::RouteAccess::Public);
  server.addRoute(
      "GET", "/dashboards", [index_html](const HttpRequest&) { return html(index_html); },
      server::RouteAccess::Public);
  if (config.dashboards.empty())
    return;
  // Relative, so that a reverse proxy's path prefix is kept.
  std::string location = "d/" + config.dashboards.front().id;
  server.addRoute(
      "GET", "/",
      [location](const HttpRequest& request) {
        HttpResponse r{302, "text/plain; charset=utf-8", "", {}};
        // Keep the query string: `/?token=…` must reach the page with its token.
        size_t query = request.target.find('?');
        r.headers.emplace_back("Location", query == std::string::npos
                                               ? location
                                               : location + request.target.substr(query));
        return r;
      },
      server::RouteAccess::Public);
}

}  // namespace livedash::app
