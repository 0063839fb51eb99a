# Lua tests: tests/lua/run.lua loads every tests/lua/test_*.lua against the
# module built at build/lua/kz.so and ends with "N passed, N failed".
if(TARGET kz_lua)
  find_program(KZ_LUA_EXECUTABLE NAMES lua5.4 lua54 DOC "Lua 5.4 interpreter for the tests")
  if(KZ_LUA_EXECUTABLE)
    set(_kz_lua_env
      "LUA_CPATH=${CMAKE_BINARY_DIR}/lua/?.so"
      "KZ_SOURCE_DIR=${CMAKE_SOURCE_DIR}")
    if(KZ_SANITIZE)
      # The interpreter is not instrumented: load the ASan runtime first.
      execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=libasan.so
        OUTPUT_VARIABLE _kz_libasan OUTPUT_STRIP_TRAILING_WHITESPACE)
      list(APPEND _kz_lua_env "LD_PRELOAD=${_kz_libasan}"
        "ASAN_OPTIONS=detect_leaks=1"
        "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1")
    endif()
    add_test(NAME lua
      COMMAND ${KZ_LUA_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/lua/run.lua
      WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
    # run.lua exits nonzero when a test fails; a crash or a sanitizer report
    # at exit fails the test too.
    set_tests_properties(lua PROPERTIES ENVIRONMENT "${_kz_lua_env}")
    # The test needs the module, which "ctest" alone does not build.
    set_property(TEST lua APPEND PROPERTY REQUIRED_FILES "${CMAKE_BINARY_DIR}/lua/kz.so")
  else()
    message(WARNING "lua5.4 not found: the Lua tests are not registered")
  endif()
endif()
