# SPDX-License-Identifier: MIT
# Install step of deploy/packaging.cmake (cpack and cmake --install), run before the rules
# that install its two outputs from spf_from_git_dir:
#   spf.connectoor.com.toml   the zone file as committed at HEAD
#   changelog.Debian.gz       the history, one entry per tag
# The rule sets spf_release_info, spf_source_dir, spf_from_git_dir, spf_fallback_version,
# spf_revision and spf_maintainer. A warning of release-info.sh (an uncommitted zone edit
# that is not packaged) goes straight to the terminal.
file(MAKE_DIRECTORY "${spf_from_git_dir}")
execute_process(
  COMMAND /bin/sh "${spf_release_info}" zone "${spf_source_dir}" zones/spf.connectoor.com.toml
          "${spf_from_git_dir}/spf.connectoor.com.toml"
  COMMAND_ERROR_IS_FATAL ANY)
execute_process(
  COMMAND /bin/sh "${spf_release_info}" version "${spf_source_dir}" "${spf_fallback_version}"
  OUTPUT_VARIABLE spf_version OUTPUT_STRIP_TRAILING_WHITESPACE COMMAND_ERROR_IS_FATAL ANY)
execute_process(
  COMMAND /bin/sh "${spf_release_info}" changelog "${spf_source_dir}" "${spf_version}"
          "${spf_revision}" "${spf_maintainer}" "${spf_from_git_dir}/changelog.Debian.gz"
  COMMAND_ERROR_IS_FATAL ANY)
