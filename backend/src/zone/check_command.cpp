// SPDX-License-Identifier: MIT
#include "zone/check_command.h"

#include "zone/check_report.h"
#include "zone/zone_set.h"

#include <ostream>

namespace spfd {

int run_check(const server_config& config, std::ostream& out, std::ostream& err) {
    serial_store serials(config.state_dir);
    std::string error;
    if (!serials.load(error)) {
        err << error << '\n';
        return 1;
    }
    const zone_set_result loaded = load_zone_set(config, serials);
    for (const diagnostic& d : loaded.findings.items())
        err << to_string(d) << '\n';
    if (!loaded.snap) {
        err << "refused: " << loaded.findings.error_count()
            << " error(s); nothing would be published and the running backend would keep "
               "serving its current record\n";
        return 1;
    }
    for (const auto& zone : loaded.snap->zones())
        out << describe_zone(zone.summary, serials);
    out << "ok: " << loaded.snap->zones().size() << " zone(s), "
        << loaded.findings.items().size() - loaded.findings.error_count() << " warning(s)\n";
    return 0;
}

} // namespace spfd
