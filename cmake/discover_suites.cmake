# Run after a test binary links (see wmo_test): lists its tests and writes a
# CTest file with one test per suite and parameter, so that a table of cases
# shares one process (and one app start-up) instead of one process per case.
# A single case still runs alone by name:
#   build/<dir>/<binary> --gtest_filter='Suite.Case'
#
# Inputs: TEST_EXECUTABLE, TEST_BINARY (target name), CTEST_FILE,
# TEST_ENVIRONMENT, TEST_TIMEOUT.
execute_process(
  COMMAND "${TEST_EXECUTABLE}" --gtest_list_tests
  OUTPUT_VARIABLE listing
  RESULT_VARIABLE result
  TIMEOUT 60)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "${TEST_EXECUTABLE} --gtest_list_tests failed: ${result}")
endif()

# Suite lines end in '.', case lines are indented; a value-parameterized case
# ends in /<param>, which becomes part of its group so that the SQLite and
# PostgreSQL halves of a suite run side by side.
string(REPLACE "\n" ";" lines "${listing}")
set(groups)
set(suite "")
foreach(line IN LISTS lines)
  string(REGEX REPLACE "  #.*$" "" line "${line}")
  if(line MATCHES "^([^ ].*)\\.$")
    set(suite "${CMAKE_MATCH_1}")
  elseif(line MATCHES "^  ([^ ]+)$" AND suite)
    set(case "${CMAKE_MATCH_1}")
    if(case MATCHES "/([^/]+)$")
      set(group "${suite}.*/${CMAKE_MATCH_1}")
    else()
      set(group "${suite}.*")
    endif()
    list(APPEND groups "${group}")
  endif()
endforeach()
list(REMOVE_DUPLICATES groups)

set(out "")
foreach(group IN LISTS groups)
  string(REPLACE ".*" "" name "${group}")
  string(APPEND out
    "add_test([==[${TEST_BINARY}:${name}]==] [==[${TEST_EXECUTABLE}]==] "
    "[==[--gtest_filter=${group}]==])\n"
    "set_tests_properties([==[${TEST_BINARY}:${name}]==] PROPERTIES "
    "ENVIRONMENT [==[${TEST_ENVIRONMENT}]==] TIMEOUT ${TEST_TIMEOUT})\n")
endforeach()
if(NOT groups)
  message(FATAL_ERROR "${TEST_EXECUTABLE} lists no tests")
endif()
file(WRITE "${CTEST_FILE}" "${out}")
