/*
 * root.c: the root task, the first user program. The kernel loads the first
 * Multiboot2 module (an ELF executable) into a fresh address space, maps a
 * stack and the read-only boot-information page (mica/bootinfo.h), gives it
 * the initial capabilities (its thread, its space, the machine, the free
 * memory as frame ranges: frame.c) and starts
 * its one thread at priority PRIO_DEFAULT with rdi = MICA_BOOTINFO_ADDR.
 * Everything else in user space is started by the root task. The other boot
 * modules are mapped read-only into the root task (map_modules(); addresses
 * in mica/bootinfo.h) and listed in the boot-information page.
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
static uint64_t module_addr[BOOT_MAX_MODULES];  /* user address of each module's first byte; 0: none */

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
        bi->modules[i].size = bootinfo.modules[i].end - bootinfo.modules[i].start;
        bi->modules[i].user_addr = module_addr[i];
    }
    strlcpy(bi->cmdline, bootinfo.cmdline, sizeof bi->cmdline);
    const char *init = cmdline_get("init");
    strlcpy(bi->init, init ? init : "", sizeof bi->init);
}

/* Map module m read-only at slot va (page-aligned). Pages wholly inside the
 * module share its frames (boot modules are reserved: never freed, and
 * vm_free_space frees no leaf frames); a partial first or last page is a
 * fresh zeroed copy, so the root task sees nothing beyond the module.
 * Returns 0 or -E_NOMEM. */
static int map_module(struct space *s, const struct boot_module *m, uint64_t va)
{
    uint64_t first = ALIGN_DOWN(m->start, PAGE_SIZE);
    for (uint64_t pa = first; pa < m->end; pa += PAGE_SIZE, va += PAGE_SIZE) {
        if (pa >= m->start && pa + PAGE_SIZE <= m->end) {
            if (vm_map(s->vm, va, pa, VM_USER) != 0)
                return -E_NOMEM;
            continue;
        }
        uint8_t *copy;
        if (space_map_new_page(s, va, VM_USER, (void **)&copy) != 0)
            return -E_NOMEM;
        uint64_t lo = MAX(pa, m->start), hi = MIN(pa + PAGE_SIZE, m->end);
        memcpy(copy + (lo - pa), P2V(lo), hi - lo);
    }
    return 0;
}

/* Every module but the root task's ELF, at its fixed slot (mica/bootinfo.h). */
static int map_modules(struct space *s)
{
    for (int i = 1; i < bootinfo.nmodules && i < MICA_BOOTINFO_MODULES; i++) {
        const struct boot_module *m = &bootinfo.modules[i];
        if (m->end - m->start > MICA_MODULE_SLOT - PAGE_SIZE) {
            kprintf("warning: root: module %s too large to map (%lu bytes)\n", m->name,
                    m->end - m->start);
            continue;
        }
        if (m->end == m->start)
            continue;
        if (map_module(s, m, MICA_MODULE_ADDR(i)) != 0)
            return -E_NOMEM;
        module_addr[i] = MICA_MODULE_ADDR(i) + m->start % PAGE_SIZE;
    }
    return 0;
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
    int err = elf_load(root, P2V(m->start), m->end - m->start, MICA_MODULE_BASE, &entry, &why);
    if (err == -E_NOEXEC)
        refuse(why);
    if (err || map_modules(root) != 0 || map_stack_and_bootinfo(root) != 0)
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
