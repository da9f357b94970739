/*
 * system.h: the default boot (system.c): names, mm, proc, rs (which starts
 * console, block and fs), then the shell; returns the shell's exit status.
 */
#ifndef ROOT_SYSTEM_H
#define ROOT_SYSTEM_H

int system_boot(void);

#endif
