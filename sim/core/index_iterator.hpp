#pragma once
// IndexIterator: a forward iterator over a table that stores its rows packed and rebuilds each
// on reading (TieTable, EventLog): *it is table[k], by value, so range-for and the standard
// algorithms work as over a vector of the rows.

#include <cstddef>
#include <iterator>

namespace regsim {

template <typename Table, typename Value>
class IndexIterator {
  public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = Value;
    using difference_type = std::ptrdiff_t;
    using reference = Value;  // a proxy: rows are rebuilt on reading
    using pointer = void;

    IndexIterator() = default;
    IndexIterator(const Table* table, std::size_t k) : table_(table), k_(k) {}

    Value operator*() const { return (*table_)[k_]; }
    IndexIterator& operator++() {
        ++k_;
        return *this;
    }
    IndexIterator operator++(int) {
        auto old = *this;
        ++k_;
        return old;
    }
    bool operator==(const IndexIterator& o) const { return k_ == o.k_; }

  private:
    const Table* table_ = nullptr;
    std::size_t k_ = 0;
};

}  // namespace regsim
