/* SPDX-License-Identifier: MIT */
/*
 * host_config.h - the Kconfig values host unit tests are built with (the
 * kernel gets its own from obj/include/generated/autoconf.h).  Debug options
 * are on: the tests exist to catch what they catch.
 */
#pragma once

#define VIREO_HOST 1
#define CONFIG_MAX_CORES 64
#define CONFIG_SPINLOCK_DEBUG 1
