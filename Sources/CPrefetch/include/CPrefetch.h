#ifndef CPREFETCH_H
#define CPREFETCH_H

// Swift has no prefetch instruction of its own. The repeat filter's lines are random in 16 MB, so asking for one
// while a row's intervals are parsed hides most of a cache miss per row.
static inline void cprefetch_read(const void *address) {
    __builtin_prefetch(address, 1, 3);
}

#endif
