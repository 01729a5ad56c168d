// tmf: reads WPP trace message format (.tmf) files, the text that tracepdb extracts from a
// PDB: per message GUID, the messages' names, format strings and argument types, plus the
// #enumv value tables. A tmf_library looks messages up by (message GUID, message number).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lib/base/guid.h"
#include "lib/base/result.h"

namespace etwcat::decode {

/// How one argument sits in the payload and prints: the TMF item types ("ItemLong", …).
enum class tmf_item : std::uint8_t {
  unknown,               // a type name this reader does not know: its size is unknown too
  int8,                  // ItemChar
  uint8,                 // ItemUChar
  int16,                 // ItemShort
  uint16,                // ItemUShort
  int32,                 // ItemLong
  uint32,                // ItemULong
  hex32,                 // ItemULongX, ItemLongX
  int64,                 // ItemLongLong
  uint64,                // ItemULongLong
  hex64,                 // ItemLongLongX, ItemULongLongX: lower-case hex
  hex64_upper,           // ItemLongLongXX
  octal64,               // ItemLongLongO
  pointer,               // ItemPtr: 4 or 8 bytes, by the record's pointer size
  float64,               // ItemDouble
  ansi_string,           // ItemString: NUL-terminated 8-bit text
  utf16_string,          // ItemWString: NUL-terminated UTF-16LE
  raw_ansi_string,       // ItemRString: as ItemString; tabs and line breaks print as spaces
  raw_utf16_string,      // ItemRWString
  counted_ansi_string,   // ItemPString: u16 byte count, then the bytes
  counted_utf16_string,  // ItemPWString: u16 byte count, then UTF-16LE
  guid,                  // ItemGuid, ItemCLSID, ItemIID, ItemLIBID
  sid,                   // ItemSid: a binary SID, 8 + 4 * SubAuthorityCount bytes
  hex_dump,              // ItemHexDump: u16 byte count, then the bytes
  ipv4,                  // ItemIPAddr: 4 bytes in network order
  ipv6,                  // ItemIPV6Addr: 16 bytes
  mac,                   // ItemMACAddr: 6 bytes
  port,                  // ItemPort: u16 in network order
  ntstatus,              // ItemNTSTATUS, ItemNTerror
  hresult,               // ItemHRESULT
  win32_error,           // ItemWINERROR
  ndis_status,           // ItemNDIS_STATUS
  ndis_oid,              // ItemNDIS_OID
  timestamp,             // ItemTimestamp: FILETIME
  time_delta,            // ItemTimeDelta: 100 ns units
  wait_time,             // ItemWaitTime: FILETIME, or negative = relative 100 ns units
  char4,                 // ItemChar4: four characters in memory order (a FOURCC)
  list,                  // ItemListByte/Short/Long(name0,name1,…): the value indexes the names
  set,                   // ItemSetByte/Short/Long(bit0,bit1,…): one name per set bit
  enumeration,           // ItemEnum(Name): a value of an #enumv table
  flags_enumeration,     // ItemFlagsEnum(Name): flag bits of an #enumv table
};

/// One "%N!fmt!" conversion: a printf specification without the '%'.
struct tmf_conversion {
  char conversion = 's';        // d i u x X o c s S p e E f g G a A; 's' when none was given
  bool left = false;            // '-'
  bool plus = false;            // '+'
  bool space = false;           // ' '
  bool alternate = false;       // '#'
  bool zero = false;            // '0'
  std::int16_t width = -1;      // -1 = none
  std::int16_t precision = -1;  // -1 = none
};

/// One name = value line of an #enumv table.
struct tmf_enum_value {
  std::string name;
  std::uint32_t value = 0;
};

/// An "#enumv Name { … }" table (tracepdb copies C enums that ItemEnum arguments use).
struct tmf_enum {
  std::string name;
  std::vector<tmf_enum_value> values;
};

/// One argument line: "names[i], ItemString -- 10".
struct tmf_argument {
  std::string expression;  // the C expression logged, as the TMF has it
  std::string type_name;   // "ItemListByte", without its parameter list
  tmf_item type = tmf_item::unknown;
  std::uint16_t index = 0;  // 10 = %10 in the format string
  std::uint8_t size = 0;    // fixed payload size in bytes; 0 = variable or pointer-sized
  char conversion = 's';    // of the first %N that uses it: picks how EventData shows numbers
  std::vector<std::string> names;        // list and set types: the names in the parentheses
  std::string enum_name;                 // enumeration types: the #enumv table's name
  const tmf_enum* enum_table = nullptr;  // resolved when the table has been read
  /// The EventData name: the expression, or "<expression>_<index>" when that is taken.
  std::string field_name;
};

/// A piece of a parsed format string: literal text, or a reference to one argument.
struct tmf_format_piece {
  std::uint32_t text_begin = 0;  // literal: offset in tmf_message::format
  std::uint32_t text_size = 0;
  std::int32_t argument = -1;  // reference: position in tmf_message::arguments; -1 = literal
  tmf_conversion spec;
};

/// One "#typev" message.
struct tmf_message {
  guid message_guid;
  std::uint16_t number = 0;             // the record's message number
  std::string name;                     // "WppStrEmitter_cpp27": source file and line
  std::string component;                // from the GUID line: "findneedle"
  std::string format;                   // "%0strtrace name=%10!s! id=%11!d! tag=END"
  std::string level;                    // "LEVEL=" of the comment, if any
  std::string flags;                    // "FLAGS="
  std::string function;                 // "FUNC="
  std::vector<tmf_argument> arguments;  // in payload order (ascending index)
  /// `format` split at its references; %0 (tracefmt's prefix), %1..%9 and references to
  /// arguments the message does not have are left out.
  std::vector<tmf_format_piece> pieces;
};

/// The messages of any number of TMF files. Messages and tables keep their addresses for the
/// library's lifetime, so events may point at their names.
///
///   tmf_library tmf;
///   if (auto n = tmf.add_directory("symbols/tmf"); !n) report(n.failure().message);
///   const tmf_message* m = tmf.find(record.header_guid(), record.message_number());
class tmf_library {
 public:
  tmf_library() = default;
  tmf_library(const tmf_library&) = delete;
  tmf_library& operator=(const tmf_library&) = delete;
  tmf_library(tmf_library&&) noexcept = default;
  tmf_library& operator=(tmf_library&&) noexcept = default;

  /// Adds every *.tmf file of `directory` (not its subfolders), in name order. Returns the
  /// number of messages added; stops at the first file that does not parse (the files before
  /// it stay added).
  result<std::size_t> add_directory(const std::filesystem::path& directory);
  /// Adds one TMF file; returns the number of messages added. Errors read
  /// "<file>:<line>: <what>", with the line's byte offset.
  result<std::size_t> add_file(const std::filesystem::path& file);
  /// Adds TMF text; `source` names it in errors. A message already known (same GUID and
  /// number) keeps its first definition.
  result<std::size_t> add_text(std::string_view text, std::string_view source);

  /// The message, or nullptr. Allocates nothing.
  const tmf_message* find(const guid& message_guid, std::uint16_t number) const noexcept;
  std::size_t size() const noexcept { return index_.size(); }
  /// Every message kept, in the order added (a duplicate keeps the first; see add_text).
  const std::deque<tmf_message>& messages() const noexcept { return messages_; }

 private:
  struct key {
    guid message_guid;
    std::uint16_t number = 0;
    friend bool operator==(const key&, const key&) = default;
  };
  struct key_hash {
    std::size_t operator()(const key& k) const noexcept;
  };

  std::deque<tmf_message> messages_;
  std::deque<tmf_enum> enums_;
  std::unordered_map<key, const tmf_message*, key_hash> index_;
  std::unordered_map<std::string, const tmf_enum*> enum_index_;  // first table of each name
  std::vector<tmf_argument*> unresolved_;  // enumeration arguments whose table is not read yet
};

/// Parses the inside of "!…!" (e.g. "08x", "I64d", "-20s"); nothing for an unusable one.
std::optional<tmf_conversion> parse_tmf_conversion(std::string_view spec) noexcept;

}  // namespace etwcat::decode
