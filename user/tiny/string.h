/* SPDX-License-Identifier: MIT */
/*
 * tiny/string.h - the string and memory functions of the test programs.
 *
 * The usual C semantics, for programs built without a C library.  gcc may
 * emit calls to memcpy, memset, memmove and memcmp on its own (struct
 * copies, zeroing), so those four must exist under these names.
 * strstr() is here for checking error messages.  No locale, no wide chars.
 */
#pragma once

#include <stddef.h>

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strstr(const char *haystack, const char *needle);
