#include "server/background_priority.hpp"

#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

namespace advisor::server {

// With a nice value alone the scheduler still lets a running writer finish its slice when an
// I/O thread wakes, and a save of a few thousand conversations then showed in the reply
// latency's p90 (about 1 ms at half load on one core). A SCHED_IDLE thread is preempted at
// once. What it gives up: on a core that stays saturated, small talk is saved late; bookings
// have their own writer at normal priority, and a durable form save needs little CPU.
void make_background_thread() {
  const sched_param param{};
  if (sched_setscheduler(0, SCHED_IDLE, &param) == 0) return;
  setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 10);
}

}  // namespace advisor::server
