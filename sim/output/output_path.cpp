#include "output/output_path.hpp"

#include <filesystem>
#include <stdexcept>
#include <system_error>

namespace regsim {

void prepareOutputPath(const std::string& path, bool force) {
    namespace fs = std::filesystem;
    if (path.empty()) throw std::runtime_error("output path is empty");
    const fs::path out(path);
    std::error_code ec;
    if (fs::is_directory(out, ec)) throw std::runtime_error(path + " is a folder, not a file");
    if (fs::exists(out, ec) && !force) {
        throw std::runtime_error(path + " exists; use --force to overwrite");
    }
    if (fs::exists(path + ".part", ec) && !force) {
        throw std::runtime_error(path +
                                 ".part exists (an unfinished file; `regsim info` shows what it "
                                 "holds): use --force to replace it");
    }
    const fs::path parent = out.parent_path();
    if (!parent.empty() && !fs::exists(parent, ec)) {
        fs::create_directories(parent, ec);
        if (ec) {
            throw std::runtime_error("cannot create folder " + parent.string() + ": " +
                                     ec.message());
        }
    }
}

}  // namespace regsim
