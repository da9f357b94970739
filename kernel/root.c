/*
 * root.c: the root task, the first user program. The kernel loads the first
 * Multiboot2 module (an ELF executable) into a fresh address space, maps a
 * stack and the read-only boot-information page (mica/bootinfo.h), gives it
 * the initial capabilities (its thread, its space, the machine, the free
 * memory as frame ranges: frame.c) and starts
 * its one thread at priority PRIO_DEFAULT with rdi = MICA_BOOTINFO_ADDR.
 * Everything else in user space is started by the root task.
 *
 * Transcript lines: "root: started <name> entry=0x...", "root: bad ELF:
 * <why>", "root: no root task module", "root: exited with status N".
 */
#include "kernel.h"
#include "boot.h"
#include "thread.h"
#include "cap.h"
#include "vm.h"
#include "frame.h"
#include <mica/bootinfo.h>

static struct space *root;
static int machine;                 /* what CAP_MACHINE names; only its address matters */

struct space *root_space(void)
{
    return root;
}

static void fill_bootinfo(struct mica_bootinfo *bi)
{
    bi->magic = MICA_BOOTINFO_MAGIC;
    bi->version = MICA_BOOTINFO_VERSION;
    bi->hz = (uint32_t)timer_hz();
    bi->timeslice = (uint32_t)sched_timeslice();
    bi->page_size = PAGE_SIZE;
    bi->total_frames = pmm_total_count();
    bi->free_frames = pmm_free_count();
    bi->nmodules = (uint32_t)MIN(bootinfo.nmodules, MICA_BOOTINFO_MODULES);
    for (uint32_t i = 0; i < bi->nmodules; i++) {
        bi->modules[i].start = bootinfo.modules[i].start;
        bi->modules[i].end = bootinfo.modules[i].end;
        strlcpy(bi->modules[i].name, bootinfo.modules[i].name, sizeof bi->modules[i].name);
    }
    strlcpy(bi->cmdline, bootinfo.cmdline, sizeof bi->cmdline);
    const char *init = cmdline_get("init");
    strlcpy(bi->init, init ? init : "", sizeof bi->init);
}

/* Stack and boot-information page. Returns 0 or -E_NOMEM. */
static int map_stack_and_bootinfo(struct space *s)
{
    for (uint64_t va = MICA_ROOT_STACK_TOP - MICA_ROOT_STACK_SIZE; va < MICA_ROOT_STACK_TOP;
         va += PAGE_SIZE)
        if (space_map_new_page(s, va, VM_USER | VM_WRITE, NULL) != 0)
            return -E_NOMEM;
    struct mica_bootinfo *bi;
    if (space_map_new_page(s, MICA_BOOTINFO_ADDR, VM_USER, (void **)&bi) != 0)
        return -E_NOMEM;
    fill_bootinfo(bi);
    return 0;
}

static void refuse(const char *why)
{
    kprintf("root: bad ELF: %s\n", why);
    poweroff(1);
}

/* Load and start the root task, or say why not and power off. */
void root_task_start(void)
{
    if (bootinfo.nmodules == 0) {
        kprintf("root: no root task module\n");
        poweroff(0);
    }
    const struct boot_module *m = &bootinfo.modules[0];
    const char *name = m->name[0] ? m->name : "root";

    root = space_new(name);
    if (!root)
        panic("root: no memory for the root task's address space");
    uint64_t entry;
    const char *why;
    int err = elf_load(root, P2V(m->start), m->end - m->start, MICA_BOOTINFO_ADDR, &entry, &why);
    if (err == -E_NOEXEC)
        refuse(why);
    if (err || map_stack_and_bootinfo(root) != 0)
        panic("root: out of memory loading the root task");

    struct thread *t = thread_create_user(root, name, PRIO_DEFAULT, entry, MICA_ROOT_STACK_TOP,
                                          MICA_BOOTINFO_ADDR);
    if (!t)
        panic("root: no memory for the root task's thread");
    if (cap_insert(root, CAP_SELF_THREAD, CAP_TYPE_THREAD, RIGHTS_ALL, t) < 0 ||
        cap_insert(root, CAP_SELF_SPACE, CAP_TYPE_SPACE, RIGHTS_SPACE, root) < 0 ||
        cap_insert(root, CAP_MACHINE, CAP_TYPE_MACHINE, RIGHTS_ALL, &machine) < 0)
        panic("root: cannot fill the initial capability slots");
    frame_give_root(root);          /* free memory above the kernel's reserve */
    space_put(root);                /* the thread and CAP_SELF_SPACE hold it now */
    kprintf("root: started %s entry=0x%lx\n", name, entry);
    thread_start(t);
}

/* The root task's last thread is gone: there is nothing left to run. */
void root_task_ended(int status)
{
    kprintf("root: exited with status %d\n", status);
    poweroff(status == 0 ? 0 : 1);
}
