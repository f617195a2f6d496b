#pragma once
// The visitor questions both load generators cycle through: short chat lines of every kind
// (comparison, explanation, small talk, follow-ups, a typo).

#include <string>
#include <vector>

namespace advisor::bench {

inline const std::vector<std::string> questions{
    "node or python for a chat app?",
    "is python good for streaming",
    "whats the GIL",
    "we need realtime dashboards plus some ML, what stack?",
    "which is better for beginners",
    "hi",
    "thanks!",
    "why?",
    "what about machine learning?",
    "streming server in py?"};

}  // namespace advisor::bench
