/*
 * badsrv.c: a server that crashes as it starts (bin/badsrv, lab 7). It
 * waits BADSRV_DELAY ticks -- long enough for a client to find it and call
 * -- and then takes a page fault before it ever receives a request. The
 * reincarnation server must give up on it rather than restart it forever,
 * and the client's call must end with E_DEAD, not hang.
 * Prints "badsrv: up delay=<ticks>" at each start.
 */
#include <stdio.h>
#include <sys.h>
#include <crash.h>

#define BADSRV_DELAY 5

int main(int argc, char **argv)
{
    printf("badsrv: up delay=%d\n", BADSRV_DELAY);
    sys_sleep(BADSRV_DELAY);
    crash_now();
}
