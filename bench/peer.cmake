# bench/peer.cmake - bench_index: the corpus index against SQLite FTS5 and
# Xapian in one run (C++ for Xapian's API).  Optional: built only when a C++
# compiler, sqlite3 and xapian-core (libsqlite3-dev, libxapian-dev) are found.
include(CheckLanguage)
check_language(CXX)
pkg_check_modules(KZ_PEER_SQLITE3 QUIET sqlite3)
pkg_check_modules(KZ_PEER_XAPIAN QUIET xapian-core)
if(CMAKE_CXX_COMPILER AND KZ_PEER_SQLITE3_FOUND AND KZ_PEER_XAPIAN_FOUND)
  enable_language(CXX)
  add_executable(bench_index ${CMAKE_CURRENT_SOURCE_DIR}/bench_index.cpp
    ${CMAKE_SOURCE_DIR}/tests/support/newsdata.c)
  set_target_properties(bench_index PROPERTIES CXX_STANDARD 17 CXX_STANDARD_REQUIRED ON
    CXX_EXTENSIONS OFF)
  target_include_directories(bench_index PRIVATE ${CMAKE_SOURCE_DIR}/tests/support
    ${KZ_PEER_SQLITE3_INCLUDE_DIRS} ${KZ_PEER_XAPIAN_INCLUDE_DIRS})
  target_compile_definitions(bench_index PRIVATE
    KZ_SHARED_DATA="${CMAKE_SOURCE_DIR}/../shared/data")
  target_link_directories(bench_index PRIVATE ${KZ_PEER_SQLITE3_LIBRARY_DIRS}
    ${KZ_PEER_XAPIAN_LIBRARY_DIRS})
  target_link_libraries(bench_index PRIVATE kz_static ${KZ_PEER_SQLITE3_LIBRARIES}
    ${KZ_PEER_XAPIAN_LIBRARIES})
else()
  message(STATUS "bench_index not built (needs a C++ compiler, sqlite3 and xapian-core)")
endif()
