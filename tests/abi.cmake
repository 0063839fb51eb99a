# Packaging and ABI checks (shell scripts in tests/scripts/).
find_program(KZ_CXX NAMES c++ g++ clang++)
add_test(NAME headers_standalone
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/scripts/check_headers.sh
          ${CMAKE_SOURCE_DIR}/include ${CMAKE_C_COMPILER} ${KZ_CXX})
add_test(NAME exported_symbols
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/scripts/check_symbols.sh
          $<TARGET_FILE:kz_shared> ${CMAKE_CURRENT_SOURCE_DIR}/data/abi/symbols.txt)
if(NOT KZ_SANITIZE)
  add_test(NAME install_and_examples_c
    COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/scripts/check_install.sh
            ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR})
endif()
