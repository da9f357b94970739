# Mica: build, boot, debug and grade.
#
#   make            build build/kernel.elf, kernel.asm, kernel.sym and build/mica.iso
#   make run        boot in QEMU with COM1 on this terminal (Ctrl-A X quits)
#   make bochs      the same in Bochs
#   make qemu-gdb   boot halted, waiting for GDB; then `make gdb` in another terminal
#   make grade      run the autograder (LAB=N, T=test-name, EMU=qemu|bochs)
#   make test       what CI runs: build, grade, Bochs, docs, host tests
#   make docs       Doxygen into build/docs/html (warnings are errors)
#   make deps       install missing packages (Debian/Ubuntu)
#
# Kernel arguments for run/bochs/qemu-gdb: make run ARGS="hz=250 ktest=pmm"

B        := build
CC       := gcc
LD       := ld
OBJDUMP  := objdump
NM       := nm
PYTHON   ?= $(shell [ -x /usr/bin/python3 ] && echo /usr/bin/python3 || echo python3)
QEMU     ?= qemu-system-x86_64
MEM      ?= 128M
ARGS     ?=
EMU      ?= qemu
GDBPORT  := $(shell expr `id -u` % 5000 + 25000)

WARN     := -Wall -Wextra -Werror -Wno-unused-parameter
CFLAGS_COMMON := -std=gnu11 -O2 -ggdb $(WARN) -ffreestanding -fno-stack-protector \
           -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer \
           -mgeneral-regs-only -fno-asynchronous-unwind-tables -nostdlib -MMD -MP
KCFLAGS  := $(CFLAGS_COMMON) -fno-pic -fno-pie -mno-red-zone -mcmodel=kernel \
           -Ikernel -Ikernel/abi
KLDFLAGS := -nostdlib -static -z max-page-size=0x1000 -z noexecstack

# The kernel, one line per file, grouped as in kernel/kernel.h.
KERNEL_OBJS := \
	$B/kernel/arch/x86_64/boot.o \
	$B/kernel/arch/x86_64/serial.o \
	$B/kernel/arch/x86_64/gdt.o \
	$B/kernel/arch/x86_64/idt.o \
	$B/kernel/arch/x86_64/vectors.o \
	$B/kernel/arch/x86_64/trap.o \
	$B/kernel/arch/x86_64/pic.o \
	$B/kernel/arch/x86_64/pit.o \
	$B/kernel/main.o \
	$B/kernel/multiboot.o \
	$B/kernel/cmdline.o \
	$B/kernel/ktest.o \
	$B/kernel/kprintf.o \
	$B/kernel/panic.o \
	$B/kernel/memmap.o \
	$B/kernel/pmm.o \
	$B/kernel/vm.o \
	$B/kernel/kmem.o \
	$B/kernel/tests/ktest_mem.o \
	$B/kernel/timer.o \
	$B/kernel/arch/x86_64/context.o \
	$B/kernel/arch/x86_64/switch.o \
	$B/kernel/arch/x86_64/syscall_entry.o \
	$B/kernel/arch/x86_64/usercopy.o \
	$B/kernel/sched.o \
	$B/kernel/thread.o \
	$B/kernel/space.o \
	$B/kernel/cap.o \
	$B/kernel/fault.o \
	$B/kernel/frame.o \
	$B/kernel/irq.o \
	$B/kernel/usercopy.o \
	$B/kernel/elf.o \
	$B/kernel/root.o \
	$B/kernel/syscall.o \
	$B/kernel/sys_thread.o \
	$B/kernel/sys_cap.o \
	$B/kernel/endpoint.o \
	$B/kernel/ipc.o \
	$B/kernel/fastpath.o \
	$B/kernel/notification.o \
	$B/kernel/tests/ktest_sched.o \
	$B/kernel/tests/ktest_elf.o \
	$B/kernel/tests/ktest_traps.o \
	$B/kernel/lib/string.o \
	$B/kernel/lib/format.o

ISO_FILES := $B/iso/boot/kernel.elf $B/iso/boot/grub/grub.cfg

all: $B/kernel.elf $B/kernel.asm $B/kernel.sym $B/mica.iso

include user/user.mk

$B/kernel/%.o: kernel/%.c
	@mkdir -p $(@D)
	$(CC) $(KCFLAGS) -c -o $@ $<

$B/kernel/%.o: kernel/%.S
	@mkdir -p $(@D)
	$(CC) $(KCFLAGS) -c -o $@ $<

$B/kernel.elf: $(KERNEL_OBJS) kernel/arch/x86_64/kernel.ld
	$(LD) $(KLDFLAGS) -T kernel/arch/x86_64/kernel.ld -o $@ $(KERNEL_OBJS)
	@grub-file --is-x86-multiboot2 $@ || { echo "$@: no Multiboot2 header"; rm -f $@; exit 1; }
	@grub-file --is-x86-multiboot $@ || { echo "$@: no Multiboot1 header (qemu -kernel)"; rm -f $@; exit 1; }

$B/kernel.asm: $B/kernel.elf
	$(OBJDUMP) -d -S --no-show-raw-insn $< > $@

$B/kernel.sym: $B/kernel.elf
	$(NM) -n $< > $@

$B/iso/boot/kernel.elf: $B/kernel.elf
	@mkdir -p $(@D)
	cp $< $@

$B/iso/boot/grub/grub.cfg: kernel/arch/x86_64/grub.cfg
	@mkdir -p $(@D)
	cp $< $@

$B/mica.iso: $(ISO_FILES)
	grub-mkrescue -o $@ --install-modules="multiboot2 normal iso9660 fat part_msdos biosdisk configfile test" \
		--fonts= --locales= --themes= $B/iso 2>/dev/null

# ---- booting by hand ----------------------------------------------------

# A FAT disk holding mica.cfg with $(ARGS); GRUB reads it at boot.
$B/run-cfg.img: FORCE
	@$(PYTHON) -m grader.cfgdisk $@ "$(ARGS)"

QEMU_OPTS = -M pc -m $(MEM) -cdrom $B/mica.iso -drive file=$B/run-cfg.img,format=raw,if=ide \
	-boot d -display none -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	-icount shift=7,sleep=off -rtc base=2000-01-01,clock=vm

run: deps all $B/run-cfg.img
	@$(PYTHON) -m grader.console --emu qemu --iso $B/mica.iso --mem $(MEM) --args "$(ARGS)"

bochs: deps all
	@$(PYTHON) -m grader.console --emu bochs --iso $B/mica.iso --mem $(MEM) --args "$(ARGS)"

qemu-gdb: all $B/run-cfg.img .gdbinit
	@echo "*** Waiting for GDB on port $(GDBPORT): run 'make gdb' in another terminal. Ctrl-A X quits."
	$(QEMU) $(QEMU_OPTS) -serial mon:stdio -S -gdb tcp::$(GDBPORT)

.gdbinit: Makefile
	@printf 'set architecture i386:x86-64\nfile $B/kernel.elf\ntarget remote localhost:%s\n' $(GDBPORT) > $@

gdb: .gdbinit
	gdb -q -x .gdbinit

# ---- grading, tests, docs -----------------------------------------------

GRADE_ARGS = $(if $(LAB),--lab $(LAB)) $(if $(T),--test $(T)) --emu $(EMU) $(if $(V),--verbose) \
	$(if $(EXTRA),--extra $(EXTRA)) $(if $(GRADER_DIR),--grader-dir $(GRADER_DIR))

grade: deps all
	$(PYTHON) -m grader $(GRADE_ARGS)

# Boot and grading times (and kernel-reported bench: lines) -> build/bench/results.json
bench: deps all
	$(PYTHON) -m grader.bench $(BENCH_ARGS)

docs: deps
	@mkdir -p $B/docs
	@doxygen Doxyfile > $B/docs/doxygen.log 2> $B/docs/warnings.log; \
	if [ -s $B/docs/warnings.log ]; then cat $B/docs/warnings.log; echo "docs: warnings (see above)"; exit 1; fi
	@echo "docs: $B/docs/html/index.html"

unit: deps
	$(PYTHON) -m pytest -q $(wildcard grader/unit labs/tests)

# Host unit tests of the kernel's pure logic (kernel/tests/host/), built with
# the host compiler and sanitizers.
HOST_TESTS := $B/host/test_memmap $B/host/test_servers $B/host/test_pager

$B/host/test_memmap: kernel/tests/host/test_memmap.c kernel/memmap.c kernel/memmap.h kernel/boot.h
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined \
		-Ikernel -Ikernel/abi -o $@ kernel/tests/host/test_memmap.c kernel/memmap.c

# The servers' pure logic (user/servers/*, user/lib/archive.c).
SERVER_LOGIC := user/lib/archive.c user/servers/block/ramdisk.c user/servers/names/table.c \
	user/servers/fs/fs.c user/servers/fs/seed.c user/servers/fs/serve.c
$B/host/test_servers: user/servers/tests/test_servers.c $(SERVER_LOGIC) $(wildcard user/servers/*/*.h)
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined \
		-include user/servers/tests/host_compat.h -iquote user/lib/include -Ikernel/abi \
		-o $@ user/servers/tests/test_servers.c $(SERVER_LOGIC)

# The memory manager's logic (user/servers/mm), over fake system calls.
PAGER_LOGIC := user/servers/mm/pool.c user/servers/mm/process.c user/servers/mm/serve.c
$B/host/test_pager: user/servers/tests/test_pager.c $(PAGER_LOGIC) user/servers/mm/pager.h \
		kernel/abi/mica/proto/mm.h
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O1 -g $(WARN) -fsanitize=address,undefined \
		-include user/servers/tests/host_compat.h -Ikernel/abi \
		-o $@ user/servers/tests/test_pager.c $(PAGER_LOGIC)

hosttest: $(HOST_TESTS)
	@for t in $(HOST_TESTS); do $$t || exit 1; done

test: deps all
	$(MAKE) unit
	$(MAKE) hosttest
	$(MAKE) grade EMU=qemu
	$(MAKE) grade EMU=bochs LAB=1
	$(if $(wildcard labs/instructor.mk),$(MAKE) check-stage JOBS=2 EARLIER=all)
	$(MAKE) docs

# ---- labs: hand-in for students; staging and course set-up for instructors ----
# A staged student tree carries labs/lab.mk (LAB ?= its lab); the instructor's
# tree carries labs/instructor.mk (stage, branches, check-stage, gradescope).
-include labs/lab.mk
-include labs/instructor.mk

handin:
	@sh labs/tools/handin.sh "$(LAB)"

.PHONY: handin

deps:
	@sh labs/tools/install-deps.sh

clean:
	rm -rf $B .gdbinit

FORCE:
.PHONY: all run bochs qemu-gdb gdb grade bench docs unit hosttest test deps clean FORCE

-include $(KERNEL_OBJS:.o=.d)
