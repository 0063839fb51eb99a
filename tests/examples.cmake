# The examples as users run them, the packaging, and the ABI baseline:
#
#   example_python_tour   examples/python/kz_tour.py against build/python
#   example_lua_tour      examples/lua/kz_tour.lua against build/lua
#   notebook              examples/kazakhstan.ipynb executed with nbconvert,
#                         then rendered to HTML and checked for the
#                         highlighted KWIC table and the chart image
#   python_package        pip install --no-build-isolation of bindings/python
#                         (bundled C sources, then a system libkz found by
#                         pkg-config), imported from the install target
#   lua_rock              luarocks make of bindings/lua/kz-scm-1.rockspec
#                         against an installed libkz, then the Lua tour
#   abi_baseline          abidiff of libkz.so against tests/data/abi/libkz.abi
#
# A check whose tool is missing (nbconvert, pip, luarocks, abidiff) prints
# "SKIP: why" and is reported as skipped.  Under KZ_SANITIZE the notebook,
# the packages and the ABI check are not registered (the interpreters would
# need the ASan runtime preloaded into every child; the scripts keep it).
#
# This file is also the script that runs those checks:
#   cmake -DMODE=notebook|python_package|lua_rock|abi|abi-baseline ... -P tests/examples.cmake
# Refresh the ABI baseline on purpose (after a deliberate ABI change and a
# new SONAME, or for a release) from a build with debug info:
#   cmake -DMODE=abi-baseline -DSRC=. -DLIB=build/libkz.so -P tests/examples.cmake

if(CMAKE_SCRIPT_MODE_FILE)
  # ------------------------------------------------------------------------
  # Script mode: one check, named by MODE.
  cmake_minimum_required(VERSION 3.25)

  function(kz_skip why)
    # Exit 0: the test's SKIP_REGULAR_EXPRESSION turns this into "skipped".
    message("SKIP: ${why}")
  endfunction()

  # A fresh directory under $TMPDIR (or /tmp), removed by kz_cleanup().
  function(kz_tempdir out)
    set(base "$ENV{TMPDIR}")
    if(NOT base)
      set(base "/tmp")
    endif()
    string(RANDOM LENGTH 10 ALPHABET "abcdefghijklmnopqrstuvwxyz0123456789" r)
    set(dir "${base}/kz-${MODE}-${r}")
    file(MAKE_DIRECTORY "${dir}")
    set(${out} "${dir}" PARENT_SCOPE)
  endfunction()

  # Run a command; on failure print its output and stop with FATAL_ERROR.
  function(kz_run what)
    cmake_parse_arguments(PARSE_ARGV 1 A "" "WORKING_DIRECTORY;OUTPUT" "COMMAND")
    if(NOT A_WORKING_DIRECTORY)
      set(A_WORKING_DIRECTORY "${CMAKE_CURRENT_LIST_DIR}")
    endif()
    execute_process(COMMAND ${A_COMMAND}
      WORKING_DIRECTORY "${A_WORKING_DIRECTORY}"
      RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
      if(DEFINED KZ_TMP)
        file(REMOVE_RECURSE "${KZ_TMP}")
      endif()
      message(FATAL_ERROR "FAIL: ${what} (exit ${rc})\n"
        "command: ${A_COMMAND}\n--- stdout\n${out}\n--- stderr\n${err}")
    endif()
    if(A_OUTPUT)
      set(${A_OUTPUT} "${out}" PARENT_SCOPE)
    endif()
  endfunction()

  # Does `python -c code` succeed?
  function(kz_python_ok out python code)
    execute_process(COMMAND "${python}" -c "${code}"
      RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
    if(rc EQUAL 0)
      set(${out} TRUE PARENT_SCOPE)
    else()
      set(${out} FALSE PARENT_SCOPE)
    endif()
  endfunction()

  if(MODE STREQUAL "notebook")
    # PYTHON, SRC, PYDIR (the directory holding kz.abi3.so)
    kz_python_ok(ok "${PYTHON}" "import nbconvert, ipykernel, matplotlib, pandas")
    if(NOT ok)
      kz_skip("${PYTHON} lacks nbconvert, ipykernel, matplotlib or pandas "
              "(Debian: jupyter-nbconvert python3-ipykernel python3-matplotlib python3-pandas)")
      return()
    endif()
    kz_tempdir(KZ_TMP)
    # A kernel spec of our own, so the kernel is ${PYTHON} whatever kernels
    # the user has installed; IPython, Jupyter and matplotlib keep their
    # state in the temporary directory.
    file(MAKE_DIRECTORY "${KZ_TMP}/share/kernels/kz-python")
    file(WRITE "${KZ_TMP}/share/kernels/kz-python/kernel.json"
      "{\"argv\": [\"${PYTHON}\", \"-m\", \"ipykernel_launcher\", \"-f\", \"{connection_file}\"],\n"
      " \"display_name\": \"Python 3 (kz test)\", \"language\": \"python\"}\n")
    set(ENV{JUPYTER_PATH} "${KZ_TMP}/share")
    set(ENV{JUPYTER_DATA_DIR} "${KZ_TMP}/data")
    set(ENV{JUPYTER_CONFIG_DIR} "${KZ_TMP}/config")
    set(ENV{JUPYTER_RUNTIME_DIR} "${KZ_TMP}/runtime")
    set(ENV{IPYTHONDIR} "${KZ_TMP}/ipython")
    set(ENV{MPLCONFIGDIR} "${KZ_TMP}/mpl")
    set(ENV{MPLBACKEND} "module://matplotlib_inline.backend_inline")
    set(ENV{PYDEVD_DISABLE_FILE_VALIDATION} "1")
    set(ENV{PYTHONPATH} "${PYDIR}")
    set(ENV{PYTHONDONTWRITEBYTECODE} "1")
    set(ENV{KZ_ROOT} "${SRC}")
    # Executing fails (nonzero) when any cell raises.
    kz_run("executing examples/kazakhstan.ipynb"
      COMMAND "${PYTHON}" -m nbconvert --to notebook --execute
              --ExecutePreprocessor.kernel_name=kz-python
              --ExecutePreprocessor.timeout=600
              --output-dir "${KZ_TMP}" --output executed
              "${SRC}/examples/kazakhstan.ipynb"
      WORKING_DIRECTORY "${SRC}/examples")
    kz_run("rendering the executed notebook to HTML"
      COMMAND "${PYTHON}" -m nbconvert --to html --output-dir "${KZ_TMP}"
              --output executed "${KZ_TMP}/executed.ipynb")
    file(READ "${KZ_TMP}/executed.ipynb" nb)
    file(READ "${KZ_TMP}/executed.html" html)
    file(REMOVE_RECURSE "${KZ_TMP}")
    set(problems "")
    if(nb MATCHES "\"output_type\": \"error\"")
      string(APPEND problems "  a cell has an error output\n")
    endif()
    # The concordance's _repr_html_: a kz-concordance table whose match
    # column is highlighted; the search results mark matches with <mark>.
    if(NOT html MATCHES "class=\"kz-concordance\"")
      string(APPEND problems "  no KWIC table (class=\"kz-concordance\") in the HTML\n")
    endif()
    if(NOT html MATCHES "<(b|mark)>[Tt]erroris")
      string(APPEND problems "  no highlighted terroris* match in the KWIC table\n")
    endif()
    if(NOT html MATCHES "<mark>[^<]*</mark>")
      string(APPEND problems "  no <mark> highlight in the search results\n")
    endif()
    if(NOT html MATCHES "data:image/png;base64,")
      string(APPEND problems "  no chart image (data:image/png) in the HTML\n")
    endif()
    if(problems)
      message(FATAL_ERROR "FAIL: examples/kazakhstan.ipynb:\n${problems}")
    endif()
    string(LENGTH "${html}" n)
    message("notebook: every cell ran; the HTML (${n} bytes) has the highlighted KWIC table and the chart")

  elseif(MODE STREQUAL "python_package")
    # PYTHON, SRC, BIN (the build tree, for the system-libkz variant), SANITIZE
    # (setuptools first: importing pip first trips setuptools' distutils shim.)
    kz_python_ok(ok "${PYTHON}" "import setuptools, wheel, pip")
    if(NOT ok)
      kz_skip("${PYTHON} lacks pip, setuptools or wheel (Debian: python3-pip python3-setuptools python3-wheel)")
      return()
    endif()
    kz_tempdir(KZ_TMP)
    set(ENV{PIP_DISABLE_PIP_VERSION_CHECK} "1")
    set(ENV{PIP_NO_INDEX} "1")
    set(ENV{PIP_ROOT_USER_ACTION} "ignore")
    set(ENV{PYTHONDONTWRITEBYTECODE} "1")
    set(check [=[
import os, sys, tempfile
import kz
site = os.path.realpath(sys.argv[1])
where = os.path.realpath(kz.__file__)
assert where.startswith(site + os.sep), "kz imported from %s, not %s" % (where, site)
assert where.endswith(".abi3.so"), where
for f in ("kz.pyi", "py.typed"):
    assert os.path.isfile(os.path.join(site, f)), f + " not installed"
assert kz.__doc__ and kz.Corpus.search.__doc__
a = kz.parse(os.path.join(sys.argv[2], "examples", "corpus", sorted(os.listdir(os.path.join(sys.argv[2], "examples", "corpus")))[0]))
assert a.title and a.paragraphs
with tempfile.TemporaryDirectory() as d, kz.Corpus(os.path.join(d, "c"), create=True) as c:
    added, failed = c.add_dir(os.path.join(sys.argv[2], "examples", "corpus"), progress=False)
    c.commit()
    assert added >= 5 and failed == 0 and len(c) == added
    assert c.search("Kazakhstan").total == added
libs = [l.split()[-1] for l in open("/proc/self/maps") if "libkz.so" in l]
print("kz", kz.__version__, "from", where, "libkz.so:", sorted(set(libs)) or "none (bundled)")
if len(sys.argv) > 3:
    assert libs and all(os.path.realpath(l).startswith(os.path.realpath(sys.argv[3])) for l in libs), libs
]=])
    file(WRITE "${KZ_TMP}/check.py" "${check}")
    # 1. The bundled build: libkz's C sources compiled into the module.
    set(ENV{KZ_BUNDLED} "1")
    kz_run("pip install (bundled libkz sources)"
      COMMAND "${PYTHON}" -m pip install --no-build-isolation --no-deps
              --target "${KZ_TMP}/bundled" "${SRC}/bindings/python")
    set(ENV{PYTHONPATH} "${KZ_TMP}/bundled")
    kz_run("importing the bundled build" OUTPUT out
      COMMAND "${PYTHON}" "${KZ_TMP}/check.py" "${KZ_TMP}/bundled" "${SRC}"
      WORKING_DIRECTORY "${KZ_TMP}")
    message("${out}")
    # 2. Against libkz installed in a private prefix, found by pkg-config.
    if(SANITIZE)
      message("python_package: the system-libkz variant is not run under KZ_SANITIZE")
    else()
      kz_run("cmake --install" COMMAND "${CMAKE_COMMAND}" --install "${BIN}" --prefix "${KZ_TMP}/prefix")
      file(GLOB pcdir "${KZ_TMP}/prefix/lib*/pkgconfig")
      set(ENV{PKG_CONFIG_PATH} "${pcdir}")
      set(ENV{KZ_BUNDLED} "0")
      unset(ENV{PYTHONPATH})
      kz_run("pip install (system libkz through pkg-config)"
        COMMAND "${PYTHON}" -m pip install --no-build-isolation --no-deps
                --target "${KZ_TMP}/system" "${SRC}/bindings/python")
      set(ENV{PYTHONPATH} "${KZ_TMP}/system")
      kz_run("importing the build against the installed libkz" OUTPUT out
        COMMAND "${PYTHON}" "${KZ_TMP}/check.py" "${KZ_TMP}/system" "${SRC}" "${KZ_TMP}/prefix"
        WORKING_DIRECTORY "${KZ_TMP}")
      message("${out}")
    endif()
    file(REMOVE_RECURSE "${KZ_TMP}")
    message("python_package: pip builds and installs kz with its stubs")

  elseif(MODE STREQUAL "lua_rock")
    # SRC, BIN, LUA
    find_program(luarocks NAMES luarocks)
    if(NOT luarocks)
      kz_skip("luarocks not found (Debian: luarocks)")
      return()
    endif()
    kz_tempdir(KZ_TMP)
    kz_run("cmake --install" COMMAND "${CMAKE_COMMAND}" --install "${BIN}" --prefix "${KZ_TMP}/prefix")
    # luarocks make builds in the current directory: use a copy, so no
    # object file lands in the source tree.
    file(COPY "${SRC}/bindings/lua/lkz.c" "${SRC}/bindings/lua/kz-scm-1.rockspec"
         DESTINATION "${KZ_TMP}/src")
    set(ENV{HOME} "${KZ_TMP}/home")
    kz_run("luarocks make"
      COMMAND "${luarocks}" --lua-version 5.4 make --tree "${KZ_TMP}/tree"
              "KZ_DIR=${KZ_TMP}/prefix" kz-scm-1.rockspec
      WORKING_DIRECTORY "${KZ_TMP}/src")
    file(GLOB_RECURSE mod "${KZ_TMP}/tree/*/kz.so")
    if(NOT mod)
      file(REMOVE_RECURSE "${KZ_TMP}")
      message(FATAL_ERROR "FAIL: luarocks make installed no kz.so under ${KZ_TMP}/tree")
    endif()
    get_filename_component(moddir "${mod}" DIRECTORY)
    set(ENV{LUA_CPATH} "${moddir}/?.so")
    kz_run("the Lua tour with the rock" OUTPUT out
      COMMAND "${LUA}" "${SRC}/examples/lua/kz_tour.lua" "${SRC}/examples/corpus")
    file(REMOVE_RECURSE "${KZ_TMP}")
    if(NOT out MATCHES "KWIC: terroris")
      message(FATAL_ERROR "FAIL: the Lua tour printed no KWIC lines:\n${out}")
    endif()
    message("lua_rock: luarocks make installs kz for Lua 5.4 and the tour runs with it")

  elseif(MODE STREQUAL "abi" OR MODE STREQUAL "abi-baseline")
    # SRC, LIB; BASELINE defaults to tests/data/abi/libkz.abi
    if(NOT BASELINE)
      set(BASELINE "${SRC}/tests/data/abi/libkz.abi")
    endif()
    find_program(abidw NAMES abidw)
    find_program(abidiff NAMES abidiff)
    if(NOT abidw OR NOT abidiff)
      kz_skip("abidiff/abidw not found (Debian: abigail-tools)")
      return()
    endif()
    execute_process(COMMAND readelf -S "${LIB}" OUTPUT_VARIABLE sections ERROR_QUIET)
    if(NOT sections MATCHES "\\.debug_info")
      kz_skip("${LIB} has no debug info (build with -DCMAKE_BUILD_TYPE=RelWithDebInfo or Debug)")
      return()
    endif()
    if(MODE STREQUAL "abi-baseline")
      # Only the types declared in include/ are recorded; locations are
      # file names only, so the baseline does not depend on the checkout.
      kz_run("abidw"
        COMMAND "${abidw}" --headers-dir "${SRC}/include" --drop-private-types
                --no-corpus-path --no-comp-dir-path --short-locs
                --out-file "${BASELINE}" "${LIB}")
      message("abi: wrote ${BASELINE} from ${LIB}")
      return()
    endif()
    # libabigail 2.2 (Debian 12) aborts when --headers-dir1 is given with an
    # ABIXML file; the baseline was written with only the public types, so
    # the headers are needed for the new library only.
    execute_process(
      COMMAND "${abidiff}" --headers-dir2 "${SRC}/include" --drop-private-types
              --no-added-syms "${BASELINE}" "${LIB}"
      RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    # abidiff's status is a bit set: 1 error, 2 usage error, 4 ABI change,
    # 8 incompatible change.  An ABI change that only adds functions is
    # compatible; removed or changed functions, variables or types are not.
    math(EXPR bits_error "${rc} & 3")
    math(EXPR bits_incompatible "${rc} & 8")
    math(EXPR bits_change "${rc} & 4")
    if(bits_error)
      message(FATAL_ERROR "FAIL: abidiff could not compare (exit ${rc}):\n${out}\n${err}")
    endif()
    if(bits_incompatible OR (bits_change AND out MATCHES "[1-9][0-9]* (Removed|Changed)")
       OR out MATCHES "SONAME changed")
      message(FATAL_ERROR
        "FAIL: libkz's ABI is incompatible with tests/data/abi/libkz.abi:\n${out}\n"
        "If the break is deliberate, bump KZ_ABI_VERSION (the SONAME) in "
        "CMakeLists.txt and refresh the baseline:\n"
        "  cmake -DMODE=abi-baseline -DSRC=${SRC} -DLIB=${LIB} -P ${CMAKE_SCRIPT_MODE_FILE}")
    endif()
    if(bits_change)
      message("abi: compatible additions since the baseline (refresh it at the next release):\n${out}")
    else()
      message("abi: libkz.so matches the recorded baseline")
    endif()

  else()
    message(FATAL_ERROR "examples.cmake: unknown MODE '${MODE}'")
  endif()
  return()
endif()

# --------------------------------------------------------------------------
# Registration (included from tests/CMakeLists.txt).

set(_kz_ex_script "${CMAKE_CURRENT_LIST_FILE}")
set(_kz_ex_asan_env "")
if(KZ_SANITIZE)
  # The interpreters are not instrumented: load the ASan runtime first.
  execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=libasan.so
    OUTPUT_VARIABLE _kz_ex_libasan OUTPUT_STRIP_TRAILING_WHITESPACE)
  set(_kz_ex_asan_env "LD_PRELOAD=${_kz_ex_libasan}" "ASAN_OPTIONS=detect_leaks=0"
    "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1")
endif()

if(KZ_BUILD_PYTHON)
  add_test(NAME example_python_tour
    COMMAND ${KZ_PYTHON} ${CMAKE_SOURCE_DIR}/examples/python/kz_tour.py
            ${CMAKE_SOURCE_DIR}/examples/corpus
    WORKING_DIRECTORY ${CMAKE_BINARY_DIR})
  set(_kz_ex_env "PYTHONPATH=${CMAKE_BINARY_DIR}/python" "PYTHONDONTWRITEBYTECODE=1"
    ${_kz_ex_asan_env})
  if(KZ_SANITIZE)
    list(APPEND _kz_ex_env "PYTHONMALLOC=malloc")
  endif()
  set_tests_properties(example_python_tour PROPERTIES
    ENVIRONMENT "${_kz_ex_env}"
    FAIL_REGULAR_EXPRESSION "Traceback|ERROR: AddressSanitizer|runtime error:"
    REQUIRED_FILES "${CMAKE_BINARY_DIR}/python/kz.abi3.so")

  if(NOT KZ_SANITIZE)
    add_test(NAME notebook
      COMMAND ${CMAKE_COMMAND} -DMODE=notebook -DPYTHON=${KZ_PYTHON}
              -DSRC=${CMAKE_SOURCE_DIR} -DPYDIR=${CMAKE_BINARY_DIR}/python
              -P ${_kz_ex_script})
    set_tests_properties(notebook PROPERTIES
      SKIP_REGULAR_EXPRESSION "SKIP: " TIMEOUT 900
      REQUIRED_FILES "${CMAKE_BINARY_DIR}/python/kz.abi3.so")
  endif()
endif()

# pip builds its own module (bundled sources), so it needs no KZ_BUILD_PYTHON.
if(KZ_PYTHON OR EXISTS /usr/bin/python3)
  if(KZ_PYTHON)
    set(_kz_ex_python ${KZ_PYTHON})
  else()
    set(_kz_ex_python /usr/bin/python3)
  endif()
  add_test(NAME python_package
    COMMAND ${CMAKE_COMMAND} -DMODE=python_package -DPYTHON=${_kz_ex_python}
            -DSRC=${CMAKE_SOURCE_DIR} -DBIN=${CMAKE_BINARY_DIR} -DSANITIZE=${KZ_SANITIZE}
            -P ${_kz_ex_script})
  set_tests_properties(python_package PROPERTIES SKIP_REGULAR_EXPRESSION "SKIP: " TIMEOUT 900)
endif()

if(TARGET kz_lua)
  find_program(KZ_LUA_EXECUTABLE NAMES lua5.4 lua54 DOC "Lua 5.4 interpreter for the tests")
  if(KZ_LUA_EXECUTABLE)
    add_test(NAME example_lua_tour
      COMMAND ${KZ_LUA_EXECUTABLE} ${CMAKE_SOURCE_DIR}/examples/lua/kz_tour.lua
              ${CMAKE_SOURCE_DIR}/examples/corpus
      WORKING_DIRECTORY ${CMAKE_BINARY_DIR})
    set(_kz_ex_env "LUA_CPATH=${CMAKE_BINARY_DIR}/lua/?.so" ${_kz_ex_asan_env})
    set_tests_properties(example_lua_tour PROPERTIES
      ENVIRONMENT "${_kz_ex_env}"
      FAIL_REGULAR_EXPRESSION "kz_tour: |ERROR: AddressSanitizer|runtime error:"
      REQUIRED_FILES "${CMAKE_BINARY_DIR}/lua/kz.so")
    if(NOT KZ_SANITIZE)
      add_test(NAME lua_rock
        COMMAND ${CMAKE_COMMAND} -DMODE=lua_rock -DSRC=${CMAKE_SOURCE_DIR}
                -DBIN=${CMAKE_BINARY_DIR} -DLUA=${KZ_LUA_EXECUTABLE}
                -P ${_kz_ex_script})
      set_tests_properties(lua_rock PROPERTIES SKIP_REGULAR_EXPRESSION "SKIP: " TIMEOUT 600)
    endif()
  endif()
endif()

if(NOT KZ_SANITIZE)
  add_test(NAME abi_baseline
    COMMAND ${CMAKE_COMMAND} -DMODE=abi -DSRC=${CMAKE_SOURCE_DIR}
            -DLIB=$<TARGET_FILE:kz_shared> -P ${_kz_ex_script})
  set_tests_properties(abi_baseline PROPERTIES SKIP_REGULAR_EXPRESSION "SKIP: ")
endif()
