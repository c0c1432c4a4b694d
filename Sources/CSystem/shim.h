// The few C library calls the Lambda binaries make (clocks, environment, write, exit). Imported through this
// module rather than Swift's Glibc overlay: the overlay references hypotf@GLIBC_2.35, which Amazon Linux 2023
// (glibc 2.34) lacks, so a binary that imports Glibc would not start on provided.al2023.
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static inline char **csystem_environ(void) {
    extern char **environ;
    return environ;
}
