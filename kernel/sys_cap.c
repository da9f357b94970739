/*
 * sys_cap.c: the capability system calls (mica/syscall.h numbers 16-21,
 * contracts in mica/cap.h). Each decodes everything first (slots, rights,
 * badge) and only then changes the table, with calls that cannot fail.
 */
#include "kernel.h"
#include "thread.h"
#include "cap.h"

/* The empty slot dst (or, for -1, the first free slot from CAP_FIRST_FREE)
 * of s's table: 0 and *out, or -E_BADCAP, -E_EXIST, -E_FULL. */
static int find_dst(struct space *s, cap_t dst, struct cap **out, cap_t *slot)
{
    if (dst == -1) {
        for (dst = CAP_FIRST_FREE; dst < CAP_TABLE_SLOTS; dst++)
            if (cap_slot(s, dst)->type == CAP_TYPE_NONE)
                break;
        if (dst == CAP_TABLE_SLOTS)
            return -E_FULL;
    }
    struct cap *c = cap_slot(s, dst);
    if (!c)
        return -E_BADCAP;
    if (c->type != CAP_TYPE_NONE)
        return -E_EXIST;
    *out = c;
    *slot = dst;
    return 0;
}

/* Only endpoints and notifications carry badges. (Marked unused: the lab 4 stub of
 * cap_mint does not call it.) */
static __attribute__((unused)) bool badgeable(enum cap_type type)
{
    return type == CAP_TYPE_ENDPOINT || type == CAP_TYPE_NOTIFICATION;
}

/* Decode for copy and move: a capability in src and a free slot at dst. */
static int src_and_dst(cap_t src, cap_t dst, struct cap **from, struct cap **to, cap_t *slot)
{
    struct space *s = current()->space;
    int err = cap_lookup_cap(s, src, CAP_TYPE_NONE, 0, from);
    return err ? err : find_dst(s, dst, to, slot);
}

long sys_cap_copy(cap_t src, cap_t dst)
{
    struct cap *from, *to;
    cap_t slot;
    int err = src_and_dst(src, dst, &from, &to, &slot);
    if (err)
        return err;
    cap_derive(from, to, from->rights, from->badge);
    return slot;
}

/* Derive a capability with fewer rights and/or a badge (see mica/cap.h). */
long sys_cap_mint(cap_t src, cap_t dst, uint64_t rights, uint64_t badge)
{
    struct space *s = current()->space;
    struct cap *from, *to;
    cap_t slot;
    int err = cap_lookup_cap(s, src, CAP_TYPE_NONE, 0, &from);
    if (err)
        return err;
    /* LAB 4 BEGIN: mint: the new rights must be a subset; badge only once */
    if (rights & ~(uint64_t)cap_rights_valid(from->type))
        return -E_INVAL;
    if ((rights & from->rights) != rights)
        return -E_NORIGHTS;
    if (badge > CAP_BADGE_MAX)
        return -E_RANGE;
    if (badge != 0 && !badgeable(from->type))
        return -E_INVAL;
    if (badge != 0 && from->badge != 0)
        return -E_PERM;
    /* LAB 4 STUB
    return -E_NOSYS;
    LAB 4 END */
    err = find_dst(s, dst, &to, &slot);
    if (err)
        return err;
    cap_derive(from, to, (uint32_t)rights, badge ? badge : from->badge);
    return slot;
}

long sys_cap_move(cap_t src, cap_t dst)
{
    struct cap *from, *to;
    cap_t slot;
    int err = src_and_dst(src, dst, &from, &to, &slot);
    if (err)
        return err;
    cap_move(from, to);
    return slot;
}

long sys_cap_delete(cap_t slot)
{
    struct cap *c;
    int err = cap_lookup_cap(current()->space, slot, CAP_TYPE_NONE, 0, &c);
    if (err)
        return err;
    cap_clear(c);
    return 0;
}

long sys_cap_revoke(cap_t slot)
{
    struct cap *c;
    int err = cap_lookup_cap(current()->space, slot, CAP_TYPE_NONE, 0, &c);
    if (err)
        return err;
    return cap_revoke(c);
}

long sys_cap_info(cap_t slot, uint64_t out)
{
    struct cap *c;
    int err = cap_lookup_cap(current()->space, slot, CAP_TYPE_NONE, 0, &c);
    if (err)
        return err;
    struct cap_info info = { .type = c->type, .rights = c->rights, .badge = c->badge };
    return copy_to_user(out, &info, sizeof info);
}

/* Copy src of the caller's table into dst of another space's table (the
 * parent giving a new process its initial capabilities; mica/cap.h). */
long sys_cap_give(cap_t space, cap_t src, cap_t dst)
{
    struct space *cur = current()->space, *s;
    struct cap *from, *to;
    cap_t slot;
    int err = cap_lookup(cur, space, CAP_TYPE_SPACE, RIGHT_WRITE, (void **)&s);
    if (err)
        return err;
    err = cap_lookup_cap(cur, src, CAP_TYPE_NONE, 0, &from);
    if (err)
        return err;
    /* A thread or space holds its space: one given into a table could keep
     * its own space alive forever (a reference cycle). */
    if (from->type == CAP_TYPE_THREAD || from->type == CAP_TYPE_SPACE)
        return -E_WRONGTYPE;
    err = find_dst(s, dst, &to, &slot);
    if (err)
        return err;
    cap_derive(from, to, from->rights, from->badge);
    return slot;
}
