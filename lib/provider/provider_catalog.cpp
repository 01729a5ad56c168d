// provider_catalog: the union of the provider sources, by GUID.
#include "lib/provider/provider_catalog.h"

#include <algorithm>

#include "lib/base/ascii.h"
#include "lib/base/glob.h"
#include "lib/decode/database/builtin_schemas.h"
#include "lib/decode/tdh/tdh_schemas.h"
#include "lib/provider/known_providers.h"
#include "lib/provider/registered_providers.h"
#include "lib/provider/system_providers.h"

namespace etwcat::provider {

namespace {

bool contains_ignoring_case(std::string_view text, std::string_view part) noexcept {
  if (part.empty()) return true;
  if (part.size() > text.size()) return false;
  for (std::size_t i = 0; i + part.size() <= text.size(); ++i) {
    if (equals_ignoring_case(text.substr(i, part.size()), part)) return true;
  }
  return false;
}

// A system provider as a provider with keywords and no events (their events are the classic
// kernel classes).
std::shared_ptr<const decode::manifest_provider> system_provider_details(
    const windows_system_provider& p) {
  auto out = std::make_shared<decode::manifest_provider>();
  out->id = p.id;
  out->name = std::string(p.name);
  out->origin = "Windows 11 system provider (evntrace.h)";
  for (const auto& k : p.keywords) {
    out->keywords.push_back(decode::declaration{k.mask, std::string(k.name), std::string(k.name)});
  }
  return out;
}

}  // namespace

void provider_catalog::add(const guid& id, std::string_view name, std::string source) {
  auto it = std::find_if(entries_.begin(), entries_.end(),
                         [&](const catalog_entry& e) { return e.id == id; });
  if (it == entries_.end()) {
    entries_.push_back(catalog_entry{id, std::string(name), {std::move(source)}});
    return;
  }
  if (it->name.empty()) it->name = std::string(name);
  if (std::find(it->sources.begin(), it->sources.end(), source) == it->sources.end()) {
    it->sources.push_back(std::move(source));
  }
}

provider_catalog provider_catalog::standard() {
  provider_catalog c;
  c.entries_.reserve(decode::builtin_schemas().providers().size() + 64);
  for (const auto& e : decode::builtin_schemas().providers()) c.add(e.id, e.name, "built-in");
  for (const auto& k : known_providers()) c.add(k.id, k.name, "well-known");
  for (const auto& s : windows_system_providers()) c.add(s.id, s.name, "system provider");
  for (const auto& r : registered_providers()) {
    c.add(r.id, r.name, r.mof ? "registered (MOF)" : "registered (manifest)");
  }
  return c;
}

void provider_catalog::add_manifests(std::shared_ptr<const decode::manifest_set> set,
                                     std::string_view file) {
  for (const auto& p : set->providers()) add(p->id, p->name, "manifest " + std::string(file));
  manifests_.push_back(std::move(set));
}

std::vector<const catalog_entry*> provider_catalog::match(std::string_view pattern) const {
  const bool glob = pattern.find_first_of("*?") != std::string_view::npos;
  std::vector<const catalog_entry*> out;
  for (const catalog_entry& e : entries_) {
    const std::string id = e.id.to_string();
    const std::string_view bare = std::string_view(id).substr(1, 36);  // without braces
    const bool hit =
        glob ? glob_matches(pattern, e.name) || glob_matches(pattern, id) ||
                   glob_matches(pattern, bare)
             : contains_ignoring_case(e.name, pattern) || contains_ignoring_case(id, pattern);
    if (hit) out.push_back(&e);
  }
  std::sort(out.begin(), out.end(), [](const catalog_entry* a, const catalog_entry* b) {
    std::string la(a->name), lb(b->name);
    for (char& ch : la) ch = ascii_lower(ch);
    for (char& ch : lb) ch = ascii_lower(ch);
    return la != lb ? la < lb : a->id < b->id;
  });
  return out;
}

const catalog_entry* provider_catalog::find(std::string_view name_or_guid) const {
  const auto id = guid::parse(name_or_guid);
  for (const catalog_entry& e : entries_) {
    if (id ? e.id == *id : equals_ignoring_case(e.name, name_or_guid)) return &e;
  }
  return nullptr;
}

result<std::shared_ptr<const decode::manifest_provider>> provider_catalog::details(
    const guid& id) const {
  for (const auto& set : manifests_) {
    for (const auto& p : set->providers()) {
      if (p->id == id) return p;
    }
  }
  std::string tdh_failure;
  if (decode::tdh_available()) {
    auto asked = decode::tdh_provider_details(id);
    if (asked) return asked;
    tdh_failure = "; TDH: " + asked.failure().message;
  }
  if (const auto* entry = decode::builtin_schemas().find(id))
    return decode::builtin_schemas().load(*entry);
  for (const auto& s : windows_system_providers()) {
    if (s.id == id) return system_provider_details(s);
  }
  return error{"no schema of " + id.to_string() +
                   " in the --manifest files or the built-in database" + tdh_failure,
               0};
}

}  // namespace etwcat::provider
