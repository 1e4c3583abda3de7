// TOML -> Scenario. Reading order: [scenario] (axes fix D), [model], [state_defaults],
// [[state]], [network] (appends generated states, so "all" sees them), [[institution]],
// [[membership]], [[tie]], [[link]], [[substitution]], [[patron]], [[event]].
// Key paths in errors: id-keyed tables use "state.MLI.sovereignty" (the same path as --set),
// others and elements without a usable id use "event[2].date" (0-based, file order).

#include "scenario/scenario_loader.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <unordered_map>
#include <utility>

#include "core/closest_match.hpp"
#include "core/format_number.hpp"
#include "core/rng.hpp"
#include "graph/network_builder.hpp"

namespace regsim {

namespace {

using Keys = std::vector<std::string>;

// Valid keys per table (also the --set vocabulary).
const Keys kTopKeys = {"scenario",     "model",      "state", "state_defaults",
                       "institution",  "membership", "tie",   "link",
                       "substitution", "patron",     "event", "network"};
const Keys kScenarioKeys = {"name", "description", "start", "steps", "replicates", "seed", "axes"};
const Keys kStateKeys = {
    "id",     "name",  "sovereignty", "sovereignty_baseline", "alignment", "alignment_baseline",
    "regime", "weight"};
const Keys kStateDefaultsKeys = {
    "sovereignty", "sovereignty_baseline", "alignment", "alignment_baseline", "regime", "weight"};
const Keys kInstitutionKeys = {"id",
                               "name",
                               "kind",
                               "orientation",
                               "benefit",
                               "sovereignty_cost",
                               "notice_months",
                               "democracy_clause",
                               "sanction",
                               "quorum",
                               "coordinated_exit",
                               "coordination_share",
                               "latent",
                               "members",
                               "founding"};
const Keys kFoundingKeys = {"candidates",        "min_founders",      "require_military",
                            "require_suspended", "require_connected", "delay_months"};
const Keys kMembershipKeys = {"state",  "institution", "benefit", "sovereignty_cost",
                              "status", "sanction"};
const Keys kTieKeys = {"a", "b", "weight"};
const Keys kLinkKeys = {"from", "to", "weight"};
const Keys kSubstitutionKeys = {"alternative", "replaces", "weight"};
const Keys kPatronKeys = {"id", "name", "orientation", "engagement"};
const Keys kNetworkKeys = {"kind",         "states", "mean_degree", "rewiring", "blocks",
                           "within_share", "weight", "path",        "seed"};

Keys modelKeys() {
    Keys keys;
    for (const auto& f : modelFloatKeys()) keys.emplace_back(f.key);
    keys.emplace_back("military_alignment_shift");
    keys.emplace_back("linkage_counts_announcements");
    return keys;
}

Keys without(const Keys& keys, const std::string& drop) {
    Keys out;
    for (const auto& k : keys) {
        if (k != drop) out.push_back(k);
    }
    return out;
}

bool contains(const Keys& keys, std::string_view k) {
    return std::find(keys.begin(), keys.end(), k) != keys.end();
}

// ---- formatting -------------------------------------------------------------------------

std::string join(const Keys& items, std::size_t max_items = 40) {
    std::string out;
    for (std::size_t i = 0; i < items.size() && i < max_items; ++i) {
        if (i) out += ", ";
        out += items[i];
    }
    if (items.size() > max_items) out += ", ... (" + std::to_string(items.size()) + " in all)";
    return out;
}

// "; did you mean 'x'?" when one candidate is close (at most a third of the word's letters,
// capped at 3 edits), else "".
std::string suggestion(std::string_view word, const Keys& candidates) {
    const std::size_t limit = std::clamp<std::size_t>(word.size() / 3, 1, 3);
    const std::string best_word = closestMatch(word, candidates, limit);
    return best_word.empty() ? "" : "; did you mean '" + best_word + "'?";
}

const char* typeName(toml::node_type t) {
    switch (t) {
        case toml::node_type::table:
            return "a table";
        case toml::node_type::array:
            return "an array";
        case toml::node_type::string:
            return "a string";
        case toml::node_type::integer:
            return "an integer";
        case toml::node_type::floating_point:
            return "a float";
        case toml::node_type::boolean:
            return "a boolean";
        case toml::node_type::date:
            return "a date";
        case toml::node_type::time:
            return "a time";
        case toml::node_type::date_time:
            return "a date-time";
        default:
            return "nothing";
    }
}

// How to write a month: an unquoted 2024-03-01 is a TOML date, not the string "YYYY-MM" that
// every month key holds. `key` names the example's key; `month` its value.
std::string monthHint(std::string_view key, const std::string& month = "2024-03") {
    return "; months are written as strings \"YYYY-MM\" (e.g. " + std::string(key) + " = \"" +
           month + "\")";
}

// monthHint() when a month key (scenario.start, event[i].date) holds a TOML date, time or
// date-time, else "": the example uses the key's name and, when the value has one, its month.
std::string monthHintFor(const toml::node& n, const std::string& key_path) {
    const std::string leaf = key_path.substr(key_path.rfind('.') + 1);
    if (leaf != "start" && leaf != "date") return "";
    std::optional<toml::date> date;
    if (const auto* d = n.as_date()) date = d->get();
    if (const auto* dt = n.as_date_time()) date = dt->get().date;
    if (!date && !n.is_time()) return "";
    char month[16] = "2024-03";
    if (date) std::snprintf(month, sizeof month, "%04d-%02d", int(date->year), int(date->month));
    return monthHint(leaf, month);
}

// The loader's ranges are those of [model] (core/params.hpp): one type, one holds() and str().
using Range = ParamRange;
constexpr Range kFinite{-kInfinity, kInfinity, true, true};
constexpr Range kUnit{0, 1};
constexpr Range kSigned{-1, 1};
constexpr Range kNonNegative{0, kInfinity, false, true};  // finite
constexpr Range kPositive{0, kInfinity, true, true};      // finite
constexpr Range kShare{0, 1, true};

struct IntRange {
    std::int64_t lo, hi;
};
constexpr std::int64_t kU32Max = std::numeric_limits<std::uint32_t>::max();
constexpr std::int64_t kI64Max = std::numeric_limits<std::int64_t>::max();
constexpr IntRange kCount{0, kU32Max};
constexpr IntRange kPositiveCount{1, kU32Max};

// ---- locations --------------------------------------------------------------------------

struct Loc {
    std::string file;
    int line = 0;
    int column = 0;
};

class Context {
  public:
    explicit Context(std::string path) : path_(std::move(path)) {}

    const std::string& path() const { return path_; }

    Loc locOf(const toml::source_region& s) const {
        return {s.path ? *s.path : path_, static_cast<int>(s.begin.line),
                static_cast<int>(s.begin.column)};
    }
    // Nodes made by --set (tables created to hold an override) have no source; they carry
    // the override's location instead.
    Loc locOf(const toml::node& n) const {
        if (const auto it = fallback_.find(&n); it != fallback_.end()) return it->second;
        if (n.source().begin.line == 0) return {path_, 1, 1};
        return locOf(n.source());
    }
    Loc locOf(const toml::key& k, const toml::node& value) const {
        return k.source().begin.line == 0 ? locOf(value) : locOf(k.source());
    }
    void setFallback(const toml::node* n, Loc loc) { fallback_[n] = std::move(loc); }

    [[noreturn]] void fail(const Loc& loc, const std::string& key, const std::string& msg) const {
        throw ScenarioError(loc.file, loc.line, loc.column, key, msg);
    }
    [[noreturn]] void fail(const toml::node& n, const std::string& key,
                           const std::string& msg) const {
        fail(locOf(n), key, msg);
    }

  private:
    std::string path_;
    std::map<const toml::node*, Loc> fallback_;
};

// ---- typed reads of one node -------------------------------------------------------------

std::string unknownKeyMessage(std::string_view key, const Keys& valid, std::string_view where) {
    return "unknown key '" + std::string(key) + "' in " + std::string(where) +
           suggestion(key, valid) + " (valid keys: " + join(valid) + ")";
}

double asFloat(const Context& ctx, const toml::node& n, const std::string& key, Range range) {
    double v = 0;
    if (const auto* i = n.as_integer()) {
        v = static_cast<double>(i->get());
    } else if (const auto* f = n.as_floating_point()) {
        v = f->get();
    } else {
        ctx.fail(n, key, std::string("expected a float, got ") + typeName(n.type()));
    }
    if (!range.holds(v)) ctx.fail(n, key, formatDouble(v) + " is outside " + range.str());
    return v;
}

std::int64_t asInt(const Context& ctx, const toml::node& n, const std::string& key,
                   IntRange range) {
    const auto* i = n.as_integer();
    if (!i) ctx.fail(n, key, std::string("expected an integer, got ") + typeName(n.type()));
    const std::int64_t v = i->get();
    if (v < range.lo || v > range.hi) {
        ctx.fail(n, key,
                 std::to_string(v) + " is outside [" + std::to_string(range.lo) + ", " +
                     std::to_string(range.hi) + "]");
    }
    return v;
}

bool asBool(const Context& ctx, const toml::node& n, const std::string& key) {
    const auto* b = n.as_boolean();
    if (!b) ctx.fail(n, key, std::string("expected a boolean, got ") + typeName(n.type()));
    return b->get();
}

std::string asString(const Context& ctx, const toml::node& n, const std::string& key) {
    const auto* s = n.as_string();
    if (!s) {
        ctx.fail(
            n, key,
            std::string("expected a string, got ") + typeName(n.type()) + monthHintFor(n, key));
    }
    return s->get();
}

const toml::array& asArray(const Context& ctx, const toml::node& n, const std::string& key) {
    const auto* a = n.as_array();
    if (!a) ctx.fail(n, key, std::string("expected an array, got ") + typeName(n.type()));
    return *a;
}

std::vector<double> asFloatVector(const Context& ctx, const toml::node& n, const std::string& key,
                                  std::size_t size, const Keys& axes, Range range) {
    const auto& a = asArray(ctx, n, key);
    if (a.size() != size) {
        ctx.fail(n, key,
                 "expected " + std::to_string(size) + " values (one per axis: " + join(axes) +
                     "), got " + std::to_string(a.size()));
    }
    std::vector<double> out;
    for (std::size_t k = 0; k < a.size(); ++k) {
        out.push_back(asFloat(ctx, a[k], key + "[" + std::to_string(k) + "]", range));
    }
    return out;
}

// "YYYY-MM" -> (year, month).
std::optional<std::pair<int, int>> parseYearMonth(std::string_view s) {
    if (s.size() != 7 || s[4] != '-') return std::nullopt;
    for (std::size_t i : {0, 1, 2, 3, 5, 6}) {
        if (!std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
    }
    const int year = std::stoi(std::string(s.substr(0, 4)));
    const int month = std::stoi(std::string(s.substr(5, 2)));
    if (month < 1 || month > 12) return std::nullopt;
    return std::make_pair(year, month);
}

bool isIdentifier(std::string_view s, bool allow_dash) {
    if (s.empty()) return false;
    return std::all_of(s.begin(), s.end(), [&](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || (allow_dash && c == '-');
    });
}

// ---- one table, read with its key path ---------------------------------------------------

class TableView {
  public:
    TableView(const Context& ctx, const toml::table& table, std::string path)
        : ctx_(ctx), table_(table), path_(std::move(path)) {}

    const std::string& path() const { return path_; }
    Loc loc() const { return ctx_.locOf(table_); }
    std::string key(std::string_view k) const {
        return path_.empty() ? std::string(k) : path_ + "." + std::string(k);
    }
    const toml::node* get(std::string_view k) const { return table_.get(k); }

    // The first unknown key in file order is the error.
    void checkKeys(const Keys& valid, std::string_view where) const {
        const toml::key* bad = nullptr;
        const toml::node* bad_value = nullptr;
        for (const auto& [k, v] : table_) {
            if (contains(valid, k.str())) continue;
            const auto& s = k.source().begin;
            if (!bad || std::make_pair(s.line, s.column) <
                            std::make_pair(bad->source().begin.line, bad->source().begin.column)) {
                bad = &k;
                bad_value = &v;
            }
        }
        if (bad) {
            std::string msg = unknownKeyMessage(bad->str(), valid, where);
            if (!path_.empty() && contains(kTopKeys, bad->str())) {
                msg += "; a top-level '" + std::string(bad->str()) +
                       "' must come before the first [table] header";
            }
            ctx_.fail(ctx_.locOf(*bad, *bad_value), key(bad->str()), msg);
        }
    }

    [[noreturn]] void missing(std::string_view k) const {
        ctx_.fail(loc(), key(k), "missing required key '" + std::string(k) + "'");
    }
    [[noreturn]] void failAt(std::string_view k, const std::string& msg) const {
        if (const auto* n = get(k)) ctx_.fail(*n, key(k), msg);
        ctx_.fail(loc(), key(k), msg);
    }

    std::optional<double> optFloat(std::string_view k, Range r) const {
        const auto* n = get(k);
        return n ? std::optional(asFloat(ctx_, *n, key(k), r)) : std::nullopt;
    }
    double getFloat(std::string_view k, double def, Range r) const {
        return optFloat(k, r).value_or(def);
    }
    std::optional<std::int64_t> optInt(std::string_view k, IntRange r) const {
        const auto* n = get(k);
        return n ? std::optional(asInt(ctx_, *n, key(k), r)) : std::nullopt;
    }
    std::int64_t getInt(std::string_view k, std::int64_t def, IntRange r) const {
        return optInt(k, r).value_or(def);
    }
    std::int64_t reqInt(std::string_view k, IntRange r) const {
        if (auto v = optInt(k, r)) return *v;
        missing(k);
    }
    bool getBool(std::string_view k, bool def) const {
        const auto* n = get(k);
        return n ? asBool(ctx_, *n, key(k)) : def;
    }
    std::optional<std::string> optString(std::string_view k) const {
        const auto* n = get(k);
        return n ? std::optional(asString(ctx_, *n, key(k))) : std::nullopt;
    }
    std::string reqString(std::string_view k) const {
        if (auto v = optString(k)) return *v;
        missing(k);
    }
    std::optional<std::vector<double>> optVector(std::string_view k, std::size_t size,
                                                 const Keys& axes, Range r) const {
        const auto* n = get(k);
        if (!n) return std::nullopt;
        return asFloatVector(ctx_, *n, key(k), size, axes, r);
    }
    // A one-of string, e.g. regime = "civilian" | "military".
    std::optional<std::size_t> optChoice(std::string_view k, const Keys& choices) const {
        const auto s = optString(k);
        if (!s) return std::nullopt;
        for (std::size_t i = 0; i < choices.size(); ++i) {
            if (choices[i] == *s) return i;
        }
        failAt(k, "'" + *s + "' is not one of " + join(choices) + suggestion(*s, choices));
    }
    const toml::table* optTable(std::string_view k) const {
        const auto* n = get(k);
        if (!n) return nullptr;
        if (!n->is_table()) {
            ctx_.fail(*n, key(k), std::string("expected a table, got ") + typeName(n->type()));
        }
        return n->as_table();
    }

  private:
    const Context& ctx_;
    const toml::table& table_;
    std::string path_;
};

// ---- the loader --------------------------------------------------------------------------

class Loader {
  public:
    Loader(const Context& ctx, const toml::table& root) : ctx_(ctx), root_(ctx, root, "") {}

    Scenario load() {
        root_.checkKeys(kTopKeys, "the scenario file");
        readScenario();
        readModel();
        readStateDefaults();
        readStates();
        std::vector<TieSpec> generated_ties = readNetwork();
        readInstitutions();
        readMemberships();
        readTies();  // the listed ties first, then the network's
        sc_.ties.reserve(sc_.ties.size() + generated_ties.size());
        for (const auto& tie : generated_ties) sc_.ties.push_back(tie);
        readLinks();
        readSubstitutions();
        readPatrons();
        readEvents();
        return std::move(sc_);
    }

  private:
    std::size_t axisCount() const { return sc_.axes.size(); }

    const toml::table* topTable(std::string_view k) const { return root_.optTable(k); }

    // [[k]] elements; a plain [k] table or any other value is a type error.
    std::vector<const toml::table*> arrayOfTables(std::string_view k) const {
        std::vector<const toml::table*> out;
        const auto* n = root_.get(k);
        if (!n) return out;
        const auto* a = n->as_array();
        const std::string expected =
            "expected an array of tables ([[" + std::string(k) + "]]), got ";
        if (!a) ctx_.fail(*n, std::string(k), expected + typeName(n->type()));
        for (std::size_t i = 0; i < a->size(); ++i) {
            const auto& e = (*a)[i];
            if (!e.is_table()) {
                ctx_.fail(e, std::string(k) + "[" + std::to_string(i) + "]",
                          expected + "an array holding " + typeName(e.type()));
            }
            out.push_back(e.as_table());
        }
        return out;
    }

    static std::string indexed(std::string_view table, std::size_t i) {
        return std::string(table) + "[" + std::to_string(i) + "]";
    }

    // Reads the element's id and returns the key path "table.ID" (or fails with table[i].id).
    std::string readId(const TableView& t, std::string_view table, std::size_t i,
                       std::unordered_map<std::string, std::uint32_t>& ids, bool allow_dash,
                       std::string& id_out) const {
        const std::string id = t.reqString("id");
        if (!isIdentifier(id, allow_dash)) {
            t.failAt("id", "'" + id + "' is not a valid id (letters, digits, '_'" +
                               (allow_dash ? ", '-'" : "") + ")");
        }
        if (ids.count(id)) {
            t.failAt("id", "duplicate " + std::string(table) + " id '" + id + "'");
        }
        ids.emplace(id, static_cast<std::uint32_t>(ids.size()));
        (void)i;
        id_out = id;
        return std::string(table) + "." + id;
    }

    // The key path before the id is validated: "table.ID" when the id will be accepted.
    std::string provisionalPath(const toml::table& elem, std::string_view table, std::size_t i,
                                const std::unordered_map<std::string, std::uint32_t>& ids,
                                bool allow_dash) const {
        const auto* id = elem.get_as<std::string>("id");
        if (id && isIdentifier(id->get(), allow_dash) && !ids.count(id->get())) {
            return std::string(table) + "." + id->get();
        }
        return indexed(table, i);
    }

    [[noreturn]] void failUnknown(const toml::node& n, const std::string& key,
                                  std::string_view what, const std::string& id,
                                  const Keys& known) const {
        std::string msg = "unknown " + std::string(what) + " '" + id + "'";
        const auto hint = suggestion(id, known);
        if (!hint.empty()) {
            msg += hint;
        } else {
            msg += " (known: " + join(known, 20) + ")";
        }
        ctx_.fail(n, key, msg);
    }
    std::uint32_t lookup(const toml::node& n, const std::string& key, std::string_view what,
                         const std::unordered_map<std::string, std::uint32_t>& ids,
                         const Keys& known) const {
        const std::string id = asString(ctx_, n, key);
        const auto it = ids.find(id);
        if (it == ids.end()) failUnknown(n, key, what, id, known);
        return it->second;
    }
    // A listed state's index from the map, a generated one's from its id; kNone if unknown.
    StateIndex findState(const std::string& id) const {
        const auto it = state_ids_.find(id);
        return it != state_ids_.end() ? it->second : sc_.states.findGenerated(id);
    }
    // The list of known ids is built only for the error message (a generated world may hold
    // 1e7 states).
    StateIndex stateLookup(const toml::node& n, const std::string& key) const {
        const std::string id = asString(ctx_, n, key);
        const auto idx = findState(id);
        if (idx == kNone) failUnknown(n, key, "state", id, stateIdList());
        return idx;
    }
    StateIndex stateRef(const TableView& t, std::string_view k) const {
        const auto* n = t.get(k);
        if (!n) t.missing(k);
        return stateLookup(*n, t.key(k));
    }
    InstitutionIndex institutionRef(const TableView& t, std::string_view k) const {
        const auto* n = t.get(k);
        if (!n) t.missing(k);
        return lookup(*n, t.key(k), "institution", institution_ids_, institutionIdList());
    }
    PatronIndex patronRef(const TableView& t, std::string_view k) const {
        const auto* n = t.get(k);
        if (!n) t.missing(k);
        Keys known;
        for (const auto& p : sc_.patrons) known.push_back(p.id);
        return lookup(*n, t.key(k), "patron", patron_ids_, known);
    }
    // Listed ids only: generated ids are named in the message's "generated" note instead.
    Keys stateIdList() const {
        Keys out;
        for (const auto& s : sc_.states.listed()) out.push_back(s.id);
        if (const auto n = sc_.states.generatedCount())
            out.push_back(integerStateId(0) + ".." + integerStateId(n - 1));
        return out;
    }
    Keys institutionIdList() const {
        Keys out;
        for (const auto& s : sc_.institutions) out.push_back(s.id);
        return out;
    }

    // -- [scenario]
    void readScenario() {
        const auto* tbl = topTable("scenario");
        if (!tbl)
            ctx_.fail(Loc{ctx_.path(), 1, 1}, "scenario", "missing required table [scenario]");
        const TableView t(ctx_, *tbl, "scenario");
        t.checkKeys(kScenarioKeys, "[scenario]");
        sc_.name = t.reqString("name");
        sc_.description = t.optString("description").value_or("");
        const std::string start = t.reqString("start");
        const auto ym = parseYearMonth(start);
        if (!ym) t.failAt("start", "'" + start + "' is not a month \"YYYY-MM\"");
        sc_.start_year = ym->first;
        sc_.start_month = ym->second;
        sc_.steps = static_cast<std::uint32_t>(t.reqInt("steps", kPositiveCount));
        sc_.replicates = static_cast<std::uint32_t>(t.getInt("replicates", 1, kPositiveCount));
        sc_.seed = static_cast<std::uint64_t>(t.getInt("seed", 1, {0, kI64Max}));
        if (const auto* n = t.get("axes")) {
            const auto& a = asArray(ctx_, *n, t.key("axes"));
            if (a.empty()) ctx_.fail(*n, t.key("axes"), "needs at least one axis");
            if (a.size() > kMaxAxes)
                ctx_.fail(*n, t.key("axes"),
                          std::to_string(a.size()) + " axes; at most " + std::to_string(kMaxAxes));
            sc_.axes.clear();
            for (std::size_t k = 0; k < a.size(); ++k) {
                const std::string key = t.key("axes") + "[" + std::to_string(k) + "]";
                auto name = asString(ctx_, a[k], key);
                if (name.empty()) ctx_.fail(a[k], key, "axis names must not be empty");
                if (contains(sc_.axes, name)) ctx_.fail(a[k], key, "duplicate axis '" + name + "'");
                sc_.axes.push_back(std::move(name));
            }
        }
    }

    // -- [model]
    void readModel() {
        const auto* tbl = topTable("model");
        if (!tbl) return;
        const TableView t(ctx_, *tbl, "model");
        t.checkKeys(modelKeys(), "[model]");
        // Ranges from params.cpp's table, checked here to point at the value itself.
        for (const auto& f : modelFloatKeys()) {
            if (auto v = t.optFloat(f.key, f.range)) sc_.model.*f.field = *v;
        }
        sc_.model.linkage_counts_announcements = t.getBool("linkage_counts_announcements", false);
        if (auto v = t.optVector("military_alignment_shift", axisCount(), sc_.axes,
                                 kMilitaryAlignmentShiftRange)) {
            sc_.model.military_alignment_shift = *v;
        }
        const std::string msg = sc_.model.validate(axisCount());
        if (!msg.empty()) {
            const auto colon = msg.find(": ");
            const std::string k = colon == std::string::npos ? "" : msg.substr(0, colon);
            const std::string text = colon == std::string::npos ? msg : msg.substr(colon + 2);
            if (const auto* n = tbl->get(k)) ctx_.fail(*n, t.key(k), text);
            ctx_.fail(t.loc(), t.key(k), text);
        }
    }

    // -- state attributes shared by [[state]] and [state_defaults]
    void readStateAttributes(const TableView& t, StateAttributes& s) const {
        const std::vector<double> zeros(axisCount(), 0.0);
        s.sovereignty = t.getFloat("sovereignty", 0.5, kUnit);
        s.sovereignty_baseline = t.getFloat("sovereignty_baseline", s.sovereignty, kUnit);
        s.alignment = t.optVector("alignment", axisCount(), sc_.axes, kSigned).value_or(zeros);
        s.alignment_baseline =
            t.optVector("alignment_baseline", axisCount(), sc_.axes, kSigned).value_or(s.alignment);
        if (auto r = t.optChoice("regime", {"civilian", "military"})) {
            s.regime = *r == 0 ? Regime::civilian : Regime::military;
        }
        s.weight = t.getFloat("weight", 1.0, kPositive);
    }

    void readStateDefaults() {
        state_defaults_.alignment.assign(axisCount(), 0.0);
        state_defaults_.alignment_baseline.assign(axisCount(), 0.0);
        const auto* tbl = topTable("state_defaults");
        if (!tbl) return;
        const TableView t(ctx_, *tbl, "state_defaults");
        t.checkKeys(kStateDefaultsKeys, "[state_defaults]");
        readStateAttributes(t, state_defaults_);
    }

    // -- [[state]]
    void readStates() {
        const auto elems = arrayOfTables("state");
        for (std::size_t i = 0; i < elems.size(); ++i) {
            const TableView pre(ctx_, *elems[i], indexed("state", i));
            const TableView early(ctx_, *elems[i],
                                  provisionalPath(*elems[i], "state", i, state_ids_, false));
            early.checkKeys(kStateKeys, "[[state]]");
            StateSpec s;
            const std::string path = readId(pre, "state", i, state_ids_, false, s.id);
            const TableView t(ctx_, *elems[i], path);
            s.name = t.optString("name").value_or(s.id);
            readStateAttributes(t, s);
            sc_.states.push_back(std::move(s));
        }
    }

    // -- [network]
    std::vector<TieSpec> readNetwork() {
        const auto* tbl = topTable("network");
        if (!tbl) return {};
        const TableView t(ctx_, *tbl, "network");
        t.checkKeys(kNetworkKeys, "[network]");
        static const Keys kinds = {"erdos_renyi", "small_world", "power_law",
                                   "blocks",      "edge_list",   "graphml"};
        const auto kind = t.optChoice("kind", kinds);
        if (!kind) t.missing("kind");
        NetworkSpec spec;
        spec.kind = static_cast<NetworkKind>(*kind);
        const bool from_file =
            spec.kind == NetworkKind::edge_list || spec.kind == NetworkKind::graphml;
        // Each kind's own keys: another kind's key would be silently ignored (and recorded in
        // the resolved parameters as if it mattered).
        static const std::vector<Keys> used = {
            {"kind", "states", "mean_degree", "weight", "seed"},                   // erdos_renyi
            {"kind", "states", "mean_degree", "rewiring", "weight", "seed"},       // small_world
            {"kind", "states", "mean_degree", "weight", "seed"},                   // power_law
            {"kind", "states", "mean_degree", "blocks", "within_share", "weight",  // blocks
             "seed"},
            {"kind", "path", "weight"},  // edge_list
            {"kind", "path", "weight"},  // graphml
        };
        for (const auto& [key, node] : *tbl) {
            const std::string k(key.str());
            if (contains(used[*kind], k)) continue;
            t.failAt(k, "not used by kind '" + kinds[*kind] + "'" +
                            (k == "states" ? " (the states come from the file)"
                             : k == "path" ? " (only by 'edge_list' and 'graphml')"
                                           : "") +
                            "; it uses " + join(without(used[*kind], "kind")));
        }
        if (from_file) {
            const std::string path = t.reqString("path");
            if (path.empty()) t.failAt("path", "must not be empty");
            std::filesystem::path p(path);
            if (p.is_relative()) {
                p = std::filesystem::path(ctx_.path()).parent_path() / p;
            }
            spec.path = p.lexically_normal().string();
        } else {
            spec.states = static_cast<std::uint32_t>(t.reqInt("states", {2, kU32Max}));
        }
        spec.mean_degree = t.getFloat("mean_degree", 4.0, kPositive);
        spec.rewiring = t.getFloat("rewiring", 0.1, kUnit);
        spec.blocks = static_cast<std::uint32_t>(t.getInt("blocks", 4, kPositiveCount));
        spec.within_share = t.getFloat("within_share", 0.9, kUnit);
        spec.weight = t.getFloat("weight", 1.0, kPositive);
        spec.seed = static_cast<std::uint64_t>(t.getInt("seed", 0, {0, kI64Max}));
        const std::uint64_t seed =
            spec.seed != 0 ? spec.seed : RngKey{sc_.seed, 0, 0, 0, Purpose::network}.hash();
        spec.graph_seed = from_file ? 0 : seed;
        sc_.network = spec;
        GeneratedNetwork net;
        try {
            Keys listed_ids;
            for (const auto& s : sc_.states.listed()) listed_ids.push_back(s.id);
            net = buildNetwork(spec, listed_ids, seed);
        } catch (const std::runtime_error& e) {
            const std::string key = from_file ? "network.path" : "network";
            if (from_file) t.failAt("path", e.what());
            ctx_.fail(t.loc(), key, e.what());
        }
        if (from_file) {  // provenance: the text names the file, the hash pins its contents
            std::error_code ec;
            const auto absolute = std::filesystem::absolute(spec.path, ec);
            sc_.source.network_path = ec ? spec.path : absolute.lexically_normal().string();
            sc_.source.network_hash = net.content_hash;
        }
        for (const auto& id : net.new_state_ids) {
            if (state_ids_.count(id)) {
                ctx_.fail(t.loc(), "network",
                          "generated state id '" + id + "' is already a listed state");
            }
            StateSpec s;
            static_cast<StateAttributes&>(s) = state_defaults_;
            s.id = id;
            s.name = id;
            state_ids_.emplace(id, static_cast<StateIndex>(sc_.states.size()));
            sc_.states.push_back(std::move(s));
        }
        // No listed id repeats a generated one: buildNetwork refused that for generators, and
        // a file's ids form a block only when no S{k} is listed (mapIntegerIds).
        if (net.generated != 0) sc_.states.addGenerated(net.generated, state_defaults_);
        for (const auto& tie : net.ties) {
            if (tie.a >= sc_.states.size() || tie.b >= sc_.states.size()) {
                ctx_.fail(t.loc(), "network", "network builder returned a tie to an unknown state");
            }
        }
        return std::move(net.ties);  // a member of a local is copied unless moved
    }

    // A list of state ids, or the string "all".
    std::vector<StateIndex> stateList(const toml::node& n, const std::string& key,
                                      bool allow_all) const {
        std::vector<StateIndex> out;
        if (allow_all && n.is_string()) {
            const auto s = asString(ctx_, n, key);
            if (s != "all") {
                ctx_.fail(n, key, "expected an array of state ids or \"all\", got \"" + s + "\"");
            }
            out.reserve(sc_.states.size());
            for (StateIndex i = 0; i < sc_.states.size(); ++i) out.push_back(i);
            return out;
        }
        const auto& a = asArray(ctx_, n, key);
        std::set<StateIndex> seen;
        for (std::size_t k = 0; k < a.size(); ++k) {
            const std::string ek = key + "[" + std::to_string(k) + "]";
            const auto idx = stateLookup(a[k], ek);
            if (!seen.insert(idx).second) {
                ctx_.fail(a[k], ek, "state '" + sc_.states.id(idx) + "' is listed twice");
            }
            out.push_back(idx);
        }
        return out;
    }

    // -- [[institution]]
    void readInstitutions() {
        const auto elems = arrayOfTables("institution");
        for (std::size_t i = 0; i < elems.size(); ++i) {
            const TableView pre(ctx_, *elems[i], indexed("institution", i));
            const TableView early(
                ctx_, *elems[i],
                provisionalPath(*elems[i], "institution", i, institution_ids_, true));
            early.checkKeys(kInstitutionKeys, "[[institution]]");
            InstitutionSpec s;
            const std::string path = readId(pre, "institution", i, institution_ids_, true, s.id);
            const TableView t(ctx_, *elems[i], path);
            s.name = t.optString("name").value_or(s.id);
            s.kind = t.optString("kind").value_or("regional");
            s.orientation = t.optVector("orientation", axisCount(), sc_.axes, kSigned)
                                .value_or(std::vector<double>(axisCount(), 0.0));
            s.benefit = t.getFloat("benefit", 0.0, kFinite);
            s.sovereignty_cost = t.getFloat("sovereignty_cost", 0.0, kNonNegative);
            s.notice_months = static_cast<std::uint32_t>(t.getInt("notice_months", 0, kCount));
            s.democracy_clause = t.getBool("democracy_clause", false);
            s.sanction = t.getFloat("sanction", 0.0, kUnit);
            s.quorum = static_cast<std::uint32_t>(t.getInt("quorum", 0, kCount));
            s.coordinated_exit = t.getBool("coordinated_exit", false);
            s.coordination_share = t.getFloat("coordination_share", 0.5, kShare);
            s.latent = t.getBool("latent", false);
            const auto* members = t.get("members");
            if (s.latent) {
                if (members) {
                    const bool empty = members->is_array() && members->as_array()->empty();
                    if (!empty) {
                        t.failAt("members",
                                 "a latent institution has no members until it is founded "
                                 "(list them under founding.candidates)");
                    }
                }
                if (const auto* f = t.optTable("founding")) {
                    const TableView ft(ctx_, *f, t.key("founding"));
                    ft.checkKeys(kFoundingKeys, "founding");
                    if (const auto* c = ft.get("candidates")) {
                        s.founding.candidates = stateList(*c, ft.key("candidates"), false);
                        if (s.founding.candidates.empty())
                            ctx_.fail(*c, ft.key("candidates"),
                                      "needs at least one state (leave the key out for every "
                                      "state)");
                    }
                    s.founding.min_founders =
                        static_cast<std::uint32_t>(ft.getInt("min_founders", 3, kPositiveCount));
                    s.founding.require_military = ft.getBool("require_military", true);
                    s.founding.require_suspended = ft.getBool("require_suspended", true);
                    s.founding.require_connected = ft.getBool("require_connected", true);
                    s.founding.delay_months =
                        static_cast<std::uint32_t>(ft.getInt("delay_months", 0, kCount));
                }
            } else {
                if (t.get("founding")) {
                    t.failAt("founding", "only allowed when latent = true");
                }
                if (!members) t.missing("members");
                s.members = stateList(*members, t.key("members"), true);
                if (s.members.empty()) {
                    t.failAt("members",
                             "empty member list (a non-latent institution needs "
                             "at least one member)");
                }
            }
            sc_.institutions.push_back(std::move(s));
        }
    }

    // -- [[membership]]
    void readMemberships() {
        const auto elems = arrayOfTables("membership");
        std::set<std::pair<StateIndex, InstitutionIndex>> seen;
        for (std::size_t i = 0; i < elems.size(); ++i) {
            const TableView t(ctx_, *elems[i], indexed("membership", i));
            t.checkKeys(kMembershipKeys, "[[membership]]");
            MembershipSpec m;
            m.state = stateRef(t, "state");
            m.institution = institutionRef(t, "institution");
            const auto& inst = sc_.institutions[m.institution];
            const auto sid = sc_.states.id(m.state);
            const bool listed = inst.latent ? inst.founding.candidates.empty() ||
                                                  hasIndex(inst.founding.candidates, m.state)
                                            : hasIndex(inst.members, m.state);
            if (!listed) {
                t.failAt("state", "'" + sid + "' is not " +
                                      (inst.latent ? "a founding candidate" : "a member") +
                                      " of '" + inst.id + "'");
            }
            if (!seen.insert({m.state, m.institution}).second) {
                ctx_.fail(t.loc(), t.path(),
                          "duplicate membership of '" + sid + "' in '" + inst.id + "'");
            }
            m.benefit = t.optFloat("benefit", kFinite);
            m.sovereignty_cost = t.optFloat("sovereignty_cost", kNonNegative);
            for (const char* k : {"status", "sanction"})
                if (inst.latent && t.get(k))
                    t.failAt(k, "'" + sid + "' is outside latent '" + inst.id +
                                    "' until it is founded; it starts as a member, unsanctioned");
            if (auto st = t.optChoice("status", {"member", "suspended"})) {
                m.status = *st == 0 ? MembershipStatus::member : MembershipStatus::suspended;
            }
            m.sanction = t.getFloat("sanction", 0.0, kUnit);
            sc_.memberships.push_back(m);
        }
    }

    static bool hasIndex(const std::vector<std::uint32_t>& v, std::uint32_t x) {
        return std::find(v.begin(), v.end(), x) != v.end();
    }

    // -- [[tie]], [[link]], [[substitution]]
    void readTies() {
        const auto elems = arrayOfTables("tie");
        for (std::size_t i = 0; i < elems.size(); ++i) {
            const TableView t(ctx_, *elems[i], indexed("tie", i));
            t.checkKeys(kTieKeys, "[[tie]]");
            TieSpec tie;
            tie.a = stateRef(t, "a");
            tie.b = stateRef(t, "b");
            if (tie.a == tie.b) t.failAt("b", "a tie needs two distinct states");
            tie.weight = t.getFloat("weight", 1.0, kPositive);
            sc_.ties.push_back(tie);
        }
    }

    void readLinks() {
        const auto elems = arrayOfTables("link");
        for (std::size_t i = 0; i < elems.size(); ++i) {
            const TableView t(ctx_, *elems[i], indexed("link", i));
            t.checkKeys(kLinkKeys, "[[link]]");
            LinkSpec link;
            link.from = institutionRef(t, "from");
            link.to = institutionRef(t, "to");
            if (link.from == link.to) t.failAt("to", "a link needs two distinct institutions");
            link.weight = t.getFloat("weight", 1.0, kNonNegative);
            sc_.links.push_back(link);
        }
    }

    void readSubstitutions() {
        const auto elems = arrayOfTables("substitution");
        for (std::size_t i = 0; i < elems.size(); ++i) {
            const TableView t(ctx_, *elems[i], indexed("substitution", i));
            t.checkKeys(kSubstitutionKeys, "[[substitution]]");
            SubstitutionSpec sub;
            sub.alternative = institutionRef(t, "alternative");
            sub.replaces = institutionRef(t, "replaces");
            if (sub.alternative == sub.replaces) {
                t.failAt("replaces", "a substitution needs two distinct institutions");
            }
            sub.weight = t.getFloat("weight", 1.0, kNonNegative);
            sc_.substitutions.push_back(sub);
        }
    }

    // -- [[patron]]
    void readPatrons() {
        const auto elems = arrayOfTables("patron");
        for (std::size_t i = 0; i < elems.size(); ++i) {
            const TableView pre(ctx_, *elems[i], indexed("patron", i));
            const TableView early(ctx_, *elems[i],
                                  provisionalPath(*elems[i], "patron", i, patron_ids_, true));
            early.checkKeys(kPatronKeys, "[[patron]]");
            PatronSpec p;
            const std::string path = readId(pre, "patron", i, patron_ids_, true, p.id);
            const TableView t(ctx_, *elems[i], path);
            p.name = t.optString("name").value_or(p.id);
            p.orientation = t.optVector("orientation", axisCount(), sc_.axes, kSigned)
                                .value_or(std::vector<double>(axisCount(), 0.0));
            p.engagement.assign(sc_.states.size(), 0.0);
            if (const auto* e = t.optTable("engagement")) {
                for (const auto& [k, v] : *e) {
                    const std::string key = t.key("engagement") + "." + std::string(k.str());
                    const auto idx = findState(std::string(k.str()));
                    if (idx == kNone) {
                        const auto hint = suggestion(k.str(), stateIdList());
                        ctx_.fail(ctx_.locOf(k, v), key,
                                  "unknown state '" + std::string(k.str()) + "'" +
                                      (hint.empty() ? "" : hint));
                    }
                    p.engagement[idx] = asFloat(ctx_, v, key, kNonNegative);
                }
            }
            sc_.patrons.push_back(std::move(p));
        }
    }

    // -- [[event]]
    void readEvents() {
        static const Keys kinds = {"coup",       "transition",    "patron_engagement",
                                   "sanction",   "lift_sanction", "institution_param",
                                   "force_exit", "force_join"};
        static const std::vector<Keys> kind_keys = {
            {"state"},
            {"state"},
            {"patron", "state", "value"},
            {"state", "institution", "value"},
            {"state", "institution"},
            {"institution", "param", "value"},
            {"state", "institution"},
            {"state", "institution"},
        };
        static const EventKind kind_values[] = {
            EventKind::coup,       EventKind::transition,    EventKind::patron_engagement,
            EventKind::sanction,   EventKind::lift_sanction, EventKind::institution_param,
            EventKind::force_exit, EventKind::force_join};

        const auto elems = arrayOfTables("event");
        std::vector<ScheduledEvent> events;
        // Events on one membership, checked once every force_join target is known.
        std::vector<std::pair<std::size_t, ScheduledEvent>> on_membership;
        std::set<std::pair<StateIndex, InstitutionIndex>> joined;
        for (std::size_t i = 0; i < elems.size(); ++i) {
            const TableView t(ctx_, *elems[i], indexed("event", i));
            // Kind first: it decides which other keys are valid.
            const auto kind = t.optChoice("kind", kinds);
            if (!kind) {
                t.checkKeys(
                    {"date", "step", "kind", "state", "institution", "patron", "param", "value"},
                    "[[event]]");
                t.missing("kind");
            }
            Keys valid = {"kind", "date", "step"};
            valid.insert(valid.end(), kind_keys[*kind].begin(), kind_keys[*kind].end());
            t.checkKeys(valid, "a '" + kinds[*kind] + "' event");

            ScheduledEvent ev;
            ev.kind = kind_values[*kind];
            ev.step = eventStep(t);
            switch (ev.kind) {
                case EventKind::coup:
                case EventKind::transition:
                    ev.state = stateRef(t, "state");
                    break;
                case EventKind::patron_engagement:
                    ev.patron = patronRef(t, "patron");
                    ev.state = stateRef(t, "state");
                    if (!t.get("value")) t.missing("value");
                    ev.value = t.getFloat("value", 0.0, kNonNegative);
                    break;
                case EventKind::sanction:
                    ev.state = stateRef(t, "state");
                    ev.institution = institutionRef(t, "institution");
                    ev.value =
                        t.getFloat("value", sc_.institutions[ev.institution].sanction, kUnit);
                    break;
                case EventKind::lift_sanction:
                case EventKind::force_join:
                    ev.state = stateRef(t, "state");
                    ev.institution = institutionRef(t, "institution");
                    break;
                case EventKind::force_exit: {
                    const auto* n = t.get("state");
                    if (!n) t.missing("state");
                    if (n->is_string() && n->as_string()->get() == "random") {
                        ev.random_state = true;
                    } else {
                        ev.state = stateRef(t, "state");
                    }
                    ev.institution = institutionRef(t, "institution");
                    break;
                }
                case EventKind::institution_param:
                    ev.institution = institutionRef(t, "institution");
                    readParamEvent(t, ev);
                    break;
                default:
                    break;
            }
            if (ev.kind == EventKind::force_join) joined.insert({ev.state, ev.institution});
            if ((ev.kind == EventKind::sanction || ev.kind == EventKind::lift_sanction ||
                 ev.kind == EventKind::force_exit) &&
                !ev.random_state)
                on_membership.emplace_back(i, ev);
            // Dated after the horizon (e.g. a run shortened with --steps): validated, not run.
            if (ev.step < sc_.steps) {
                events.push_back(ev);
            } else {
                ++sc_.events_after_horizon;
            }
        }
        // A sanction, lift or forced exit of a pair that is never a membership would do nothing
        // (topology: members, founding candidates and force_join targets): a typo, most likely.
        std::map<InstitutionIndex, std::vector<bool>> member_of;  // built for the ones needed
        for (const auto& [i, ev] : on_membership) {
            const auto& inst = sc_.institutions[ev.institution];
            auto [it, fresh] = member_of.try_emplace(ev.institution);
            if (fresh) {  // one pass per institution, not a scan per event (members = "all")
                it->second.assign(sc_.states.size(), false);
                for (StateIndex m : inst.members) it->second[m] = true;
            }
            const bool possible = it->second[ev.state] ||
                                  joined.count({ev.state, ev.institution}) ||
                                  (inst.latent && (inst.founding.candidates.empty() ||
                                                   hasIndex(inst.founding.candidates, ev.state)));
            if (!possible) {
                const TableView t(ctx_, *elems[i], indexed("event", i));
                t.failAt("state", "'" + sc_.states.id(ev.state) + "' is never a member of '" +
                                      inst.id +
                                      "' (not a member, founding candidate or force_join "
                                      "target), so this event would do nothing");
            }
        }
        std::stable_sort(events.begin(), events.end(),
                         [](const auto& x, const auto& y) { return x.step < y.step; });
        sc_.events = std::move(events);
    }

    std::uint32_t eventStep(const TableView& t) const {
        const auto* date = t.get("date");
        const auto* step = t.get("step");
        if (date && step) t.failAt("step", "give either 'date' or 'step', not both");
        if (!date && !step) {
            ctx_.fail(t.loc(), t.key("date"), "missing 'date' (\"YYYY-MM\") or 'step'");
        }
        // Before the start is an error (a typo, or a fact that belongs in the initial state);
        // after the horizon is allowed and the caller drops the event.
        const std::string range = "before the run's start " + sc_.calendarMonth(0) +
                                  " (step 0); put what happened before it in the initial state";
        if (step) {
            const auto s = asInt(ctx_, *step, t.key("step"), {0, kU32Max});
            return static_cast<std::uint32_t>(s);
        }
        const auto text = asString(ctx_, *date, t.key("date"));
        const auto ym = parseYearMonth(text);
        if (!ym) t.failAt("date", "'" + text + "' is not a month \"YYYY-MM\"");
        const std::int64_t s = (static_cast<std::int64_t>(ym->first) - sc_.start_year) * 12 +
                               (ym->second - sc_.start_month);
        if (s < 0) t.failAt("date", text + " is " + range);
        return static_cast<std::uint32_t>(std::min<std::int64_t>(s, kU32Max));
    }

    void readParamEvent(const TableView& t, ScheduledEvent& ev) const {
        static const Keys params = {"benefit",       "sovereignty_cost", "sanction",
                                    "notice_months", "quorum",           "democracy_clause"};
        const auto p = t.optChoice("param", params);
        if (!p) t.missing("param");
        ev.param = static_cast<InstitutionParam>(*p);
        const auto* v = t.get("value");
        if (!v) t.missing("value");
        const std::string key = t.key("value");
        switch (ev.param) {
            case InstitutionParam::benefit:
                ev.value = asFloat(ctx_, *v, key, kFinite);
                break;
            case InstitutionParam::sovereignty_cost:
                ev.value = asFloat(ctx_, *v, key, kNonNegative);
                break;
            case InstitutionParam::sanction:
                ev.value = asFloat(ctx_, *v, key, kUnit);
                break;
            case InstitutionParam::notice_months:
            case InstitutionParam::quorum:
                ev.value = static_cast<double>(asInt(ctx_, *v, key, kCount));
                break;
            case InstitutionParam::democracy_clause:
                ev.value = asBool(ctx_, *v, key) ? 1.0 : 0.0;
                break;
        }
    }

    const Context& ctx_;
    TableView root_;
    Scenario sc_;
    StateAttributes state_defaults_;
    std::unordered_map<std::string, std::uint32_t> state_ids_;
    std::unordered_map<std::string, std::uint32_t> institution_ids_;
    std::unordered_map<std::string, std::uint32_t> patron_ids_;
};

// ---- --set overrides ---------------------------------------------------------------------

struct Segment {
    std::string name;
    int column;  // 1-based in the override string
};

toml::table& childTable(Context& ctx, toml::table& parent, const std::string& name,
                        const std::string& key_path, const Loc& created_at) {
    if (auto* n = parent.get(name)) {
        if (!n->is_table()) {
            ctx.fail(*n, key_path, std::string("expected a table, got ") + typeName(n->type()));
        }
        return *n->as_table();
    }
    auto [it, ok] = parent.insert(name, toml::table{});
    (void)ok;
    ctx.setFallback(&it->second, created_at);
    return *it->second.as_table();
}

// "; strings need quotes: --set 'KEY="WORD"'" when an unparsable value is a bare word: the
// shell ate the quotes, or they were never typed (regime=military).
std::string quotingHint(const std::string& key, const std::string& value) {
    std::size_t b = 0, e = value.size();
    while (b < e && std::isspace(static_cast<unsigned char>(value[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(value[e - 1]))) --e;
    const std::string word = value.substr(b, e - b);
    const bool bare = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
    });
    if (!bare) return "";
    return "; strings need quotes: --set '" + key + "=\"" + word + "\"'";
}

void applyOverride(Context& ctx, toml::table& root, const std::string& text) {
    const std::string file = "--set";
    const auto eq = text.find('=');
    if (eq == std::string::npos) {
        ctx.fail(Loc{file, 1, 1}, text, "expected key.path=value");
    }
    std::vector<Segment> segs;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= eq; ++i) {
        if (i != eq && text[i] != '.') continue;
        std::size_t b = start, e = i;
        while (b < e && std::isspace(static_cast<unsigned char>(text[b]))) ++b;
        while (e > b && std::isspace(static_cast<unsigned char>(text[e - 1]))) --e;
        segs.push_back({text.substr(b, e - b), static_cast<int>(b + 1)});
        start = i + 1;
    }
    std::string path;
    for (const auto& s : segs) path += (path.empty() ? "" : ".") + s.name;
    for (const auto& s : segs) {
        if (s.name.empty()) ctx.fail(Loc{file, 1, s.column}, path, "empty part in the key path");
    }
    auto failAt = [&](std::size_t seg, const std::string& msg) {
        ctx.fail(Loc{file, 1, segs[seg].column}, path, msg);
    };
    const Loc whole{file, 1, 1};

    // Parse the value as TOML, padded so its columns match the override string.
    toml::table parsed;
    try {
        parsed = toml::parse(
            std::string_view("v" + std::string(eq - 1, ' ') + "=" + text.substr(eq + 1)),
            std::string_view(file));
    } catch (const toml::parse_error& e) {
        ctx.fail(ctx.locOf(e.source()), path,
                 "invalid value: " + std::string(e.description()) +
                     quotingHint(path, text.substr(eq + 1)));
    }
    toml::node& value = *parsed.get("v");
    auto assign = [&](toml::table& target, const std::string& key) {
        value.visit([&](auto& v) { target.insert_or_assign(key, std::move(v)); });
    };

    const std::string& top = segs[0].name;
    if (top == "scenario" || top == "model" || top == "state_defaults" || top == "network") {
        const Keys valid = top == "scenario"         ? kScenarioKeys
                           : top == "model"          ? modelKeys()
                           : top == "state_defaults" ? kStateDefaultsKeys
                                                     : kNetworkKeys;
        if (segs.size() != 2) {
            failAt(segs.size() > 2 ? 2 : 0, "expected " + top + ".<key>=value");
        }
        if (!contains(valid, segs[1].name)) {
            failAt(1, unknownKeyMessage(segs[1].name, valid, "[" + top + "]"));
        }
        // A file without [scenario] is wrong whatever the overrides: leave the table absent so
        // that its own error is reported, not one about the table the override would make.
        if (top == "scenario" && !root.get("scenario")) return;
        auto& tbl = childTable(ctx, root, top, top, whole);
        assign(tbl, segs[1].name);
        return;
    }
    if (top == "state" || top == "institution" || top == "patron") {
        if (segs.size() < 3) failAt(0, "expected " + top + ".<ID>.<key>=value");
        const Keys valid = without(top == "state"         ? kStateKeys
                                   : top == "institution" ? kInstitutionKeys
                                                          : kPatronKeys,
                                   "id");
        toml::table* element = nullptr;
        Keys ids;
        if (auto* arr = root.get_as<toml::array>(top)) {
            for (auto& e : *arr) {
                auto* t = e.as_table();
                if (!t) continue;
                const auto* id = t->get_as<std::string>("id");
                if (!id) continue;
                ids.push_back(id->get());
                if (id->get() == segs[1].name) element = t;
            }
        }
        if (!element) {
            failAt(1,
                   "unknown " + top + " id '" + segs[1].name + "'" + suggestion(segs[1].name, ids));
        }
        const std::string& key = segs[2].name;
        if (!contains(valid, key)) {
            failAt(2, unknownKeyMessage(key, valid, "[[" + top + "]]"));
        }
        if (segs.size() == 3) {
            assign(*element, key);
            return;
        }
        // Sub-keys of the inline tables: institution.X.founding.<key>, patron.X.engagement.<state>.
        const bool sub_ok = segs.size() == 4 && ((top == "institution" && key == "founding") ||
                                                 (top == "patron" && key == "engagement"));
        if (!sub_ok) failAt(3, "'" + key + "' has no sub-keys");
        if (key == "founding" && !contains(kFoundingKeys, segs[3].name)) {
            failAt(3, unknownKeyMessage(segs[3].name, kFoundingKeys, "founding"));
        }
        auto& sub = childTable(ctx, *element, key, path, whole);
        assign(sub, segs[3].name);
        return;
    }
    const Keys tables = {"scenario", "model",          "state",  "institution",
                         "patron",   "state_defaults", "network"};
    failAt(0, "unknown table '" + top + "'" + suggestion(top, tables) +
                  " (overridable: " + join(tables) + ")");
}

}  // namespace

namespace {

toml::table parseScenario(const Context& ctx, const std::string& text, const std::string& path) {
    try {
        return toml::parse(std::string_view(text), std::string_view(path));
    } catch (const toml::parse_error& e) {
        const Loc loc = ctx.locOf(e.source());
        // toml++ reads an unquoted 2024-03 as a date that ends too soon.
        const std::string what(e.description());
        const bool date_like = what.starts_with("Error while parsing date") ||
                               what.starts_with("Error while parsing time");
        throw ScenarioError(loc.file, loc.line, loc.column, "",
                            "TOML syntax error: " + what + (date_like ? monthHint("start") : ""));
    }
}

Scenario loadParsed(Context& ctx, toml::table& root, const std::string& text,
                    const std::string& path, const std::vector<std::string>& overrides) {
    for (const auto& o : overrides) applyOverride(ctx, root, o);
    Scenario sc = Loader(ctx, root).load();
    sc.source.path = path;
    sc.source.text = text;
    return sc;
}

}  // namespace

Scenario loadScenarioText(const std::string& text, const std::string& path,
                          const std::vector<std::string>& overrides) {
    Context ctx(path);
    toml::table root = parseScenario(ctx, text, path);
    return loadParsed(ctx, root, text, path, overrides);
}

struct ScenarioTemplate::Parsed {
    std::string text;
    std::string path;
    toml::table root;
};

ScenarioTemplate::ScenarioTemplate(std::string text, std::string path) {
    auto parsed = std::make_shared<Parsed>();
    parsed->root = parseScenario(Context(path), text, path);
    parsed->text = std::move(text);
    parsed->path = std::move(path);
    parsed_ = std::move(parsed);
}

Scenario ScenarioTemplate::load(const std::vector<std::string>& overrides) const {
    try {
        Context ctx(parsed_->path);
        toml::table root = parsed_->root;  // a deep copy; the shared tree is only read
        return loadParsed(ctx, root, parsed_->text, parsed_->path, overrides);
    } catch (const ScenarioError&) {
        return loadScenarioText(parsed_->text, parsed_->path, overrides);  // located error
    }
}

Scenario loadScenarioFile(const std::string& path, const std::vector<std::string>& overrides) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        throw ScenarioError(path, 0, 0, "", "cannot read scenario file: no such file");
    }
    if (std::filesystem::is_directory(path, ec)) {
        throw ScenarioError(path, 0, 0, "", "cannot read scenario file: it is a directory");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw ScenarioError(path, 0, 0, "",
                            std::string("cannot read scenario file: ") + std::strerror(errno));
    }
    std::ostringstream text;
    text << in.rdbuf();
    return loadScenarioText(text.str(), path, overrides);
}

}  // namespace regsim
