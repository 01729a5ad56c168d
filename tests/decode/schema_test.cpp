// Tests for lib/decode/schema.h: the keyword-mask naming rule every decoder applies to 64-bit
// integers, on field names found in the corpus and in public manifests.
#include "lib/decode/schema.h"

#include <doctest/doctest.h>

using etwcat::decode::names_bit_mask;

TEST_CASE("schema: names_bit_mask takes keyword, mask and flags names, in any case") {
  // PerfView's ProviderEnableParameters/ClrEnableParameters, and manifests' UInt64 fields.
  CHECK(names_bit_mask("keywords"));
  CHECK(names_bit_mask("MatchAnyKeyword"));
  CHECK(names_bit_mask("ProcessorMask"));
  CHECK(names_bit_mask("platformBitMask"));
  CHECK(names_bit_mask("CreateFlags"));
  CHECK(names_bit_mask("KEYWORDS"));
  CHECK(names_bit_mask("Session->KeywordMask"));  // a WPP argument's expression
}

TEST_CASE("schema: names_bit_mask leaves counters, times and other names alone") {
  CHECK_FALSE(names_bit_mask("NumberOfULongPtrsInNodeMask"));  // a count of masks
  CHECK_FALSE(names_bit_mask("Count"));
  CHECK_FALSE(names_bit_mask("occurenceFileTimeUtc"));
  CHECK_FALSE(names_bit_mask("int64_type"));
  CHECK_FALSE(names_bit_mask("Flag"));         // one flag: a number is what it means
  CHECK_FALSE(names_bit_mask("MaskedBytes"));  // the suffix, not a substring
  CHECK_FALSE(names_bit_mask("Keyword1"));
  CHECK_FALSE(names_bit_mask(""));
}
