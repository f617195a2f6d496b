#pragma once
// The .ics file offered with a confirmation (RFC 5545). It names the slot (in the visitor's
// zone and the consultancy's) and the reference only: no name, email or project.

#include <string>

#include "handoff/lead_store.hpp"

namespace advisor::handoff {

std::string consultation_ics(const lead& booking, time_point now,
                             const std::string& organizer_name);

}  // namespace advisor::handoff
