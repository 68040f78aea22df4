# SPDX-License-Identifier: MIT
# termsize: /bin/resize's parser of the terminal's cursor position report
# (user/bin/lib/termsize.c), pure code.
HOST_SUITES += termsize
termsize_SRCS := user/bin/lib/termsize.c tests/host/test_termsize.c
termsize_CFLAGS := -Iuser/bin/lib
