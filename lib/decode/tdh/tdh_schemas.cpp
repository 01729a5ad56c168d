// tdh_schemas: the fallback over any tdh_source (portable), and on Windows the calls into tdh.dll
// behind it and behind tdh_provider_details. Elsewhere there is nothing to ask.
#include "lib/decode/tdh/tdh_schemas.h"

#include <utility>

#include "lib/decode/tdh/tdh_blobs.h"
#include "lib/decode/tdh/tdh_record.h"

#ifdef _WIN32
#include <windows.h>
// windows.h first: tdh.h needs its types.
#include <tdh.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "lib/base/byte_cursor.h"
#include "lib/base/os_error.h"
#include "lib/base/unicode.h"
#include "lib/decode/tdh/event_info.h"
#endif

namespace etwcat::decode {

namespace {

class tdh_fallback final : public schema_fallback {
 public:
  explicit tdh_fallback(std::unique_ptr<tdh_source> source) : source_(std::move(source)) {}

  schema_ptr find(const etl::record_view& record) override {
    const live::event_record asked = tdh_event_record(record);
    const std::span<const std::byte> info = source_->event_information(asked);
    if (info.empty()) return nullptr;
    auto schema = schema_from_event_info(info, [&](std::string_view map_name) {
      return source_->event_map_information(asked, map_name);
    });
    // An answer that does not read is no schema: the decoder then shows the payload raw.
    return schema.ok() ? std::move(schema).value() : nullptr;
  }

 private:
  std::unique_ptr<tdh_source> source_;
};

}  // namespace

std::unique_ptr<schema_fallback> make_tdh_fallback(std::unique_ptr<tdh_source> source) {
  if (!source) return nullptr;
  return std::make_unique<tdh_fallback>(std::move(source));
}

#ifdef _WIN32

namespace {

static_assert(sizeof(live::event_record) == sizeof(EVENT_RECORD));
static_assert(offsetof(live::event_record, user_data) == offsetof(EVENT_RECORD, UserData));
static_assert(offsetof(live::event_record, user_data_length) ==
              offsetof(EVENT_RECORD, UserDataLength));
static_assert(sizeof(etl::event_descriptor) == sizeof(EVENT_DESCRIPTOR));

// Not in mingw-w64's tdh.h (docs/etw-api.md §1.1, §8); Windows 8.1 and later. The buffer of the
// first is a PROVIDER_EVENT_INFO, which mingw does not declare either.
using enumerate_manifest_events_fn = ULONG(WINAPI*)(LPGUID provider, void* buffer, ULONG* size);
using get_manifest_event_information_fn = ULONG(WINAPI*)(LPGUID provider,
                                                         PEVENT_DESCRIPTOR descriptor,
                                                         PTRACE_EVENT_INFO buffer, ULONG* size);

// TDH's errors that mean "nothing known here" rather than a failure: no such provider, field
// list or manifest, or a manifest whose resource or message file is missing.
bool means_not_known(ULONG status) {
  return status == ERROR_NOT_FOUND || status == ERROR_FILE_NOT_FOUND ||
         status == ERROR_NOT_SUPPORTED || status == ERROR_EMPTY ||
         status == ERROR_RESOURCE_TYPE_NOT_FOUND || status == ERROR_MUI_FILE_NOT_FOUND;
}

// "TdhGetManifestEventInformation: Element not found" — TDH returns its error instead of
// setting the thread's last error, so it is set for last_os_error to put into words.
std::string tdh_failure(std::string_view call, ULONG status) {
  SetLastError(status);
  return std::string(call) + ": " + last_os_error();
}

// A buffer for TDH's answers: 8-byte aligned, as its structures need, and kept from call to
// call so that a question asked again allocates nothing once the buffer has grown.
class tdh_buffer {
 public:
  // Calls `call(buffer, &size)` as TDH's functions want: first with the buffer as it is (a size
  // query while it is empty), then with the size TDH asks for, while it answers
  // ERROR_INSUFFICIENT_BUFFER (what it describes can grow between two calls).
  template <class Call>
  ULONG fill(Call&& call) {
    ULONG status = ERROR_INSUFFICIENT_BUFFER;
    for (int attempt = 0; attempt < 4 && status == ERROR_INSUFFICIENT_BUFFER; ++attempt) {
      ULONG size = static_cast<ULONG>(storage_.size() * sizeof(std::uint64_t));
      status = call(storage_.empty() ? nullptr : static_cast<void*>(storage_.data()), &size);
      if (status == ERROR_INSUFFICIENT_BUFFER) {
        storage_.resize((std::size_t{size} + 7) / 8 + 1);
      } else {
        used_ = std::min<std::size_t>(size, storage_.size() * sizeof(std::uint64_t));
      }
    }
    return status;
  }
  // What the last successful fill() wrote.
  std::span<const std::byte> bytes() const noexcept {
    return std::as_bytes(std::span(storage_)).first(used_);
  }

 private:
  std::vector<std::uint64_t> storage_;
  std::size_t used_ = 0;
};

EVENT_RECORD to_native(const live::event_record& record) {
  EVENT_RECORD native;
  std::memcpy(&native, &record, sizeof native);
  return native;
}

GUID to_native(const guid& id) {
  GUID out{};
  out.Data1 = id.data1;
  out.Data2 = id.data2;
  out.Data3 = id.data3;
  for (int i = 0; i < 8; ++i) out.Data4[i] = id.data4[i];
  return out;
}

// tdh.dll as the fallback's source.
class windows_tdh final : public tdh_source {
 public:
  std::span<const std::byte> event_information(const live::event_record& record) override {
    EVENT_RECORD native = to_native(record);
    const ULONG status = info_.fill([&](void* buffer, ULONG* size) {
      return TdhGetEventInformation(&native, 0, nullptr, static_cast<TRACE_EVENT_INFO*>(buffer),
                                    size);
    });
    return status == ERROR_SUCCESS ? info_.bytes() : std::span<const std::byte>{};
  }

  std::span<const std::byte> event_map_information(const live::event_record& record,
                                                   std::string_view map_name) override {
    EVENT_RECORD native = to_native(record);
    std::u16string name = utf8_to_utf16(map_name);
    const ULONG status = map_.fill([&](void* buffer, ULONG* size) {
      return TdhGetEventMapInformation(&native, reinterpret_cast<wchar_t*>(name.data()),
                                       static_cast<EVENT_MAP_INFO*>(buffer), size);
    });
    return status == ERROR_SUCCESS ? map_.bytes() : std::span<const std::byte>{};
  }

 private:
  tdh_buffer info_, map_;
};

// A function of tdh.dll that mingw's import library may lack, or nullptr when this Windows does
// not have it.
template <class Function>
Function tdh_function(const char* name) {
  HMODULE tdh = GetModuleHandleW(L"tdh.dll");
  if (tdh == nullptr) tdh = LoadLibraryExW(L"tdh.dll", nullptr, LOAD_LIBRARY_SEARCH_SYSTEM32);
  if (tdh == nullptr) return nullptr;
  // Through void(*)(), which matches every function type (no -Wcast-function-type).
  return reinterpret_cast<Function>(reinterpret_cast<void (*)()>(GetProcAddress(tdh, name)));
}

// The provider's name in TdhEnumerateProviders' list, or "" (for providers without events,
// whose name no TRACE_EVENT_INFO gives).
std::string registered_name(const guid& id) {
  tdh_buffer list;
  const ULONG status = list.fill([](void* buffer, ULONG* size) {
    return TdhEnumerateProviders(static_cast<PROVIDER_ENUMERATION_INFO*>(buffer), size);
  });
  if (status != ERROR_SUCCESS) return {};
  // PROVIDER_ENUMERATION_INFO: a count, padding, then TRACE_PROVIDER_INFOs of 24 bytes.
  const std::span<const std::byte> blob = list.bytes();
  std::uint32_t count = 0;
  if (!read_at(blob, 0, count)) return {};
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t at = 8 + i * 24;
    std::uint32_t name_offset = 0;
    if (!read_at(blob, at + 20, name_offset)) break;
    if (guid::from_bytes(blob.subspan(at).first<16>()) != id) continue;
    std::u16string name;
    for (std::size_t c = name_offset;; c += 2) {
      std::uint16_t unit = 0;
      if (name_offset == 0 || !read_at(blob, c, unit) || unit == 0) break;
      name.push_back(static_cast<char16_t>(unit));
    }
    std::string out;
    append_utf16_as_utf8(out, name);
    return out;
  }
  return {};
}

}  // namespace

bool tdh_available() noexcept {
  // Wine's tdh.dll has these functions as stubs that end the process when called: there, as on
  // Linux, there is no TDH to ask. Wine marks its ntdll with wine_get_version.
  static const bool under_wine = [] {
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    return ntdll != nullptr && GetProcAddress(ntdll, "wine_get_version") != nullptr;
  }();
  return !under_wine;
}

std::unique_ptr<schema_fallback> make_tdh_schemas() {
  if (!tdh_available()) return nullptr;
  return make_tdh_fallback(std::make_unique<windows_tdh>());
}

result<std::shared_ptr<const manifest_provider>> tdh_provider_details(const guid& provider) {
  if (!tdh_available()) return error{"TDH is not available under Wine", 0};
  GUID id = to_native(provider);
  auto out = std::make_shared<manifest_provider>();
  out->id = provider;
  out->origin = "TDH";
  const std::string label = "provider " + provider.to_string();
  bool known = false;
  std::string first_failure;  // why TDH knew nothing, if it did not
  auto note_unknown = [&](std::string_view call, ULONG status) {
    if (first_failure.empty()) first_failure = tdh_failure(call, status);
  };

  tdh_buffer buffer;
  struct field_list {
    EVENT_FIELD_TYPE type;
    provider_field field;
    std::vector<declaration>* out;
  };
  const field_list lists[] = {
      {EventKeywordInformation, provider_field::keywords, &out->keywords},
      {EventLevelInformation, provider_field::levels, &out->levels},
      {EventChannelInformation, provider_field::channels, &out->channels},
      {EventTaskInformation, provider_field::tasks, &out->tasks},
      {EventOpcodeInformation, provider_field::opcodes, &out->opcodes},
  };
  constexpr std::string_view field_call = "TdhEnumerateProviderFieldInformation";
  for (const field_list& list : lists) {
    const ULONG status = buffer.fill([&](void* data, ULONG* size) {
      return TdhEnumerateProviderFieldInformation(
          &id, list.type, static_cast<PROVIDER_FIELD_INFOARRAY*>(data), size);
    });
    if (status != ERROR_SUCCESS) {
      // NOT_FOUND: the provider declares none of these (or is not registered).
      if (!means_not_known(status)) return error{label + ": " + tdh_failure(field_call, status), 0};
      note_unknown(field_call, status);
      continue;
    }
    auto declarations = read_provider_field_info(buffer.bytes(), list.field);
    if (!declarations.ok()) {
      return error{label + ": " + std::string(field_call) + ": " + declarations.failure().message,
                   declarations.failure().offset};
    }
    *list.out = std::move(declarations).value();
    known = true;
  }

  // The events of manifest providers, where this Windows can list them; else none.
  const auto enumerate_events =
      tdh_function<enumerate_manifest_events_fn>("TdhEnumerateManifestProviderEvents");
  const auto event_information =
      tdh_function<get_manifest_event_information_fn>("TdhGetManifestEventInformation");
  if (enumerate_events != nullptr && event_information != nullptr) {
    constexpr std::string_view events_call = "TdhEnumerateManifestProviderEvents";
    constexpr std::string_view event_call = "TdhGetManifestEventInformation";
    const ULONG status =
        buffer.fill([&](void* data, ULONG* size) { return enumerate_events(&id, data, size); });
    if (status == ERROR_SUCCESS) {
      auto descriptors = read_provider_event_info(buffer.bytes());
      if (!descriptors.ok()) {
        return error{label + ": " + std::string(events_call) + ": " + descriptors.failure().message,
                     descriptors.failure().offset};
      }
      known = true;
      for (const etl::event_descriptor& d : descriptors.value()) {
        EVENT_DESCRIPTOR descriptor;
        std::memcpy(&descriptor, &d, sizeof descriptor);
        const ULONG event_status = buffer.fill([&](void* data, ULONG* size) {
          return event_information(&id, &descriptor, static_cast<TRACE_EVENT_INFO*>(data), size);
        });
        const std::string which =
            label + " event " + std::to_string(d.id) + " version " + std::to_string(d.version);
        if (event_status != ERROR_SUCCESS) {
          if (means_not_known(event_status)) continue;  // listed, but not described
          return error{which + ": " + tdh_failure(event_call, event_status), 0};
        }
        auto schema = read_event_info(buffer.bytes());
        if (!schema.ok()) {
          return error{which + ": TRACE_EVENT_INFO: " + schema.failure().message,
                       schema.failure().offset};
        }
        out->events.push_back(std::move(schema).value());
      }
    } else if (means_not_known(status)) {
      note_unknown(events_call, status);  // a MOF provider, or no manifest to read
    } else {
      return error{label + ": " + tdh_failure(events_call, status), 0};
    }
  }

  // The maps the events name, asked with an event of the provider that uses each.
  tdh_buffer map_buffer;
  auto maps = add_provider_maps(*out, [&](const event_schema& event, std::string_view name) {
    etl::event_descriptor d{};
    d.id = event.id;
    d.version = event.version;
    d.channel = event.channel;
    d.level = event.level;
    d.opcode = event.opcode;
    d.task = event.task;
    d.keyword = event.keywords;
    EVENT_RECORD native = to_native(tdh_event_record(provider, d));
    std::u16string wide = utf8_to_utf16(name);
    const ULONG status = map_buffer.fill([&](void* data, ULONG* size) {
      return TdhGetEventMapInformation(&native, reinterpret_cast<wchar_t*>(wide.data()),
                                       static_cast<EVENT_MAP_INFO*>(data), size);
    });
    return status == ERROR_SUCCESS ? map_buffer.bytes() : std::span<const std::byte>{};
  });
  if (!maps.ok()) {
    return error{label + ": TdhGetEventMapInformation: " + maps.failure().message,
                 maps.failure().offset};
  }

  for (const event_schema& e : out->events) {
    if (!e.provider_name.empty()) {
      out->name = e.provider_name;
      break;
    }
  }
  if (out->name.empty()) out->name = registered_name(provider);
  if (!known && out->name.empty()) {
    return error{"TDH does not know " + label +
                     (first_failure.empty() ? std::string() : " (" + first_failure + ")"),
                 0};
  }
  return std::shared_ptr<const manifest_provider>(std::move(out));
}

#else

bool tdh_available() noexcept { return false; }

std::unique_ptr<schema_fallback> make_tdh_schemas() { return nullptr; }

result<std::shared_ptr<const manifest_provider>> tdh_provider_details(const guid&) {
  return error{"TDH (the schemas registered with Windows) needs Windows", 0};
}

#endif

}  // namespace etwcat::decode
