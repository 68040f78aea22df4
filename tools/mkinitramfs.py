#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""mkinitramfs.py DIR OUT - pack DIR into a newc ("070701") cpio archive.

The archive is what #kfs loads at boot (kern/src/ns/tree_file.c,
tree_fs_load_cpio): one entry per directory, regular file and symlink under
DIR, parents before children, names relative to DIR without a leading "./",
then the TRAILER!!! entry.  The output is reproducible: entries are sorted,
owners are 0, inode numbers count up from 1, modes are normalised (0755 for
directories and executables, 0644 for other files, 0777 for symlinks) and
every mtime is SOURCE_DATE_EPOCH (0 if unset).  Anything else under DIR
(devices, fifos, sockets) is an error, as is a name the kernel would refuse
(longer than 255 bytes per element or 4095 in all, or not UTF-8).
"""
import os
import stat
import sys

NAME_MAX = 255
PATH_MAX = 4095


def header(ino, mode, nlink, mtime, size, namesize):
    fields = [ino, mode, 0, 0, nlink, mtime, size, 0, 0, 0, 0, namesize, 0]
    return b"070701" + b"".join(b"%08X" % f for f in fields)


def pad4(n):
    return b"\0" * ((4 - n % 4) % 4)


def entry(ino, name, mode, nlink, mtime, data):
    bname = name.encode("utf-8") + b"\0"
    out = header(ino, mode, nlink, mtime, len(data), len(bname)) + bname
    out += pad4(len(out))
    return out + data + pad4(len(data))


def check_name(rel):
    if len(rel.encode("utf-8")) > PATH_MAX:
        sys.exit("mkinitramfs: path too long: %s" % rel)
    for part in rel.split("/"):
        if len(part.encode("utf-8")) > NAME_MAX:
            sys.exit("mkinitramfs: name too long: %s" % part)


def describe(path, rel):
    """(mode, nlink, data) for one file, by its lstat."""
    st = os.lstat(path)
    if stat.S_ISDIR(st.st_mode):
        return stat.S_IFDIR | 0o755, 2, b""
    if stat.S_ISLNK(st.st_mode):
        return stat.S_IFLNK | 0o777, 1, os.readlink(path).encode("utf-8")
    if stat.S_ISREG(st.st_mode):
        perm = 0o755 if st.st_mode & 0o111 else 0o644
        with open(path, "rb") as f:
            return stat.S_IFREG | perm, 1, f.read()
    sys.exit("mkinitramfs: %s: not a directory, file or symlink" % rel)


def walk(root):
    """Relative paths under root, sorted, parents first (no symlink following)."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        rel_dir = os.path.relpath(dirpath, root)
        names = sorted(dirnames + filenames)
        for n in names:
            out.append(n if rel_dir == "." else rel_dir + "/" + n)
    return sorted(out, key=lambda p: p.split("/"))


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: mkinitramfs.py DIR OUT")
    root, out_path = sys.argv[1], sys.argv[2]
    if not os.path.isdir(root):
        sys.exit("mkinitramfs: %s is not a directory" % root)
    mtime = int(os.environ.get("SOURCE_DATE_EPOCH", "0"))
    blob = bytearray()
    for ino, rel in enumerate(walk(root), start=1):
        check_name(rel)
        mode, nlink, data = describe(os.path.join(root, rel), rel)
        blob += entry(ino, rel, mode, nlink, mtime, data)
    blob += entry(0, "TRAILER!!!", 0, 1, 0, b"")
    tmp = out_path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(blob)
    os.replace(tmp, out_path)


if __name__ == "__main__":
    main()
