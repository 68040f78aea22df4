HOST_SUITES += memmap
memmap_SRCS := kern/src/memmap.c tests/host/test_memmap.c
