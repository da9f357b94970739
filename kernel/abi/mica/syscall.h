/**
 * @file mica/syscall.h
 * @brief The one list of Mica's system calls.
 *
 * Calling convention (x86_64 `syscall` instruction): the call number in rax,
 * arguments in rdi, rsi, rdx, r10, r8, r9; the result in rax. A result >= 0
 * is success (a value or a capability slot); a negative result is the negation
 * of an error code from mica/error.h. rcx and r11 are clobbered.
 *
 * MICA_SYSCALLS is an X-macro: X(number, name, argument count). The kernel
 * expands it into its dispatch table (handlers are named sys_<name>), the user
 * library into its stubs (also sys_<name>), the grader parses this file to
 * name calls in traces. Numbers are grouped: 0-15 threads and time, 16-31
 * capabilities, 32-47 IPC and notifications, 48-63 memory, 64-79 devices and
 * machine. A number that is not in the list returns -E_NOSYS.
 */
#ifndef MICA_SYSCALL_H
#define MICA_SYSCALL_H

#include <mica/types.h>

/** X(number, name, nargs) for every system call. */
#define MICA_SYSCALLS(X)                                                      \
    X(0,  debug_write,         2)  /* (const char *buf, size_t len) */        \
    X(1,  thread_exit,         1)  /* (int status): does not return */        \
    X(2,  yield,               0)                                             \
    X(3,  sleep,               1)  /* (tick_t ticks) */                       \
    X(4,  ticks,               0)  /* -> ticks since boot */                  \
    X(5,  thread_create,       2)  /* (cap_t space, const struct thread_params *) -> cap */ \
    X(6,  thread_start,        1)  /* (cap_t thread) */                       \
    X(7,  thread_suspend,      1)  /* (cap_t thread) */                       \
    X(8,  thread_resume,       1)  /* (cap_t thread) */                       \
    X(9,  thread_set_priority, 2)  /* (cap_t thread, int priority) */         \
    X(10, thread_info,         2)  /* (cap_t thread, struct thread_info *) */ \
    X(11, thread_join,         2)  /* (cap_t thread, tick_t timeout) -> exit status */ \
    X(12, kernel_stats,        1)  /* (struct kernel_stats *) */              \
    X(13, thread_kill,         1)  /* (cap_t thread): THREAD_STATUS_KILLED */ \
    X(15, thread_set_fault_handler, 2) /* (cap_t thread, cap_t ep or 0); mica/ipc.h */ \
    X(16, cap_copy,            2)  /* (cap_t src, cap_t dst) -> slot; mica/cap.h */ \
    X(17, cap_mint,            4)  /* (cap_t src, cap_t dst, rights, badge) -> slot */ \
    X(18, cap_move,            2)  /* (cap_t src, cap_t dst) -> slot */        \
    X(19, cap_delete,          1)  /* (cap_t slot) */                         \
    X(20, cap_revoke,          1)  /* (cap_t slot) -> capabilities deleted */ \
    X(21, cap_info,            2)  /* (cap_t slot, struct cap_info *) */      \
    X(22, cap_give,            3)  /* (cap_t space, cap_t src, cap_t dst) -> slot there */ \
    X(32, endpoint_create,     0)  /* -> cap; mica/ipc.h for 32-47 */         \
    X(33, ipc_send,            6)  /* (cap_t ep, info, w0, w1, w2, w3) */     \
    X(34, ipc_recv,            2)  /* (cap_t ep, tick_t timeout) -> message */ \
    X(35, ipc_call,            6)  /* (cap_t ep, info, w0..w3) -> reply */    \
    X(36, ipc_reply,           6)  /* (ignored, info, w0..w3) */              \
    X(37, ipc_reply_recv,      6)  /* (cap_t ep, info, w0..w3) -> message */  \
    X(38, ipc_nbsend,          6)  /* (cap_t ep, info, w0..w3) */             \
    X(39, ipc_nbrecv,          1)  /* (cap_t ep) -> message */                \
    X(40, ipc_set_buffer,      1)  /* (struct ipc_buffer *, 0 = none) */      \
    X(41, notification_create, 0)  /* -> cap */                               \
    X(42, notify_signal,       1)  /* (cap_t ntfn) */                         \
    X(43, notify_wait,         1)  /* (cap_t ntfn) -> bits */                 \
    X(44, notify_poll,         1)  /* (cap_t ntfn) -> bits (may be 0) */      \
    X(45, notify_bind,         2)  /* (cap_t thread, cap_t ntfn or 0) */      \
    X(47, ipc_stats,           1)  /* (struct ipc_stats *): fastpath counters */ \
    X(48, frame_info,          2)  /* (cap_t frame, struct frame_info *); mica/mem.h */ \
    X(49, frame_split,         3)  /* (cap_t frame, offset, pages) -> cap */  \
    X(50, frame_map,           5)  /* (cap_t frame, index, cap_t space, va, rights) */ \
    X(51, frame_unmap,         2)  /* (cap_t space, va) */                    \
    X(52, space_create,        0)  /* -> cap */                               \
    X(53, space_kill,          1)  /* (cap_t space) -> threads killed */      \
    X(64, poweroff,            2)  /* (cap_t machine, int status) */          \
    X(65, irq_bind,            3)  /* (cap_t machine, irq, cap_t ntfn) -> cap; mica/device.h */ \
    X(66, irq_ack,             1)  /* (cap_t irq) */                          \
    X(67, ioport_cap,          3)  /* (cap_t machine, first port, count) -> cap */ \
    X(68, ioport_in,           3)  /* (cap_t ports, port, width) -> value */  \
    X(69, ioport_out,          4)  /* (cap_t ports, port, width, value) */

/** System call numbers: SYS_debug_write, SYS_yield, ... */
enum mica_syscall_number {
/** @cond */
#define MICA_SYSCALL_ENUM(num, name, nargs) SYS_##name = num,
    MICA_SYSCALLS(MICA_SYSCALL_ENUM)
#undef MICA_SYSCALL_ENUM
/** @endcond */
};

/** Well-known capability slots every process starts with. */
enum mica_initial_caps {
    CAP_NULL = 0,           /**< always empty */
    CAP_SELF_THREAD = 1,    /**< the process's first thread */
    CAP_SELF_SPACE = 2,     /**< the process's address space */
    CAP_MACHINE = 3,        /**< power off, I/O ports, IRQs: the root task only */
    CAP_BOOT_FRAMES = 4,    /**< root task: slots 4..7 hold the free memory (mica/mem.h) */
    CAP_BOOT_FRAMES_MAX = 4, /**< at most this many; the unused ones stay empty */
    CAP_FIRST_FREE = 8,     /**< the first slot new capabilities go into */
};

/** Scheduling priorities: higher runs first. */
enum {
    PRIO_MIN = 0,
    PRIO_DEFAULT = 10,
    PRIO_MAX = 31,
    PRIO_LEVELS = 32,
};

/** A timeout for sys_thread_join() that never expires; timeout 0 polls. */
#define TIMEOUT_FOREVER ((tick_t)-1)

/**
 * Exit statuses. sys_thread_exit() keeps the low 8 bits of its argument
 * (0..255, as Unix does); a thread the kernel kills for a CPU fault exits with
 * THREAD_STATUS_KILLED. So a status is never negative and sys_thread_join()'s
 * result is a status when >= 0 and an error when < 0.
 *
 * sys_thread_join() waits until the thread is dead (at most timeout ticks,
 * -E_TIMEOUT after that) and returns its status; it also empties the slot
 * (the thread is reaped, as Unix's wait does), so a second join on the same
 * slot returns -E_BADCAP. Joining oneself returns -E_INVAL.
 */
#define THREAD_STATUS_KILLED 256

/** Arguments of sys_thread_create(). */
struct thread_params {
    uint64_t entry;         /**< first instruction, in the target address space */
    uint64_t stack_top;     /**< initial stack pointer (16-byte aligned) */
    uint64_t arg;           /**< passed in rdi */
    int32_t priority;       /**< PRIO_MIN..PRIO_MAX */
    char name[20];          /**< for traces and ps; need not be terminated */
};

/** Thread states, as sys_thread_info() reports them. */
enum thread_state {
    THREAD_SUSPENDED = 0,   /**< created, or suspended */
    THREAD_READY = 1,       /**< runnable, waiting for the CPU */
    THREAD_RUNNING = 2,     /**< on the CPU */
    THREAD_SLEEPING = 3,    /**< in sys_sleep */
    THREAD_BLOCKED = 4,     /**< waiting on an object (join, IPC) */
    THREAD_DEAD = 5,        /**< exited or killed; not yet reaped */
};

/** What sys_thread_info() reports. */
struct thread_info {
    uint64_t id;            /**< kernel thread id, unique until reboot */
    uint64_t cpu_ticks;     /**< timer ticks spent running */
    int32_t state;          /**< enum thread_state */
    int32_t priority;       /**< PRIO_MIN..PRIO_MAX */
    int32_t exit_status;    /**< valid when state is THREAD_DEAD */
    char name[20];          /**< as given at creation, NUL-terminated */
    uint32_t space_threads; /**< threads of its address space not dead (0: kernel thread) */
    uint32_t reserved;      /**< 0 */
    uint64_t space_cpu_ticks; /**< timer ticks all threads of its address space ran, dead ones' included */
};

/** Kernel-wide counters, for tests that check resources come back. */
struct kernel_stats {
    uint64_t ticks;         /**< timer ticks since boot */
    uint64_t free_frames;   /**< physical frames the allocator holds free */
    uint64_t threads;       /**< live thread objects */
    uint64_t kmem_inuse;    /**< kernel objects allocated and not freed */
    uint64_t context_switches; /**< switches from one thread to another */
};

_Static_assert(sizeof(struct thread_params) == 48, "thread_params layout");
_Static_assert(sizeof(struct thread_info) == 64, "thread_info layout");

#endif
