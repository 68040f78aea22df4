/* SPDX-License-Identifier: MIT */
/*
 * version.h - the kernel's name and release, one line ("Vireo 0.1\n"),
 * kept by #version (kern/drivers/dev/version.c) and also served by
 * #cons/version.  Constant; any context.
 */
#pragma once

const char *version_banner(void);
