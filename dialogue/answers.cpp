#include "dialogue/answers.hpp"

#include <algorithm>
#include <array>
#include <span>
#include <string_view>

#include "dialogue/compose.hpp"

namespace advisor::dialogue {
namespace {

using intents::intent;
using knowledge::knowledge_base;

constexpr std::string_view book = book_suggestion;
constexpr std::string_view why_text = "Why?";
constexpr std::string_view which_text = "So which one?";
constexpr std::string_view help_text = "What can you do?";

constexpr std::string_view compare_it = "Compare Node.js and Python for it";
constexpr std::string_view something_else = "It's about something else";
constexpr std::string_view explain_it = "Just explain it";

// Every quick reply offered below, with what it must be understood as (tests check this).
constexpr std::array<quick_reply, 25> offered{{
    {book, intent::book_consultation, ""},
    {compare_it, intent::compare, ""},
    {something_else, intent::out_of_scope, ""},
    {explain_it, intent::explain, ""},
    {why_text, intent::compare, "why"},
    {which_text, intent::compare, "which"},
    {help_text, intent::help, ""},
    {"Why not just Node.js?", intent::compare, "why"},
    {"What about machine learning?", intent::compare, "topic"},
    {"What about real-time features?", intent::compare, "topic"},
    {"And for a beginner?", intent::compare, "topic"},
    {"What about CPU-heavy work?", intent::compare, "topic"},
    {"What about streaming?", intent::compare, "topic"},
    {"What about data pipelines?", intent::compare, "topic"},
    {"Which is better for streaming?", intent::compare, ""},
    {"Node or Python for ML?", intent::compare, ""},
    {"Node or Python for a chat app?", intent::compare, ""},
    {"Which is better for CPU-bound work?", intent::compare, ""},
    {"Which is better for I/O-bound work?", intent::compare, ""},
    {"Which has better packages?", intent::compare, ""},
    {"Which is better for type safety?", intent::compare, ""},
    {"What is the GIL?", intent::explain, ""},
    {"What is the event loop?", intent::explain, ""},
    {"What is npm?", intent::explain, ""},
    {"What are type hints?", intent::explain, ""},
}};

// A reading a clarifying question can offer: how the question names it, and the quick reply
// that picks it (intents.json's "picks_reading" cue reads each).
struct reading_choice {
  intent reading;
  std::string_view asked;
  std::string_view pick;
};
constexpr std::array<reading_choice, 4> reading_choices{{
    {intent::compare, "a choice between Node.js and Python for your project", compare_it},
    {intent::out_of_scope, "about something other than Node.js versus Python", something_else},
    {intent::explain, "a question about the topic itself", explain_it},
    {intent::book_consultation, "something you'd like our team to help with", book},
}};

// After a recommendation: a need not discussed yet, to ask about next (first one left wins).
struct next_need {
  std::string_view topic;
  std::string_view text;
};
constexpr std::array<next_need, 6> next_needs{{
    {"ml", "What about machine learning?"},
    {"realtime", "What about real-time features?"},
    {"learning_curve", "And for a beginner?"},
    {"cpu_bound", "What about CPU-heavy work?"},
    {"streaming", "What about streaming?"},
    {"data_pipelines", "What about data pipelines?"},
}};

// After an explanation or a trade-off: the comparison a topic leads to, and a concept to explain.
struct related {
  std::string_view topic;
  std::string_view compare;
  std::string_view explain;
};
constexpr std::array<related, 16> related_questions{{
    {"gil", "Which is better for CPU-bound work?", "What is the GIL?"},
    {"multithreading", "Which is better for CPU-bound work?", "What is the GIL?"},
    {"multiprocessing", "Which is better for CPU-bound work?", "What is the GIL?"},
    {"cpu_bound", "Which is better for CPU-bound work?", "What is the GIL?"},
    {"event_loop", "Which is better for I/O-bound work?", "What is the event loop?"},
    {"async", "Which is better for I/O-bound work?", "What is the event loop?"},
    {"io_bound", "Which is better for I/O-bound work?", "What is the event loop?"},
    {"concurrency", "Which is better for I/O-bound work?", "What is the event loop?"},
    {"performance", "Which is better for I/O-bound work?", "What is the event loop?"},
    {"npm", "Which has better packages?", "What is npm?"},
    {"pypi", "Which has better packages?", "What is npm?"},
    {"ecosystem", "Which has better packages?", "What is npm?"},
    {"frameworks", "Which has better packages?", "What is npm?"},
    {"typescript", "Which is better for type safety?", "What are type hints?"},
    {"type_hints", "Which is better for type safety?", "What are type hints?"},
    {"typing", "Which is better for type safety?", "What are type hints?"},
}};
constexpr std::array<std::string_view, 4> concepts{"What is the GIL?", "What is the event loop?",
                                                   "What is npm?", "What are type hints?"};

// Small talk by what it is about (the understanding's cue); the first that applies wins.
struct small_reply {
  std::string_view cue;
  std::string_view text;
};
constexpr std::array<small_reply, 3> small_replies{{
    {intents::cue::how_are_you, "I'm doing well, thanks for asking! What are you building?"},
    {intents::cue::about_bot,
     "I'm Advisor, a bot: I answer Node.js-versus-Python questions from our guide, quoting it, "
     "and I can book you a consultation with a real person."},
    {intents::cue::joke,
     "I'd tell you a UDP joke, but you might not get it. Now, what are you building?"},
}};

struct turn {
  const knowledge_base& k;
  const intents::understanding& u;
  conversation& state;
};

bool contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

void add_unique(std::vector<std::string>& list, const std::vector<std::string>& more) {
  for (const auto& m : more) {
    if (!contains(list, m)) list.push_back(m);
  }
}

std::string seed_of(const turn& t, const std::vector<std::string>& topics) {
  std::string seed = t.u.normalized;
  for (const auto& topic : topics) seed += "|" + topic;
  return seed;
}

reply base(const turn& t, std::string text) {
  reply out;
  out.text = std::move(text);
  out.intent = t.u.intent;
  out.confidence = t.u.confidence;
  return out;
}

// Room for a reply's quick replies: it offers three or four.
constexpr std::size_t usual_suggestions = 4;

void suggest(reply& r, std::string_view s) {
  if (s.empty()) return;
  if (std::find(r.suggestions.begin(), r.suggestions.end(), s) == r.suggestions.end()) {
    r.suggestions.reserve(usual_suggestions);
    r.suggestions.emplace_back(s);
  }
}

// A need not discussed yet; "So which one?" once several were; else what the bot can do.
std::string_view next_step(const conversation& state, const std::vector<std::string>& topics) {
  for (const auto& n : next_needs) {
    if (!contains(state.needs, n.topic) && !contains(topics, n.topic)) return n.text;
  }
  return state.needs.size() > topics.size() ? which_text : help_text;
}

const related* related_to(const std::vector<std::string>& topics) {
  for (const auto& t : topics) {
    for (const auto& r : related_questions) {
      if (r.topic == t) return &r;
    }
  }
  return nullptr;
}

void remember(conversation& state, const std::vector<std::string>& topics,
              const std::vector<std::string>& technologies, const std::string& verdict) {
  state.last_topics = topics;
  state.last_technologies = technologies;
  state.last_recommendation = verdict;
  add_unique(state.needs, topics);
}

void suggest_after(reply& r, const knowledge::recommendation& rec, const conversation& state,
                   const std::vector<std::string>& topics) {
  if (rec.general) {
    suggest(r, "Which is better for streaming?");
    suggest(r, "Node or Python for ML?");
  } else if (rec.verdict == "hybrid") {
    suggest(r, why_text);
    suggest(r, "Why not just Node.js?");
  } else if (rec.verdict == "depends") {
    suggest(r, why_text);
    const related* rel = related_to(topics);
    suggest(r, rel != nullptr ? rel->explain : next_step(state, topics));
  } else {
    suggest(r, why_text);
    suggest(r, next_step(state, topics));
  }
  suggest(r, book);
}

// ---------------------------------------------------------------- compare

// What a compare answer weighs: the needs and technologies, after follow-up resolution.
struct basis {
  std::vector<std::string> topics;
  std::vector<std::string> technologies;
  std::string opening;      // a sentence tying the answer to what came before
  bool summing_up = false;  // "so which one?": everything discussed
  std::string unknown;      // a follow-up about something the vocabulary does not know
};

basis resolve(const turn& t) {
  const auto& u = t.u;
  const auto& s = t.state;
  const auto& found = u.found;
  basis b{found.topics, found.technologies, {}, false, {}};
  const bool history = s.last_recommendation.has_value();

  if (u.follow_up == "which" && found.topics.empty()) {
    b.topics = s.needs;
    add_unique(b.topics, s.last_topics);
    std::erase_if(b.topics, [&](const std::string& topic) { return t.k.is_detail(topic); });
    b.technologies = found.technologies.empty() ? s.last_technologies : found.technologies;
    b.summing_up = true;
    return b;
  }
  // "and we need chat too", "what would you use for the API around it?": the same project.
  const bool adding = (u.has_cue(intents::cue::adding) || u.has_cue(intents::cue::refers_back)) &&
                      !u.has_cue(intents::cue::replacing);
  if (!history || (u.follow_up != "topic" && !adding)) return b;

  if (found.topics.empty()) {
    // "what about security?": nothing the guide weighs; "what about it?": the same again.
    if (found.technologies.empty() && !u.subject.empty()) {
      b.unknown = u.subject;
      return b;
    }
    // "what about node?": the same needs, seen from the technology asked about.
    b.topics = s.last_topics;
    if (found.technologies.empty()) b.technologies = s.last_technologies;
    return b;
  }
  if (adding) {
    std::vector<std::string> added;
    for (const auto& topic : found.topics) {
      if (!contains(s.last_topics, topic) && !t.k.is_detail(topic)) added.push_back(topic);
    }
    b.topics = s.last_topics;
    add_unique(b.topics, found.topics);
    if (found.technologies.empty()) b.technologies = s.last_technologies;
    if (!added.empty()) {
      const auto verdict = t.k.recommend(b.topics, b.technologies, 0).verdict;
      b.opening =
          verdict == *s.last_recommendation
              ? "Adding " + compose::topic_list(t.k, added) + " doesn't change the answer."
              : "With " + compose::topic_list(t.k, added) + " in the picture, the answer changes.";
    }
  }
  return b;
}

reply no_basis(const turn& t, const knowledge::recommendation& rec) {
  reply out = base(t, "The guide doesn't cover " + compose::topic_list(t.k, rec.uncovered) +
                          ", so I can't recommend Node.js or Python on that basis. Tell me what "
                          "else the project needs (real-time features, streaming, machine "
                          "learning, data work, ...) and I'll weigh it.");
  suggest(out, "Node or Python for a chat app?");
  suggest(out, help_text);
  suggest(out, book);
  return out;
}

reply why(const turn& t) {
  auto& s = t.state;
  if (!s.last_recommendation) {
    reply out = base(t,
                     "I haven't recommended anything yet, so there's no reason to give. Tell me "
                     "what you're building and I'll say which fits, with the guide's reasons.");
    out.suggestions = default_suggestions();
    return out;
  }
  const auto rec = t.k.recommend(s.last_topics, s.last_technologies, 4);
  compose::framing f;
  f.asked = t.u.found.technologies;
  f.seed = seed_of(t, s.last_topics);
  f.question = t.u.question;
  auto c = compose::reasons_text(t.k, rec, f);
  reply out = base(t, std::move(c.text));
  out.recommendation = rec.verdict;
  out.sources = compose::sources_of(c.cited);
  suggest(out, next_step(s, s.last_topics));
  if (s.needs.size() > s.last_topics.size()) suggest(out, which_text);
  suggest(out, book);
  return out;
}

// "what are python's weaknesses?": the guide on one technology; a trade-off, so "depends".
reply profile(const turn& t, const std::string& technology, bool strengths, bool weaknesses) {
  compose::framing f;
  f.asked = {technology};
  f.seed = seed_of(t, {});
  auto c = compose::profile_text(t.k, technology, strengths, weaknesses, f);
  reply out = base(t, std::move(c.text));
  out.recommendation = "depends";
  out.sources = compose::sources_of(c.cited);
  remember(t.state, {}, {technology}, "depends");
  suggest(out, "Which is better for streaming?");
  suggest(out, "Node or Python for ML?");
  suggest(out, book);
  return out;
}

reply unknown_subject(const turn& t, const std::string& subject) {
  reply out =
      base(t, "The guide doesn't cover " + subject +
                  ", so I can't say whether Node.js or "
                  "Python is better for it. It compares them on things like real-time features, "
                  "streaming, machine learning and data work.");
  suggest(out, next_step(t.state, t.state.last_topics));
  suggest(out, help_text);
  suggest(out, book);
  return out;
}

// "What would you use for the API around it?": a broad part of the project discussed, which
// the recommender does not weigh beside the need; the first one named.
std::string part_topic(const turn& t) {
  if (!t.u.has_cue(intents::cue::refers_back)) return {};
  for (const auto& topic : t.u.found.topics) {
    if (t.k.is_generic(topic)) return topic;
  }
  return {};
}

// The guide's sentence for the side recommended on that part, so the answer says something
// new about the same project rather than the same quote again.
const knowledge::fact* part_around(const turn& t, const knowledge::recommendation& rec) {
  const std::string topic = part_topic(t);
  if (topic.empty() || (rec.verdict != "node" && rec.verdict != "python")) return nullptr;
  for (const knowledge::fact* f : t.k.about(topic)) {
    const bool alone = f->technologies.size() == 1 && f->technologies.front() == rec.verdict;
    if (alone && !f->hybrid && f->stance == knowledge::polarity::strength) return f;
  }
  return nullptr;
}

reply compare(const turn& t) {
  if (t.u.follow_up == "why") return why(t);
  basis b = resolve(t);
  if (!b.unknown.empty()) return unknown_subject(t, b.unknown);
  if (b.topics.empty() && b.technologies.size() == 1) {
    const bool strengths = t.u.has_cue(intents::cue::strengths);
    const bool weaknesses = t.u.has_cue(intents::cue::weaknesses);
    if (strengths || weaknesses) return profile(t, b.technologies.front(), strengths, weaknesses);
  }
  const auto rec = t.k.recommend(b.topics, b.technologies, 3, t.u.moving_to);
  if (rec.general && !rec.uncovered.empty()) return no_basis(t, rec);
  if (rec.general && !b.summing_up && t.u.follow_up.empty()) {
    const std::string& subject = t.u.asked_for;
    if (!subject.empty()) {
      b.opening =
          "The guide doesn't compare them on " + subject + ", so here's the general picture.";
    }
  }
  if (b.summing_up && rec.needs.size() > 1) {
    std::vector<std::string> weighed;
    for (const auto& n : rec.needs) weighed.push_back(n.topic);
    b.opening = "You've mentioned " + compose::topic_list(t.k, weighed) + ".";
  }

  compose::framing f;
  f.asked = b.technologies;
  // What the guide cannot weigh; a React frontend or a Postgres database is only context.
  for (const auto& other : t.u.found.other_technologies) {
    if (!contains(t.u.found.context_technologies, other)) f.others.push_back(other);
  }
  f.seed = seed_of(t, b.topics);
  f.opening = std::move(b.opening);
  // "Yes" answers a question that can be answered so, not "which backend?".
  f.question = t.u.question && !t.u.has_cue(intents::cue::open_question);
  f.polar = t.u.has_cue(intents::cue::polar);
  f.inverse = t.u.has_cue(intents::cue::inverse);
  // A yes/no question about a move ("is it worth rewriting our Flask server in Node?") is
  // about where it goes, whichever side was named first.
  const auto to = std::find(f.asked.begin(), f.asked.end(), t.u.moving_to);
  if (f.polar && to != f.asked.end()) {
    std::rotate(f.asked.begin(), to, to + 1);
    f.move = true;
  }
  if (const knowledge::fact* part = part_around(t, rec)) {
    f.opening = "What you build around it can stay in " +
                std::string{compose::display_name(rec.verdict)} + ".";
    f.quote = part;
  }
  auto c = compose::recommendation_text(t.k, rec, f);
  reply out = base(t, std::move(c.text));
  out.recommendation = rec.verdict;
  out.sources = compose::sources_of(c.cited);
  remember(t.state, b.topics, b.technologies, rec.verdict);
  suggest_after(out, rec, t.state, b.topics);
  return out;
}

// ---------------------------------------------------------------- explain

// The topic the explainer answered on: the most specific one asked that its sentences share.
std::string explained_topic(const turn& t, const std::vector<const knowledge::fact*>& facts) {
  std::string best;
  std::size_t best_count = 0;
  for (const auto& topic : t.u.found.topics) {
    const bool shared = std::all_of(facts.begin(), facts.end(), [&](const knowledge::fact* f) {
      return contains(f->topics, topic);
    });
    if (!shared) continue;
    const auto count = static_cast<std::size_t>(
        std::count_if(t.k.facts().begin(), t.k.facts().end(),
                      [&](const knowledge::fact& f) { return contains(f.topics, topic); }));
    if (best.empty() || count < best_count) {
      best = topic;
      best_count = count;
    }
  }
  return best;
}

reply explain(const turn& t) {
  const auto& found = t.u.found;
  // A topic only a framework's name brings gives way to the concept asked beside it.
  std::vector<std::string> topics = found.topics;
  std::erase_if(topics, [&](const std::string& topic) { return contains(found.by_name, topic); });
  auto facts = t.k.explain(topics, found.technologies, 3);
  // "does python have types": Python's sentences, when the guide has some on the topic.
  const auto names_asked = [&](const knowledge::fact* f) {
    return std::any_of(found.technologies.begin(), found.technologies.end(),
                       [&](const std::string& tech) { return contains(f->technologies, tech); });
  };
  if (std::any_of(facts.begin(), facts.end(), names_asked)) {
    std::erase_if(facts, [&](const knowledge::fact* f) { return !names_asked(f); });
  }
  if (facts.empty()) {
    std::string text;
    if (!found.other_technologies.empty()) {
      std::vector<std::string> names;
      for (const auto& o : found.other_technologies) names.emplace_back(compose::display_name(o));
      text = "My guide covers only Node.js and Python, so I can't explain " + compose::join(names) +
             " from it.";
    } else {
      text = "The guide doesn't cover that, and I'd rather not guess.";
    }
    text +=
        " I can explain what it says about things like the GIL, npm, the event loop or type "
        "hints, or recommend Node.js or Python for your project.";
    reply out = base(t, std::move(text));
    suggest(out, concepts[0]);
    suggest(out, "Node or Python for a chat app?");
    suggest(out, book);
    return out;
  }
  const std::string topic = explained_topic(t, facts);
  compose::framing f;
  f.asked = found.technologies;
  f.seed = seed_of(t, topics);
  f.question = t.u.question;
  f.polar = t.u.has_cue(intents::cue::polar);
  f.inverse = t.u.has_cue(intents::cue::inverse);
  f.topics = topics;
  // A yes/no question about one technology ("is npm bigger than PyPI?") is answered from the
  // guide's verdict on the needs it names, as a comparison would be.
  std::optional<knowledge::recommendation> verdict;
  if (f.polar && !f.asked.empty()) {
    verdict = t.k.recommend(topics, {f.asked.front()}, 3);
    f.verdict = &*verdict;
  }
  auto c = compose::explanation_text(t.k, topic, facts, f);
  reply out = base(t, std::move(c.text));
  out.sources = compose::sources_of(c.cited);
  const related* rel = related_to(topics);
  suggest(out, rel != nullptr ? rel->compare : "Node or Python for ML?");
  for (const auto concept_question : concepts) {
    if (rel == nullptr || concept_question != rel->explain) {
      suggest(out, concept_question);
      break;
    }
  }
  suggest(out, book);
  return out;
}

// ---------------------------------------------------------------- the rest

std::string others_named(const std::vector<std::string>& ids) {
  std::vector<std::string> names;
  for (const auto& id : ids) names.emplace_back(compose::display_name(id));
  return compose::join(names);
}

// What lies outside the guide, said plainly: two options within one family, or others.
std::string outside_text(const turn& t) {
  const auto& found = t.u.found;
  const auto pick = compose::variant(t.u.normalized, 2);
  // Two frameworks or libraries of one technology ("Django or FastAPI"), nothing outside.
  if (!found.compared.empty() && found.other_technologies.empty()) {
    const auto& [x, y] = found.compared.front();
    if (!contains(t.k.technologies(), x)) {
      return std::string{compose::display_name(x)} + " or " +
             std::string{compose::display_name(y)} +
             " is a choice my guide doesn't make: it compares Node.js with Python, not the "
             "options within one of them.";
    }
  }
  if (t.u.has_cue(intents::cue::offers_work)) {
    return "Thanks for getting in touch, but this chat is for people planning a project: I help "
           "them choose between Node.js and Python, and our team does the work. Job applications "
           "and offers of services aren't something I can take up here.";
  }
  if (t.u.has_cue(intents::cue::career)) {
    return "Careers, salaries and learning paths are outside my guide: it compares Node.js and "
           "Python as the backend of a project.";
  }
  const bool hands_on = t.u.has_cue(intents::cue::trouble) || t.u.has_cue(intents::cue::howto);
  if (hands_on && found.compared.empty()) {
    return "Hands-on questions like this one (an error, a setup, how to do something in one "
           "framework) are outside my guide: it compares Node.js and Python for a project.";
  }
  if (!found.other_technologies.empty()) {
    const std::string names = others_named(found.other_technologies);
    return pick == 0 ? "My guide covers only Node.js and Python, so I can't speak to " + names + "."
                     : names + (found.other_technologies.size() > 1 ? " are" : " is") +
                           " outside what I know: my guide covers only Node.js and Python.";
  }
  return pick == 0 ? "That's outside what I can help with: I answer one question, whether Node.js "
                     "or Python fits your backend, from our guide."
                   : "I'm afraid my guide doesn't cover that. What I can do is help you choose "
                     "between Node.js and Python for your backend.";
}

reply out_of_scope(const turn& t) {
  std::string text = outside_text(t);
  // Where it helps, what the guide does say on the nearest subject asked about.
  const auto rec = t.k.recommend(t.u.found.topics, t.u.found.technologies, 1);
  const bool nearest = !rec.general && !rec.sources.empty() && !rec.needs.empty() &&
                       !t.u.has_cue(intents::cue::offers_work);
  if (nearest) {
    text += " On " + t.k.label(rec.needs.front().topic) + ", it says: \u201c" +
            rec.sources.front()->text + "\u201d";
  }
  text +=
      nearest
          ? " Want a recommendation between Node.js and Python for your project, or a free "
            "consultation with our team?"
          : " Tell me what your project needs, ask me to explain something like the GIL or npm, "
            "or book a free consultation with our team.";
  reply out = base(t, std::move(text));
  if (nearest) out.sources = compose::sources_of({rec.sources.front()});
  suggest(out, "Node or Python for a chat app?");
  suggest(out, help_text);
  suggest(out, book);
  return out;
}

reply fallback(const turn& t) {
  const bool again = t.state.last_intent == to_string(intent::fallback);
  reply out = base(t, again ? "I'm still not sure what you mean. Try describing your project, for "
                              "example \u201ca chat app with ML recommendations\u201d, or ask "
                              "\u201cwhat can you do?\u201d."
                            : "Sorry, I didn't catch that. I can recommend Node.js or Python for "
                              "your project (real-time, streaming, APIs, machine learning, data "
                              "work), explain concepts like the GIL or npm, or book you a free "
                              "consultation.");
  suggest(out, help_text);
  suggest(out, "Node or Python for ML?");
  suggest(out, book);
  return out;
}

// Recent context for the social replies: what was recommended, on which needs.
std::string discussed(const turn& t) {
  return compose::topic_list(t.k, t.state.last_topics);
}

reply greeting(const turn& t) {
  const auto& s = t.state;
  if (s.last_recommendation && !s.last_topics.empty()) {
    reply out = base(
        t, "Hi again! We were looking at " + discussed(t) +
               ". Want the reasons behind my recommendation, or shall we look at another need?");
    suggest(out, why_text);
    suggest(out, next_step(s, s.last_topics));
    suggest(out, book);
    return out;
  }
  reply out = base(t, compose::variant(t.u.normalized, 2) == 0
                          ? "Hi! Tell me what you're building and I'll say whether Node.js or "
                            "Python fits it better, quoting our guide."
                          : "Hello! Which backend are you weighing up? Describe your project and "
                            "I'll recommend Node.js, Python or both.");
  out.suggestions = default_suggestions();
  return out;
}

reply thanks(const turn& t) {
  const auto& s = t.state;
  if (s.last_recommendation) {
    reply out = base(t,
                     "You're welcome! If you'd like to go through your plans with one of our "
                     "engineers, I can book you a free consultation.");
    suggest(out, book);
    suggest(out, next_step(s, s.last_topics));
    return out;
  }
  reply out = base(t, compose::variant(t.u.normalized, 2) == 0
                          ? "You're welcome! Anything else about your project?"
                          : "Happy to help! Anything else you'd like to compare?");
  out.suggestions = default_suggestions();
  return out;
}

reply goodbye(const turn& t) {
  const auto& s = t.state;
  std::string text =
      s.last_recommendation && !s.last_topics.empty()
          ? "Goodbye, and good luck with the " + discussed(t) +
                " work! If you'd like a second opinion later, a free consultation is one message "
                "away."
          : std::string{"Goodbye! Come back any time you're weighing Node.js against Python."};
  reply out = base(t, std::move(text));
  suggest(out, book);
  return out;
}

reply help(const turn& t) {
  reply out = base(t,
                   "I help you choose between Node.js and Python for your backend, based on our "
                   "guide. Tell me what the project needs (real-time chat, streaming, an API "
                   "gateway, machine learning, data pipelines, ...) and I'll recommend one, both, "
                   "or explain the trade-off, quoting the guide. I can also explain concepts like "
                   "the GIL or npm, and book you a free consultation with our team.");
  suggest(out, "Node or Python for a chat app?");
  suggest(out, concepts[0]);
  suggest(out, book);
  return out;
}

reply smalltalk(const turn& t) {
  for (const auto& s : small_replies) {
    if (t.u.has_cue(s.cue)) {
      reply out = base(t, std::string{s.text});
      out.suggestions = default_suggestions();
      return out;
    }
  }
  if (t.state.last_recommendation) {
    reply out = base(
        t,
        "Anything else? I can give the reasons behind my recommendation, or look at another need.");
    suggest(out, why_text);
    suggest(out, next_step(t.state, t.state.last_topics));
    suggest(out, book);
    return out;
  }
  reply out = base(t,
                   "I'm best at one thing: helping you pick Node.js or Python for your project. "
                   "What are you building?");
  out.suggestions = default_suggestions();
  return out;
}

reply cancel(const turn& t) {
  reply out = base(
      t,
      "Okay, nothing is pending, so there's nothing to cancel. Anything else about your project?");
  out.suggestions = default_suggestions();
  return out;
}

// Reached only when the engine does not open the form itself.
reply booking(const turn& t) {
  reply out = base(t, "I'd be glad to set up a free consultation with our team.");
  suggest(out, book);
  return out;
}

// Each intent's answer. `clarify` is the engine's question, never an answer here: a reading
// without an answer is not understood, honestly.
reply answer_to(const turn& t) {
  switch (t.u.intent) {
    case intent::compare:
      return compare(t);
    case intent::explain:
      return explain(t);
    case intent::out_of_scope:
      return out_of_scope(t);
    case intent::greeting:
      return greeting(t);
    case intent::thanks:
      return thanks(t);
    case intent::goodbye:
      return goodbye(t);
    case intent::help:
      return help(t);
    case intent::smalltalk:
      return smalltalk(t);
    case intent::cancel:
      return cancel(t);
    case intent::book_consultation:
      return booking(t);
    case intent::fallback:
    case intent::clarify:
      break;
  }
  return fallback(t);
}

}  // namespace

std::optional<technical_part> technical_side(const knowledge::knowledge_base& knowledge,
                                             const intents::understanding& understood) {
  if (!understood.question) return std::nullopt;  // a request, not a technical question
  const auto rec = knowledge.recommend(understood.found.topics, understood.found.technologies, 1,
                                       understood.moving_to);
  const bool specific = std::any_of(rec.needs.begin(), rec.needs.end(),
                                    [&](const auto& n) { return !knowledge.is_generic(n.topic); });
  if (rec.general || !specific || rec.verdict == "depends") return std::nullopt;
  std::vector<std::string> needs;
  for (const auto& n : rec.needs) needs.push_back(n.topic);
  const std::string pick = rec.verdict == "hybrid"
                               ? std::string{"both, Node.js and Python side by side"}
                               : std::string{compose::display_name(rec.verdict)};
  technical_part out;
  out.text = "On the technical side: for " + compose::topic_list(knowledge, needs) +
             ", our guide points to " + pick + ".";
  out.verdict = rec.verdict;
  out.sources = compose::sources_of(rec.sources);
  return out;
}

reply clarify(const intents::understanding& understood) {
  const auto choice = [](std::optional<intent> reading) -> const reading_choice* {
    const auto it = std::find_if(reading_choices.begin(), reading_choices.end(),
                                 [&](const reading_choice& c) { return c.reading == reading; });
    return it == reading_choices.end() ? nullptr : &*it;
  };
  const reading_choice* first = choice(understood.intent);
  const reading_choice* second = choice(understood.runner_up);
  reply out;
  out.intent = intent::clarify;
  out.confidence = understood.confidence;
  // intents.json's "clarify" lists only readings offered here; any other is asked generally.
  if (first == nullptr || second == nullptr) {
    out.text = "I'm not sure I understood. Could you say a little more about what you need?";
    out.suggestions = default_suggestions();
    return out;
  }
  out.text = "Just to be sure I answer the right question: is it " + std::string{first->asked} +
             ", or " + std::string{second->asked} + "?";
  out.suggestions = {std::string{first->pick}, std::string{second->pick}};
  return out;
}

std::vector<std::string> default_suggestions() {
  return {"Which is better for streaming?", "Node or Python for ML?", std::string{book}};
}

std::vector<std::string> suggestions_after_booking() {
  auto out = default_suggestions();
  std::erase(out, std::string{book_suggestion});
  return out;
}

std::span<const quick_reply> quick_replies() {
  return offered;
}

reply answer(const knowledge::knowledge_base& knowledge, const intents::understanding& understood,
             conversation& state) {
  const turn t{knowledge, understood, state};
  reply out = answer_to(t);
  state.last_intent = to_string(understood.intent);
  return out;
}

}  // namespace advisor::dialogue
