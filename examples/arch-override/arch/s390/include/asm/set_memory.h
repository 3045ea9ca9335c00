/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_S390_SET_MEMORY_H
#define _ASM_S390_SET_MEMORY_H

int __set_memory(unsigned long addr, unsigned long numpages, unsigned long flags);

/* One inline function per call below: set_memory_ro(), __set_memory_ro(), ... */
#define __SET_MEMORY_FUNC(fname, flags)				\
static inline int fname(unsigned long addr, int numpages)	\
{								\
	return __set_memory(addr, numpages, (flags));		\
}								\
static inline int __##fname(void *start, void *end)		\
{								\
	return __set_memory((unsigned long)start, 1, (flags));	\
}

__SET_MEMORY_FUNC(set_memory_ro, 1)
__SET_MEMORY_FUNC(set_memory_rw, 2)

#endif
