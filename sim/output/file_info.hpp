#pragma once
// describeRunFile: the text `regsim info FILE` prints (no HDF5 in this header).

#include <string>

namespace regsim {

// Dimensions and their sizes, coordinates, datasets (dims, type), root attributes in written
// order (long texts shortened) and whether the file is complete; of a virtual merged file, the
// shard files it reads (one missing makes it not complete). Throws std::runtime_error if the
// file cannot be read.
std::string describeRunFile(const std::string& path);

}  // namespace regsim
