// resolvedParametersJson: the provenance record of every resolved parameter. Keys are written
// in a fixed order (no maps), numbers in shortest round-trip form, infinities as the strings
// "inf"/"-inf" (JSON has no infinity), so equal scenarios give byte-equal text.

#include <charconv>
#include <cmath>
#include <cstdio>

#include "scenario/scenario_loader.hpp"

namespace regsim {

namespace {

class JsonWriter {
  public:
    std::string str() const { return out_; }

    void beginObject() { open('{'); }
    void endObject() { close('}'); }
    void beginArray() { open('['); }
    void endArray() { close(']'); }
    void key(const char* k) {
        comma();
        string(k);
        out_ += ':';
        after_key_ = true;
    }
    void value(const std::string& s) {
        comma();
        string(s);
    }
    void value(const char* s) { value(std::string(s)); }
    void value(double v) {
        comma();
        if (std::isnan(v)) {
            out_ += "\"nan\"";
        } else if (std::isinf(v)) {
            out_ += v > 0 ? "\"inf\"" : "\"-inf\"";
        } else {
            char buf[64];
            const auto r = std::to_chars(buf, buf + sizeof buf, v);
            out_.append(buf, r.ptr);
        }
    }
    void value(std::uint64_t v) {
        comma();
        out_ += std::to_string(v);
    }
    void value(std::uint32_t v) { value(static_cast<std::uint64_t>(v)); }
    void value(int v) {
        comma();
        out_ += std::to_string(v);
    }
    void value(bool v) {
        comma();
        out_ += v ? "true" : "false";
    }
    void null() {
        comma();
        out_ += "null";
    }
    template <class T>
    void field(const char* k, const T& v) {
        key(k);
        value(v);
    }
    void field(const char* k, const std::vector<double>& v) {
        key(k);
        beginArray();
        for (double x : v) value(x);
        endArray();
    }
    void field(const char* k, const std::vector<std::string>& v) {
        key(k);
        beginArray();
        for (const auto& x : v) value(x);
        endArray();
    }

  private:
    void open(char c) {
        comma();
        out_ += c;
        first_ = true;
    }
    void close(char c) {
        out_ += c;
        first_ = false;
    }
    void comma() {
        if (after_key_) {
            after_key_ = false;
            return;
        }
        if (!first_) out_ += ',';
        first_ = false;
    }
    void string(const std::string& s) {
        out_ += '"';
        for (const char c : s) {
            switch (c) {
                case '"':
                    out_ += "\\\"";
                    break;
                case '\\':
                    out_ += "\\\\";
                    break;
                case '\n':
                    out_ += "\\n";
                    break;
                case '\r':
                    out_ += "\\r";
                    break;
                case '\t':
                    out_ += "\\t";
                    break;
                default:
                    if (static_cast<unsigned char>(c) < 0x20) {
                        char buf[8];
                        std::snprintf(buf, sizeof buf, "\\u%04x", c);
                        out_ += buf;
                    } else {
                        out_ += c;
                    }
            }
        }
        out_ += '"';
    }

    std::string out_;
    bool first_ = true;
    bool after_key_ = false;
};

const char* paramName(InstitutionParam p) {
    switch (p) {
        case InstitutionParam::benefit:
            return "benefit";
        case InstitutionParam::sovereignty_cost:
            return "sovereignty_cost";
        case InstitutionParam::sanction:
            return "sanction";
        case InstitutionParam::notice_months:
            return "notice_months";
        case InstitutionParam::quorum:
            return "quorum";
        case InstitutionParam::democracy_clause:
            return "democracy_clause";
    }
    return "unknown";
}

void stateAttributes(JsonWriter& w, const StateAttributes& s) {
    w.field("sovereignty", s.sovereignty);
    w.field("sovereignty_baseline", s.sovereignty_baseline);
    w.field("alignment", s.alignment);
    w.field("alignment_baseline", s.alignment_baseline);
    w.field("regime", s.regime == Regime::military ? "military" : "civilian");
    w.field("weight", s.weight);
}

}  // namespace

std::string resolvedParametersJson(const Scenario& sc) {
    const auto stateId = [&](StateIndex i) { return sc.states.id(i); };
    const auto institutionId = [&](InstitutionIndex i) { return sc.institutions.at(i).id; };
    const auto stateIds = [&](const std::vector<StateIndex>& v) {
        std::vector<std::string> out;
        for (auto i : v) out.push_back(stateId(i));
        return out;
    };
    const bool list_states = sc.states.size() <= kMaxListedStates;
    JsonWriter w;
    w.beginObject();

    w.key("scenario");
    w.beginObject();
    w.field("name", sc.name);
    w.field("description", sc.description);
    w.field("start", sc.calendarMonth(0));
    w.field("steps", sc.steps);
    w.field("replicates", sc.replicates);
    w.field("seed", sc.seed);
    w.endObject();

    w.field("axes", sc.axes);

    const auto& m = sc.model;
    w.key("model");
    w.beginObject();
    w.field("peer_alignment_rate", m.peer_alignment_rate);
    w.field("confidence_bound", m.confidence_bound);
    w.field("patron_pull", m.patron_pull);
    w.field("institution_pull", m.institution_pull);
    w.field("alignment_reversion", m.alignment_reversion);
    w.field("alignment_noise", m.alignment_noise);
    w.field("sovereignty_reversion", m.sovereignty_reversion);
    w.field("rally", m.rally);
    w.field("military_sovereignty_shift", m.military_sovereignty_shift);
    w.field("military_alignment_shift", m.military_alignment_shift.empty()
                                            ? std::vector<double>(sc.axisCount(), 0.0)
                                            : m.military_alignment_shift);
    w.field("club_exponent", m.club_exponent);
    w.field("sanction_benefit_cut", m.sanction_benefit_cut);
    w.field("alignment_cost", m.alignment_cost);
    w.field("peer_weight", m.peer_weight);
    w.field("linkage_weight", m.linkage_weight);
    w.field("patron_opposition_weight", m.patron_opposition_weight);
    w.field("substitution_weight", m.substitution_weight);
    w.field("status_quo_bias", m.status_quo_bias);
    w.field("linkage_counts_announcements", m.linkage_counts_announcements);
    w.field("decision_sharpness", m.decision_sharpness);
    w.field("hazard_cap", m.hazard_cap);
    w.field("rescind_margin", m.rescind_margin);
    w.endObject();

    w.field("state_count", static_cast<std::uint64_t>(sc.states.size()));
    const auto listStates = [&](const char* key, std::size_t count) {
        w.key(key);
        w.beginArray();
        for (StateIndex i = 0; i < count; ++i) {
            w.beginObject();
            w.field("id", sc.states.id(i));
            w.field("name", sc.states.name(i));
            stateAttributes(w, sc.states[i]);
            w.endObject();
        }
        w.endArray();
    };
    if (list_states) {
        listStates("states", sc.states.size());
    } else {
        // Too many to list: they come from [network], whose states share [state_defaults]; the
        // listed ones ([[state]], a file's states), which come first, while there are few.
        w.key("state_defaults");
        w.beginObject();
        stateAttributes(
            w, sc.states.generatedCount() ? sc.states.generatedAttributes() : sc.states.back());
        w.endObject();
        if (sc.states.generatedCount() != 0 && sc.states.listed().size() <= kMaxListedStates)
            listStates("listed_states", sc.states.listed().size());
    }

    w.key("institutions");
    w.beginArray();
    for (const auto& in : sc.institutions) {
        w.beginObject();
        w.field("id", in.id);
        w.field("name", in.name);
        w.field("kind", in.kind);
        w.field("orientation", in.orientation);
        w.field("benefit", in.benefit);
        w.field("sovereignty_cost", in.sovereignty_cost);
        w.field("notice_months", in.notice_months);
        w.field("democracy_clause", in.democracy_clause);
        w.field("sanction", in.sanction);
        w.field("quorum", in.quorum);
        w.field("coordinated_exit", in.coordinated_exit);
        w.field("coordination_share", in.coordination_share);
        w.field("latent", in.latent);
        w.field("member_count", static_cast<std::uint64_t>(in.members.size()));
        if (list_states) w.field("members", stateIds(in.members));
        if (in.latent) {
            w.key("founding");
            w.beginObject();
            w.field("candidates", stateIds(in.founding.candidates));
            w.field("min_founders", in.founding.min_founders);
            w.field("require_military", in.founding.require_military);
            w.field("require_suspended", in.founding.require_suspended);
            w.field("require_connected", in.founding.require_connected);
            w.field("delay_months", in.founding.delay_months);
            w.endObject();
        }
        w.endObject();
    }
    w.endArray();

    w.key("memberships");
    w.beginArray();
    for (const auto& ms : sc.memberships) {
        w.beginObject();
        w.field("state", stateId(ms.state));
        w.field("institution", institutionId(ms.institution));
        w.key("benefit");
        ms.benefit ? w.value(*ms.benefit) : w.null();
        w.key("sovereignty_cost");
        ms.sovereignty_cost ? w.value(*ms.sovereignty_cost) : w.null();
        w.field("status", ms.status == MembershipStatus::suspended ? "suspended" : "member");
        w.field("sanction", ms.sanction);
        w.endObject();
    }
    w.endArray();

    w.field("tie_count", static_cast<std::uint64_t>(sc.ties.size()));
    if (list_states) {
        w.key("ties");
        w.beginArray();
        for (const auto& t : sc.ties) {
            w.beginObject();
            w.field("a", stateId(t.a));
            w.field("b", stateId(t.b));
            w.field("weight", t.weight);
            w.endObject();
        }
        w.endArray();
    }

    w.key("links");
    w.beginArray();
    for (const auto& l : sc.links) {
        w.beginObject();
        w.field("from", institutionId(l.from));
        w.field("to", institutionId(l.to));
        w.field("weight", l.weight);
        w.endObject();
    }
    w.endArray();

    w.key("substitutions");
    w.beginArray();
    for (const auto& s : sc.substitutions) {
        w.beginObject();
        w.field("alternative", institutionId(s.alternative));
        w.field("replaces", institutionId(s.replaces));
        w.field("weight", s.weight);
        w.endObject();
    }
    w.endArray();

    w.key("patrons");
    w.beginArray();
    for (const auto& p : sc.patrons) {
        w.beginObject();
        w.field("id", p.id);
        w.field("name", p.name);
        w.field("orientation", p.orientation);
        w.key("engagement");  // non-zero entries only, in state order
        w.beginObject();
        for (std::size_t i = 0; i < p.engagement.size(); ++i) {
            if (p.engagement[i] != 0.0)
                w.field(sc.states.id(StateIndex(i)).c_str(), p.engagement[i]);
        }
        w.endObject();
        w.endObject();
    }
    w.endArray();

    w.key("network");
    if (sc.network) {
        const auto& n = *sc.network;
        w.beginObject();
        // The keys this kind uses (the loader refuses the others).
        w.field("kind", networkKindName(n.kind));
        if (n.kind == NetworkKind::edge_list || n.kind == NetworkKind::graphml) {
            w.field("path", n.path);
            w.field("weight", n.weight);
        } else {
            w.field("states", n.states);
            w.field("mean_degree", n.mean_degree);
            if (n.kind == NetworkKind::small_world) w.field("rewiring", n.rewiring);
            if (n.kind == NetworkKind::blocks) {
                w.field("blocks", n.blocks);
                w.field("within_share", n.within_share);
            }
            w.field("weight", n.weight);
            w.field("seed", n.seed);
            w.field("graph_seed", n.graph_seed);  // the one used: seed, or derived if 0
        }
        w.endObject();
    } else {
        w.null();
    }

    w.key("events");
    w.beginArray();
    for (const auto& e : sc.events) {
        w.beginObject();
        w.field("step", e.step);
        w.field("date", sc.calendarMonth(e.step));
        w.field("kind", eventKindName(e.kind));
        if (e.random_state) {
            w.field("state", "random");
        } else if (e.state != kNone) {
            w.field("state", stateId(e.state));
        }
        if (e.institution != kNone) w.field("institution", institutionId(e.institution));
        if (e.patron != kNone) w.field("patron", sc.patrons.at(e.patron).id);
        if (e.kind == EventKind::institution_param) w.field("param", paramName(e.param));
        if (e.kind == EventKind::institution_param || e.kind == EventKind::sanction ||
            e.kind == EventKind::patron_engagement) {
            w.field("value", e.value);
        }
        w.endObject();
    }
    w.endArray();

    w.endObject();
    return w.str();
}

}  // namespace regsim
