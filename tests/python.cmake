# Python tests: pytest under the interpreter the module was built for
# (KZ_PYTHON, set in bindings/python/CMakeLists.txt; default /usr/bin/python3,
# which has Debian's pytest), importing kz from build/python.
if(KZ_BUILD_PYTHON)
  set(_kz_py_env "PYTHONPATH=${CMAKE_BINARY_DIR}/python"
                 "PYTHONDONTWRITEBYTECODE=1")
  if(KZ_SANITIZE)
    # The interpreter is not instrumented: the ASan runtime has to be loaded
    # first, and CPython's own allocations are not leak-checked.
    execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=libasan.so
                    OUTPUT_VARIABLE _kz_libasan OUTPUT_STRIP_TRAILING_WHITESPACE)
    list(APPEND _kz_py_env "LD_PRELOAD=${_kz_libasan}"
                           "ASAN_OPTIONS=detect_leaks=0"
                           "PYTHONMALLOC=malloc")
  endif()
  add_test(NAME python
           COMMAND ${KZ_PYTHON} -m pytest -q -p no:cacheprovider tests/python
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(python PROPERTIES ENVIRONMENT "${_kz_py_env}")
endif()
