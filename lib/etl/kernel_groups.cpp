// kernel_groups: group -> GUID table (the consumer API's mapping, as listed in §2.8).
#include "lib/etl/kernel_groups.h"

#include <array>

namespace etwcat::etl {
namespace {

struct group_entry {
  std::string_view name;
  guid class_guid;
};

guid guid_of_text(std::string_view text) { return guid::parse(text).value_or(guid{}); }

// Indexed by group number 0x00..0x1E, built once on first use from literals that parse.
const std::array<group_entry, 0x1F>& group_table() {
  static const std::array<group_entry, 0x1F> table = {{
      {"EventTrace", guid_of_text("68fdd900-4a3e-11d1-84f4-0000f80464e3")},
      {"DiskIo", guid_of_text("3d6fa8d4-fe05-11d0-9dda-00c04fd7ba7c")},
      {"PageFault", guid_of_text("3d6fa8d3-fe05-11d0-9dda-00c04fd7ba7c")},
      {"Process", guid_of_text("3d6fa8d0-fe05-11d0-9dda-00c04fd7ba7c")},
      {"FileIo", guid_of_text("90cbdc39-4a3e-11d1-84f4-0000f80464e3")},
      {"Thread", guid_of_text("3d6fa8d1-fe05-11d0-9dda-00c04fd7ba7c")},
      {"TcpIp", guid_of_text("9a280ac0-c8e0-11d1-84e2-00c04fb998a2")},
      {"Job", guid_of_text("3282fc76-feed-498e-8aa7-e70f459d430e")},
      {"UdpIp", guid_of_text("bf3a50c5-a9c9-4988-a005-2df0b7c80f80")},
      {"Registry", guid_of_text("ae53722e-c863-11d2-8659-00c04fa321a1")},
      {"DbgPrint", guid_of_text("13976d09-a327-438c-950b-7f03192815c7")},
      {"SystemConfig", guid_of_text("01853a65-418f-4f36-aefc-dc0f1d2fd235")},
      {"Spare1", guid_of_text("99134383-5248-43fc-834b-529454e75df3")},
      {"Wnf", guid_of_text("42695762-ea50-497a-9068-5cbbb35e0b95")},
      {"Pool", guid_of_text("0268a8b6-74fd-4302-9dd0-6e8f1795c0cf")},
      {"PerfInfo", guid_of_text("ce1dbfb4-137e-4da6-87b0-3f59aa102cbc")},
      {"Heap", guid_of_text("222962ab-6180-4b88-a825-346b75f2a24a")},
      {"Object", guid_of_text("89497f50-effe-4440-8cf2-ce6b1cdcaca7")},
      {"Power", guid_of_text("e43445e0-0903-48c3-b878-ff0fccebdd04")},
      {"Modbound", guid_of_text("a9152f00-3f58-4bee-92a1-70c7d079d5dd")},
      {"Image", guid_of_text("2cb15d1d-5fc1-11d2-abe1-00a0c911f518")},
      {"Dpc", guid_of_text("b2d14872-7c5b-463d-8419-ee9bf7d23e04")},
      {"Cc", guid_of_text("7687a439-f752-45b8-b741-321aec0f8df9")},
      {"CritSec", guid_of_text("3ac66736-cc59-4cff-8115-8df50e39816b")},
      {"StackWalk", guid_of_text("def2fe46-7bd6-4b80-bd94-f57fe20d0ce3")},
      {"Ums", guid_of_text("9aec974b-5b8e-4118-9b92-3186d8002ce5")},
      {"Alpc", guid_of_text("45d8cccd-539f-4b72-a8b7-5c683142609a")},
      {"SplitIo", guid_of_text("d837ca92-12b9-44a5-ad6a-3a65b3578aa8")},
      {"ThreadPool", guid_of_text("c861d0e2-a2c1-4d36-9f9c-970bab943a12")},
      {"Hypervisor", guid_of_text("7f2a405c-69b5-4bf9-a1f5-30e8f1afab5e")},
      {"HypervisorX", guid_of_text("2ce9a149-effe-42f0-a635-a1d39e26c8f2")},
  }};
  return table;
}

}  // namespace

std::optional<std::uint8_t> kernel_group_of_class(const guid& class_guid) noexcept {
  if (class_guid == guid{}) return std::nullopt;
  const auto& table = group_table();
  for (std::size_t n = 0; n < table.size(); ++n) {
    if (table[n].class_guid == class_guid) return static_cast<std::uint8_t>(n);
  }
  return std::nullopt;
}

guid kernel_group_guid(std::uint8_t group, std::uint8_t type) noexcept {
  constexpr std::uint8_t process_load_image = 10;  // logged in the Process group, Image class
  if (group == kernel_group::process && type == process_load_image) {
    return group_table()[kernel_group::image].class_guid;
  }
  return group < group_table().size() ? group_table()[group].class_guid : guid{};
}

std::string_view kernel_group_name(std::uint8_t group) noexcept {
  return group < group_table().size() ? group_table()[group].name : std::string_view{};
}

}  // namespace etwcat::etl
