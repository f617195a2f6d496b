// Unit tests of the guide-based answers: recommendations, follow-ups against the conversation
// memory, explanations, honest fallbacks and the quick replies they offer.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "dialogue/answers.hpp"
#include "intents/understander.hpp"
#include "knowledge/knowledge.hpp"
#include "tests/support/intent_printing.hpp"
#include "tests/support/source_files.hpp"

namespace {

using advisor::test::read_source_file;
using advisor::test::read_source_folder;

using advisor::dialogue::answer;
using advisor::dialogue::conversation;
using advisor::dialogue::reply;
using advisor::intents::intent;

struct compiled {
  advisor::intents::understander_ptr understander;
  advisor::knowledge::knowledge_ptr knowledge;
};

// The project's real data files, compiled once.
const compiled& real() {
  static const compiled c = [] {
    auto u = advisor::intents::compile_understander(
        {"intents.json", read_source_file("intents/data/intents.json")},
        {"lexicon.txt", read_source_file("intents/data/lexicon.txt")});
    if (auto* e = std::get_if<advisor::intents::load_error>(&u)) FAIL(e->what());
    compiled out;
    out.understander = std::get<advisor::intents::understander_ptr>(u);
    auto k = advisor::knowledge::compile_knowledge(read_source_folder("knowledge/data"),
                                                   *out.understander);
    if (auto* e = std::get_if<advisor::intents::load_error>(&k)) FAIL(e->what());
    out.knowledge = std::get<advisor::knowledge::knowledge_ptr>(k);
    return out;
  }();
  return c;
}

// One visitor message in `state`'s conversation.
reply say(conversation& state, const std::string& text) {
  return answer(*real().knowledge, real().understander->understand(text), state);
}

// A fresh conversation's reply.
reply ask(const std::string& text) {
  conversation state;
  return say(state, text);
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The reply's text opens with `start` ("Yes: ").
bool starts(const reply& r, const std::string& start) {
  return r.text.rfind(start, 0) == 0;
}

bool suggests(const reply& r, const std::string& s) {
  return std::find(r.suggestions.begin(), r.suggestions.end(), s) != r.suggestions.end();
}

bool cites(const reply& r, const std::string& start) {
  return std::any_of(r.sources.begin(), r.sources.end(),
                     [&](const auto& s) { return s.text.rfind(start, 0) == 0; });
}

bool cites_section(const reply& r, const std::string& section) {
  return std::any_of(r.sources.begin(), r.sources.end(),
                     [&](const auto& s) { return s.section == section; });
}

// Every source is one of the guide's sentences, verbatim, with its own section.
bool sources_are_guide_sentences(const reply& r) {
  const auto& facts = real().knowledge->facts();
  return std::all_of(r.sources.begin(), r.sources.end(), [&](const auto& s) {
    return std::any_of(facts.begin(), facts.end(),
                       [&](const auto& f) { return f.text == s.text && f.section == s.section; });
  });
}

}  // namespace

TEST_CASE("compare recommends from the needs, citing the guide", "[dialogue][answers]") {
  SECTION("streaming -> node, on the Use Case Fit sentence") {
    const auto r = ask("Which is better for streaming?");
    CHECK(r.intent == intent::compare);
    CHECK(r.recommendation == "node");
    CHECK(cites(r, "Node.js is ideal for I/O-intensive services"));
    CHECK(cites_section(r, "Use Case Fit"));
    CHECK(contains(r.text, "**Node.js**"));
    CHECK(contains(r.text, "streaming"));
    CHECK(sources_are_guide_sentences(r));
  }
  SECTION("ML -> python") {
    const auto r = ask("Node or Python for ML?");
    CHECK(r.recommendation == "python");
    CHECK(cites(r, "For projects integrating AI features, Python is effectively mandatory."));
    CHECK(contains(r.text, "**Python**"));
  }
  SECTION("several needs on both sides -> hybrid, on the guide's hybrid sentence") {
    const auto r = ask("realtime chat with ML recommendations");
    CHECK(r.recommendation == "hybrid");
    REQUIRE_FALSE(r.sources.empty());
    CHECK(r.sources.front().text.rfind("A hybrid setup with Node.js for the API gateway", 0) == 0);
    CHECK(contains(r.text, "**Node.js** for real-time features and chat"));
    CHECK(contains(r.text, "**Python** for machine learning"));
    CHECK(sources_are_guide_sentences(r));
  }
  SECTION("CPU-heavy work -> the guide's mild lean to Python, not 'it depends'") {
    const auto r = ask("which is better for cpu heavy work");
    CHECK(r.recommendation == "python");
    CHECK(cites(r, "For CPU-bound tasks, Python can sometimes have the edge."));
    CHECK(cites(r, "Node.js's single-threaded event loop"));
    CHECK(contains(r.text, "leans towards **Python**"));
    CHECK(contains(r.text, "only mildly"));
  }
  SECTION("no need named -> depends, on each side's verdict sentence") {
    const auto r = ask("node or python?");
    CHECK(r.recommendation == "depends");
    CHECK(cites(r, "Choose Node.js for"));
    CHECK(cites(r, "Choose Python when"));
    CHECK(suggests(r, "Node or Python for ML?"));
  }
  SECTION("asking about the other technology: what the guide does not grant it") {
    const auto r = ask("is python good for streaming");
    CHECK(r.recommendation == "node");
    CHECK((contains(r.text, "rather than Python") ||
           contains(r.text, "Python isn't the guide's pick")));
    CHECK(contains(r.text, "no Python strength for streaming"));
  }
  SECTION(
      "a comparison with a technology the guide does not cover: outside it, with the nearest "
      "subject") {
    const auto r = ask("node vs go for streaming");
    CHECK(r.intent == intent::out_of_scope);
    CHECK_FALSE(r.recommendation.has_value());
    CHECK(contains(r.text, "Go"));
    CHECK(cites(r, "Node.js is ideal for I/O-intensive services"));
  }
  SECTION("two options within one technology are outside the guide, named as such") {
    const auto r = ask("django or fastapi for our api?");
    CHECK(r.intent == intent::out_of_scope);
    CHECK(contains(r.text, "Django or FastAPI is a choice my guide doesn't make"));
  }
  SECTION("a subject the guide does not weigh is named, then the general picture") {
    const auto r = ask("is node good for security");
    CHECK(r.recommendation == "depends");
    CHECK(contains(r.text, "doesn't compare them on security"));
    CHECK_FALSE(contains(ask("node or python for my app").text, "doesn't compare them"));
  }
  SECTION("one technology's weak sides: its limits and where the guide prefers the other") {
    const auto python = ask("what are python's disadvantages");
    CHECK(python.recommendation == "depends");
    CHECK(cites(python, "Python's GIL limits pure multi-threading"));
    CHECK(cites(python, "Node.js is ideal for I/O-intensive services"));
    const auto node = ask("what are node's weaknesses");
    CHECK(contains(node.text, "no weakness of Node.js outright"));
    CHECK(cites(node, "Python excels at"));
  }
  SECTION("different questions read differently") {
    CHECK(ask("node or python for a chat app?").text != ask("Which is better for streaming?").text);
    CHECK(ask("node or python for a chat app?").text !=
          ask("realtime chat server, node or python").text);
  }
  SECTION("after a recommendation: why, a need not discussed yet, and a free consultation") {
    const auto r = ask("Which is better for streaming?");
    CHECK(suggests(r, "Why?"));
    CHECK(suggests(r, "What about machine learning?"));
    CHECK(suggests(r, "Book a free consultation"));
    const auto ml = ask("Node or Python for ML?");
    CHECK_FALSE(suggests(ml, "What about machine learning?"));
    CHECK(suggests(ml, "Book a free consultation"));
  }
  SECTION("the memory holds what was recommended, on which needs") {
    conversation state;
    (void)say(state, "api gateway node or python");
    CHECK(state.last_recommendation == "node");
    CHECK(state.last_topics == std::vector<std::string>{"api_gateway"});
    CHECK(state.last_intent == "compare");
    CHECK(std::find(state.needs.begin(), state.needs.end(), "api_gateway") != state.needs.end());
  }
}

TEST_CASE("a yes/no question is answered yes or no first", "[dialogue][answers]") {
  SECTION("the side asked about wins: yes") {
    const auto r = ask("Is Python good for data pipelines?");
    CHECK(r.recommendation == "python");
    CHECK(starts(r, "Yes: "));
  }
  SECTION("the other side wins: no, and which one") {
    const auto r = ask("Is Node good for machine learning?");
    CHECK(r.recommendation == "python");
    CHECK(starts(r, "No: "));
    CHECK(contains(r.text, "**Python** rather than Node.js"));
  }
  SECTION("a question after a weakness is turned round") {
    const auto r = ask("Is Python slower than Node for I/O heavy APIs?");
    CHECK(r.recommendation == "node");
    CHECK(starts(r, "Yes: "));
  }
  SECTION("a lean on hedged sentences only is no plain yes or no") {
    CHECK(starts(ask("Can Node handle CPU heavy image processing?"), "Not as well. "));
    CHECK(starts(ask("Is Python good for CPU heavy work?"), "Yes, to a degree. "));
  }
  SECTION("should we use ...? is a yes/no question too") {
    CHECK(starts(ask("should we use node for machine learning?"), "No: "));
    CHECK(starts(ask("should I use python for data pipelines?"), "Yes: "));
  }
  SECTION("a need the guide argues both ways: neither yes nor no, each side's own case") {
    const auto r = ask("Is Node faster than Python?");
    CHECK(r.recommendation == "depends");
    CHECK(starts(r, "Not across the board: "));
    CHECK_FALSE(starts(ask("Node or Python for performance?"), "Not across the board"));
  }
  SECTION("alternatives make it a choice, not a yes/no question") {
    const auto r = ask("Is Node or Python better for ML?");
    CHECK(r.recommendation == "python");
    CHECK_FALSE(starts(r, "Yes"));
    CHECK_FALSE(starts(r, "No"));
  }
}

TEST_CASE("a factual or yes/no question is answered in the first sentence", "[dialogue][answers]") {
  const auto quotes = [](const reply& r) {
    std::size_t count = 0;
    for (auto at = r.text.find("\u201c"); at != std::string::npos;
         at = r.text.find("\u201c", at + 1))
      ++count;
    return count;
  };
  SECTION("a registry's size: the guide's 'largest', for the side it names") {
    const auto bigger = ask("is npm bigger than PyPI?");
    CHECK(starts(bigger, "Yes: "));
    CHECK(cites(bigger, "Node.js's npm is the world's largest package registry."));
    const auto larger = ask("does python have a larger package index than node?");
    CHECK(starts(larger, "No: "));
    CHECK(contains(larger.text, "**Node.js**"));
    CHECK(starts(ask("does node have more packages than python?"), "Yes: "));
    CHECK(starts(ask("does pypi have more libraries than npm?"), "No: "));
  }
  SECTION("a weakness of the side the guide gives nothing on the need: a plain yes") {
    const auto r = ask("will a CPU-heavy loop block Node?");
    CHECK(starts(r, "Yes: "));
    CHECK(contains(r.text, "Node.js's single-threaded event loop"));
    CHECK(contains(r.text, "**Python**"));
    CHECK(starts(ask("can one long calculation freeze my express server?"), "Yes: "));
    CHECK(starts(ask("will a long calculation freeze my express server"), "Yes: "));
    CHECK(starts(ask("is python slow for I/O heavy services?"), "Yes: "));
  }
  SECTION("a limit the guide states of the side asked about") {
    CHECK(starts(ask("is the GIL a problem for multithreaded python code?"), "Yes: "));
    CHECK(starts(ask("is node single threaded?"), "Yes: "));
  }
  SECTION("a framework named beside a concept is where it runs, not what is asked") {
    const auto gil = ask("will the GIL slow down my Flask API?");
    CHECK(starts(gil, "Yes: "));
    CHECK(contains(gil.text, "GIL"));
    CHECK_FALSE(contains(gil.text, "PyPI"));
    CHECK(starts(ask("does the GIL hold back a Django app?"), "Yes: "));
    CHECK_FALSE(contains(ask("can the event loop get blocked in my express server?").text, "npm"));
  }
  SECTION("a yes/no question about a move is about where it goes") {
    const auto move = ask("is it worth rewriting our Flask websocket server in Node?");
    CHECK(starts(move, "Yes: "));
    CHECK(contains(move.text, "**Node.js**"));
    CHECK(starts(ask("should we move our Express chat backend to Python?"), "No: "));
    CHECK(starts(ask("is switching our django ML service to node a good idea?"), "No: "));
    CHECK(starts(ask("would it make sense to port our node data pipeline to python?"), "Yes: "));
  }
  SECTION("a move with no need that decides it: not on its own, then what the move is for") {
    const auto general = ask("Our Node service runs fine. Is moving it to Python worth it?");
    CHECK(starts(general, "Not on its own: "));
    CHECK(cites(general, "Choose Python when"));
    CHECK(quotes(general) == 1);
    CHECK(starts(ask("is it worth rewriting our Flask server in Node?"), "Not on its own: "));
    CHECK_FALSE(starts(ask("Is Python better than Node?"), "Not on its own"));
  }
  SECTION("what something is: its definition first, then one quote from the guide") {
    const auto gil = ask("what is the GIL?");
    CHECK(starts(gil, "The GIL is Python's global interpreter lock"));
    CHECK(quotes(gil) == 1);
    const auto asyncio = ask("what's asyncio?");
    CHECK(starts(asyncio, "Asynchronous I/O means"));
    CHECK(cites(asyncio, "Python's GIL limits pure multi-threading"));
    CHECK(starts(ask("what is pypi"), "PyPI is the Python Package Index"));
  }
}

TEST_CASE("stated facts decide", "[dialogue][answers]") {
  SECTION("a JavaScript team's CRUD dashboard: one language, not two stacks") {
    const auto r = ask("we are three React developers building a CRUD dashboard, which backend?");
    CHECK(r.intent == intent::compare);
    CHECK(r.recommendation == "node");
    CHECK(cites(r, "Unified frontend and backend in one language is a major advantage."));
    CHECK_FALSE(contains(r.text, "weigh in on React"));
  }
  SECTION("where the data lives is context, not an option the guide leaves out") {
    const auto r = ask("our data lives in postgres, node or python for an ML api?");
    CHECK(r.recommendation == "python");
    CHECK_FALSE(contains(r.text, "PostgreSQL"));
    CHECK(contains(ask("node vs go for streaming").text, "Go"));
  }
  SECTION("a team that only writes JavaScript: Node.js, not 'it depends'") {
    CHECK(ask("our team only writes javascript, what should our backend be?").recommendation ==
          "node");
  }
  SECTION("'which backend?' is answered, not with a 'Yes'") {
    const auto r = ask("we are python data scientists building a web dashboard, which backend?");
    CHECK(r.recommendation == "python");
    CHECK(r.text.rfind("Yes", 0) != 0);
  }
  SECTION("without the team's language, an admin dashboard is still Python's") {
    CHECK(ask("internal admin dashboard to manage users and orders").recommendation == "python");
  }
  SECTION("a move to one side: of needs pulling both ways, the destination's are its reason") {
    const auto to_node = ask(
        "We rewrote our backend from Python to Node. We make a lot of calls to LLM APIs, so it is "
        "mostly network I/O that we want async. Was that the right call?");
    CHECK(to_node.recommendation == "node");
    CHECK_FALSE(contains(to_node.text, "hybrid"));
    CHECK(ask("I migrated our Express backend to FastAPI because of the AI agents and the "
              "websockets, good idea?")
              .recommendation == "python");
    // Each side kept for its own part is still both together.
    CHECK(ask("we will rewrite the api gateway in node and keep the ml models in python, does "
              "that work?")
              .recommendation == "hybrid");
    // With no move, needs on both sides are the hybrid answer.
    CHECK(ask("a chat app with websockets that also runs our ML models: node or python?")
              .recommendation == "hybrid");
  }
}

TEST_CASE("follow-ups are answered against the conversation", "[dialogue][answers]") {
  conversation state;
  SECTION("why? keeps the recommendation and gives its reasons with their sources") {
    const auto first = say(state, "Which is better for streaming?");
    const auto why = say(state, "why?");
    CHECK(why.intent == intent::compare);
    CHECK(why.recommendation == first.recommendation);
    CHECK(cites(why, "Node.js is ideal for I/O-intensive services"));
    CHECK(contains(why.text, "**Node.js**"));
    CHECK(why.text != first.text);
  }
  SECTION("why? before any recommendation recommends nothing") {
    const auto r = say(state, "why?");
    CHECK_FALSE(r.recommendation.has_value());
    CHECK(r.sources.empty());
    CHECK(contains(r.text, "haven't recommended anything yet"));
  }
  SECTION("why not python? says what the guide grants Python") {
    (void)say(state, "streming server in py?");
    const auto r = say(state, "why not python?");
    CHECK(r.recommendation == "node");
    CHECK(contains(r.text, "no Python strength for streaming"));
  }
  SECTION("what about machine learning? is a new need") {
    (void)say(state, "is python good for streaming");
    const auto r = say(state, "what about machine learning?");
    CHECK(r.recommendation == "python");
    CHECK(state.last_topics == std::vector<std::string>{"ml"});
  }
  SECTION("the API around it: the same project, and what the guide says of that part") {
    const auto ml = say(state, "node or python for machine learning?");
    const auto r = say(state, "and what would you use for the API around it?");
    CHECK(r.recommendation == "python");
    CHECK(r.text.rfind("What you build around it can stay in Python.", 0) == 0);
    CHECK(contains(r.text, "Django and FastAPI excelling"));
    CHECK(r.text != ml.text);
  }
  SECTION("and for a beginner?") {
    (void)say(state, "node or python for a chat app?");
    CHECK(say(state, "and for a beginner?").recommendation == "python");
  }
  SECTION("what about node? looks at the same needs from Node's side") {
    (void)say(state, "i need to add AI features to my app which language");
    const auto r = say(state, "what about node?");
    CHECK(r.recommendation == "python");
    CHECK(contains(r.text, "no Node.js strength"));
    CHECK(say(state, "why?").recommendation == "python");
  }
  SECTION("a need added with also / too joins the ones discussed") {
    (void)say(state, "building a CMS, what should i use");
    const auto r = say(state, "and we need live chat in it too");
    CHECK(r.recommendation == "hybrid");
    CHECK(contains(r.text, "the answer changes"));
    CHECK(say(state, "so which one?").recommendation == "hybrid");
  }
  SECTION("what if ... changes the project discussed") {
    (void)say(state, "I'm a beginner, which should I learn first?");
    const auto r = say(state, "what if i also want to write the frontend?");
    CHECK(r.recommendation == "node");
  }
  SECTION("so which one? weighs everything discussed") {
    (void)say(state, "Which is better for streaming?");
    (void)say(state, "what about machine learning?");
    const auto r = say(state, "so which one?");
    CHECK(r.recommendation == "hybrid");
    CHECK(contains(r.text, "You've mentioned streaming and machine learning"));
  }
  SECTION("a follow-up about something the guide does not cover recommends nothing") {
    (void)say(state, "Which is better for streaming?");
    const auto r = say(state, "what about security?");
    CHECK_FALSE(r.recommendation.has_value());
    CHECK(r.sources.empty());
    CHECK(contains(r.text, "doesn't cover security"));
    CHECK(state.last_recommendation == "node");
  }
  SECTION("so which one? with nothing discussed is the general comparison") {
    CHECK(say(state, "so which one?").recommendation == "depends");
  }
  SECTION("small talk in between does not lose the thread") {
    (void)say(state, "realtime chat server, node or python");
    (void)say(state, "lol");
    CHECK(say(state, "why?").recommendation == "node");
  }
}

TEST_CASE("explain answers from the guide's sentences on the topic", "[dialogue][answers]") {
  SECTION("the GIL") {
    const auto r = ask("whats the GIL");
    CHECK(r.intent == intent::explain);
    CHECK_FALSE(r.recommendation.has_value());
    CHECK(cites(r, "Python's GIL limits pure multi-threading"));
    CHECK(r.text.rfind("The GIL is Python's global interpreter lock", 0) == 0);
    CHECK(suggests(r, "Which is better for CPU-bound work?"));
  }
  SECTION("npm") {
    const auto r = ask("what is npm");
    CHECK(cites(r, "Node.js's npm is the world's largest package registry."));
    CHECK(cites_section(r, "Ecosystem & Libraries"));
  }
  SECTION("a question about one technology keeps to its sentences") {
    const auto r = ask("does python have types");
    CHECK(cites(r, "The introduction of type hints"));
    CHECK_FALSE(cites(r, "Combined with TypeScript"));
  }
  SECTION("a topic the guide has only for the other technology is said to be so") {
    const auto r = ask("does node have a gil?");
    CHECK(contains(r.text, "doesn't discuss the GIL for Node.js"));
  }
  SECTION("what a technology is good at") {
    const auto r = ask("what is node good at");
    CHECK(cites_section(r, "Use Case Fit"));
  }
}

TEST_CASE("honest answers when the guide has none", "[dialogue][answers]") {
  SECTION("Go versus Rust: no recommendation, no sources") {
    const auto r = ask("Go vs Rust");
    CHECK(r.intent == intent::out_of_scope);
    CHECK_FALSE(r.recommendation.has_value());
    CHECK(r.sources.empty());
    CHECK(contains(r.text, "Go and Rust"));
    CHECK(contains(r.text, "only Node.js and Python"));
    CHECK(suggests(r, "Book a free consultation"));
  }
  SECTION("a pitch offering work: thanked, not booked, no guide quote") {
    const auto r =
        ask("We are a dev agency, we can build your backend for you at affordable rates.");
    CHECK(r.intent == intent::out_of_scope);
    CHECK(starts(r, "Thanks for getting in touch"));
    CHECK(r.sources.empty());
  }
  SECTION("hosting prices and the weather") {
    for (const auto* text : {"how much does aws hosting cost", "whats the weather like"}) {
      const auto r = ask(text);
      CHECK(r.intent == intent::out_of_scope);
      CHECK_FALSE(r.recommendation.has_value());
      CHECK(r.sources.empty());
    }
  }
  SECTION("not understood: what the bot can do, and differently the second time") {
    conversation state;
    const auto first = say(state, "asdf qwer");
    CHECK(first.intent == intent::fallback);
    CHECK(contains(first.text, "I can recommend Node.js or Python"));
    CHECK(suggests(first, "What can you do?"));
    const auto second = say(state, "zzzz qqqq");
    CHECK(second.text != first.text);
    CHECK_FALSE(second.recommendation.has_value());
  }
}

TEST_CASE("social replies are short and in context", "[dialogue][answers]") {
  SECTION("a greeting before and after a recommendation") {
    conversation state;
    const auto hello = say(state, "hi");
    CHECK(hello.intent == intent::greeting);
    CHECK_FALSE(hello.recommendation.has_value());
    (void)say(state, "Which is better for streaming?");
    const auto again = say(state, "hello");
    CHECK(contains(again.text, "streaming"));
    CHECK(suggests(again, "Why?"));
  }
  SECTION("thanks after a recommendation offers the consultation") {
    conversation state;
    (void)say(state, "Node or Python for ML?");
    const auto r = say(state, "thanks");
    CHECK(r.intent == intent::thanks);
    CHECK(contains(r.text, "free consultation"));
    CHECK(suggests(r, "Book a free consultation"));
  }
  SECTION("help says what the bot does") {
    const auto r = ask("what can you do");
    CHECK(contains(r.text, "choose between Node.js and Python"));
  }
  SECTION("small talk by subject") {
    CHECK(contains(ask("are you a bot").text, "a bot"));
    CHECK(contains(ask("how are you").text, "doing well"));
  }
  SECTION("goodbye") {
    CHECK(ask("bye").intent == intent::goodbye);
  }
}

TEST_CASE("every quick reply is understood as what it offers", "[dialogue][answers]") {
  const auto& understander = *real().understander;
  SECTION("the table") {
    for (const auto& q : advisor::dialogue::quick_replies()) {
      const auto u = understander.understand(q.text);
      INFO(q.text);
      CHECK(u.intent == q.intent);
      CHECK(u.follow_up == q.follow_up);
    }
  }
  SECTION("every suggestion given is in the table") {
    const std::vector<std::vector<std::string>> scripts{
        {"hi", "Which is better for streaming?", "why?", "what about machine learning?",
         "so which one?", "why not just node?", "thanks", "bye"},
        {"realtime chat with ML recommendations", "why?", "lol", "hello"},
        {"which is better for cpu heavy work", "what is the GIL", "whats npm",
         "does python have types", "what is the event loop", "which has better packages"},
        {"node or python?", "Go vs Rust", "asdf qwer", "asdf qwer", "what can you do",
         "how are you", "cancel", "book a call"},
        {"Node or Python for ML?", "and for a beginner?", "what about cpu heavy stuff?",
         "and for streaming?", "what about data pipelines?", "what about real-time features?",
         "cool"},
    };
    std::vector<std::string> offered;
    for (const auto& d : advisor::dialogue::default_suggestions()) offered.push_back(d);
    for (const auto& script : scripts) {
      conversation state;
      for (const auto& text : script) {
        for (const auto& s : say(state, text).suggestions) offered.push_back(s);
      }
    }
    const auto table = advisor::dialogue::quick_replies();
    for (const auto& s : offered) {
      INFO(s);
      CHECK(std::any_of(table.begin(), table.end(), [&](const auto& q) { return q.text == s; }));
    }
  }
}
