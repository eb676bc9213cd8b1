#!/usr/bin/env bash
# Build time of aws-hpc with unity builds (the default) beside the same build file by file, on the
# same machine one after the other: wall time and CPU time (user + sys of every compiler and
# linker) of a clean build of TARGETS, in the configuration `make test` uses for its plain build.
# Usage: bench/build_time_bench.sh [TARGETS...]   (default: the aws-hpc CLI and its libraries)
# No ccache: each side starts from an empty build directory. Takes minutes; see docs/performance.md.
set -euo pipefail
SOURCE_DIR=$(cd "$(dirname "$0")/.." && pwd)
WORK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/aws-hpc-build-time.XXXXXX")
trap 'rm -rf "$WORK_DIR"' EXIT
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(aws-hpc)
JOBS=$(nproc)

measure() {  # measure NAME UNITY -> prints "NAME wall_s cpu_s"
  local name=$1 unity=$2 dir="$WORK_DIR/$1"
  cmake -S "$SOURCE_DIR" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_CXX_FLAGS_RELEASE='-O2 -DNDEBUG' -DAWSHPC_BUILD_BENCH=OFF \
    -DAWSHPC_UNITY_BUILD="$unity" >/dev/null
  local times="$WORK_DIR/$name.times"
  # bash's `times` after the build: user and sys CPU of all finished children (the compilers).
  /usr/bin/env bash -c 'start=$(date +%s.%N); ninja -C "$1" -j "$2" "${@:3}" >/dev/null;
    end=$(date +%s.%N); echo "$start $end"; times' _ "$dir" "$JOBS" "${TARGETS[@]}" >"$times"
  python3 - "$name" "$times" <<'PY'
import re, sys
name, path = sys.argv[1], sys.argv[2]
lines = open(path).read().split("\n")
start, end = map(float, lines[0].split())
def seconds(text):
    m, s = re.match(r"(\d+)m([\d.]+)s", text).groups()
    return int(m) * 60 + float(s)
user, system = map(seconds, lines[2].split())  # second `times` line: children
print(f"{name:8s} wall {end - start:7.1f} s   cpu {user + system:7.1f} s")
PY
}

echo "targets: ${TARGETS[*]}   jobs: $JOBS   $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
measure unity ON
measure files OFF
