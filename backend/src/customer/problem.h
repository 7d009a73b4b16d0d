// SPDX-License-Identifier: MIT
#pragma once

// A finding of the customer checks, shared by the SPF and the DMARC parts.

#include <string>

namespace spfd {

/// One thing wrong with, or worth changing in, the customer's setup.
struct customer_problem {
    std::string code;    ///< stable, for tools: "include_missing", "dmarc_missing", …
    std::string message; ///< for the operator, English
    std::string term;    ///< the term it is about, where there is one (syntax errors)
};

} // namespace spfd
