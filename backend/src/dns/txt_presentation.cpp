// SPDX-License-Identifier: MIT
#include "dns/txt_presentation.h"

namespace spfd {

std::string txt_presentation(const std::vector<std::string>& strings) {
    std::string out;
    for (const std::string& s : strings) {
        if (!out.empty())
            out += ' ';
        out += '"';
        for (char c : s) {
            if (c == '"' || c == '\\')
                out += '\\';
            out += c;
        }
        out += '"';
    }
    return out;
}

std::vector<std::string> parse_txt_presentation(std::string_view content) {
    std::vector<std::string> strings;
    bool in_string = false;
    for (std::size_t i = 0; i < content.size(); ++i) {
        const char c = content[i];
        if (c == '"') {
            in_string = !in_string;
            if (in_string)
                strings.emplace_back();
        } else if (in_string && c == '\\' && i + 1 < content.size()) {
            strings.back() += content[++i];
        } else if (in_string) {
            strings.back() += c;
        }
    }
    return strings;
}

std::string txt_presentation_text(std::string_view content) {
    std::string text;
    for (const std::string& s : parse_txt_presentation(content))
        text += s;
    return text;
}

} // namespace spfd
