// SPDX-License-Identifier: MIT
#include "zone/zone_set.h"

#include <atomic>
#include <chrono>
#include <doctest/doctest.h>
#include <fstream>
#include <iterator>
#include <thread>
#include <unistd.h>

using namespace spfd;

namespace {

struct fixture {
    std::filesystem::path root;
    fixture() {
        root = std::filesystem::temp_directory_path() /
               ("spfd-zone-set-" + std::to_string(::getpid()));
        std::filesystem::remove_all(root);
        std::filesystem::create_directories(root / "zones");
        std::filesystem::create_directories(root / "state");
    }
    ~fixture() { std::filesystem::remove_all(root); }

    void write_zone(const std::string& senders, const std::string& extra = "") {
        std::ofstream(root / "zones" / "spf.connectoor.com.toml")
            << "zone = \"spf.connectoor.com\"\n[soa]\nprimary = \"ns1.connectoor.com\"\n"
               "hostmaster = \"hostmaster.connectoor.com\"\n[ns]\nnames = "
               "[\"ns1.connectoor.com\"]\n"
            << extra << senders;
    }
};

std::string hosts(unsigned count) {
    std::string out;
    for (unsigned i = 0; i < count; ++i) // 100.64.x.y spaced by 2: nothing aggregates
        out += "[[senders]]\nip4 = \"198.18." + std::to_string(i / 100) + "." +
               std::to_string((i % 100) * 2 + 1) + "\"\n";
    return out;
}

std::string messages(const diagnostics& d) {
    std::string out;
    for (const auto& item : d.items())
        out += to_string(item) + "\n";
    return out;
}

} // namespace

TEST_CASE("the shipped zones folder loads into a snapshot") {
    serial_store serials(std::filesystem::temp_directory_path() / "spfd-no-state");
    const auto result = load_zone_set(SPFD_SOURCE_DIR "/zones", serials);
    REQUIRE_MESSAGE(result.snap != nullptr, messages(result.findings));
    REQUIRE(result.snap->zones().size() == 1);
    const auto& z = result.snap->zones()[0].summary;
    CHECK(z.spf.text == "v=spf1 ip4:85.10.214.4 ip4:176.9.5.158 ip4:178.63.53.35 ~all");
    CHECK(z.serial == today_yyyymmdd_utc() * 100u);
    CHECK(result.snap->find_name("spf.connectoor.com.") != nullptr);
}

TEST_CASE("an answer over the size budget is refused with the overshoot and what to do") {
    fixture f;
    f.write_zone(hosts(40));
    serial_store serials(f.root / "state");
    const auto result = load_zone_set(f.root / "zones", serials);
    CHECK(result.snap == nullptr);
    const std::string m = messages(result.findings);
    CAPTURE(m);
    CHECK(m.find("would be 697 octets, 247 over the budget of 450") != std::string::npos);
    CHECK(m.find(".toml:8:7: error:") != std::string::npos); // at the first sender
    CHECK(m.find("Remove senders") != std::string::npos);
}

TEST_CASE("the budget is configurable up to 512 and near-budget answers warn") {
    fixture f;
    f.write_zone(hosts(27), "[spf]\nmax_answer_octets = 512\n");
    serial_store serials(f.root / "state");
    const auto result = load_zone_set(f.root / "zones", serials);
    REQUIRE_MESSAGE(result.snap != nullptr, messages(result.findings));
    const auto& m = result.snap->zones()[0].summary.spf.measures;
    CHECK(m.answer_octets <= 512);
    CHECK(m.string_count == 2);
    CAPTURE(messages(result.findings));
    CHECK(messages(result.findings).find("close to the budget") != std::string::npos);
}

TEST_CASE("the serial changes with the content and only then") {
    fixture f;
    serial_store serials(f.root / "state");
    std::string error;
    f.write_zone(hosts(3));
    auto first = load_zone_set(f.root / "zones", serials);
    REQUIRE(first.snap != nullptr);
    REQUIRE(serials.commit(first.serials, error));
    const auto serial1 = first.snap->zones()[0].summary.serial;

    auto same = load_zone_set(f.root / "zones", serials);
    CHECK(same.snap->zones()[0].summary.serial == serial1);

    f.write_zone(hosts(4));
    auto changed = load_zone_set(f.root / "zones", serials);
    REQUIRE(changed.snap != nullptr);
    CHECK(changed.snap->zones()[0].summary.serial == serial1 + 1);
    const auto* soa = changed.snap->find_name("spf.connectoor.com.");
    CHECK(soa->reply_for("SOA").find(std::to_string(serial1 + 1)) != std::string_view::npos);
}

TEST_CASE("an empty or missing zones folder is an error") {
    fixture f;
    serial_store serials(f.root / "state");
    CHECK(messages(load_zone_set(f.root / "zones", serials).findings).find("no zone files") !=
          std::string::npos);
    CHECK(messages(load_zone_set(f.root / "missing", serials).findings).find("does not exist") !=
          std::string::npos);
}

TEST_CASE("a macro zone's serial follows its networks, which are in no record") {
    fixture f;
    serial_store serials(f.root / "state");
    std::string error;
    const std::string macro = "[spf]\noverflow = \"macro\"\n";
    f.write_zone(hosts(3), macro);
    auto first = load_zone_set(f.root / "zones", serials);
    REQUIRE(first.snap != nullptr);
    REQUIRE(serials.commit(first.serials, error));
    const auto serial1 = first.snap->zones()[0].summary.serial;
    f.write_zone(hosts(4), macro);
    auto changed = load_zone_set(f.root / "zones", serials);
    REQUIRE(changed.snap != nullptr);
    CHECK(changed.snap->zones()[0].summary.serial == serial1 + 1);
}

TEST_CASE("a zone file rewritten in place while it is loaded is never read half-written") {
    // An editor writing in place, entry by entry: every prefix that ends after an entry is
    // a valid zone with fewer senders. Each load either sees all 15 or is refused.
    fixture f;
    serial_store serials(f.root / "state");
    f.write_zone(hosts(15));
    const auto path = f.root / "zones" / "spf.connectoor.com.toml";
    std::string text;
    {
        std::ifstream in(path);
        text.assign(std::istreambuf_iterator<char>(in), {});
    }
    std::atomic<bool> stop{false};
    std::thread writer([&] {
        for (unsigned round = 0; !stop; ++round) {
            {
                std::ofstream out(path, std::ios::trunc);
                for (std::size_t at = 0; at < text.size();) {
                    const auto next = text.find("[[senders]]", at + 1);
                    const auto end = next == std::string::npos ? text.size() : next;
                    out.write(text.data() + at, static_cast<std::streamsize>(end - at)).flush();
                    at = end;
                }
            }
            // Saved again after 0 to 35 ms: some loads find the folder quiet, some do not.
            std::this_thread::sleep_for(std::chrono::milliseconds(round * 7 % 36));
        }
    });
    std::size_t refused = 0;
    for (int i = 0; i < 20; ++i) {
        auto result = load_zone_set(f.root / "zones", serials);
        if (result.snap) {
            CHECK(result.snap->zones()[0].summary.sender_count == 15);
        } else {
            ++refused;
            CHECK(messages(result.findings).find("spf.connectoor.com.toml") != std::string::npos);
        }
    }
    stop = true;
    writer.join();
    MESSAGE(refused << " of 20 loads refused while the file was being written");
    // Once the writes are over, the whole file loads.
    auto settled = load_zone_set(f.root / "zones", serials);
    REQUIRE(settled.snap != nullptr);
    CHECK(settled.snap->zones()[0].summary.sender_count == 15);
}

TEST_CASE(
    "a sender list outside the zones folder, still being written, is never read half-written") {
    // A senders_file beside the zones folder, which the folder's own quiet check does not
    // see: half of it is written, the load starts, the rest follows 5 ms later. The load
    // must wait for the whole list. (A writer that pauses for longer than the settle time
    // leaves a valid shorter list that no quiet check can tell apart: README "Faults".)
    fixture f;
    serial_store serials(f.root / "state");
    std::filesystem::create_directories(f.root / "lists");
    std::ofstream(f.root / "zones" / "spf.connectoor.com.toml")
        << "zone = \"spf.connectoor.com\"\nsenders_file = \"../lists/senders\"\n[soa]\n"
           "primary = \"ns1.connectoor.com\"\nhostmaster = \"hostmaster.connectoor.com\"\n"
           "[ns]\nnames = [\"ns1.connectoor.com\"]\n";
    auto lines = [](unsigned from, unsigned to) {
        std::string out;
        for (unsigned i = from; i < to; ++i)
            out += "ip4:198.18.0." + std::to_string(2 * i + 1) + "\n";
        return out;
    };
    const auto list = f.root / "lists" / "senders";
    std::ofstream(list) << lines(0, 15);
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    auto quiet = load_zone_set(f.root / "zones", serials);
    REQUIRE_MESSAGE(quiet.snap != nullptr, messages(quiet.findings));
    CHECK(quiet.snap->zones()[0].summary.sender_count == 15);

    for (int trial = 0; trial < 5; ++trial) {
        CAPTURE(trial);
        std::ofstream(list, std::ios::trunc) << lines(0, 7) << std::flush;
        std::thread rest([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
            std::ofstream(list, std::ios::app) << lines(7, 15) << std::flush;
        });
        auto result = load_zone_set(f.root / "zones", serials);
        rest.join();
        REQUIRE_MESSAGE(result.snap != nullptr, messages(result.findings));
        CHECK(result.snap->zones()[0].summary.sender_count == 15);
    }
}
