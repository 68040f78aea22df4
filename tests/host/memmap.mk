HOST_SUITES += memmap
memmap_SRCS := kern/src/mm/memmap.c tests/host/test_memmap.c
