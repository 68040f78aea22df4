#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""doclint.py - checks that what the documentation and the comments cite exists.

    doclint.py               check the tree (run from the top of the repository)
    doclint.py --self-test   plant wrong names in a scratch tree, see each caught

What is read.  Documentation pages (README.md, GETTING_STARTED.md,
Documentation/**/*.md), in `code spans` outside fenced code blocks:
  - a path that starts with a top-level folder (`kern/...`) must exist;
  - any other file name (`qio.c`, `ros/syscall.h`, `kapi/err.md`,
    `<stdio.h>`) must be the tail of a file in the tree, a C library
    header, a file the build generates, or a file of musl's source;
  - a function, `name()` or `name(args)`, must be defined;
  - a type, `struct name` (or union, enum), must be defined.
Source comments (kern/, user/, tests/, tools/: .c .h .S): `name()` with empty
parentheses, file names with an extension of FILE_EXT, and `struct name`
(union and enum only with an underscore in the name), by the same rules.

What counts as defined.  A definition anywhere in kern/ user/ tools/ tests/
scripts/, read as text (class Definitions says which forms count: functions,
macros, types, tags, enum values, globals, function-pointer members and
parameters, assembly labels, Python and shell functions, and the C a
generator script writes); a syscall of kern/include/ros/syscall.list (NAME,
sys_NAME, SYS_NAME); NAMEN for a numbered family (__syscallN); a
declaration of the C library's headers, or a Linux system call they number
(__NR_NAME).  The C library is the musl sysroot the build makes,
$O/toolchain/sysroot/include (O defaults to obj), with musl's source beside
it; before the toolchain is built the host's /usr/include stands in, and a
note on stderr says so.  Files the build generates are the $(O)/.../NAME and
generated/NAME a makefile names.

What is skipped.  A citation right after "musl's", "Linux's", "Akaros's",
"Plan 9's", "glibc's", "upstream" or "libFuzzer" (one word may come between)
names another project's thing.  Placeholders (names with "foo", `NAME`,
`myprog.c`: PLACEHOLDER), paths under obj/, and paths with *, <...> or $.
OUTSIDE is the allow-list for outside names no rule reaches; keep it short.

One line per page and one per source folder, which scripts/check.sh counts:

    doc: PASS Documentation/boot.md
    doc: FAIL Documentation/boot.md: line 12: cites kern/src/gone.c, which does not exist (+1 more)
        Documentation/boot.md:40: cites nothing(), which is defined nowhere
    doc: PASS kern/src/ns/ (comments)
    doc: FAIL kern/src/ns/ (comments): kern/src/ns/qio.c line 40: cites qgone(), which is ...

Every further problem of a failing page or folder follows on its own
indented line, which check.sh does not count.
"""
import glob
import os
import re
import shutil
import sys
import tempfile

TOP = ("kern/", "tests/", "tools/", "scripts/", "user/", "Documentation/", ".ci/",
       "apps/")
CODE_DIRS = ("kern", "user", "tools", "tests", "scripts")
COMMENT_DIRS = ("kern", "user", "tests", "tools")
SOURCE_EXT = (".c", ".h", ".S")
FILE_EXT = ("c", "h", "S", "s", "md", "py", "sh", "mk", "ld", "list")
SYSCALL_LIST = "kern/include/ros/syscall.list"

# Names of outside things that the text names on purpose and that no rule
# below reaches (C library, POSIX and Linux system call names come from the
# C library's headers; "Akaros's name()" is skipped by OWNER).  Keep it
# short, each entry with its reason: a name that is ours belongs in the code.
OUTSIDE = set()
# A citation right after one of these words names the other project's thing
# ("musl's __set_thread_area.s", "glibc's <sys/cdefs.h>", "Linux's struct
# linux_dirent64", "Akaros's proc_yield()").
OWNER = re.compile(r"\b(?:musl|glibc|Linux|Akaros|Plan 9|upstream|libFuzzer)(?:'s?)?"
                   r"(?:\s+[\w-]+)?\s+(?:`|<|struct\s+)?$")

# Names used as placeholders in examples and in the style guide (also a
# file name's stem: `myprog.c`, `user/bin/X.c`).
PLACEHOLDER = re.compile(r"foo|^(bar|NAME|name|thing|myprog|X)$")

SPAN = re.compile(r"`([^`]+)`")
FENCE = re.compile(r"^\s*(```|~~~)")
IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
FUNC_SPAN = re.compile(r"^(%s)\(.*\)$" % IDENT)
TYPE_CITE = re.compile(r"\b(struct|union|enum)\s+(%s)" % IDENT)
FILE_SPAN = re.compile(r"^<?([\w./+-]+\.(?:%s))>?$" % "|".join(FILE_EXT))
COMMENT_FUNC = re.compile(r"(?<![\w$*])(%s)\(\)" % IDENT)
COMMENT_FILE = re.compile(r"(?<![\w./$-])<?((?:[\w+-]+/)*[\w+-]+\.(?:%s))>?(?![\w/-])"
                          % "|".join(FILE_EXT))
# In a comment "union" and "enum" are mostly words (a union directory), so
# only "struct NAME" is read as a type there, unless NAME has an underscore;
# and these words after "struct" are English, not a tag.
TYPE_PROSE = {"and", "or", "of", "for", "the", "a", "an", "in", "is", "that",
              "with", "as", "to", "it", "its", "type", "types", "field", "fields",
              "member", "members", "tag", "copy", "itself", "must", "once", "no",
              "here", "below", "above", "on", "are", "be", "by", "from", "not"}

# ---- what the tree defines ------------------------------------------------

C_LEXEME = re.compile(r"//[^\n]*|/\*.*?\*/|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'", re.S)


def split_c(text):
    """(code, comments): the code with comments and string contents blanked
    (newlines kept), and the comments as (first line, text)."""
    code, comments, last = [], [], 0
    for m in C_LEXEME.finditer(text):
        code.append(text[last:m.start()])
        tok = m.group(0)
        if tok[0] == "/":
            comments.append((text.count("\n", 0, m.start()) + 1, tok))
            code.append(" " + "\n" * tok.count("\n"))
        else:
            code.append(tok[0] + tok[0])
        last = m.end()
    code.append(text[last:])
    return "".join(code), comments


class Definitions:
    """The forms of definition read from C, assembly, linker scripts, Python
    and shell (a generator's C text counts: scripts write headers)."""
    DEFS = [
        re.compile(r"^\s*#\s*define\s+(%s)" % IDENT, re.M),            # macros
        re.compile(r"\b(?:struct|union|enum)\s+(%s)\s*\{" % IDENT),     # tags
        re.compile(r"\}\s*(%s)\s*(?:\[[^\]]*\]\s*)?[;=,]" % IDENT),     # } name;
        re.compile(r"\btypedef\b[^;{}]*?\b(%s)\s*(?:\[[^\]]*\]\s*)?;" % IDENT),
        re.compile(r"\(\s*\*\s*(%s)\s*\)\s*\(" % IDENT),                # (*fnptr)(
        re.compile(r"^[A-Za-z_][^;{}()#]*?\b(%s)\s*(?:\[[^\]]*\]\s*)*[=;]"
                   % IDENT, re.M),                                       # globals
    ]
    # A line that starts in column 0: every name(...) before its first
    # ; { or = (prototypes, definitions, macros that define things).
    TOP_LINE = re.compile(r"^[A-Za-z_][^;{=\n]*", re.M)
    CALL = re.compile(r"\b(%s)\s*\(" % IDENT)
    FNTYPE = re.compile(r"\btypedef\b[^;]*?\(\s*\*\s*(%s)\s*\)\s*\(" % IDENT)
    ASM = [re.compile(r"^\s*(%s):" % IDENT, re.M),
           re.compile(r"\b(?:ENTRY|END|\.globl|\.global|\.type)\s*\(?\s*(%s)" % IDENT)]
    LDS = [re.compile(r"\b(%s)\s*=" % IDENT)]
    PY = [re.compile(r"^\s*(?:def|class)\s+(%s)" % IDENT, re.M),
          re.compile(r"^(%s)\s*=" % IDENT, re.M),
          re.compile(r"#define\s+(%s)" % IDENT),
          re.compile(r"\b(?:struct|union|enum)\s+(%s)\s*\{" % IDENT)]
    SH = [re.compile(r"^\s*(?:function\s+)?(%s)\s*\(\)\s*\{" % IDENT, re.M)]
    ENUM = re.compile(r"\benum\b[^{;()]*\{([^}]*)\}")
    KEYWORDS = {"if", "while", "for", "switch", "return", "sizeof", "do", "else",
                "case", "goto", "typeof", "__typeof__", "_Static_assert"}

    def __init__(self):
        self.names = set()
        self.code = []

    def add_c(self, text):
        code, _ = split_c(text)
        self.code.append(code)
        for pat in self.DEFS:
            self.names.update(pat.findall(code))
        for line in self.TOP_LINE.findall(code):
            self.names.update(self.CALL.findall(line))
        for body in self.ENUM.findall(code):
            for item in body.split(","):
                m = re.match(r"\s*(%s)" % IDENT, item)
                if m:
                    self.names.add(m.group(1))

    def add_file(self, path):
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        ext = os.path.splitext(path)[1]
        if ext in (".c", ".h"):
            self.add_c(text)
        elif ext == ".S":
            self.add_c(text)
            for pat in self.ASM:
                self.names.update(pat.findall(text))
        elif ext in (".ld", ".lds"):
            for pat in self.LDS:
                self.names.update(pat.findall(split_c(text)[0]))
        elif ext == ".py":
            for pat in self.PY:
                self.names.update(pat.findall(text))
        elif ext == ".sh" or text.startswith("#!/bin/bash") or text.startswith("#!/bin/sh"):
            for pat in self.SH:
                self.names.update(pat.findall(text))

    def add_syscalls(self, path):
        if not os.path.exists(path):
            return
        with open(path, encoding="utf-8") as f:
            for line in f:
                m = re.match(r"^\d+\s+(%s)\s" % IDENT, line)
                if m:
                    n = m.group(1)
                    self.names.update((n, "sys_" + n, "SYS_" + n))

    def finish(self):
        """Second pass: a parameter, member or variable of a function-pointer
        type (putch_fn putch) can be called, so its name counts."""
        fntypes = set()
        for code in self.code:
            fntypes.update(self.FNTYPE.findall(code))
        if fntypes:
            decl = re.compile(r"\b(?:%s)\s+\**\s*(%s)" % ("|".join(sorted(fntypes)), IDENT))
            for code in self.code:
                self.names.update(decl.findall(code))
        self.code = []
        self.names -= self.KEYWORDS

    def family(self, name):
        """name ends in N and stands for a numbered family (__syscallN)."""
        return name.endswith("N") and any(name[:-1] + d in self.names for d in "0123456789")


class Tree:
    """What exists: the files of the tree, the names it defines, and the
    C library's (headers and names, from the include folders given)."""

    def __init__(self, root, libc_dirs, outside_trees=()):
        self.root = root
        self.paths = set()
        self.defs = Definitions()
        for top in sorted(os.listdir(root)):
            if top in (".git", "obj") or not os.path.isdir(os.path.join(root, top)):
                if os.path.isfile(os.path.join(root, top)):
                    self.paths.add(top)
                continue
            for d, dirs, files in os.walk(os.path.join(root, top)):
                dirs[:] = sorted(x for x in dirs if x != ".git")
                for f in files:
                    rel = os.path.relpath(os.path.join(d, f), root)
                    self.paths.add(rel)
                    if top in CODE_DIRS:
                        self.defs.add_file(os.path.join(d, f))
        self.defs.add_syscalls(os.path.join(root, SYSCALL_LIST))
        self.defs.finish()
        self.generated = self._generated()
        self.libc = Definitions()
        self.libc_headers = set()
        for inc in libc_dirs:
            for h, name in libc_headers(inc):
                self.libc_headers.add(name)
                self.libc.add_file(h)
        self.libc.finish()
        self.outside = set()
        for t in outside_trees:
            for d, _, files in os.walk(t):
                self.outside.update(os.path.relpath(os.path.join(d, f), t) for f in files)

    def _generated(self):
        """Files the build writes: $(O)/.../NAME and generated/NAME in a makefile."""
        names = set()
        for p in self.paths:
            if p == "Makefile" or p.endswith(".mk") or p.endswith("/Makefile"):
                with open(os.path.join(self.root, p), encoding="utf-8") as f:
                    text = f.read()
                names.update(re.findall(r"generated/([\w.-]+)", text))
                names.update(re.findall(r"\$\(O\)/(?:[\w.-]+/)*([\w-]+\.[A-Za-z]+)\b", text))
        return names

    def file_exists(self, cited):
        if cited.startswith(TOP):
            return os.path.exists(os.path.join(self.root, cited))
        if "/" not in cited and cited in self.paths:
            return True
        tail = "/" + cited
        if any(p.endswith(tail) for p in self.paths):
            return True
        if cited in self.libc_headers or cited in self.generated:
            return True
        if cited.startswith("generated/") and cited[len("generated/"):] in self.generated:
            return True
        return any(p == cited or p.endswith(tail) for p in self.outside)

    def name_defined(self, name):
        """Ours, the C library's, a Linux system call the C library numbers
        (__NR_name: Documentation/libc.md translates them), or OUTSIDE."""
        libc = self.libc.names
        return (name in self.defs.names or name in libc or "__NR_" + name in libc
                or name in OUTSIDE or bool(PLACEHOLDER.search(name))
                or self.defs.family(name))


def libc_headers(inc):
    """(header, name it is included by) in one include folder: all of a
    sysroot's; of the host's /usr/include, only the C library's folders."""
    if inc != "/usr/include":
        for h in sorted(glob.glob(os.path.join(inc, "**", "*.h"), recursive=True)):
            yield h, os.path.relpath(h, inc)
        return
    for base in (inc, os.path.join(inc, "x86_64-linux-gnu")):
        for sub in ("", "sys", "arpa", "netinet", "bits", "bits/types", "asm"):
            for h in sorted(glob.glob(os.path.join(base, sub, "*.h"))):
                yield h, os.path.relpath(h, base)


def build_dirs():
    """(C library include folders, outside source trees) of the build in
    $O (obj by default): the musl sysroot and musl's source.  Before the
    toolchain is built, the host's /usr/include and the compiler's own
    headers stand in for the C library, and a note says so."""
    o = os.environ.get("O", "obj")
    sysroot = os.path.join(o, "toolchain", "sysroot", "include")
    musl = os.path.join(o, "toolchain", "musl-src")
    if os.path.isdir(sysroot):
        return [sysroot], [musl] if os.path.isdir(musl) else []
    print("doclint: note: no %s; C library names come from /usr/include "
          "(build first, or set O=, for the musl sysroot)" % sysroot, file=sys.stderr)
    dirs = [d for d in ("/usr/include",) if os.path.isdir(d)]
    gcc = glob.glob("/usr/lib/gcc/x86_64-linux-gnu/*/include")
    return dirs + sorted(gcc)[-1:], []

# ---- what the text cites --------------------------------------------------


def skip_path(text):
    stem = os.path.basename(text).split(".")[0]
    return (text.startswith("obj/") or "*" in text or "<" in text[1:]
            or "..." in text or "$" in text or bool(PLACEHOLDER.search(stem)))


def owned(line, at):
    """Whether the citation at line[at:] names another project's thing."""
    return bool(OWNER.search(line[max(0, at - 40):at]))


def doc_citations(line):
    """(kind, what) for each citation in a line of a page."""
    for m in SPAN.finditer(line):
        text = m.group(1).strip()
        bare = text.rstrip(".,:;)")
        if " " not in bare and skip_path(bare) or owned(line, m.start()):
            continue
        if bare.startswith(TOP) and " " not in bare:
            yield "file", bare.split(":")[0]
            continue
        f = FILE_SPAN.match(bare.split(":")[0])
        if f and not bare.startswith("#") and not bare.startswith("/"):
            yield "file", f.group(1)
            continue
        f = FUNC_SPAN.match(text)
        if f:
            yield "function", f.group(1)
            continue
        t = TYPE_CITE.match(text)
        if t:
            yield "type", t.group(2)


def comment_citations(comment):
    """(line offset, kind, what) for each citation in a comment."""
    for n, line in enumerate(comment.split("\n")):
        for m in COMMENT_FUNC.finditer(line):
            if not owned(line, m.start()):
                yield n, "function", m.group(1)
        for m in COMMENT_FILE.finditer(line):
            if not (skip_path(m.group(1)) or m.group(1).startswith("/")
                    or owned(line, m.start())):
                yield n, "file", m.group(1)
        for m in TYPE_CITE.finditer(line):
            kind, name = m.groups()
            if ((kind == "struct" or "_" in name) and name not in TYPE_PROSE
                    and not owned(line, m.start())):
                yield n, "type", name


def verdict(tree, kind, what):
    """None if the citation holds, else why not."""
    if kind == "file":
        if tree.file_exists(what):
            return None
        return "cites %s, which does not exist" % what
    if tree.name_defined(what):
        return None
    if kind == "function":
        return "cites %s(), which is defined nowhere" % what
    return "cites a type %s, which is defined nowhere" % what


def check_page(tree, path):
    problems, fenced = [], False
    with open(os.path.join(tree.root, path), encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if FENCE.match(line):
                fenced = not fenced
                continue
            if fenced:
                continue
            for kind, what in doc_citations(line):
                why = verdict(tree, kind, what)
                if why:
                    problems.append((path, n, why))
    return problems


def check_source(tree, path):
    problems = []
    with open(os.path.join(tree.root, path), encoding="utf-8", errors="replace") as f:
        _, comments = split_c(f.read())
    for first, text in comments:
        for off, kind, what in comment_citations(text):
            why = verdict(tree, kind, what)
            if why:
                problems.append((path, first + off, why))
    return problems


def report(name, problems, out):
    """The verdict line for a page or a folder's comments; problems are
    (path, line, why), the first in the line, each other indented."""
    if not problems:
        print("doc: PASS %s" % name, file=out)
        return 0
    path, line, why = problems[0]
    where = "line %d" % line if path == name else "%s line %d" % (path, line)
    more = " (+%d more)" % (len(problems) - 1) if len(problems) > 1 else ""
    print("doc: FAIL %s: %s: %s%s" % (name, where, why, more), file=out)
    for p in problems[1:]:
        print("    %s:%d: %s" % p, file=out)
    return 1


def pages(root):
    docs = [d for d in ("README.md", "GETTING_STARTED.md")
            if os.path.exists(os.path.join(root, d))]
    for d, _, files in os.walk(os.path.join(root, "Documentation")):
        docs += [os.path.relpath(os.path.join(d, f), root)
                 for f in files if f.endswith(".md")]
    return sorted(docs)


def source_folders(tree):
    folders = {}
    for p in sorted(tree.paths):
        if p.split("/")[0] in COMMENT_DIRS and p.endswith(SOURCE_EXT):
            folders.setdefault(os.path.dirname(p) + "/", []).append(p)
    return folders


def lint(root, libc_dirs, outside_trees=(), out=sys.stdout):
    tree = Tree(root, libc_dirs, outside_trees)
    bad = 0
    for page in pages(root):
        bad += report(page, check_page(tree, page), out)
    for folder, files in sorted(source_folders(tree).items()):
        problems = []
        for path in files:
            problems += check_source(tree, path)
        bad += report(folder + " (comments)", problems, out)
    return bad

# ---- the self-test ---------------------------------------------------------


SELF_FILES = {
    "kern/src/good/real.c": "/* real_fn() in real.c fills a struct real_type;\n"
                            " * see also <unistd.h>, read(), musl's gone.s. */\n"
                            "struct real_type { int x; };\n"
                            "int real_fn(void)\n{\n\treturn 0;\n}\n",
    "kern/src/badfn/a.c": "/* Then\n * gone_fn() runs. */\n",
    "kern/src/badfile/a.c": "/* gone.c says how. */\n",
    "kern/src/badtype/a.h": "/* Fills a struct gone_type. */\n",
    "libc/include/unistd.h": "ssize_t read(int, void *, size_t);\n",
    "Documentation/good.md": "`real_fn()` in `real.c` or `kern/src/good/real.c` "
                             "fills `struct real_type`; `read(fd, buf, n)`;\n"
                             "Akaros's `gone_fn()`; `foo_parse()`.\n",
    "Documentation/badfn.md": "Intro.\n\n`gone_fn()`\n",
    "Documentation/badfile.md": "`gone.h`\n",
    "Documentation/badpath.md": "`kern/src/gone.c`\n",
    "Documentation/badtype.md": "`struct gone_type`\n",
    "Documentation/fenced.md": "```\ngone_fn();\n```\n",
}

SELF_EXPECT = [
    ("doc_right_names_pass", "doc: PASS Documentation/good.md"),
    ("doc_wrong_function", "doc: FAIL Documentation/badfn.md: line 3: "
                           "cites gone_fn(), which is defined nowhere"),
    ("doc_wrong_file", "doc: FAIL Documentation/badfile.md: line 1: "
                       "cites gone.h, which does not exist"),
    ("doc_wrong_path", "doc: FAIL Documentation/badpath.md: line 1: "
                       "cites kern/src/gone.c, which does not exist"),
    ("doc_wrong_type", "doc: FAIL Documentation/badtype.md: line 1: "
                       "cites a type gone_type, which is defined nowhere"),
    ("doc_fenced_example_skipped", "doc: PASS Documentation/fenced.md"),
    ("comment_right_names_pass", "doc: PASS kern/src/good/ (comments)"),
    ("comment_wrong_function", "doc: FAIL kern/src/badfn/ (comments): kern/src/badfn/a.c line 2: "
                               "cites gone_fn(), which is defined nowhere"),
    ("comment_wrong_file", "doc: FAIL kern/src/badfile/ (comments): kern/src/badfile/a.c line 1: "
                           "cites gone.c, which does not exist"),
    ("comment_wrong_type", "doc: FAIL kern/src/badtype/ (comments): kern/src/badtype/a.h line 1: "
                           "cites a type gone_type, which is defined nowhere"),
]


def self_test():
    """Plant right and wrong citations in a scratch tree; each expected
    line must come out, and nothing else may fail."""
    tmp = tempfile.mkdtemp(prefix="doclint-")
    try:
        for rel, text in SELF_FILES.items():
            os.makedirs(os.path.dirname(os.path.join(tmp, rel)), exist_ok=True)
            with open(os.path.join(tmp, rel), "w", encoding="utf-8") as f:
                f.write(text)
        out_path = os.path.join(tmp, "out.txt")
        with open(out_path, "w", encoding="utf-8") as out:
            bad = lint(tmp, [os.path.join(tmp, "libc/include")], (), out)
        with open(out_path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    finally:
        shutil.rmtree(tmp)
    failed = 0
    for name, want in SELF_EXPECT:
        if want in lines:
            print("doclint: PASS self.%s" % name)
        else:
            failed += 1
            print("doclint: FAIL self.%s: no line %r in %r" % (name, want, lines))
    fails = sum(1 for w in SELF_EXPECT if w[1].startswith("doc: FAIL"))
    if bad != fails:
        failed += 1
        print("doclint: FAIL self.count: %d files failed, %d expected" % (bad, fails))
    else:
        print("doclint: PASS self.count")
    return 1 if failed else 0


def main(argv):
    if argv[1:] == ["--self-test"]:
        return self_test()
    if argv[1:]:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    return 1 if lint(".", *build_dirs()) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
