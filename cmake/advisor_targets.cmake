# One warning set for every target of the project (applied per target, never globally).
function(advisor_set_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
    -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual
    -Wimplicit-fallthrough)
  if(ADVISOR_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  advisor_set_checks(${target})
endfunction()

# The checking builds' instrumentation, per target like the warnings: ADVISOR_SANITIZE
# (every report stops the program) and ADVISOR_FUZZ (libFuzzer's coverage).
function(advisor_set_checks target)
  if(ADVISOR_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=${ADVISOR_SANITIZE}
                                             -fno-sanitize-recover=all -fno-omit-frame-pointer)
    target_link_options(${target} PRIVATE -fsanitize=${ADVISOR_SANITIZE})
  endif()
  if(ADVISOR_FUZZ)
    target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link)
  endif()
endfunction()

# advisor_add_library(<folder> SOURCES ... [PUBLIC ...] [PRIVATE ...]): the folder's one
# library, advisor_<folder> with the alias advisor::<folder>, C++20, includes from the
# project root, the warning set.
function(advisor_add_library folder)
  cmake_parse_arguments(arg "" "" "SOURCES;PUBLIC;PRIVATE" ${ARGN})
  set(target advisor_${folder})
  add_library(${target} ${arg_SOURCES})
  add_library(advisor::${folder} ALIAS ${target})
  target_compile_features(${target} PUBLIC cxx_std_20)
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${target} PUBLIC ${arg_PUBLIC} PRIVATE ${arg_PRIVATE})
  advisor_set_warnings(${target})
endfunction()
