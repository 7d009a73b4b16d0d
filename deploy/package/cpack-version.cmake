# SPDX-License-Identifier: MIT
# CPACK_PROJECT_CONFIG_FILE of deploy/packaging.cmake: read by cpack before it installs and
# packs, so the version follows the checkout as it is now, not as it was at configure time.
# CPACK_PACKAGE_VERSION arrives as the project() VERSION, the fallback for trees without git
# or without tags (deploy/package/release-info.sh has the rules).
#
# The version goes to the environment as well: the install step (from-git.cmake) runs in
# this process and writes it into changelog.Debian.gz, and must not compute it a second
# time (a dirty tree's version carries the minute).
if("$ENV{SPF_PACKAGE_VERSION}" STREQUAL "")
  execute_process(
    COMMAND /bin/sh "${CPACK_SPF_RELEASE_INFO}" version "${CPACK_SPF_SOURCE_DIR}"
            "${CPACK_PACKAGE_VERSION}"
    OUTPUT_VARIABLE spf_version OUTPUT_STRIP_TRAILING_WHITESPACE COMMAND_ERROR_IS_FATAL ANY)
  set(ENV{SPF_PACKAGE_VERSION} "${spf_version}")
endif()
set(CPACK_PACKAGE_VERSION "$ENV{SPF_PACKAGE_VERSION}")
message(STATUS "spf-backend package version: ${CPACK_PACKAGE_VERSION}-${CPACK_DEBIAN_PACKAGE_RELEASE}")
