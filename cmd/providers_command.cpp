// Options for `providers`; the listings themselves are printed by formats/.
#include "cmd/providers_command.h"

#include <cstdio>

#include "cmd/output.h"
#include "formats/provider_writer.h"
#include "lib/provider/provider_parser.h"

namespace etwcat::cmd {

CLI::App* add_providers_command(CLI::App& app, providers_options& options) {
  CLI::App* sub = app.add_subcommand(
      "providers", "List well-known providers and kernel flags, or parse a provider string");
  sub->add_option("--format", options.format, "Output format: text or jsonl")
      ->check(CLI::IsMember({"text", "jsonl"}));
  sub->add_flag("--kernel", options.kernel, "List NT Kernel Logger flag names and values");
  sub->add_option("--parse", options.parse,
                  "Parse a provider string Name[:Level[:IDs[:AnyKw[:AllKw]]]] and print it as "
                  "JSON");
  return sub;
}

int run_providers(const providers_options& options) {
  using formats::listing_format;
  const auto format = options.format == "jsonl" ? listing_format::jsonl : listing_format::text;
  std::string out;
  if (!options.parse.empty()) {
    formats::append_provider_json(out, provider::parse_provider(options.parse));
    out.push_back('\n');
  } else if (options.kernel) {
    out = formats::format_kernel_flags(format);
  } else {
    out = formats::format_known_providers(format);
  }
  return write_stdout(out);
}

}  // namespace etwcat::cmd
