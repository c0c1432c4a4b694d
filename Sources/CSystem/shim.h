// The few C library calls the Lambda binaries make (clocks, environment, files, write, exit). Imported through this
// module rather than Swift's Glibc overlay: the overlay references hypotf@GLIBC_2.35, which Amazon Linux 2023
// (glibc 2.34) lacks, so a binary that imports Glibc would not start on provided.al2023.
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static inline char **csystem_environ(void) {
    extern char **environ;
    return environ;
}

// open(2) is variadic, which Swift cannot call.
static inline int csystem_open_read(const char *path) {
    return open(path, O_RDONLY | O_CLOEXEC);
}

// A thread's own clock in the simulation (Timekeeping's TimeSource) is kept in a pthread key.
#include <pthread.h>
