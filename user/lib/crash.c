/*
 * crash.c: fault injection for servers (crash.h). The doomed request is
 * drawn with xorshift64 from the seed the supervisor sent, so a run can be
 * replayed exactly.
 */
#include <crash.h>
#include <mica/error.h>
#include <mica/proto/common.h>

static uint64_t next(struct crash_plan *p)
{
    uint64_t x = p->rng;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return p->rng = x;
}

uint64_t crash_random(struct crash_plan *p, uint64_t n)
{
    return next(p) % n;
}

int crash_request(struct crash_plan *p, uint64_t badge, const uint64_t *words, unsigned len)
{
    const struct proto_crash *rq = (const void *)words;
    if (badge != PROTO_SUPERVISOR_BADGE)
        return CRASH_REFUSE_PERM;
    if (len != PROTO_WORDS(struct proto_crash))
        return CRASH_REFUSE_INVAL;
    if (rq->after == 0)
        return CRASH_NOW;
    p->rng = rq->seed * 0x9E3779B97F4A7C15UL + 0x2545F4914F6CDD1DUL;
    if (p->rng == 0)
        p->rng = 1;
    p->countdown = 1 + crash_random(p, rq->after);
    return CRASH_ARMED;
}

uint64_t crash_serve(struct crash_plan *p, uint64_t badge, const uint64_t *words, unsigned len)
{
    switch (crash_request(p, badge, words, len)) {
    case CRASH_NOW:
        crash_now();
    case CRASH_ARMED:
        return 0;
    case CRASH_REFUSE_PERM:
        return E_PERM;
    default:
        return E_INVAL;
    }
}

bool crash_due(struct crash_plan *p)
{
    return p->countdown != 0 && --p->countdown == 0;
}

void crash_now(void)
{
    for (;;)
        *(volatile uint64_t *)CRASH_ADDR = 0;
}
