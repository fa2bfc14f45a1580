# Unity builds (opt-in: -DHITLESS_UNITY=ON; scripts/test.sh, i.e. CI, turns it on): each target's
# sources are compiled in batches, one translation unit per batch, so the headers they share
# (the standard library, nlohmann/json, gtest, Boost.Asio in src/net) are parsed and their
# templates instantiated once per batch instead of once per file. Figures: docs/build.md.
#
# Off for everyday incremental builds: touching one file recompiles its whole batch.
#
# What it asks of the code: names with internal linkage (anonymous namespaces, static helpers,
# file-local constants and macros) must not collide between files of one target, because any
# files of a target may share a batch. A collision is a compile error in the unity build, never
# a silent change. A file that cannot share a batch sets SKIP_UNITY_BUILD_INCLUSION.
option(HITLESS_UNITY "Compile each target's sources in batches (unity build)" OFF)
if(HITLESS_UNITY)
  set(CMAKE_UNITY_BUILD ON)
  # Measured cold on 2 cores (docs/build.md): larger batches parse less but leave one core idle
  # at the end of the build while the last big batch compiles.
  set(CMAKE_UNITY_BUILD_BATCH_SIZE 8)
endif()
