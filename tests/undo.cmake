# A document whose analysis fails must leave no trace: its positions are
# appended to the terms' chains as they come, and taken back on failure.
# This variant links writer.c compiled with a hook that fails the n-th
# position appended (no such failure can be provoked from outside: it is
# running out of memory).
add_executable(test_add_undo ${CMAKE_CURRENT_SOURCE_DIR}/add_undo.c
  ${CMAKE_SOURCE_DIR}/libkz/writer.c)
target_include_directories(test_add_undo PRIVATE ${CMOCKA_INCLUDE_DIRS}
  ${CMAKE_SOURCE_DIR}/libkz ${UNISTRING_INCLUDE_DIR} ${STEMMER_INCLUDE_DIR}
  ${CMAKE_CURRENT_SOURCE_DIR}/support)
target_link_libraries(test_add_undo PRIVATE kz_static ${CMOCKA_LIBRARIES})
target_compile_definitions(test_add_undo PRIVATE KZ_BUILDING KZI_TEST_FAIL_POS)
add_test(NAME test_add_undo COMMAND test_add_undo)
