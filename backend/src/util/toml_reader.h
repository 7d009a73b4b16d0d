// SPDX-License-Identifier: MIT
#pragma once

#include "util/diagnostic.h"

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <toml++/toml.h>

namespace spfd {

/// Reads typed values out of a parsed TOML document and reports every problem with the
/// file, line and column that toml++ remembers for each node. Shared by the zone files and
/// the server settings, so both speak to operators the same way.
class toml_reader {
  public:
    toml_reader(std::string file, diagnostics& out) : file_(std::move(file)), out_(out) {}

    /// Parses text; on a syntax error reports it at its position and returns nothing.
    std::optional<toml::table> parse(std::string_view text);

    source_position position(const toml::node& node) const;
    source_position position(const toml::source_region& region) const;

    /// Reports every key of `table` that is not in `allowed` (typos must not pass silently).
    void reject_unknown_keys(const toml::table& table, std::string_view table_name,
                             std::initializer_list<std::string_view> allowed);

    /// A string value; `where` names it in messages (`soa.primary`). Missing: reported if
    /// required, else nullopt without a message.
    std::optional<std::string> string(const toml::table& table, std::string_view key,
                                      std::string_view where, bool required);
    std::optional<std::int64_t> integer(const toml::table& table, std::string_view key,
                                        std::string_view where, std::int64_t min, std::int64_t max,
                                        bool required);
    std::optional<bool> boolean(const toml::table& table, std::string_view key,
                                std::string_view where);
    const toml::table* table(const toml::table& parent, std::string_view key,
                             std::string_view where, bool required);

    void error(source_position where, std::string message) {
        out_.error(std::move(where), std::move(message));
    }
    void warning(source_position where, std::string message) {
        out_.warning(std::move(where), std::move(message));
    }
    source_position file_position() const { return {file_, 0, 0}; }
    const std::string& file() const { return file_; }

  private:
    const toml::node* fetch(const toml::table& table, std::string_view key, std::string_view where,
                            bool required);

    std::string file_;
    diagnostics& out_;
};

/// Reads a whole file into memory, refusing anything that is not a regular file or is larger
/// than `max_bytes`. On failure returns nothing and reports why (with the file name).
std::optional<std::string> read_bounded_file(const std::filesystem::path& path,
                                             std::uintmax_t max_bytes, diagnostics& out);

/// Name of a TOML node type for messages: "a string", "an integer", …
std::string_view describe_type(const toml::node& node);

} // namespace spfd
