/**
 * @file scenario.h
 * @brief Test scenarios built into the root task, chosen with init=NAME.
 *
 * Declare one anywhere in a file linked into root.elf:
 * @code
 * SCENARIO(sleep, "threads sleep different tick counts and print when they wake")
 * {
 *     printf("sleep: ...\n");
 *     return 0;
 * }
 * @endcode
 * The linker collects the entries (section .scenarios, see user/user.ld), so
 * no central table is edited. A scenario prints what it observes as key=value
 * lines; the grader judges them. It never prints a verdict about itself.
 */
#ifndef SCENARIO_H
#define SCENARIO_H

/** One built-in scenario, as SCENARIO() records it. */
struct scenario {
    const char *name;           /**< what init= selects */
    const char *help;           /**< one line for the help listing */
    int (*run)(void);           /**< its body; the result is the power-off status */
};

/** Define scenario @p name_ with the one-line description @p help_; a function body follows. */
#define SCENARIO(name_, help_)                                                \
    static int scenario_##name_(void);                                        \
    static const struct scenario scenario_entry_##name_                       \
        __attribute__((section(".scenarios"), used, aligned(8))) =            \
        { #name_, help_, scenario_##name_ };                                  \
    static int scenario_##name_(void)

/** The first scenario entry (user/user.ld collects them). */
extern const struct scenario __scenarios_start[];
/** One past the last scenario entry. */
extern const struct scenario __scenarios_end[];

#endif
