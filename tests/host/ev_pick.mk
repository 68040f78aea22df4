# SPDX-License-Identifier: MIT
# ev_pick: which vcore of an MCP an event goes to (kern/src/event/ev_pick.c):
# round robin, APPRO, spamming to a vcore that runs and looks, MUST_RUN.
HOST_SUITES += ev_pick
ev_pick_SRCS := kern/src/event/ev_pick.c tests/host/test_ev_pick.c
