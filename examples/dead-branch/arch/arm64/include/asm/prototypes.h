/* SPDX-License-Identifier: GPL-2.0 */
/* Other passes read this header too: genksyms (CONFIG_MODVERSIONS), sparse, and the
 * assembler for .S files. A branch only they read is no dead code (x86's
 * asm-prototypes.h declares __ref_stack_chk_guard for genksyms alone). */
/* kconsist-ok: dead-arch-branch */
#if defined(__GENKSYMS__) && defined(CONFIG_STACKPROTECTOR)
extern unsigned long __ref_stack_chk_guard;
#endif

/* kconsist-ok: dead-arch-branch */
#if defined(__ASSEMBLY__) && defined(CONFIG_ARM64_MTE)
#define MTE_ASM 1
#endif

/* Dead for every pass: another arch's symbol. */
/* kconsist-expect: dead-arch-branch */
#if defined(__CHECKER__) && defined(CONFIG_CPU_V7)
#define CHECKED_V7 1
#endif

#ifndef __ASSEMBLY__
/* Inside a branch the compiler reads: judged as before. */
/* kconsist-expect: dead-arch-branch */
#ifdef CONFIG_CPU_BIG_ENDIAN
#define PROTO_BE 1
#endif
#endif
