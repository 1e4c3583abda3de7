#pragma once
// Refuse to clobber an existing output file, or the unfinished NAME.part of one, unless asked to,
// and an input file even then (no HDF5 here).

#include <string>
#include <vector>

namespace regsim {

// An input a command reads, named for the message: {"scenario file", "west_africa.toml"}.
struct InputFile {
    std::string role;
    std::string path;
};

// Throws std::runtime_error("OUT is the ROLE; write the output to another file (...)") if
// `output` is one of `inputs` (the same file, by any path; empty paths are skipped): writing it
// would destroy what is being read, so even --force does not allow it.
void refuseInputAsOutput(const std::string& output, const std::vector<InputFile>& inputs);

// Throws std::runtime_error("OUT exists; use --force to overwrite") if `path` exists and
// !force, and likewise if `path`.part exists (a killed run or sweep keeps its flushed data
// there); creates the parent folder if it is missing. With force the old file stays until the
// new one is complete (the writer renames NAME.part over it).
void prepareOutputPath(const std::string& path, bool force);

}  // namespace regsim
