// typed_events: typed views of the event kinds most programs want — process start/end, image
// load/unload, file I/O, registry and TCP — over a decoded event, whichever schema decoded it
// (the built-in kernel layouts or the Microsoft-Windows-Kernel-Process manifest). Views hold
// string_views into the event: they are valid while the event is.
//
//   decode::decoder decoder;
//   while (reader.next(record)) {
//     fill_event(record, clock, e);
//     decoder.decode(record, e);
//     if (auto* start = std::get_if<decode::process_start>(&(view = decode::typed_view(e))))
//       printf("%u %.*s\n", start->process_id, int(start->image_name.size()),
//              start->image_name.data());
//   }
#pragma once

#include <cstdint>
#include <string_view>
#include <variant>

#include "lib/event/event.h"

namespace etwcat::decode {

struct process_start {
  bool rundown = false;  // DCStart: a process that was running when the trace started
  std::uint32_t process_id = 0;
  std::uint32_t parent_id = 0;
  std::uint32_t session_id = 0;
  std::string_view image_name;    // "notepad.exe" (kernel) or the image path (Kernel-Process)
  std::string_view command_line;  // empty when the event has none
  std::string_view user_sid;      // "S-1-5-18"; empty when the event has none
};

struct process_end {
  bool rundown = false;  // DCEnd
  std::uint32_t process_id = 0;
  std::int32_t exit_status = 0;
  std::string_view image_name;
};

struct image_load {
  bool rundown = false;  // DCStart
  std::uint64_t image_base = 0;
  std::uint64_t image_size = 0;
  std::uint32_t process_id = 0;
  std::string_view file_name;  // NT path: \Device\HarddiskVolume2\…
};

struct image_unload {
  bool rundown = false;  // DCEnd
  std::uint64_t image_base = 0;
  std::uint64_t image_size = 0;
  std::uint32_t process_id = 0;
  std::string_view file_name;
};

enum class file_io_operation : std::uint8_t {
  name,          // FileIo/Name: a file object's name
  file_create,   // FileIo/FileCreate
  file_delete,   // FileIo/FileDelete
  file_rundown,  // FileIo/FileRundown
  create,
  cleanup,
  close,
  read,
  write,
  set_info,
  delete_,
  rename,
  directory_enumeration,
  flush,
  query_info,
  fs_control,
  operation_end,
  directory_notify,
  rename_path,
};

struct file_io {
  file_io_operation operation = file_io_operation::name;
  std::uint64_t file_object = 0;
  std::uint64_t file_key = 0;
  std::uint64_t irp = 0;
  std::uint64_t offset = 0;     // read/write
  std::uint32_t io_size = 0;    // read/write
  std::uint32_t thread_id = 0;  // the issuing thread (TTID), when the event names it
  std::string_view file_name;   // name events, create (OpenPath), directory events
};

enum class registry_operation : std::uint8_t {
  create,
  open,
  delete_,
  query,
  set_value,
  delete_value,
  query_value,
  enumerate_key,
  enumerate_value_key,
  query_multiple_value,
  set_information,
  flush,
  kcb_create,
  kcb_delete,
  kcb_rundown_begin,
  kcb_rundown_end,
  virtualize,
  close,
  set_security,
  query_security,
  other,
};

struct registry_event {
  registry_operation operation = registry_operation::other;
  std::uint8_t type = 0;  // the kernel event type, for `other`
  std::uint32_t status = 0;
  std::uint64_t key_handle = 0;  // the key control block address
  std::string_view key_name;     // often relative to key_handle's key
};

enum class tcp_operation : std::uint8_t {
  send,
  receive,
  connect,
  disconnect,
  retransmit,
  accept,
  reconnect,
  fail,
  copy,
};

struct tcp_event {
  tcp_operation operation = tcp_operation::send;
  bool ipv6 = false;
  std::uint32_t process_id = 0;
  std::uint32_t size = 0;
  std::string_view source_address;  // "10.0.0.1", "2001:db8::1"
  std::string_view destination_address;
  std::uint16_t source_port = 0;
  std::uint16_t destination_port = 0;
};

using typed_event = std::variant<std::monostate, process_start, process_end, image_load,
                                 image_unload, file_io, registry_event, tcp_event>;

/// The typed view of `e`, or std::monostate for other events (and for events whose payload
/// did not decode).
typed_event typed_view(const event& e);

}  // namespace etwcat::decode
