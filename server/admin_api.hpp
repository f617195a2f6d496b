#pragma once
// The operators' console: the page (/admin, admin.js, admin.css) and its JSON API under
// /api/admin/, all absent (404) unless ADVISOR_ADMIN_TOKEN is set. Every API call needs the
// token as a Bearer header; wrong tokens are slowed down per client address (admin_guard).

#include <string>

#include "server/http_handler.hpp"

namespace advisor::server {

// Whether the request is the console's (page or API): the session hands it to handle_admin.
bool is_admin_request(const request& req);

// `client` is the address the per-address limits count (for wrong tokens).
http::message_generator handle_admin(request&& req, server_context& ctx, const std::string& client);

}  // namespace advisor::server
