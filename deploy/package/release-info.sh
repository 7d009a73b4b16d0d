#!/bin/sh
# SPDX-License-Identifier: MIT
# What the Debian package takes from git: its version, the zone file it ships, its changelog.
# deploy/packaging.cmake runs it when the package is built (cpack) or installed (cmake
# --install), never at configure time, so a commit after `cmake` still counts.
#
#   release-info.sh version   SOURCE_DIR FALLBACK_VERSION
#   release-info.sh zone      SOURCE_DIR RELATIVE_PATH OUTPUT_FILE
#   release-info.sh changelog SOURCE_DIR VERSION REVISION MAINTAINER OUTPUT_FILE.gz
#
# version: the upstream version (without the Debian revision), from the newest tag v<x.y.z>
# reachable from HEAD. dpkg --compare-versions orders successive builds:
#   HEAD tagged v0.2.0                  0.2.0
#   3 commits after v0.2.0              0.2.0+3.g<hash>           (above 0.2.0, below 0.2.1)
#   tag v0.3.0-rc1                      0.3.0~rc1                 (below 0.3.0)
#   no tag (FALLBACK = project VERSION) 0.1.0~git<date>.<count>.g<hash> (below 0.1.0)
#   uncommitted changes to tracked files: + ~dirty.<UTC minute>    (below the clean build)
#   not a git checkout (a tarball)      FALLBACK
# SPF_PACKAGE_VERSION in the environment replaces all of that (checked, not computed).
#
# zone: the file as committed at HEAD (`git show HEAD:path`), never the working tree's
# edits: production keeps its zone files under configuration management, the package only
# ships the initial one. An uncommitted edit is reported on stderr. In a tree without git
# (a release tarball, e.g. from `git archive`) the file is taken as found, with a note.
#
# changelog: Debian changelog format, gzip -9n: one entry per tag v* reachable from HEAD,
# listing the commits since the previous tag, newest first, plus one for the commits after
# the newest tag when HEAD is not tagged.
set -eu

die() {
    echo "release-info: $*" >&2
    exit 1
}

# git on SOURCE_DIR only. safe.directory: builds run as root on checkouts that belong to
# someone else (deploy/as-root.sh), where git would otherwise refuse to read the repository.
src_git() {
    git -c safe.directory="$src" -C "$src" "$@"
}

# Is SOURCE_DIR the top of a git checkout? A tarball unpacked inside some other repository
# (configuration management, say) must not take that repository's history.
is_checkout() {
    [ -e "$src/.git" ] || return 1
    command -v git >/dev/null || die "$src is a git checkout but git is not installed (apt install git)"
    top=$(src_git rev-parse --show-toplevel 2>&1) ||
        die "git cannot read $src: $(echo "$top" | head -n 1)"
    [ "$(cd "$top" && pwd -P)" = "$(cd "$src" && pwd -P)" ] ||
        die "$src/.git does not belong to $src (git says the checkout is $top)"
}

is_dirty() {
    src_git update-index -q --refresh >/dev/null 2>&1 || true
    ! src_git diff-index --quiet HEAD --
}

check_version() {
    printf '%s\n' "$1" | grep -Eq '^[0-9][A-Za-z0-9.+~]*$' ||
        die "'$1' is not a Debian upstream version (a digit first, then letters, digits, . + ~)"
}

newest_tag() {
    src_git describe --tags --abbrev=0 --match 'v[0-9]*' "$1" 2>/dev/null
}

# v0.3.0-rc1 -> 0.3.0~rc1: "~" sorts before the release in dpkg, "-" is the revision's.
tag_version() {
    printf '%s\n' "${1#v}" | tr '-' '~'
}

cmd_version() {
    fallback=$1
    if [ -n "${SPF_PACKAGE_VERSION:-}" ]; then
        check_version "$SPF_PACKAGE_VERSION"
        echo "$SPF_PACKAGE_VERSION"
        return
    fi
    check_version "$fallback"
    if ! is_checkout; then
        echo "$fallback"
        return
    fi
    hash=$(src_git rev-parse --short=10 HEAD)
    if tag=$(newest_tag HEAD); then
        version=$(tag_version "$tag")
        count=$(src_git rev-list --count "$tag..HEAD")
        [ "$count" -eq 0 ] || version="$version+$count.g$hash"
    else
        date=$(TZ=UTC src_git log -1 --format=%cd --date=format-local:%Y%m%d HEAD)
        count=$(src_git rev-list --count HEAD)
        version="$fallback~git$date.$count.g$hash"
    fi
    ! is_dirty || version="$version~dirty.$(date -u +%Y%m%d%H%M)"
    check_version "$version"
    echo "$version"
}

cmd_zone() {
    path=$1 out=$2
    if ! is_checkout; then
        [ -f "$src/$path" ] || die "$src/$path does not exist"
        echo "release-info: note: $src is not a git checkout; packaging $path as found in it" >&2
        cp "$src/$path" "$out.tmp"
        mv "$out.tmp" "$out"
        return
    fi
    src_git cat-file -e "HEAD:$path" 2>/dev/null ||
        die "$path is not committed at HEAD; the package ships committed zone files only: commit it first"
    src_git show "HEAD:$path" >"$out.tmp"
    mv "$out.tmp" "$out"
    if ! src_git diff --quiet HEAD -- "$path"; then
        echo "release-info: WARNING: $path has uncommitted changes; the package holds the version committed at $(src_git rev-parse --short=10 HEAD), not your edit" >&2
    fi
}

# Debian changelog lines: "  * " bullets wrapped at 80 columns.
bullets() {
    awk '{
        line = "  *"; n = split($0, words, " ")
        for (i = 1; i <= n; i++) {
            if (length(line) + 1 + length(words[i]) > 80 && line != "  *" && line != "   ") {
                print line; line = "   "
            }
            line = line " " words[i]
        }
        print line
    }'
}

# entry VERSION RANGE: one changelog entry for the commits in RANGE (git log syntax), with
# $first_bullet, if set, above them.
entry() {
    date=$(TZ=UTC LC_ALL=C src_git log -1 --format=%cd \
        --date='format-local:%a, %d %b %Y %H:%M:%S +0000' "$2")
    printf 'spf-backend (%s) unstable; urgency=medium\n\n' "$1"
    {
        [ -z "$first_bullet" ] || echo "$first_bullet"
        src_git log --no-merges --format=%s "$2"
    } | bullets
    printf '\n -- %s  %s\n\n' "$maintainer" "$date"
    first_bullet=
}

# Newest first: the commits after the newest tag (under this build's version), then each tag
# with the commits since the tag before it.
history_entries() {
    rev=HEAD name=$1
    while tag=$(newest_tag "$rev"); do
        tag_commit=$(src_git rev-parse "$tag^{commit}")
        if [ "$tag_commit" != "$(src_git rev-parse "$rev^{commit}")" ]; then
            entry "$name" "$tag_commit..$rev"
        else
            [ "$rev" != HEAD ] || tag_name=$name
            if prev=$(newest_tag "$tag_commit^"); then
                entry "${tag_name:-$(tag_version "$tag")-$revision}" "$prev..$tag_commit"
            else
                entry "${tag_name:-$(tag_version "$tag")-$revision}" "$tag_commit"
                return
            fi
            tag_commit=$prev
        fi
        rev=$tag_commit tag_name=
    done
    entry "$name" "$rev"
}

cmd_changelog() {
    version=$1 revision=$2 maintainer=$3 out=$4
    first_bullet='' tag_name=''
    if ! is_checkout; then
        {
            printf 'spf-backend (%s-%s) unstable; urgency=medium\n\n' "$version" "$revision"
            echo "  * Built from a source tree without git history."
            printf '\n -- %s  %s\n\n' "$maintainer" "$(LC_ALL=C date -u '+%a, %d %b %Y %H:%M:%S +0000')"
        } | gzip -9n >"$out.tmp"
        mv "$out.tmp" "$out"
        return
    fi
    ! is_dirty || first_bullet="Built from a working tree with uncommitted changes."
    history_entries "$version-$revision" | gzip -9n >"$out.tmp"
    mv "$out.tmp" "$out"
}

command=${1:-}
[ $# -ge 2 ] || die "usage: release-info.sh version|zone|changelog SOURCE_DIR ..."
src=$2
shift 2
case $command in
version)
    [ $# -eq 1 ] || die "usage: release-info.sh version SOURCE_DIR FALLBACK_VERSION"
    cmd_version "$@"
    ;;
zone)
    [ $# -eq 2 ] || die "usage: release-info.sh zone SOURCE_DIR RELATIVE_PATH OUTPUT_FILE"
    cmd_zone "$@"
    ;;
changelog)
    [ $# -eq 4 ] || die "usage: release-info.sh changelog SOURCE_DIR VERSION REVISION MAINTAINER OUTPUT"
    cmd_changelog "$@"
    ;;
*) die "unknown command '$command' (version, zone or changelog)" ;;
esac
