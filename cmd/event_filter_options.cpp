#include "cmd/event_filter_options.h"

namespace etwcat::cmd {

void add_event_filter_options(CLI::App* sub, event_filter_options& o, filter_option_set which) {
  // One value per use (--id 4 --id 7); a word after it is a trace file again.
  auto repeatable = [](CLI::Option* option) { return option->allow_extra_args(false); };
  trace::filter_options& f = o.filter;
  const std::string group = "Filters (all must match; see etwcat-dump(1) FILTERS)";
  if (which.provider_and_pid) {
    repeatable(sub->add_option("--provider", f.providers,
                               "Only events of this provider: name, {GUID} or glob "
                               "(Microsoft-Windows-*); repeatable"))
        ->type_name("NAME")
        ->group(group);
  }
  repeatable(sub->add_option("--id", f.ids,
                             "Only these event IDs: 1,5-9; !N leaves N out (events without an ID "
                             "— kernel classes — pass only a list of exclusions); repeatable"))
      ->type_name("LIST")
      ->group(group);
  repeatable(sub->add_option("--event", f.event_names,
                             "Only events with this EventName or glob (Process/*, GC/Start); "
                             "repeatable"))
      ->type_name("NAME")
      ->group(group);
  sub->add_option("--level", f.max_level,
                  "Only events of this level or more severe: 0-255 or critical, error, warning, "
                  "information, verbose (events without a level, and level 0, pass)")
      ->type_name("MAX")
      ->group(group);
  sub->add_option("--keywords", f.keywords,
                  "Only events with any of these keyword bits (events with no keywords pass)")
      ->type_name("MASK")
      ->group(group);
  if (which.provider_and_pid) {
    repeatable(sub->add_option("--pid", f.pids,
                               "Only events of these process IDs (also attributed ones): LIST "
                               "as for --id; repeatable"))
        ->type_name("LIST")
        ->group(group);
  }
  repeatable(sub->add_option("--tid", f.tids, "Only events of these thread IDs; repeatable"))
      ->type_name("LIST")
      ->group(group);
  repeatable(sub->add_option("--process", f.processes,
                             "Only events of processes with this image name or glob "
                             "(svchost.exe, msedge*); repeatable"))
      ->type_name("NAME")
      ->group(group);
  sub->add_option("--since", f.since,
                  "Only events at or after this time: RFC 3339 with a zone "
                  "(2016-05-26T20:17:22Z) or +OFFSET from the trace's start (+5s, +500ms; live: "
                  "from its first event)")
      ->type_name("TIME")
      ->group(group);
  sub->add_option("--until", f.until, "Only events at or before this time (as --since)")
      ->type_name("TIME")
      ->group(group);
  repeatable(sub->add_option("--where", f.where,
                             "Only events whose EventData member matches: FIELD=VALUE, "
                             "FIELD!=VALUE, FIELD~REGEX (any case), FIELD>N, <, >=, <=; "
                             "repeatable, all must match"))
      ->type_name("TEST")
      ->group(group);
  if (which.limit_and_skip) {
    sub->add_option("--limit", o.limit, "Stop after writing N events")
        ->type_name("N")
        ->group(group);
    sub->add_option("--skip", o.skip, "Leave out the first N events that pass the filters")
        ->type_name("N")
        ->group(group);
  }
}

}  // namespace etwcat::cmd
