#include "output/hdf5_handles.hpp"

#include <mutex>

namespace regsim::hdf5 {

void silenceErrorPrinting() {
    static std::once_flag once;
    std::call_once(once, [] { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); });
}

std::string lastError() {
    std::string message;
    H5Ewalk2(
        H5E_DEFAULT, H5E_WALK_DOWNWARD,
        [](unsigned, const H5E_error2_t* err, void* out) -> herr_t {
            if (err != nullptr && err->desc != nullptr && err->desc[0] != '\0') {
                *static_cast<std::string*>(out) = err->desc;  // keep the innermost
            }
            return 0;
        },
        &message);
    return message;
}

}  // namespace regsim::hdf5
