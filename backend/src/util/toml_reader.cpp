// SPDX-License-Identifier: MIT
#include "util/toml_reader.h"

#include "util/file_access.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

namespace spfd {

std::string_view describe_type(const toml::node& node) {
    switch (node.type()) {
    case toml::node_type::string:
        return "a string";
    case toml::node_type::integer:
        return "an integer";
    case toml::node_type::floating_point:
        return "a floating-point number";
    case toml::node_type::boolean:
        return "a boolean";
    case toml::node_type::table:
        return "a table";
    case toml::node_type::array:
        return "an array";
    case toml::node_type::date:
    case toml::node_type::time:
    case toml::node_type::date_time:
        return "a date or time";
    case toml::node_type::none:
        break;
    }
    return "nothing";
}

std::optional<toml::table> toml_reader::parse(std::string_view text) {
    try {
        return toml::parse(text, file_);
    } catch (const toml::parse_error& e) {
        error(position(e.source()), "TOML syntax: " + std::string(e.description()));
        return std::nullopt;
    }
}

source_position toml_reader::position(const toml::source_region& region) const {
    return {file_, static_cast<std::uint32_t>(region.begin.line),
            static_cast<std::uint32_t>(region.begin.column)};
}

source_position toml_reader::position(const toml::node& node) const {
    return position(node.source());
}

void toml_reader::reject_unknown_keys(const toml::table& table, std::string_view table_name,
                                      std::initializer_list<std::string_view> allowed) {
    for (const auto& [key, value] : table) {
        bool known = false;
        for (std::string_view a : allowed)
            known = known || key.str() == a;
        if (known)
            continue;
        std::string list;
        for (std::string_view a : allowed)
            list += (list.empty() ? "" : ", ") + std::string(a);
        std::string where = table_name.empty()
                                ? std::string(key.str())
                                : std::string(table_name) + "." + std::string(key.str());
        error(position(key.source()), "unknown key '" + where + "'; allowed here: " + list);
    }
}

const toml::node* toml_reader::fetch(const toml::table& table, std::string_view key,
                                     std::string_view where, bool required) {
    const toml::node* node = table.get(key);
    if (node == nullptr && required)
        error(position(table), "missing key '" + std::string(where) + "'");
    return node;
}

std::optional<std::string> toml_reader::string(const toml::table& table, std::string_view key,
                                               std::string_view where, bool required) {
    const toml::node* node = fetch(table, key, where, required);
    if (node == nullptr)
        return std::nullopt;
    if (const auto* s = node->as_string())
        return s->get();
    error(position(*node), "'" + std::string(where) + "' must be a string, not " +
                               std::string(describe_type(*node)));
    return std::nullopt;
}

std::optional<std::int64_t> toml_reader::integer(const toml::table& table, std::string_view key,
                                                 std::string_view where, std::int64_t min,
                                                 std::int64_t max, bool required) {
    const toml::node* node = fetch(table, key, where, required);
    if (node == nullptr)
        return std::nullopt;
    const auto* i = node->as_integer();
    if (i == nullptr) {
        error(position(*node), "'" + std::string(where) + "' must be an integer, not " +
                                   std::string(describe_type(*node)));
        return std::nullopt;
    }
    if (i->get() < min || i->get() > max) {
        error(position(*node), "'" + std::string(where) + "' is " + std::to_string(i->get()) +
                                   "; it must be between " + std::to_string(min) + " and " +
                                   std::to_string(max));
        return std::nullopt;
    }
    return i->get();
}

std::optional<bool> toml_reader::boolean(const toml::table& table, std::string_view key,
                                         std::string_view where) {
    const toml::node* node = table.get(key);
    if (node == nullptr)
        return std::nullopt;
    if (const auto* b = node->as_boolean())
        return b->get();
    error(position(*node), "'" + std::string(where) + "' must be true or false, not " +
                               std::string(describe_type(*node)));
    return std::nullopt;
}

const toml::table* toml_reader::table(const toml::table& parent, std::string_view key,
                                      std::string_view where, bool required) {
    const toml::node* node = fetch(parent, key, where, required);
    if (node == nullptr)
        return nullptr;
    if (const auto* t = node->as_table())
        return t;
    error(position(*node), "'" + std::string(where) + "' must be a table ([" + std::string(where) +
                               "]), not " + std::string(describe_type(*node)));
    return nullptr;
}

std::optional<std::string> read_bounded_file(const std::filesystem::path& path,
                                             std::uintmax_t max_bytes, diagnostics& out) {
    const source_position where{path.string(), 0, 0};
    if (const auto problem = file_problem(path)) {
        out.error(where, problem->text());
        return std::nullopt;
    }
    // Turned away by its size before a byte is read: a huge file costs no memory.
    std::error_code ec;
    const std::uintmax_t size = std::filesystem::file_size(path, ec);
    if (!ec && size > max_bytes) {
        out.error(where, "is " + std::to_string(size) + " bytes, over the limit of " +
                             std::to_string(max_bytes) + " bytes; refusing to load it");
        return std::nullopt;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        out.error(where, "cannot open for reading: " + std::string(std::strerror(errno)));
        return std::nullopt;
    }
    // Read in chunks and stop one chunk past the limit: the file may grow while we read.
    std::string text;
    text.reserve(ec ? 0 : static_cast<std::size_t>(size));
    char chunk[64 * 1024];
    while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
        text.append(chunk, static_cast<std::size_t>(in.gcount()));
        if (text.size() > max_bytes) {
            out.error(where, "grew over the limit of " + std::to_string(max_bytes) +
                                 " bytes while being read; refusing to load it");
            return std::nullopt;
        }
    }
    if (in.bad()) {
        out.error(where, "read error");
        return std::nullopt;
    }
    return text;
}

} // namespace spfd
