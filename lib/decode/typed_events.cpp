// typed_events: maps (class GUID, type) or (provider, event id) to a view, and reads the
// fields by the names the schemas give them.
#include "lib/decode/typed_events.h"

namespace etwcat::decode {
namespace {

constexpr guid process_class{
    0x3D6FA8D0, 0xFE05, 0x11D0, {0x9D, 0xDA, 0x00, 0xC0, 0x4F, 0xD7, 0xBA, 0x7C}};
constexpr guid image_class{
    0x2CB15D1D, 0x5FC1, 0x11D2, {0xAB, 0xE1, 0x00, 0xA0, 0xC9, 0x11, 0xF5, 0x18}};
constexpr guid file_io_class{
    0x90CBDC39, 0x4A3E, 0x11D1, {0x84, 0xF4, 0x00, 0x00, 0xF8, 0x04, 0x64, 0xE3}};
constexpr guid registry_class{
    0xAE53722E, 0xC863, 0x11D2, {0x86, 0x59, 0x00, 0xC0, 0x4F, 0xA3, 0x21, 0xA1}};
constexpr guid tcp_ip_class{
    0x9A280AC0, 0xC8E0, 0x11D1, {0x84, 0xE2, 0x00, 0xC0, 0x4F, 0xB9, 0x98, 0xA2}};
// Microsoft-Windows-Kernel-Process, the manifest provider of Windows 7 and later.
constexpr guid kernel_process_provider{
    0x22FB2CD6, 0x0E7B, 0x422B, {0xA0, 0xC7, 0x2F, 0xAD, 0x1F, 0xD0, 0xE7, 0x16}};

// Field readers: the first top-level field of a name (any case), as the schema typed it.
class fields {
 public:
  explicit fields(const event_data& data) : data_(data) {}

  std::uint64_t number(std::string_view name) const { return data_.integer(name).value_or(0); }
  std::string_view text(std::string_view name) const {
    const data_item* item = data_.find(name);
    return item != nullptr ? data_.text(*item) : std::string_view();
  }

 private:
  const event_data& data_;
};

template <class T>
T image_view(const fields& f, bool rundown) {
  T view;
  view.rundown = rundown;
  view.image_base = f.number("ImageBase");
  view.image_size = f.number("ImageSize");
  view.process_id = static_cast<std::uint32_t>(f.number("ProcessID"));
  view.file_name = f.text("FileName");
  return view;
}

typed_event kernel_process(const fields& f, std::uint8_t type) {
  if (type == 1 || type == 3) {
    process_start view;
    view.rundown = type == 3;
    view.process_id = static_cast<std::uint32_t>(f.number("ProcessID"));
    view.parent_id = static_cast<std::uint32_t>(f.number("ParentID"));
    view.session_id = static_cast<std::uint32_t>(f.number("SessionID"));
    view.image_name = f.text("ImageFileName");
    view.command_line = f.text("CommandLine");
    view.user_sid = f.text("UserSID");
    return view;
  }
  if (type == 2 || type == 4) {
    process_end view;
    view.rundown = type == 4;
    view.process_id = static_cast<std::uint32_t>(f.number("ProcessID"));
    view.exit_status = static_cast<std::int32_t>(f.number("ExitStatus"));
    view.image_name = f.text("ImageFileName");
    return view;
  }
  if (type == 10) return image_view<image_load>(f, false);  // image loads logged as Process/10
  return std::monostate{};
}

typed_event kernel_image(const fields& f, std::uint8_t type) {
  switch (type) {
    case 10:
    case 3:
      return image_view<image_load>(f, type == 3);
    case 2:
    case 4:
      return image_view<image_unload>(f, type == 4);
    default:
      return std::monostate{};
  }
}

typed_event kernel_file_io(const fields& f, std::uint8_t type) {
  file_io view;
  switch (type) {
    case 0:
      view.operation = file_io_operation::name;
      break;
    case 32:
      view.operation = file_io_operation::file_create;
      break;
    case 35:
      view.operation = file_io_operation::file_delete;
      break;
    case 36:
      view.operation = file_io_operation::file_rundown;
      break;
    case 64:
      view.operation = file_io_operation::create;
      break;
    case 65:
      view.operation = file_io_operation::cleanup;
      break;
    case 66:
      view.operation = file_io_operation::close;
      break;
    case 67:
      view.operation = file_io_operation::read;
      break;
    case 68:
      view.operation = file_io_operation::write;
      break;
    case 69:
      view.operation = file_io_operation::set_info;
      break;
    case 70:
      view.operation = file_io_operation::delete_;
      break;
    case 71:
      view.operation = file_io_operation::rename;
      break;
    case 72:
      view.operation = file_io_operation::directory_enumeration;
      break;
    case 73:
      view.operation = file_io_operation::flush;
      break;
    case 74:
      view.operation = file_io_operation::query_info;
      break;
    case 75:
      view.operation = file_io_operation::fs_control;
      break;
    case 76:
      view.operation = file_io_operation::operation_end;
      break;
    case 77:
      view.operation = file_io_operation::directory_notify;
      break;
    case 80:
      view.operation = file_io_operation::rename_path;
      break;
    default:
      return std::monostate{};
  }
  view.file_object = f.number("FileObject");
  view.file_key = f.number("FileKey");
  view.irp = f.number("IrpPtr");
  view.offset = f.number("Offset");
  view.io_size = static_cast<std::uint32_t>(f.number("IoSize"));
  view.thread_id = static_cast<std::uint32_t>(f.number("TTID"));
  view.file_name = f.text("FileName");
  if (view.file_name.empty()) view.file_name = f.text("OpenPath");
  return view;
}

typed_event kernel_registry(const fields& f, std::uint8_t type) {
  registry_event view;
  view.type = type;
  view.operation = type >= 10 && type <= 29 ? static_cast<registry_operation>(type - 10)
                                            : registry_operation::other;
  view.status = static_cast<std::uint32_t>(f.number("Status"));
  view.key_handle = f.number("KeyHandle");
  view.key_name = f.text("KeyName");
  return view;
}

typed_event kernel_tcp(const fields& f, std::uint8_t type) {
  tcp_event view;
  view.ipv6 = type >= 26;
  const int base = view.ipv6 ? type - 16 : type;
  if (base < 10 || base > 18) return std::monostate{};
  view.operation = static_cast<tcp_operation>(base - 10);
  view.process_id = static_cast<std::uint32_t>(f.number("PID"));
  view.size = static_cast<std::uint32_t>(f.number("size"));
  view.source_address = f.text("saddr");
  view.destination_address = f.text("daddr");
  view.source_port = static_cast<std::uint16_t>(f.number("sport"));
  view.destination_port = static_cast<std::uint16_t>(f.number("dport"));
  return view;
}

// Kernel-Process manifest events (ProcessStart = 1, ProcessStop = 2, ImageLoad = 5,
// ImageUnload = 6), named as its manifest names them.
typed_event manifest_process(const fields& f, std::uint16_t id) {
  switch (id) {
    case 1: {
      process_start view;
      view.process_id = static_cast<std::uint32_t>(f.number("ProcessID"));
      view.parent_id = static_cast<std::uint32_t>(f.number("ParentProcessID"));
      view.session_id = static_cast<std::uint32_t>(f.number("SessionID"));
      view.image_name = f.text("ImageName");
      return view;
    }
    case 2: {
      process_end view;
      view.process_id = static_cast<std::uint32_t>(f.number("ProcessID"));
      view.exit_status = static_cast<std::int32_t>(f.number("ExitCode"));
      view.image_name = f.text("ImageName");
      return view;
    }
    case 5:
    case 6: {
      auto fill = [&](auto view) {
        view.image_base = f.number("ImageBase");
        view.image_size = f.number("ImageSize");
        view.process_id = static_cast<std::uint32_t>(f.number("ProcessID"));
        view.file_name = f.text("ImageName");
        return typed_event(view);
      };
      return id == 5 ? fill(image_load{}) : fill(image_unload{});
    }
    default:
      return std::monostate{};
  }
}

}  // namespace

typed_event typed_view(const event& e) {
  if (!e.payload_decoded) return std::monostate{};
  const fields f(e.data);
  if (e.is_classic) {
    const std::uint8_t type = e.classic_type;
    if (e.provider_guid == process_class) return kernel_process(f, type);
    if (e.provider_guid == image_class) return kernel_image(f, type);
    if (e.provider_guid == file_io_class) return kernel_file_io(f, type);
    if (e.provider_guid == registry_class) return kernel_registry(f, type);
    if (e.provider_guid == tcp_ip_class) return kernel_tcp(f, type);
    return std::monostate{};
  }
  if (e.has_event_id && e.provider_guid == kernel_process_provider) {
    return manifest_process(f, e.event_id);
  }
  return std::monostate{};
}

}  // namespace etwcat::decode
