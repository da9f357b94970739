/*
 * caps.c: capability operations and their errors.
 *   ops      copy, mint (fewer rights, a badge), move, delete, info
 *   refused  each refused operation, then the slot it would have filled
 *   revoke   revoking deletes every derived capability, through deletions
 *   death    deleting an endpoint's last capability wakes its receiver
 *   leak     creating and deleting endpoints returns their memory
 *
 * Prints "caps: <label> ret=<n> err=<name>" and
 * "caps: info <label> type=<t> rights=<r> badge=<b>" (or err=<name>).
 */
#include <stdio.h>
#include <stdlib.h>
#include <thread.h>
#include <sys.h>
#include <ipc.h>
#include <scenario.h>

static const char *en(long r)
{
    return r < 0 ? mica_errname(r) : "-";
}

static long op(const char *label, long r)
{
    printf("caps: %s ret=%ld err=%s\n", label, r, en(r));
    return r;
}

static void info(const char *label, cap_t slot)
{
    struct cap_info ci;
    long r = sys_cap_info(slot, (long)&ci);
    if (r < 0)
        printf("caps: info %s err=%s\n", label, en(r));
    else
        printf("caps: info %s type=%d rights=%u badge=%lu\n", label, ci.type, ci.rights, ci.badge);
}

static int receiver(void *arg)
{
    struct ipc_msg m;
    long r = ipc_recv((cap_t)(long)arg, TIMEOUT_FOREVER, &m);
    printf("caps: death recv ret=%ld err=%s\n", r, en(r));
    return 0;
}

static uint64_t kmem_inuse(void)
{
    struct kernel_stats ks;
    sys_kernel_stats((long)&ks);
    return ks.kmem_inuse;
}

SCENARIO(caps, "capability copy, mint, move, delete, revoke and their errors")
{
    thread_set_priority(CAP_SELF_THREAD, PRIO_DEFAULT + 5);
    cap_t ep = op("create", sys_endpoint_create());
    info("ep", ep);
    cap_t c1 = op("copy", sys_cap_copy(ep, -1));
    info("copy", c1);
    cap_t m1 = op("mint", sys_cap_mint(c1, -1, RIGHT_SEND, 5));
    info("mint", m1);
    cap_t m2 = op("mint_recv", sys_cap_mint(ep, -1, RIGHT_RECV | RIGHT_GRANT, 0));
    info("mint_recv", m2);

    /* Refused: each names slot 120 as destination, which must stay empty. */
    op("mint_more_rights", sys_cap_mint(m1, 120, RIGHT_SEND | RIGHT_RECV, 0));
    op("mint_rebadge", sys_cap_mint(m1, 120, RIGHT_SEND, 6));
    op("mint_bad_rights", sys_cap_mint(ep, 120, 8, 0));
    op("mint_badge_range", sys_cap_mint(ep, 120, RIGHT_SEND, 1UL << 63));
    op("mint_badge_thread", sys_cap_mint(CAP_SELF_THREAD, 120, RIGHT_READ, 1));
    op("copy_empty", sys_cap_copy(119, 120));
    op("copy_occupied", sys_cap_copy(ep, m1));
    op("copy_range", sys_cap_copy(ep, 300));
    op("copy_null", sys_cap_copy(CAP_NULL, 120));
    op("move_empty", sys_cap_move(119, 120));
    op("delete_empty", sys_cap_delete(120));
    op("revoke_empty", sys_cap_revoke(120));
    op("info_range", sys_cap_info(-5, 0));
    op("info_fault", sys_cap_info(ep, 16));
    info("untouched", 120);
    info("mint_after", m1);

    /* Move keeps the capability and its derivation. */
    op("move", sys_cap_move(m1, 100));
    info("moved_from", m1);
    info("moved_to", 100);
    cap_t c2 = op("copy_of_moved", sys_cap_copy(100, -1));

    /* Delete a middle link (c1): its children stay derived from ep. */
    op("delete_middle", sys_cap_delete(c1));
    op("revoke", sys_cap_revoke(ep));
    info("revoked_moved", 100);
    info("revoked_copy", c2);
    info("revoked_mint_recv", m2);
    info("revoke_keeps", ep);
    op("revoke_again", sys_cap_revoke(ep));

    /* The last capability goes while a thread waits: it gets E_DEAD. */
    cap_t dying = sys_endpoint_create();
    cap_t t = thread_spawn("receiver", receiver, (void *)(long)dying, PRIO_DEFAULT);
    sleep_ticks(2);
    op("delete_last", sys_cap_delete(dying));
    thread_join(t, NULL);
    op("delete", sys_cap_delete(ep));

    uint64_t before = kmem_inuse();
    for (int i = 0; i < 10; i++) {
        cap_t e = sys_endpoint_create();
        cap_t n = sys_notification_create();
        cap_t d = sys_cap_copy(e, -1);
        sys_cap_delete(e);
        sys_cap_delete(d);
        sys_cap_delete(n);
    }
    printf("caps: kmem before=%lu after=%lu\n", before, kmem_inuse());

    int made = 0;
    long r;
    while ((r = sys_endpoint_create()) >= 0)
        made++;
    printf("caps: limit made=%d ret=%ld err=%s\n", made, r, en(r));
    return 0;
}
