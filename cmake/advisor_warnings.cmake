# One warning set for every target of the project (applied per target, never globally).
function(advisor_set_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
    -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual
    -Wimplicit-fallthrough)
  if(ADVISOR_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
