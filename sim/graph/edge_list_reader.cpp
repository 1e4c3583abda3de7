#include "graph/edge_list_reader.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <optional>
#include <stdexcept>

#include "core/text_hash.hpp"
#include "graph/state_ids.hpp"
#include "graph/tie_list.hpp"

namespace regsim {

namespace {

// One data line split into at most 4 fields (a 4th means "too many").
struct Fields {
    std::array<std::string_view, 4> field;
    std::size_t count = 0;
    std::string_view line;  // the fields point into it: their columns for errors

    // 1-based column of field k in the line (one past the end for a missing field).
    std::size_t column(std::size_t k) const {
        if (k >= count) return line.size() + 1;
        return static_cast<std::size_t>(field[k].data() - line.data()) + 1;
    }
};

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
    return s;
}

Fields split(std::string_view line) {
    Fields f;
    f.line = line;
    if (line.find(',') != std::string_view::npos) {
        while (f.count < 4) {
            const auto comma = line.find(',');
            f.field[f.count++] = trim(line.substr(0, comma));
            if (comma == std::string_view::npos) break;
            line.remove_prefix(comma + 1);
        }
    } else {
        std::size_t i = 0;
        while (f.count < 4) {
            while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
            if (i == line.size()) break;
            const std::size_t start = i;
            while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
            f.field[f.count++] = trim(line.substr(start, i - start));
        }
    }
    return f;
}

bool equalsLower(std::string_view s, std::string_view lower) {
    if (s.size() != lower.size()) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i] >= 'A' && s[i] <= 'Z' ? static_cast<char>(s[i] - 'A' + 'a') : s[i];
        if (c != lower[i]) return false;
    }
    return true;
}

bool isHeader(const Fields& f) {
    if (f.count >= 3 && equalsLower(f.field[2], "weight")) return true;
    if (f.count < 2) return false;
    static constexpr std::array<std::array<std::string_view, 2>, 4> names{
        {{"source", "target"}, {"from", "to"}, {"a", "b"}, {"u", "v"}}};
    for (const auto& [a, b] : names) {
        if (equalsLower(f.field[0], a) && equalsLower(f.field[1], b)) return true;
    }
    return false;
}

// Iterates over data lines (comments, blank lines removed), giving 1-based line numbers.
class LineReader {
  public:
    explicit LineReader(std::string_view text) : text_(text) {}

    // Fast path for the common "int,int[,weight]\n" line: parses it and moves past it, or
    // returns false without moving (anything unusual goes through next()).
    bool nextPlainIntegers(std::uint64_t& a, std::uint64_t& b, double& weight) {
        const char* p = text_.data() + pos_;
        const char* end = text_.data() + text_.size();
        auto ra = std::from_chars(p, end, a);
        if (ra.ec != std::errc() || ra.ptr == end || *ra.ptr != ',') return false;
        auto rb = std::from_chars(ra.ptr + 1, end, b);
        if (rb.ec != std::errc()) return false;
        const char* q = rb.ptr;
        if (q != end && *q == ',') {
            auto rw = std::from_chars(q + 1, end, weight);
            if (rw.ec != std::errc() || !std::isfinite(weight) || !(weight > 0.0)) return false;
            q = rw.ptr;
        }
        if (q != end && *q != '\n') return false;
        if (a == b || a >= kNone || b >= kNone) return false;  // next() reports these
        pos_ = static_cast<std::size_t>(q - text_.data()) + 1;
        ++line_;
        return true;
    }

    bool next(std::string_view& line, std::size_t& number) {
        while (pos_ < text_.size()) {
            const char* begin = text_.data() + pos_;
            const void* nl = std::memchr(begin, '\n', text_.size() - pos_);
            const std::size_t len =
                nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - begin)
                   : text_.size() - pos_;
            pos_ += len + 1;
            ++line_;
            std::string_view l(begin, len);
            if (const auto hash = l.find('#'); hash != std::string_view::npos)
                l = l.substr(0, hash);
            if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
            if (trim(l).empty()) continue;
            line = l;
            number = line_;
            return true;
        }
        return false;
    }

  private:
    std::string_view text_;
    std::size_t pos_ = 0;
    std::size_t line_ = 0;
};

// Upper bound on the data lines, so the tie vector is allocated once.
std::size_t lineCount(std::string_view text) {
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
}

[[noreturn]] void fail(const std::string& name, std::size_t line, std::size_t column,
                       const std::string& what) {
    throw std::runtime_error(name + ":" + std::to_string(line) + ":" + std::to_string(column) +
                             ": " + what);
}

double parseWeight(const Fields& f, double default_weight, const std::string& name,
                   std::size_t line) {
    if (f.count < 3) return default_weight;
    const std::string_view s = f.field[2];
    double w = 0.0;
    const auto res = std::from_chars(s.data(), s.data() + s.size(), w);
    if (res.ec != std::errc() || res.ptr != s.data() + s.size() || !std::isfinite(w) ||
        !(w > 0.0)) {
        fail(name, line, f.column(2), "bad weight '" + std::string(s) + "' (must be a number > 0)");
    }
    return w;
}

void checkFieldCount(const Fields& f, const std::string& name, std::size_t line) {
    if (f.count < 2) fail(name, line, f.column(1), "missing column: expected 'id,id[,weight]'");
    if (f.count > 3) fail(name, line, f.column(3), "too many columns: expected 'id,id[,weight]'");
    for (std::size_t k = 0; k < 2; ++k)
        if (f.field[k].empty()) fail(name, line, f.column(k), "empty id");
}

// Pass 1, integer ids: parses as long as every id is a decimal integer. Returns nullopt at
// the first other id so that the caller starts over with literal ids.
std::optional<GeneratedNetwork> parseIntegerIds(std::string_view text, const std::string& name,
                                                const std::vector<std::string>& existing,
                                                double default_weight) {
    std::vector<TieSpec> ties;
    ties.reserve(lineCount(text));
    std::uint64_t max_id = 0;
    LineReader reader(text);
    std::string_view line;
    std::size_t number = 0;
    bool first = true;
    while (true) {
        std::array<std::uint64_t, 2> id{};
        double w = default_weight;
        if (reader.nextPlainIntegers(id[0], id[1], w)) {
            first = false;
            max_id = std::max({max_id, id[0], id[1]});
            ties.push_back({static_cast<StateIndex>(id[0]), static_cast<StateIndex>(id[1]), w});
            continue;
        }
        if (!reader.next(line, number)) break;
        const Fields f = split(line);
        if (first && isHeader(f)) {
            first = false;
            continue;
        }
        first = false;
        checkFieldCount(f, name, number);
        for (int k = 0; k < 2; ++k) {
            const std::string_view s = f.field[k];
            if (!isIntegerId(s)) return std::nullopt;
            const auto res = std::from_chars(s.data(), s.data() + s.size(), id[k]);
            if (res.ec != std::errc() || id[k] >= kNone) {
                fail(name, number, f.column(k), "integer id '" + std::string(s) + "' is too large");
            }
        }
        if (id[0] == id[1])
            fail(name, number, f.column(1), "self-loop on '" + std::string(f.field[0]) + "'");
        w = parseWeight(f, default_weight, name, number);
        max_id = std::max({max_id, id[0], id[1]});
        ties.push_back({static_cast<StateIndex>(id[0]), static_cast<StateIndex>(id[1]), w});
    }
    GeneratedNetwork net;
    if (ties.empty()) return net;
    std::vector<StateIndex> map;  // S0..S{max} as one block when no S-state is listed
    try {
        map = mapIntegerIds(max_id, existing, net.new_state_ids, net.generated);
    } catch (const std::exception& e) {
        throw std::runtime_error(name + ": " + e.what());
    }
    for (auto& t : ties) {
        t.a = map[t.a];
        t.b = map[t.b];
    }
    const auto vertex_count =
        static_cast<std::uint32_t>(existing.size() + net.new_state_ids.size() + net.generated);
    canonicalizeTies(ties, vertex_count, DuplicateTies::add_weights);
    net.ties = std::move(ties);
    return net;
}

GeneratedNetwork parseNamedIds(std::string_view text, const std::string& name,
                               const std::vector<std::string>& existing, double default_weight) {
    std::vector<TieSpec> ties;
    NamedIdMap ids(existing);
    LineReader reader(text);
    std::string_view line;
    std::size_t number = 0;
    bool first = true;
    while (reader.next(line, number)) {
        const Fields f = split(line);
        if (first && isHeader(f)) {
            first = false;
            continue;
        }
        first = false;
        checkFieldCount(f, name, number);
        if (f.field[0] == f.field[1]) {
            fail(name, number, f.column(1), "self-loop on '" + std::string(f.field[0]) + "'");
        }
        const double w = parseWeight(f, default_weight, name, number);
        try {
            ties.push_back({ids.index(f.field[0]), ids.index(f.field[1]), w});
        } catch (const std::exception& e) {
            fail(name, number, f.column(0), e.what());
        }
    }
    GeneratedNetwork net;
    net.new_state_ids = std::move(ids.newStateIds());
    const auto vertex_count =
        static_cast<std::uint32_t>(existing.size() + net.new_state_ids.size());
    canonicalizeTies(ties, vertex_count, DuplicateTies::add_weights);
    net.ties = std::move(ties);
    return net;
}

}  // namespace

GeneratedNetwork parseEdgeList(std::string_view text, const std::string& name,
                               const std::vector<std::string>& existing_state_ids,
                               double default_weight) {
    // A UTF-8 byte-order mark (Excel's "CSV UTF-8"): not part of the first id or header.
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    if (auto net = parseIntegerIds(text, name, existing_state_ids, default_weight)) {
        return std::move(*net);
    }
    return parseNamedIds(text, name, existing_state_ids, default_weight);
}

GeneratedNetwork readEdgeList(const std::string& path,
                              const std::vector<std::string>& existing_state_ids,
                              double default_weight) {
    // The file is mapped, not copied: 4e7 lines are ~0.6 GB, parsed in place with from_chars.
    const int fd = ::open(path.c_str(), O_RDONLY);
    if (fd < 0) throw std::runtime_error(path + ": cannot open edge list: " + std::strerror(errno));
    struct stat info {};
    if (::fstat(fd, &info) != 0) {
        ::close(fd);
        throw std::runtime_error(path + ": cannot stat edge list: " + std::strerror(errno));
    }
    const auto size = static_cast<std::size_t>(info.st_size);
    if (size == 0) {
        ::close(fd);
        auto net = parseEdgeList({}, path, existing_state_ids, default_weight);
        net.content_hash = hex16(fnv1a64({}));
        return net;
    }
    void* data = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (data == MAP_FAILED) {
        throw std::runtime_error(path + ": cannot map edge list: " + std::strerror(errno));
    }
    ::madvise(data, size, MADV_SEQUENTIAL);
    struct Unmap {
        void* data;
        std::size_t size;
        ~Unmap() { ::munmap(data, size); }
    } unmap{data, size};
    const std::string_view bytes(static_cast<const char*>(data), size);
    auto net = parseEdgeList(bytes, path, existing_state_ids, default_weight);
    net.content_hash = hex16(fnv1a64(bytes));
    return net;
}

}  // namespace regsim
