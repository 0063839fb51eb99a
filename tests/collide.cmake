# The writer's term table compares keys by their bytes only when their hashes
# agree, which distinct words of a real corpus almost never do.  This variant
# of test_corpus links writer.c compiled with a hash under which every key of
# a length collides, so each comparison path (first 8 bytes, next 8, the rest
# in the arena, lengths past 255) decides every lookup.
add_executable(test_corpus_collide ${CMAKE_CURRENT_SOURCE_DIR}/test_corpus.c
  ${CMAKE_CURRENT_SOURCE_DIR}/support/newsdata.c ${CMAKE_SOURCE_DIR}/libkz/writer.c)
target_include_directories(test_corpus_collide PRIVATE ${CMOCKA_INCLUDE_DIRS}
  ${CMAKE_SOURCE_DIR}/libkz ${UNISTRING_INCLUDE_DIR} ${STEMMER_INCLUDE_DIR}
  ${CMAKE_CURRENT_SOURCE_DIR}/support)
target_link_libraries(test_corpus_collide PRIVATE kz_static ${CMOCKA_LIBRARIES})
target_compile_definitions(test_corpus_collide PRIVATE KZ_BUILDING KZI_TEST_COLLIDING_HASH
  KZ_TEST_DATA="${CMAKE_CURRENT_SOURCE_DIR}/data"
  KZ_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
  KZ_SHARED_DATA="${CMAKE_SOURCE_DIR}/../shared/data")
add_test(NAME test_corpus_collide COMMAND test_corpus_collide)
