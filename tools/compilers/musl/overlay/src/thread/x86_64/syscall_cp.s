# SPDX-License-Identifier: MIT
#
# syscall_cp.s (Vireo overlay of musl's src/thread/x86_64/syscall_cp.s).
#
# __syscall_cp_asm(&cancel, nr, u, v, w, x, y, z): a cancellation point.
# If the thread is cancelled, jump to __cancel; otherwise tail-call
# __vireo_linux_syscall_cp(&cancel, nr, u..z) (the translation layer)
# instead of executing `syscall`: the same eight arguments in the same
# registers and stack slots, so nothing moves.  The layer keeps &cancel
# to end, not restart, a call a signal interrupted once the thread is
# cancelled (linux_syscalls.c).  __cp_begin/__cp_end bound the code, as
# musl's cancellation handler expects.
	.text
	.global __cp_begin
	.hidden __cp_begin
	.global __cp_end
	.hidden __cp_end
	.global __cp_cancel
	.hidden __cp_cancel
	.hidden __cancel
	.global __syscall_cp_asm
	.hidden __syscall_cp_asm
	.type   __syscall_cp_asm,@function
__syscall_cp_asm:
__cp_begin:
	mov (%rdi),%eax
	test %eax,%eax
	jnz __cp_cancel
	jmp __vireo_linux_syscall_cp
__cp_end:
__cp_cancel:
	jmp __cancel
	.section .note.GNU-stack,"",@progbits
