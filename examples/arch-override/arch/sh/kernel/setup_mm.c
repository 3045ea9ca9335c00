// SPDX-License-Identifier: GPL-2.0
/* kconsist-ok: arch-has-unselected */
void arch_cpu_finalize_init(void)
{
}
