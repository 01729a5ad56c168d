// The GUID that EventSource and TraceLogging derive from a provider name
// (`*Name` in provider strings); such providers are never registered.
#pragma once

#include <string_view>

#include "lib/base/guid.h"

namespace etwcat::provider {

/// SHA-1 over a fixed namespace and the upper-cased UTF-16BE name, as
/// EventSource does: eventsource_guid("MyCompany.MyComponent") ==
/// {CE5FA4EA-AB00-5402-8B76-9F76AC858FB5}.
guid eventsource_guid(std::string_view name);

}  // namespace etwcat::provider
