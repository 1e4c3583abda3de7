#pragma once
// Refuse to clobber an existing output file, or the unfinished NAME.part of one, unless asked to
// (no HDF5 here).

#include <string>

namespace regsim {

// Throws std::runtime_error("OUT exists; use --force to overwrite") if `path` exists and
// !force, and likewise if `path`.part exists (a killed run or sweep keeps its flushed data
// there); creates the parent folder if it is missing. With force the old file stays until the
// new one is complete (the writer renames NAME.part over it).
void prepareOutputPath(const std::string& path, bool force);

}  // namespace regsim
