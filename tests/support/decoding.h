// A decoder with a manifest of ../shared/provider-data loaded, for tests that decode real
// captures the way `etwcat dump --manifest` does.
#pragma once

#include <doctest/doctest.h>

#include <string>

#include "lib/decode/decoder.h"
#include "lib/etl/merged_reader.h"
#include "lib/event/record_event.h"
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

/// Decodes a corpus capture in time order, as `etwcat dump` reads it (a merged trace's
/// metadata records come before the events they describe in time, not always in file
/// order), calling `each(record, event)` for every record; no reader diagnostics expected.
template <typename Each>
void decode_capture(decode::decoder& decoder, const std::string& file, Each each) {
  diagnostics diags;
  const std::filesystem::path paths[] = {corpus_file(file)};
  auto trace = etl::merged_reader::open(paths, diags);
  etl::record_view record;
  event e;
  while (trace.next(record)) {
    fill_event(record, trace.clock(trace.file()), e);
    decoder.decode(record, e);
    each(record, e);
  }
  CHECK(diags.empty());
}

}  // namespace etwcat::testing
