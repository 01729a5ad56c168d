// Options for `providers`; the listings themselves are printed by formats/.
#include "cmd/providers_command.h"

#include <cstdio>

#include "cmd/output.h"
#include "formats/provider_writer.h"
#include "lib/base/usage_error.h"
#include "lib/provider/provider_parser.h"

namespace etwcat::cmd {

CLI::App* add_providers_command(CLI::App& app, providers_options& options) {
  CLI::App* sub = app.add_subcommand(
      "providers", "List well-known providers and kernel flags, or parse a provider string");
  CLI::Option* format =
      sub->add_option("--format", options.format,
                      "Output format: text or jsonl (with --parse: JSON unless --format text)")
          ->check(CLI::IsMember({"text", "jsonl"}));
  sub->add_flag("--kernel", options.kernel,
                "List NT Kernel Logger flag names and values (not with --parse)");
  CLI::Option* parse =
      sub->add_option("--parse", options.parse,
                      "Parse a provider string Name[:Level[:IDs[:AnyKw[:AllKw]]]] and print it "
                      "as JSON, or as text with --format text");
  // Only records: an exception here would escape CLI11's parse, so run_providers judges.
  sub->callback([&options, format, parse] {
    options.format_given = format->count() > 0;
    options.parse_given = parse->count() > 0;
  });
  return sub;
}

int run_providers(const providers_options& options) {
  using formats::listing_format;
  const auto format = options.format == "jsonl" ? listing_format::jsonl : listing_format::text;
  std::string out;
  if (options.parse_given) {
    if (options.kernel) {
      throw usage_error(
          "providers: --kernel and --parse cannot be combined (--parse reads one provider "
          "string; --kernel lists the kernel flags)");
    }
    // JSON stays the default of --parse, as it always was: text only when asked for.
    const auto parsed = provider::parse_provider(options.parse);
    if (options.format_given && format == listing_format::text) {
      formats::append_provider_text(out, parsed);
    } else {
      formats::append_provider_json(out, parsed);
      out.push_back('\n');
    }
  } else if (options.kernel) {
    out = formats::format_kernel_flags(format);
  } else {
    out = formats::format_known_providers(format);
  }
  return write_stdout(out);
}

}  // namespace etwcat::cmd
