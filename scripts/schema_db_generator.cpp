// Writes the built-in schema database (data/provider-schemas.txt) from the public provider
// data; run through scripts/schema-db. Usage: etwcat_schema_db_generator PROVIDER_DATA OUT
#include <cstdio>
#include <fstream>
#include <string>

#include "lib/decode/database/schema_database.h"
#include "lib/decode/database/schema_sources.h"

int main(int argc, char** argv) {
  using namespace etwcat::decode;
  if (argc != 3) {
    std::fprintf(stderr, "usage: etwcat_schema_db_generator PROVIDER_DATA OUT\n");
    return 2;
  }
  const auto sources = builtin_schema_sources(argv[1]);
  auto providers = merge_schema_sources(sources);
  if (!providers) {
    std::fprintf(stderr, "schema-db: %s\n", providers.failure().message.c_str());
    return 1;
  }
  const std::string text = write_schema_database(providers.value(), schema_source_notes(sources));
  std::size_t events = 0, layouts = 0, maps = 0;
  for (const auto& p : providers.value()) {
    events += p->events.size() + p->untemplated.size();
    layouts += p->events.size();
    maps += p->maps.size();
  }
  std::ofstream out(argv[2], std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.close();
  if (!out) {
    std::fprintf(stderr, "schema-db: cannot write %s\n", argv[2]);
    return 1;
  }
  std::printf("%s: %zu providers, %zu events (%zu with a layout), %zu maps, %zu bytes\n", argv[2],
              providers.value().size(), events, layouts, maps, text.size());
  return 0;
}
