#include "output/output_path.hpp"

#include <filesystem>
#include <stdexcept>
#include <system_error>

namespace regsim {

namespace {

// The same file by any path: equivalent() when both exist (links, ./, ../), otherwise the
// weakly canonical paths (an output that does not exist yet can be no existing input).
bool sameFile(const std::filesystem::path& a, const std::filesystem::path& b) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (fs::exists(a, ec) && fs::exists(b, ec)) {
        const bool same = fs::equivalent(a, b, ec);
        if (!ec) return same;
    }
    std::error_code ec_a, ec_b;
    const fs::path ca = fs::weakly_canonical(a, ec_a), cb = fs::weakly_canonical(b, ec_b);
    return !ec_a && !ec_b && ca == cb;
}

}  // namespace

void refuseInputAsOutput(const std::string& output, const std::vector<InputFile>& inputs) {
    for (const auto& input : inputs) {
        if (input.path.empty() || !sameFile(output, input.path)) continue;
        throw std::runtime_error(output + " is the " + input.role +
                                 "; write the output to another file (even --force does "
                                 "not overwrite an input)");
    }
}

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
