// builtin_schemas: the schema database compiled into etwcat (data/provider-schemas.txt, made by
// scripts/schema-db from public manifests), so that a capture without schemas of its own decodes
// with no options on any system.
#pragma once

#include <string_view>

#include "lib/decode/database/schema_database.h"

namespace etwcat::decode {

/// The text of the built-in database, as compiled in.
std::string_view builtin_schema_text() noexcept;

/// The built-in database, opened on first use. Empty if its text does not open (a broken
/// build; the tests open builtin_schema_text() themselves to say why).
const schema_database& builtin_schemas();

}  // namespace etwcat::decode
