// SPDX-License-Identifier: MIT
#pragma once

// Runs a test's checks as a user without privileges, so that permission bits apply: as
// root (CI) the effective user becomes nobody (65534) with no supplementary groups, until
// the scope ends; as any other user nothing changes, since its permissions apply already.
// Tests then use modes that refuse both (e.g. 0070 on a folder the test owns).

#include <doctest/doctest.h>
#include <grp.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <vector>

namespace spfd::test {

class unprivileged {
  public:
    unprivileged() {
        if (::geteuid() != 0)
            return;
        groups_.resize(static_cast<std::size_t>(::getgroups(0, nullptr)));
        groups_.resize(static_cast<std::size_t>(
            ::getgroups(static_cast<int>(groups_.size()), groups_.data())));
        gid_ = ::getegid();
        REQUIRE(::setgroups(0, nullptr) == 0);
        REQUIRE(::setegid(65534) == 0);
        REQUIRE(::seteuid(65534) == 0);
        dropped_ = true;
    }
    ~unprivileged() {
        if (!dropped_)
            return;
        // The user first: only root may set the groups back. Changing the user made the
        // process undumpable, which would stop LeakSanitizer's check at exit.
        const bool back = ::seteuid(0) == 0 && ::setegid(gid_) == 0 &&
                          ::setgroups(groups_.size(), groups_.data()) == 0 &&
                          ::prctl(PR_SET_DUMPABLE, 1) == 0;
        CHECK(back);
    }
    unprivileged(const unprivileged&) = delete;
    unprivileged& operator=(const unprivileged&) = delete;

  private:
    bool dropped_ = false;
    gid_t gid_ = 0;
    std::vector<gid_t> groups_;
};

} // namespace spfd::test
