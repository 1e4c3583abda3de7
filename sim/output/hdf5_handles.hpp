#pragma once
// RAII handles for HDF5 ids and error helpers. Private to the output layer's .cpp files: it
// includes hdf5.h, which no public header may (the build enforces it: HDF5 is PRIVATE here).

#include <hdf5.h>

#include <stdexcept>
#include <string>
#include <utility>

namespace regsim::hdf5 {

// Silences HDF5's own printing of error stacks (once per process): every failure becomes an
// exception carrying lastError() instead.
void silenceErrorPrinting();

// The innermost message of the current thread's HDF5 error stack, or "".
std::string lastError();

[[noreturn]] inline void fail(const std::string& what) {
    const std::string detail = lastError();
    throw std::runtime_error(detail.empty() ? what : what + " (" + detail + ")");
}

inline void check(herr_t status, const std::string& what) {
    if (status < 0) fail(what);
}

// Owns one hid_t and closes it with Close. Move-only.
template <herr_t (*Close)(hid_t)>
class Handle {
  public:
    Handle() = default;
    // Takes ownership of `id`; throws with `what` if it is invalid (a failed H5*create/open).
    Handle(hid_t id, const std::string& what) : id_(id) {
        if (id_ < 0) fail(what);
    }
    ~Handle() { reset(); }
    Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, H5I_INVALID_HID)) {}
    Handle& operator=(Handle&& other) noexcept {
        if (this != &other) {
            reset();
            id_ = std::exchange(other.id_, H5I_INVALID_HID);
        }
        return *this;
    }
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;

    hid_t get() const { return id_; }
    explicit operator bool() const { return id_ >= 0; }
    void reset() noexcept {
        if (id_ >= 0) Close(id_);
        id_ = H5I_INVALID_HID;
    }
    // Closes now and reports a failure (closing a file flushes it).
    void close(const std::string& what) {
        const hid_t id = std::exchange(id_, H5I_INVALID_HID);
        if (id >= 0) check(Close(id), what);
    }

  private:
    hid_t id_ = H5I_INVALID_HID;
};

using File = Handle<H5Fclose>;
using Dataset = Handle<H5Dclose>;
using Dataspace = Handle<H5Sclose>;
using Datatype = Handle<H5Tclose>;
using PropertyList = Handle<H5Pclose>;
using Attribute = Handle<H5Aclose>;

// Variable-length UTF-8 string type: xarray reads it back as str (fixed-length gives bytes).
inline Datatype utf8StringType() {
    Datatype type(H5Tcopy(H5T_C_S1), "H5Tcopy");
    check(H5Tset_size(type.get(), H5T_VARIABLE), "H5Tset_size");
    check(H5Tset_cset(type.get(), H5T_CSET_UTF8), "H5Tset_cset");
    return type;
}

}  // namespace regsim::hdf5
