// schema: the rules every schema source shares (the count quirk) and every decoder applies
// (the keyword-mask names).
#include "lib/decode/schema.h"

#include <array>
#include <string>
#include <string_view>

#include "lib/base/ascii.h"

namespace etwcat::decode {
namespace {

bool is_integer(in_type t) {
  switch (t) {
    case in_type::int8:
    case in_type::uint8:
    case in_type::int16:
    case in_type::uint16:
    case in_type::int32:
    case in_type::uint32:
    case in_type::int64:
    case in_type::uint64:
    case in_type::hex_int32:
    case in_type::hex_int64:
      return true;
    default:
      return false;
  }
}

// "FrameCount", "Count", "NumberOfFrames", "ElementCount": a name that says it counts.
bool looks_like_count(std::string_view name) {
  return name.ends_with("Count") || name.ends_with("count") || name.starts_with("NumberOf") ||
         name.starts_with("Num");
}

// `name` ends in `suffix` (lower case), ignoring the case of `name`.
bool ends_with_ignoring_case(std::string_view name, std::string_view suffix) {
  return name.size() >= suffix.size() &&
         equals_ignoring_case(name.substr(name.size() - suffix.size()), suffix);
}

}  // namespace

bool preceded_by_count_field(const std::vector<property>& properties, std::size_t index) {
  if (index == 0 || index > properties.size()) return false;
  const property& before = properties[index - 1];
  return !before.is_struct && is_integer(before.in) && before.count_from == size_source::none &&
         looks_like_count(before.name);
}

bool names_bit_mask(std::string_view field_name) noexcept {
  static constexpr std::array<std::string_view, 4> suffixes = {"keyword", "keywords", "mask",
                                                               "flags"};
  if (field_name.size() >= 8 && equals_ignoring_case(field_name.substr(0, 8), "numberof")) {
    return false;
  }
  for (std::string_view suffix : suffixes) {
    if (ends_with_ignoring_case(field_name, suffix)) return true;
  }
  return false;
}

std::string in_type_name(in_type type) {
  switch (type) {
    case in_type::null:
      return "Null";
    case in_type::unicode_string:
      return "UnicodeString";
    case in_type::ansi_string:
      return "AnsiString";
    case in_type::int8:
      return "Int8";
    case in_type::uint8:
      return "UInt8";
    case in_type::int16:
      return "Int16";
    case in_type::uint16:
      return "UInt16";
    case in_type::int32:
      return "Int32";
    case in_type::uint32:
      return "UInt32";
    case in_type::int64:
      return "Int64";
    case in_type::uint64:
      return "UInt64";
    case in_type::float32:
      return "Float";
    case in_type::float64:
      return "Double";
    case in_type::boolean:
      return "Boolean";
    case in_type::binary:
      return "Binary";
    case in_type::guid:
      return "GUID";
    case in_type::pointer:
      return "Pointer";
    case in_type::filetime:
      return "FILETIME";
    case in_type::systemtime:
      return "SYSTEMTIME";
    case in_type::sid:
      return "SID";
    case in_type::hex_int32:
      return "HexInt32";
    case in_type::hex_int64:
      return "HexInt64";
    case in_type::manifest_counted_string:
      return "CountedString";
    case in_type::manifest_counted_ansi_string:
      return "CountedAnsiString";
    case in_type::manifest_counted_binary:
      return "CountedBinary";
    case in_type::counted_string:
      return "MofCountedString";
    case in_type::counted_ansi_string:
      return "MofCountedAnsiString";
    case in_type::reversed_counted_string:
      return "ReversedCountedString";
    case in_type::reversed_counted_ansi_string:
      return "ReversedCountedAnsiString";
    case in_type::non_null_terminated_string:
      return "NonNullTerminatedString";
    case in_type::non_null_terminated_ansi_string:
      return "NonNullTerminatedAnsiString";
    case in_type::unicode_char:
      return "UnicodeChar";
    case in_type::ansi_char:
      return "AnsiChar";
    case in_type::size_t_:
      return "SizeT";
    case in_type::hex_dump:
      return "HexDump";
    case in_type::wbem_sid:
      return "WBEMSid";
  }
  return "InType(" + std::to_string(static_cast<unsigned>(type)) + ")";
}

std::string out_type_name(out_type type) {
  switch (type) {
    case out_type::none:
      return "";
    case out_type::string:
      return "string";
    case out_type::datetime:
      return "dateTime";
    case out_type::byte:
      return "byte";
    case out_type::unsigned_byte:
      return "unsignedByte";
    case out_type::short_:
      return "short";
    case out_type::unsigned_short:
      return "unsignedShort";
    case out_type::int_:
      return "int";
    case out_type::unsigned_int:
      return "unsignedInt";
    case out_type::long_:
      return "long";
    case out_type::unsigned_long:
      return "unsignedLong";
    case out_type::float_:
      return "float";
    case out_type::double_:
      return "double";
    case out_type::boolean:
      return "boolean";
    case out_type::guid:
      return "GUID";
    case out_type::hex_binary:
      return "hexBinary";
    case out_type::hex_int8:
      return "HexInt8";
    case out_type::hex_int16:
      return "HexInt16";
    case out_type::hex_int32:
      return "HexInt32";
    case out_type::hex_int64:
      return "HexInt64";
    case out_type::pid:
      return "PID";
    case out_type::tid:
      return "TID";
    case out_type::port:
      return "Port";
    case out_type::ipv4:
      return "IPv4";
    case out_type::ipv6:
      return "IPv6";
    case out_type::socket_address:
      return "SocketAddress";
    case out_type::cim_datetime:
      return "CIMDateTime";
    case out_type::etw_time:
      return "ETWTIME";
    case out_type::xml:
      return "Xml";
    case out_type::error_code:
      return "ErrorCode";
    case out_type::win32_error:
      return "Win32Error";
    case out_type::ntstatus:
      return "NTSTATUS";
    case out_type::hresult:
      return "HResult";
    case out_type::culture_insensitive_datetime:
      return "DateTimeCultureInsensitive";
    case out_type::json:
      return "Json";
    case out_type::utf8:
      return "Utf8";
    case out_type::pkcs7_with_type_info:
      return "Pkcs7WithTypeInfo";
    case out_type::code_pointer:
      return "CodePointer";
    case out_type::datetime_utc:
      return "DateTimeUtc";
    case out_type::reduced_string:
      return "ReducedString";
    case out_type::no_print:
      return "NoPrint";
  }
  return "OutType(" + std::to_string(static_cast<unsigned>(type)) + ")";
}

}  // namespace etwcat::decode
