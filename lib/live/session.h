// session: a real-time ETW trace session (StartTrace + EnableTraceEx2), the
// start of every live capture. Windows only; elsewhere start() says so.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lib/base/result.h"
#include "lib/provider/provider.h"

namespace etwcat::live {

/// True where live tracing exists (Windows); false on Linux, macOS, …
bool live_tracing_supported() noexcept;

struct session_options {
  std::string name = "etwcat";
  std::uint32_t buffer_size_kb = 64;
  std::uint32_t minimum_buffers = 0;  // 0: let ETW choose
  std::uint32_t maximum_buffers = 0;
  std::uint32_t kernel_flags = 0;  // EVENT_TRACE_FLAG_*; for the NT Kernel Logger
  std::vector<provider::provider> providers;
};

/// A started session; stop() (or the destructor) ends it.
class session {
 public:
  /// Starts a real-time session and enables its providers. Fails with the
  /// Win32 status in the message (e.g. access denied: not administrator).
  static result<session> start(const session_options& options);

  /// Stops the session with this name, started by anyone (`etwcat stop`).
  static result<void> stop_by_name(const std::string& name);

  session(session&& other) noexcept;
  session& operator=(session&& other) noexcept;
  session(const session&) = delete;
  session& operator=(const session&) = delete;
  ~session();

  result<void> stop();
  const std::string& name() const noexcept { return name_; }

 private:
  session() = default;
  std::string name_;
  std::uint64_t handle_ = 0;  // TRACEHANDLE
};

}  // namespace etwcat::live
