// The one source of the precompiled-header holder targets (cmake/precompiled_headers.cmake): CMake
// builds a target's precompiled header only as part of a target with a source to compile.
