// SPDX-License-Identifier: MIT
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace spfd {

/// Why a file or folder cannot be used, for one line `<path>: <what> (<todo>)`. Operators
/// run the tools as users other than the service's (a monitoring user, a member of the
/// service's group), so a refusal names the user, the item that stops them and who may.
struct path_problem {
    std::string what;     ///< "permission denied for user nagios: the folder /var/lib/x is …"
    std::string todo;     ///< "run as root or as a member of group pdns"; may be empty
    bool missing = false; ///< nothing at all at the path (ENOENT)
    bool denied = false;  ///< this user may not (EACCES, EPERM): the user's problem, not the file's

    /// `<what> (<todo>)`, or without the parentheses when there is nothing to do.
    std::string text() const;
    /// `<path>: <what> (<todo>)`
    std::string line(const std::filesystem::path& path) const;
};

/// Nothing if this process can open `path` for reading and it is a regular file (or a link
/// to one); otherwise why not. Never throws.
std::optional<path_problem> file_problem(const std::filesystem::path& path);

/// Nothing if this process can list the folder `path`; otherwise why not. Never throws.
std::optional<path_problem> folder_problem(const std::filesystem::path& path);

/// The words for an EACCES or EPERM met on `path`, needing to read it (`folder`: to list
/// it): the first folder on the way this user may not enter, or else `path` itself, with
/// its owner, group and mode, and the user or group that may.
path_problem permission_problem(const std::filesystem::path& path, bool folder);

/// The words for any other failure to use `path` (`errno`-style code): "no such file or
/// folder", "a part of the path is not a folder", or the system's own message.
path_problem system_problem(const std::error_code& ec);

/// Replaces `path` with `text` so that a crash leaves the old or the new file, never a
/// mix: a temporary file beside it, fsync, rename, fsync of the folder. On failure `error`
/// says why (the system's message) and the old file is untouched.
bool write_file_atomically(const std::filesystem::path& path, const std::string& text,
                           std::string& error);

} // namespace spfd
