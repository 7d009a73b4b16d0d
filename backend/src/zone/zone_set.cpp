// SPDX-License-Identifier: MIT
#include "zone/zone_set.h"

#include "dns/name.h"
#include "zone/compile.h"
#include "zone/zone_files.h"

#include <utility>

namespace spfd {

zone_set_result load_zone_set(const std::filesystem::path& zones_dir, const serial_store& serials) {
    zone_set_result result;
    std::vector<zone_spec> specs = load_zone_files(zones_dir, result.findings);

    for (const zone_spec& a : specs)
        for (const zone_spec& b : specs)
            if (is_strictly_below(a.apex, b.apex))
                result.findings.error({a.file, 0, 0}, "zone " + a.apex + " lies inside zone " +
                                                          b.apex + " (" + b.file +
                                                          "); serve it as names of that zone");
    if (result.findings.has_errors())
        return result;

    std::vector<compiled_zone> compiled;
    int id = 1;
    for (const zone_spec& spec : specs) {
        auto zone = compile_zone(spec, id++, result.findings);
        if (zone)
            compiled.push_back(std::move(*zone));
    }
    if (result.findings.has_errors())
        return result;

    result.serials = assign_serials(compiled, serials);
    result.snap = std::make_shared<const snapshot>(std::move(compiled));
    return result;
}

} // namespace spfd
