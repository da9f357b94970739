/*
 * cmdline.c: the kernel command line, a list of space-separated key=value
 * words (a bare word means key=1). Every key the kernel understands is listed
 * in known_keys[] with what it does; anything else earns a warning line and
 * the boot goes on.
 */
#include "kernel.h"

#define MAX_WORDS   32

struct known_key {
    const char *name;
    const char *help;
};

static const struct known_key known_keys[] = {
    { "hz",        "timer interrupts per second (10..1000, default 100)" },
    { "ktest",     "run the named in-kernel self test, then power off" },
    { "trace",     "comma-separated trace classes to print (sched, ipc, ...)" },
    { "timeslice", "scheduler time slice in ticks (1..1000, default 5)" },
    { "init",      "program the root task starts instead of the shell" },
    { "quiet",     "print less during boot" },
    { "fuzzseed",  "init=sysfuzz: the seed of the random system calls" },
    { "fuzzcount", "init=sysfuzz: how many random system calls to make" },
    { "fastpath",  "0 turns the IPC fastpath off (every call takes the general path)" },
};

static struct {
    char buf[512];
    const char *key[MAX_WORDS];
    const char *value[MAX_WORDS];
    int n;
} cl;

static bool known(const char *key)
{
    for (size_t i = 0; i < ARRAY_SIZE(known_keys); i++)
        if (strcmp(known_keys[i].name, key) == 0)
            return true;
    return false;
}

void cmdline_parse(const char *s)
{
    strlcpy(cl.buf, s, sizeof cl.buf);
    char *p = cl.buf;
    /* GRUB may pass the kernel's own path as the first word. */
    if (*p == '/')
        while (*p && *p != ' ')
            p++;
    while (*p) {
        while (*p == ' ' || *p == '\t')
            *p++ = '\0';
        if (!*p)
            break;
        char *word = p;
        while (*p && *p != ' ' && *p != '\t')
            p++;
        if (*p)
            *p++ = '\0';

        char *eq = strchr(word, '=');
        const char *value = "1";
        if (eq) {
            *eq = '\0';
            value = eq + 1;
        }
        /* LAB 1 BEGIN: cmdline: warn about malformed words and unknown keys, skip them */
        if (word[0] == '\0') {
            kprintf("warning: cmdline: malformed word '=%s' ignored\n", value);
            continue;
        }
        if (!known(word)) {
            kprintf("warning: cmdline: unknown key '%s' ignored\n", word);
            continue;
        }
        /* LAB 1 STUB
        (void)known;
        LAB 1 END */
        if (cl.n == MAX_WORDS) {
            kprintf("warning: cmdline: more than %d words, '%s' ignored\n", MAX_WORDS, word);
            continue;
        }
        cl.key[cl.n] = word;
        cl.value[cl.n] = value;
        cl.n++;
    }
}

/* The value of key (the last one given wins), or NULL if absent. */
const char *cmdline_get(const char *key)
{
    for (int i = cl.n - 1; i >= 0; i--)
        if (strcmp(cl.key[i], key) == 0)
            return cl.value[i];
    return NULL;
}

/* key as a number in [min, max]; def when absent, malformed or out of range
 * (the latter two with a warning). */
long cmdline_int(const char *key, long def, long min, long max)
{
    const char *v = cmdline_get(key);
    if (!v)
        return def;
    char *end;
    long n = strtol(v, &end, 0);
    /* LAB 1 BEGIN: cmdline: reject malformed numbers and numbers out of range */
    if (*v == '\0' || *end != '\0') {
        kprintf("warning: cmdline: %s=%s is not a number, using %ld\n", key, v, def);
        return def;
    }
    if (n < min || n > max) {
        kprintf("warning: cmdline: %s=%ld out of range %ld..%ld, using %ld\n", key, n, min, max, def);
        return def;
    }
    /* LAB 1 STUB
    (void)min, (void)max;
    LAB 1 END */
    return n;
}

/* Whether the comma-separated list in key contains item (e.g. trace=sched,ipc). */
bool cmdline_has(const char *key, const char *item)
{
    const char *v = cmdline_get(key);
    size_t len = strlen(item);
    while (v && *v) {
        const char *comma = strchr(v, ',');
        size_t n = comma ? (size_t)(comma - v) : strlen(v);
        if (n == len && strncmp(v, item, n) == 0)
            return true;
        v = comma ? comma + 1 : NULL;
    }
    return false;
}
