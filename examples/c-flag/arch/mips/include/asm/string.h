/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_STRING_H
#define _ASM_STRING_H

/* Declared here, written in assembler (arch/mips/lib/memcpy.S): the declaration is
 * what kconsist can see. */
/* kconsist-ok: c-flag-without-function */
#define __HAVE_ARCH_MEMCPY
extern void *memcpy(void *to, const void *from, unsigned long n);

/* Announced, but neither declared nor defined. */
/* kconsist-expect: c-flag-without-function */
#define __HAVE_ARCH_MEMMOVE

#endif
