# tests/peer.cmake - the agreement test against SQLite FTS5 links sqlite3.
# Without libsqlite3-dev the test is neither built nor run (a warning says so).
pkg_check_modules(SQLITE3 sqlite3)
if(TARGET test_fts5_agree)
  if(SQLITE3_FOUND)
    target_include_directories(test_fts5_agree PRIVATE ${SQLITE3_INCLUDE_DIRS})
    target_link_directories(test_fts5_agree PRIVATE ${SQLITE3_LIBRARY_DIRS})
    target_link_libraries(test_fts5_agree PRIVATE ${SQLITE3_LIBRARIES})
    set_tests_properties(test_fts5_agree PROPERTIES TIMEOUT 600)
  else()
    message(WARNING "sqlite3 not found (scripts/bootstrap installs libsqlite3-dev): "
      "test_fts5_agree is not built")
    set_target_properties(test_fts5_agree PROPERTIES EXCLUDE_FROM_ALL TRUE)
    set_tests_properties(test_fts5_agree PROPERTIES DISABLED TRUE)
  endif()
endif()
