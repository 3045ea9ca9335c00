/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_STRING_H
#define _ASM_STRING_H

/* kconsist-ok: dead-c-flag */
#define __HAVE_ARCH_STRCPY
char *strcpy(char *dest, const char *src);

/* Tested on a continuation line of include/linux/string.h. */
/* kconsist-ok: dead-c-flag */
#define __HAVE_ARCH_MEMSET32
void *memset32(unsigned int *s, unsigned int v, unsigned long n);

/* Nothing tests this flag: include/linux/string.h has no fallback for it. */
/* kconsist-expect: dead-c-flag */
#define __HAVE_ARCH_MEMSETW_IO
void memsetw_io(void *s, unsigned short v, unsigned long n);

#endif
