// Tests for lib/live/session_config.h: the example of docs/session-config.md read into exact
// session options, each key's values and limits, and every kind of mistake with its one-line
// message naming the JSON path; files read from disk, and a missing one with the OS's reason.
#include "lib/live/session_config.h"

#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <span>
#include <string>

#include "tests/support/etl_builder.h"

using namespace etwcat;
using namespace std::chrono_literals;
using live::parse_session_config;
using live::session_config;

namespace {

const guid kernel_process = *guid::parse("{22fb2cd6-0e7b-422b-a0c7-2fad1fd0e716}");
const guid dns_client = *guid::parse("{1c95126e-7eea-49a9-a3fe-a378b03ddb4d}");

session_config parse(const std::string& json) {
  auto config = parse_session_config(json, "ci.json");
  if (!config) FAIL(config.failure().message);
  return config.value();
}

std::string error_of(const std::string& json) {
  auto config = parse_session_config(json, "ci.json");
  return config ? "(no error)" : config.failure().message;
}

// The first ```json block of a Markdown file.
std::string first_json_block(const std::filesystem::path& markdown) {
  std::ifstream in(markdown);
  std::string line, block;
  while (std::getline(in, line) && line != "```json") {
  }
  while (std::getline(in, line) && line != "```") block += line + "\n";
  return block;
}

// A config file in the temp folder, deleted at the end of the test.
testing::temp_file config_file(const std::string& text) {
  return testing::temp_file(std::as_bytes(std::span(text)));
}

}  // namespace

TEST_CASE("session_config: the documented example fills every option with exact values") {
  const std::string json =
      first_json_block(std::filesystem::path(ETWCAT_SOURCE_DIR) / "docs" / "session-config.md");
  REQUIRE(json.find("\"etwcat-ci\"") != std::string::npos);
  const session_config c = parse(json);
  const live::session_options& s = c.session;
  CHECK(s.name == "etwcat-ci");
  REQUIRE(s.providers.size() == 2);

  const live::provider_options& process = s.providers[0];
  CHECK(process.provider.name == "Microsoft-Windows-Kernel-Process");
  CHECK(process.provider.id == kernel_process);
  CHECK(process.provider.level == 4);
  CHECK(process.provider.match_any_keyword == 0x10);
  CHECK(process.provider.match_all_keyword == 0);
  CHECK(process.provider.event_ids.empty());
  CHECK(process.process_ids.empty());
  CHECK(process.executable.empty());
  CHECK_FALSE(process.stack_trace);

  const live::provider_options& dns = s.providers[1];
  CHECK(dns.provider.name == "Microsoft-Windows-DNS-Client");
  CHECK(dns.provider.id == dns_client);
  CHECK(dns.provider.level == 5);
  CHECK(dns.provider.match_any_keyword == 0x8000000000000000);
  CHECK(dns.provider.match_all_keyword == 0);
  CHECK(dns.provider.event_ids == std::vector<std::uint16_t>{3006, 3008});
  CHECK_FALSE(dns.provider.exclude_event_ids);
  CHECK(dns.process_ids == std::vector<std::uint32_t>{4, 1234});
  CHECK(dns.executable == "svchost.exe");
  CHECK(dns.stack_trace);
  CHECK(dns.sid);
  CHECK(dns.terminal_session_id);
  CHECK(dns.process_start_key);

  // process|thread|img, then Registry and FileIo (requests, completions and file names).
  CHECK(s.kernel_flags == (0x7u | 0x20000u | 0x04000000u | 0x02000200u));
  CHECK(s.system_logger);
  CHECK(s.buffer_size_kb == 256);
  CHECK(s.minimum_buffers == 16);
  CHECK(s.maximum_buffers == 64);
  CHECK(s.flush_timer_seconds == 1);
  CHECK(s.clock == live::clock_type::qpc);
  CHECK(s.real_time);
  CHECK(s.log_file == "etwcat-ci.etl");
  CHECK(s.mode == live::file_mode::circular);
  CHECK(s.maximum_file_size_mb == 100);
  CHECK(c.duration == std::chrono::nanoseconds(30s));
  CHECK(c.max_events == std::uint64_t{1000});
  CHECK(c.format == std::string("jsonl"));
  CHECK(c.output == std::string("events.jsonl"));
}

TEST_CASE("session_config: an empty object keeps every default") {
  const session_config c = parse(" {} ");
  const live::session_options defaults;
  const live::session_options& s = c.session;
  CHECK(s.name.empty());
  CHECK(s.providers.empty());
  CHECK(s.kernel_flags == 0);
  CHECK_FALSE(s.system_logger);
  CHECK(s.buffer_size_kb == defaults.buffer_size_kb);
  CHECK(s.minimum_buffers == 0);
  CHECK(s.maximum_buffers == 0);
  CHECK(s.flush_timer_seconds == 0);
  CHECK(s.clock == live::clock_type::qpc);
  CHECK(s.real_time);
  CHECK(s.log_file.empty());
  CHECK(s.mode == live::file_mode::sequential);
  CHECK(s.maximum_file_size_mb == 0);
  CHECK_FALSE(c.format.has_value());
  CHECK_FALSE(c.output.has_value());
  CHECK_FALSE(c.duration.has_value());
  CHECK_FALSE(c.max_events.has_value());
}

TEST_CASE("session_config: keywords above 2^53 stay exact, as numbers and as strings") {
  const session_config c = parse(R"({"providers": [
      {"name": "Microsoft-Windows-DNS-Client", "any_keywords": 9007199254740993,
       "all_keywords": "0x8000000000000001"},
      {"name": "Microsoft-Windows-Kernel-Process", "any_keywords": 18446744073709551615,
       "all_keywords": "18446744073709551614"},
      "*My-Source:5::0x20000000000001:0xFFFFFFFFFFFFFFFF"]})");
  REQUIRE(c.session.providers.size() == 3);
  const auto& p = c.session.providers;
  CHECK(p[0].provider.match_any_keyword == 9007199254740993u);  // 2^53 + 1: no double holds it
  CHECK(p[0].provider.match_all_keyword == 0x8000000000000001u);
  CHECK(p[1].provider.match_any_keyword == 0xFFFFFFFFFFFFFFFFu);
  CHECK(p[1].provider.match_all_keyword == 0xFFFFFFFFFFFFFFFEu);
  CHECK(p[2].provider.name == "My-Source");
  CHECK(p[2].provider.level == 5);
  CHECK(p[2].provider.match_any_keyword == 0x20000000000001u);
  CHECK(p[2].provider.match_all_keyword == 0xFFFFFFFFFFFFFFFFu);
}

TEST_CASE("session_config: levels, event IDs, process IDs and executables in a provider object") {
  const session_config c = parse(R"({"providers": [
      {"name": "Microsoft-Windows-DNS-Client", "level": 0, "event_ids": [7, 3, 7, 65535],
       "exclude_event_ids": true, "executable": ["a.exe", "b b.exe"]},
      {"name": "{22FB2CD6-0E7B-422B-A0C7-2FAD1FD0E716}", "level": "Warning",
       "process_ids": [4294967295, 0, 4, 4]},
      {"name": "Microsoft-Windows-TCPIP", "level": "0x10"}]})");
  const auto& p = c.session.providers;
  REQUIRE(p.size() == 3);
  CHECK(p[0].provider.level == 0);
  CHECK(p[0].provider.event_ids == std::vector<std::uint16_t>{7, 3, 65535});  // repeats once
  CHECK(p[0].provider.exclude_event_ids);
  CHECK(p[0].executable == "a.exe;b b.exe");
  CHECK(p[1].provider.id == kernel_process);
  CHECK(p[1].provider.name == "Microsoft-Windows-Kernel-Process");  // named from the GUID
  CHECK(p[1].provider.level == 3);
  CHECK(p[1].process_ids == std::vector<std::uint32_t>{4294967295u, 0, 4});
  CHECK(p[2].provider.level == 16);
  CHECK(p[2].provider.match_any_keyword == ~std::uint64_t{0});  // the defaults stay
  CHECK(p[2].provider.match_all_keyword == 0);
}

TEST_CASE("session_config: kernel flags as a list, an array or a number, and system groups") {
  CHECK(parse(R"({"kernel": "process, Thread,img"})").session.kernel_flags == 0x7);
  CHECK(parse(R"({"kernel": ["process", "0x10", 256]})").session.kernel_flags == 0x111);
  CHECK(parse(R"({"kernel": 4294967295})").session.kernel_flags == 0xFFFFFFFF);
  const session_config kernel = parse(R"({"kernel": ["DiskIo"]})");
  CHECK_FALSE(kernel.session.system_logger);  // the NT Kernel Logger
  const session_config groups = parse(R"({"system": "Process,ImageLoad"})");
  CHECK(groups.session.kernel_flags == 0x5);
  CHECK(groups.session.system_logger);
  const session_config named = parse(R"({"kernel": "process", "system_logger": true})");
  CHECK(named.session.kernel_flags == 0x1);
  CHECK(named.session.system_logger);
}

TEST_CASE("session_config: durations as strings and as numbers of seconds") {
  CHECK(parse(R"({"duration": "500ms"})").duration == std::chrono::nanoseconds(500ms));
  CHECK(parse(R"({"duration": "1.5h"})").duration == std::chrono::nanoseconds(90min));
  CHECK(parse(R"({"duration": 90})").duration == std::chrono::nanoseconds(90s));
  CHECK(parse(R"({"duration": 0.25})").duration == std::chrono::nanoseconds(250ms));
  CHECK(parse(R"({"duration": 9223372036})").duration ==
        std::chrono::nanoseconds(9223372036000000000));
  CHECK(error_of(R"({"duration": "10 sec"})") ==
        "ci.json: duration: \"10 sec\" is not a duration (a number with a unit: ns, us, ms, s, "
        "m, h or d, such as \"30s\" or \"500ms\")");
  CHECK(error_of(R"({"duration": 0})") ==
        "ci.json: duration: a duration of 0 would stop the session at once");
  CHECK(error_of(R"({"duration": 9223372037})") ==
        "ci.json: duration: 9223372037 is out of range (0-9223372036)");
  CHECK(error_of(R"({"duration": -1.5})") ==
        "ci.json: duration: a number of seconds must lie in 0-9223372036");
}

TEST_CASE("session_config: file modes, clocks, buffers, output and max_events") {
  const session_config c = parse(R"({"file": {"max_size_mb": 5, "mode": "newfile",
      "path": "trace-%d.etl"}, "realtime": false, "clock": "cycles",
      "buffers": {"size_kb": 1024, "minimum": 4}, "output": {"format": "text", "path": "-"},
      "max_events": 18446744073709551615})");
  CHECK(c.session.mode == live::file_mode::new_file);
  CHECK(c.session.log_file == "trace-%d.etl");
  CHECK(c.session.maximum_file_size_mb == 5);
  CHECK_FALSE(c.session.real_time);
  CHECK(c.session.clock == live::clock_type::cpu_cycles);
  CHECK(c.session.buffer_size_kb == 1024);
  CHECK(c.session.minimum_buffers == 4);
  CHECK(c.session.maximum_buffers == 0);
  CHECK(c.format == std::string("text"));
  CHECK(c.output == std::string("-"));
  CHECK(c.max_events == std::uint64_t{18446744073709551615u});
  CHECK(parse(R"({"clock": "system"})").session.clock == live::clock_type::system_time);
  CHECK(parse(R"({"file": {"path": "a.etl"}})").session.mode == live::file_mode::sequential);
}

TEST_CASE("session_config: unknown keys, keys given twice and wrong types name their path") {
  CHECK(error_of(R"({"buffer": {}})") ==
        "ci.json: unknown key \"buffer\" (known: name, providers, kernel, system, system_logger, "
        "buffers, clock, file, realtime, duration, max_events, output)");
  CHECK(error_of(R"({"buffers": {"size": 4}})") ==
        "ci.json: buffers: unknown key \"size\" (known: size_kb, minimum, maximum, "
        "flush_seconds)");
  CHECK(error_of(R"({"providers": [{"name": "Microsoft-Windows-DNS-Client", "levle": 4}]})") ==
        "ci.json: providers[0]: unknown key \"levle\" (known: name, level, any_keywords, "
        "all_keywords, event_ids, exclude_event_ids, process_ids, executable, stack, sid, "
        "terminal_session_id, process_start_key)");
  CHECK(error_of(R"({"name": "a", "realtime": true, "name": "b"})") ==
        "ci.json: name: given twice");
  CHECK(error_of(R"({"file": {"path": "a.etl", "path": "b.etl"}})") ==
        "ci.json: file.path: given twice");
  CHECK(error_of(R"({"buffers": {"size_kb": "64"}})") ==
        "ci.json: buffers.size_kb: expected an integer (1-1024), found a string");
  CHECK(error_of(R"({"buffers": {"size_kb": 64.5}})") ==
        "ci.json: buffers.size_kb: expected an integer (1-1024), found a number with a fraction "
        "or an exponent");
  CHECK(error_of(R"({"realtime": "yes"})") ==
        "ci.json: realtime: expected true or false, found a string");
  CHECK(error_of(R"({"providers": {"name": "x"}})") ==
        "ci.json: providers: expected an array of providers, found an object");
  CHECK(error_of(R"({"providers": ["Microsoft-Windows-DNS-Client", 5]})") ==
        "ci.json: providers[1]: expected a provider string or object, found a number");
  CHECK(error_of(R"({"name": null})") == "ci.json: name: expected a session name, found null");
  CHECK(error_of(R"({"name": ""})") == "ci.json: name: empty string (expected a session name)");
  CHECK(error_of(R"({"output": {"format": "xml"}})") ==
        "ci.json: output.format: \"xml\" is not an output format (jsonl or text)");
  CHECK(error_of(R"({"clock": 1})") ==
        "ci.json: clock: expected a string (qpc, system or cycles), found a number");
  CHECK(error_of(R"({"max_events": 0})") ==
        "ci.json: max_events: 0 is out of range "
        "(1-18446744073709551615)");
}

TEST_CASE("session_config: bad provider values say which provider and which key") {
  CHECK(error_of(R"({"providers": ["Microsoft-Windows-DNS-Client",
                    {"name": "Microsoft-Windows-Kernel-Process", "level": "loud"}]})") ==
        "ci.json: providers[1].level: \"loud\" is neither a number (0-255) nor a level name "
        "(critical, error, warning, information, verbose)");
  CHECK(error_of(R"({"providers": [{"name": "Microsoft-Windows-DNS-Client", "level": 256}]})") ==
        "ci.json: providers[0].level: 256 is out of range (0-255)");
  CHECK(error_of(R"({"providers": ["Microsoft-Windows-DNS-Client:loud"]})") ==
        "ci.json: providers[0]: level \"loud\" is neither a number (0-255) nor a level name "
        "(critical, error, warning, information, verbose)");
  CHECK(error_of(R"({"providers": [{"name": "Microsoft-Windows-DNS-Client:5"}]})") ==
        "ci.json: providers[0].name: \"Microsoft-Windows-DNS-Client:5\" holds ':'; give the "
        "level, event IDs and keywords as keys of their own");
  CHECK(error_of(R"({"providers": [{"level": 5}]})") ==
        "ci.json: providers[0]: no \"name\" (a provider name, GUID or *EventSourceName)");
  CHECK(error_of(R"({"providers": [{"name": "{22FB2CD6-0E7B-422B-A0C7}"}]})") ==
        "ci.json: providers[0].name: GUID \"{22FB2CD6-0E7B-422B-A0C7}\" is malformed (expected "
        "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, braces optional)");
  CHECK(error_of(R"({"providers": [{"name": "*X", "any_keywords": "0x1FFFFFFFFFFFFFFFF"}]})") ==
        "ci.json: providers[0].any_keywords: \"0x1FFFFFFFFFFFFFFFF\" is not a 64-bit number");
  CHECK(error_of(R"({"providers": [{"name": "*X", "all_keywords": -1}]})") ==
        "ci.json: providers[0].all_keywords: -1 is out of range (0-18446744073709551615)");
  CHECK(error_of(R"({"providers": [{"name": "*X", "any_keywords": true}]})") ==
        "ci.json: providers[0].any_keywords: expected a keyword mask (a number, or a string such "
        "as \"0x8000000000000000\"), found true");
  CHECK(error_of(R"({"providers": [{"name": "*X", "event_ids": [1, 70000]}]})") ==
        "ci.json: providers[0].event_ids[1]: 70000 is out of range (0-65535)");
  CHECK(error_of(R"({"providers": [{"name": "*X", "event_ids": []}]})") ==
        "ci.json: providers[0].event_ids: no event ID (leave the key out for all events)");
  CHECK(error_of(R"({"providers": [{"name": "*X", "exclude_event_ids": true}]})") ==
        "ci.json: providers[0].exclude_event_ids: true, but there are no event_ids to exclude");
  CHECK(error_of(R"({"providers": [{"name": "*X", "process_ids": [1,2,3,4,5,6,7,8,9]}]})") ==
        "ci.json: providers[0].process_ids[8]: more than 8 process IDs, the most one ETW process "
        "filter holds");
  CHECK(error_of(R"({"providers": [{"name": "*X", "executable": ["a.exe", "b;c.exe"]}]})") ==
        "ci.json: providers[0].executable[1]: \"b;c.exe\" holds ';', which separates names");
  CHECK(error_of(R"({"providers": [{"name": "*X", "executable": ")" + std::string(600, 'a') +
                 R"("}]})") ==
        "ci.json: providers[0].executable: longer than the 1024 bytes (UTF-16) of ETW's "
        "executable-name filter");
  CHECK(error_of(R"({"providers": ["Microsoft-Windows-DNS-Client:4",
                    "{1C95126E-7EEA-49A9-A3FE-A378B03DDB4D}"]})") ==
        "ci.json: providers[1]: Microsoft-Windows-DNS-Client is enabled by providers[0] already");
}

TEST_CASE("session_config: 65 event IDs are one more than an ETW filter holds") {
  std::string ids;
  for (int id = 1; id <= 65; ++id) ids += (id == 1 ? "" : ",") + std::to_string(id);
  CHECK(error_of(R"({"providers": [{"name": "*X", "event_ids": [)" + ids + "]}]}") ==
        "ci.json: providers[0].event_ids[64]: more than 64 event IDs, the most one ETW event-ID "
        "filter holds");
  ids.resize(ids.rfind(','));
  CHECK(parse(R"({"providers": [{"name": "*X", "event_ids": [)" + ids + "]}]}")
            .session.providers[0]
            .provider.event_ids.size() == 64);
}

TEST_CASE("session_config: kernel flags, system groups, buffers and files out of range") {
  CHECK(error_of(R"({"kernel": ["process", "bogus"]})") ==
        "ci.json: kernel[1]: unknown flag \"bogus\" (see `etwcat providers --kernel`)");
  CHECK(error_of(R"({"kernel": "process,,thread"})") == "ci.json: kernel: empty flag name");
  CHECK(error_of(R"({"kernel": 4294967296})") ==
        "ci.json: kernel: 4294967296 is out of range (0-4294967295)");
  CHECK(error_of(R"({"kernel": [true]})") ==
        "ci.json: kernel[0]: expected a name or a number, found true");
  CHECK(error_of(R"({"system": ["Process", 1]})") ==
        "ci.json: system[1]: expected a name, found a number");
  CHECK(error_of(R"({"system": "Process,Bogus"})")
            .rfind("ci.json: system: unknown group \"Bogus\" (Process, Thread, ImageLoad, ", 0) ==
        0);
  CHECK(error_of(R"({"buffers": {"size_kb": 2048}})") ==
        "ci.json: buffers.size_kb: 2048 is out of range (1-1024)");
  CHECK(error_of(R"({"buffers": {"size_kb": 0}})") ==
        "ci.json: buffers.size_kb: 0 is out of range (1-1024)");
  CHECK(error_of(R"({"buffers": {"maximum": 8, "minimum": 16}})") ==
        "ci.json: buffers.maximum: 8 is less than the minimum (16)");
  CHECK(error_of(R"({"file": {"mode": "circular"}})") ==
        "ci.json: file: no \"path\" (the .etl file to write)");
  CHECK(error_of(R"({"file": {"path": "a.etl", "mode": "ring"}})") ==
        "ci.json: file.mode: \"ring\" is not a file mode (sequential, circular or newfile)");
  CHECK(error_of(R"({"file": {"path": "a.etl", "max_size_mb": 0}})") ==
        "ci.json: file.max_size_mb: 0 is out of range (1-4294967295)");
}

TEST_CASE("session_config: modes that ETW refuses together are refused with their reason") {
  CHECK(error_of(R"({"file": {"path": "a.etl", "mode": "circular"}})") ==
        "ci.json: file.mode: \"circular\" needs \"max_size_mb\"");
  CHECK(error_of(R"({"file": {"path": "a.etl", "mode": "newfile", "max_size_mb": 10}})") ==
        "ci.json: file.path: \"a.etl\" needs exactly one %d for \"newfile\" (ETW puts each file's "
        "number there)");
  CHECK(error_of(R"({"file": {"path": "a%d-%d.etl", "mode": "newfile", "max_size_mb": 10}})") ==
        "ci.json: file.path: \"a%d-%d.etl\" needs exactly one %d for \"newfile\" (ETW puts each "
        "file's number there)");
  CHECK(error_of(R"({"kernel": "process", "file": {"path": "k%d.etl", "mode": "newfile",
                    "max_size_mb": 10}})") ==
        "ci.json: file.mode: \"newfile\" is not allowed for the NT Kernel Logger (kernel flags "
        "without \"system_logger\": true)");
  CHECK(error_of(R"({"kernel": "process", "providers": ["Microsoft-Windows-DNS-Client"]})") ==
        "ci.json: kernel flags and providers share a session only with \"system_logger\": true "
        "(the NT Kernel Logger takes no providers)");
  CHECK(error_of(R"({"system": "Process", "system_logger": false})") ==
        "ci.json: system_logger: false, but the \"system\" groups need a system logger session");
  CHECK(error_of(R"({"name": "etwcat-ci", "kernel": "process"})") ==
        "ci.json: name: \"etwcat-ci\" is not used: kernel flags without \"system_logger\": true "
        "make the session the NT Kernel Logger");
  CHECK(error_of(R"({"realtime": false})") ==
        "ci.json: realtime: false, and there is no \"file\": the events would go nowhere");
  // The same, allowed: a system logger takes providers, and a file stands in for real time.
  CHECK(parse(R"({"kernel": "process", "system_logger": true,
                  "providers": ["Microsoft-Windows-DNS-Client"]})")
            .session.providers.size() == 1);
  CHECK(parse(R"({"system": "Process", "file": {"path": "s%d.etl", "mode": "newfile",
                  "max_size_mb": 1}})")
            .session.mode == live::file_mode::new_file);
}

TEST_CASE("session_config: invalid JSON is simdjson's error, at its byte offset") {
  CHECK(error_of("{\"name\": \"a\"\n \"realtime\": true}") ==
        "ci.json: offset 14 (line 2, column 2): invalid JSON: The JSON document has an improper "
        "structure: missing or superfluous commas, braces, missing keys, etc.");
  CHECK(error_of(R"({"realtime": tru})") ==
        "ci.json: offset 13 (line 1, column 14): invalid JSON: Problem while parsing an atom "
        "starting with the letter 't'");
  CHECK(error_of(R"({"max_events": 18446744073709551616})") ==
        "ci.json: offset 15 (line 1, column 16): invalid JSON: Problem while parsing a number");
  CHECK(error_of(R"({"name": "a"}})") ==
        "ci.json: offset 13 (line 1, column 14): invalid JSON: The JSON document has an improper "
        "structure: missing or superfluous commas, braces, missing keys, etc.");
  CHECK(error_of(R"({"buffers": {"size_kb": 64})") ==
        "ci.json: offset 27 (line 1, column 28): invalid JSON: The JSON document has an improper "
        "structure: missing or superfluous commas, braces, missing keys, etc.");
  CHECK(error_of(R"({"name": "a)") ==
        "ci.json: invalid JSON: A string is opened, but never closed.");
  CHECK(error_of("") == "ci.json: invalid JSON: Empty: no JSON found");
  const auto config = parse_session_config("{\"name\": 1 2}", "ci.json");
  REQUIRE_FALSE(config.ok());
  CHECK(config.failure().offset == 11);
}

TEST_CASE("session_config: the top level is an object, and messages stay on one line") {
  CHECK(error_of(R"(["Microsoft-Windows-DNS-Client"])") ==
        "ci.json: expected an object at the top level, found an array");
  CHECK(error_of("42") == "ci.json: expected an object at the top level, found a number");
  CHECK(error_of(R"({"a\nb\"c": 1})") ==
        "ci.json: unknown key \"a\\u000ab\\\"c\" (known: name, providers, kernel, system, "
        "system_logger, buffers, clock, file, realtime, duration, max_events, output)");
  CHECK(error_of(R"({"providers": ["Microsoft-Windows-DNS-Client:\t"]})") ==
        "ci.json: providers[0]: level \"\\u0009\" is neither a number (0-255) nor a level name "
        "(critical, error, warning, information, verbose)");
  // A long value is cut short in the message.
  const std::string message = error_of(R"({"clock": ")" + std::string(500, 'x') + R"("})");
  CHECK(message.size() < 160);
  CHECK(message.find("...\" is not a clock (qpc, system or cycles)") != std::string::npos);
}

TEST_CASE("session_config: a file on disk is read, and a missing one gives the OS's reason") {
  const auto file = config_file(R"({"name": "from-disk", "duration": "10s",
                                    "providers": ["Microsoft-Windows-DNS-Client:verbose"]})");
  auto loaded = live::load_session_config(file.path());
  REQUIRE_MESSAGE(loaded.ok(), loaded.failure().message);
  CHECK(loaded.value().session.name == "from-disk");
  REQUIRE(loaded.value().session.providers.size() == 1);
  CHECK(loaded.value().session.providers[0].provider.id == dns_client);
  CHECK(loaded.value().session.providers[0].provider.level == 5);
  CHECK(loaded.value().duration == std::chrono::nanoseconds(10s));

  const auto missing = std::filesystem::temp_directory_path() / "etwcat-no-such-config.json";
  auto failed = live::load_session_config(missing);
  REQUIRE_FALSE(failed.ok());
  const std::string name = missing.string();
#ifdef _WIN32
  // Windows' words, e.g. "The system cannot find the file specified".
  CHECK(failed.failure().message.rfind(name + ": ", 0) == 0);
  CHECK(failed.failure().message.size() > name.size() + 2);
#else
  CHECK(failed.failure().message == name + ": No such file or directory");
#endif
}

TEST_CASE("session_config: a file larger than 1 MiB is refused, a bad one names itself") {
  const auto big =
      config_file("{\"name\": \"" + std::string(live::max_session_config_bytes, 'x') + "\"}");
  auto refused = live::load_session_config(big.path());
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.failure().message ==
        big.path().string() + ": larger than 1 MiB, which no session config needs");

  const auto bad = config_file(R"({"realtime": 1})");
  auto failed = live::load_session_config(bad.path());
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.failure().message ==
        bad.path().string() + ": realtime: expected true or false, found a number");
}
