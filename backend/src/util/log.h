// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <string_view>

namespace spfd {

enum class log_level { error, warning, info, debug };

/// One line per event on stderr (journald adds time and unit): `level=info event=… k=v …`.
/// Callers format the key=value fields; values with spaces are quoted by `log_quoted()`.
void set_log_level(log_level level);
bool log_enabled(log_level level);
void log_event(log_level level, std::string_view event, std::string_view fields = {});

/// `"text"` with `"` and `\` escaped, or the text itself if it needs no quotes.
std::string log_quoted(std::string_view text);

} // namespace spfd
