#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""mksyscalls.py - the syscall headers from kern/include/ros/syscall.list.

    mksyscalls.py LIST --nums OUT.h --table OUT.h   write the headers
    mksyscalls.py LIST --check                      validate the list only
    mksyscalls.py LIST --markdown                   the table for
                                                    Documentation/syscalls.md

--nums writes syscall_nums.h (SYS_<name>, SYS_MAX_NR, SYS_FOREACH; shared with
user space through ros/syscall.h).  --table writes syscall_table.h (the
kernel's table: names, handler prototypes sys_<name>, argument text,
attributes, and each argument's kind for the syscall tracer's decoder:
SYSCALL_ARG_*, see arg_kinds below).  Outputs are replaced only when their text changes, so editing a
comment in the list does not rebuild the kernel.

The list's format is described at the top of the list itself.  Every rule is
checked here, and a broken line stops the build with "LIST:LINE: why".
"""
import os
import re
import sys

# The handler signature the dispatcher calls (kern/include/syscall.h defines
# struct syscall_ctx).  Change it here, and every prototype follows.
HANDLER_RET = "int64_t"
HANDLER_PARAMS = "struct syscall_ctx *ctx"

GROUPS = ("misc", "proc", "vcore", "mem", "event", "file", "ns")
ATTRS = {"ctx": "SYSCALL_ATTR_CTX", "reserved": "SYSCALL_ATTR_RESERVED",
         "nosleep": "SYSCALL_ATTR_NOSLEEP"}
NR_LIMIT = 1024
MAX_ARGS = 6
NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
LINE_RE = re.compile(r"^(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\(.*?\))\s*(?:--\s*(.*))?$")
PARAM_RE = re.compile(r"^(const\s+)?([A-Za-z_][A-Za-z0-9_ ]*?)(\s+|\s*\*\s*)([a-z_][a-z0-9_]*)$")


class ListError(Exception):
    pass


class Call:
    def __init__(self, nr, name, group, attrs, args, params, note):
        self.nr = nr
        self.name = name
        self.group = group
        self.attrs = attrs
        self.args = args
        self.params = params
        self.note = note

    @property
    def reserved(self):
        return "reserved" in self.attrs


def parse_params(text):
    """'(int fd, const char *p, size_t p_len)' ->
    [(is_const_char_ptr, name, (type, star), is_const)]."""
    inner = text[1:-1].strip()
    if not inner:
        return []
    params = []
    for raw in inner.split(","):
        m = PARAM_RE.match(raw.strip())
        if not m:
            raise ListError("argument '%s' is not 'type name'" % raw.strip())
        const, typ, sep, name = m.groups()
        star = "*" if "*" in sep else ""
        params.append((bool(const) and typ.strip() == "char" and star == "*", name,
                       (typ.strip(), star), bool(const)))
    return params


def check_paths(params):
    for i, (is_path, name, _, _) in enumerate(params):
        if not is_path:
            continue
        want = name + "_len"
        if i + 1 >= len(params) or params[i + 1][1] != want or \
                params[i + 1][2] != ("size_t", ""):
            raise ListError("path '%s' must be followed by 'size_t %s'" % (name, want))


def parse_attrs(text):
    if text == "-":
        return []
    attrs = text.split(",")
    for a in attrs:
        if a not in ATTRS:
            raise ListError("unknown attribute '%s' (known: %s)" % (a, ", ".join(ATTRS)))
    if len(set(attrs)) != len(attrs):
        raise ListError("attribute repeated in '%s'" % text)
    return attrs


def parse_nr(text):
    if not re.match(r"^[0-9]+$", text):
        raise ListError("number '%s' is not decimal" % text)
    nr = int(text)
    if not 1 <= nr < NR_LIMIT:
        raise ListError("number %d outside 1..%d" % (nr, NR_LIMIT - 1))
    return nr


def parse_line(line):
    m = LINE_RE.match(line)
    if not m:
        raise ListError("expected 'NR NAME GROUP ATTRS (ARGS) [-- NOTE]'")
    nr_s, name, group, attrs_s, args, note = m.groups()
    nr = parse_nr(nr_s)
    if not NAME_RE.match(name):
        raise ListError("name '%s' is not [a-z][a-z0-9_]*" % name)
    if group not in GROUPS:
        raise ListError("unknown group '%s' (known: %s)" % (group, ", ".join(GROUPS)))
    attrs = parse_attrs(attrs_s)
    params = parse_params(args)
    if len(params) > MAX_ARGS:
        raise ListError("%d arguments; a syscall has at most %d" % (len(params), MAX_ARGS))
    check_paths(params)
    note = (note or "").strip()
    if "reserved" in attrs and not note:
        raise ListError("reserved call needs '-- NOTE' saying what it is reserved for")
    return Call(nr, name, group, attrs, re.sub(r"\s+", " ", args), params, note)


def read_list(path):
    calls, by_nr, by_name = [], {}, {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            text = line.split("#", 1)[0].strip()
            if not text:
                continue
            try:
                c = parse_line(text)
                if c.nr in by_nr:
                    raise ListError("number %d already used by '%s'" % (c.nr, by_nr[c.nr]))
                if c.name in by_name:
                    raise ListError("name '%s' already used by number %d" % (c.name, by_name[c.name]))
            except ListError as e:
                raise ListError("%s:%d: %s" % (path, n, e)) from None
            by_nr[c.nr] = c.name
            by_name[c.name] = c.nr
            calls.append(c)
    if not calls:
        raise ListError("%s: no syscalls listed" % path)
    return sorted(calls, key=lambda c: c.nr)


def banner(src):
    return "/* Generated by scripts/mksyscalls.py from %s; do not edit. */\n" % src


def gen_nums(calls, src):
    out = [banner(src), "#pragma once\n\n"]
    for c in calls:
        tail = "   /* reserved for %s */" % c.note if c.reserved else ""
        out.append("#define SYS_%-16s %4d%s\n" % (c.name, c.nr, tail))
    out.append("\n/* One past the largest number: the size of the kernel's table. */\n")
    out.append("#define SYS_MAX_NR %d\n" % (calls[-1].nr + 1))
    out.append("/* Calls in the list, reserved ones included. */\n")
    out.append("#define SYS_NR_LISTED %d\n\n" % len(calls))
    out.append("/* X(nr, name, nargs, reserved) for every listed call, by number. */\n")
    out.append("#define SYS_FOREACH(X) \\\n")
    for c in calls:
        out.append("\tX(%d, %s, %d, %d) \\\n" % (c.nr, c.name, len(c.params), int(c.reserved)))
    out.append("\t/* end */\n")
    return "".join(out)


TABLE_HEAD = """\
/*
 * The kernel's syscall table.  Every file that defines handlers includes this
 * header: the prototypes below satisfy -Wmissing-prototypes and turn a wrong
 * handler signature into a compile error.  Exactly one file, the dispatcher,
 * defines SYSCALL_TABLE_DEFINE before including it, which instantiates
 * syscall_table[], indexed by number (an entry with a NULL name is a hole).
 * Reserved entries have no handler: the dispatcher answers ENOSYS with
 * "<name> is reserved for <reserved_for>".
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <generated/syscall_nums.h>

struct syscall_ctx;     /* the dispatcher's per-call state */
typedef %(ret)s syscall_handler_t(%(params)s);

#define SYSCALL_ATTR_CTX       0x1   /* acts on the calling context: last in a batch */
#define SYSCALL_ATTR_RESERVED  0x2   /* no handler: ENOSYS */
#define SYSCALL_ATTR_NOSLEEP   0x4   /* never sleeps: not tracked for aborts */

/* How the syscall tracer (syscall/strace_fmt.c) shows an argument; derived
 * by the generator from the argument's type and name. */
#define SYSCALL_ARG_INT        1    /* an int: signed decimal */
#define SYSCALL_ARG_UINT       2    /* unsigned decimal */
#define SYSCALL_ARG_HEX        3    /* flags, prot: hex */
#define SYSCALL_ARG_PTR        4    /* an address: hex, or NULL */
#define SYSCALL_ARG_FD         5    /* an fd: decimal */
#define SYSCALL_ARG_DIRFD      6    /* AT_FDCWD or an fd */
#define SYSCALL_ARG_PATH       7    /* a path: its bytes, quoted */
#define SYSCALL_ARG_PATHLEN    8    /* the length of the path before it: not shown */
#define SYSCALL_ARG_INBUF      9    /* bytes the call reads: quoted (the length follows) */
#define SYSCALL_ARG_OUTBUF    10    /* bytes the call writes: quoted at exit, retval of them */
#define SYSCALL_ARG_OFLAGS    11    /* open flags: O_RDONLY|O_CREAT... */
#define SYSCALL_ARG_MODE      12    /* permission bits: octal */
#define SYSCALL_ARG_LONG      13    /* an int64_t: signed decimal */

struct syscall_desc {
	const char *name;               /* "openat"; NULL: no such syscall */
	syscall_handler_t *handler;     /* NULL when reserved */
	const char *group;              /* misc, proc, vcore, mem, event, file, ns */
	const char *args;               /* the argument list, as text */
	const char *reserved_for;       /* reserved calls only, else NULL */
	uint32_t attrs;                 /* SYSCALL_ATTR_* */
	uint32_t nargs;
	int32_t fd_arg;                 /* index of an "int fd" argument, or -1
	                                 * (abort_sysc_fd finds calls by it) */
	uint8_t argk[6];                /* SYSCALL_ARG_* of each argument (0: none) */
};

extern const struct syscall_desc syscall_table[SYS_MAX_NR];

"""


def c_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def fd_arg(c):
    for i, (_, name, (typ, star), _) in enumerate(c.params):
        if name == "fd" and typ == "int" and not star:
            return i
    return -1


# Argument kinds by name, before the rules by type (arg_kinds).
KIND_BY_NAME = {"fd": "FD", "dirfd": "DIRFD", "oflags": "OFLAGS", "mode": "MODE"}


def is_buffer(params, i):
    """A data pointer ('buf', or X followed by 'size_t X_len') of void, char
    or uint8_t: the tracer shows its bytes."""
    _, name, (typ, star), _ = params[i]
    if not star or typ not in ("void", "char", "uint8_t"):
        return False
    nxt = params[i + 1] if i + 1 < len(params) else None
    return nxt is not None and nxt[2] == ("size_t", "") and \
        (name == "buf" or nxt[1] == name + "_len")


def arg_kind(c, i):
    is_path, name, (typ, star), const = c.params[i]
    if is_path:
        return "PATH"
    if i > 0 and c.params[i - 1][0]:
        return "PATHLEN"
    if is_buffer(c.params, i):
        return "INBUF" if const else "OUTBUF"
    if star:
        return "PTR"
    if name in KIND_BY_NAME and typ in ("int", "uint32_t"):
        return KIND_BY_NAME[name]
    if "flags" in name or name in ("prot", "base"):
        return "HEX"
    if typ == "int64_t":
        return "LONG"
    return "INT" if typ in ("int", "int32_t") else "UINT"


def arg_kinds(c):
    kinds = ["SYSCALL_ARG_" + arg_kind(c, i) for i in range(len(c.params))]
    return "{ " + ", ".join(kinds + ["0"] * (MAX_ARGS - len(kinds))) + " }"


def table_entry(c):
    attrs = " | ".join(ATTRS[a] for a in c.attrs) or "0"
    handler = "NULL" if c.reserved else "sys_" + c.name
    reserved = c_string(c.note) if c.reserved else "NULL"
    return ("\t[SYS_%s] = { .name = %s, .handler = %s, .group = %s,\n"
            "\t\t.args = %s,\n\t\t.reserved_for = %s, .attrs = %s, .nargs = %d,"
            " .fd_arg = %d,\n\t\t.argk = %s },\n"
            % (c.name, c_string(c.name), handler, c_string(c.group), c_string(c.args),
               reserved, attrs, len(c.params), fd_arg(c), arg_kinds(c)))


def gen_table(calls, src):
    out = [banner(src), TABLE_HEAD % {"ret": HANDLER_RET, "params": HANDLER_PARAMS}]
    for c in calls:
        if not c.reserved:
            out.append("%s sys_%s(%s);\n" % (HANDLER_RET, c.name, HANDLER_PARAMS))
    out.append("\n#ifdef SYSCALL_TABLE_DEFINE\n")
    out.append("const struct syscall_desc syscall_table[SYS_MAX_NR] = {\n")
    out += [table_entry(c) for c in calls]
    out.append("};\n#endif\n")
    return "".join(out)


def gen_markdown(calls):
    out = ["| # | name | group | arguments | notes |\n", "|---|---|---|---|---|\n"]
    for c in calls:
        notes = []
        if "ctx" in c.attrs:
            notes.append("last in a batch")
        if "nosleep" in c.attrs:
            notes.append("never sleeps")
        if c.reserved:
            notes.append("reserved for %s (ENOSYS)" % c.note)
        elif c.note:
            notes.append(c.note)
        out.append("| %d | %s | %s | `%s` | %s |\n"
                   % (c.nr, c.name, c.group, c.args, "; ".join(notes)))
    return "".join(out)


def write_if_changed(path, text):
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            if f.read() == text:
                return
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def usage():
    sys.stderr.write("usage: mksyscalls.py LIST (--check | --markdown | "
                     "[--nums OUT] [--table OUT])\n")
    return 2


def main(argv):
    if len(argv) < 3:
        return usage()
    src, opts = argv[1], argv[2:]
    try:
        calls = read_list(src)
    except (ListError, OSError) as e:
        sys.stderr.write("mksyscalls: %s\n" % e)
        return 1
    if opts == ["--check"]:
        return 0
    if opts == ["--markdown"]:
        sys.stdout.write(gen_markdown(calls))
        return 0
    outs = dict(zip(opts[0::2], opts[1::2]))
    if len(opts) % 2 or not outs or set(outs) - {"--nums", "--table"}:
        return usage()
    if "--nums" in outs:
        write_if_changed(outs["--nums"], gen_nums(calls, src))
    if "--table" in outs:
        write_if_changed(outs["--table"], gen_table(calls, src))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
