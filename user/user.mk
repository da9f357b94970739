# user.mk: the user-space build, included by the top Makefile.
#
#   build/user/libmica.a        the user library (user/lib plus the kernel's
#                               freestanding kernel/lib/string.c and format.c)
#   build/user/<prog>.elf       one static ELF per program, linked at 0x400000
#                               by user/user.ld, with <prog>.asm and <prog>.sym
#
# Adding a program: add its name to USER_PROGS and list its objects in
# <prog>_OBJS; the template at the end makes the link rule.
#
# No floating point or SIMD in user space: the kernel does not save FPU/SSE
# registers across context switches, so everything is compiled with
# -mgeneral-regs-only (gcc then refuses float and double outright).

UCFLAGS := -std=gnu11 -O2 -ggdb $(WARN) -ffreestanding -fno-stack-protector \
	-fno-pie -no-pie -static -nostdlib -mgeneral-regs-only -fno-omit-frame-pointer \
	-fno-asynchronous-unwind-tables -MMD -MP \
	-nostdinc -isystem $(shell $(CC) -print-file-name=include) \
	-Iuser/lib/include -Ikernel/abi -Ikernel/lib
ULDFLAGS := -nostdlib -static -z max-page-size=0x1000 -z noexecstack --build-id=none

# The user library, one line per file.
# crt0.o is linked first in every program, outside the archive.
UCRT0 := $B/user/lib/crt0.o
ULIB_OBJS := \
	$B/user/lib/start.o \
	$B/user/lib/print.o \
	$B/user/lib/malloc.o \
	$B/user/lib/lock.o \
	$B/user/lib/thread.o \
	$B/user/lib/error.o \
	$B/user/lib/exit.o \
	$B/user/lib/ipc.o \
	$B/user/lib/rpc.o \
	$B/user/lib/console.o \
	$B/user/lib/mm.o \
	$B/user/lib/archive.o \
	$B/user/lib/spawn.o \
	$B/user/lib/selfspace.o \
	$B/user/lib/naming.o \
	$B/user/lib/crash.o \
	$B/user/lib/process.o \
	$B/user/lib/fsclient.o \
	$B/user/lib/string.o \
	$B/user/lib/format.o
ULIB := $B/user/libmica.a

# The programs.
USER_PROGS := root names block fs fstest ipcserver proc ptest mm mmtest sh probe console rs badsrv crashtest

# The servers and test programs the root task spawns (user/lib/spawn.c).
names_OBJS := $B/user/servers/names/main.o $B/user/servers/names/table.o
block_OBJS := $B/user/servers/block/main.o $B/user/servers/block/ramdisk.o
fs_OBJS := \
	$B/user/servers/fs/main.o \
	$B/user/servers/fs/fs.o \
	$B/user/servers/fs/serve.o \
	$B/user/servers/fs/blockclient.o
fstest_OBJS := $B/user/tests/lab6/fstest.o
ipcserver_OBJS := $B/user/tests/bench/ipcserver.o
console_OBJS := $B/user/servers/console/main.o $B/user/servers/console/console.o
rs_OBJS := $B/user/servers/rs/main.o $B/user/servers/rs/service.o $B/user/servers/rs/instance.o
badsrv_OBJS := $B/user/tests/lab7/badsrv.o
crashtest_OBJS := $B/user/tests/lab7/crashtest.o
proc_OBJS := \
	$B/user/servers/proc/main.o \
	$B/user/servers/proc/launch.o \
	$B/user/servers/proc/ops.o
ptest_OBJS := $B/user/tests/lab6/ptest.o
sh_OBJS := \
	$B/user/shell/main.o \
	$B/user/shell/shell.o \
	$B/user/shell/files.o \
	$B/user/shell/procs.o
probe_OBJS := $B/user/tests/lab6/probe.o
mm_OBJS := \
	$B/user/servers/mm/main.o \
	$B/user/servers/mm/server.o \
	$B/user/servers/mm/serve.o \
	$B/user/servers/mm/process.o \
	$B/user/servers/mm/pool.o
mmtest_OBJS := $B/user/tests/lab5/mmtest.o $B/user/tests/lab5/mmcheck.o

# The root task: the scenario runner and the scenarios built into it.
root_OBJS := \
	$B/user/root/main.o \
	$B/user/root/system.o \
	$B/user/tests/lab3/ring3.o \
	$B/user/tests/lab3/badsys.o \
	$B/user/tests/lab3/rr.o \
	$B/user/tests/lab3/prio.o \
	$B/user/tests/lab3/sleep.o \
	$B/user/tests/lab3/timeslice.o \
	$B/user/tests/lab3/cycles.o \
	$B/user/tests/lab3/join.o \
	$B/user/tests/lab3/kill.o \
	$B/user/tests/lab4/caps.o \
	$B/user/tests/lab4/pingpong.o \
	$B/user/tests/lab4/ipcsem.o \
	$B/user/tests/lab4/killipc.o \
	$B/user/tests/lab5/pager.o \
	$B/user/tests/lab5/faults.o \
	$B/user/tests/lab5/framemap.o \
	$B/user/tests/lab5/rtc.o \
	$B/user/tests/lab5/console.o \
	$B/user/tests/lab5/mmroot.o \
	$B/user/tests/lab5/mmcheck.o \
	$B/user/servers/mm/server.o \
	$B/user/servers/mm/serve.o \
	$B/user/servers/mm/process.o \
	$B/user/servers/mm/pool.o \
	$B/user/tests/lab4/fastpath.o \
	$B/user/tests/bench/ipcbench.o \
	$B/user/tests/fuzz/sysfuzz.o \
	$B/user/tests/fuzz/fuzzgen.o \
	$B/user/tests/fuzz/regress.o \
	$B/user/tests/lab6/archive.o \
	$B/user/tests/lab6/fsdemo.o \
	$B/user/servers/block/ramdisk.o \
	$B/user/servers/fs/fs.o \
	$B/user/servers/fs/seed.o \
	$B/user/servers/fs/serve.o \
	$B/user/servers/fs/blockclient.o \
	$B/user/servers/names/table.o \
	$B/user/root/servers.o \
	$B/user/root/recover.o \
	$B/user/root/procs.o \
	$B/user/servers/console/console.o

USER_ELFS := $(USER_PROGS:%=$B/user/%.elf)
all: $(USER_ELFS) $(USER_ELFS:.elf=.asm) $(USER_ELFS:.elf=.sym)

# The root task goes into the ISO as the first boot module (see grub.cfg).
ISO_FILES += $B/iso/boot/root.elf
$B/iso/boot/root.elf: $B/user/root.elf
	@mkdir -p $(@D)
	cp $< $@

# The boot archive (cpio newc, user/tools/mkcpio.py): the programs, without
# their symbols, under bin/ and the files of user/rootfs/ at the top; GRUB
# loads it as the second boot module ("initrd"), the kernel maps it into the
# root task.
ROOTFS_FILES := $(shell find user/rootfs -type f)
ARCHIVE_PROGS := $(USER_PROGS:%=$B/initrd/bin/%)
ISO_FILES += $B/iso/boot/initrd.cpio
$B/initrd/bin/%: $B/user/%.elf
	@mkdir -p $(@D)
	strip -o $@ $<
$B/iso/boot/initrd.cpio: user/tools/mkcpio.py $(ARCHIVE_PROGS) $(ROOTFS_FILES)
	@mkdir -p $(@D)
	$(PYTHON) user/tools/mkcpio.py $@ $(foreach p,$(USER_PROGS),bin/$p=$B/initrd/bin/$p) \
		$(foreach f,$(ROOTFS_FILES),$(f:user/rootfs/%=%)=$f)

$B/user/lib/%.o: user/lib/%.S
	@mkdir -p $(@D)
	$(CC) $(UCFLAGS) -c -o $@ $<

$B/user/lib/%.o: kernel/lib/%.c
	@mkdir -p $(@D)
	$(CC) $(UCFLAGS) -c -o $@ $<

$B/user/%.o: user/%.c
	@mkdir -p $(@D)
	$(CC) $(UCFLAGS) -c -o $@ $<

$(ULIB): $(ULIB_OBJS)
	rm -f $@
	ar rcs $@ $^

$B/user/%.asm: $B/user/%.elf
	$(OBJDUMP) -d -S --no-show-raw-insn $< > $@

$B/user/%.sym: $B/user/%.elf
	$(NM) -n $< > $@

# user_program(prog): link build/user/prog.elf from $(prog_OBJS) and the library.
define user_program
$B/user/$(1).elf: $(UCRT0) $$($(1)_OBJS) $(ULIB) user/user.ld
	$(LD) $(ULDFLAGS) -T user/user.ld -o $$@ $(UCRT0) $$($(1)_OBJS) $(ULIB)
endef
$(foreach p,$(USER_PROGS),$(eval $(call user_program,$p)))

-include $(ULIB_OBJS:.o=.d) $(foreach p,$(USER_PROGS),$($p_OBJS:.o=.d))
