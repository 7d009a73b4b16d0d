// SPDX-License-Identifier: MIT
#pragma once

// What every spfctl command shares: the exit statuses, the command line, and reading the
// settings and what they name with one line and a documented status when that fails.

#include "config/server_config.h"

#include <boost/program_options.hpp>
#include <optional>
#include <string>
#include <vector>

namespace spfd::spfctl {

namespace po = boost::program_options;

// Exit statuses, one table for every command (docs/operations.md, "Exit statuses"); the
// probe keeps Nagios's meanings, which happen to agree.
constexpr int exit_ok = 0;
constexpr int exit_refused = 1; // the data is invalid / differs / a check failed
constexpr int exit_usage = 2;   // the command line; customer commands: also a DNS error
// The backend does not answer, or this user may not read what the service reads (settings,
// zones, state): nothing was judged.
constexpr int exit_unreachable = 3;

/// The global options, parsed: the settings file, the command and what follows it.
struct command_line {
    std::string config_path;
    std::string command;
    std::vector<std::string> rest;
};

/// Why the settings file cannot be read, as one line; nothing if it can.
std::optional<std::string> settings_problem(const std::string& path);

/// The settings, or nothing after saying why, with `status` 3 if the file cannot be read and
/// 1 if it is invalid.
std::optional<server_config> load_config(const std::string& path, int& status);

/// The settings, once this user may read the zone files (and the serials) they name too.
std::optional<server_config> load_inputs(const std::string& path, bool with_serials, int& status);

/// Parses a command's options; false when the command is done (help shown: `status` 0, a
/// usage error: 2).
bool parse_sub(const std::string& name, po::options_description& options,
               const std::vector<std::string>& args, po::variables_map& out, int& status);

/// The admin endpoint the settings name, or nothing after saying that there is none.
const admin_listener_config* admin_of(const server_config& cfg);

int cmd_check(const command_line& cl);
int cmd_diff(const command_line& cl);
int cmd_reload(const command_line& cl);
int cmd_probe(const command_line& cl);
int cmd_customer(const command_line& cl);

} // namespace spfd::spfctl
