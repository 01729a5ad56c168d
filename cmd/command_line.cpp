// The command line: words -> options (CLI11) -> the command, with the messages CLI11 does not
// give (an unknown command or option, and what was probably meant).
#include "cmd/command_line.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <new>
#include <optional>

#include "cmd/dump_command.h"
#include "cmd/live_command.h"
#include "cmd/nearest_word.h"
#include "cmd/output.h"
#include "cmd/providers_command.h"
#include "cmd/session_commands.h"
#include "lib/base/usage_error.h"

#ifndef ETWCAT_VERSION
#define ETWCAT_VERSION "0.0.0"
#endif

namespace etwcat::cmd {
namespace {

constexpr int exit_usage = exit_usage_or_system_error;

// The first word must be a command or a top-level option; say which word is wrong, and the
// command or option it was probably meant to be (CLI11 says only "A subcommand is required").
// Returns false, having said so, when it is neither.
bool first_word_is_known(const CLI::App& app, const std::vector<std::string>& args) {
  if (args.size() < 2) return true;
  const std::string& word = args[1];
  if (word.starts_with("-")) {
    // "--" ends the options: what follows is for CLI11 to judge.
    if (word == "-h" || word == "--help" || word == "--version" || word == "--") return true;
    static constexpr std::string_view options[] = {"help", "version"};
    std::string_view bare = word;
    bare.remove_prefix(std::min(bare.find_first_not_of('-'), bare.size()));
    const auto nearest =
        bare.empty() ? std::nullopt : nearest_word(bare.substr(0, bare.find('=')), options);
    fmt::print(stderr, "etwcat: unknown option \"{}\"{}\nRun `etwcat --help` for usage.\n", word,
               nearest ? fmt::format("; did you mean \"--{}\"?", *nearest) : std::string());
    return false;
  }
  std::vector<std::string_view> names;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (sub->get_name() == word) return true;
    names.push_back(sub->get_name());
  }
  std::string detail;
  if (const auto nearest = nearest_word(word, names)) {
    detail = fmt::format("; did you mean \"{}\"?", *nearest);
  } else {
    detail = " (the commands are:";
    for (std::string_view name : names) detail += fmt::format(" {}", name);
    detail += ")";
  }
  fmt::print(stderr, "etwcat: unknown command \"{}\"{}\nRun `etwcat --help` for usage.\n", word,
             detail);
  return false;
}

// CLI11 says "The following argument was not expected: --fromat"; say which command it was
// given to and which option was probably meant. Nothing when no such word is found.
std::optional<std::string> unknown_option_message(const CLI::App& app,
                                                  const std::vector<std::string>& args) {
  if (args.size() < 3) return std::nullopt;
  const CLI::App* command = nullptr;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (sub->get_name() == args[1]) command = sub;
  }
  if (command == nullptr) return std::nullopt;
  std::vector<std::string> names;
  for (const CLI::Option* option : command->get_options()) {
    for (const std::string& name : option->get_lnames()) names.push_back("--" + name);
    for (const std::string& name : option->get_snames()) names.push_back("-" + name);
  }
  for (std::size_t i = 2; i < args.size(); ++i) {
    const std::string& word = args[i];
    if (word == "--") break;
    if (word.size() < 2 || word[0] != '-') continue;
    const std::string name = word.substr(0, word.find('='));
    if (std::find(names.begin(), names.end(), name) != names.end()) continue;
    const std::vector<std::string_view> candidates(names.begin(), names.end());
    const auto nearest = nearest_word(name, candidates);
    return fmt::format("{}: unknown option \"{}\"{}", command->get_name(), name,
                       nearest ? fmt::format("; did you mean \"{}\"?", *nearest) : "");
  }
  return std::nullopt;
}

}  // namespace

int run_command_line(const std::vector<std::string>& args, live::etw_api* etw) {
  CLI::App app{
      "etwcat: Event Tracing for Windows from the command line: providers, sessions, "
      "and .etl files as JSON lines or text.",
      "etwcat"};
  app.set_version_flag("--version", "etwcat " ETWCAT_VERSION);
  app.require_subcommand(1);

  providers_options providers;
  CLI::App* providers_command = add_providers_command(app, providers);
  dump_options dump;
  CLI::App* dump_command = add_dump_command(app, dump);
  live_options live;
  CLI::App* live_command = add_live_command(app, live);
  start_options start;
  CLI::App* start_command = add_start_command(app, start);
  stop_options stop;
  CLI::App* stop_command = add_stop_command(app, stop);
  sessions_options sessions;
  CLI::App* sessions_command = add_sessions_command(app, sessions);

  if (!first_word_is_known(app, args)) return exit_usage;
  std::vector<const char*> arg_pointers;
  for (const auto& a : args) arg_pointers.push_back(a.c_str());
  try {
    app.parse(static_cast<int>(arg_pointers.size()), arg_pointers.data());
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) {  // --help, --version: what they print must arrive too
      app.exit(e);
      return finish_stdout();
    }
    std::optional<std::string> message;
    if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr) {
      message = unknown_option_message(app, args);
    }
    fmt::print(stderr, "etwcat: {}\nRun `etwcat --help` for usage.\n",
               message ? *message : e.what());
    return exit_usage;
  }

  try {
    if (providers_command->parsed()) return run_providers(providers);
    if (dump_command->parsed()) return run_dump(dump);
    if (live_command->parsed()) return run_live(live, etw);
    if (start_command->parsed()) return run_start(start, etw);
    if (stop_command->parsed()) return run_stop(stop, etw);
    if (sessions_command->parsed()) return run_sessions(sessions, etw);
  } catch (const usage_error& e) {
    fmt::print(stderr, "etwcat: {}\n", e.what());
    return exit_usage;
  } catch (const std::bad_alloc&) {
    // Caught, so that the stack unwinds: a session this run started is stopped on the way.
    fmt::print(stderr, "etwcat: out of memory\n");
    return exit_usage_or_system_error;
  } catch (const std::exception& e) {
    fmt::print(stderr, "etwcat: {}\n", e.what());
    return exit_usage_or_system_error;
  }
  return exit_usage;
}

}  // namespace etwcat::cmd
