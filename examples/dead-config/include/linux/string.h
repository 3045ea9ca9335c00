/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_STRING_H_
#define _LINUX_STRING_H_

/* The generic fallbacks test the arch's C flags. */
#ifndef __HAVE_ARCH_STRCPY
char *strcpy(char *dest, const char *src);
#endif

#if !defined(__HAVE_ARCH_MEMSET16) && \
	!defined(__HAVE_ARCH_MEMSET32)
void *memset16(unsigned short *s, unsigned short v, unsigned long n);
#endif

#endif
