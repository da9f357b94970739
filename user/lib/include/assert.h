/**
 * @file assert.h
 * @brief assert(): check an invariant, report expression, file, line and function.
 */
#ifndef ASSERT_H
#define ASSERT_H

/**
 * @brief Print "assert: EXPR at FILE:LINE in FUNC()" and call abort().
 * @param expr the expression text.
 * @param file source file.
 * @param line source line.
 * @param func enclosing function.
 */
void assert_fail(const char *expr, const char *file, int line, const char *func)
    __attribute__((noreturn));

/** Abort with a report when @p e is false. Always compiled in (no NDEBUG). */
#define assert(e) ((e) ? (void)0 : assert_fail(#e, __FILE__, __LINE__, __func__))

#endif
