// The init of a partition container (DESIGN.md: a monitor owns the workload). At `runz
// start` it starts the cell or remote processor, relays the console to the container's
// stdout, polls the workload's state, turns stop signals into a shutdown, and exits with
// the workload's status: 0 when it shut down by itself, 1 when it failed or crashed,
// 128 + signal when a signal stopped it.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "util/result.hpp"

namespace runz::backends::partition {

enum class WorkloadState { running, ended, failed };

// What a poll saw: the state, and the raw word the interface reported ("crashed").
struct WorkloadStatus {
  WorkloadState state = WorkloadState::running;
  std::string raw;
};

struct PartitionMonitorPlan {
  std::string what;                                // "cell \"web-1\"", for messages
  std::function<Result<void>()> start;             // cell start / write start
  std::function<Result<void>()> stop;              // on SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGPWR
  std::function<Result<WorkloadStatus>()> poll;    // an error ends the monitor with status 1
  std::string console;                             // a file whose new bytes are the console; "" none
  std::chrono::milliseconds interval{25};
};

int run_partition_monitor(const PartitionMonitorPlan& plan);

}  // namespace runz::backends::partition
