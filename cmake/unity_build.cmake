# Unity builds (opt-in: -DHITLESS_UNITY=ON; scripts/test.sh, i.e. CI, turns it on): each target's
# sources are compiled in batches, one translation unit per batch, so the headers they share
# (the standard library, nlohmann/json, gtest, Boost.Asio in src/net) are parsed and their
# templates instantiated once per batch instead of once per file.
#
# Measured (gcc 12, Debug, 2 cores shared with other builds, no ccache): the planner library and
# its tests (35 files) compile in 28 s instead of 80 s back to back. A whole cold dev build took
# 516 s in batches against 2701 s file by file, but the machine was about 2-4 times busier during
# the latter; about a third of what remains is the ~30 single-file test and benchmark programs,
# which batching cannot shrink. With HITLESS_PCH=ON as well the planner subset took 28 s too, so
# the shared precompiled header stays off.
#
# Off for everyday incremental builds: touching one file recompiles its whole batch (~8 files).
#
# What it asks of the code: names with internal linkage (anonymous namespaces, static helpers,
# file-local constants and macros) must not collide between files of one target, because any
# files of a target may share a batch. A collision is a compile error in the unity build, never
# a silent change. A file that cannot share a batch sets SKIP_UNITY_BUILD_INCLUSION.
option(HITLESS_UNITY "Compile each target's sources in batches (unity build)" OFF)
if(HITLESS_UNITY)
  set(CMAKE_UNITY_BUILD ON)
  # Larger batches parse less but leave a core idle while the last big batch compiles, and
  # need more memory per compiler (the largest Debug batch, src/net, takes ~40 s).
  set(CMAKE_UNITY_BUILD_BATCH_SIZE 8)
endif()
