// SPDX-License-Identifier: MIT
#include "util/log.h"

#include <atomic>
#include <cstdio>
#include <string>

namespace spfd {
namespace {

std::atomic<log_level> threshold{log_level::info};

const char* level_name(log_level level) {
    switch (level) {
    case log_level::error:
        return "error";
    case log_level::warning:
        return "warning";
    case log_level::info:
        return "info";
    case log_level::debug:
        return "debug";
    }
    return "info";
}

} // namespace

void set_log_level(log_level level) {
    threshold.store(level, std::memory_order_relaxed);
}

bool log_enabled(log_level level) {
    return static_cast<int>(level) <= static_cast<int>(threshold.load(std::memory_order_relaxed));
}

void log_event(log_level level, std::string_view event, std::string_view fields) {
    if (!log_enabled(level))
        return;
    std::string line = "level=";
    line += level_name(level);
    line += " event=";
    line += event;
    if (!fields.empty()) {
        line += ' ';
        line += fields;
    }
    line += '\n';
    // One write per line so that lines from several threads never interleave.
    std::fwrite(line.data(), 1, line.size(), stderr);
}

std::string log_quoted(std::string_view text) {
    bool plain = !text.empty();
    for (char c : text)
        if (c == ' ' || c == '"' || c == '\\' || c == '=' || static_cast<unsigned char>(c) < 0x20)
            plain = false;
    if (plain)
        return std::string(text);
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c == '\n' ? ' ' : c;
    }
    out += '"';
    return out;
}

} // namespace spfd
