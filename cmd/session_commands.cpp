// start / stop / sessions over lib/live/session. What they print goes through cmd/output
// (standard output, write errors reported); what went wrong goes to stderr, one line.
#include "cmd/session_commands.h"

#include <fmt/format.h>

#include <filesystem>

#include "cmd/output.h"
#include "formats/session_writer.h"
#include "lib/base/ascii.h"
#include "lib/base/path_text.h"
#include "lib/live/session.h"
#include "lib/live/session_config.h"

namespace etwcat::cmd {
namespace {

bool say_no_etw(std::string_view command, const live::etw_api* etw) {
  if (etw != nullptr) return false;
  fmt::print(stderr, "etwcat {}: {}\n", command, live::no_etw_message);
  return true;
}

void add_format_option(CLI::App* sub, std::string& format) {
  sub->add_option("--format", format, "Output format: text (default) or jsonl")
      ->check(CLI::IsMember({"text", "jsonl"}));
}

std::string as_jsonl(std::span<const live::session_statistics> sessions) {
  text_buffer out;
  for (const auto& s : sessions) {
    formats::append_session_json(out, s);
    out.push_back('\n');
  }
  return out.str();
}

}  // namespace

CLI::App* add_start_command(CLI::App& app, start_options& o) {
  CLI::App* sub = app.add_subcommand(
      "start",
      "Start a session that logs to an .etl file (or real time) and outlives the command, as "
      "`logman start -ets`; Windows only");
  sub->add_option("name", o.session.name, "Session name")->required();
  add_session_arguments(sub, o.session, /*name_option=*/false);
  sub->add_option("-o,--output", o.log_file,
                  "The .etl file to log to; an existing file is kept unless --force")
      ->type_name("FILE.etl");
  sub->add_option("--mode", o.mode,
                  "File mode: sequential (default), circular (the newest --max-size MB), or "
                  "newfile (a new file each --max-size MB; FILE must hold %d)")
      ->check(CLI::IsMember({"sequential", "circular", "newfile"}));
  sub->add_option("--max-size", o.max_size_mb, "File size limit in MB (circular, newfile)")
      ->type_name("MB");
  sub->add_flag("--realtime", o.real_time,
                "Also (or, without -o, only) deliver events in real time, for `etwcat live "
                "--attach NAME`");
  return sub;
}

CLI::App* add_stop_command(CLI::App& app, stop_options& o) {
  CLI::App* sub =
      app.add_subcommand("stop", "Stop a session by name and print its statistics; Windows only");
  sub->add_option("name", o.name, "Session name (as `etwcat sessions` lists it)")->required();
  add_format_option(sub, o.format);
  return sub;
}

CLI::App* add_sessions_command(CLI::App& app, sessions_options& o) {
  CLI::App* sub =
      app.add_subcommand("sessions",
                         "List the running sessions (name, buffers, events lost, mode, log file); "
                         "Windows only");
  sub->add_option("name", o.name, "Only this session");
  add_format_option(sub, o.format);
  return sub;
}

int run_start(const start_options& o, live::etw_api* etw) {
  if (say_no_etw("start", etw)) return exit_usage_or_system_error;
  auto fail = [](std::string_view message) {
    fmt::print(stderr, "etwcat start: {}\n", message);
    return exit_usage_or_system_error;
  };
  live::session_options session;
  if (!o.session.config.empty()) {
    // The file describes the session; NAME, -o, --mode, --max-size and --realtime may still
    // be given (they win), the session's options may not.
    auto loaded = load_config(o.session);
    if (!loaded) return fail(loaded.failure().message);
    const live::session_config& config = loaded.value();
    if (config.format || config.output || config.duration || config.max_events) {
      return fail(fmt::format(
          "{}: \"output\", \"duration\" and \"max_events\" are for `etwcat live`; a started "
          "session runs until `etwcat stop`",
          o.session.config));
    }
    session = config.session;
    if (!session.name.empty() && !equals_ignoring_case(session.name, o.session.name)) {
      return fail(fmt::format("{} names the session \"{}\", the command line \"{}\": which?",
                              o.session.config, session.name, o.session.name));
    }
    rename_session(session, o.session.name);
    if (o.real_time) session.real_time = true;
    if (!o.log_file.empty()) session.log_file.clear();  // -o wins, below
  } else {
    if (!names_events(o.session)) {
      return fail(
          "start needs something to trace: -p PROVIDER, --kernel FLAGS, --system GROUPS, or "
          "--config FILE.json");
    }
    if (o.log_file.empty() && !o.real_time) {
      return fail("start needs -o FILE.etl to log to, or --realtime (or both)");
    }
    session = session_options_of(o.session);
    session.real_time = o.real_time;
    // A started session has no etwcat reading it: only ETW's own PID filter applies, which takes
    // 8 IDs and user providers only.
    if (!o.session.pids.empty() && (session.kernel_flags != 0 || o.session.pids.size() > 8)) {
      return fail(
          "--pid: a started session is filtered by ETW alone, which takes at most 8 IDs and "
          "filters -p providers only; `etwcat live --pid` filters kernel events as well");
    }
  }
  if (!o.log_file.empty()) {
    session.log_file = path_to_utf8(std::filesystem::absolute(path_from_utf8(o.log_file)));
    session.mode = o.mode == "circular"  ? live::file_mode::circular
                   : o.mode == "newfile" ? live::file_mode::new_file
                                         : live::file_mode::sequential;
    session.maximum_file_size_mb = o.max_size_mb;
  } else if (o.mode != "sequential" || o.max_size_mb != 0) {
    return fail("--mode and --max-size are for a log file: add -o FILE.etl");
  }
  if (!session.log_file.empty()) {
    const std::string_view mode = session.mode == live::file_mode::circular   ? "circular"
                                  : session.mode == live::file_mode::new_file ? "newfile"
                                                                              : "sequential";
    if (session.mode != live::file_mode::sequential && session.maximum_file_size_mb == 0) {
      return fail(fmt::format("--mode {} needs --max-size MB", mode));
    }
    if (session.mode == live::file_mode::new_file &&
        session.log_file.find("%d") == std::string::npos) {
      return fail("--mode newfile needs %d in the file name, where ETW puts the file's number");
    }
    std::error_code ec;
    if (session.mode != live::file_mode::new_file &&
        std::filesystem::exists(path_from_utf8(session.log_file), ec) && !o.session.force) {
      return fail(fmt::format("-o {}: the file exists; name another, or --force",
                              o.log_file.empty() ? session.log_file : o.log_file));
    }
  }
  const std::string name = live::session_name(session);
  if (o.session.force) (void)live::session::stop_by_name(*etw, name);
  auto started = live::session::start(*etw, session);
  if (!started) return fail(started.failure().message);
  started.value().detach();
  fmt::print(stderr, "etwcat: session {} runs{}; `etwcat stop {}` ends it\n", name,
             session.log_file.empty() ? " (real time)"
                                      : fmt::format(", logging to {}{}", session.log_file,
                                                    session.real_time ? " and in real time" : ""),
             name.find(' ') == std::string::npos ? name : "\"" + name + "\"");
  return exit_success;
}

int run_stop(const stop_options& o, live::etw_api* etw) {
  if (say_no_etw("stop", etw)) return exit_usage_or_system_error;
  auto stopped = live::session::stop_by_name(*etw, o.name);
  if (!stopped) {
    fmt::print(stderr, "etwcat stop: {}\n", stopped.failure().message);
    return exit_usage_or_system_error;
  }
  const live::session_statistics& s = stopped.value();
  const int written =
      write_stdout(o.format == "jsonl" ? as_jsonl(std::span(&s, 1)) : formats::session_details(s));
  if (written != exit_success) return written;
  const std::uint64_t lost =
      std::uint64_t{s.events_lost} + s.log_buffers_lost + s.real_time_buffers_lost;
  if (lost != 0) {
    fmt::print(stderr,
               "etwcat: session {} lost {} events, {} log buffers and {} real-time buffers\n",
               s.name, s.events_lost, s.log_buffers_lost, s.real_time_buffers_lost);
    return exit_data_error;
  }
  return exit_success;
}

int run_sessions(const sessions_options& o, live::etw_api* etw) {
  if (say_no_etw("sessions", etw)) return exit_usage_or_system_error;
  auto listed = live::session::list(*etw);
  if (!listed) {
    fmt::print(stderr, "etwcat sessions: {}\n", listed.failure().message);
    return exit_usage_or_system_error;
  }
  std::vector<live::session_statistics> sessions = std::move(listed.value());
  // Which providers each session enabled: worth knowing, not worth failing for.
  if (auto found = live::session::find_providers(*etw, sessions); !found) {
    fmt::print(stderr, "etwcat sessions: {} (listed without their providers)\n",
               found.failure().message);
  }
  if (!o.name.empty()) {
    std::erase_if(sessions, [&](const live::session_statistics& s) {
      return !equals_ignoring_case(s.name, o.name);
    });
    if (sessions.empty()) {
      fmt::print(stderr, "etwcat sessions: no session {} runs\n", o.name);
      return exit_usage_or_system_error;
    }
  }
  if (o.format == "jsonl") return write_stdout(as_jsonl(sessions));
  // One session asked for: all that is known of it, its providers included.
  return write_stdout(o.name.empty() ? formats::sessions_table(sessions)
                                     : formats::session_details(sessions.front()));
}

}  // namespace etwcat::cmd
