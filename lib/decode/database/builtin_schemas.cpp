// builtin_schemas: opens the compiled-in text once.
#include "lib/decode/database/builtin_schemas.h"

// Defined by builtin_schema_data.cpp, which includes the data file as it is.
extern "C" const char etwcat_builtin_schemas_begin[];
extern "C" const char etwcat_builtin_schemas_end[];

namespace etwcat::decode {

std::string_view builtin_schema_text() noexcept {
  return std::string_view(
      etwcat_builtin_schemas_begin,
      static_cast<std::size_t>(etwcat_builtin_schemas_end - etwcat_builtin_schemas_begin));
}

const schema_database& builtin_schemas() {
  static const schema_database database = [] {
    auto opened = schema_database::open(builtin_schema_text(), "built-in schemas");
    return opened ? std::move(opened).value() : schema_database();
  }();
  return database;
}

}  // namespace etwcat::decode
