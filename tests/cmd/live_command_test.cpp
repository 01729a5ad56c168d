// `etwcat live`, `start`, `stop` and `sessions` end to end: the words a user types, run
// in-process against the simulated ETW (tests/support/simulated_etw.h) that replays a real
// capture. Checked: what reaches the output (the same lines `etwcat dump` prints of the
// capture), the loss report on stderr and in the JSON, exit codes, and that no session is left
// running on any way out — the end of the events, --duration, --max-events, Ctrl-C, errors.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <fstream>
#include <functional>
#include <future>
#include <new>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#ifndef _WIN32
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

#include "cmd/command_line.h"
#include "cmd/interruption.h"
#include "formats/json.h"
#include "lib/base/text_buffer.h"
#include "lib/base/unicode.h"
#include "tests/support/corpus.h"
#include "tests/support/scratch.h"
#include "tests/support/simulated_etw.h"

using namespace etwcat;
using testing::captured_stderr;
using testing::file_text;
using testing::lines_of;
using testing::scratch_folder;
using testing::simulated_etw;

namespace {

constexpr const char* http_guid = "{DD5EF90A-6398-47A4-AD34-4DCECDEF795F}";

int etwcat_run(std::vector<std::string> words, live::etw_api* etw) {
  words.insert(words.begin(), "etwcat");
  return cmd::run_command_line(words, etw);
}

// Runs the words with standard output captured; checks come after, so that doctest's own
// report (on standard output) is not captured with it.
std::pair<int, std::string> etwcat_output(std::vector<std::string> words, live::etw_api* etw) {
  testing::captured_stdout out;
  const int code = etwcat_run(std::move(words), etw);
  return {code, out.text()};
}

// `etwcat WORDS…` run on a thread until `ready()` (by default: until the simulated ETW has
// replayed its capture), then Ctrl-C. `meanwhile` looks at the machine while the session runs.
struct interrupted_run {
  int code = -1;
  std::chrono::milliseconds took{0};  // from Ctrl-C to the end of the run
};
interrupted_run run_until_ctrl_c(simulated_etw& etw, std::vector<std::string> words,
                                 const std::function<bool()>& ready = {},
                                 const std::function<void()>& meanwhile = {}) {
  interrupted_run done;
  std::thread run([&] { done.code = etwcat_run(words, &etw); });
  if (ready) {
    for (int waits = 0; waits < 6000 && !ready(); ++waits) {  // never hang the suite
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  } else {
    CHECK(etw.wait_for_replay());
  }
  if (meanwhile) meanwhile();
  cmd::request_interruption();
  const auto asked = std::chrono::steady_clock::now();
  run.join();
  done.took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - asked);
  cmd::reset_interruption();
  MESSAGE("ended " << done.took.count() << " ms after Ctrl-C");
  return done;
}

std::vector<std::string> running(const simulated_etw& etw) {
  std::vector<std::string> names;
  for (const auto& name : etw.running()) {
    std::string utf8;
    append_utf16_as_utf8(utf8, name);
    names.push_back(utf8);
  }
  return names;
}

// What `etwcat dump` prints of a capture.
std::vector<std::string> dumped(const std::filesystem::path& capture,
                                const scratch_folder& folder) {
  const auto out = folder.path() / "dump.jsonl";
  REQUIRE(etwcat_run({"dump", capture.string(), "-o", out.string()}, nullptr) == 0);
  return lines_of(file_text(out));
}

std::string json_string(std::string_view text) {
  text_buffer out;
  formats::append_json_string(out, text);
  return out.str();
}

std::size_t count_containing(const std::vector<std::string>& lines, std::string_view text) {
  std::size_t n = 0;
  for (const auto& line : lines) n += line.find(text) != std::string::npos;
  return n;
}

}  // namespace

TEST_CASE("live: without ETW every live command exits 2 and says why") {
  captured_stderr err;
  CHECK(etwcat_run({"live", "-p", "Microsoft-Windows-Kernel-Process"}, nullptr) == 2);
  CHECK(etwcat_run({"start", "x", "--realtime", "-p", "Microsoft-Windows-Kernel-Process"},
                   nullptr) == 2);
  CHECK(etwcat_run({"stop", "x"}, nullptr) == 2);
  CHECK(etwcat_run({"sessions"}, nullptr) == 2);
  const auto lines = lines_of(err.text());
  REQUIRE(lines.size() == 4);
  CHECK(lines[0] ==
        "etwcat live: live tracing needs Windows (ETW); on this system read .etl files with "
        "`etwcat dump`");
  CHECK(lines[3].starts_with("etwcat sessions: live tracing needs Windows"));
}

TEST_CASE("live: what to trace, and how long, must make sense before a session starts") {
  simulated_etw etw;
  captured_stderr err;
  CHECK(etwcat_run({"live"}, &etw) == 2);
  CHECK(etwcat_run({"live", "--attach", "x", "-p", "Microsoft-Windows-Kernel-Process"}, &etw) == 2);
  CHECK(etwcat_run({"live", "-p", "Microsoft-Windows-Kernel-Process", "--duration", "soon"},
                   &etw) == 2);
  // (A bad level, not an unknown name: Windows would ask TDH about that, which Wine lacks.)
  CHECK(etwcat_run({"live", "-p", "Microsoft-Windows-HttpService:loud"}, &etw) == 2);
  CHECK(etwcat_run({"live", "--kernel", "process", "--exe", "cmd.exe"}, &etw) == 2);
  const auto lines = lines_of(err.text());
  REQUIRE(lines.size() == 5);
  CHECK(lines[0] ==
        "etwcat live: live needs something to trace: -p PROVIDER, --kernel FLAGS, --system "
        "GROUPS, or --attach SESSION");
  CHECK(lines[1] ==
        "etwcat live: --attach reads a session that runs already: it takes no -p, --kernel or "
        "--system");
  CHECK(lines[2] ==
        "etwcat live: --duration \"soon\": not a span of time (like 10s, 500ms, 2m, 1h)");
  CHECK(lines[3].starts_with("etwcat: provider \"Microsoft-Windows-HttpService:loud\": level "));
  CHECK(lines[4] ==
        "etwcat: --exe filters the -p providers (ETW filters no kernel event by its image)");
  CHECK(running(etw).empty());
}

TEST_SUITE("corpus") {
  TEST_CASE("live: a provider's events, streamed live, are the lines dump prints of the capture") {
    ETWCAT_REQUIRE_CORPUS();
    const auto capture = testing::corpus_file("tx/HTTP_Server.etl");
    scratch_folder folder;
    const auto expected = dumped(capture, folder);
    REQUIRE(expected.size() == 2042);
    simulated_etw etw;
    etw.feed(capture);
    const auto out = folder.path() / "live.jsonl";
    captured_stderr err;
    // Every event, then the limit ends the run: the header event and 2041 HTTP events.
    const int code = etwcat_run({"live", "-p", "Microsoft-Windows-HttpService", "--max-events",
                                 "2042", "--name", "etwcat-http", "-o", out.string()},
                                &etw);
    CHECK(code == 0);
    const auto lines = lines_of(file_text(out));
    CHECK(lines == expected);
    CHECK(count_containing(lines, http_guid) == 2041);
    CHECK(err.text() ==
          "etwcat: session etwcat-http: 2042 events delivered, 2042 written, none lost\n");
    CHECK(running(etw).empty());
  }

  TEST_CASE("live: the filters of dump, on the events a session delivers") {
    ETWCAT_REQUIRE_CORPUS();
    const auto capture = testing::corpus_file("tx/HTTP_Server.etl");
    scratch_folder folder;
    // What dump's filters keep of the capture: FastSend events (12) with a payload value, from
    // a time on. (An offset, +5s, counts from the file's start in dump and from the first
    // event in live: not the same here.)
    const std::vector<std::string> filters = {
        "--id",        "1-20",    "--where", "HttpStatus>=300", "--level",
        "information", "--event", "*Send",   "--since",         "2011-01-23T22:07:40Z"};
    std::vector<std::string> dump_words = {"dump", capture.string(), "-o",
                                           (folder.path() / "dump.jsonl").string()};
    dump_words.insert(dump_words.end(), filters.begin(), filters.end());
    REQUIRE(etwcat_run(dump_words, nullptr) == 0);
    const auto expected = lines_of(file_text(folder.path() / "dump.jsonl"));
    REQUIRE(expected.size() > 10);
    simulated_etw etw;
    etw.feed(capture);
    const auto out = folder.path() / "live.jsonl";
    captured_stderr err;
    // The whole capture replayed, then Ctrl-C: a filter that kept too little cannot hang it.
    std::vector<std::string> live_words = {"live", "-p", "Microsoft-Windows-HttpService", "-o",
                                           out.string()};
    live_words.insert(live_words.end(), filters.begin(), filters.end());
    CHECK(run_until_ctrl_c(etw, live_words).code == 0);
    CHECK(lines_of(file_text(out)) == expected);
    CHECK(running(etw).empty());
  }

  TEST_CASE("live: --max-events stops the session after N events") {
    ETWCAT_REQUIRE_CORPUS();
    const auto capture = testing::corpus_file("tx/HTTP_Server.etl");
    scratch_folder folder;
    const auto expected = dumped(capture, folder);
    simulated_etw etw;
    etw.feed(capture, std::chrono::microseconds(50));
    const auto out = folder.path() / "live.jsonl";
    captured_stderr err;
    CHECK(etwcat_run({"live", "-p", "Microsoft-Windows-HttpService:4:2,12", "--max-events", "100",
                      "-o", out.string()},
                     &etw) == 0);
    const auto lines = lines_of(file_text(out));
    REQUIRE(lines.size() == 100);
    // The filter selected Parse (2) and FastSend (12), in capture order.
    std::vector<std::string> selected;
    for (const auto& line : expected) {
      if (line.find(R"("EventID":2,)") != std::string::npos ||
          line.find(R"("EventID":12,)") != std::string::npos || line == expected.front()) {
        selected.push_back(line);
      }
    }
    selected.resize(100);
    CHECK(lines == selected);
    CHECK(running(etw).empty());
  }

  TEST_CASE("live: --duration ends the run and stops the session") {
    ETWCAT_REQUIRE_CORPUS();
    simulated_etw etw;
    // Paced: 2042 events over about 4 s, so 300 ms sees only some of them.
    etw.feed(testing::corpus_file("tx/HTTP_Server.etl"), std::chrono::microseconds(2000));
    scratch_folder folder;
    const auto out = folder.path() / "live.jsonl";
    captured_stderr err;
    CHECK(etwcat_run({"live", "-p", "Microsoft-Windows-HttpService", "--duration", "300ms", "-o",
                      out.string()},
                     &etw) == 0);
    const auto lines = lines_of(file_text(out));
    CHECK(lines.size() > 0);
    CHECK(lines.size() < 2042);
    CHECK(running(etw).empty());
    // Nothing delivered was lost: every event ETW handed over was written.
    const std::string n = std::to_string(lines.size());
    CHECK(err.text().find(n + " events delivered, " + n + " written, none lost") !=
          std::string::npos);
  }

  TEST_CASE("live: Ctrl-C ends the run cleanly, the session stopped, what was queued written") {
    ETWCAT_REQUIRE_CORPUS();
    simulated_etw etw;
    etw.feed(testing::corpus_file("tx/HTTP_Server.etl"), std::chrono::microseconds(1000));
    scratch_folder folder;
    const auto out = folder.path() / "live.jsonl";
    captured_stderr err;
    const auto [code, took] =
        run_until_ctrl_c(etw, {"live", "-p", "Microsoft-Windows-HttpService", "-o", out.string()},
                         [&etw] { return etw.delivered() >= 50; });
    CHECK(code == 0);
    CHECK(running(etw).empty());
    const auto lines = lines_of(file_text(out));
    CHECK(lines.size() >= 50);
    CHECK(lines.size() == etw.delivered());
  }

  TEST_CASE("live: a reader slower than ETW: drops counted exactly, reported, exit 1") {
    ETWCAT_REQUIRE_CORPUS();
    simulated_etw etw;
    etw.feed(testing::corpus_file("perfview/net.4.5.2.x64.etl"));
    scratch_folder folder;
    const auto out = folder.path() / "live.jsonl";
    captured_stderr err;
    // The smallest queue (1 MB); Ctrl-C when the replay is over, the queue may still be full.
    const auto [code, took] =
        run_until_ctrl_c(etw, {"live", "--kernel", "process,thread,img,disk,cswitch,profile",
                               "--queue-size", "1", "-o", out.string()});
    CHECK(running(etw).empty());
    const auto lines = lines_of(file_text(out));
    const std::string report = err.text();
    MESSAGE(report);
    // The last line says what was lost; every delivered event was either written or dropped.
    REQUIRE(!lines.empty());
    const std::string& last = lines.back();
    const std::uint64_t written = lines.size() - (last.starts_with(R"({"Type":"Loss")") ? 1 : 0);
    const std::uint64_t delivered = etw.delivered();
    const auto field = [&last](std::string_view key) -> std::uint64_t {
      const auto at = last.find(std::string("\"") + std::string(key) + "\":");
      if (at == std::string::npos) return ~std::uint64_t{0};
      return std::stoull(last.substr(at + key.size() + 3));
    };
    if (written == delivered) {
      // The machine was fast enough for the queue: nothing lost, nothing to report.
      CHECK(code == 0);
      CHECK(report.find("none lost") != std::string::npos);
    } else {
      CHECK(code == 1);
      CHECK(last.starts_with(R"({"Type":"Loss","Session":"NT Kernel Logger")"));
      CHECK(field("Delivered") == delivered);
      CHECK(field("Written") == written);
      CHECK(field("DroppedByQueue") + field("TooLarge") + written == delivered);
      CHECK(report.find("events dropped because etwcat's queue was full") != std::string::npos);
    }
  }

  TEST_CASE("live: what ETW says it lost reaches stderr, the JSON and the exit code") {
    ETWCAT_REQUIRE_CORPUS();
    simulated_etw etw;
    etw.feed(testing::corpus_file("tx/HTTP_Server.etl"));
    etw.simulate_loss(17, 3);
    scratch_folder folder;
    const auto out = folder.path() / "live.jsonl";
    captured_stderr err;
    CHECK(etwcat_run({"live", "-p", "Microsoft-Windows-HttpService", "--name", "lossy",
                      "--max-events", "2042", "-o", out.string()},
                     &etw) == 1);
    const auto lines = lines_of(file_text(out));
    REQUIRE(lines.size() == 2043);
    CHECK(
        lines.back() ==
        R"({"Type":"Loss","Session":"lossy","Delivered":2042,"Written":2042,"Filtered":0,"EventsLost":17,)"
        R"("RealTimeBuffersLost":3,"LogBuffersLost":0,"LostEventNotices":1,)"
        R"("LostBufferNotices":0,"DroppedByQueue":0,"TooLarge":0})");
    CHECK(err.text() ==
          "etwcat: session lossy: 2042 events delivered, 2042 written; LOST: 17 events lost by ETW "
          "(EventsLost), 3 real-time buffers lost (RealTimeBuffersLost), 1 lost-event notices "
          "from ETW\n");
  }

  TEST_CASE("live: --summary reports the session's loss figures, lost or not") {
    ETWCAT_REQUIRE_CORPUS();
    simulated_etw etw;
    etw.feed(testing::corpus_file("tx/HTTP_Server.etl"));
    scratch_folder folder;
    const auto out = folder.path() / "summary.jsonl";
    captured_stderr err;
    CHECK(etwcat_run({"live", "-p", "Microsoft-Windows-HttpService", "--name", "s", "--max-events",
                      "2042", "--summary", "-o", out.string()},
                     &etw) == 0);
    const auto lines = lines_of(file_text(out));
    REQUIRE(lines.size() >= 3);
    CHECK(lines.front().starts_with(R"({"Type":"File","File":"s",)"));
    CHECK(lines[lines.size() - 2].starts_with(R"({"Type":"Total","Total":{"Records":2042,)"));
    CHECK(
        lines.back() ==
        R"({"Type":"Loss","Session":"s","Delivered":2042,"Written":2042,"Filtered":0,"EventsLost":0,)"
        R"("RealTimeBuffersLost":0,"LogBuffersLost":0,"LostEventNotices":0,)"
        R"("LostBufferNotices":0,"DroppedByQueue":0,"TooLarge":0})");
  }
}

TEST_CASE("live: errors a person can act on, and no session left behind") {
  scratch_folder folder;
  const auto out = folder.path() / "live.jsonl";
  SUBCASE("not elevated") {
    simulated_etw etw(simulated_etw::machine{.elevated = false});
    captured_stderr err;
    CHECK(etwcat_run({"live", "-p", "Microsoft-Windows-HttpService", "--name", "x"}, &etw) == 2);
    CHECK(err.text() ==
          "etwcat live: starting session x: access denied: needs an Administrator prompt (or "
          "the Performance Log Users group)\n");
    CHECK(running(etw).empty());
  }
  SUBCASE("the name is in use, and --force takes it over") {
    simulated_etw etw;
    captured_stderr err;
    REQUIRE(etwcat_run({"start", "busy", "--realtime", "-p", "Microsoft-Windows-HttpService"},
                       &etw) == 0);
    CHECK(etwcat_run({"live", "-p", "Microsoft-Windows-HttpService", "--name", "busy"}, &etw) == 2);
    CHECK(lines_of(err.text()).back() ==
          "etwcat live: session busy already runs; `etwcat stop busy` ends it");
    CHECK(running(etw) == std::vector<std::string>{"busy"});
    CHECK(etwcat_run({"live", "-p", "Microsoft-Windows-HttpService", "--name", "busy", "--force",
                      "--duration", "50ms", "-o", out.string()},
                     &etw) == 0);
    CHECK(running(etw).empty());
  }
  SUBCASE("an output that cannot be written is found before any session starts") {
    simulated_etw etw;
    captured_stderr err;
    CHECK(etwcat_run({"live", "-p", "Microsoft-Windows-HttpService", "-o",
                      (folder.path() / "no" / "such" / "folder.jsonl").string()},
                     &etw) == 2);
    CHECK(running(etw).empty());
  }
  SUBCASE("--etl records the session to a file as well, and keeps an existing file") {
    simulated_etw etw;
    captured_stderr err;
    const auto etl = folder.path() / "copy.etl";
    CHECK(etwcat_run({"live", "-p", "Microsoft-Windows-HttpService", "--name", "both", "--etl",
                      etl.string(), "--duration", "10ms", "-o", out.string()},
                     &etw) == 0);
    CHECK(running(etw).empty());
    { std::ofstream(etl) << "not to be lost"; }
    CHECK(etwcat_run({"live", "-p", "Microsoft-Windows-HttpService", "--etl", etl.string()},
                     &etw) == 2);
    CHECK(lines_of(err.text()).back() ==
          "etwcat live: --etl " + etl.string() + ": the file exists; name another, or --force");
    CHECK(file_text(etl) == "not to be lost");
  }
}

TEST_CASE("start, sessions, live --attach, stop: a session that outlives the command") {
  simulated_etw etw;
  scratch_folder folder;
  captured_stderr err;
  const auto etl = folder.path() / "ci.etl";
  REQUIRE(etwcat_run({"start", "ci", "-p", "Microsoft-Windows-HttpService:4", "--realtime", "-o",
                      etl.string(), "--buffer-size", "128", "--clock", "system"},
                     &etw) == 0);
  const std::string absolute_etl = std::filesystem::absolute(etl).string();
  CHECK(lines_of(err.text()).back() == "etwcat: session ci runs, logging to " + absolute_etl +
                                           " and in real time; `etwcat stop ci` ends it");
  REQUIRE(running(etw) == std::vector<std::string>{"ci"});
  const auto p = etw.properties(u"ci");
  REQUIRE(p.has_value());
  CHECK(p->buffer_size == 128);
  CHECK(p->wnode.client_context == 2);
  CHECK((p->log_file_mode &
         (live::log_file_mode::real_time | live::log_file_mode::file_sequential)) ==
        (live::log_file_mode::real_time | live::log_file_mode::file_sequential));
  const auto enabled = etw.enabled(u"ci", *guid::parse("{DD5EF90A-6398-47A4-AD34-4DCECDEF795F}"));
  REQUIRE(enabled.has_value());
  CHECK(enabled->level == 4);

  {
    const auto [code, text] = etwcat_output({"sessions", "CI", "--format", "jsonl"}, &etw);
    CHECK(code == 0);
    CHECK(text == R"({"Name":"ci","LogFile":)" + json_string(absolute_etl) +
                      R"(,"Mode":["RealTime","Sequential","Independent"],"BufferSizeKB":128,)"
                      R"("Buffers":8,"BuffersWritten":1,"EventsLost":0,"LogBuffersLost":0,)"
                      R"("RealTimeBuffersLost":0,"Providers":[{"Name":"Microsoft-Windows-)"
                      R"(HttpService","Guid":"{DD5EF90A-6398-47A4-AD34-4DCECDEF795F}","Level":4,)"
                      R"("MatchAnyKeyword":"0xFFFFFFFFFFFFFFFF","MatchAllKeyword":"0x0"}]})"
                      "\n");
  }
  {
    // One session by name: all that is known of it, its providers too.
    const auto [code, text] = etwcat_output({"sessions", "ci"}, &etw);
    CHECK(code == 0);
    const auto rows = lines_of(text);
    REQUIRE(rows.size() == 9);
    CHECK(rows[0] == "session:                ci");
    CHECK(rows[8] ==
          "provider:               {DD5EF90A-6398-47A4-AD34-4DCECDEF795F} "
          "Microsoft-Windows-HttpService level 4 keywords 0xFFFFFFFFFFFFFFFF/0x0");
  }
  {
    const auto [code, text] = etwcat_output({"sessions"}, &etw);
    CHECK(code == 0);
    const auto rows = lines_of(text);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].starts_with("NAME    BUFFERS  SIZE KB  EVENTS LOST  MODE"));
    CHECK(rows[1] ==
          "ci            8      128            0  real-time, sequential file, "
          "independent  " +
              absolute_etl);
  }
  CHECK(etwcat_run({"sessions", "nope"}, &etw) == 2);
  CHECK(lines_of(err.text()).back() == "etwcat sessions: no session nope runs");

  // An attached reader leaves the session running.
  const auto out = folder.path() / "attached.jsonl";
  CHECK(etwcat_run({"live", "--attach", "ci", "--duration", "20ms", "-o", out.string()}, &etw) ==
        0);
  CHECK(running(etw) == std::vector<std::string>{"ci"});

  {
    const auto [code, text] = etwcat_output({"stop", "ci"}, &etw);
    CHECK(code == 0);
    const auto rows = lines_of(text);
    REQUIRE(rows.size() == 8);
    CHECK(rows[0] == "session:                ci");
    CHECK(rows[1] == "log file:               " + absolute_etl);
    CHECK(rows[3] == "buffers:                8 of 128 KB");
    CHECK(rows[5] == "events lost:            0");
  }
  CHECK(running(etw).empty());
  CHECK(etwcat_run({"stop", "ci"}, &etw) == 2);
  CHECK(lines_of(err.text()).back() == "etwcat stop: no session ci runs");
}

TEST_CASE("start: file modes are checked before ETW is asked, and files are never overwritten") {
  simulated_etw etw;
  scratch_folder folder;
  captured_stderr err;
  const auto etl = folder.path() / "kept.etl";
  { std::ofstream(etl) << "a capture"; }
  CHECK(etwcat_run({"start", "a", "-p", "Microsoft-Windows-HttpService"}, &etw) == 2);
  CHECK(etwcat_run({"start", "a", "-p", "Microsoft-Windows-HttpService", "-o", etl.string()},
                   &etw) == 2);
  CHECK(etwcat_run({"start", "a", "-p", "Microsoft-Windows-HttpService", "-o",
                    (folder.path() / "c.etl").string(), "--mode", "circular"},
                   &etw) == 2);
  CHECK(etwcat_run({"start", "a", "-p", "Microsoft-Windows-HttpService", "-o",
                    (folder.path() / "n.etl").string(), "--mode", "newfile", "--max-size", "10"},
                   &etw) == 2);
  const auto lines = lines_of(err.text());
  REQUIRE(lines.size() == 4);
  CHECK(lines[0] == "etwcat start: start needs -o FILE.etl to log to, or --realtime (or both)");
  CHECK(lines[1] ==
        "etwcat start: -o " + etl.string() + ": the file exists; name another, or --force");
  CHECK(lines[2] == "etwcat start: --mode circular needs --max-size MB");
  CHECK(lines[3] ==
        "etwcat start: --mode newfile needs %d in the file name, where ETW puts the file's "
        "number");
  CHECK(file_text(etl) == "a capture");
  CHECK(running(etw).empty());

  // A circular kernel session of its own name: a system logger with the Process flag.
  REQUIRE(etwcat_run({"start", "k", "--kernel", "process", "-o", (folder.path() / "k.etl").string(),
                      "--mode", "circular", "--max-size", "64"},
                     &etw) == 0);
  const auto p = etw.properties(u"k");
  REQUIRE(p.has_value());
  CHECK(p->enable_flags == 1);
  CHECK(p->maximum_file_size == 64);
  CHECK((p->log_file_mode & live::log_file_mode::file_circular) != 0);
  CHECK((p->log_file_mode & live::log_file_mode::system_logger) != 0);
  CHECK((p->log_file_mode & live::log_file_mode::real_time) == 0);
  const auto [code, text] = etwcat_output({"stop", "k"}, &etw);
  CHECK(code == 0);
  CHECK(lines_of(text).at(2) ==
        "mode:                   circular file, system logger, "
        "independent");
}

TEST_SUITE("corpus") {
  TEST_CASE("live --config: the session and its output from a JSON file") {
    ETWCAT_REQUIRE_CORPUS();
    const auto capture = testing::corpus_file("tx/HTTP_Server.etl");
    scratch_folder folder;
    const auto expected = dumped(capture, folder);
    simulated_etw etw;
    etw.feed(capture);
    const auto out = folder.path() / "from-config.jsonl";
    const auto config = folder.path() / "ci.json";
    std::ofstream(config) << R"({"name": "from-config",
      "providers": [{"name": "Microsoft-Windows-HttpService", "level": "information",
                     "event_ids": [2, 12]}],
      "buffers": {"size_kb": 256},
      "max_events": 10,
      "output": {"format": "jsonl", "path": )"
                          << json_string(out.string()) << "}}";
    captured_stderr err;
    CHECK(etwcat_run({"live", "--config", config.string()}, &etw) == 0);
    const auto lines = lines_of(file_text(out));
    REQUIRE(lines.size() == 10);
    CHECK(lines[0] == expected[0]);
    CHECK(count_containing(lines, R"("EventID":2,)") +
              count_containing(lines, R"("EventID":12,)") ==
          9);
    // ETW delivered more before the limit stopped the session; they are not lost, just unwritten.
    CHECK(err.text().starts_with("etwcat: session from-config: "));
    CHECK(err.text().ends_with(" events delivered, 10 written, none lost\n"));
    CHECK(running(etw).empty());
  }
}

TEST_CASE("--config: the file describes the session, the command line may not as well") {
  simulated_etw etw;
  scratch_folder folder;
  const auto config = folder.path() / "s.json";
  std::ofstream(config) << R"({"providers": ["Microsoft-Windows-HttpService"],
                               "buffers": {"size_kb": 128}})";
  const auto bad = folder.path() / "bad.json";
  std::ofstream(bad) << R"({"providers": [{"name": "Microsoft-Windows-HttpService",
                                           "level": "loud"}]})";
  const auto with_output = folder.path() / "out.json";
  std::ofstream(with_output) << R"({"providers": ["Microsoft-Windows-HttpService"],
                                    "output": {"path": "x.jsonl"}})";
  captured_stderr err;
  CHECK(etwcat_run({"live", "--config", config.string(), "-p", "Microsoft-Windows-HttpService"},
                   &etw) == 2);
  CHECK(etwcat_run({"live", "--config", bad.string()}, &etw) == 2);
  CHECK(etwcat_run({"start", "s", "--realtime", "--config", with_output.string()}, &etw) == 2);
  CHECK(etwcat_run({"live", "--config", (folder.path() / "none.json").string()}, &etw) == 2);
  const auto lines = lines_of(err.text());
  REQUIRE(lines.size() == 4);
  CHECK(lines[0] == "etwcat live: --config " + config.string() +
                        " describes the session: give its providers, kernel groups, filters, "
                        "buffers and clock there, not also on the command line");
  CHECK(lines[1].starts_with("etwcat live: " + bad.string() + ": providers[0].level: \"loud\""));
  CHECK(lines[2] == "etwcat start: " + with_output.string() +
                        R"(: "output", "duration" and "max_events" are for `etwcat live`; a )"
                        "started session runs until `etwcat stop`");
  // The OS's reason, in its words ("No such file or directory"; Windows: "File not found").
  CHECK(lines[3].starts_with("etwcat live: " + (folder.path() / "none.json").string() + ": "));
#ifndef _WIN32
  CHECK(lines[3].ends_with(": No such file or directory"));
#endif
  CHECK(running(etw).empty());

  // start: NAME from the command line, the rest from the file.
  REQUIRE(etwcat_run({"start", "cfg", "--realtime", "--config", config.string()}, &etw) == 0);
  const auto p = etw.properties(u"cfg");
  REQUIRE(p.has_value());
  CHECK(p->buffer_size == 128);
  CHECK(etw.enabled(u"cfg", *guid::parse(http_guid)).has_value());
  CHECK(etwcat_output({"stop", "cfg"}, &etw).first == 0);
}

TEST_SUITE("corpus") {
  TEST_CASE("live --pid over kernel events, --stack: etwcat's filter and kernel stack walking") {
    ETWCAT_REQUIRE_CORPUS();
    simulated_etw etw;
    etw.feed(testing::corpus_file("perfview/net.4.5.2.x64.etl"));
    scratch_folder folder;
    const auto out = folder.path() / "pid.jsonl";
    captured_stderr err;
    // The kernel events worth a stack, of the groups asked for, were asked stacks for.
    std::vector<testing::simulated_etw::information_call> calls;
    const auto [code, took] =
        run_until_ctrl_c(etw,
                         {"live", "--kernel", "process,img,profile", "--pid", "3676", "--stack",
                          "--name", "pid", "-o", out.string()},
                         {}, [&] { calls = etw.information_calls(); });
    CHECK(code == 0);
    const auto lines = lines_of(file_text(out));
    MESSAGE(lines.size() << " lines; " << err.text());
    REQUIRE(!calls.empty());
    CHECK(calls.front().information_class == 3);
    std::size_t other = 0;
    for (const auto& line : lines) {
      const auto at = line.find(R"("Execution":{"ProcessID":)");
      if (at == std::string::npos) continue;
      const auto pid = std::stoul(line.substr(at + 25));
      if (pid == 3676) continue;
      // Else an event about the process (a field that is exactly 3676: ProcessId, ParentId,
      // StackProcess) or a CPU sample of one of its threads.
      const bool about =
          line.find("\":3676,") != std::string::npos || line.find("\":3676}") != std::string::npos;
      const bool sample =
          line.find(R"("EventName":"PerfInfo/SampledProfile")") != std::string::npos;
      if (!about && !sample) {
        if (other++ < 3) MESSAGE(line.substr(0, 300));
      }
    }
    CHECK(other == 0);
    CHECK(lines.size() > 1000);
    CHECK(err.text().find(" written (") != std::string::npos);
    CHECK(err.text().ends_with(" of other processes left out), none lost\n"));
  }
}

TEST_SUITE("corpus") {
  TEST_CASE("live --system: kernel flags before Windows 11, system providers on it, same events") {
    ETWCAT_REQUIRE_CORPUS();
    const auto capture = testing::corpus_file("perfview/diaghub/diaghub.kernel.1.etl");
    scratch_folder folder;
    const guid system_process_provider = *guid::parse("{151F55DC-467D-471F-83B5-5F889D46FF66}");
    // Runs `live --system Process,ImageLoad` on a machine until the replay is over.
    auto run_on = [&](simulated_etw& etw, const std::string& file) {
      etw.feed(capture);
      const auto out = folder.path() / file;
      captured_stderr err;
      std::optional<live::trace_properties> p;
      std::optional<simulated_etw::enabled_provider> process_provider;
      const auto [code, took] =
          run_until_ctrl_c(etw,
                           {"live", "--system", "Process,ImageLoad", "--kernel", "proccntr",
                            "--name", "groups", "-o", out.string()},
                           {}, [&] {
                             p = etw.properties(u"groups");
                             process_provider = etw.enabled(u"groups", system_process_provider);
                           });
      CHECK(code == 0);
      REQUIRE(p.has_value());
      CHECK((p->log_file_mode & live::log_file_mode::system_logger) != 0);
      return std::make_tuple(p->enable_flags, process_provider, lines_of(file_text(out)));
    };
    simulated_etw windows10;
    const auto [flags10, provider10, lines10] = run_on(windows10, "10.jsonl");
    CHECK(flags10 == (0x1 | 0x4 | 0x8));
    CHECK_FALSE(provider10.has_value());

    simulated_etw windows11(simulated_etw::machine{.system_providers = true});
    const auto [flags11, provider11, lines11] = run_on(windows11, "11.jsonl");
    // Process and ImageLoad through SystemProcessProvider; the counters have no system provider.
    CHECK(flags11 == 0x8);
    REQUIRE(provider11.has_value());
    CHECK(provider11->match_any == (0x1 | 0x1000));
    CHECK(lines11 == lines10);
    CHECK(count_containing(lines10, R"("EventName":"Process/Start")") == 18);
  }
}

TEST_SUITE("corpus") {
  TEST_CASE("live: a session stopped by another program ends the run, said so, exit 1") {
    ETWCAT_REQUIRE_CORPUS();
    simulated_etw etw;
    etw.feed(testing::corpus_file("tx/HTTP_Server.etl"), std::chrono::microseconds(1000));
    scratch_folder folder;
    const auto out = folder.path() / "live.jsonl";
    captured_stderr err;
    int code = -1;
    std::thread run([&] {
      code = etwcat_run(
          {"live", "-p", "Microsoft-Windows-HttpService", "--name", "victim", "-o", out.string()},
          &etw);
    });
    for (int waits = 0; waits < 6000 && etw.delivered() < 50; ++waits) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    const auto stopped = etwcat_output({"stop", "victim"}, &etw);
    run.join();
    CHECK(stopped.first == 0);
    CHECK(code == 1);
    CHECK(running(etw).empty());
    const auto report = lines_of(err.text());
    REQUIRE(report.size() >= 2);
    CHECK(report.back() ==
          "etwcat live: session victim was stopped by another program; what ETW lost before is "
          "not known");
    CHECK(lines_of(file_text(out)).size() >= 50);
  }
}

TEST_CASE("live --config with --name: kernel flags under that name, not the NT Kernel Logger") {
  simulated_etw etw;
  scratch_folder folder;
  const auto config = folder.path() / "k.json";
  std::ofstream(config) << R"({"kernel": "process"})";
  captured_stderr err;
  std::vector<std::string> names;
  const auto done = run_until_ctrl_c(
      etw, {"live", "--config", config.string(), "--name", "mine", "--max-events", "1"},
      [&etw] { return !etw.running().empty(); }, [&] { names = running(etw); });
  CHECK(done.code == 0);
  CHECK(names == std::vector<std::string>{"mine"});
}

TEST_CASE("start --pid: a started session has only ETW's filter, for -p providers") {
  simulated_etw etw;
  captured_stderr err;
  CHECK(etwcat_run({"start", "k", "--kernel", "process", "--realtime", "--pid", "4"}, &etw) == 2);
  CHECK(err.text() ==
        "etwcat start: --pid: a started session is filtered by ETW alone, which takes at most 8 "
        "IDs and filters -p providers only; `etwcat live --pid` filters kernel events as well\n");
  CHECK(running(etw).empty());
}

namespace {

// The machine's ETW with one of its calls made to throw (out of memory, say), to follow the
// exception out of the command: the stack unwinds, and what the run started is stopped.
class throwing_etw final : public live::etw_api {
 public:
  enum class call { enable_trace, set_information, open_trace };
  throwing_etw(simulated_etw& etw, call which) : etw_(etw), which_(which) {}

  std::uint32_t start_trace(live::trace_handle& handle, std::u16string_view name,
                            live::trace_properties& properties) override {
    return etw_.start_trace(handle, name, properties);
  }
  std::uint32_t control_trace(live::trace_handle handle, std::u16string_view name,
                              live::trace_properties& properties, std::uint32_t code) override {
    return etw_.control_trace(handle, name, properties, code);
  }
  std::uint32_t enable_trace(live::trace_handle session, const guid& provider, std::uint32_t code,
                             std::uint8_t level, std::uint64_t match_any, std::uint64_t match_all,
                             std::uint32_t timeout_ms,
                             const live::enable_parameters* parameters) override {
    if (which_ == call::enable_trace) throw std::bad_alloc();
    return etw_.enable_trace(session, provider, code, level, match_any, match_all, timeout_ms,
                             parameters);
  }
  std::uint32_t set_information(live::trace_handle session, std::uint32_t information_class,
                                std::span<const std::byte> data) override {
    if (which_ == call::set_information) throw std::bad_alloc();
    return etw_.set_information(session, information_class, data);
  }
  std::uint32_t query_all_traces(std::span<live::properties_block> blocks,
                                 std::uint32_t& count) override {
    return etw_.query_all_traces(blocks, count);
  }
  live::trace_handle open_trace(const live::trace_source& source, std::uint32_t& status) override {
    if (which_ == call::open_trace) throw std::bad_alloc();
    return etw_.open_trace(source, status);
  }
  std::uint32_t process_trace(live::trace_handle handle) override {
    return etw_.process_trace(handle);
  }
  std::uint32_t close_trace(live::trace_handle handle) override { return etw_.close_trace(handle); }
  std::uint32_t enumerate_trace_guids(std::uint32_t query_class, std::span<const std::byte> in,
                                      std::span<std::byte> out, std::uint32_t& returned) override {
    return etw_.enumerate_trace_guids(query_class, in, out, returned);
  }
  bool has_system_providers() const override { return etw_.has_system_providers(); }

 private:
  simulated_etw& etw_;
  call which_;
};

}  // namespace

TEST_CASE("live: an exception on the way (out of memory) is one line, exit 2, no session left") {
  using call = throwing_etw::call;
  const std::vector<std::string> provider = {"live", "-p", "Microsoft-Windows-HttpService",
                                             "--duration", "10ms"};
  // --stack: TraceSetInformation is asked for kernel stacks once the session has started.
  const std::vector<std::string> kernel = {"live",    "--kernel",   "process",
                                           "--stack", "--duration", "10ms"};
  for (const auto& run :
       {std::pair(call::enable_trace, provider), std::pair(call::set_information, kernel),
        std::pair(call::open_trace, provider)}) {
    const call which = run.first;  // (clang 14 cannot capture a structured binding)
    const std::vector<std::string>& words = run.second;
    CAPTURE(static_cast<int>(which));
    simulated_etw etw;
    throwing_etw failing(etw, which);
    captured_stderr err;
    CHECK(etwcat_run(words, &failing) == 2);
    const std::string said = err.text();
    CHECK(said == "etwcat: out of memory\n");
    CHECK(running(etw).empty());
  }
}

#ifndef _WIN32
TEST_SUITE("corpus") {
  TEST_CASE(
      "live: Ctrl-C while the output blocks and the queue is full: no deadlock, the session "
      "stopped, every event written or counted") {
    ETWCAT_REQUIRE_CORPUS();
    simulated_etw etw;
    etw.feed(testing::corpus_file("perfview/net.4.5.2.x64.etl"));
    scratch_folder folder;
    // A FIFO nobody reads yet: the writer blocks on it, and the 1 MB queue fills behind it.
    const auto fifo = folder.path() / "out.fifo";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    captured_stderr err;
    int code = -1;
    std::thread run([&] {
      code = etwcat_run({"live", "--kernel", "process,thread,img,disk,cswitch,profile",
                         "--queue-size", "1", "-o", fifo.string()},
                        &etw);
      // Should the run end before it opened the FIFO, the reader's open() below would wait
      // for ever: a writer's open and close lets it go on (to read nothing, and fail).
      if (const int writer = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK); writer >= 0) {
        ::close(writer);
      }
    });
    const int reader = ::open(fifo.c_str(), O_RDONLY);  // waits for the writer to open it
    CHECK(reader >= 0);
    std::string text;
    if (reader >= 0) {
      CHECK(etw.wait_for_replay());  // every event delivered: all but 1 MB of them dropped
      cmd::request_interruption();
      // Only now is the output read: the run writes what it queued, then ends. (Should that
      // deadlock, the read waits, and the test fails by its timeout.)
      char chunk[1 << 16];
      for (ssize_t n; (n = ::read(reader, chunk, sizeof chunk)) > 0;) {
        text.append(chunk, static_cast<std::size_t>(n));
      }
      ::close(reader);
    }
    run.join();
    cmd::reset_interruption();
    CHECK(code == 1);
    CHECK(running(etw).empty());
    const auto lines = lines_of(text);
    REQUIRE(lines.size() > 1);
    const std::string& last = lines.back();
    REQUIRE(last.starts_with(R"({"Type":"Loss","Session":"NT Kernel Logger")"));
    const auto field = [&last](std::string_view key) -> std::uint64_t {
      const auto at = last.find(std::string("\"") + std::string(key) + "\":");
      REQUIRE(at != std::string::npos);
      return std::stoull(last.substr(at + key.size() + 3));
    };
    const std::uint64_t written = lines.size() - 1;
    MESSAGE("delivered " << etw.delivered() << ", written " << written << ", dropped "
                         << field("DroppedByQueue"));
    CHECK(field("Delivered") == etw.delivered());
    CHECK(field("Written") == written);
    CHECK(field("DroppedByQueue") > 0);
    CHECK(field("DroppedByQueue") + field("TooLarge") + written == etw.delivered());
  }

  TEST_CASE(
      "live: a write that fails (a full disk) ends the run by itself, says so, exit 2, "
      "the session stopped") {
    ETWCAT_REQUIRE_CORPUS();
    simulated_etw etw;
    etw.feed(testing::corpus_file("perfview/net.4.5.2.x64.etl"));
    captured_stderr err;
    std::promise<int> code;
    std::thread run([&] {
      code.set_value(etwcat_run(
          {"live", "--kernel", "process,thread,img,disk,cswitch,profile", "-o", "/dev/full"},
          &etw));
    });
    auto ended = code.get_future();
    // More than a megabyte of JSON is written while ETW delivers: the first flush fails.
    const bool by_itself = ended.wait_for(std::chrono::seconds(60)) == std::future_status::ready;
    if (!by_itself) cmd::request_interruption();  // never hang the suite
    run.join();
    cmd::reset_interruption();
    CHECK(by_itself);
    CHECK(ended.get() == 2);
    CHECK(running(etw).empty());
    const auto said = lines_of(err.text());
    REQUIRE(!said.empty());
    CHECK(said.back() == "etwcat: cannot write /dev/full: No space left on device");
  }
}
#endif
