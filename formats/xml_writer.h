// xml_writer: events as the XML of the Windows Event schema
// (http://schemas.microsoft.com/win/2004/08/events/event, learn.microsoft.com "Event Schema"),
// the shape of Event Viewer's XML view and of `tracerpt -of XML`: an <Events> root, one <Event>
// per line, in the schema's element order:
//
// <?xml version="1.0" encoding="UTF-8"?>
// <Events>
// <Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event" xmlns:etwcat="urn:etwcat">
//  <System>
//   <Provider Name="Microsoft-Windows-HttpService" Guid="{DD5EF90A-…}"/>
//   <EventID>21</EventID><Version>0</Version><Level>4</Level><Task>4</Task><Opcode>28</Opcode>
//   <Keywords>0x8000000000000010</Keywords>
//   <TimeCreated SystemTime="2011-01-23T22:07:27.2257591Z"/>
//   <Correlation ActivityID="{…}" RelatedActivityID="{…}"/>
//   <Execution ProcessID="4" ThreadID="8" ProcessorID="2" KernelTime="15" UserTime="31"/>
//   <Channel>Microsoft-Windows-HttpService/Trace</Channel><Computer/><Security UserID="S-1-5-18"/>
//   <etwcat:EventName>…</etwcat:EventName> … (see below)
//  </System>
//  <EventData><Data Name="Pid">4</Data><ComplexData Name="S"><Data Name="a">1</Data>
//   </ComplexData></EventData>   or, for a payload that did not decode: <BinaryEventData>0A0B…
//  <RenderingInfo Culture="en-US"><Level>Information</Level><Opcode>…</Opcode><Task>…</Task>
//   <Channel>…</Channel><Provider>…</Provider><Keywords><Keyword>…</Keyword></Keywords>
//  </RenderingInfo>
//  <ExtendedTracingInfo xmlns="http://schemas.microsoft.com/win/2004/08/events/trace">
//   <EventGuid>{…}</EventGuid></ExtendedTracingInfo>             (classic events, as tracerpt)
//  <etwcat:ExtendedData>…</etwcat:ExtendedData><etwcat:Surplus>…</etwcat:Surplus>
//  <etwcat:RawData>…</etwcat:RawData>
// </Event>
// </Events>
//
// Elements are left out as in the JSON (no Version when the record has none), except the ones
// the schema requires: EventID (0 for classic events, as tracerpt writes), Computer (empty:
// a trace does not name its machine) — and Channel, Correlation and Security, present always
// (empty when unknown) as Event Viewer writes them. Execution has no ProcessID/ThreadID for the
// records that carry none. Values are the text of the JSON values (numbers, "0x…" hex, GUIDs
// in braces, RFC 3339 UTC times, upper-case hex bytes). Channel is the channel's name, else
// its number. RenderingInfo appears when any name is known.
//
// What the schema has no place for goes in etwcat's namespace (urn:etwcat), where the schema
// allows elements of other namespaces (the end of System and of Event): EventName, ProcessName,
// Attributed, Classic (Group, Type, HeaderType attributes), DecodeError, DecodeWarning and
// Source (several inputs only) end System; ExtendedData (StackTrace MatchID=…: the addresses
// separated by spaces; TerminalSessionID; StackKey MatchID Key; EventKey; ProcessStartKey;
// ContainerID; Other Type=…: hex), Surplus and RawData (as in the JSON) end Event.
//
// EventData: a scalar is <Data Name="…">text</Data>; a struct is <ComplexData Name="…"> holding
// its members (named Data/ComplexData); an array is <ComplexData Name="…"> holding its elements
// (Data or ComplexData without a Name). EvtRender makes structs and arrays binary blobs; this
// keeps them readable and lossless.
//
// Text is UTF-8. & < > " are escaped; so are tab, LF and CR in attributes and CR in text
// (as character references, which parsers keep). The control characters XML 1.0 forbids, and
// invalid UTF-8, U+FFFE and U+FFFF, become U+FFFD. A live session's losses end the document as
// <etwcat:Loss Session="…" Delivered="…" …/> after the last Event.
#pragma once

#include <string>
#include <string_view>

#include "formats/event_writer.h"
#include "formats/jsonl_writer.h"
#include "lib/base/text_buffer.h"
#include "lib/event/event.h"

namespace etwcat::formats {

struct xml_options {
  bool always_raw = false;  // --raw: etwcat:RawData even when the payload was decoded
};

class xml_writer final : public event_writer {
 public:
  explicit xml_writer(output_sink& sink, xml_options options = {})
      : sink_(sink), options_(options) {}

  /// Writes the XML declaration and opens <Events>.
  void begin(const trace_info& info) override;
  void write(const event& e) override;
  /// Closes </Events>; the document is complete only after this.
  void finish(const summary& totals) override;

 private:
  output_sink& sink_;
  xml_options options_;
  source_names sources_;
  text_buffer scratch_;  // a value's text before escaping; reused
};

/// Appends the <Event> element of `e` without a newline. `source`, when not empty, becomes
/// etwcat:Source; `scratch` is working space (its capacity is kept for the next call).
void append_event_xml(text_buffer& out, const event& e, const xml_options& options,
                      std::string_view source, text_buffer& scratch);

/// Appends `text` escaped for XML character data, or for an attribute value in double quotes.
void append_xml_escaped(text_buffer& out, std::string_view text, bool attribute);

}  // namespace etwcat::formats
