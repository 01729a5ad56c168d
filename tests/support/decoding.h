// A decoder with a manifest of ../shared/provider-data loaded, for tests that decode real
// captures the way `etwcat dump --manifest` does.
#pragma once

#include <doctest/doctest.h>

#include <string>

#include "lib/decode/decoder.h"
#include "tests/support/corpus.h"

namespace etwcat::testing {

/// The public manifests beside the corpus: provider_data_file("microsoft-Tx/SystemEvents.man").
inline std::filesystem::path provider_data_file(const std::string& relative) {
  return corpus_dir() / ".." / "provider-data" / relative;
}

/// Adds one provider-data manifest to `decoder`; the test fails if it does not read.
inline void add_provider_manifest(decode::decoder& decoder, const std::string& relative) {
  diagnostics diags;
  auto added = decoder.add_manifests(provider_data_file(relative), diags);
  REQUIRE_MESSAGE(added.ok(), relative);
  CHECK(diags.empty());
}

}  // namespace etwcat::testing
