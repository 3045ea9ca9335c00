/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_ADDRS_H
#define _ASM_ADDRS_H

/* kconsist-ok: dead-config-symbol */
#if defined(CONFIG_SGI_IP27)
#define NODE_SIZE_BITS 31
/* IP35 support was removed from Kconfig; this branch can never be compiled. */
/* kconsist-expect: dead-config-symbol */
#elif defined(CONFIG_SGI_IP35)
#define NODE_SIZE_BITS 32
#endif

/* A misspelling: the symbol is SGI_IP27. */
/* kconsist-expect: dead-config-symbol */
#ifdef CONFIG_SGI_IP72
#define IP27_HUB 1
#endif

/* CONFIG_MODULE_HELPER_MODULE is what Kconfig sets for MODULE_HELPER=m. */
/* kconsist-ok: dead-config-symbol */
#if IS_ENABLED(CONFIG_MODULE_HELPER) || defined(CONFIG_MODULE_HELPER_MODULE)
#define HELPER 1
#endif

#endif
