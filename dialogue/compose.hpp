#pragma once
// The sentences of an answer, composed from the guide's facts: names, lists, quotations, and
// the paragraphs of a recommendation, of its reasons and of an explanation. Pure string
// building over what knowledge/ returns; which facts to use is decided there.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "dialogue/engine.hpp"
#include "knowledge/knowledge.hpp"

namespace advisor::dialogue::compose {

// How an answer names a technology: "node" -> "Node.js", "csharp" -> "C#"; an unknown id as is.
std::string_view display_name(std::string_view technology);

// "a", "a and b", "a, b and c" (`last` is the final conjunction).
std::string join(const std::vector<std::string>& items, std::string_view last = "and");

// The topics as answers name them (knowledge.txt's labels), joined.
std::string topic_list(const knowledge::knowledge_base& k, const std::vector<std::string>& ids,
                       std::string_view last = "and");

// One of `count` phrasings, fixed by `seed`: a question always reads the same, different
// questions read differently.
std::size_t variant(std::string_view seed, std::size_t count);

// The facts as reply sources, in order, each once.
std::vector<source> sources_of(const std::vector<const knowledge::fact*>& facts);

// What the visitor's message adds to the needs: the technologies it names, the ones the guide
// does not cover, the phrasing seed and a sentence to open with (context of a follow-up).
struct framing {
  std::vector<std::string> asked;   // guide technologies named ("is python good for streaming")
  std::vector<std::string> others;  // technologies the guide does not cover ("go")
  std::string seed;                 // for variant()
  std::string opening;              // a full sentence put first, or empty
  bool question = false;            // the visitor asked (a yes/no answer may start with "Yes")
  // A yes/no question about the first technology asked ("is node good for ml?"), answered
  // yes or no first; `inverse`: it asks after a weakness ("is python slower ...?").
  bool polar = false;
  bool inverse = false;
  // The yes/no question asks whether moving to the first technology asked is worth it ("is
  // rewriting our Flask app in Node worth it?").
  bool move = false;
  // The sentence to quote for the winner instead of its first ("the API around it": what the
  // guide says of that part); null for the first.
  const knowledge::fact* quote = nullptr;
  // explain: the topics asked, and the guide's verdict on them (for a yes/no question).
  std::vector<std::string> topics;
  const knowledge::recommendation* verdict = nullptr;
};

// A composed answer and the guide sentences it rests on: the recommendation's sources first,
// then any other sentence the text quotes, so `sources` always holds what the visitor reads.
struct composed {
  std::string text;
  std::vector<const knowledge::fact*> cited;
};

// The answer to "which technology?": lead, the guide's words, the trade-off where it depends.
composed recommendation_text(const knowledge::knowledge_base& k, const knowledge::recommendation& r,
                             const framing& f);

// The answer to "why?": every source as a reason, and what the guide says about a technology
// the visitor asked about ("why not python?").
composed reasons_text(const knowledge::knowledge_base& k, const knowledge::recommendation& r,
                      const framing& f);

// The answer to "what is X?": the guide's sentences on `topic` (empty: the introduction of the
// technologies asked about), opened by knowledge.txt's definition of the topic; a yes/no
// question ("is npm bigger than PyPI?") is answered yes or no first, from the guide's verdict
// on the needs asked or the stance of its sentence. One quote in the text, every sentence in
// `cited`. `facts` is not empty.
composed explanation_text(const knowledge::knowledge_base& k, std::string_view topic,
                          const std::vector<const knowledge::fact*>& facts, const framing& f);

// What the guide says of one technology on its own ("what are python's weaknesses?"): where
// it shines, its limits and where the guide points to the other technology instead.
composed profile_text(const knowledge::knowledge_base& k, const std::string& technology,
                      bool strengths, bool weaknesses, const framing& f);

}  // namespace advisor::dialogue::compose
