// SPDX-License-Identifier: GPL-2.0
/* Compiled for KVM_32 too, through a list the Kbuild reader does not follow: the
 * file's build condition is not trusted, only its #if nest. */
/* kconsist-ok: dead-arch-branch */
#ifdef CONFIG_KVM_32
int kvm_32_only;
#endif
