// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace spfd {

/// Where in an operator's file something was found; line and column are 1-based, 0 = unknown.
struct source_position {
    std::string file;
    std::uint32_t line = 0;
    std::uint32_t column = 0;
};

enum class severity { error, warning };

/// One finding about operator input, printed as `file:line:col: error: message`.
struct diagnostic {
    severity level = severity::error;
    source_position where;
    std::string message;
};

std::string to_string(const diagnostic& d);

/// Collects findings while a file is loaded; loading goes on after an error so that the
/// operator sees every problem in one run, not one per edit.
class diagnostics {
  public:
    void error(source_position where, std::string message);
    void warning(source_position where, std::string message);
    void append(const diagnostics& other);

    bool has_errors() const;
    std::size_t error_count() const;
    const std::vector<diagnostic>& items() const { return items_; }

  private:
    std::vector<diagnostic> items_;
};

} // namespace spfd
