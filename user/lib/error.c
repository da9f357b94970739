/* error.c: names and messages of the error codes, expanded from MICA_ERRORS. */
#include <stdlib.h>
#include <mica/error.h>

static const char *const messages[] = {
#define ERROR_MESSAGE(name, num, msg) [num] = msg,
    MICA_ERRORS(ERROR_MESSAGE)
#undef ERROR_MESSAGE
};

static const char *const names[] = {
#define ERROR_NAME(name, num, msg) [num] = #name,
    MICA_ERRORS(ERROR_NAME)
#undef ERROR_NAME
};

static long code(long err)
{
    return err < 0 ? -err : err;
}

const char *mica_strerror(long err)
{
    long e = code(err);
    return e < E_COUNT && messages[e] ? messages[e] : "unknown error";
}

const char *mica_errname(long err)
{
    long e = code(err);
    return e < E_COUNT && names[e] ? names[e] : "E_?";
}
