/*
 * ipc.c: the IPC system call with its full register set (mica/ipc.h): the
 * generated stubs in sys.h return only rax.
 */
#include <messaging.h>
#include <sys.h>

long ipc_syscall(long num, cap_t slot, uint64_t info, const uint64_t *w, struct ipc_msg *out)
{
    static const uint64_t zero[4];
    if (!w)
        w = zero;
    register uint64_t rdi __asm__("rdi") = (uint64_t)slot;
    register uint64_t rsi __asm__("rsi") = info;
    register uint64_t rdx __asm__("rdx") = w[0];
    register uint64_t r10 __asm__("r10") = w[1];
    register uint64_t r8 __asm__("r8") = w[2];
    register uint64_t r9 __asm__("r9") = w[3];
    long ret;
    __asm__ volatile("syscall"
                     : "=a"(ret), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10), "+r"(r8), "+r"(r9)
                     : "a"(num)
                     : "rcx", "r11", "memory");
    if (out) {
        out->badge = rdi;
        out->info = rsi;
        out->w[0] = rdx;
        out->w[1] = r10;
        out->w[2] = r8;
        out->w[3] = r9;
    }
    return ret;
}

long ipc_buffer_register(struct ipc_buffer *buf)
{
    return sys_ipc_set_buffer((long)buf);
}
