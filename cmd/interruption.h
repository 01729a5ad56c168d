// interruption: Ctrl-C as `live` needs it. A first Ctrl-C (SIGINT, SIGTERM, SIGHUP, or the
// console's Ctrl-C / Ctrl-Break / close) asks the run to end cleanly — stop the session, write
// what was queued, report loss — instead of killing the process; a second one ends it at once,
// as before. Signals the caller ignores (nohup) stay ignored.
#pragma once

#include <functional>

namespace etwcat::cmd {

/// While it lives, interruptions are caught and counted instead of ending the process.
class interruption_scope {
 public:
  interruption_scope();
  ~interruption_scope();
  interruption_scope(const interruption_scope&) = delete;
  interruption_scope& operator=(const interruption_scope&) = delete;
};

/// What must happen before a second interruption ends the process — stopping the session, which
/// would otherwise outlive it. Windows runs console handlers on a thread of their own, where this
/// may call ETW; elsewhere (no ETW) it is not called. Empty: nothing.
void set_last_words(std::function<void()> last_words);

/// True once an interruption arrived (since the last reset()).
bool interrupted() noexcept;

/// What a Ctrl-C does, for tests and for a run's own limits.
void request_interruption() noexcept;

/// Forgets earlier interruptions: a new run starts uninterrupted.
void reset_interruption() noexcept;

}  // namespace etwcat::cmd
