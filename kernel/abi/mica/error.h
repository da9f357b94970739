/**
 * @file mica/error.h
 * @brief The one list of error codes that system calls and servers return.
 *
 * Every failing call returns the negative of one of these codes. The list is an
 * X-macro so that the numbers, the names and the messages cannot drift apart:
 * the kernel and the user library expand it into an enum and a string table,
 * and the grader parses this file to turn numbers in a transcript into names.
 */
#ifndef MICA_ERROR_H
#define MICA_ERROR_H

/** X(name, number, message) for every error code; numbers are positive, returned negated. */
#define MICA_ERRORS(X)                                                        \
    X(E_OK,        0,  "success")                                             \
    X(E_INVAL,     1,  "invalid argument")                                    \
    X(E_FAULT,     2,  "bad user pointer")                                    \
    X(E_NOSYS,     3,  "no such system call")                                 \
    X(E_NOMEM,     4,  "out of memory")                                       \
    X(E_BADCAP,    5,  "no capability in that slot")                          \
    X(E_WRONGTYPE, 6,  "capability names the wrong kind of object")           \
    X(E_NORIGHTS,  7,  "capability lacks the needed rights")                  \
    X(E_TIMEOUT,   8,  "timed out")                                           \
    X(E_AGAIN,     9,  "would block")                                         \
    X(E_DEAD,      10, "object was destroyed")                                \
    X(E_BUSY,      11, "resource busy")                                       \
    X(E_NOENT,     12, "not found")                                           \
    X(E_EXIST,     13, "already exists")                                      \
    X(E_RANGE,     14, "value out of range")                                  \
    X(E_FULL,      15, "table or space full")                                 \
    X(E_NOEXEC,    16, "not a valid executable")                              \
    X(E_PERM,      17, "operation not permitted")                             \
    X(E_IO,        18, "input/output error")                                  \
    X(E_NOTDIR,    19, "not a directory")                                     \
    X(E_ISDIR,     20, "is a directory")                                      \
    X(E_NOTEMPTY,  21, "directory not empty")                                 \
    X(E_NAMETOOLONG, 22, "name too long")                                     \
    X(E_RESTARTED, 23, "server restarted while serving the call")

/** Error codes; system calls return their negation. */
enum mica_error {
/** @cond */
#define MICA_ERROR_ENUM(name, num, msg) name = num,
    MICA_ERRORS(MICA_ERROR_ENUM)
#undef MICA_ERROR_ENUM
/** @endcond */
    E_COUNT /**< number of error codes; not an error */
};

#endif
