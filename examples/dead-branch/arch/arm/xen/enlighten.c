// SPDX-License-Identifier: GPL-2.0-only
/* arm64's build compiles this file too (arch/arm64/xen/Makefile): a branch dead on
 * arm but compiled on arm64 is not dead. */
/* kconsist-ok: dead-arch-branch */
#ifdef CONFIG_ARM64
#define XEN_64 1
#endif

/* Dead on arm and on arm64 (XEN_BE depends on BROKEN). */
/* kconsist-expect: dead-arch-branch */
#ifdef CONFIG_XEN_BE
#define XEN_BE 1
#endif
