/* SPDX-License-Identifier: MIT */
/*
 * pgrp_print.h - a name space's mount table as text (kern/src/ns/pgrp_print.c),
 * for #proc/<pid>/ns.
 *
 *	struct slice s;
 *	slice_init(&s);
 *	int err = pgrp_print(p, &s);    // 0, or -ENOMEM (s keeps what it had)
 *	...
 *	slice_free(&s);
 *
 * The text is a list of Plan 9 style commands, one per line, that describe
 * the table: "bind ROOT /" for the root, then for each mount point (in the
 * order its oldest mount was made) one "bind" line per member of its union,
 * the first plain and the others "-a", with "c" added for the member that
 * takes creates; "cd DIR" last if the name space has a current directory.
 * Paths holding blanks or quotes are quoted Plan 9 style ('it''s').
 * May sleep (takes p->ns_lock, allocates); never calls error().
 */
#pragma once

#include <ns.h>
#include <slice.h>

int pgrp_print(struct pgrp *p, struct slice *s);
