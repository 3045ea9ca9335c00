// SPDX-License-Identifier: GPL-2.0
/* No Makefile builds setup_mm.c: this file includes it. */
#ifdef CONFIG_MMU
#include "setup_mm.c"
#endif
