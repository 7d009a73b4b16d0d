// SPDX-License-Identifier: MIT
// The remote-backend request as the unix connector and post_json bring it: the JSON
// envelope, and (post=1) a method name with the JSON text of its parameters. Whatever the
// bytes, parsing ends in a request or an error, and the reply is a JSON envelope.
//
// Input: the whole input is one envelope; it is also split at the first '\n' into a method
// name and a parameters text for parse_parameters().
#include "fuzz_support.h"
#include "protocol/answer.h"
#include "protocol/request.h"

using namespace spfd;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const auto snap = fuzz::shipped_snapshot();
    const std::string_view text = fuzz::as_text(data, size);
    fuzz::require_parsed_and_answered(*snap, parse_envelope(text));

    const auto newline = text.find('\n');
    if (newline != std::string_view::npos)
        fuzz::require_parsed_and_answered(
            *snap, parse_parameters(text.substr(0, newline), text.substr(newline + 1)));
    return 0;
}
