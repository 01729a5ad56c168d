// Controller side of a live session: EVENT_TRACE_PROPERTIES, StartTraceW,
// EnableTraceEx2 with an EVENT_FILTER_EVENT_ID filter, ControlTraceW(STOP).
#include "lib/live/session.h"

#include <utility>

#ifdef _WIN32
#include <windows.h>
// windows.h first: the ETW headers need its types.
#include <evntcons.h>
#include <evntrace.h>

#include <cstring>

#include "lib/base/unicode.h"

// Older mingw-w64 headers lack the Windows 8.1 filter types.
#ifndef EVENT_FILTER_TYPE_EVENT_ID
#define EVENT_FILTER_TYPE_EVENT_ID 0x80000200
#endif
#endif

namespace etwcat::live {

#ifdef _WIN32

namespace {

constexpr const char16_t kernel_logger_name[] = u"NT Kernel Logger";
// SystemTraceControlGuid, spelled out: mingw's import libraries lack it.
constexpr GUID system_trace_control_guid = {
    0x9e814aad, 0x3204, 0x11d2, {0x9a, 0x82, 0x00, 0x60, 0x08, 0xa8, 0x69, 0x39}};

// EVENT_TRACE_PROPERTIES followed by room for the session name, as ETW wants.
struct properties_block {
  std::vector<unsigned char> bytes;
  EVENT_TRACE_PROPERTIES* get() { return reinterpret_cast<EVENT_TRACE_PROPERTIES*>(bytes.data()); }
};

properties_block make_properties(const std::u16string& wide_name) {
  properties_block block;
  const std::size_t name_bytes = (wide_name.size() + 1) * sizeof(char16_t);
  block.bytes.assign(sizeof(EVENT_TRACE_PROPERTIES) + name_bytes + 2 * 1024, 0);
  auto* p = block.get();
  p->Wnode.BufferSize = static_cast<ULONG>(block.bytes.size());
  p->Wnode.Flags = WNODE_FLAG_TRACED_GUID;
  p->Wnode.ClientContext = 1;  // QPC clock
  p->LoggerNameOffset = sizeof(EVENT_TRACE_PROPERTIES);
  std::memcpy(block.bytes.data() + p->LoggerNameOffset, wide_name.c_str(), name_bytes);
  return block;
}

error win32_failure(const char* what, const std::string& name, ULONG status) {
  std::string message =
      std::string(what) + " \"" + name + "\" failed: Win32 error " + std::to_string(status);
  if (status == ERROR_ACCESS_DENIED) message += " (access denied: run as administrator)";
  if (status == ERROR_ALREADY_EXISTS) message += " (a session with this name already runs)";
  return error{message, 0};
}

GUID to_win32(const guid& g) {
  GUID out;
  out.Data1 = g.data1;
  out.Data2 = g.data2;
  out.Data3 = g.data3;
  for (int i = 0; i < 8; ++i) out.Data4[i] = g.data4[i];
  return out;
}

result<void> enable(TRACEHANDLE handle, const std::string& session_name,
                    const provider::provider& p) {
  GUID id = to_win32(p.id);
  ENABLE_TRACE_PARAMETERS parameters{};
  parameters.Version = ENABLE_TRACE_PARAMETERS_VERSION_2;
  std::vector<unsigned char> filter_bytes;
  EVENT_FILTER_DESCRIPTOR descriptor{};
  if (!p.event_ids.empty()) {
    // EVENT_FILTER_EVENT_ID: FilterIn, Reserved, Count, then Count USHORTs.
    const std::size_t size = 4 + 2 * p.event_ids.size();
    filter_bytes.assign(size, 0);
    filter_bytes[0] = p.exclude_event_ids ? 0 : 1;
    const auto count = static_cast<unsigned short>(p.event_ids.size());
    std::memcpy(filter_bytes.data() + 2, &count, 2);
    std::memcpy(filter_bytes.data() + 4, p.event_ids.data(), 2 * p.event_ids.size());
    descriptor.Ptr = reinterpret_cast<ULONGLONG>(filter_bytes.data());
    descriptor.Size = static_cast<ULONG>(size);
    descriptor.Type = EVENT_FILTER_TYPE_EVENT_ID;
    parameters.EnableFilterDesc = &descriptor;
    parameters.FilterDescCount = 1;
  }
  ULONG status = EnableTraceEx2(handle, &id, EVENT_CONTROL_CODE_ENABLE_PROVIDER, p.level,
                                p.match_any_keyword, p.match_all_keyword, 0, &parameters);
  if (status != ERROR_SUCCESS) return win32_failure("enabling a provider in", session_name, status);
  return {};
}

}  // namespace

bool live_tracing_supported() noexcept { return true; }

result<session> session::start(const session_options& options) {
  const bool kernel = options.kernel_flags != 0;
  std::u16string wide_name =
      kernel ? std::u16string(kernel_logger_name) : utf8_to_utf16(options.name);
  properties_block block = make_properties(wide_name);
  auto* p = block.get();
  p->BufferSize = options.buffer_size_kb;
  p->MinimumBuffers = options.minimum_buffers;
  p->MaximumBuffers = options.maximum_buffers;
  p->LogFileMode = EVENT_TRACE_REAL_TIME_MODE;
  if (kernel) {
    p->Wnode.Guid = system_trace_control_guid;
    p->EnableFlags = options.kernel_flags;
  }
  TRACEHANDLE handle = 0;
  ULONG status = StartTraceW(&handle, reinterpret_cast<LPCWSTR>(wide_name.c_str()), p);
  std::string name;
  append_utf16_as_utf8(name, wide_name);
  if (status != ERROR_SUCCESS) return win32_failure("starting session", name, status);
  session started;
  started.name_ = name;
  started.handle_ = handle;
  for (const auto& provider : options.providers) {
    auto enabled = enable(handle, name, provider);
    if (!enabled) {
      auto failure = enabled.failure();
      (void)started.stop();
      return failure;
    }
  }
  return started;
}

result<void> session::stop_by_name(const std::string& name) {
  std::u16string wide_name = utf8_to_utf16(name);
  properties_block block = make_properties(wide_name);
  ULONG status = ControlTraceW(0, reinterpret_cast<LPCWSTR>(wide_name.c_str()), block.get(),
                               EVENT_TRACE_CONTROL_STOP);
  if (status != ERROR_SUCCESS) return win32_failure("stopping session", name, status);
  return {};
}

result<void> session::stop() {
  if (handle_ == 0) return {};
  std::u16string wide_name = utf8_to_utf16(name_);
  properties_block block = make_properties(wide_name);
  ULONG status = ControlTraceW(static_cast<TRACEHANDLE>(handle_), nullptr, block.get(),
                               EVENT_TRACE_CONTROL_STOP);
  handle_ = 0;
  if (status != ERROR_SUCCESS) return win32_failure("stopping session", name_, status);
  return {};
}

#else

namespace {
error no_etw() {
  return error{
      "live tracing needs Windows (ETW); on this system read .etl files with `etwcat dump`", 0};
}
}  // namespace

bool live_tracing_supported() noexcept { return false; }
result<session> session::start(const session_options&) { return no_etw(); }
result<void> session::stop_by_name(const std::string&) { return no_etw(); }
result<void> session::stop() { return {}; }

#endif

session::session(session&& other) noexcept
    : name_(std::move(other.name_)), handle_(std::exchange(other.handle_, 0)) {}

session& session::operator=(session&& other) noexcept {
  if (this != &other) {
    (void)stop();
    name_ = std::move(other.name_);
    handle_ = std::exchange(other.handle_, 0);
  }
  return *this;
}

session::~session() { (void)stop(); }

}  // namespace etwcat::live
