// SPDX-License-Identifier: MIT
#include "customer/org_domain.h"

#include "spf/resolver.h"

#include <libpsl.h>

namespace spfd {
namespace {

// Loaded once; libpsl's context is read-only after loading, so threads may share it.
const psl_ctx_t* suffix_list() {
    static const psl_ctx_t* const list = [] {
        const psl_ctx_t* latest = psl_latest(nullptr);
        return latest ? latest : psl_builtin();
    }();
    return list;
}

} // namespace

std::string organizational_domain(std::string_view domain) {
    const std::string name = normalized_domain(domain);
    const psl_ctx_t* list = suffix_list();
    const char* registrable = list ? psl_registrable_domain(list, name.c_str()) : nullptr;
    return registrable ? std::string(registrable) : name;
}

} // namespace spfd
