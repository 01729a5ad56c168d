// manifest_assembler: envelope checks, chunk collection and repeat detection for EventSource
// manifests (the ManifestEnvelope of System.Diagnostics.Tracing.EventSource).
#include "lib/decode/manifest/manifest_assembler.h"

#include <cstring>
#include <utility>

#include "lib/base/byte_cursor.h"

namespace etwcat::decode {

namespace {

constexpr std::size_t envelope_size = 8;
constexpr std::uint8_t envelope_magic = 0x5B;
constexpr std::uint8_t format_utf8_xml = 1;

std::uint64_t fnv1a(std::string_view text) noexcept {
  std::uint64_t h = 0xCBF29CE484222325ull;
  for (char c : text) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001B3ull;
  return h;
}

property field(std::string_view name, in_type in, out_type out = out_type::none) {
  property p;
  p.name = std::string(name);
  p.in = in;
  p.out = out;
  return p;
}

event_schema make_manifest_data_schema() {
  event_schema s;
  s.source = schema_source::event_source;
  s.id = manifest_event_id;
  s.version = 1;
  s.opcode = manifest_event_opcode;
  s.event_name = std::string(manifest_event_name);
  s.properties = {
      field("Format", in_type::uint8),
      field("MajorVersion", in_type::uint8),
      field("MinorVersion", in_type::uint8),
      field("Magic", in_type::uint8, out_type::hex_int8),
      field("TotalChunks", in_type::uint16),
      field("ChunkNumber", in_type::uint16),
      field("Data", in_type::ansi_string, out_type::utf8),
  };
  s.properties.back().length_from = size_source::remaining;
  s.top_level_count = static_cast<std::uint16_t>(s.properties.size());
  return s;
}

error envelope_error(const guid& provider, std::string text, std::uint64_t offset = 0) {
  return error{"EventSource manifest of " + provider.to_string() + ": " + std::move(text), offset};
}

}  // namespace

const event_schema& manifest_data_schema() {
  static const event_schema schema = make_manifest_data_schema();
  return schema;
}

std::optional<result<manifest_set>> manifest_assembler::add(const guid& provider,
                                                            std::span<const std::byte> payload) {
  byte_cursor in(payload);
  std::uint8_t format = 0, major = 0, minor = 0, magic = 0;
  std::uint16_t total = 0, number = 0;
  if (!in.read(format) || !in.read(major) || !in.read(minor) || !in.read(magic) ||
      !in.read(total) || !in.read(number)) {
    return envelope_error(provider, "payload of " + std::to_string(payload.size()) +
                                        " bytes is shorter than the " +
                                        std::to_string(envelope_size) + "-byte envelope");
  }
  if (magic != envelope_magic) {
    return envelope_error(provider,
                          "envelope magic byte is " + std::to_string(magic) + ", not 0x5B (91)", 3);
  }
  if (format != format_utf8_xml) {
    return envelope_error(provider, "format " + std::to_string(format) + " is not 1 (UTF-8 XML)");
  }
  if (total == 0 || number >= total) {
    return envelope_error(
        provider, "chunk " + std::to_string(number) + " of " + std::to_string(total) + " chunks",
        6);
  }
  const std::span<const std::byte> rest = in.rest();
  std::string chunk(rest.size(), '\0');
  if (!rest.empty()) std::memcpy(chunk.data(), rest.data(), rest.size());

  pending& p = pending_[provider];
  if (p.total != total) {  // a new manifest (or a new version of it) starts
    p = pending{};
    p.total = total;
    p.chunks.resize(total);
  }
  auto& slot = p.chunks[number];
  if (!slot) {
    ++p.received;
    p.bytes += chunk.size();
  } else {
    p.bytes = p.bytes - slot->size() + chunk.size();
  }
  slot = std::move(chunk);
  if (p.bytes > max_manifest_bytes) {
    pending_.erase(provider);
    return envelope_error(
        provider, "manifest larger than " + std::to_string(max_manifest_bytes >> 20) + " MB");
  }
  if (p.received < p.total) return std::nullopt;

  std::string text;
  text.reserve(p.bytes);
  for (const auto& c : p.chunks) text += *c;
  pending_.erase(provider);
  while (!text.empty() && text.back() == '\0') text.pop_back();

  const done seen{fnv1a(text), text.size()};
  if (auto it = done_.find(provider);
      it != done_.end() && it->second.hash == seen.hash && it->second.size == seen.size) {
    return std::nullopt;  // logged again, unchanged
  }
  manifest_options options;
  options.missing_template_means_empty = true;  // EventSource writes a template per payload
  options.source = schema_source::event_source;
  auto set = read_manifest(text, "EventSource manifest " + provider.to_string(), options);
  if (!set) return result<manifest_set>(set.failure());
  done_[provider] = seen;
  ++completed_;
  return result<manifest_set>(std::move(set.value()));
}

}  // namespace etwcat::decode
