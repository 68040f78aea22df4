/* SPDX-License-Identifier: MIT */
/*
 * start.c - from the initial stack to main() and back out.
 *
 * The kernel's stack image (kern/include/argenv.h): sp[0] = argc, then
 * argc argv pointers and a NULL, then the envp pointers and a NULL, then
 * the auxiliary vector.  tiny_start() reads argc and the two vectors in
 * place (nothing is copied), runs main() and exits with its result.
 *
 * tiny_exit() asks the kernel to destroy the calling process (pid
 * TINY_PID_SELF) with the exit code.  That call does not return when it
 * works; if it ever does, the program executes ud2 so the kernel kills it
 * for the fault rather than letting it run on past its end.
 */
#include <tiny/start.h>
#include <tiny/syscall.h>

void tiny_exit(int code)
{
	for (int tries = 0; tries < 3; tries++)
		tsys(SYS_proc_destroy, TINY_PID_SELF, (uint64_t)(uint32_t)code);
	for (;;)
		__asm__ volatile("ud2");
}

void tiny_start(uint64_t *sp)
{
	int argc = (int)sp[0];
	char **argv = (char **)(sp + 1);
	char **envp = argv + argc + 1;

	tiny_exit(main(argc, argv, envp));
}
