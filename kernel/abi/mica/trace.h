/**
 * @file mica/trace.h
 * @brief Trace lines the kernel prints, for the grader (documentation only).
 *
 * `trace=sched` on the kernel command line turns on the scheduler trace: one
 * line per event, tick-stamped, threads named `<name>#<id>`:
 *
 *     sched: t=<tick> run <name>#<id> prio=<p>        a different thread got the CPU
 *     sched: t=<tick> wake <name>#<id> by=<reason>    reason: start|sleep|resume|join|prio|timeout|ipc
 *     sched: t=<tick> block <name>#<id> on=<what>     what: sleep|join|suspend|send|recv|reply|notify
 *     sched: t=<tick> exit <name>#<id> status=<n>
 *
 * `run` is printed when the CPU passes to another thread, including the idle
 * thread (named `idle`, id 0); `wake` when a thread becomes ready (`prio`
 * when a priority change made a ready thread preempt the running one,
 * `timeout` when a thread_join timed out).
 * Thread names are at most 19 characters without spaces (spaces print as '_').
 *
 * `timeout` also ends a receive with a timeout; `ipc` is a message, reply
 * or signal arriving (or the endpoint or notification dying).
 *
 * `trace=ipc` prints one line per message transfer (lab 4), named by the
 * call that completed it: `send`/`call` when the receiver was already
 * waiting, `recv` when the sender was, `reply` for replies:
 *
 *     ipc: t=<tick> <send|recv|call|reply> <from>#<id> -> <to>#<id> label=<n>
 *
 * Always printed (not only with trace=sched):
 *
 *     root: started <module name> entry=0x<hex>
 *     root: bad ELF: <why>
 *     root: no root task module
 *     fault: thread <name>#<id> killed: <vector name> at rip=0x<hex> addr=0x<hex>
 *
 * addr is the faulting address (CR2) for page faults and 0 otherwise.
 */
#ifndef MICA_TRACE_H
#define MICA_TRACE_H

/** Every scheduler trace line starts with this. */
#define MICA_TRACE_SCHED_PREFIX "sched: "

#endif
