# SPDX-License-Identifier: MIT
# Install rules for the production files and the Debian package (CPack DEB).
#
#   bash deploy/build-package.sh, i.e. (as root, with the dependencies installed)
#   bash deploy/build.sh && cpack --config build/CPackConfig.cmake -B build/package
#   -> build/package/spf-backend_<version>-1_<arch>.deb    (docs/production.md)
#
# The binaries' rule is in backend/CMakeLists.txt (bin/, relative, so /usr/bin in the
# package). The paths below that the unit file and the settings name literally, /etc and
# /lib/systemd, are absolute on purpose: they must be those whatever CMAKE_INSTALL_PREFIX
# this tree was configured with. Hence `cmake --install` writes to /etc and /lib/systemd
# too; stage with DESTDIR=... when that is not wanted.
#
# Package layout and the choices behind it:
#   /usr/bin/spf-backend, /usr/bin/spfctl
#   /etc/spf-backend/backend.toml, zones/spf.connectoor.com.toml   conffiles: edits survive
#       The zone file is the one committed at HEAD, never the working tree's edit: the
#       package ships the initial zone, production keeps its own under configuration
#       management (deploy/package/release-info.sh).
#   /lib/systemd/system/spf-backend.service, .socket, -admin.socket the vendor unit folder,
#   /lib/systemd/system/pdns.service.d/spf-backend.conf             as debhelper uses in
#       Debian 12; /etc/systemd/system stays the admin's, for overrides of both.
#   /usr/share/spf-backend/pdns.d/spf-backend.conf
#       pdns settings, NOT installed into /etc/powerdns/pdns.d: that would change what an
#       existing name server serves on `apt install`, and pdns exits at start-up when a
#       launched remote backend does not answer, so a half-set-up spf-backend could take
#       every zone on the host down at pdns's next restart. Enabling it is one symlink
#       (postinst prints it on first install; the file's header explains it). Not under
#       /usr/share/doc, which minimal images exclude (dpkg path-exclude) and which nothing
#       may need at run time (Debian policy 12.3).
#   /usr/share/doc/spf-backend/   README.md and docs/*.md (the README's links hold), the
#       DEP-5 copyright, changelog.Debian.gz (from git), delegation.txt, spf-backend.rules.yml,
#       grafana/ (the dashboard and its provisioning file)
#
# The version follows the tags (v0.2.0 -> 0.2.0, later commits -> 0.2.0+3.g<hash>, no tag ->
# project VERSION~git<date>...), computed when cpack runs, not at configure time;
# SPF_PACKAGE_VERSION=... in cpack's environment sets it instead. Release steps:
# docs/production.md.
#
# Depends, not Recommends, on pdns-server and pdns-backend-remote: the daemon is useless
# without a pdns on the same host (it is reached over a local socket and runs
# pdns_control), and the unit runs with Group=pdns, which exists only once pdns-server is
# installed; Depends also makes dpkg configure pdns-server first. adduser: postinst.

set(spf_deploy_dir ${CMAKE_CURRENT_LIST_DIR})

# ---- settings, units, pdns drop-in ------------------------------------------------------
install(FILES ${spf_deploy_dir}/etc/backend.toml DESTINATION /etc/spf-backend)
install(FILES ${spf_deploy_dir}/systemd/spf-backend.service
              ${spf_deploy_dir}/systemd/spf-backend.socket
              ${spf_deploy_dir}/systemd/spf-backend-admin.socket
        DESTINATION /lib/systemd/system)
install(FILES ${spf_deploy_dir}/systemd/pdns.service.d/spf-backend.conf
        DESTINATION /lib/systemd/system/pdns.service.d)
install(FILES ${spf_deploy_dir}/pdns/spf-backend.conf
        DESTINATION ${CMAKE_INSTALL_DATADIR}/spf-backend/pdns.d)

# ---- what comes from git: the committed zone file and the changelog -----------------------
# Made at install time (cpack or cmake --install) into the build tree, then installed from
# there, so a commit or an edit after configuring counts.
set(spf_release_info ${spf_deploy_dir}/package/release-info.sh)
set(spf_from_git_dir ${PROJECT_BINARY_DIR}/deploy/package)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_PACKAGE_CONTACT "Connectoor DNS team <hostmaster@connectoor.com>")
install(CODE "
  set(spf_release_info \"${spf_release_info}\")
  set(spf_source_dir \"${PROJECT_SOURCE_DIR}\")
  set(spf_from_git_dir \"${spf_from_git_dir}\")
  set(spf_fallback_version \"${PROJECT_VERSION}\")
  set(spf_revision \"${CPACK_DEBIAN_PACKAGE_RELEASE}\")
  set(spf_maintainer \"${CPACK_PACKAGE_CONTACT}\")
  include(\"${spf_deploy_dir}/package/from-git.cmake\")")
install(FILES ${spf_from_git_dir}/spf.connectoor.com.toml DESTINATION /etc/spf-backend/zones)
install(FILES ${spf_from_git_dir}/changelog.Debian.gz DESTINATION ${CMAKE_INSTALL_DOCDIR})

# ---- documentation ------------------------------------------------------------------------
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${spf_deploy_dir}/debian/copyright
              ${spf_deploy_dir}/dns/delegation.txt
              ${spf_deploy_dir}/prometheus/spf-backend.rules.yml
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${spf_deploy_dir}/grafana DESTINATION ${CMAKE_INSTALL_DOCDIR}) # dashboard
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs
        FILES_MATCHING PATTERN "*.md")

# dpkg keeps a conffile's local edits on upgrades and removes it only on purge. CPack 3.25
# does not mark /etc files by itself, so list them (keep in step with the rules above).
set(spf_conffiles /etc/spf-backend/backend.toml /etc/spf-backend/zones/spf.connectoor.com.toml)
list(JOIN spf_conffiles "\n" spf_conffiles_text)
file(WRITE ${PROJECT_BINARY_DIR}/deploy/debian/conffiles "${spf_conffiles_text}\n")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME spf-backend)
# Replaced when cpack runs (deploy/package/cpack-version.cmake): the version from the tags.
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PROJECT_CONFIG_FILE ${spf_deploy_dir}/package/cpack-version.cmake)
set(CPACK_SPF_RELEASE_INFO ${spf_release_info})
set(CPACK_SPF_SOURCE_DIR ${PROJECT_SOURCE_DIR})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "PowerDNS remote backend serving the SPF zone spf.connectoor.com")
set(CPACK_PACKAGE_DESCRIPTION
    "spf-backend serves the SPF record that Connectoor customers include with\n\
include:spf.connectoor.com, from TOML files in /etc/spf-backend, to a PowerDNS\n\
Authoritative Server over the remote backend's unix socket connector. It validates\n\
every edit before publishing it, reloads on SIGHUP, and exposes Prometheus metrics.\n\
spfctl checks, diffs and reloads the zone files and probes the published record.")
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_PACKAGE_NAME spf-backend)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The libraries' packages (libboost-json, libstdc++, ...) from dpkg-shlibdeps (dpkg-dev),
# merged with the fixed list.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser, pdns-server (>= 4.7), pdns-backend-remote (>= 4.7)")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_BINARY_DIR}/deploy/debian/conffiles ${spf_deploy_dir}/debian/postinst
    ${spf_deploy_dir}/debian/prerm ${spf_deploy_dir}/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)

include(CPack)
