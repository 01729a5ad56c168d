// read_etl: the processes started while an .etl file was recorded, one "PID image" line each.
// The same loop as process_monitor.cpp, with a file in place of a live session: the pipeline
// takes either source, so code written for one works for the other.
//
//   read_etl trace.etl [more.etl ...]    (several files of one session read as one trace)
#include <filesystem>
#include <iostream>
#include <variant>
#include <vector>

#include "lib/base/diagnostics.h"
#include "lib/decode/decoder.h"
#include "lib/decode/typed_events.h"
#include "lib/etl/merged_reader.h"
#include "lib/trace/pipeline.h"

using namespace etwcat;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: read_etl FILE.etl...\n";
    return 2;
  }
  const std::vector<std::filesystem::path> files(argv + 1, argv + argc);

  // Damage in a file (a bad buffer, a truncated record) does not end the read: it is reported
  // here, and every intact event still comes through.
  diagnostics problems;
  etl::merged_reader trace = etl::merged_reader::open(files, problems);

  decode::decoder decoder;  // built-in kernel layouts, and the schemas the trace carries
  trace::pipeline events(decoder);
  events.run(trace, [](const event& e) {
    // The typed view fits the kernel's Process/Start and Kernel-Process' ProcessStart alike.
    const decode::typed_event view = decode::typed_view(e);
    const auto* start = std::get_if<decode::process_start>(&view);
    // Rundown events list the processes already running when the trace began: not starts.
    if (start != nullptr && !start->rundown) {
      std::cout << start->process_id << ' ' << start->image_name << '\n';
    }
    return true;  // false would end the read here
  });

  for (const diagnostic& d : problems.items()) std::cerr << "read_etl: " << format(d) << '\n';
  return problems.empty() ? 0 : 1;
}
