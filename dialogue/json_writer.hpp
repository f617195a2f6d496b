#pragma once
// Appends JSON to a string without building a tree: the reply is the one document the server
// writes for every message, and a nlohmann tree costs an allocation and a copy per field.
// The output is byte for byte what nlohmann's dump() gives (no indent, ensure_ascii off);
// text that is not valid UTF-8 goes through nlohmann itself, which replaces the bad bytes.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace advisor::dialogue::json_out {

void string(std::string& out, std::string_view text);
void number(std::string& out, double value);
void optional_string(std::string& out, const std::optional<std::string>& text);  // or null
void string_array(std::string& out, const std::vector<std::string>& items);
void string_map(std::string& out, const std::map<std::string, std::string>& items);

}  // namespace advisor::dialogue::json_out
