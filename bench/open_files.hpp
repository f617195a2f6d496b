#pragma once
// Both ends of a many-connection benchmark need more descriptors than the default soft limit.

#include <sys/resource.h>

namespace advisor::bench {

// Raises the soft limit on open files to the hard one (20,000 on the development machines).
inline void raise_open_files_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

}  // namespace advisor::bench
