# Each src/ folder is one static library made of every .cpp in it (subfolders included).
# Adding a file needs no CMake edit; the glob is re-checked at build time.
function(livedash_module name dir)
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS "${dir}/*.cpp")
  if(NOT sources)
    # A module that has only headers so far.
    add_library(${name} INTERFACE)
    target_include_directories(${name} INTERFACE "${PROJECT_SOURCE_DIR}/src")
    target_link_libraries(${name} INTERFACE ${ARGN})
    return()
  endif()
  add_library(${name} STATIC ${sources})
  target_include_directories(${name} PUBLIC "${PROJECT_SOURCE_DIR}/src")
  target_link_libraries(${name} PUBLIC ${ARGN})
endfunction()

# One GoogleTest binary per layer: tests/unit/<layer>/*_test.cpp.
function(livedash_unit_tests layer)
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS
       "${PROJECT_SOURCE_DIR}/tests/unit/${layer}/*_test.cpp")
  if(NOT sources)
    return()
  endif()
  add_executable(unit_${layer} ${sources})
  target_link_libraries(unit_${layer} PRIVATE ${ARGN} GTest::gtest GTest::gtest_main GTest::gmock)
  target_include_directories(unit_${layer} PRIVATE "${PROJECT_SOURCE_DIR}/tests")
  target_compile_definitions(unit_${layer} PRIVATE
    LIVEDASH_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  # A list value is flattened by gtest_discover_tests, so the labels go on as two properties.
  gtest_discover_tests(unit_${layer} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS unit)
endfunction()
