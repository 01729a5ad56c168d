// Name -> GUID through TdhEnumerateProviders on Windows; a no-op elsewhere.
#include "lib/provider/registered_providers.h"

#ifdef _WIN32
#include <windows.h>
// windows.h first: tdh.h needs its types.
#include <tdh.h>

#include <string>
#include <vector>

#include "lib/base/ascii.h"
#include "lib/base/unicode.h"
#endif

namespace etwcat::provider {

#ifdef _WIN32

bool registered_providers_available() noexcept { return true; }

std::optional<guid> find_registered_provider(std::string_view name) {
  ULONG size = 0;
  std::vector<unsigned char> storage;
  ULONG status = ERROR_INSUFFICIENT_BUFFER;
  // The list can grow between the two calls; retry a few times.
  for (int attempt = 0; attempt < 4 && status == ERROR_INSUFFICIENT_BUFFER; ++attempt) {
    storage.resize(size);
    status = TdhEnumerateProviders(
        size ? reinterpret_cast<PROVIDER_ENUMERATION_INFO*>(storage.data()) : nullptr, &size);
  }
  if (status != ERROR_SUCCESS) return std::nullopt;
  const auto* info = reinterpret_cast<const PROVIDER_ENUMERATION_INFO*>(storage.data());
  for (ULONG i = 0; i < info->NumberOfProviders; ++i) {
    const TRACE_PROVIDER_INFO& entry = info->TraceProviderInfoArray[i];
    const auto* wide = reinterpret_cast<const char16_t*>(storage.data() + entry.ProviderNameOffset);
    std::string utf8;
    append_utf16_as_utf8(utf8, std::u16string_view(wide));
    if (equals_ignoring_case(utf8, name)) {
      const GUID& g = entry.ProviderGuid;
      guid out;
      out.data1 = g.Data1;
      out.data2 = g.Data2;
      out.data3 = g.Data3;
      for (int k = 0; k < 8; ++k) out.data4[k] = g.Data4[k];
      return out;
    }
  }
  return std::nullopt;
}

#else

bool registered_providers_available() noexcept { return false; }

std::optional<guid> find_registered_provider(std::string_view) { return std::nullopt; }

#endif

}  // namespace etwcat::provider
