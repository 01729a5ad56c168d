#include "cmd/interruption.h"

#include <atomic>
#include <csignal>
#include <mutex>

#include "lib/base/output_file.h"

#ifdef _WIN32
#include <windows.h>
#endif

namespace etwcat::cmd {
namespace {

std::atomic<int> interruptions{0};
static_assert(std::atomic<int>::is_always_lock_free, "used from a signal handler");

std::mutex last_words_mutex;
std::function<void()> last_words_now;

#ifdef _WIN32
std::atomic<bool> scope_ended{false};

BOOL WINAPI on_console_control(DWORD type) {
  // Closing the console, logging off, shutting down: Windows ends the process when a handler
  // returns (or after about 5 s). Let the run end by itself meanwhile, if it can.
  const bool closing =
      type == CTRL_CLOSE_EVENT || type == CTRL_LOGOFF_EVENT || type == CTRL_SHUTDOWN_EVENT;
  if (interruptions.fetch_add(1) == 0 && !closing) return TRUE;  // the run ends by itself
  for (int waited = 0; closing && waited < 40 && !scope_ended.load(); ++waited) Sleep(100);
  {
    std::lock_guard lock(last_words_mutex);
    if (last_words_now) last_words_now();  // the session must not outlive the process
  }
  output_file::remove_temporary_on_signal();
  return FALSE;  // the default, which ends the process
}
#else
constexpr int caught_signals[] = {SIGHUP, SIGINT, SIGTERM};
struct sigaction previous[sizeof caught_signals / sizeof caught_signals[0]];

extern "C" void on_interruption(int signal_number) {
  if (interruptions.fetch_add(1) == 0) return;
  output_file::remove_temporary_on_signal();
  std::signal(signal_number, SIG_DFL);
  std::raise(signal_number);
}
#endif

}  // namespace

interruption_scope::interruption_scope() {
  reset_interruption();
#ifdef _WIN32
  scope_ended.store(false);
  SetConsoleCtrlHandler(on_console_control, TRUE);
#else
  for (std::size_t i = 0; i < std::size(caught_signals); ++i) {
    struct sigaction action {};
    sigaction(caught_signals[i], nullptr, &previous[i]);
    if (previous[i].sa_handler == SIG_IGN) continue;
    action.sa_handler = on_interruption;
    sigemptyset(&action.sa_mask);
    sigaction(caught_signals[i], &action, nullptr);
  }
#endif
}

interruption_scope::~interruption_scope() {
  set_last_words({});
#ifdef _WIN32
  scope_ended.store(true);
  SetConsoleCtrlHandler(on_console_control, FALSE);
#else
  for (std::size_t i = 0; i < std::size(caught_signals); ++i) {
    sigaction(caught_signals[i], &previous[i], nullptr);
  }
#endif
}

void set_last_words(std::function<void()> last_words) {
  std::lock_guard lock(last_words_mutex);
  last_words_now = std::move(last_words);
}

bool interrupted() noexcept { return interruptions.load() != 0; }
void request_interruption() noexcept { interruptions.fetch_add(1); }
void reset_interruption() noexcept { interruptions.store(0); }

}  // namespace etwcat::cmd
