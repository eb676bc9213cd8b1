#!/bin/sh
# aws-hpc-install-packages [--components "main non-free"] PACKAGE...: installs Debian packages in
# one layer and leaves no apt lists behind. Package names arrive as arguments ("$@"), never as
# text a shell parses.
set -eu
components=main
if [ "${1:-}" = "--components" ]; then
  components="$2"
  shift 2
fi
if [ "$components" != "main" ] && [ -f /etc/apt/sources.list.d/debian.sources ]; then
  sed -i "s/^Components: .*/Components: $components/" /etc/apt/sources.list.d/debian.sources
fi
[ "$#" -gt 0 ] || exit 0
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "$@"
rm -rf /var/lib/apt/lists/*
