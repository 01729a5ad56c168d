// session_config: a whole session described in one JSON file (`etwcat live|start --config`), so
// that scripts and CI keep what they trace under version control. Every key is checked; a
// mistake is one line naming its JSON path. Keys, values and rules: docs/session-config.md.
//
//   { "name": "etwcat-ci",
//     "providers": [ "Microsoft-Windows-Kernel-Process:information::0x10",
//                    { "name": "Microsoft-Windows-DNS-Client", "level": "verbose",
//                      "any_keywords": "0x8000000000000000", "all_keywords": 0,
//                      "event_ids": [3006, 3008], "exclude_event_ids": false,
//                      "process_ids": [4, 1234], "executable": "svchost.exe",
//                      "stack": true, "sid": true, "terminal_session_id": true,
//                      "process_start_key": true } ],
//     "kernel": ["process", "thread", "img"],
//     "system": ["Registry", "FileIo"],
//     "system_logger": true,
//     "buffers": { "size_kb": 256, "minimum": 16, "maximum": 64, "flush_seconds": 1 },
//     "clock": "qpc",
//     "file": { "path": "etwcat-ci.etl", "mode": "circular", "max_size_mb": 100 },
//     "realtime": true,
//     "duration": "30s",
//     "max_events": 1000,
//     "output": { "format": "jsonl", "path": "events.jsonl" } }
//
// Also: "kernel": "process,thread" or a number; "system": "Process,FileIo" (the groups make the
// session a system logger); "clock": "system" or "cycles"; "file.mode": "sequential" or
// "newfile"; "duration": a number of seconds; "output.format": "text".
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "lib/base/result.h"
#include "lib/live/session.h"

namespace etwcat::live {

/// A config file larger than this is refused before it is parsed: a session needs a few KB.
constexpr std::size_t max_session_config_bytes = std::size_t{1} << 20;

/// What a config file asks for: the session itself, and how the command runs it.
struct session_config {
  session_options session;
  std::optional<std::string> format;                 // output.format: "jsonl" or "text"
  std::optional<std::string> output;                 // output.path: the file for events
  std::optional<std::chrono::nanoseconds> duration;  // stop after this long (> 0)
  std::optional<std::uint64_t> max_events;           // stop after this many events (> 0)
};

/// Parses a session config held in `json_text`. `file_name` only begins each message:
///   auto config = parse_session_config(R"({"providers": ["Microsoft-Windows-DNS-Client"]})",
///                                      "ci.json");
///   if (!config) { /* config.failure().message: "ci.json: …" on one line */ }
/// For invalid JSON the error's offset is the byte where simdjson stopped, when known.
/// Provider names resolve as parse_provider's do (the built-in table, then TDH on Windows).
[[nodiscard]] result<session_config> parse_session_config(std::string_view json_text,
                                                          std::string_view file_name);

/// Reads and parses a config file. A file that cannot be read fails with the OS's reason:
///   "ci.json: No such file or directory"
[[nodiscard]] result<session_config> load_session_config(const std::filesystem::path& path);

}  // namespace etwcat::live
