# Shared precompiled headers (opt-in: -DHITLESS_PCH=ON), so the heavy common headers are parsed
# once per build instead of once per translation unit.
#
# Two holder targets each compile one header with the same flags as everything else (they are
# defined after the top-level add_compile_options), and every other target reuses one of them
# (REUSE_FROM): the test one (std + json + gtest) for test code, the library one (std + json)
# for the rest. Targets that set their own (hitless_net: Boost.Asio/Beast, then also std + json;
# hitless: CLI11) keep theirs. New targets are picked up without any change here:
# hitless_reuse_precompiled_headers() walks the directories after they are added.
#
# Why off by default (measured, Debug, gcc 12, CPU seconds, best of 3, machine loaded ~10 on 2
# cores): a unit that includes nlohmann/json (179 of the 269) gets cheaper, model/inventory.cpp
# 10.6 -> 7.4 s, because parsing is ~45% of its time (the rest, template instantiation and code
# generation, a precompiled header does not save); a unit that does not (64 of them) pays for
# loading the 118 MB header, common/durations.cpp 0.9 -> 2.4 s. Net roughly -20% of a build's
# compile CPU, but every preset had not been built through with it when this was written.
#
# -Winvalid-pch (a warning, never an error) reports a unit whose flags or definitions make gcc
# ignore the header and parse the text again: slower, never wrong.
option(HITLESS_PCH "Share precompiled headers (std, nlohmann/json, gtest) across targets" OFF)

set(HITLESS_PCH_STD
  <algorithm> <chrono> <cstdint> <filesystem> <fstream> <functional> <map> <memory> <optional> <set>
  <sstream> <string> <string_view> <utility> <vector>)

if(HITLESS_PCH)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    add_compile_options(-Winvalid-pch -Wno-error=invalid-pch)
  endif()
  add_library(hitless_pch_lib OBJECT ${PROJECT_SOURCE_DIR}/cmake/pch_anchor.cpp)
  target_link_libraries(hitless_pch_lib PRIVATE nlohmann_json::nlohmann_json)
  target_precompile_headers(hitless_pch_lib PRIVATE ${HITLESS_PCH_STD} <nlohmann/json.hpp>)
  if(HITLESS_BUILD_TESTS)
    add_library(hitless_pch_test OBJECT ${PROJECT_SOURCE_DIR}/cmake/pch_anchor.cpp)
    target_link_libraries(hitless_pch_test PRIVATE nlohmann_json::nlohmann_json GTest::gtest)
    target_precompile_headers(hitless_pch_test PRIVATE ${HITLESS_PCH_STD} <nlohmann/json.hpp> <gtest/gtest.h>)
  endif()
endif()

# Every C++ target under DIR (recursively) without a precompiled header of its own reuses the
# test holder if it links GoogleTest or lives in tests/, the library holder otherwise.
function(hitless_reuse_precompiled_headers dir)
  if(NOT HITLESS_PCH)
    return()
  endif()
  get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(sub IN LISTS subdirs)
    hitless_reuse_precompiled_headers(${sub})
  endforeach()
  get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  foreach(t IN LISTS targets)
    get_target_property(type ${t} TYPE)
    if(NOT type MATCHES "^(EXECUTABLE|STATIC_LIBRARY|OBJECT_LIBRARY|SHARED_LIBRARY)$"
       OR t MATCHES "^hitless_pch_")
      continue()
    endif()
    get_target_property(own ${t} PRECOMPILE_HEADERS)
    get_target_property(reused ${t} PRECOMPILE_HEADERS_REUSE_FROM)
    if(own OR reused)
      continue()
    endif()
    get_target_property(links ${t} LINK_LIBRARIES)
    if(TARGET hitless_pch_test AND (links MATCHES "GTest::" OR dir MATCHES "/tests$"))
      target_precompile_headers(${t} REUSE_FROM hitless_pch_test)
    else()
      target_precompile_headers(${t} REUSE_FROM hitless_pch_lib)
    endif()
  endforeach()
endfunction()
