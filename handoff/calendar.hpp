#pragma once
// The .ics file offered with a confirmation (RFC 5545). It names the slot and the
// reference only: whoever holds the link learns nothing about the visitor.

#include <string>

#include "handoff/lead_store.hpp"

namespace advisor::handoff {

std::string consultation_ics(const lead& booking, time_point now,
                             const std::string& organizer_name);

}  // namespace advisor::handoff
