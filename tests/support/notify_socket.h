// SPDX-License-Identifier: MIT
#pragma once

// systemd's notification socket, played by a test: a unix datagram socket in a temporary
// folder, named by NOTIFY_SOCKET while the object lives, whose messages and passed
// descriptors (SCM_RIGHTS) the test reads.

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <poll.h>
#include <stdexcept>
#include <string>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <vector>

namespace spfd::test {

/// One message as the service manager would get it.
struct notify_message {
    std::string text;
    std::vector<int> fds; ///< owned by the test: close them
};

class notify_socket {
  public:
    notify_socket() {
        char pattern[] = "/tmp/spf-notify-XXXXXX";
        if (!::mkdtemp(pattern))
            throw std::runtime_error("mkdtemp failed");
        dir_ = pattern;
        path_ = dir_ + "/notify.sock";
        fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::memcpy(address.sun_path, path_.c_str(), path_.size() + 1);
        if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
            throw std::runtime_error("cannot bind " + path_);
        if (const char* old = std::getenv("NOTIFY_SOCKET"))
            previous_ = old;
        ::setenv("NOTIFY_SOCKET", path_.c_str(), 1);
    }

    ~notify_socket() {
        if (previous_)
            ::setenv("NOTIFY_SOCKET", previous_->c_str(), 1);
        else
            ::unsetenv("NOTIFY_SOCKET");
        ::close(fd_);
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
    }

    notify_socket(const notify_socket&) = delete;
    notify_socket& operator=(const notify_socket&) = delete;

    /// The next message, or nothing within `timeout`.
    std::optional<notify_message> receive(std::chrono::milliseconds timeout) {
        pollfd wait{fd_, POLLIN, 0};
        if (::poll(&wait, 1, static_cast<int>(timeout.count())) != 1)
            return std::nullopt;
        char text[4096];
        alignas(cmsghdr) char control[CMSG_SPACE(16 * sizeof(int))];
        iovec part{text, sizeof text};
        msghdr header{};
        header.msg_iov = &part;
        header.msg_iovlen = 1;
        header.msg_control = control;
        header.msg_controllen = sizeof control;
        const ssize_t got = ::recvmsg(fd_, &header, MSG_CMSG_CLOEXEC);
        if (got < 0)
            return std::nullopt;
        notify_message out{std::string(text, static_cast<std::size_t>(got)), {}};
        for (cmsghdr* c = CMSG_FIRSTHDR(&header); c; c = CMSG_NXTHDR(&header, c)) {
            if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
                continue;
            const std::size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            for (std::size_t i = 0; i < count; ++i) {
                int fd = -1;
                std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
                out.fds.push_back(fd);
            }
        }
        return out;
    }

  private:
    std::string dir_;
    std::string path_;
    int fd_ = -1;
    std::optional<std::string> previous_;
};

} // namespace spfd::test
