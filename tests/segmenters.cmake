# The ASCII segmenter has three implementations (AVX2 chosen at run time,
# SSE2, portable table); a machine with AVX2 only ever runs the first.  These
# variants of the tokenizer tests link wordbreak.c compiled with the others
# forced: the object given here takes the place of the archive's member.
foreach(_variant sse2 portable)
  if(_variant STREQUAL "sse2")
    set(_def KZ_NO_AVX2)
  else()
    set(_def KZ_NO_SIMD)
  endif()
  foreach(_t test_wordbreak test_token)
    set(_name ${_t}_${_variant})
    add_executable(${_name} ${CMAKE_CURRENT_SOURCE_DIR}/${_t}.c
      ${CMAKE_CURRENT_SOURCE_DIR}/support/newsdata.c ${CMAKE_SOURCE_DIR}/libkz/wordbreak.c)
    target_include_directories(${_name} PRIVATE ${CMOCKA_INCLUDE_DIRS}
      ${CMAKE_SOURCE_DIR}/libkz ${UNISTRING_INCLUDE_DIR} ${CMAKE_CURRENT_SOURCE_DIR}/support)
    target_link_libraries(${_name} PRIVATE kz_static ${CMOCKA_LIBRARIES})
    target_compile_definitions(${_name} PRIVATE ${_def}
      KZ_TEST_DATA="${CMAKE_CURRENT_SOURCE_DIR}/data"
      KZ_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
      KZ_SHARED_DATA="${CMAKE_SOURCE_DIR}/../shared/data")
    add_test(NAME ${_name} COMMAND ${_name})
  endforeach()
endforeach()
