/* SPDX-License-Identifier: MIT */
/*
 * crt0.S - the entry point of the freestanding test programs.
 *
 * The kernel starts a program at _start with rsp pointing at argc, then
 * argv[] (NULL-terminated), envp[] (NULL-terminated) and the auxiliary
 * vector (kern/include/argenv.h draws the layout).  Other registers hold
 * nothing the program may rely on.  _start clears rbp (the outermost frame
 * for backtraces), passes that initial rsp to tiny_start() (start.c), which
 * finds argc/argv/envp, calls main() and exits with its value, and aligns
 * the stack to 16 bytes before the call as the x86-64 psABI requires.
 * tiny_start() never returns; if it did, ud2 kills the process.
 */
	.section .text.start, "ax"
	.globl _start
	.type _start, @function
_start:
	xorl	%ebp, %ebp
	movq	%rsp, %rdi
	andq	$-16, %rsp
	call	tiny_start
	ud2
	.size _start, . - _start

	.section .note.GNU-stack, "", @progbits
