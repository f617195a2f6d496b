#pragma once
// The scheduling class of a thread that does background work (saving small talk, the
// console's review list) beside the threads that answer visitors.

namespace advisor::server {

// Makes the calling thread run only when the core has nothing more urgent: SCHED_IDLE, or
// nice 10 where that is not allowed.
void make_background_thread();

}  // namespace advisor::server
