# aws-hpc developer entry points. Each target installs what it needs first (scripts/install-deps
# is idempotent and quick when nothing is missing).
#   make demo    build, then run a real LAMMPS job on the embedded local backend
#   make test    build and run every test, then again under AddressSanitizer + UBSan
#   make bench   build optimised and run the benchmarks in bench/
#   make format  clang-format every C++ file in place

BUILD_DIR ?= build
SANITIZE_DIR ?= build-sanitize
BENCH_DIR ?= build-bench
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps configure build build-cli build-sanitize test test-fast test-sanitize demo bench format format-check clean

all: build

deps:
	@scripts/install-deps

# Optimised (-O2, as shipped) without debug info and without the benchmarks (`make bench` builds
# those in its own directory): CI builds everything twice on 2 cores, and debug info slows every
# compile and link. To debug: CMAKE_FLAGS="-DCMAKE_CXX_FLAGS_RELEASE='-O2 -g -DNDEBUG'".
configure: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release \
	  -DCMAKE_CXX_FLAGS_RELEASE='-O2 -DNDEBUG' -DAWSHPC_BUILD_BENCH=OFF $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

# Only the programs (no tests, no benchmarks): what the demo needs.
build-cli: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target aws-hpc aws-hpc-supervisor

# -g1: line tables, enough for sanitizer stack traces, at a fraction of full debug info's cost.
build-sanitize: deps
	@cmake -S . -B $(SANITIZE_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-g1 \
	  -DAWSHPC_SANITIZE=ON -DAWSHPC_BUILD_BENCH=OFF $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(SANITIZE_DIR) -j $(JOBS)

test-fast: build
	@ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)

test-sanitize: build-sanitize
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --test-dir $(SANITIZE_DIR) --output-on-failure -j $(JOBS)

test: test-fast test-sanitize

demo: build-cli
	@scripts/demo $(BUILD_DIR)

bench: deps
	@cmake -S . -B $(BENCH_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release -DAWSHPC_BUILD_TESTS=OFF >/dev/null
	@cmake --build $(BENCH_DIR) -j $(JOBS)
	@scripts/bench $(BENCH_DIR)

format:
	@git ls-files '*.cpp' '*.hpp' | xargs -r clang-format -i

format-check:
	@git ls-files '*.cpp' '*.hpp' | xargs -r clang-format --dry-run --Werror

clean:
	rm -rf $(BUILD_DIR) $(SANITIZE_DIR) $(BENCH_DIR)
