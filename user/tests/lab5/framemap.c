/*
 * framemap.c: frame capabilities and their refusals (lab 5).
 *   refused   frame_map/unmap/split with too many rights, wrong types,
 *             kernel or unaligned addresses, double maps, bad indices
 *   share     one frame at two addresses shows the same data; fresh pages
 *             read as zero; a new address space takes mappings
 *   revoke    revoking a frame capability unmaps every page mapped through
 *             the capabilities derived from it: touching one faults
 *
 * Lines: "framemap: <label> ret=<n> err=<name>", "framemap: <label> value=0x...",
 * and the kernel's "fault: ..." line for the touch after the revoke.
 */
#include <stdio.h>
#include <stdlib.h>
#include <thread.h>
#include <sys.h>
#include <messaging.h>
#include <scenario.h>
#include <mica/mem.h>

#define VA_A    0x0000320000000000UL
#define VA_B    0x0000320000001000UL
#define VA_C    0x0000320000002000UL
#define VA_D    0x0000320000003000UL
#define RW      (RIGHT_READ | RIGHT_WRITE)

static int kernel_data;                         /* a page the kernel provided */

static long op(const char *label, long r)
{
    printf("framemap: %s ret=%ld err=%s\n", label, r, r < 0 ? mica_errname(r) : "-");
    return r;
}

static int touch_c(void *unused)
{
    printf("framemap: after_revoke value=0x%lx\n", *(volatile uint64_t *)VA_C);
    return 0;
}

SCENARIO(framemap, "frame_map rights and refusals, shared frames, revoke unmaps")
{
    cap_t piece = op("split", sys_frame_split(CAP_BOOT_FRAMES, 0, 4));
    cap_t ro = op("mint_ro", sys_cap_mint(piece, -1, RIGHT_READ | RIGHT_MAP, 0));
    cap_t nomap = op("mint_nomap", sys_cap_mint(piece, -1, RW, 0));
    cap_t space_nomap = op("mint_space", sys_cap_mint(CAP_SELF_SPACE, -1, RW, 0));
    uint64_t own = (uint64_t)&kernel_data & ~0xfffUL;

    op("more_rights", sys_frame_map(ro, 0, CAP_SELF_SPACE, VA_A, RW));
    op("exec_right", sys_frame_map(ro, 0, CAP_SELF_SPACE, VA_A, RIGHT_READ | RIGHT_EXEC));
    op("no_map_right", sys_frame_map(nomap, 0, CAP_SELF_SPACE, VA_A, RIGHT_READ));
    op("space_no_map", sys_frame_map(piece, 0, space_nomap, VA_A, RIGHT_READ));
    op("not_a_frame", sys_frame_map(CAP_SELF_THREAD, 0, CAP_SELF_SPACE, VA_A, RIGHT_READ));
    op("not_a_space", sys_frame_map(piece, 0, piece, VA_A, RIGHT_READ));
    op("kernel_va", sys_frame_map(piece, 0, CAP_SELF_SPACE, 0xFFFF800000000000L, RIGHT_READ));
    op("noncanonical", sys_frame_map(piece, 0, CAP_SELF_SPACE, 0x0000800000000000L, RIGHT_READ));
    op("null_page", sys_frame_map(piece, 0, CAP_SELF_SPACE, 0, RIGHT_READ));
    op("unaligned", sys_frame_map(piece, 0, CAP_SELF_SPACE, VA_A + 8, RIGHT_READ));
    op("index_range", sys_frame_map(piece, 4, CAP_SELF_SPACE, VA_A, RIGHT_READ));
    op("no_read", sys_frame_map(piece, 0, CAP_SELF_SPACE, VA_A, RIGHT_WRITE));
    op("bad_rights", sys_frame_map(piece, 0, CAP_SELF_SPACE, VA_A, RIGHT_READ | RIGHT_MAP));
    op("over_program", sys_frame_map(piece, 0, CAP_SELF_SPACE, (long)own, RIGHT_READ));
    op("unmap_program", sys_frame_unmap(CAP_SELF_SPACE, (long)own));
    op("unmap_empty", sys_frame_unmap(CAP_SELF_SPACE, VA_A));
    op("split_range", sys_frame_split(piece, 3, 2));
    op("split_empty", sys_frame_split(piece, 0, 0));
    op("split_overlap", sys_frame_split(CAP_BOOT_FRAMES, 2, 4));
    op("split_thread", sys_frame_split(CAP_SELF_THREAD, 0, 1));

    op("map_ro", sys_frame_map(ro, 0, CAP_SELF_SPACE, VA_A, RIGHT_READ));
    op("double_map", sys_frame_map(piece, 1, CAP_SELF_SPACE, VA_A, RW));
    op("map_rw", sys_frame_map(piece, 0, CAP_SELF_SPACE, VA_B, RW));
    printf("framemap: fresh value=0x%lx\n", *(volatile uint64_t *)VA_B);
    *(volatile uint64_t *)VA_B = 0x5eed;
    printf("framemap: shared value=0x%lx\n", *(volatile uint64_t *)VA_A);
    op("unmap", sys_frame_unmap(CAP_SELF_SPACE, VA_B));
    op("unmap_again", sys_frame_unmap(CAP_SELF_SPACE, VA_B));

    cap_t s = op("space_create", sys_space_create());
    struct cap_info ci;
    sys_cap_info(s, (long)&ci);
    printf("framemap: space type=%d rights=%u\n", ci.type, ci.rights);
    op("map_other_space", sys_frame_map(piece, 2, s, VA_A, RW));
    struct frame_info fi;
    sys_frame_info(piece, (long)&fi);
    printf("framemap: info pages=%lu rights=%u mappings=%u\n", fi.pages, fi.rights, fi.mappings);
    op("delete_space", sys_cap_delete(s));
    sys_frame_info(piece, (long)&fi);
    printf("framemap: after_space mappings=%u\n", fi.mappings);

    cap_t copy = op("copy", sys_cap_copy(piece, -1));
    op("map_copy", sys_frame_map(copy, 3, CAP_SELF_SPACE, VA_C, RW));
    *(volatile uint64_t *)VA_C = 0xc0ffee;
    printf("framemap: before_revoke value=0x%lx\n", *(volatile uint64_t *)VA_C);
    op("revoke", sys_cap_revoke(piece));
    op("remap_after_revoke", sys_frame_map(piece, 3, CAP_SELF_SPACE, VA_D, RW));
    printf("framemap: remapped value=0x%lx\n", *(volatile uint64_t *)VA_D);
    int status = -1;
    thread_join(thread_spawn("toucher", touch_c, NULL, PRIO_DEFAULT), &status);
    printf("framemap: toucher status=%d\n", status);
    return 0;
}
