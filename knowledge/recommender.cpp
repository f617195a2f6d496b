// The recommender and the explainer: weigh the guide's facts for the needs of a question.

#include <algorithm>
#include <map>

#include "knowledge/rules.hpp"

namespace advisor::knowledge {
namespace {

bool contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

void add_unique(std::vector<const fact*>& list, const fact* f) {
  if (f != nullptr && std::find(list.begin(), list.end(), f) == list.end()) list.push_back(f);
}

}  // namespace

const std::vector<const fact*>& knowledge_base::about(std::string_view topic) const {
  static const std::vector<const fact*> none;
  const auto it = about_.find(std::string{topic});
  return it == about_.end() ? none : it->second;
}

std::string knowledge_base::label(std::string_view topic) const {
  const auto it = rules_->labels.find(topic);
  if (it != rules_->labels.end()) return it->second;
  std::string out{topic};
  std::replace(out.begin(), out.end(), '_', ' ');
  return out;
}

std::string knowledge_base::definition(std::string_view topic) const {
  const auto it = rules_->definitions.find(topic);
  return it == rules_->definitions.end() ? std::string{} : it->second;
}

bool knowledge_base::is_detail(std::string_view topic) const {
  return rules_->detail.contains(topic);
}

bool knowledge_base::is_generic(std::string_view topic) const {
  return rules_->generic.contains(topic);
}

// The guide's both-together sentence: the one sharing a need asked, or else the first.
const fact* knowledge_base::hybrid_fact_for(const std::vector<std::string>& needs) const {
  const fact* first = nullptr;
  for (const fact& f : facts_) {
    if (!f.hybrid) continue;
    if (first == nullptr) first = &f;
    const bool shares = std::any_of(needs.begin(), needs.end(),
                                    [&](const auto& t) { return contains(f.topics, t); });
    if (shares) return &f;
  }
  return first;
}

// The topics asked that the guide speaks to, specific ones before generic ones; the rest
// are `uncovered`. True in `.second` when any of them is specific.
std::pair<std::vector<std::string>, bool> knowledge_base::needs_of(
    const std::vector<std::string>& topics, recommendation& out) const {
  const rules& r = *rules_;
  std::vector<std::string> needs;
  for (const auto& t : topics) {
    if (r.detail.contains(t)) continue;
    if (!outcomes_.contains(t)) {
      out.uncovered.push_back(t);
    } else {
      needs.push_back(t);
    }
  }
  const bool any_specific = std::any_of(needs.begin(), needs.end(),
                                        [&](const auto& t) { return !r.generic.contains(t); });
  if (any_specific) std::erase_if(needs, [&](const auto& t) { return r.generic.contains(t); });
  // A stated fact outweighs a need either side can serve ("React developers building a CRUD
  // dashboard": one language, not an admin panel in another).
  // Found before erasing (a need's fact may itself be outweighed); usually none, then nothing
  // is copied.
  std::vector<std::string> outweighed;
  for (const auto& t : needs) {
    const auto by = r.yields.find(t);
    if (by != r.yields.end() && std::any_of(by->second.begin(), by->second.end(),
                                            [&](const auto& f) { return contains(needs, f); }))
      outweighed.push_back(t);
  }
  if (!outweighed.empty())
    std::erase_if(needs, [&](const std::string& t) { return contains(outweighed, t); });
  return {std::move(needs), any_specific};
}

// Each technology's support for one need: strengths add, limits take away, a sentence
// focused on the need weighs more, a hedged one less.
std::map<std::string, knowledge_base::side> knowledge_base::sides_for(
    const std::string& need) const {
  const rules& r = *rules_;
  std::map<std::string, side> sides;
  for (const fact& f : facts_) {
    if (f.hybrid) continue;  // a both-together sentence argues for neither side alone
    for (const claim& c : f.claims) {
      if (!contains(c.topics, need)) continue;
      const auto focused = std::count_if(c.topics.begin(), c.topics.end(),
                                         [&](const auto& t) { return !r.detail.contains(t); });
      double weight = 1.0 / static_cast<double>(std::max<std::ptrdiff_t>(focused, 1));
      if (c.hedged) weight *= r.hedge_factor;
      const double sign = c.stance == polarity::strength ? 1.0
                          : c.stance == polarity::limit  ? -1.0
                                                         : 0.0;
      if (sign == 0.0) continue;
      for (const auto& tech : f.technologies) {
        side& s = sides[tech];
        s.score += sign * weight;
        if (sign > 0) {
          s.firm = s.firm || !c.hedged;
          s.facts.emplace_back(weight, &f);
        }
      }
    }
  }
  for (auto& [tech, s] : sides) {
    std::stable_sort(s.facts.begin(), s.facts.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
  }
  return sides;
}

// The best strength of `tech` on the topics that stand opposite `need` (cpu_bound -> io_bound).
const fact* knowledge_base::counterpart_fact(const std::string& need,
                                             const std::string& tech) const {
  const auto it = rules_->counterpart.find(need);
  if (it == rules_->counterpart.end()) return nullptr;
  for (const auto& other : it->second) {
    auto sides = sides_for(other);
    const auto s = sides.find(tech);
    if (s != sides.end() && !s->second.facts.empty()) return s->second.facts.front().second;
  }
  return nullptr;
}

// The side that wins `need`: firm (unhedged) support and a clear lead; empty when it depends.
// A broad need favours a side only when the other side says nothing good about it.
std::string knowledge_base::winner_of(const std::string& need,
                                      std::map<std::string, side>& sides) const {
  const rules& r = *rules_;
  const auto& techs = technologies_;
  const bool broad = r.generic.contains(need);
  std::string winner;
  for (const auto& tech : techs) {
    const side& s = sides[tech];
    // A hedged strength decides only when no other side says anything on the need.
    const bool alone = std::all_of(techs.begin(), techs.end(), [&](const auto& other) {
      return other == tech || (sides[other].score == 0.0 && sides[other].facts.empty());
    });
    if (s.score <= 0.0 || (!s.firm && !(r.hedged_alone_decides && alone && !broad))) continue;
    bool clear = true;
    for (const auto& other : techs) {
      if (other == tech) continue;
      const side& o = sides[other];
      if (o.score * r.decisive_ratio > s.score || (broad && !o.facts.empty())) clear = false;
    }
    if (clear) winner = tech;
  }
  return winner;
}

// How the guide answers one need, with the sentences behind it.
need_outcome knowledge_base::outcome_for(const std::string& need) const {
  auto sides = sides_for(need);
  need_outcome n;
  n.topic = need;
  n.node = sides["node"].score;
  n.python = sides["python"].score;
  const std::string winner = winner_of(need, sides);
  if (!winner.empty()) {
    n.favours = winner;
    for (const auto& [w, f] : sides[winner].facts) add_unique(n.facts, f);
    // A lean, not a firm win: the other side is heard on the counterpart need.
    if (!sides[winner].firm) {
      for (const auto& tech : technologies_) {
        if (tech != winner) add_unique(n.facts, counterpart_fact(need, tech));
      }
    }
    return n;
  }
  n.favours = "depends";
  // Each side's best sentence on this need; a side with nothing here is heard on the
  // counterpart need (CPU-bound work: Python's edge, then Node's I/O throughput).
  for (const auto& tech : technologies_) {
    const side& s = sides[tech];
    if (!s.facts.empty()) add_unique(n.facts, s.facts.front().second);
  }
  for (const auto& tech : technologies_) {
    if (sides[tech].facts.empty()) add_unique(n.facts, counterpart_fact(need, tech));
  }
  for (const auto& tech : technologies_) {
    for (const auto& [w, f] : sides[tech].facts) add_unique(n.facts, f);
  }
  return n;
}

// A technology's broadest strength: a concluding section's sentence before the one covering
// the most needs.
const fact* knowledge_base::broadest_strength(const std::string& tech) const {
  const rules& r = *rules_;
  const auto in_summary = [&](const fact& f) {
    return std::any_of(r.summary_section.begin(), r.summary_section.end(),
                       [&](const auto& re) { return re2::RE2::PartialMatch(f.section, *re); });
  };
  const auto breadth = [&](const fact& x) {
    return std::count_if(x.topics.begin(), x.topics.end(),
                         [&](const auto& t) { return !r.detail.contains(t); });
  };
  const fact* broadest = nullptr;
  for (const fact& f : facts_) {
    if (f.stance != polarity::strength || f.hybrid || f.both || f.hedged ||
        f.technologies.size() != 1 || f.technologies.front() != tech) {
      continue;
    }
    if (broadest == nullptr || (in_summary(f) && !in_summary(*broadest)) ||
        (in_summary(f) == in_summary(*broadest) && breadth(f) > breadth(*broadest))) {
      broadest = &f;
    }
  }
  return broadest;
}

void knowledge_base::weigh_the_guide() {
  for (const fact& f : facts_) {
    for (const auto& topic : f.topics) {
      auto& list = about_[topic];
      if (list.empty() || list.back() != &f) list.push_back(&f);
    }
  }
  for (const auto& [topic, list] : about_) outcomes_.emplace(topic, outcome_for(topic));
  for (const auto& tech : technologies_) {
    if (const fact* f = broadest_strength(tech)) broadest_.emplace(tech, f);
  }
}

// A general comparison: each technology's broadest strength, the ones named first.
void knowledge_base::general_sources(const std::vector<std::string>& technologies,
                                     std::size_t max_sources, recommendation& out) const {
  const auto add = [&](const std::string& tech) {
    const auto it = broadest_.find(tech);
    if (it != broadest_.end()) add_unique(out.sources, it->second);
  };
  for (const auto& tech : technologies) add(tech);
  for (const auto& tech : technologies_) {
    if (!contains(technologies, tech)) add(tech);
  }
  if (out.sources.size() > max_sources) out.sources.resize(max_sources);
}

namespace {

// The hybrid sentence first, then round-robin over the needs' facts.
void add_sources(recommendation& out, std::size_t max_sources) {
  add_unique(out.sources, out.hybrid_fact);
  for (std::size_t rank = 0; out.sources.size() < max_sources; ++rank) {
    bool any = false;
    for (const auto& n : out.needs) {
      if (rank < n.facts.size()) {
        any = true;
        if (out.sources.size() < max_sources) add_unique(out.sources, n.facts[rank]);
      }
    }
    if (!any) break;
  }
}

}  // namespace

// A move away from a side, with a need that argues for staying on it ("replace all our
// JavaScript with Python"): the need names what the move leaves, not a reason for it.
bool knowledge_base::leaves(const std::string& need, const need_outcome& n,
                            std::string_view moving_to) const {
  return !moving_to.empty() && n.favours != moving_to && n.favours != "depends" &&
         rules_->left_behind.contains(need);
}

recommendation knowledge_base::recommend(const std::vector<std::string>& topics,
                                         const std::vector<std::string>& technologies,
                                         std::size_t max_sources,
                                         std::string_view moving_to) const {
  recommendation out;
  const auto [needs, any_specific] = needs_of(topics, out);
  bool favours_node = false;
  bool favours_python = false;
  out.needs.reserve(needs.size());
  for (const auto& need : needs) {
    const need_outcome& n = outcomes_.at(need);  // needs_of keeps only topics it holds
    if (n.facts.empty()) {
      out.uncovered.push_back(need);
      continue;
    }
    if (leaves(need, n, moving_to)) continue;
    favours_node = favours_node || n.favours == "node";
    favours_python = favours_python || n.favours == "python";
    out.needs.push_back(n);
  }

  const bool both_named = contains(technologies, "node") && contains(technologies, "python");
  const bool together_asked = std::any_of(
      topics.begin(), topics.end(), [&](const auto& t) { return rules_->together.contains(t); });
  // "Can I use both?": both side by side, with no need or with each side named.
  if (out.needs.empty() && together_asked && (both_named || technologies.empty())) {
    out.verdict = "hybrid";
    out.hybrid_fact = hybrid_fact_for(needs);
    add_unique(out.sources, out.hybrid_fact);
    return out;
  }
  if (out.needs.empty()) {
    out.general = true;
    out.verdict = "depends";
    general_sources(technologies, max_sources, out);
    return out;
  }
  // Both side by side, asked for: a technology named counts as its side's need too.
  const bool node_side = favours_node || (together_asked && contains(technologies, "node"));
  const bool python_side = favours_python || (together_asked && contains(technologies, "python"));
  // A move takes the whole project to one side: of needs pulling both ways, the destination's
  // are the reason given for it ("rewrote our backend from Python to Node for network I/O").
  const bool to_node = moving_to == "node" && favours_node;
  const bool to_python = moving_to == "python" && favours_python;
  if (!together_asked && favours_node && favours_python && (to_node || to_python)) {
    std::erase_if(out.needs, [&](const need_outcome& n) { return n.favours != moving_to; });
    out.verdict = std::string{moving_to};
  } else if ((together_asked && node_side && python_side) ||
             (favours_node && favours_python && any_specific)) {
    out.verdict = "hybrid";
    out.hybrid_fact = hybrid_fact_for(needs);
  } else if (favours_node && favours_python) {
    out.verdict = "depends";  // broad needs pulling both ways: a trade-off, not a hybrid
  } else if (favours_node) {
    out.verdict = "node";
  } else if (favours_python) {
    out.verdict = "python";
  } else {
    out.verdict = "depends";
  }
  add_sources(out, max_sources);
  return out;
}

std::vector<const fact*> knowledge_base::explain(const std::vector<std::string>& topics,
                                                 const std::vector<std::string>& technologies,
                                                 std::size_t max_facts) const {
  std::vector<const fact*> out;
  // The most specific topic asked: a detail topic (the GIL, npm) before a need, then the one
  // the fewest sentences speak of.
  std::vector<const fact*> best;
  bool best_detail = false;
  for (const auto& t : topics) {
    auto facts = about(t);
    if (facts.empty()) continue;
    const bool detail = rules_->detail.contains(t);
    if (best.empty() || (detail && !best_detail) ||
        (detail == best_detail && facts.size() < best.size())) {
      best = std::move(facts);
      best_detail = detail;
    }
  }
  if (!best.empty()) {
    // Sentences centred on the topic (fewest topics) first, guide order otherwise.
    std::stable_sort(best.begin(), best.end(), [](const fact* a, const fact* b) {
      return a->topics.size() < b->topics.size();
    });
    for (const fact* f : best) {
      if (out.size() < max_facts) out.push_back(f);
    }
    return out;
  }
  // No topic: introduce each technology named with its first sentence about it alone, then
  // say what it is good at: its firm strength covering the most needs ("what is node good at").
  const auto alone = [](const fact& f, const std::string& tech) {
    return f.technologies.size() == 1 && f.technologies.front() == tech;
  };
  for (const auto& tech : technologies) {
    for (const fact& f : facts_) {
      if (alone(f, tech)) {
        add_unique(out, &f);
        break;
      }
    }
  }
  const auto breadth = [&](const fact& f) {
    return std::count_if(f.topics.begin(), f.topics.end(),
                         [&](const auto& t) { return !rules_->detail.contains(t); });
  };
  for (const auto& tech : technologies) {
    const fact* broadest = nullptr;
    for (const fact& f : facts_) {
      if (!alone(f, tech) || f.stance != polarity::strength || f.hedged) continue;
      if (broadest == nullptr || breadth(f) > breadth(*broadest)) broadest = &f;
    }
    add_unique(out, broadest);
  }
  if (out.size() > max_facts) out.resize(max_facts);
  return out;
}

}  // namespace advisor::knowledge
