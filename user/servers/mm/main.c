/*
 * main.c: the memory manager process (bin/mm, mica/proto/mm.h): its
 * endpoint at PROC_CAP_SERVICE, its frame piece at PROC_CAP_DEP, the
 * processes' space capabilities from slot SLOT_BASE on (server.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <mica/proto/proc.h>
#include "pager.h"

#define SLOT_BASE 32

int main(int argc, char **argv)
{
    long r = mm_server_run(PROC_CAP_SERVICE, PROC_CAP_DEP, SLOT_BASE);
    printf("mm: stopped: %s\n", mica_strerror(r));
    return 1;
}
