// SPDX-License-Identifier: GPL-2.0-only
/* Toolchain probes are open: these branches are compiled with some compiler. */
/* kconsist-ok: dead-arch-branch */
#ifdef CONFIG_STACKPROTECTOR
unsigned long __stack_chk_guard;
#endif

/* kconsist-ok: dead-arch-branch */
#ifdef CONFIG_ARM64_MTE
int mte_enabled;
#endif

/* An older GCC than the model one: a version comparison is no reason for "dead". */
/* kconsist-ok: dead-arch-branch */
#if defined(CONFIG_GCC_NEEDS_WORKAROUND) || defined(CONFIG_CC_IS_CLANG)
int compiler_workaround;
#endif

/* CPU_BIG_ENDIAN depends on BROKEN: this branch is never compiled. */
/* kconsist-expect: dead-arch-branch */
#ifdef CONFIG_CPU_BIG_ENDIAN
#define SETUP_BE 1
/* Inside a dead branch: reported once, at the branch itself. */
/* kconsist-ok: dead-arch-branch */
#ifdef CONFIG_ARM64_MTE
#define SETUP_BE_MTE 1
#endif
#else
#define SETUP_BE 0
#endif

/* Another arch's symbol: arm64 does not define it, so it is n here. */
/* kconsist-expect: dead-arch-branch */
#ifdef CONFIG_CPU_V7
#define SETUP_V7 1
#endif

/* A CONFIG_ name the file sets itself is not Kconfig's to decide (parisc's cache.c). */
#define CONFIG_SETUP_FLUSH_ACCESSED 0
/* kconsist-ok: dead-arch-branch */
#if CONFIG_SETUP_FLUSH_ACCESSED
#define SETUP_FLUSH 1
#endif

/* A 32-bit vDSO or compat object of a 64-bit kernel: CONFIG_64BIT without __LP64__. */
/* kconsist-ok: dead-arch-branch */
#if defined(CONFIG_64BIT) && !defined(__LP64__)
#define SETUP_COMPAT32 1
#endif
