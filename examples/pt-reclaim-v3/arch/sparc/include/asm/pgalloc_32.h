/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SPARC_PGALLOC_H
#define _SPARC_PGALLOC_H

void srmmu_free_nocache(void *addr, int size);

#endif /* _SPARC_PGALLOC_H */
