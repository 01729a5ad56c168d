// Tests for formats/text_writer.h: the exact line, quoting and escaping (one event, one line,
// no terminal control), elision of long values, local and UTC times, the trace header, colors on
// request only; then every capture of the corpus through the real pipeline.
#include "formats/text_writer.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "lib/base/text_buffer.h"
#include "lib/decode/decoder.h"
#include "lib/etl/merged_reader.h"
#include "lib/trace/pipeline.h"
#include "tests/support/corpus.h"

using etwcat::event;
using etwcat::guid;
using etwcat::formats::append_event_text;
using etwcat::formats::color_mode;
using etwcat::formats::text_options;

namespace {

constexpr text_options utc{.color = color_mode::never, .utc = true};

std::string text_of(const event& e, const text_options& options = utc) {
  etwcat::text_buffer out;
  append_event_text(out, e, options);
  return out.str();
}

event kernel_event() {
  event e;
  e.provider_name = "Windows Kernel";
  e.set_event_name("Process/Start");
  e.has_time = true;
  e.time_created = 129402940472257591;  // 2011-01-23T22:07:27.2257591Z
  e.has_process_and_thread = true;
  e.process_id = 4;
  e.thread_id = 8;
  e.processor_id = 2;
  e.has_version = e.has_opcode = true;
  e.version = 2;
  e.opcode = 1;
  return e;
}

// The text of the one string field `value`, as the line shows it after "v=".
std::string shown(std::string_view value, bool wide = false) {
  event e = kernel_event();
  e.payload_decoded = true;
  e.data.add_string("v", value);
  text_options options = utc;
  options.wide = wide;
  const std::string line = text_of(e, options);
  const std::size_t at = line.find(" v=");
  REQUIRE(at != std::string::npos);
  return line.substr(at + 3);
}

// Sets TZ for the C library until the end of the scope (POSIX; Windows has another syntax).
class time_zone {
 public:
  explicit time_zone(const char* tz) {
    if (const char* old = std::getenv("TZ")) old_ = old, had_ = true;
    set(tz);
  }
  ~time_zone() { had_ ? set(old_.c_str()) : set(nullptr); }

 private:
  static void set(const char* tz) {
#if !defined(_WIN32)
    tz ? setenv("TZ", tz, 1) : unsetenv("TZ");
    tzset();
#else
    (void)tz;
#endif
  }
  std::string old_;
  bool had_ = false;
};

}  // namespace

TEST_CASE("text_writer: time, provider, event, pid/tid, cpu, then the fields") {
  CHECK(text_of(kernel_event()) ==
        "2011-01-23 22:07:27.2257591Z Windows Kernel Process/Start 4/8 cpu=2");
  event e = kernel_event();
  e.process_name = "svchost.exe";
  e.process_id = 1234;
  e.thread_id = 5678;
  e.payload_decoded = true;
  e.data.add_unsigned("ProcessId", 1234);
  e.data.add_string("ImageFileName", "svchost.exe");
  CHECK(text_of(e) ==
        "2011-01-23 22:07:27.2257591Z Windows Kernel Process/Start svchost.exe(1234)/5678 cpu=2 "
        "ProcessId=1234 ImageFileName=svchost.exe");
  e.attributed = true;  // the ids came from the payload or the CPU's running thread
  CHECK(text_of(e).find(" svchost.exe(1234)/5678* cpu=2 ") != std::string::npos);
  e.has_process_and_thread = false;  // PERFINFO records have no ids
  CHECK(text_of(e).find(" Process/Start - cpu=2 ") != std::string::npos);
}

TEST_CASE(
    "text_writer: a manifest event shows id, severity and activity, but not what its name says") {
  event e;
  e.provider_name = "Microsoft-Windows-HttpService";
  e.provider_guid = guid::parse("dd5ef90a-6398-47a4-ad34-4dcecdef795f").value();
  e.set_event_name("HTTP Request Trace Task/Parse");
  e.has_event_id = e.has_version = e.has_level = e.has_task = e.has_opcode = e.has_keywords =
      e.has_channel = true;
  e.event_id = 2;
  e.level = 4;
  e.level_name = "Information";
  e.task = 4;
  e.opcode = 28;
  e.keywords = 0x8000000000000010;
  e.has_activity_id = true;
  e.activity_id = guid::parse("00000100-0000-0003-193d-42fb30bbcb01").value();
  e.processor_id = 3;
  CHECK(text_of(e) ==
        // No timestamp (WPP without one): dashes keep the columns.
        "---------------------------- HttpService HTTP Request Trace Task/Parse - cpu=3 id=2 "
        "activity={00000100-0000-0003-193D-42FB30BBCB01}");
  e.level = 3;
  e.level_name = "Warning";
  CHECK(text_of(e).find(" cpu=3 id=2 level=Warning activity=") != std::string::npos);
  e.set_event_name("EventID(2)");  // the name says the id already
  e.provider_name = {};            // an unnamed provider is its GUID
  CHECK(text_of(e).find(" {DD5EF90A-6398-47A4-AD34-4DCECDEF795F} EventID(2) - cpu=3 level=") !=
        std::string::npos);
}

TEST_CASE("text_writer: provider names lose a Microsoft prefix, and nothing else") {
  using etwcat::formats::short_provider_name;
  CHECK(short_provider_name("Microsoft-Windows-Kernel-Process") == "Kernel-Process");
  CHECK(short_provider_name("Microsoft-Windows-DotNETRuntime") == "DotNETRuntime");
  CHECK(short_provider_name("Microsoft.Windows.Shell.Core") == "Shell.Core");
  CHECK(short_provider_name("Microsoft-Antimalware-Scan-Interface") ==
        "Antimalware-Scan-Interface");
  CHECK(short_provider_name("Windows Kernel") == "Windows Kernel");
  CHECK(short_provider_name("KernelTraceControl") == "KernelTraceControl");
  CHECK(short_provider_name("Microsoft-Windows-") == "Windows-");  // never empty
  CHECK(short_provider_name("MicrosoftEdge") == "MicrosoftEdge");
}

TEST_CASE("text_writer: values are quoted only when they must be, and escaped inside quotes") {
  CHECK(shown("C:\\Windows\\system32") == "C:\\Windows\\system32");  // a path reads as a path
  CHECK(shown("") == "\"\"");
  CHECK(shown("instance void  ()") == "\"instance void  ()\"");
  CHECK(shown("a=b") == "\"a=b\"");
  CHECK(shown("say \"hi\"") == "\"say \\\"hi\\\"\"");
  CHECK(shown("C:\\Program Files\\x") == "\"C:\\\\Program Files\\\\x\"");
  CHECK(shown("Microsoft® Windows®") == "\"Microsoft® Windows®\"");  // UTF-8 is text
  CHECK(shown("naïve") == "naïve");
}

TEST_CASE("text_writer: no byte of a value can end the line or drive the terminal") {
  CHECK(shown("two\nlines\r\tx") == "\"two\\nlines\\r\\tx\"");
  CHECK(shown("\x1b[31mred") == "\"\\x1B[31mred\"");
  CHECK(shown("del\x7f") == "\"del\\x7F\"");
  CHECK(shown("c1\xc2\x9b"
              "2J") == "\"c1\\u009B2J\"");                            // 8-bit CSI
  CHECK(shown("ls\xe2\x80\xa8x") == "\"ls\\u2028x\"");                // line separator
  CHECK(shown("abc\xe2\x80\xaetxt.exe") == "\"abc\\u202Etxt.exe\"");  // right-to-left override
  CHECK(shown("bad\xff\xc3") == "\"bad\\xFF\\xC3\"");                 // not UTF-8
  // Names from the trace too: never quoted, but made safe.
  event e = kernel_event();
  e.provider_name = "bad\nname\x1b";
  e.process_name = "evil\r.exe";
  e.payload_decoded = true;
  e.data.add_unsigned("my key=\"1\"", 1);
  const std::string line = text_of(e);
  CHECK(line.find("bad\\nname\\x1B Process/Start evil\\r.exe(4)/8") != std::string::npos);
  CHECK(line.find(" my_key__1_=1") != std::string::npos);
}

TEST_CASE("text_writer: a byte to escape is found at every place of a run of plain text") {
  // Plain text goes eight bytes at a time: each byte that needs escaping, at every place of
  // values of every length up to 30, comes out escaped there.
  const std::string plain = "abcdefghijklmnopqrstuvwxyz0123";
  const std::pair<char, std::string_view> specials[] = {
      {'"', "\\\""}, {'\n', "\\n"}, {'\x01', "\\x01"}, {'\x7F', "\\x7F"}};
  for (const auto& [special, escaped] : specials) {
    for (std::size_t length = 1; length <= plain.size(); ++length) {
      for (std::size_t at = 0; at < length; ++at) {
        std::string value = plain.substr(0, length);
        value[at] = special;
        const std::string want = "\"" + plain.substr(0, at) + std::string(escaped) +
                                 plain.substr(at + 1, length - at - 1) + "\"";
        CAPTURE(length);
        CAPTURE(at);
        CHECK(shown(value) == want);
      }
    }
  }
}

TEST_CASE("text_writer: long values keep head and tail, with the bytes left out, unless wide") {
  const std::string path =
      "\\Device\\HarddiskVolume2\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\"
      "Temporary ASP.NET Files\\root\\clr.dll";  // 105 bytes
  REQUIRE(path.size() == 105);
  CHECK(shown(path) ==
        "\"\\\\Device\\\\HarddiskVolume2\\\\Windows\\\\Microsoft.NET\\\\Fr…(+33 "
        "bytes)…P.NET Files\\\\root\\\\clr.dll\"");
  CHECK(shown(path, true) == "\"" + std::string("\\\\Device\\\\HarddiskVolume2") +
                                 "\\\\Windows\\\\Microsoft.NET\\\\Framework64\\\\v4.0.30319\\\\"
                                 "Temporary ASP.NET Files\\\\root\\\\clr.dll\"");
  CHECK(shown(std::string(80, 'x')) == std::string(80, 'x'));  // up to the limit: whole
  // A cut never splits a character: "é" is two bytes, the 48th and 49th.
  const std::string accents = std::string(47, 'a') + "é" + std::string(60, 'b');
  CHECK(shown(accents).starts_with("\"" + std::string(47, 'a') + "…(+38 bytes)…"));
  CHECK(shown(std::string(12345, 'z')).find("…(+12,273 bytes)…") != std::string::npos);

  event e = kernel_event();
  e.payload_decoded = true;
  std::vector<std::byte> blob(1000);
  for (std::size_t i = 0; i < blob.size(); ++i) blob[i] = static_cast<std::byte>(i);
  e.data.add_binary("Small", std::span(blob).first(4));
  e.data.add_binary("Blob", blob);
  e.data.begin_array("Stack");
  for (std::uint64_t a = 0; a < 20; ++a) e.data.add_hex({}, 0x7FF600001000 + a);
  e.data.end_array();
  CHECK(text_of(e) ==
        "2011-01-23 22:07:27.2257591Z Windows Kernel Process/Start 4/8 cpu=2 Small=00010203 "
        "Blob=\"000102030405060708090A0B0C0D0E0F…(+984 bytes)\" "
        "Stack=[\"0x7FF600001000\",\"0x7FF600001001\",\"0x7FF600001002\",\"0x7FF600001…(+277 "
        "bytes)");
  text_options wide = utc;
  wide.wide = true;
  const std::string whole = text_of(e, wide);
  CHECK(whole.find("0x7FF600001013\"]") != std::string::npos);
  CHECK(whole.find("E5E6E7") != std::string::npos);
  CHECK(whole.find("…") == std::string::npos);
}

TEST_CASE("text_writer: a payload that did not decode shows its bytes, and decode problems stay") {
  const std::array<std::byte, 6> payload = {std::byte{1}, std::byte{0},    std::byte{2},
                                            std::byte{0}, std::byte{0xEE}, std::byte{0xFF}};
  event e = kernel_event();
  e.raw_data = payload;
  CHECK(text_of(e).ends_with(" cpu=2 raw=01000200EEFF"));
  e.payload_decoded = true;
  e.data.add_unsigned("a", 1);
  e.data.add_unsigned("b", 2);
  etwcat::payload_surplus surplus;
  surplus.bytes = std::span(payload).subspan(4);
  surplus.offset = 4;
  e.data.set_surplus(surplus);
  CHECK(text_of(e).ends_with(
      " cpu=2 a=1 b=2 decode_warning=\"2 bytes left over after the last field (offset 4)\""));
  e.data.set_surplus({});
  e.decode_error = "field \"c\" (UInt32) at offset 4 needs 4 bytes, 2 left";
  CHECK(text_of(e).ends_with(
      " a=1 b=2 decode_error=\"field \\\"c\\\" (UInt32) at offset 4 needs 4 bytes, 2 left\""));
}

#if !defined(_WIN32)
TEST_CASE("text_writer: local time by default, per the time zone at each event") {
  time_zone pacific("PST8PDT,M3.2.0,M11.1.0");  // a POSIX rule: no tz database needed
  event e = kernel_event();
  CHECK(text_of(e, {.color = color_mode::never}).starts_with("2011-01-23 14:07:27.2257591 "));
  e.time_created += 182ull * 86400 * 10'000'000;  // July: daylight saving time
  CHECK(text_of(e, {.color = color_mode::never}).starts_with("2011-07-24 15:07:27.2257591 "));
  time_zone kathmandu("<+0545>-5:45");
  CHECK(text_of(e, {.color = color_mode::never}).starts_with("2011-07-25 03:52:27.2257591 "));
}

TEST_CASE("text_writer: a time past what the C library can place in a zone prints as UTC") {
  // Fuzzing found this: a damaged timestamp in year 60056 gave an offset of -65,000 years,
  // an overflow when turned into ticks.
  time_zone kathmandu("<+0545>-5:45");
  event e = kernel_event();
  e.time_created = ~std::uint64_t{0};
  const std::string in_utc = text_of(e, {.color = color_mode::never, .utc = true});
  const std::string local = text_of(e, {.color = color_mode::never});
  REQUIRE(in_utc.size() > 28);
  CHECK(local.starts_with(in_utc.substr(0, 27)));
}
#endif

TEST_CASE("text_writer: the trace header, and a tag per input when there are several") {
  etwcat::formats::trace_info info;
  etwcat::formats::trace_source a;
  a.name = "a.etl";
  a.index = 0;
  a.start_time = 129402940472257591;
  a.end_time = a.start_time + 1'094'000'000;  // 109.4 s
  a.os_build = 7601;
  a.processors = 4;
  a.pointer_size = 8;
  a.buffers = 1234;
  info.sources.push_back(a);
  etwcat::text_buffer out;
  etwcat::formats::append_trace_header(out, info, utc);
  CHECK(out ==
        "# a.etl: 2011-01-23 22:07:27.2257591Z to 2011-01-23 22:09:16.6257591Z (109.4 s)\n"
        "#   Windows build 7601, 4 processors, 64-bit, 1,234 buffers, 0 events lost\n"
        "# time (UTC), provider, event, process(PID)/TID (* attributed), cpu, fields\n");
  etwcat::formats::trace_source b;  // a live session: no end, no build
  b.name = "session";
  b.index = 2;
  b.start_time = a.start_time;
  b.processors = 1;
  b.pointer_size = 4;
  b.events_lost = 3;
  b.buffers_lost = 1;
  info.sources.push_back(b);
  out.clear();
  etwcat::formats::append_trace_header(out, info, utc);
  CHECK(out.view().find("# [1] a.etl: ") == 0);
  CHECK(out.view().find("\n# [3] session: 2011-01-23 22:07:27.2257591Z\n"
                        "#   1 processor, 32-bit, 3 events lost, 1 buffers lost\n"
                        "# time (UTC), [input], provider,") != std::string::npos);
  event e = kernel_event();
  e.source = 2;
  out.clear();
  append_event_text(out, e, utc, true);
  CHECK(out == "2011-01-23 22:07:27.2257591Z [3] Windows Kernel Process/Start 4/8 cpu=2");
}

TEST_CASE("text_writer: colors only when asked, the event name by severity") {
  event e = kernel_event();
  CHECK(text_of(e).find('\x1b') == std::string::npos);
  const std::string colored = text_of(e, {.color = color_mode::always, .utc = true});
  CHECK(colored ==
        "\x1b[2m2011-01-23 22:07:27.2257591Z\x1b[0m \x1b[36mWindows Kernel\x1b[0m "
        "\x1b[1mProcess/Start\x1b[0m \x1b[32m4/8\x1b[0m \x1b[2mcpu=\x1b[0m2");
  e.has_level = true;
  e.level = 3;
  CHECK(text_of(e, {.color = color_mode::always}).find("\x1b[1;33mProcess/Start") !=
        std::string::npos);
  e.level = 2;
  CHECK(text_of(e, {.color = color_mode::always}).find("\x1b[1;31mProcess/Start") !=
        std::string::npos);
}

TEST_CASE("text_writer: a file is no terminal, so automatic mode writes no colors") {
  std::FILE* file = std::tmpfile();
  REQUIRE(file != nullptr);
  CHECK_FALSE(etwcat::formats::wants_color(file));
  {
    etwcat::formats::output_sink sink(file);
    etwcat::formats::text_writer writer(sink, text_options{.utc = true});
    writer.begin({});
    writer.write(kernel_event());
    writer.finish({});
  }
  std::rewind(file);
  std::string text(4096, '\0');
  text.resize(std::fread(text.data(), 1, text.size(), file));
  std::fclose(file);
  CHECK(text == text_of(kernel_event()) + "\n");
}

TEST_CASE("text_writer: with --fields, a line is the fields the event has, as path=value") {
  std::FILE* file = std::tmpfile();
  REQUIRE(file != nullptr);
  event e = kernel_event();
  e.process_name = "my app.exe";
  e.payload_decoded = true;
  e.data.add_unsigned("TransferSize", 4096);
  e.data.add_string("FileName", std::string(100, 'x'));
  {
    etwcat::formats::output_sink sink(file);
    const std::vector<std::string> paths = {"System.EventName", "System.Execution.ProcessName",
                                            "EventData.TransferSize", "EventData.Missing",
                                            "EventData.FileName"};
    etwcat::formats::text_writer writer(sink, text_options{.utc = true},
                                        etwcat::formats::field_selection::parse(paths));
    writer.begin({});  // no header lines with --fields
    writer.write(e);
    writer.finish({});
  }
  std::rewind(file);
  std::string text(4096, '\0');
  text.resize(std::fread(text.data(), 1, text.size(), file));
  std::fclose(file);
  // Quoted when holding a space; a long value elided as in whole lines; a missing one left out.
  CHECK(text ==
        "System.EventName=Process/Start System.Execution.ProcessName=\"my app.exe\" "
        "EventData.TransferSize=4096 EventData.FileName=\"" +
            std::string(48, 'x') + "…(+28 bytes)…" + std::string(24, 'x') + "\"\n");
}

TEST_SUITE("corpus") {
  namespace {

  struct text_stats {
    std::uint64_t lines = 0;
    std::uint64_t bytes = 0;
    std::size_t longest = 0;
    std::vector<std::string> lines_kept;  // those the caller asked for
    std::vector<std::string> broken;      // lines with a control byte: none
  };

  // Prints `file` through the real pipeline into memory, as `dump --format text` does.
  text_stats print_text(const std::filesystem::path& file, const text_options& options,
                        std::string_view keep = {}) {
    std::FILE* out = std::tmpfile();
    REQUIRE(out != nullptr);
    {
      etwcat::decode::decoder decoder;
      etwcat::diagnostics diags;
      const std::filesystem::path paths[] = {file};
      auto trace = etwcat::etl::merged_reader::open(paths, diags);
      etwcat::formats::output_sink sink(out);
      etwcat::formats::text_writer writer(sink, options);
      etwcat::formats::trace_info info;
      info.sources.push_back(
          etwcat::formats::describe_source(trace.header(0), file.filename().string(), 0));
      writer.begin(info);
      etwcat::trace::pipeline events(decoder);
      events.run(trace, [&](const event& e) {
        writer.write(e);
        return true;
      });
      writer.finish({});
    }
    std::rewind(out);
    text_stats stats;
    std::string line;
    for (int c; (c = std::fgetc(out)) != EOF;) {
      if (c != '\n') {
        line.push_back(static_cast<char>(c));
        continue;
      }
      ++stats.lines;
      stats.bytes += line.size();
      stats.longest = std::max(stats.longest, line.size());
      if (!keep.empty() && line.find(keep) != std::string::npos) stats.lines_kept.push_back(line);
      // One event, one line: no control byte but the newline.
      if (std::any_of(line.begin(), line.end(), [](char ch) {
            return static_cast<unsigned char>(ch) < 0x20 || ch == 0x7F;
          })) {
        stats.broken.push_back(line);
      }
      line.clear();
    }
    std::fclose(out);
    CHECK(line.empty());  // ends with a newline
    CHECK_MESSAGE(stats.broken.empty(), file.filename().string(), ": ",
                  stats.broken.empty() ? std::string() : stats.broken.front());
    return stats;
  }

  }  // namespace

  TEST_CASE("text_writer: net.4.5.2.x64.etl prints short lines, and whole ones when wide") {
    ETWCAT_REQUIRE_CORPUS();
    const auto file = etwcat::testing::corpus_file("perfview/net.4.5.2.x64.etl");
    const text_stats text = print_text(file, utc, "GarbageCollection/GCAllocationTick");
    CHECK(text.lines == 179474 + 3);  // the events and the header
    CHECK(text.longest < 1000);       // was 307,575 before elision
    CHECK(text.bytes / text.lines < 240);
    REQUIRE(!text.lines_kept.empty());
    CHECK(text.lines_kept.front() ==
          "2020-07-29 00:07:00.9705498Z DotNETRuntime GarbageCollection/GCAllocationTick "
          "PerfView.exe(3988)/3992 cpu=6 id=10 AllocationAmount=0x1A464 AllocationKind=Small "
          "ClrInstanceID=11 AllocationAmount64=0x1A464 "
          "TypeID=0x8C3D188 TypeName=System.Windows.Media.HitTestWithPointDrawingContextWalker "
          "HeapIndex=0 Address=0x1118B854");
    text_options wide = utc;
    wide.wide = true;
    const text_stats whole = print_text(file, wide);
    CHECK(whole.lines == text.lines);
    CHECK(whole.longest > 300000);  // the GC's bulk type events, whole
  }

  TEST_CASE("text_writer: every capture of the corpus prints one line per event") {
    ETWCAT_REQUIRE_CORPUS();
    std::uint64_t files = 0;
    for (const auto& entry :
         std::filesystem::recursive_directory_iterator(etwcat::testing::corpus_dir())) {
      if (entry.path().extension() != ".etl" || entry.file_size() == 0) continue;
      const text_stats stats = print_text(entry.path(), utc);
      CHECK_MESSAGE(stats.lines > 3, entry.path().filename().string());
      CHECK_MESSAGE(stats.longest < 2000, entry.path().filename().string());
      ++files;
    }
    CHECK(files > 20);
  }

#if !defined(_WIN32)  // the time zone is set through POSIX TZ rules
  TEST_CASE("text_writer: HTTP_Server.etl header from its log-file header, in local time") {
    ETWCAT_REQUIRE_CORPUS();
    time_zone pacific("PST8PDT,M3.2.0,M11.1.0");
    const text_stats text = print_text(etwcat::testing::corpus_file("tx/HTTP_Server.etl"),
                                       {.color = color_mode::never}, "# ");
    REQUIRE(text.lines_kept.size() >= 2);
    CHECK(text.lines_kept[0] ==
          "# HTTP_Server.etl: 2011-01-23 14:06:37.4768585 to 2011-01-23 14:08:26.8467320 "
          "(UTC-08:00, 109.4 s)");
    CHECK(text.lines_kept[1] ==
          "#   Windows build 7601, 4 processors, 64-bit, 36 buffers, 0 events lost");
  }
#endif
}
