// etwcat: argv -> options (CLI11) -> the command. Exit codes (cmd/output.h): 0 success,
// 1 damaged input, lost events or decode errors, 2 usage or system errors.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "cmd/dump_command.h"
#include "cmd/nearest_word.h"
#include "cmd/output.h"
#include "cmd/providers_command.h"
#include "lib/base/output_file.h"
#include "lib/base/usage_error.h"

#ifdef _WIN32
#include <fcntl.h>
#include <io.h>
#include <windows.h>
// windows.h first: shellapi.h needs its types.
#include <shellapi.h>

#include "lib/base/unicode.h"
#endif

#ifndef ETWCAT_VERSION
#define ETWCAT_VERSION "0.0.0"
#endif

namespace {

constexpr int exit_usage = etwcat::cmd::exit_usage_or_system_error;

// Subcommands that exist in --help but whose issue has not landed yet.
struct pending_command {
  const char* name;
  const char* description;
};
constexpr pending_command pending_commands[] = {
    {"start", "Start a trace session that logs to an .etl file (not available yet)"},
    {"stop", "Stop a trace session by name (not available yet)"},
    {"live", "Stream events of a real-time session (not available yet)"},
};

// On Windows argv is in the ANSI code page; take the UTF-16 command line so
// provider names and paths keep every character.
std::vector<std::string> utf8_arguments(int argc, char** argv) {
  std::vector<std::string> args;
#ifdef _WIN32
  (void)argc;
  (void)argv;
  int count = 0;
  wchar_t** wide = CommandLineToArgvW(GetCommandLineW(), &count);
  for (int i = 0; wide && i < count; ++i) {
    std::string utf8;
    etwcat::append_utf16_as_utf8(utf8, reinterpret_cast<const char16_t*>(wide[i]));
    args.push_back(std::move(utf8));
  }
  if (wide) LocalFree(wide);
  SetConsoleOutputCP(CP_UTF8);
#else
  args.assign(argv, argv + argc);
#endif
  return args;
}

// Interrupted or killed: a `-o FILE` being written must not leave its temporary file behind.
extern "C" void on_terminating_signal(int signal_number) {
  etwcat::output_file::remove_temporary_on_signal();
  std::signal(signal_number, SIG_DFL);
  std::raise(signal_number);
}

#ifdef _WIN32
BOOL WINAPI on_console_control(DWORD) {
  etwcat::output_file::remove_temporary_on_signal();
  return FALSE;  // and then the default: end the process
}
#endif

// Installs the handler for the signals that end a run, except those the caller ignores (nohup,
// a background job): those stay ignored.
void clean_up_on_termination() {
#ifdef _WIN32
  SetConsoleCtrlHandler(on_console_control, TRUE);
#else
  std::signal(SIGPIPE, SIG_IGN);  // a closed pipe is EPIPE, which ends output quietly
  std::signal(SIGXFSZ, SIG_IGN);  // a file-size limit is EFBIG, reported like a full disk
  for (int signal_number : {SIGHUP, SIGINT, SIGQUIT, SIGTERM}) {
    struct sigaction old {};
    if (sigaction(signal_number, nullptr, &old) == 0 && old.sa_handler == SIG_IGN) continue;
    std::signal(signal_number, on_terminating_signal);
  }
#endif
}

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
    const auto nearest = bare.empty()
                             ? std::nullopt
                             : etwcat::cmd::nearest_word(bare.substr(0, bare.find('=')), options);
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
  if (const auto nearest = etwcat::cmd::nearest_word(word, names)) {
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
    const auto nearest = etwcat::cmd::nearest_word(name, candidates);
    return fmt::format("{}: unknown option \"{}\"{}", command->get_name(), name,
                       nearest ? fmt::format("; did you mean \"{}\"?", *nearest) : "");
  }
  return std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
#ifdef _WIN32
  // Bytes as they are: JSON lines must not gain a CR on Windows (as jq and ripgrep write them).
  _setmode(_fileno(stdout), _O_BINARY);
#endif
  clean_up_on_termination();
  CLI::App app{
      "etwcat: Event Tracing for Windows from the command line: providers, sessions, "
      "and .etl files as JSON lines or text.",
      "etwcat"};
  app.set_version_flag("--version", "etwcat " ETWCAT_VERSION);
  app.require_subcommand(1);

  etwcat::cmd::providers_options providers;
  CLI::App* providers_command = etwcat::cmd::add_providers_command(app, providers);
  etwcat::cmd::dump_options dump;
  CLI::App* dump_command = etwcat::cmd::add_dump_command(app, dump);
  std::vector<std::pair<const pending_command*, CLI::App*>> pending;
  for (const auto& command : pending_commands) {
    CLI::App* sub = app.add_subcommand(command.name, command.description);
    sub->allow_extras();  // accept anything: the command itself is what is missing
    pending.emplace_back(&command, sub);
  }

  std::vector<std::string> args = utf8_arguments(argc, argv);
  if (!first_word_is_known(app, args)) return exit_usage;
  std::vector<const char*> arg_pointers;
  for (const auto& a : args) arg_pointers.push_back(a.c_str());
  try {
    app.parse(static_cast<int>(arg_pointers.size()), arg_pointers.data());
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) {  // --help, --version: what they print must arrive too
      app.exit(e);
      return etwcat::cmd::finish_stdout();
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
    if (providers_command->parsed()) return etwcat::cmd::run_providers(providers);
    if (dump_command->parsed()) return etwcat::cmd::run_dump(dump);
    for (const auto& [command, sub] : pending) {
      if (sub->parsed()) {
        fmt::print(stderr, "etwcat {}: not available yet in this version\n", command->name);
        return exit_usage;
      }
    }
  } catch (const etwcat::usage_error& e) {
    fmt::print(stderr, "etwcat: {}\n", e.what());
    return exit_usage;
  }
  return exit_usage;
}
