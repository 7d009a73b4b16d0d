// SPDX-License-Identifier: MIT
#include "zone/zone_files.h"

#include "util/file_access.h"
#include "zone/zone_loader.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <sys/stat.h>
#include <system_error>
#include <thread>
#include <utility>

namespace spfd {
namespace {

std::vector<std::filesystem::path> list_zone_files(const std::filesystem::path& dir,
                                                   diagnostics& out) {
    std::vector<std::filesystem::path> files;
    if (const auto problem = folder_problem(dir)) {
        out.error({dir.string(), 0, 0}, "the zones folder " + problem->text());
        return files;
    }
    std::error_code ec;
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        if (is_zone_file_name(it->path().filename().string()))
            files.push_back(it->path());
    }
    if (ec)
        out.error({dir.string(), 0, 0}, "cannot list the zones folder: " + ec.message());
    std::sort(files.begin(), files.end());
    if (files.empty() && !ec)
        out.error({dir.string(), 0, 0}, "no zone files (*.toml) in the zones folder");
    return files;
}

// A file written in place while it is read can parse as a valid, shorter list: a reload
// would then publish a zone without some senders. So the zones folder is read only once it
// has held still: nothing in it changed during the last `settle_time`, nor while it was read.
constexpr std::chrono::milliseconds settle_time = zone_files_settle_time;
// A folder that keeps changing for this long is refused for this reload.
constexpr std::chrono::seconds settle_limit{2};

struct file_state {
    std::string name;
    dev_t device = 0;
    ino_t inode = 0;
    off_t size = 0;
    std::int64_t changed_ns = 0; // ctime: content, truncation, rename, chmod
    bool operator==(const file_state&) const = default;
};

std::optional<file_state> state_of(const std::filesystem::path& path, std::string name) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0)
        return std::nullopt;
    return file_state{std::move(name), info.st_dev, info.st_ino, info.st_size,
                      std::int64_t{info.st_ctim.tv_sec} * 1'000'000'000 + info.st_ctim.tv_nsec};
}

std::vector<file_state> files_state(const std::vector<std::string>& paths) {
    std::vector<file_state> out;
    for (const std::string& path : paths)
        if (auto state = state_of(path, path))
            out.push_back(std::move(*state));
    return out;
}

// Every file of the folder that a load may read (editor droppings and backups aside), and
// the files elsewhere that `elsewhere` names, sorted; each named by its path.
std::vector<file_state> folder_state(const std::filesystem::path& dir,
                                     const std::vector<std::string>& elsewhere = {}) {
    std::vector<file_state> out = files_state(elsewhere);
    std::error_code ec;
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        std::string name = it->path().filename().string();
        if (name.starts_with('.') || name.starts_with('#') || name.ends_with('~'))
            continue;
        if (auto state = state_of(it->path(), it->path().string()))
            out.push_back(std::move(*state));
    }
    std::sort(out.begin(), out.end(),
              [](const file_state& a, const file_state& b) { return a.name < b.name; });
    return out;
}

// The most recently changed file, and how long ago that was; no age when the change lies
// in the future (a clock stepped back), which says nothing.
std::pair<std::string, std::optional<std::chrono::nanoseconds>>
newest_change(const std::vector<file_state>& files) {
    const file_state* newest = nullptr;
    for (const file_state& f : files)
        if (newest == nullptr || f.changed_ns > newest->changed_ns)
            newest = &f;
    if (newest == nullptr)
        return {"", std::nullopt};
    const auto age = std::chrono::system_clock::now().time_since_epoch() -
                     std::chrono::nanoseconds(newest->changed_ns);
    if (age < std::chrono::nanoseconds::zero())
        return {newest->name, std::nullopt};
    return {newest->name, std::chrono::duration_cast<std::chrono::nanoseconds>(age)};
}

// The name of a file that differs between two states, for the message.
std::string first_change(const std::vector<file_state>& a, const std::vector<file_state>& b) {
    for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i)
        if (!(a[i] == b[i]))
            return a[i].name;
    return a.size() > b.size() ? a[b.size()].name : b.size() > a.size() ? b[a.size()].name : "";
}

// The sender lists that `specs` read from outside `dir` (or from a folder below it), which
// folder_state(dir) does not see.
std::vector<std::string> read_elsewhere(const std::filesystem::path& dir,
                                        const std::vector<zone_spec>& specs) {
    // The parent of a file in it, normalised the same way, so that "zones/" and "zones" match.
    const auto folder = (dir / "x").lexically_normal().parent_path();
    std::vector<std::string> out;
    for (const zone_spec& spec : specs)
        for (std::size_t i = 1; i < spec.sources.size(); ++i)
            if (std::filesystem::path(spec.sources[i]).lexically_normal().parent_path() != folder)
                out.push_back(spec.sources[i]);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

// True if none of `files` changed since `since` minus settle_time (a changed file's ctime
// may lag the write by a clock tick): then none changed while it was read after `since`.
bool unchanged_since(const std::vector<file_state>& files,
                     std::chrono::system_clock::time_point since) {
    const auto limit = std::chrono::duration_cast<std::chrono::nanoseconds>(
                           (since - settle_time).time_since_epoch())
                           .count();
    return std::all_of(files.begin(), files.end(),
                       [&](const file_state& f) { return f.changed_ns < limit; });
}

} // namespace

bool is_zone_file_name(const std::string& name) {
    return !name.starts_with('.') && std::filesystem::path(name).extension() == ".toml";
}

std::vector<zone_spec> load_zone_files(const std::filesystem::path& dir, diagnostics& out) {
    const auto deadline = std::chrono::steady_clock::now() + settle_limit;
    std::string changing;
    // Lists outside the folder are known once a pass has read the zone files. A list that
    // held still since before that pass began needs no second one; one that did not is
    // watched like the folder from the next pass on.
    std::vector<std::string> elsewhere;
    while (true) {
        const auto began = std::chrono::system_clock::now();
        const auto before = folder_state(dir, elsewhere);
        const auto [newest, quiet] = newest_change(before);
        if (quiet && *quiet < settle_time) {
            changing = newest;
            if (std::chrono::steady_clock::now() >= deadline)
                break;
            std::this_thread::sleep_for(settle_time - *quiet);
            continue;
        }
        diagnostics found;
        std::vector<zone_spec> specs;
        for (const auto& file : list_zone_files(dir, found))
            if (auto spec = load_zone_file(file, found))
                specs.push_back(std::move(*spec));
        const auto read = read_elsewhere(dir, specs);
        const auto after = folder_state(dir, elsewhere);
        if (after == before) {
            if (read == elsewhere) {
                out.append(found);
                return specs;
            }
            const auto lists = files_state(read);
            if (unchanged_since(lists, began)) {
                out.append(found);
                return specs;
            }
            elsewhere = read;
            changing = newest_change(lists).first;
        } else {
            changing = first_change(before, after);
        }
        if (std::chrono::steady_clock::now() >= deadline)
            break;
    }
    out.error({changing, 0, 0},
              "kept changing while it was being read, for " + std::to_string(settle_limit.count()) +
                  " s (written in place?); reload again once the write is finished");
    return {};
}

} // namespace spfd
