/* SPDX-License-Identifier: MIT */
/*
 * errno.h - kernel-side error numbers (see ros/errno.h for the values).
 * Core code returns -Exxx or NULL; IS_ERR-style pointer encoding is not
 * used: a function returns either a pointer or an int, never both in one.
 */
#pragma once

#include <ros/errno.h>
