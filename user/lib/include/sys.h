/**
 * @file sys.h
 * @brief Raw system call stubs, one per entry of MICA_SYSCALLS.
 *
 * For every X(number, name, nargs) in <mica/syscall.h> this header defines
 * `static inline long sys_<name>(long a0, ...)` taking nargs arguments, so
 * the stubs can never disagree with the kernel's list. A stub returns what
 * the kernel put in rax: a value >= 0 on success, or the negation of an
 * error code from <mica/error.h> (see mica_strerror()).
 *
 * Arguments are passed as `long`: cast pointers, e.g.
 * `sys_debug_write((long)buf, len)`. Most programs use the typed helpers in
 * stdio.h and thread.h instead.
 */
#ifndef SYS_H
#define SYS_H

#include <mica/syscall.h>
#include <mica/error.h>

/*
 * The `syscall` instruction takes the number in rax and the arguments in
 * rdi, rsi, rdx, r10, r8, r9; it clobbers rcx (return rip) and r11 (rflags).
 * The kernel preserves every other register.
 */

/** @brief Make system call @p n with no arguments. @param n call number. @return the kernel's result. */
static inline long syscall0(long n)
{
    long ret;
    __asm__ volatile("syscall" : "=a"(ret) : "a"(n) : "rcx", "r11", "memory");
    return ret;
}

/** @brief Make system call @p n with one argument. @param n call number. @param a0 first argument. @return the kernel's result. */
static inline long syscall1(long n, long a0)
{
    long ret;
    __asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a0) : "rcx", "r11", "memory");
    return ret;
}

/** @brief Make system call @p n with two arguments. @param n call number. @param a0 first argument. @param a1 second argument. @return the kernel's result. */
static inline long syscall2(long n, long a0, long a1)
{
    long ret;
    __asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a0), "S"(a1) : "rcx", "r11", "memory");
    return ret;
}

/** @brief Make system call @p n with three arguments. @param n call number. @param a0 first argument. @param a1 second argument. @param a2 third argument. @return the kernel's result. */
static inline long syscall3(long n, long a0, long a1, long a2)
{
    long ret;
    __asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a0), "S"(a1), "d"(a2)
                     : "rcx", "r11", "memory");
    return ret;
}

/** @brief Make system call @p n with four arguments. @param n call number. @param a0 first argument. @param a1 second argument. @param a2 third argument. @param a3 fourth argument. @return the kernel's result. */
static inline long syscall4(long n, long a0, long a1, long a2, long a3)
{
    long ret;
    register long r10 __asm__("r10") = a3;
    __asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a0), "S"(a1), "d"(a2), "r"(r10)
                     : "rcx", "r11", "memory");
    return ret;
}

/** @brief Make system call @p n with five arguments. @param n call number. @param a0 first argument. @param a1 second argument. @param a2 third argument. @param a3 fourth argument. @param a4 fifth argument. @return the kernel's result. */
static inline long syscall5(long n, long a0, long a1, long a2, long a3, long a4)
{
    long ret;
    register long r10 __asm__("r10") = a3;
    register long r8 __asm__("r8") = a4;
    __asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a0), "S"(a1), "d"(a2), "r"(r10), "r"(r8)
                     : "rcx", "r11", "memory");
    return ret;
}

/** @brief Make system call @p n with six arguments. @param n call number. @param a0 first argument. @param a1 second argument. @param a2 third argument. @param a3 fourth argument. @param a4 fifth argument. @param a5 sixth argument. @return the kernel's result. */
static inline long syscall6(long n, long a0, long a1, long a2, long a3, long a4, long a5)
{
    long ret;
    register long r10 __asm__("r10") = a3;
    register long r8 __asm__("r8") = a4;
    register long r9 __asm__("r9") = a5;
    __asm__ volatile("syscall" : "=a"(ret)
                     : "a"(n), "D"(a0), "S"(a1), "d"(a2), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
}

/// @cond STUBS
/* One stub shape per argument count; MICA_SYSCALLS picks the shape by nargs. */
#define SYS_STUB_0(num, name) \
    static inline long sys_##name(void) { return syscall0(num); }
#define SYS_STUB_1(num, name) \
    static inline long sys_##name(long a0) { return syscall1(num, a0); }
#define SYS_STUB_2(num, name) \
    static inline long sys_##name(long a0, long a1) { return syscall2(num, a0, a1); }
#define SYS_STUB_3(num, name) \
    static inline long sys_##name(long a0, long a1, long a2) { return syscall3(num, a0, a1, a2); }
#define SYS_STUB_4(num, name) \
    static inline long sys_##name(long a0, long a1, long a2, long a3) \
    { return syscall4(num, a0, a1, a2, a3); }
#define SYS_STUB_5(num, name) \
    static inline long sys_##name(long a0, long a1, long a2, long a3, long a4) \
    { return syscall5(num, a0, a1, a2, a3, a4); }
#define SYS_STUB_6(num, name) \
    static inline long sys_##name(long a0, long a1, long a2, long a3, long a4, long a5) \
    { return syscall6(num, a0, a1, a2, a3, a4, a5); }
#define SYS_STUB(num, name, nargs) SYS_STUB_##nargs(num, name)

MICA_SYSCALLS(SYS_STUB)
/// @endcond

#endif
