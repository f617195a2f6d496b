#pragma once
// What a reader can see of a text: emptiness judged after Unicode spaces and invisible
// characters (zero-width, no-break spaces, BOM, bidi marks, fillers), and the control
// characters that have no place in a form field (they clear screens and forge lines).
// Works on UTF-8; a byte that is not valid UTF-8 counts as a visible character.

#include <string_view>

namespace advisor::intents {

// Unicode white space, format characters a reader cannot see, and C0/C1 controls.
bool is_invisible(char32_t code_point);
// C0 controls (tab, CR and LF included), DEL, C1 controls, and the line and paragraph
// separators U+2028/U+2029.
bool is_control(char32_t code_point);

// `text` without invisible characters at either end.
std::string_view trim_invisible(std::string_view text);
// True when nothing visible is left.
bool is_blank(std::string_view text);
// True when any character of `text` is a control character.
bool has_control(std::string_view text);

}  // namespace advisor::intents
