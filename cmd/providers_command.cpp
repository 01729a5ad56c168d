// Options for `providers`; the listings themselves are printed by formats/.
#include "cmd/providers_command.h"

#include <fmt/format.h>

#include <cstdio>

#include "cmd/dump_command.h"
#include "cmd/output.h"
#include "formats/provider_catalog_writer.h"
#include "formats/provider_writer.h"
#include "lib/base/diagnostics.h"
#include "lib/base/path_text.h"
#include "lib/base/usage_error.h"
#include "lib/provider/provider_catalog.h"
#include "lib/provider/provider_parser.h"

namespace etwcat::cmd {

namespace {

// The catalog with the --manifest files added; false (having said why) when one does not read.
bool load_catalog(const providers_options& options, provider::provider_catalog& catalog) {
  for (const std::string& path : options.manifests) {
    diagnostics diags;
    const auto file = path_from_utf8(path);
    std::error_code ec;
    auto set = std::filesystem::is_directory(file, ec)
                   ? decode::read_manifest_directory(file, diags)
                   : decode::read_manifest_file(file);
    for (const auto& d : diags.items()) fmt::print(stderr, "etwcat: {}\n", format(d));
    if (!set.ok()) {
      fmt::print(stderr, "etwcat: --manifest {}: {}\n", path, set.failure().message);
      return false;
    }
    catalog.add_manifests(std::make_shared<const decode::manifest_set>(std::move(set).value()),
                          path);
  }
  return true;
}

int run_details(const providers_options& options, const provider::provider_catalog& catalog,
                formats::listing_format format) {
  if (options.pattern.empty()) {
    throw usage_error("providers --details: name the provider (a name or GUID)");
  }
  const provider::catalog_entry* entry = catalog.find(options.pattern);
  if (entry == nullptr) {
    const auto matches = catalog.match(options.pattern);
    if (matches.size() == 1) {
      entry = matches.front();
    } else if (matches.empty()) {
      fmt::print(stderr, "etwcat: providers --details: no provider matches \"{}\"\n",
                 options.pattern);
      return exit_data_error;
    } else {
      std::string names;
      for (std::size_t i = 0; i < matches.size() && i < 8; ++i) {
        names += (i ? ", " : "") + matches[i]->name;
      }
      if (matches.size() > 8) names += fmt::format(", … ({} in all)", matches.size());
      fmt::print(stderr, "etwcat: providers --details: \"{}\" matches {} providers: {}\n",
                 options.pattern, matches.size(), names);
      return exit_data_error;
    }
  }
  auto details = catalog.details(entry->id);
  if (!details.ok()) {
    fmt::print(stderr, "etwcat: providers --details {}: {}\n", options.pattern,
               details.failure().message);
    return exit_data_error;
  }
  return write_stdout(formats::format_provider_details(*details.value(), entry, format));
}

}  // namespace

CLI::App* add_providers_command(CLI::App& app, providers_options& options) {
  CLI::App* sub = app.add_subcommand(
      "providers",
      "List the providers etwcat knows (built-in schemas, well-known, system, registered on "
      "Windows, --manifest), describe one (--details), count those in captures (--etl), list "
      "kernel flags, or parse a provider string");
  sub->add_option("pattern", options.pattern,
                  "Name or GUID, a part of one, or a glob (* and ?), any case; with --details, "
                  "the provider to describe");
  CLI::Option* format =
      sub->add_option("--format", options.format,
                      "Output format: text or jsonl (with --parse: JSON unless --format text)")
          ->check(CLI::IsMember({"text", "jsonl"}));
  sub->add_flag("--details", options.details,
                "Keywords, levels, channels, tasks, opcodes and events (with their fields) of "
                "one provider: from --manifest files, TDH on Windows, or the built-in schemas");
  sub->add_option("--etl", options.etl,
                  "The providers in these .etl files, with event counts (they add up to the "
                  "record count) and the share decoded")
      ->type_name("FILE");
  sub->add_option("--manifest", options.manifests,
                  "Also these instrumentation manifests (.man/.xml) or folders of them; one per "
                  "use, repeatable")
      ->type_name("FILE|DIR")
      ->allow_extra_args(false);
  sub->add_flag("--system", options.system,
                "Windows 11's system providers (SystemProcessProviderGuid, …) and their keywords");
  sub->add_flag("--kernel", options.kernel,
                "List NT Kernel Logger flag names and values (not with --parse)");
  CLI::Option* parse =
      sub->add_option("--parse", options.parse,
                      "Parse a provider string Name[:Level[:IDs[:AnyKw[:AllKw]]]] (keywords and "
                      "levels by number or by the provider's names, joined with |) and print it "
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
  // One question at a time.
  const int modes = options.parse_given + options.kernel + options.system + !options.etl.empty() +
                    options.details;
  if (modes > 1) {
    throw usage_error(
        "providers: --parse, --kernel, --system, --etl and --details cannot be combined "
        "(each is its own listing)");
  }
  text_buffer out;
  if (options.parse_given) {
    // JSON stays the default of --parse, as it always was: text only when asked for.
    const auto parsed = provider::parse_provider(options.parse);
    if (options.format_given && format == listing_format::text) {
      formats::append_provider_text(out, parsed);
    } else {
      formats::append_provider_json(out, parsed);
      out.push_back('\n');
    }
    return write_stdout(out.view());
  }
  if (options.kernel) return write_stdout(formats::format_kernel_flags(format));
  if (options.system) return write_stdout(formats::format_system_providers(format));
  if (!options.etl.empty()) {
    if (!options.pattern.empty()) {
      throw usage_error("providers --etl: a pattern cannot be combined with --etl FILE ...");
    }
    dump_options dump;
    dump.files = options.etl;
    dump.out.format = options.format;
    dump.out.manifests = options.manifests;
    dump.out.provider_counts = true;
    return run_dump(dump);
  }
  provider::provider_catalog catalog = provider::provider_catalog::standard();
  if (!load_catalog(options, catalog)) return exit_usage_or_system_error;
  if (options.details) return run_details(options, catalog, format);
  const auto matches = catalog.match(options.pattern);
  if (matches.empty()) {
    fmt::print(stderr, "etwcat: no provider matches \"{}\"\n", options.pattern);
    return exit_data_error;
  }
  return write_stdout(formats::format_catalog(matches, format));
}

}  // namespace etwcat::cmd
