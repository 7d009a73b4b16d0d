// SPDX-License-Identifier: MIT
#include "util/file_access.h"

#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace spfd {
namespace {

std::string user_name(uid_t uid) {
    std::vector<char> buffer(16384);
    passwd entry{};
    passwd* found = nullptr;
    if (::getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr)
        return found->pw_name;
    return "uid " + std::to_string(uid);
}

std::string group_name(gid_t gid) {
    std::vector<char> buffer(16384);
    group entry{};
    group* found = nullptr;
    if (::getgrgid_r(gid, &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr)
        return found->gr_name;
    return "gid " + std::to_string(gid);
}

std::string octal(mode_t mode) {
    std::string out(4, '0');
    for (int i = 3; i >= 0; --i, mode >>= 3)
        out[static_cast<std::size_t>(i)] = static_cast<char>('0' + (mode & 7));
    return out;
}

// "root:pdns, mode 0750"
std::string ownership(const struct stat& info) {
    return user_name(info.st_uid) + ":" + group_name(info.st_gid) + ", mode " +
           octal(info.st_mode & 07777);
}

// Who may do what `bits` (4 read, 1 enter, 5 list) needs, from the permission bits.
std::string who_may(const struct stat& info, unsigned bits) {
    if (((info.st_mode >> 3) & bits) == bits)
        return "run as root or as a member of group " + group_name(info.st_gid);
    if (((info.st_mode >> 6) & bits) == bits && info.st_uid != 0)
        return "run as root or as user " + user_name(info.st_uid);
    return "run as root";
}

std::string kind_of(mode_t mode) {
    if (S_ISDIR(mode))
        return "a folder";
    if (S_ISSOCK(mode))
        return "a socket";
    if (S_ISFIFO(mode))
        return "a named pipe";
    if (S_ISCHR(mode) || S_ISBLK(mode))
        return "a device";
    return S_ISREG(mode) ? "a regular file" : "neither a file nor a folder";
}

path_problem failed(const std::filesystem::path& path, int error, bool folder,
                    const std::string& step) {
    path_problem p = error == EACCES || error == EPERM
                         ? permission_problem(path, folder)
                         : system_problem(std::error_code(error, std::generic_category()));
    p.what = step + ": " + p.what;
    return p;
}

} // namespace

std::string path_problem::text() const {
    return todo.empty() ? what : what + " (" + todo + ")";
}

std::string path_problem::line(const std::filesystem::path& path) const {
    return path.string() + ": " + text();
}

path_problem permission_problem(const std::filesystem::path& path, bool folder) {
    const std::string denied = "permission denied for user " + user_name(::geteuid());
    std::error_code ec;
    auto absolute = std::filesystem::absolute(path, ec);
    if (ec)
        absolute = path;
    // The first folder on the way that this user may not enter stops everything below it.
    std::filesystem::path walked;
    for (const auto& part : absolute.parent_path()) {
        walked /= part;
        struct stat info {};
        if (::faccessat(AT_FDCWD, walked.c_str(), X_OK, AT_EACCESS) != 0 && errno == EACCES &&
            ::stat(walked.c_str(), &info) == 0)
            return {denied + ": the folder " + walked.string() + " is " + ownership(info),
                    who_may(info, 1), false, true};
    }
    struct stat info {};
    path_problem p{denied, "run as root"};
    if (::stat(path.c_str(), &info) == 0)
        p = {denied + ": the " + (folder ? "folder" : "file") + " is " + ownership(info),
             who_may(info, folder ? 5 : 4)};
    p.denied = true;
    return p;
}

path_problem system_problem(const std::error_code& ec) {
    path_problem p;
    if (ec == std::errc::no_such_file_or_directory) {
        p.what = "no such file or folder";
        p.missing = true;
    } else if (ec == std::errc::not_a_directory) {
        p.what = "a part of the path is not a folder";
    } else {
        p.what = ec.message();
    }
    return p;
}

std::optional<path_problem> file_problem(const std::filesystem::path& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0)
        return failed(path, errno, false, "cannot read");
    if (!S_ISREG(info.st_mode))
        return path_problem{"is not a regular file: it is " + kind_of(info.st_mode), {}};
    // O_NONBLOCK: a named pipe swapped in after the stat must not hang the caller.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return failed(path, errno, false, "cannot open for reading");
    ::close(fd);
    return std::nullopt;
}

std::optional<path_problem> folder_problem(const std::filesystem::path& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0)
        return failed(path, errno, true, "cannot be read");
    if (!S_ISDIR(info.st_mode))
        return path_problem{"is not a folder: it is " + kind_of(info.st_mode), {}};
    DIR* listing = ::opendir(path.c_str());
    if (listing == nullptr)
        return failed(path, errno, true, "cannot be listed");
    ::closedir(listing);
    return std::nullopt;
}

namespace {

bool write_all(int fd, const std::string& data) {
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        done += static_cast<std::size_t>(n);
    }
    return true;
}

} // namespace

bool write_file_atomically(const std::filesystem::path& path, const std::string& text,
                           std::string& error) {
    const std::string target = path.string();
    const std::string temp = target + ".tmp";
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        error = std::strerror(errno);
        return false;
    }
    const bool ok = write_all(fd, text) && ::fsync(fd) == 0;
    const int saved = errno;
    ::close(fd);
    if (!ok || ::rename(temp.c_str(), target.c_str()) != 0) {
        error = std::strerror(ok ? errno : saved);
        ::unlink(temp.c_str());
        return false;
    }
    // Make the rename itself durable.
    const std::filesystem::path folder = path.has_parent_path() ? path.parent_path() : ".";
    if (const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
    return true;
}

} // namespace spfd
