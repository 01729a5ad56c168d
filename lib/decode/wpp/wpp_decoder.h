// wpp_decoder: formats WPP (TraceMessage) records with their TMF descriptions, as tracefmt
// does: the argument bytes are read in index order by item type (etl-format.md §2.7 gives the
// header), then the format string's %N!fmt! references are filled in printf style.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lib/decode/wpp/tmf.h"
#include "lib/etl/record_view.h"
#include "lib/event/event.h"

namespace etwcat::decode {

/// Reusable: keeps its buffers, so formatting allocates nothing once warmed up.
///
/// What a formatted event holds (the values follow tracefmt except where noted):
///  - event name = the TMF message name ("WppStrEmitter_cpp27"), provider name = its component.
///  - EventData "Message": the text of the format string, without tracefmt's %0 prefix and
///    %1..%9 prefix fields. Enumerations print "0x00000002(DPC)" (lists), "[1,3]" (sets),
///    "StateActive" (#enumv), "FlagRead | FlagExec(0x5)" (flag enums); status codes
///    "0x80070005(ERROR_ACCESS_DENIED)" (WINERROR in decimal: "2(ERROR_FILE_NOT_FOUND)");
///    GUIDs lower case without braces; SIDs "S-1-5-18" (tracefmt looks up the account);
///    timestamps "2020-01-01 00:00:00.000Z" in UTC (tracefmt uses local time); time deltas
///    "5.000s"; hex dumps upper-case hex without spaces.
///  - "Level", "Flags", "Function": the LEVEL=, FLAGS= and FUNC= of the TMF comment, if given.
///  - one field per argument that was read, named by the C expression the TMF records
///    ("names[i]", "i"; "<expression>_<index>" if that name is taken): numbers as numbers
///    (hex when the format prints them in hex or octal, pointers as hex), text as text,
///    GUIDs as GUIDs, timestamps as FILETIMEs, hex dumps as binary, and everything that maps
///    to a name (enumerations, IP addresses, deltas, SIDs) as its printed text.
class wpp_decoder {
 public:
  /// Formats `record` (a wpp_message record that fill_event() already put into `out`) when
  /// `library` knows its message GUID and number: renames the event and fills out.data. Sets
  /// out.payload_decoded when the arguments used the payload exactly, else out.decode_error.
  /// Returns false, leaving `out` alone, for other records, records without a message GUID,
  /// and messages the library does not know.
  bool decode(const etl::record_view& record, const tmf_library* library, event& out);

  /// Appends the EventData of one message read from `payload` (its argument bytes). True when
  /// every argument was read and no byte is left over; otherwise `error` gets one line naming
  /// the argument and byte offset, e.g. "field i (%11 ItemLong) at offset 6: runs past the end
  /// of the payload (8 bytes)", and `out` still gets the message with what was read.
  bool format(const tmf_message& message, std::span<const std::byte> payload,
              std::uint8_t pointer_size, event_data& out, std::string& error);

 private:
  struct argument_value {
    bool present = false;
    std::uint64_t bits = 0;            // fixed-size items: the value, little-endian, zero-extended
    std::span<const std::byte> bytes;  // the item's bytes (strings without NUL or count)
  };

  bool read_arguments(const tmf_message& message, std::span<const std::byte> payload,
                      std::uint8_t pointer_size, std::string& error);
  void render(const tmf_argument& argument, const argument_value& value, const tmf_conversion& spec,
              std::string& out);
  void render_text(const tmf_argument& argument, const argument_value& value, std::string& out);
  void add_field(const tmf_argument& argument, const argument_value& value, event_data& out);

  std::vector<argument_value> values_;
  std::uint8_t pointer_size_ = 8;
  std::string text_;  // one argument's printed text, for its field
};

/// Symbolic names of common status codes; empty when not in the built-in tables.
std::string_view win32_error_name(std::uint32_t code) noexcept;  // winerror.h ERROR_*
std::string_view ntstatus_name(std::uint32_t code) noexcept;     // ntstatus.h STATUS_*
/// HRESULT names; FACILITY_WIN32 codes (0x8007xxxx) give the Win32 name, as tracefmt does,
/// and FACILITY_NT_BIT codes the NTSTATUS name.
std::string_view hresult_name(std::uint32_t code) noexcept;
std::string_view ndis_status_name(std::uint32_t code) noexcept;  // NDIS_STATUS_*, else STATUS_*
std::string_view ndis_oid_name(std::uint32_t oid) noexcept;      // OID_*

}  // namespace etwcat::decode
