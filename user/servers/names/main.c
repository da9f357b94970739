/*
 * main.c: the name server process (bin/names, mica/proto/names.h). It
 * serves its endpoint (PROC_CAP_SERVICE) and keeps the registered endpoint
 * capabilities in its own table; table.c decides, this loop moves
 * capabilities: a registration arrives with one (into recv_slot), a lookup
 * is answered with one minted with the rights the registrant chose.
 *
 * Prints "names: <op> name=<n> badge=<b> ret=<r>" for every request, so a
 * refused request is visible in the transcript.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys.h>
#include <messaging.h>
#include <mica/error.h>
#include <mica/proto/names.h>
#include <mica/proto/proc.h>
#include "table.h"

#define FIRST_KEPT 16           /* registered capabilities go into slots from here */

static struct names_table table;
static struct ipc_buffer buf __attribute__((aligned(4096)));

/* An empty slot to receive the next registration into, or 0 if none. */
static cap_t free_slot(void)
{
    struct cap_info ci;
    for (cap_t s = FIRST_KEPT; s < CAP_TABLE_SLOTS; s++)
        if (sys_cap_info(s, (long)&ci) == -E_BADCAP)
            return s;
    return 0;
}

/* May the holder of `badge` do `perm`? */
static bool permitted(uint64_t badge, uint64_t perm)
{
    /* LAB 6 BEGIN: names: only badges with the permission bit may register or look up */
    return (badge & perm) == perm;
    /* LAB 6 STUB
    return true;
    LAB 6 END */
}

static const char *op_name(uint64_t label)
{
    return label == NAMES_REGISTER ? "register" : label == NAMES_LOOKUP ? "lookup" :
           label == NAMES_UNREGISTER ? "unregister" : "unknown";
}

/* Handle one request; *send is a slot to send with the reply, or 0. */
static uint64_t handle(const struct ipc_msg *m, const struct names_request *rq, cap_t recv_slot,
                       bool *kept, cap_t *send, uint64_t *reply_rights)
{
    uint64_t label = MSG_LABEL(m->info);
    if (label != NAMES_REGISTER && label != NAMES_LOOKUP && label != NAMES_UNREGISTER)
        return E_INVAL;
    if (MSG_LEN(m->info) != PROTO_WORDS(struct names_request))
        return E_INVAL;
    if (names_check(rq->name, sizeof rq->name) < 0)
        return E_INVAL;
    if (label == NAMES_LOOKUP) {
        if (!permitted(m->badge, NAMES_PERM_LOOKUP))
            return E_PERM;
        const struct names_entry *e = names_lookup(&table, rq->name);
        if (!e)
            return E_NOENT;
        long r = sys_cap_mint(e->slot, -1, (long)e->rights, 0);
        if (r < 0)
            return (uint64_t)-r;
        *send = r;
        *reply_rights = e->rights;
        return 0;
    }
    if (!permitted(m->badge, NAMES_PERM_REGISTER))
        return E_PERM;
    if (label == NAMES_UNREGISTER) {
        cap_t slot;
        int r = names_unregister(&table, rq->name, m->badge, &slot);
        if (r == 0)
            sys_cap_delete(slot);
        return r < 0 ? (uint64_t)-r : 0;
    }
    if (!MSG_HAS_CAP(m->info))
        return E_INVAL;
    int r = names_register(&table, rq->name, recv_slot, rq->rights, m->badge);
    *kept = r == 0;
    return r < 0 ? (uint64_t)-r : 0;
}

int main(int argc, char **argv)
{
    struct ipc_msg m;
    ipc_buffer_register(&buf);
    for (;;) {
        cap_t recv_slot = free_slot();
        buf.recv_slot = recv_slot;
        long r = ipc_recv(PROC_CAP_SERVICE, TIMEOUT_FOREVER, &m);
        if (r < 0) {
            printf("names: receive failed: %s\n", mica_strerror(r));
            return 1;
        }
        struct names_request rq;
        uint64_t w[PROTO_WORDS(struct names_request)];
        for (unsigned i = 0; i < PROTO_WORDS(rq); i++)
            w[i] = i < IPC_REG_WORDS ? m.w[i] : buf.words[i];
        memcpy(&rq, w, sizeof rq);
        bool kept = false;
        cap_t send = 0;
        uint64_t rights = 0;
        uint64_t result = handle(&m, &rq, recv_slot, &kept, &send, &rights);
        if (MSG_HAS_CAP(m.info) && !kept)
            sys_cap_delete(recv_slot);      /* a capability nobody asked for */
        printf("names: %s name=%.*s badge=%lu ret=%ld\n", op_name(MSG_LABEL(m.info)),
               (int)strnlen(rq.name, sizeof rq.name), rq.name, m.badge, -(long)result);
        uint64_t reply[4] = { rights };
        buf.send_cap = send;
        ipc_reply(MSG_INFO(result, result ? 0 : (send ? 1 : 0), send != 0), reply);
        if (send)
            sys_cap_delete(send);           /* the client has its copy now */
    }
}
