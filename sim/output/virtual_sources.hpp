#pragma once
// The source files of a file's virtual datasets (`regsim merge --virtual`), found as HDF5 finds
// them. Private to the output layer's .cpp files: it names hid_t.

#include <hdf5.h>

#include <string>
#include <vector>

namespace regsim {

struct VirtualSourceFile {
    std::string name;  // as the virtual datasets store it (merge: relative to the file's folder)
    std::string resolved;  // the file HDF5 reads for it, or "" if none: it then reads fill values
};

// The distinct source files of the virtual datasets in the root group of `file` (opened from
// `path`), in the order first mapped; empty for a file without virtual datasets. The file
// itself (source name ".") is left out.
std::vector<VirtualSourceFile> virtualSourceFiles(hid_t file, const std::string& path);

}  // namespace regsim
