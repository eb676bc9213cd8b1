# Shared build settings and the two helpers every module uses:
#   awshpc_module(NAME SOURCES ... DEPS ...)  -> static library awshpc_<NAME>
#   awshpc_test(NAME SOURCES ... DEPS ...)    -> GoogleTest binary registered with ctest

add_library(awshpc_options INTERFACE)
target_include_directories(awshpc_options INTERFACE ${PROJECT_SOURCE_DIR}/include)
# Warnings are errors everywhere: reviews stay about substance.
target_compile_options(awshpc_options INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wnon-virtual-dtor
  -Wold-style-cast -Woverloaded-virtual -Wimplicit-fallthrough -Werror)
if(AWSHPC_SANITIZE)
  target_compile_options(awshpc_options INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(awshpc_options INTERFACE -fsanitize=address,undefined)
endif()

# lld links the 40-odd test programs several times faster than the default BFD linker (most of all
# the sanitizer builds); scripts/install-deps installs it, and without it the default linker is used.
include(CheckLinkerFlag)
check_linker_flag(CXX "-fuse-ld=lld" AWSHPC_HAVE_LLD)
if(AWSHPC_HAVE_LLD)
  target_link_options(awshpc_options INTERFACE -fuse-ld=lld)
endif()

# Tests that build or run containers (buildah, podman) get an image store of this build directory's
# own, so two test runs from different checkouts, or the plain and sanitizer runs, never remove or
# rebuild each other's images, and the machine's store is left as it was.
set(AWSHPC_TEST_CONTAINERS_DIR "${PROJECT_BINARY_DIR}/test-containers")
file(WRITE "${AWSHPC_TEST_CONTAINERS_DIR}/storage.conf"
  "# Written by cmake/AwshpcHelpers.cmake for the tests of this build directory.\n"
  "[storage]\n"
  "driver = \"overlay\"\n"
  "graphroot = \"${AWSHPC_TEST_CONTAINERS_DIR}/storage\"\n"
  "runroot = \"${AWSHPC_TEST_CONTAINERS_DIR}/run\"\n")

function(awshpc_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(awshpc_${name} STATIC ${ARG_SOURCES})
  target_link_libraries(awshpc_${name} PUBLIC awshpc_options ${ARG_DEPS})
endfunction()

function(awshpc_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  if(NOT AWSHPC_BUILD_TESTS)
    return()
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE awshpc_options ${ARG_DEPS} GTest::gtest GTest::gmock
                        GTest::gtest_main)
  # Shared test helpers (tests/support) for every module's tests.
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests/support)
  # Tests get the source tree so they can read test data and bundled apps.
  target_compile_definitions(${name} PRIVATE
    AWSHPC_SOURCE_DIR="${PROJECT_SOURCE_DIR}" AWSHPC_BINARY_DIR="${PROJECT_BINARY_DIR}")
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS "${ARG_LABELS}"
    ENVIRONMENT "CONTAINERS_STORAGE_CONF=${AWSHPC_TEST_CONTAINERS_DIR}/storage.conf")
endfunction()
