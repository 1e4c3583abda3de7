# Run at every build (sim/cli/CMakeLists.txt): writes the commit the build is made from into
# OUT as a C string literal, with "-dirty" when tracked files differ from that commit, so an
# output file never claims a commit its binary was not built from. OUT is rewritten only when
# the text changes, so an unchanged tree does not relink. Outside a git checkout: the commit
# `git archive` wrote into cmake/archive_commit.txt, with "-archive", or "unknown".
#   cmake -DSOURCE_DIR=<repo> -DOUT=<file> -P write_git_commit.cmake
execute_process(COMMAND git rev-parse --short=12 HEAD
                WORKING_DIRECTORY ${SOURCE_DIR}
                OUTPUT_VARIABLE commit OUTPUT_STRIP_TRAILING_WHITESPACE
                RESULT_VARIABLE status ERROR_QUIET)
if(NOT status EQUAL 0 OR NOT commit)
  # Not a git checkout. A `git archive` of a commit (a GitHub tarball) has that commit in
  # archive_commit.txt (export-subst in .gitattributes); edits after extraction cannot be seen,
  # hence "-archive". Anything else: "unknown".
  set(commit "unknown")
  set(archived "")
  if(EXISTS ${SOURCE_DIR}/cmake/archive_commit.txt)
    file(READ ${SOURCE_DIR}/cmake/archive_commit.txt archived)
    string(STRIP "${archived}" archived)
  endif()
  if(archived MATCHES "^[0-9a-f]+$")
    string(LENGTH "${archived}" length)
    if(length GREATER_EQUAL 12)
      string(SUBSTRING "${archived}" 0 12 archived)
      set(commit "${archived}-archive")
    endif()
  endif()
else()
  execute_process(COMMAND git status --porcelain --untracked-files=no
                  WORKING_DIRECTORY ${SOURCE_DIR}
                  OUTPUT_VARIABLE changes ERROR_QUIET)
  if(changes)
    string(APPEND commit "-dirty")
  endif()
endif()
set(content "\"${commit}\"\n")
set(old "")
if(EXISTS ${OUT})
  file(READ ${OUT} old)
endif()
if(NOT old STREQUAL content)
  file(WRITE ${OUT} "${content}")
endif()
