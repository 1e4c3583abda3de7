#pragma once
// Test-only helpers: a fresh temp folder per test, and minimal HDF5 C API readers used to check
// written files independently of the writer's own code.

#include <gtest/gtest.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace regsim::test {

// A fresh folder under the system temp folder, removed when the test ends.
class TempDir {
  public:
    TempDir() {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        path_ = std::filesystem::temp_directory_path() /
                ("regsim_output_" + std::string(info->test_suite_name()) + "_" + info->name() +
                 "_" + std::to_string(::getpid()));
        std::filesystem::remove_all(path_);
        std::filesystem::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    std::string file(const std::string& name) const { return (path_ / name).string(); }
    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
};

// Opens a file read-only for the duration of a test. A .part with SWMR read access, as users
// must open a killed writer's .part (docs/output.md); a finished file as an ordinary reader.
class H5Reader {
  public:
    explicit H5Reader(const std::string& path) {
        const bool part = path.size() > 5 && path.compare(path.size() - 5, 5, ".part") == 0;
        file_ =
            H5Fopen(path.c_str(), H5F_ACC_RDONLY | (part ? H5F_ACC_SWMR_READ : 0u), H5P_DEFAULT);
        EXPECT_GE(file_, 0) << "cannot open " << path;
    }
    ~H5Reader() {
        if (file_ >= 0) H5Fclose(file_);
    }
    H5Reader(const H5Reader&) = delete;
    H5Reader& operator=(const H5Reader&) = delete;

    hid_t id() const { return file_; }
    bool has(const std::string& name) const {
        return H5Lexists(file_, name.c_str(), H5P_DEFAULT) > 0;
    }
    bool hasAttribute(const std::string& name) const { return H5Aexists(file_, name.c_str()) > 0; }

    std::vector<hsize_t> shape(const std::string& name) const {
        const hid_t ds = H5Dopen2(file_, name.c_str(), H5P_DEFAULT);
        const hid_t space = H5Dget_space(ds);
        std::vector<hsize_t> dims(static_cast<std::size_t>(H5Sget_simple_extent_ndims(space)));
        H5Sget_simple_extent_dims(space, dims.data(), nullptr);
        H5Sclose(space);
        H5Dclose(ds);
        return dims;
    }

    template <class T>
    std::vector<T> read(const std::string& name, hid_t mem_type) const {
        std::size_t n = 1;
        for (auto d : shape(name)) n *= d;
        std::vector<T> out(n);
        const hid_t ds = H5Dopen2(file_, name.c_str(), H5P_DEFAULT);
        if (n > 0) {
            EXPECT_GE(H5Dread(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), 0);
        }
        H5Dclose(ds);
        return out;
    }

    std::vector<std::string> readStrings(const std::string& name) const {
        const auto n = static_cast<std::size_t>(shape(name).at(0));
        std::vector<char*> raw(n, nullptr);
        const hid_t ds = H5Dopen2(file_, name.c_str(), H5P_DEFAULT);
        const hid_t type = H5Dget_type(ds);
        EXPECT_GT(H5Tis_variable_str(type), 0) << name << " should be variable-length";
        EXPECT_EQ(H5Tget_cset(type), H5T_CSET_UTF8) << name << " should be UTF-8";
        const hid_t mem = H5Tcopy(H5T_C_S1);
        H5Tset_size(mem, H5T_VARIABLE);
        H5Tset_cset(mem, H5T_CSET_UTF8);
        std::vector<std::string> out;
        if (n > 0 && H5Dread(ds, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()) >= 0) {
            for (char* s : raw) {
                out.emplace_back(s != nullptr ? s : "");
                H5free_memory(s);
            }
        }
        H5Tclose(mem);
        H5Tclose(type);
        H5Dclose(ds);
        return out;
    }

    // Root attribute (or attribute of dataset `object` when given) as a string.
    std::string stringAttribute(const std::string& name, const std::string& object = ".") const {
        const hid_t attr =
            H5Aopen_by_name(file_, object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT);
        EXPECT_GE(attr, 0) << "no attribute " << name << " on " << object;
        if (attr < 0) return {};
        const hid_t type = H5Aget_type(attr);
        EXPECT_GT(H5Tis_variable_str(type), 0) << name << " should be a variable-length string";
        char* text = nullptr;
        H5Aread(attr, type, &text);
        std::string out = text != nullptr ? text : "";
        H5free_memory(text);
        H5Tclose(type);
        H5Aclose(attr);
        return out;
    }

    template <class T>
    std::vector<T> numberAttribute(const std::string& name, hid_t mem_type,
                                   const std::string& object = ".") const {
        const hid_t attr =
            H5Aopen_by_name(file_, object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT);
        EXPECT_GE(attr, 0) << "no attribute " << name << " on " << object;
        if (attr < 0) return {};
        const hid_t space = H5Aget_space(attr);
        std::vector<T> out(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space)));
        H5Aread(attr, mem_type, out.data());
        H5Sclose(space);
        H5Aclose(attr);
        return out;
    }

    // Name (last path component) of the dimension scale attached to axis k of `name`.
    std::string dimension(const std::string& name, unsigned k) const {
        const hid_t ds = H5Dopen2(file_, name.c_str(), H5P_DEFAULT);
        std::string out;
        H5DSiterate_scales(
            ds, k, nullptr,
            [](hid_t, unsigned, hid_t scale, void* data) -> herr_t {
                char buf[256];
                H5Iget_name(scale, buf, sizeof buf);
                std::string path(buf);
                *static_cast<std::string*>(data) = path.substr(path.find_last_of('/') + 1);
                return 1;
            },
            &out);
        H5Dclose(ds);
        return out;
    }

  private:
    hid_t file_ = -1;
};

}  // namespace regsim::test
