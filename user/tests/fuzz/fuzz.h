/*
 * fuzz.h: the syscall fuzzer's pieces (sysfuzz.c runs the storm, fuzzgen.c
 * makes the calls). Everything random comes from one seeded generator per
 * thread, so a seed replays the same storm.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stdint.h>
#include <stdbool.h>
#include <mica/syscall.h>

/* xorshift64*: small, fast, and good enough to pick arguments. */
struct rng {
    uint64_t state;             /* never 0 */
};

void rng_seed(struct rng *r, uint64_t seed);
uint64_t rng_next(struct rng *r);
uint64_t rng_below(struct rng *r, uint64_t n);      /* 0..n-1; n > 0 */

/* One system call from MICA_SYSCALLS. */
struct fuzz_call {
    long num;
    const char *name;
    int nargs;
};

#define FUZZ_MAX_CALLS 64

/* Where frame_map may put pages (FUZZ_MAP_PAGES of them); the cleanup
 * unmaps them. */
#define FUZZ_MAP_VA     0x0000200000000000UL
#define FUZZ_MAP_PAGES  64

extern const struct fuzz_call fuzz_calls[];
extern const int fuzz_ncalls;

/* One call about to be made: number and six arguments, and which list entry
 * it came from (-1 for a number outside the list). */
struct fuzz_req {
    long num;
    long arg[6];
    int call;
};

/* What the generator needs to know about the program it runs in. */
struct fuzz_env {
    uint64_t main_tid;          /* the fuzzing thread: never suspended, never exited */
    char *scratch;              /* the kernel may read and write this freely */
    uint64_t scratch_size;
};

extern struct fuzz_env fuzz_env;
extern long fuzz_child_calls;           /* calls made by storm children */
extern long fuzz_child_per_call[FUZZ_MAX_CALLS];   /* ... per fuzz_calls[] entry */

/* Fill req with a random call and arguments, neutered so that it cannot end
 * the run (see fuzzgen.c for the list); main_thread: the caller is the
 * fuzzing thread (children may exit). */
void fuzz_make(struct rng *r, struct fuzz_req *req, bool main_thread);

/* Call when every thread the fuzzer created has been joined. */
void fuzz_children_reset(void);

/* Make the call; returns the kernel's result. */
long fuzz_issue(const struct fuzz_req *req);

#endif
