// etwcat: the process around the command line (cmd/command_line.h): argv in UTF-8, signals,
// binary standard output. Exit codes (cmd/output.h): 0 success, 1 damaged input, lost events
// or decode errors, 2 usage or system errors.
#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include "cmd/command_line.h"
#include "lib/base/output_file.h"
#include "lib/live/etw_api.h"

#ifdef _WIN32
#include <fcntl.h>
#include <io.h>
#include <windows.h>
// windows.h first: shellapi.h needs its types.
#include <shellapi.h>

#include "lib/base/unicode.h"
#endif

namespace {

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

}  // namespace

int main(int argc, char** argv) {
#ifdef _WIN32
  // Bytes as they are: JSON lines must not gain a CR on Windows (as jq and ripgrep write them).
  _setmode(_fileno(stdout), _O_BINARY);
#endif
  clean_up_on_termination();
  // The machine's ETW; nullptr outside Windows, and the live commands say so.
  return etwcat::cmd::run_command_line(utf8_arguments(argc, argv), etwcat::live::system_etw());
}
