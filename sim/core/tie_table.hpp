#pragma once
// TieTable: a scenario's undirected influence ties, in order, 8 bytes each while every weight
// is 1 (generated networks, most edge lists) and 16 once one is not. A Watts world of 1e7
// states has 2e7 ties: 0.16 GB this way, 0.32 GB as TieSpecs (docs/performance.md, "Watts
// cascade"). Reading gives TieSpecs by value, exactly as they were added.

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <utility>
#include <vector>

#include "core/ids.hpp"
#include "core/index_iterator.hpp"

namespace regsim {

struct TieSpec {  // undirected influence tie
    StateIndex a = 0, b = 0;
    double weight = 1.0;
};

class TieTable {
  public:
    using const_iterator = IndexIterator<TieTable, TieSpec>;

    TieTable() = default;
    // From a generator's or a reader's list (implicit: `sc.ties = generateErdosRenyi(...)`).
    TieTable(const std::vector<TieSpec>& ties) {  // NOLINT(google-explicit-constructor)
        reserve(ties.size());
        for (const auto& t : ties) push_back(t);
    }

    void push_back(const TieSpec& t) {
        checkHeld();
        if (t.weight != 1.0) storeWeights();
        ends_.emplace_back(t.a, t.b);
        if (weighted_) weights_.push_back(t.weight);
    }
    void setWeight(std::size_t k, double weight) {
        checkHeld();
        if (weight != 1.0) storeWeights();
        if (weighted_) weights_[k] = weight;
    }
    void reserve(std::size_t ties) { ends_.reserve(ties); }
    void clear() {
        ends_.clear();
        weights_.clear();
        weighted_ = false;
        released_ = false;
        released_count_ = 0;
    }
    // Frees the ties once the topology holds them (its influence graph has every one): the
    // CLI's run does, 160 MB at N = 1e7. size() still counts them; reading one, or adding one,
    // then throws std::logic_error instead of finding none.
    void release() {
        released_count_ = size();
        released_ = true;
        std::vector<std::pair<StateIndex, StateIndex>>().swap(ends_);
        std::vector<double>().swap(weights_);
    }
    bool released() const { return released_; }

    std::size_t size() const { return released_ ? released_count_ : ends_.size(); }
    bool empty() const { return size() == 0; }
    TieSpec operator[](std::size_t k) const {
        checkHeld();
        return TieSpec{ends_[k].first, ends_[k].second, weighted_ ? weights_[k] : 1.0};
    }
    TieSpec front() const { return (*this)[0]; }
    TieSpec back() const { return (*this)[size() - 1]; }
    const_iterator begin() const {
        checkHeld();
        return {this, 0};
    }
    const_iterator end() const { return {this, ends_.size()}; }

  private:
    void checkHeld() const {
        if (released_) throw std::logic_error("the scenario's tie list was released");
    }
    // From now on every tie's weight is stored (the earlier ones are 1).
    void storeWeights() {
        if (weighted_) return;
        weights_.assign(ends_.size(), 1.0);
        weighted_ = true;
    }

    std::vector<std::pair<StateIndex, StateIndex>> ends_;
    std::vector<double> weights_;  // one per tie once weighted_, else empty (every weight 1)
    bool weighted_ = false;
    bool released_ = false;
    std::size_t released_count_ = 0;  // size() after release()
};

}  // namespace regsim
