#include "scenario/sweep_loader.hpp"

#include <toml++/toml.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "core/format_number.hpp"
#include "core/text_hash.hpp"
#include "scenario/scenario_loader.hpp"

namespace regsim {
namespace {

// How a point's scenario differs in shape from the base (empty when it does not): every run of
// a sweep is written into arrays shaped by the base scenario's states, institutions, patrons
// and axes, so a parameter that changes them (network.states) cannot be swept.
std::string shapeChange(const Scenario& base, const Scenario& point) {
    const auto changed = [](const char* what, std::size_t from, std::size_t to) {
        return std::string("changes the number of ") + what + " from " + std::to_string(from) +
               " to " + std::to_string(to);
    };
    if (point.states.size() != base.states.size())
        return changed("states", base.states.size(), point.states.size());
    if (point.institutions.size() != base.institutions.size())
        return changed("institutions", base.institutions.size(), point.institutions.size());
    if (point.patrons.size() != base.patrons.size())
        return changed("patrons", base.patrons.size(), point.patrons.size());
    if (point.axes.size() != base.axes.size())
        return changed("axes", base.axes.size(), point.axes.size());
    return "";
}

struct Where {
    int line = 0;
    int column = 0;
};

Where whereOf(const toml::source_region& s) {
    return {static_cast<int>(s.begin.line), static_cast<int>(s.begin.column)};
}

class SweepParser {
  public:
    SweepParser(const std::string& text, const std::string& path) : text_(text), path_(path) {}

    SweepSpec parse();

  private:
    [[noreturn]] void fail(Where w, const std::string& key, const std::string& msg) const {
        throw ScenarioError(path_, w.line, w.column, key, msg);
    }
    [[noreturn]] void fail(const toml::node& n, const std::string& key,
                           const std::string& msg) const {
        fail(whereOf(n.source()), key, msg);
    }
    void checkKeys(const toml::table& t, const std::string& prefix,
                   std::initializer_list<const char*> known) const;
    std::string readString(const toml::node& n, const std::string& key) const;
    double readNumber(const toml::node& n, const std::string& key) const;
    std::int64_t readInteger(const toml::node& n, const std::string& key, std::int64_t lo,
                             std::int64_t hi) const;
    bool readBool(const toml::node& n, const std::string& key) const;

    const std::string& text_;
    const std::string& path_;
};

void SweepParser::checkKeys(const toml::table& t, const std::string& prefix,
                            std::initializer_list<const char*> known) const {
    for (auto&& [k, v] : t) {
        bool ok = false;
        std::string list;
        for (const char* name : known) {
            ok = ok || k.str() == name;
            list += (list.empty() ? "" : ", ") + std::string(name);
        }
        if (!ok) {
            const Where w = k.source().begin.line ? whereOf(k.source()) : whereOf(v.source());
            fail(w, prefix + std::string(k.str()), "unknown key; known: " + list);
        }
    }
}

std::string SweepParser::readString(const toml::node& n, const std::string& key) const {
    if (const auto* s = n.as_string()) return s->get();
    fail(n, key, "expected a string");
}

double SweepParser::readNumber(const toml::node& n, const std::string& key) const {
    if (const auto* f = n.as_floating_point()) return f->get();
    if (const auto* i = n.as_integer()) return static_cast<double>(i->get());
    fail(n, key, "expected a number");
}

std::int64_t SweepParser::readInteger(const toml::node& n, const std::string& key, std::int64_t lo,
                                      std::int64_t hi) const {
    const auto* i = n.as_integer();
    if (!i) fail(n, key, "expected an integer");
    if (i->get() < lo || i->get() > hi) {
        fail(n, key,
             "must be in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got " +
                 std::to_string(i->get()));
    }
    return i->get();
}

bool SweepParser::readBool(const toml::node& n, const std::string& key) const {
    if (const auto* b = n.as_boolean()) return b->get();
    fail(n, key, "expected true or false");
}

SweepSpec SweepParser::parse() {
    toml::table root;
    try {
        root = toml::parse(std::string_view(text_), std::string_view(path_));
    } catch (const toml::parse_error& e) {
        fail(whereOf(e.source()), "", "TOML syntax error: " + std::string(e.description()));
    }
    checkKeys(root, "", {"sweep", "parameter"});
    const auto* sweep_node = root.get("sweep");
    if (!sweep_node || !sweep_node->is_table()) {
        fail(sweep_node ? whereOf(sweep_node->source()) : Where{1, 1}, "sweep",
             "a [sweep] table is required");
    }
    const toml::table& sw = *sweep_node->as_table();
    checkKeys(sw, "sweep.",
              {"scenario", "replicates", "seed", "steps", "design", "samples", "design_seed",
               "scramble", "record", "max_points"});

    SweepSpec spec;
    spec.path = path_;
    spec.text = text_;

    // The base scenario, relative to the sweep file's folder.
    const auto* scen = sw.get("scenario");
    if (!scen) fail(whereOf(sw.source()), "sweep.scenario", "missing: the base scenario file");
    std::filesystem::path sp = readString(*scen, "sweep.scenario");
    if (sp.is_relative()) sp = std::filesystem::path(path_).parent_path() / sp;
    spec.scenario_path = sp.lexically_normal().string();
    {
        std::ifstream in(spec.scenario_path, std::ios::binary);
        if (!in || std::filesystem::is_directory(spec.scenario_path)) {
            fail(*scen, "sweep.scenario", "cannot read scenario file " + spec.scenario_path);
        }
        std::ostringstream buf;
        buf << in.rdbuf();
        spec.scenario_text = buf.str();
    }
    // Errors inside the scenario itself keep the scenario's own file:line:column.
    spec.scenario_template =
        std::make_shared<const ScenarioTemplate>(spec.scenario_text, spec.scenario_path);
    spec.scenario = spec.scenario_template->load();
    spec.replicates = spec.scenario.replicates;
    spec.seed = spec.scenario.seed;
    spec.steps = spec.scenario.steps;

    constexpr std::int64_t u32 = std::numeric_limits<std::uint32_t>::max();
    constexpr std::int64_t i64 = std::numeric_limits<std::int64_t>::max();
    if (const auto* n = sw.get("replicates"))
        spec.replicates = std::uint32_t(readInteger(*n, "sweep.replicates", 1, u32));
    if (const auto* n = sw.get("seed"))
        spec.seed = std::uint64_t(readInteger(*n, "sweep.seed", 0, i64));
    if (const auto* n = sw.get("steps"))
        spec.steps = std::uint32_t(readInteger(*n, "sweep.steps", 1, u32));
    if (const auto* n = sw.get("design")) {
        try {
            spec.design.kind = designKindFromName(readString(*n, "sweep.design"));
        } catch (const std::invalid_argument& e) {
            fail(*n, "sweep.design", e.what());
        }
    }
    if (const auto* n = sw.get("samples"))
        spec.design.samples = std::uint64_t(readInteger(*n, "sweep.samples", 0, i64));
    if (const auto* n = sw.get("design_seed"))
        spec.design.design_seed = std::uint64_t(readInteger(*n, "sweep.design_seed", 0, i64));
    if (const auto* n = sw.get("scramble")) spec.design.scramble = readBool(*n, "sweep.scramble");
    if (const auto* n = sw.get("max_points"))
        spec.design.max_points = std::uint64_t(readInteger(*n, "sweep.max_points", 1, i64));
    // Keys the chosen design would ignore: a user who sets them expects an effect.
    const std::string design_name(designKindName(spec.design.kind));
    const bool scrambles =
        spec.design.kind == DesignKind::sobol || spec.design.kind == DesignKind::saltelli;
    for (const char* k : {"samples", "design_seed", "scramble"}) {
        const auto* n = sw.get(k);
        if (!n) continue;
        if (spec.design.kind == DesignKind::grid)
            fail(*n, std::string("sweep.") + k,
                 "does not apply to the grid design (its points are the parameters' values)");
        if (std::string_view(k) == "scramble" && !scrambles)
            fail(*n, "sweep.scramble",
                 "applies to the sobol and saltelli designs only, not " + design_name);
        // Sobol' points are fixed; the seed only scrambles them.
        if (std::string_view(k) == "design_seed" && scrambles && !spec.design.scramble)
            fail(*n, "sweep.design_seed",
                 "has no effect on an unscrambled " + design_name +
                     " design; set scramble = true, or leave it out");
    }
    if (const auto* n = sw.get("record")) {
        spec.record_text = readString(*n, "sweep.record");
        if (spec.record_text == "summary") {
            spec.record = {false, 1};
        } else if (spec.record_text == "full") {
            spec.record = {true, 1};
        } else if (spec.record_text.rfind("every:", 0) == 0) {
            const std::string k = spec.record_text.substr(6);
            char* end = nullptr;
            errno = 0;
            const unsigned long v = std::strtoul(k.c_str(), &end, 10);
            if (k.empty() || *end != '\0' || errno || v == 0 || v > u32 || k[0] == '-') {
                fail(*n, "sweep.record", "every:K needs an integer K >= 1, got '" + k + "'");
            }
            spec.record = {true, std::uint32_t(v)};
        } else {
            fail(*n, "sweep.record",
                 "expected \"summary\", \"full\" or \"every:K\", got '" + spec.record_text + "'");
        }
    }

    // [[parameter]] entries.
    const auto* params_node = root.get("parameter");
    if (!params_node) fail(whereOf(sw.source()), "parameter", "no [[parameter]] to sweep");
    const auto* params = params_node->as_array();
    if (!params || params->empty()) {
        fail(*params_node, "parameter", "expected one or more [[parameter]] tables");
    }
    std::vector<Where> param_where;
    for (std::size_t k = 0; k < params->size(); ++k) {
        const toml::node& pn = (*params)[k];
        const std::string at = "parameter[" + std::to_string(k) + "]";
        const auto* pt = pn.as_table();
        if (!pt) fail(pn, at, "expected a table");
        checkKeys(*pt, at + ".", {"key", "values", "low", "high", "steps", "log", "integer"});
        const auto* kn = pt->get("key");
        if (!kn) fail(pn, at + ".key", "missing: the scenario key path to sweep");
        SweptParameter p;
        p.key = readString(*kn, at + ".key");
        const std::string& key = p.key;
        if (key.rfind("scenario.", 0) == 0) {
            fail(*kn, key, "scenario.* keys (steps, replicates, seed, ...) cannot be swept");
        }
        if (const auto* n = pt->get("log")) p.log_scale = readBool(*n, key + ".log");
        if (const auto* n = pt->get("integer")) p.integer = readBool(*n, key + ".integer");
        const auto* vn = pt->get("values");
        const auto* lo = pt->get("low");
        const auto* hi = pt->get("high");
        const auto* st = pt->get("steps");
        if (vn) {
            const auto* arr = vn->as_array();
            if (!arr) fail(*vn, key + ".values", "expected an array of numbers");
            if (arr->empty()) fail(*vn, key + ".values", "empty values");
            for (const auto& v : *arr) p.values.push_back(readNumber(v, key + ".values"));
            if (lo || hi || st)
                fail(lo ? *lo : hi ? *hi : *st, key, "give values or low/high, not both");
        } else {
            if (!lo || !hi) fail(pn, key, "needs values = [...] or low and high");
            p.low = readNumber(*lo, key + ".low");
            p.high = readNumber(*hi, key + ".high");
            if (!std::isfinite(p.low)) fail(*lo, key + ".low", "a range needs a finite low");
            if (!std::isfinite(p.high)) fail(*hi, key + ".high", "a range needs a finite high");
            if (spec.design.kind == DesignKind::grid) {
                if (!st) fail(pn, key + ".steps", "a grid over low..high needs steps");
                const auto steps = std::uint64_t(readInteger(*st, key + ".steps", 1, 1'000'000));
                if (!(p.low < p.high) && !(steps == 1 && p.low == p.high)) {
                    fail(*lo, key,
                         "empty range: low (" + formatDouble(p.low) + ") >= high (" +
                             formatDouble(p.high) + ")");
                }
                if (p.log_scale && p.low <= 0) fail(*lo, key, "log needs low > 0");
                p.values =
                    p.log_scale ? logspace(p.low, p.high, steps) : linspace(p.low, p.high, steps);
                if (p.integer)
                    for (double& v : p.values) v = std::round(v);
            } else if (st) {
                fail(*st, key + ".steps", "steps applies to grid designs only");
            }
        }
        // Validate the key path and the values against the base scenario, reporting --set's
        // message at this line: every grid value (a bad one found mid-sweep would stop it with
        // a half-written file), or a sampled range's two ends and a fractional value between
        // them (scenario ranges are intervals; an integer key refuses the fractions).
        std::vector<double> probe = p.values;
        if (probe.empty()) {
            probe = p.integer ? std::vector<double>{std::ceil(p.low), std::floor(p.high)}
                              : std::vector<double>{p.low, p.high};
            // And a fractional value between them: an integer key (notice_months, quorum)
            // passes with integer ends but refuses the points drawn between them.
            if (!p.integer) {
                const double inside = p.low + (p.high - p.low) * 0.41421356237309503;
                if (inside != std::floor(inside)) probe.push_back(inside);
            }
        }
        for (double v : probe) {
            char buf[64];
            std::snprintf(buf, sizeof buf, "%.17g", v);
            std::string change;
            try {
                change =
                    shapeChange(spec.scenario, spec.scenario_template->load({key + "=" + buf}));
            } catch (const ScenarioError& e) {
                const bool integer_key = e.message.find("expected an integer") != std::string::npos;
                fail(*kn, key,
                     e.message + " (value " + buf + ")" +
                         (integer_key ? "; add integer = true to sample integers" : ""));
            }
            if (!change.empty()) {
                fail(*kn, key,
                     change + " (value " + buf +
                         "): every point of a sweep has the base scenario's states, "
                         "institutions, patrons and axes; set it in the scenario instead");
            }
        }
        for (std::size_t j = 0; j < spec.design.parameters.size(); ++j) {
            if (spec.design.parameters[j].key == key) fail(*kn, key, "parameter swept twice");
        }
        spec.design.parameters.push_back(std::move(p));
        param_where.push_back(whereOf(pn.source()));
    }

    // The design itself: its errors name a parameter or the design.
    const std::uint64_t count = designPointCount(spec.design);
    const auto* design_at = sw.get("samples")      ? sw.get("samples")
                            : sw.get("max_points") ? sw.get("max_points")
                                                   : sw.get("design");
    const Where dw = design_at ? whereOf(design_at->source()) : whereOf(sw.source());
    try {
        if (count > spec.design.max_points) {
            throw std::invalid_argument("too many points: " + std::to_string(count) +
                                        " > max_points (" + std::to_string(spec.design.max_points) +
                                        ")");
        }
        spec.points = makeDesign(spec.design);
    } catch (const std::invalid_argument& e) {
        const std::string msg = e.what();
        for (std::size_t j = 0; j < spec.design.parameters.size(); ++j) {
            const auto& key = spec.design.parameters[j].key;
            if (msg.find(key) != std::string::npos) fail(param_where[j], key, msg);
        }
        fail(dw, "sweep", msg);
    }
    return spec;
}

std::string formatValue(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    std::string s = buf;
    // TOML spells these differently from printf.
    if (s == "inf") return "inf";
    if (s == "-inf") return "-inf";
    if (s == "nan" || s == "-nan") return "nan";
    return s;
}

void appendJsonNumber(std::string& out, double v) {
    if (!std::isfinite(v)) {
        out += "null";
        return;
    }
    out += formatValue(v);
}

void appendJsonString(std::string& out, const std::string& s) {
    out += '"';
    for (char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
        } else {
            out += c;
        }
    }
    out += '"';
}

}  // namespace

SweepSpec loadSweepText(const std::string& text, const std::string& path) {
    return SweepParser(text, path).parse();
}

SweepSpec loadSweepFile(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        throw ScenarioError(path, 0, 0, "", "cannot read sweep file: no such file");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in || std::filesystem::is_directory(path, ec)) {
        throw ScenarioError(path, 0, 0, "",
                            std::string("cannot read sweep file: ") + std::strerror(errno));
    }
    std::ostringstream text;
    text << in.rdbuf();
    return loadSweepText(text.str(), path);
}

std::vector<std::string> pointOverrides(const SweepSpec& spec, std::uint64_t point) {
    std::vector<std::string> out;
    const auto& row = spec.points.at(point);
    for (std::size_t d = 0; d < spec.design.parameters.size(); ++d) {
        out.push_back(spec.design.parameters[d].key + "=" + formatValue(row[d]));
    }
    return out;
}

Scenario loadPointScenario(const SweepSpec& spec, std::uint64_t point) {
    return spec.scenario_template->load(pointOverrides(spec, point));
}

std::string sweepDesignJson(const SweepSpec& spec) {
    const DesignSpec& d = spec.design;
    std::string out = "{\"design\":";
    appendJsonString(out, std::string(designKindName(d.kind)));
    out += ",\"samples\":" + std::to_string(d.samples);
    out += ",\"design_seed\":" + std::to_string(d.design_seed);
    out += std::string(",\"scramble\":") + (d.scramble ? "true" : "false");
    out += ",\"max_points\":" + std::to_string(d.max_points);
    out += ",\"replicates\":" + std::to_string(spec.replicates);
    out += ",\"seed\":" + std::to_string(spec.seed);
    out += ",\"steps\":" + std::to_string(spec.steps);
    out += ",\"record\":";
    appendJsonString(out, spec.record_text);
    out += ",\"parameters\":[";
    for (std::size_t k = 0; k < d.parameters.size(); ++k) {
        const auto& p = d.parameters[k];
        if (k) out += ',';
        out += "{\"key\":";
        appendJsonString(out, p.key);
        if (!p.values.empty()) {
            out += ",\"values\":[";
            for (std::size_t j = 0; j < p.values.size(); ++j) {
                if (j) out += ',';
                appendJsonNumber(out, p.values[j]);
            }
            out += ']';
        } else {
            out += ",\"low\":";
            appendJsonNumber(out, p.low);
            out += ",\"high\":";
            appendJsonNumber(out, p.high);
        }
        out += std::string(",\"log\":") + (p.log_scale ? "true" : "false");
        out += std::string(",\"integer\":") + (p.integer ? "true" : "false") + "}";
    }
    return out + "]}";
}

std::string sweepHash(const SweepSpec& spec) {
    // The sweep text, the scenario text and, when the scenario reads its network from a file,
    // that file's contents: shards of one sweep must have read the same graph.
    std::uint64_t h = fnv1a64(spec.text);
    h = fnv1a64(std::string_view("\0", 1), h);
    h = fnv1a64(spec.scenario_text, h);
    if (!spec.scenario.source.network_hash.empty()) {
        h = fnv1a64(std::string_view("\0", 1), h);
        h = fnv1a64(spec.scenario.source.network_hash, h);
    }
    return hex16(h);
}

}  // namespace regsim
