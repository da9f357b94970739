/**
 * @file crash.h
 * @brief Fault injection for servers: PROTO_CRASH (mica/proto/common.h).
 *
 * A server keeps one struct crash_plan. crash_request() decodes a
 * PROTO_CRASH request: only the supervisor's badge is obeyed; after = 0
 * means "now", after = n arms the plan so that crash_due() is true for one
 * request among the next n, chosen by a pseudo-random generator seeded from
 * the request (the same seed gives the same request every time).
 * crash_now() takes a real page fault, so the kernel kills the thread and
 * prints its fault line.
 */
#ifndef CRASH_H
#define CRASH_H

#include <mica/types.h>

/** An address no program maps: crash_now() writes there. */
#define CRASH_ADDR 0xdeadUL

/** What crash_request() tells the server to do. */
enum crash_verdict {
    CRASH_REFUSE_PERM = -1,     /**< reply E_PERM: not the supervisor */
    CRASH_REFUSE_INVAL = -2,    /**< reply E_INVAL: malformed request */
    CRASH_ARMED = 0,            /**< reply 0: a later request crashes */
    CRASH_NOW = 1,              /**< crash at once, without a reply */
};

/** A server's fault-injection state. */
struct crash_plan {
    uint64_t countdown;         /**< requests until the doomed one (1: the next); 0: not armed */
    uint64_t rng;               /**< xorshift state */
};

/**
 * @brief Decode a PROTO_CRASH request.
 * @param p the server's plan.
 * @param badge the sender's badge.
 * @param words the request words.
 * @param len their number.
 * @return what to do (enum crash_verdict).
 */
int crash_request(struct crash_plan *p, uint64_t badge, const uint64_t *words, unsigned len);

/**
 * @brief Serve a PROTO_CRASH request in a single-threaded server: crash at
 *        once (after = 0), or arm the plan.
 * @param p the server's plan.
 * @param badge the sender's badge.
 * @param words the request words.
 * @param len their number.
 * @return the reply label: 0 (armed), E_PERM or E_INVAL.
 */
uint64_t crash_serve(struct crash_plan *p, uint64_t badge, const uint64_t *words, unsigned len);

/**
 * @brief Count one request; true if it is the doomed one (the plan is then disarmed).
 * @param p the server's plan.
 */
bool crash_due(struct crash_plan *p);

/**
 * @brief A pseudo-random number in 0..n-1 from the plan's generator.
 * @param p the server's plan.
 * @param n the range, > 0.
 */
uint64_t crash_random(struct crash_plan *p, uint64_t n);

/** @brief Take a page fault at CRASH_ADDR; does not return. */
void crash_now(void) __attribute__((noreturn));

#endif
