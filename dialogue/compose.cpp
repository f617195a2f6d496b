#include "dialogue/compose.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>

namespace advisor::dialogue::compose {
namespace {

using knowledge::fact;
using knowledge::knowledge_base;
using knowledge::need_outcome;
using knowledge::recommendation;

struct display {
  std::string_view id;
  std::string_view name;
};

// Lexicon ids (intents/data/lexicon.txt "tech" and "other") as people write them.
constexpr std::array<display, 72> display_names{{
    {"node", "Node.js"},
    {"python", "Python"},
    {"go", "Go"},
    {"rust", "Rust"},
    {"java", "Java"},
    {"kotlin", "Kotlin"},
    {"csharp", "C#"},
    {"php", "PHP"},
    {"ruby", "Ruby"},
    {"elixir", "Elixir"},
    {"scala", "Scala"},
    {"cpp", "C++"},
    {"c", "C"},
    {"deno", "Deno"},
    {"bun", "Bun"},
    {"swift", "Swift"},
    {"dart", "Dart"},
    {"perl", "Perl"},
    {"haskell", "Haskell"},
    {"clojure", "Clojure"},
    {"julia", "Julia"},
    {"r", "R"},
    {"zig", "Zig"},
    {"ocaml", "OCaml"},
    {"fsharp", "F#"},
    {"lua", "Lua"},
    {"nim", "Nim"},
    {"crystal", "Crystal"},
    // Members of a family ("tech node express"), and tools outside the guide.
    {"express", "Express"},
    {"nestjs", "NestJS"},
    {"fastify", "Fastify"},
    {"koa", "Koa"},
    {"hapi", "hapi"},
    {"nextjs", "Next.js"},
    {"nuxt", "Nuxt"},
    {"remix", "Remix"},
    {"gatsby", "Gatsby"},
    {"adonis", "AdonisJS"},
    {"sails", "Sails"},
    {"meteor", "Meteor"},
    {"django", "Django"},
    {"fastapi", "FastAPI"},
    {"flask", "Flask"},
    {"starlette", "Starlette"},
    {"tornado", "Tornado"},
    {"pyramid", "Pyramid"},
    {"aiohttp", "aiohttp"},
    {"sqlalchemy", "SQLAlchemy"},
    {"peewee", "Peewee"},
    {"django_orm", "the Django ORM"},
    {"sanic", "Sanic"},
    {"litestar", "Litestar"},
    {"pandas", "pandas"},
    {"polars", "Polars"},
    {"postgres", "PostgreSQL"},
    {"mysql", "MySQL"},
    {"mongodb", "MongoDB"},
    {"redis", "Redis"},
    {"memcached", "Memcached"},
    {"sqlite", "SQLite"},
    {"aws", "AWS"},
    {"gcp", "Google Cloud"},
    {"azure", "Azure"},
    {"heroku", "Heroku"},
    {"vps", "VPS hosting"},
    {"ec2", "EC2"},
    {"react", "React"},
    {"vue", "Vue"},
    {"angular", "Angular"},
    {"svelte", "Svelte"},
    {"laravel", "Laravel"},
    {"rails", "Rails"},
}};

// Sentences are written into the answer's own buffer, part by part (`say`): chains of
// `a + b + c` build a temporary string for every `+`, and most of an answer's allocations
// were those.
void append_one(std::string& out, std::string_view part) {
  out.append(part);
}

struct bold {
  std::string_view technology;
};
void append_one(std::string& out, const bold& b) {
  out += "**";
  out += display_name(b.technology);
  out += "**";
}

struct quote {
  const fact& said;
};
void append_one(std::string& out, const quote& q) {
  out += "\u201c";
  out += q.said.text;
  out += "\u201d";
}

template <class... Parts>
void say(std::string& out, const Parts&... parts) {
  (append_one(out, parts), ...);
}

template <class... Parts>
std::string cat(const Parts&... parts) {
  std::string out;
  say(out, parts...);
  return out;
}

bool names(const fact& f, std::string_view technology) {
  return std::find(f.technologies.begin(), f.technologies.end(), technology) !=
         f.technologies.end();
}

// A sentence arguing for one technology alone (not "both", not the hybrid sentence).
bool speaks_for(const fact& f, std::string_view technology) {
  return !f.both && !f.hybrid && names(f, technology);
}

void cite(std::vector<const fact*>& cited, const fact* f) {
  if (f != nullptr && std::find(cited.begin(), cited.end(), f) == cited.end()) cited.push_back(f);
}

const fact* first_for(const need_outcome& n, std::string_view technology) {
  for (const fact* f : n.facts) {
    if (speaks_for(*f, technology)) return f;
  }
  return nullptr;
}

std::vector<std::string> needs_favouring(const recommendation& r, std::string_view side) {
  std::vector<std::string> out;
  out.reserve(r.needs.size());
  for (const auto& n : r.needs) {
    if (n.favours == side) out.push_back(n.topic);
  }
  return out;
}

double support(const need_outcome& n, std::string_view technology) {
  if (technology == "node") return n.node;
  if (technology == "python") return n.python;
  return 0.0;
}

// A technology's support over every need asked.
double support_on(const recommendation& r, std::string_view technology) {
  double total = 0.0;
  for (const auto& n : r.needs) total += support(n, technology);
  return total;
}

// What a sentence is mainly about, for "if it's mostly X": its most specific topic other
// than `besides` (a need before a broad one; details never).
std::string focus(const knowledge_base& k, const fact& f, std::string_view besides) {
  std::string broad;
  for (const auto& t : f.topics) {
    if (t == besides || k.is_detail(t)) continue;
    if (!k.is_generic(t)) return t;
    if (broad.empty()) broad = t;
  }
  return broad;
}

// The best sentence in `technology`'s favour on `need`, found when the recommender kept only
// the winner's ("why not python?" quotes what the guide does grant Python).
const fact* best_strength(const knowledge_base& k, std::string_view need,
                          std::string_view technology) {
  for (const fact* f : k.about(need)) {
    if (!speaks_for(*f, technology)) continue;
    for (const auto& c : f->claims) {
      const bool on_need = std::find(c.topics.begin(), c.topics.end(), need) != c.topics.end();
      if (on_need && c.stance == knowledge::polarity::strength) return f;
    }
  }
  return nullptr;
}

// A side's case on a need both sides argue: its strength there, else its first sentence.
const fact* case_for(const knowledge_base& k, const need_outcome& n, std::string_view technology) {
  const fact* strength = best_strength(k, n.topic, technology);
  return strength != nullptr ? strength : first_for(n, technology);
}

std::string asked_alone(const framing& f) {
  return f.asked.size() == 1 ? f.asked.front() : std::string{};
}

// The one other technology of a two-technology guide, or empty.
std::string other_than(const knowledge_base& k, std::string_view technology) {
  std::string out;
  for (const auto& t : k.technologies()) {
    if (t == technology) continue;
    if (!out.empty()) return {};
    out = t;
  }
  return out;
}

// Room for a whole answer: a bubble of about 60 words, with its quote.
constexpr std::size_t answer_bytes = 640;

void open(std::string& text, const framing& f) {
  text.reserve(answer_bytes);  // grown sentence by sentence: one allocation, not several
  text = f.opening;
  if (!text.empty()) text += ' ';
}

// Sentences on what the question asked that the answer leaves out.
void add_gaps(std::string& text, const knowledge_base& k, const recommendation& r,
              const framing& f) {
  if (!r.uncovered.empty()) {
    say(text, " The guide doesn't cover ", topic_list(k, r.uncovered),
        ", so that part isn't weighed here.");
  }
  if (!f.others.empty()) {
    std::vector<std::string> others;
    for (const auto& o : f.others) others.emplace_back(display_name(o));
    std::vector<std::string> ours;
    for (const auto& t : k.technologies()) ours.emplace_back(display_name(t));
    say(text, " I can't weigh in on ", join(others), ": the guide compares only ", join(ours), ".");
  }
}

// "So if CPU-bound work dominates, lean to Python; if it's mostly I/O-bound work, Node.js."
void add_trade_off(std::string& text, const knowledge_base& k, const need_outcome& n) {
  const fact* node_fact = first_for(n, "node");
  const fact* python_fact = first_for(n, "python");
  const bool node_for = n.node > 0.0;
  const bool python_for = n.python > 0.0;
  if (node_for != python_for && node_fact != nullptr && python_fact != nullptr) {
    const std::string_view lean = python_for ? "python" : "node";
    const std::string_view other = python_for ? "node" : "python";
    // The other side is heard on another need (CPU-bound: Node's I/O sentence) only when its
    // sentence is about that need; a sentence limiting it on this very need names no "else".
    const fact& other_fact = python_for ? *node_fact : *python_fact;
    const bool on_need = std::find(other_fact.topics.begin(), other_fact.topics.end(), n.topic) !=
                         other_fact.topics.end();
    const std::string elsewhere = on_need ? std::string{} : focus(k, other_fact, n.topic);
    say(text, " So if ", k.label(n.topic), " dominates your workload, lean to ", bold{lean});
    if (!elsewhere.empty()) {
      say(text, "; if it's mostly ", k.label(elsewhere), ", ", bold{other}, " fits better");
    }
    text += ".";
  } else {
    text += " Both have a real case there, so the rest of your project should decide.";
  }
}

// "Is moving to Python worth it?" with no need named: the guide has no overall winner, so the
// direct answer is "not on its own", then when the destination is the guide's choice.
composed move_text(const knowledge_base& k, const recommendation& r, const framing& f) {
  composed out;
  open(out.text, f);
  const std::string& to = f.asked.front();
  say(out.text, "Not on its own: the guide ranks neither above the other in general, so moving to ",
      bold{to}, " pays off when your project needs what ", display_name(to), " is chosen for.");
  for (const fact* s : r.sources) {
    if (speaks_for(*s, to)) {
      say(out.text, " The guide's words: ", quote{*s});
      cite(out.cited, s);
    }
  }
  add_gaps(out.text, k, r, f);
  out.text += " Tell me what the project needs and I'll say whether the move is worth it.";
  for (const fact* s : r.sources) cite(out.cited, s);
  return out;
}

composed general_text(const knowledge_base& k, const recommendation& r, const framing& f) {
  if (f.move && !f.asked.empty()) return move_text(k, r, f);
  composed out;
  open(out.text, f);
  static constexpr std::array<std::string_view, 3> leads{
      "There's no single winner: it depends on what you're building.",
      "Neither is better across the board; the right pick depends on your project.",
      "Both are solid backend choices, and which one fits depends on what you're building."};
  out.text += leads[variant(f.seed, leads.size())];
  if (!r.sources.empty()) {
    out.text += " The guide sums it up:";
    for (const fact* s : r.sources) say(out.text, " ", quote{*s});
  }
  add_gaps(out.text, k, r, f);
  out.text +=
      " Tell me what the project needs (real-time features, streaming, machine learning, "
      "data work, ...) and I'll recommend one.";
  out.cited = r.sources;
  return out;
}

// Whether a yes/no question about a side that does (or does not) win is answered "yes": a
// question after a weakness ("is python slower?") turns it round.
bool says_yes(bool asked_wins, const framing& f) {
  return asked_wins != f.inverse;
}

std::string yes_no(bool yes) {
  return yes ? "Yes: " : "No: ";
}

// Only hedged sentences behind the winner ("can sometimes have the edge"): a lean, not a pick.
bool only_leans(const recommendation& r) {
  return std::all_of(r.sources.begin(), r.sources.end(),
                     [&](const fact* s) { return !speaks_for(*s, r.verdict) || s->hedged; });
}

// After a mild lean, the verdict and where the other side's strength lies (the aside, said
// after the quote).
void lean_sentence(composed& out, std::string& aside, const recommendation& r, const framing& f,
                   const std::string& needs, const std::string& asked) {
  const std::string& winner = r.verdict;
  if (f.polar && !asked.empty()) {
    // The hedge is on the winner's edge; asked after a weakness of a side the guide credits
    // with nothing on these needs ("will it block node?"), the answer is a plain yes.
    const bool firm = f.inverse && asked != winner && support_on(r, asked) <= 0.0;
    out.text += firm                           ? "Yes: the guide"
                : says_yes(asked == winner, f) ? "Yes, to a degree. The guide"
                                               : "Not as well. The guide";
  } else {
    out.text += "The guide";
  }
  say(out.text, " leans towards ", bold{winner}, " for ", needs, ", though only mildly.");
  for (const fact* s : r.sources) {
    if (!speaks_for(*s, winner) && !s->both && !s->technologies.empty()) {
      say(aside, " ", display_name(s->technologies.front()),
          "'s strength lies elsewhere: ", quote{*s});
      break;
    }
  }
}

// The verdict's sentence, a yes/no question answered first: against the technology asked
// about, for it, or for the project as a whole.
void verdict_sentence(composed& out, const recommendation& r, const framing& f,
                      const std::string& needs, const std::string& asked) {
  const std::string& winner = r.verdict;
  const auto pick = variant(f.seed, 3);
  if (!asked.empty() && asked != winner) {
    const std::string loser{display_name(asked)};
    if (f.polar) {
      say(out.text, yes_no(says_yes(false, f)), "for ", needs, ", the guide points to ",
          bold{winner}, " rather than ", loser, ".");
    } else if (pick % 2 == 0) {
      say(out.text, "For ", needs, ", the guide points to ", bold{winner}, " rather than ", loser,
          ".");
    } else {
      say(out.text, loser, " isn't the guide's pick for ", needs, ": ", bold{winner}, " is.");
    }
  } else if (asked == winner && f.polar) {
    say(out.text, yes_no(says_yes(true, f)), "for ", needs, ", ", bold{winner},
        " is the guide's pick.");
  } else if (asked == winner && f.question && f.opening.empty()) {
    if (pick % 2 == 0) {
      say(out.text, "Yes: for ", needs, ", ", bold{winner}, " is the guide's pick.");
    } else {
      say(out.text, "Yes, ", bold{winner}, " is a strong choice for ", needs,
          ", and the one the guide recommends.");
    }
  } else {
    switch (pick) {
      case 0:
        say(out.text, "For ", needs, ", ", bold{winner}, " is the better fit.");
        break;
      case 1:
        say(out.text, bold{winner}, " is the stronger choice for ", needs, ".");
        break;
      default:
        say(out.text, "I'd go with ", bold{winner}, " for ", needs, ".");
    }
  }
}

// One quote in the bubble: the winner's first sentence, the guide's opening section
// (background) last; the other sentences travel in `sources`, shown under it.
void winner_quote(composed& out, const knowledge_base& k, const recommendation& r,
                  const framing& f) {
  std::vector<const fact*> evidence;
  for (const fact* s : r.sources) {
    if (speaks_for(*s, r.verdict)) evidence.push_back(s);
  }
  if (!k.sections().empty()) {
    const std::string& background = k.sections().front().heading;
    std::stable_partition(evidence.begin(), evidence.end(),
                          [&](const fact* s) { return s->section != background; });
  }
  if (f.quote != nullptr && speaks_for(*f.quote, r.verdict)) {
    evidence.insert(evidence.begin(), f.quote);
    cite(out.cited, f.quote);
  }
  if (evidence.empty()) return;
  const fact& first = *evidence.front();
  switch (variant(f.seed, 3)) {
    case 0:
      say(out.text, " The guide's ", first.section, " section says: ");
      break;
    case 1:
      say(out.text, " As the guide's ", first.section, " section puts it: ");
      break;
    default:
      say(out.text, " In the guide's words (", first.section, "): ");
  }
  say(out.text, quote{first});
}

// The guide's best sentence for the losing side asked about, on a need the winner takes.
const fact* strength_granted(const knowledge_base& k, const recommendation& r,
                             const std::string& asked) {
  for (const auto& n : r.needs) {
    if (n.favours != r.verdict || support(n, asked) <= 0.0) continue;
    if (const fact* granted = best_strength(k, n.topic, asked)) return granted;
  }
  return nullptr;
}

// What the guide grants the technology asked about, so a "no" is not a made-up one.
void credit_to_asked(composed& out, const knowledge_base& k, const recommendation& r,
                     const std::string& needs, const std::string& asked) {
  const fact* granted = strength_granted(k, r, asked);
  if (granted == nullptr) {
    say(out.text, " It names no ", display_name(asked), " strength for ", needs, ".");
  } else {
    say(out.text, " It does credit ", display_name(asked), " (", quote{*granted},
        "), but less strongly.");
    cite(out.cited, granted);
  }
}

composed one_side_text(const knowledge_base& k, const recommendation& r, const framing& f) {
  composed out;
  out.cited = r.sources;
  open(out.text, f);
  const std::string& winner = r.verdict;
  const std::string needs = topic_list(k, needs_favouring(r, winner));
  // A yes/no question is about its first technology, even when it names the other too.
  const std::string asked = f.polar && !f.asked.empty() ? f.asked.front() : asked_alone(f);
  std::string aside;
  if (only_leans(r)) {
    lean_sentence(out, aside, r, f, needs, asked);
  } else {
    verdict_sentence(out, r, f, needs, asked);
  }
  winner_quote(out, k, r, f);
  out.text += aside;
  if (!asked.empty() && asked != winner) credit_to_asked(out, k, r, needs, asked);
  const auto open_needs = needs_favouring(r, "depends");
  if (!open_needs.empty()) {
    say(out.text, " On ", topic_list(k, open_needs), ", though, the guide gives both sides.");
  }
  add_gaps(out.text, k, r, f);
  return out;
}

// The needs a side of the hybrid serves: those asked that favour it, or else the role the
// guide's hybrid sentence gives it ("Node.js for the API gateway").
std::vector<std::string> side_of(const knowledge_base& k, const recommendation& r,
                                 std::string_view technology, bool& from_guide) {
  auto needs = needs_favouring(r, technology);
  if (!needs.empty() || r.hybrid_fact == nullptr) return needs;
  for (const auto& topic : r.hybrid_fact->topics) {
    if (k.is_detail(topic)) continue;
    if (k.recommend({topic}, {}, 0).verdict == technology) needs.push_back(topic);
  }
  from_guide = from_guide || !needs.empty();
  return needs;
}

composed hybrid_text(const knowledge_base& k, const recommendation& r, const framing& f) {
  composed out;
  out.cited = r.sources;
  open(out.text, f);
  bool guide_roles = false;  // a side had no need asked: the guide's own split names it
  const std::string node_needs = topic_list(k, side_of(k, r, "node", guide_roles));
  const std::string python_needs = topic_list(k, side_of(k, r, "python", guide_roles));
  switch (variant(f.seed, 3)) {
    case 0:
      say(out.text, "Your project pulls both ways, so use both: ", bold{"node"}, " for ",
          node_needs, " and ", bold{"python"}, " for ", python_needs, ".");
      break;
    case 1:
      say(out.text, "This calls for a hybrid: ", bold{"node"}, " for ", node_needs, ", ",
          bold{"python"}, " for ", python_needs, ".");
      break;
    default:
      say(out.text, "Use both: ", bold{"node"}, " for ", node_needs, " and ", bold{"python"},
          " for ", python_needs, ".");
  }
  if (r.hybrid_fact != nullptr) {
    // The guide's hybrid sentence names its own pair of needs; say so when they are not these.
    const bool same_needs = std::any_of(r.needs.begin(), r.needs.end(), [&](const need_outcome& n) {
      return std::find(r.hybrid_fact->topics.begin(), r.hybrid_fact->topics.end(), n.topic) !=
             r.hybrid_fact->topics.end();
    });
    if (same_needs || guide_roles) {
      if (variant(f.seed, 2) == 0) {
        say(out.text, " That's a setup the guide names directly: ");
      } else {
        say(out.text, " The guide's ", r.hybrid_fact->section, " describes exactly this: ");
      }
    } else {
      out.text += " The guide recommends the same split for another pair of needs: ";
    }
    say(out.text, quote{*r.hybrid_fact});
  }
  const fact* node_fact = nullptr;
  const fact* python_fact = nullptr;
  for (const auto& n : r.needs) {
    if (node_fact == nullptr && n.favours == "node") node_fact = first_for(n, "node");
    if (python_fact == nullptr && n.favours == "python") python_fact = first_for(n, "python");
  }
  // Each side's own sentence goes under the answer as a source, not into the bubble.
  cite(out.cited, node_fact);
  cite(out.cited, python_fact);
  const std::string asked = asked_alone(f);
  if (!asked.empty()) {
    const std::string other = other_than(k, asked);
    if (!other.empty()) {
      say(out.text, " ", display_name(asked), " alone wouldn't be the guide's pick for ",
          topic_list(k, needs_favouring(r, other)), ", though.");
    }
  }
  add_gaps(out.text, k, r, f);
  out.text +=
      " If you'd like help drawing the line between the two, our team offers a free consultation.";
  return out;
}

composed depends_text(const knowledge_base& k, const recommendation& r, const framing& f) {
  composed out;
  out.cited = r.sources;
  open(out.text, f);
  const std::string open_needs = topic_list(k, needs_favouring(r, "depends"));
  if (f.move) {
    // "Is rewriting our Flask server in Node worth it?": answered before the two sides.
    say(out.text, "Not on its own: on ", open_needs, ", the guide argues both ways.");
  } else if (f.polar) {
    // "Is Node faster than Python?": the yes or no first, and here it is neither.
    say(out.text, "Not across the board: on ", open_needs, ", the guide gives each side a case.");
  } else if (variant(f.seed, 2) == 0) {
    say(out.text, "It depends: on ", open_needs, ", the guide gives both sides.");
  } else {
    say(out.text, "There's a trade-off here: on ", open_needs, ", the guide argues both ways.");
  }
  const need_outcome* first = nullptr;
  for (const auto& n : r.needs) {
    if (n.favours == "depends") {
      first = &n;
      break;
    }
  }
  if (first != nullptr) {
    // The side that speaks to the need first, then the other side's case: each side's own
    // strength on the need where the guide states one ("Python can sometimes have the edge"
    // on CPU-bound work), not the first sentence naming it, which may be a limit.
    const std::string_view lead = first->python > first->node ? "python" : "node";
    const std::string_view other = lead == "python" ? "node" : "python";
    const fact* a = case_for(k, *first, lead);
    const fact* b = case_for(k, *first, other);
    if (a != nullptr) say(out.text, " The guide says ", quote{*a});
    if (b != nullptr)
      say(out.text, a != nullptr ? " It also says " : " The guide says ", quote{*b});
    cite(out.cited, a);
    cite(out.cited, b);
    add_trade_off(out.text, k, *first);
  }
  add_gaps(out.text, k, r, f);
  out.text += " Tell me more about the workload and I'll narrow it down.";
  return out;
}

void add_bullet(std::string& text, const fact& f) {
  say(text, "\n- ", f.section, ": ", quote{f});
}

// A technology's limits in the guide: sentences with a limiting claim about it.
std::vector<const fact*> limits_of(const knowledge_base& k, std::string_view technology) {
  std::vector<const fact*> out;
  for (const fact& f : k.facts()) {
    if (!speaks_for(f, technology)) continue;
    const bool limit = std::any_of(f.claims.begin(), f.claims.end(), [](const auto& c) {
      return c.stance == knowledge::polarity::limit;
    });
    if (limit) out.push_back(&f);
  }
  return out;
}

// Where the guide says a technology shines: its broadest strength, then its verdict sentence.
std::vector<const fact*> strengths_of(const knowledge_base& k, const std::string& technology) {
  std::vector<const fact*> out;
  // explain() without a topic: the introduction first, then what the technology is good at.
  const auto intro = k.explain({}, {technology}, 3);
  for (std::size_t i = intro.size() > 1 ? 1 : 0; i < intro.size(); ++i) {
    if (intro[i]->stance == knowledge::polarity::strength) cite(out, intro[i]);
  }
  const auto general = k.recommend({}, {technology}, 1);
  for (const fact* f : general.sources) cite(out, f);
  return out;
}

// Whether the sentences speak of the technologies asked about (all of them when none was).
bool asked_named(const std::vector<const fact*>& facts, const framing& f) {
  return f.asked.empty() || std::any_of(facts.begin(), facts.end(), [&](const fact* x) {
           return std::any_of(f.asked.begin(), f.asked.end(),
                              [&](const auto& t) { return names(*x, t); });
         });
}

// "Here's what the guide says about the GIL:", or that it has nothing on the technology asked.
void explanation_header(std::string& text, const knowledge_base& k, std::string_view topic,
                        const std::vector<const fact*>& facts, const framing& f) {
  if (topic.empty()) {
    std::vector<std::string> techs;
    for (const auto& t : f.asked) techs.emplace_back(display_name(t));
    say(text, "Here's how the guide introduces ", join(techs), ":");
    return;
  }
  const std::string label = k.label(topic);
  if (!asked_named(facts, f)) {
    std::vector<std::string> asked;
    for (const auto& t : f.asked) asked.emplace_back(display_name(t));
    say(text, "The guide doesn't discuss ", label, " for ", join(asked, "or"),
        "; here's what it does say:");
  } else if (variant(f.seed, 2) == 0) {
    say(text, "Here's what the guide says about ", label, ":");
  } else {
    say(text, "On ", label, ", the guide's ", facts.front()->section, " section says:");
  }
}

// The quoted sentence goes first among the sources.
void cite_first(std::vector<const fact*>& cited, const fact* f) {
  std::erase(cited, f);
  cited.insert(cited.begin(), f);
}

// A yes/no answer: its first words, the sentence that backs it and what follows the quote.
struct said_yes_or_no {
  std::string lead;  // "Yes:" and what follows it, if anything; empty when the guide gives no side
  std::string intro;
  const fact* quote = nullptr;
  std::string after;
};

// The source arguing for `technology` that shares most topics with the question (the first
// of those: the recommender orders them strongest first).
const fact* best_speaking_for(const recommendation& r, std::string_view technology,
                              const std::vector<std::string>& asked_topics) {
  const fact* best = nullptr;
  std::ptrdiff_t best_shared = -1;
  for (const fact* s : r.sources) {
    if (!speaks_for(*s, technology)) continue;
    const auto shared = std::count_if(s->topics.begin(), s->topics.end(), [&](const auto& t) {
      return std::find(asked_topics.begin(), asked_topics.end(), t) != asked_topics.end();
    });
    if (shared > best_shared) {
      best = s;
      best_shared = shared;
    }
  }
  return best;
}

// From the guide's verdict on the needs asked: the side asked about wins them or not; a
// question after a weakness ("will it block node?") turns the answer round.
said_yes_or_no verdict_yes_or_no(const knowledge_base& k, const recommendation& r,
                                 const framing& f) {
  said_yes_or_no out;
  const std::string& winner = r.verdict;
  if (r.general || (winner != "node" && winner != "python")) return out;
  const std::string& asked = f.asked.front();
  const bool hedged = only_leans(r);
  out.quote = best_speaking_for(r, winner, f.topics);
  if (out.quote != nullptr) out.intro = cat("the guide's ", out.quote->section, " section says ");
  if (asked == winner) {
    out.lead = f.inverse ? "No:" : hedged ? "Yes, to a degree:" : "Yes:";
    return out;
  }
  const auto lost = needs_favouring(r, winner);
  if (lost.empty()) return {};
  const std::string needs = topic_list(k, lost);
  const std::string points = cat(" for ", needs, ", the guide points to ", bold{winner}, ".");
  if (out.quote != nullptr) out.intro = cat("Its ", out.quote->section, " section says: ");
  if (!f.inverse) {
    out.lead = std::string{hedged ? "Not as well:" : "No:"} + points;
    return out;
  }
  // Asked after a weakness of the losing side: firm when the guide gives it nothing on these
  // needs; its own sentence then says where its strength lies instead.
  out.lead = hedged && support_on(r, asked) > 0.0 ? "Yes, to a degree:" : "Yes:";
  const fact* own = best_speaking_for(r, asked, f.topics);
  const std::string elsewhere = own == nullptr ? std::string{} : focus(k, *own, lost.front());
  if (own == nullptr || elsewhere.empty()) {
    out.lead += points;
    return out;
  }
  say(out.lead, " the guide's case for ", display_name(asked), " is ", k.label(elsewhere), ", not ",
      needs, ".");
  out.quote = own;
  out.intro = cat("Its ", own->section, " section says: ");
  out.after = cat(" For ", needs, ", it leans to ", bold{winner}, ".");
  return out;
}

// From the stance of the guide's sentence on the technology asked: the claim sharing most
// topics with the question (the most focused of those) says yes (a strength) or no (a limit).
said_yes_or_no stance_yes_or_no(const std::vector<const fact*>& facts, const framing& f) {
  said_yes_or_no out;
  std::pair<std::size_t, std::ptrdiff_t> best{0, 0};  // (topics shared, -topics)
  for (const fact* x : facts) {
    if (!names(*x, f.asked.front())) continue;
    for (const auto& c : x->claims) {
      if (c.stance != knowledge::polarity::strength && c.stance != knowledge::polarity::limit)
        continue;
      const auto shared = static_cast<std::size_t>(
          std::count_if(c.topics.begin(), c.topics.end(), [&](const std::string& t) {
            return std::find(f.topics.begin(), f.topics.end(), t) != f.topics.end();
          }));
      const std::pair<std::size_t, std::ptrdiff_t> score{
          shared, -static_cast<std::ptrdiff_t>(c.topics.size())};
      if (shared == 0 || (out.quote != nullptr && score <= best)) continue;
      best = score;
      const bool yes = (c.stance == knowledge::polarity::strength) != f.inverse;
      out.lead = yes ? "Yes:" : "No:";
      out.quote = x;
      out.intro = cat("the guide's ", x->section, " section says ");
    }
  }
  return out;
}

// The guide's verdict on the needs asked first; else what its sentence says of the one
// technology asked. A question setting two against each other ("does PyPI have more libraries
// than npm?") is the verdict's alone: one side's strength says nothing of the other's.
said_yes_or_no yes_or_no(const knowledge_base& k, const std::vector<const fact*>& facts,
                         const framing& f) {
  if (f.verdict != nullptr) {
    auto out = verdict_yes_or_no(k, *f.verdict, f);
    if (!out.lead.empty()) return out;
  }
  if (f.asked.size() != 1) return {};
  return stance_yes_or_no(facts, f);
}

}  // namespace

std::string_view display_name(std::string_view technology) {
  for (const auto& d : display_names) {
    if (d.id == technology) return d.name;
  }
  return technology;
}

std::string join(const std::vector<std::string>& items, std::string_view last) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) {
      if (i + 1 == items.size()) {
        say(out, " ", last, " ");
      } else {
        out += ", ";
      }
    }
    out += items[i];
  }
  return out;
}

std::string topic_list(const knowledge_base& k, const std::vector<std::string>& ids,
                       std::string_view last) {
  std::vector<std::string> labels;
  labels.reserve(ids.size());
  for (const auto& id : ids) {
    std::string l = k.label(id);
    if (std::find(labels.begin(), labels.end(), l) == labels.end()) labels.push_back(std::move(l));
  }
  return join(labels, last);
}

std::size_t variant(std::string_view seed, std::size_t count) {
  // FNV-1a: cheap, stable across runs and platforms.
  std::uint64_t h = 1469598103934665603ULL;
  for (const char c : seed) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return count == 0 ? 0 : static_cast<std::size_t>(h % count);
}

std::vector<source> sources_of(const std::vector<const fact*>& facts) {
  std::vector<source> out;
  out.reserve(facts.size());
  for (auto it = facts.begin(); it != facts.end(); ++it) {
    // A fact cited twice is listed once, where it first appears.
    if (*it == nullptr || std::find(facts.begin(), it, *it) != it) continue;
    out.push_back({(*it)->section, (*it)->text});
  }
  return out;
}

composed recommendation_text(const knowledge_base& k, const recommendation& r, const framing& f) {
  if (r.general) return general_text(k, r, f);
  if (r.verdict == "hybrid") return hybrid_text(k, r, f);
  if (r.verdict == "depends") return depends_text(k, r, f);
  return one_side_text(k, r, f);
}

// "Why?" before any need was named: each side's strengths.
void general_reasons(composed& out, const recommendation& r) {
  out.text += "Because you haven't named a need yet, and the guide gives each its own strengths:";
  for (const fact* s : r.sources) add_bullet(out.text, *s);
  out.text += "\nTell me what the project needs and I'll weigh it.";
}

// "Why both?": one line per side, its needs and the sentences behind them.
void hybrid_reasons(composed& out, const knowledge_base& k, const recommendation& r,
                    const std::string& asked) {
  const std::string other = asked.empty() ? std::string{} : other_than(k, asked);
  if (!other.empty()) {
    say(out.text, "Because for ", topic_list(k, needs_favouring(r, other)), " the guide backs ",
        display_name(other), ", not ", display_name(asked), ":");
  } else {
    out.text += "Because your needs pull in two directions:";
  }
  for (const auto& side : k.technologies()) {
    const auto needs = needs_favouring(r, side);
    if (needs.empty()) continue;
    std::vector<const fact*> said;
    for (const auto& n : r.needs) {
      if (n.favours == side) cite(said, first_for(n, side));
    }
    say(out.text, "\n- ", display_name(side), " for ", topic_list(k, needs), ":");
    for (const fact* s : said) {
      say(out.text, " ", quote{*s});
      cite(out.cited, s);
    }
  }
  if (r.hybrid_fact != nullptr) {
    say(out.text, "\n- and the guide recommends the combination: ", quote{*r.hybrid_fact});
  }
}

// "Why does it depend?": both sides' sentences, then the first trade-off.
void depends_reasons(composed& out, const knowledge_base& k, const recommendation& r) {
  say(out.text, "Because the guide gives both sides on ",
      topic_list(k, needs_favouring(r, "depends")), ":");
  for (const fact* s : r.sources) add_bullet(out.text, *s);
  for (const auto& n : r.needs) {
    if (n.favours == "depends") {
      out.text += "\n";
      std::string lean;
      add_trade_off(lean, k, n);
      out.text += lean.substr(1);  // add_trade_off starts with a space
      break;
    }
  }
}

// "Why X?": the winner's sentences, after what the side asked about gets (or does not).
void winner_reasons(composed& out, const knowledge_base& k, const recommendation& r,
                    const framing& f, const std::string& asked) {
  const std::string& winner = r.verdict;
  const std::string needs = topic_list(k, needs_favouring(r, winner));
  if (!asked.empty() && asked != winner) {
    const fact* granted = strength_granted(k, r, asked);
    if (granted == nullptr) {
      say(out.text, "Because the guide names no ", display_name(asked), " strength for ", needs,
          ", while it is clear about ", bold{winner}, ":");
    } else {
      say(out.text, display_name(asked), " gets some credit (", quote{*granted},
          "), but the guide backs ", bold{winner}, " for ", needs, " much more strongly:");
      cite(out.cited, granted);
    }
  } else {
    if (variant(f.seed, 2) == 0) {
      say(out.text, "Here's why ", bold{winner}, " for ", needs, ":");
    } else {
      say(out.text, "The guide's reasons for ", bold{winner}, " on ", needs, ":");
    }
  }
  for (const fact* s : r.sources) {
    if (speaks_for(*s, winner)) add_bullet(out.text, *s);
  }
}

composed reasons_text(const knowledge_base& k, const recommendation& r, const framing& f) {
  composed out;
  out.cited = r.sources;
  open(out.text, f);
  const std::string asked = asked_alone(f);
  if (r.general) {
    general_reasons(out, r);
  } else if (r.verdict == "hybrid") {
    hybrid_reasons(out, k, r, asked);
  } else if (r.verdict == "depends") {
    depends_reasons(out, k, r);
  } else {
    winner_reasons(out, k, r, f, asked);
  }
  return out;
}

composed explanation_text(const knowledge_base& k, std::string_view topic,
                          const std::vector<const fact*>& facts, const framing& f) {
  composed out;
  out.cited = facts;
  open(out.text, f);
  if (f.polar && !f.asked.empty()) {
    const auto said = yes_or_no(k, facts, f);
    if (!said.lead.empty()) {
      out.text += said.lead;
      if (said.quote != nullptr) {
        say(out.text, " ", said.intro, quote{*said.quote});
        cite_first(out.cited, said.quote);
      }
      out.text += said.after;
      return out;
    }
  }
  const std::string defined = topic.empty() ? std::string{} : k.definition(topic);
  if (!defined.empty() && asked_named(facts, f)) {
    say(out.text, defined, " The guide's ", facts.front()->section, " section says: ");
  } else {
    explanation_header(out.text, k, topic, facts, f);
    out.text += " ";
  }
  // One quote in the bubble; the others are shown under it as sources.
  say(out.text, quote{*facts.front()});
  return out;
}

composed profile_text(const knowledge_base& k, const std::string& technology, bool strengths,
                      bool weaknesses, const framing& f) {
  composed out;
  open(out.text, f);
  const std::string name{display_name(technology)};
  if (strengths) {
    const auto good = strengths_of(k, technology);
    say(out.text, "Where the guide says ", name, " shines:");
    for (const fact* g : good) {
      say(out.text, " ", quote{*g});
      cite(out.cited, g);
    }
  }
  if (weaknesses) {
    const auto limits = limits_of(k, technology);
    if (!out.text.empty() && out.text.back() != ' ') out.text += ' ';
    if (limits.empty()) {
      say(out.text, "The guide names no weakness of ", name, " outright.");
    } else {
      if (limits.size() == 1) {
        say(out.text, "The guide names one limit of ", name, " outright: ");
      } else {
        say(out.text, "The guide names these limits of ", name, ": ");
      }
      for (std::size_t i = 0; i < limits.size(); ++i) {
        say(out.text, i == 0 ? "" : " ", quote{*limits[i]});
        cite(out.cited, limits[i]);
      }
    }
    const std::string other = other_than(k, technology);
    if (!other.empty()) {
      const auto elsewhere = strengths_of(k, other);
      if (!elsewhere.empty()) {
        say(out.text, " Where it points to ", display_name(other),
            " instead: ", quote{*elsewhere.front()});
        cite(out.cited, elsewhere.front());
      }
    }
  }
  out.text +=
      " Whether that matters depends on your project: tell me what it needs and I'll weigh it.";
  return out;
}

}  // namespace advisor::dialogue::compose
