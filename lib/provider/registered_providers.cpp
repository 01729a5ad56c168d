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
#include "lib/decode/tdh/tdh_schemas.h"
#endif

namespace etwcat::provider {

#ifdef _WIN32

namespace {

using enumerate_providers_fn = ULONG(WINAPI*)(PPROVIDER_ENUMERATION_INFO, ULONG*);

// Looked up at run time rather than imported: Wine's tdh.dll lacks it, and a call to a missing
// import would end the process instead of finding nothing.
enumerate_providers_fn enumerate_providers() noexcept {
  static const enumerate_providers_fn fn = [] {
    HMODULE tdh = LoadLibraryW(L"tdh.dll");
    return tdh == nullptr ? nullptr
                          : reinterpret_cast<enumerate_providers_fn>(reinterpret_cast<void (*)()>(
                                GetProcAddress(tdh, "TdhEnumerateProviders")));
  }();
  return fn;
}

}  // namespace

// Wine's tdh.dll exports the function as a stub that ends the process: tdh_available() says no
// there.
bool registered_providers_available() noexcept {
  return decode::tdh_available() && enumerate_providers() != nullptr;
}

std::vector<registered_provider> registered_providers() {
  std::vector<registered_provider> out;
  if (!registered_providers_available()) return out;
  const enumerate_providers_fn enumerate = enumerate_providers();
  ULONG size = 0;
  std::vector<unsigned char> storage;
  ULONG status = ERROR_INSUFFICIENT_BUFFER;
  // The list can grow between the two calls; retry a few times.
  for (int attempt = 0; attempt < 4 && status == ERROR_INSUFFICIENT_BUFFER; ++attempt) {
    storage.resize(size);
    status = enumerate(
        size ? reinterpret_cast<PROVIDER_ENUMERATION_INFO*>(storage.data()) : nullptr, &size);
  }
  if (status != ERROR_SUCCESS || storage.empty()) return out;
  const auto* info = reinterpret_cast<const PROVIDER_ENUMERATION_INFO*>(storage.data());
  for (ULONG i = 0; i < info->NumberOfProviders; ++i) {
    const TRACE_PROVIDER_INFO& entry = info->TraceProviderInfoArray[i];
    if (entry.ProviderNameOffset >= storage.size()) continue;
    const auto* wide = reinterpret_cast<const char16_t*>(storage.data() + entry.ProviderNameOffset);
    registered_provider p;
    append_utf16_as_utf8(p.name, std::u16string_view(wide));
    const GUID& g = entry.ProviderGuid;
    p.id.data1 = g.Data1;
    p.id.data2 = g.Data2;
    p.id.data3 = g.Data3;
    for (int k = 0; k < 8; ++k) p.id.data4[k] = g.Data4[k];
    p.mof = entry.SchemaSource != 0;
    out.push_back(std::move(p));
  }
  return out;
}

std::optional<guid> find_registered_provider(std::string_view name) {
  for (const registered_provider& p : registered_providers()) {
    if (equals_ignoring_case(p.name, name)) return p.id;
  }
  return std::nullopt;
}

#else

bool registered_providers_available() noexcept { return false; }

std::vector<registered_provider> registered_providers() { return {}; }

std::optional<guid> find_registered_provider(std::string_view) { return std::nullopt; }

#endif

}  // namespace etwcat::provider
