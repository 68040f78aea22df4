/* SPDX-License-Identifier: MIT */
/* bench_true.c - the program b_spawn starts: it exits with 0 at once. */
int main(void)
{
	return 0;
}
