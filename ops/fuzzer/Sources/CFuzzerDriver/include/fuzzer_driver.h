// libFuzzer's driver, linked in by -sanitize=fuzzer. SwiftPM renames an executable's entry
// point (`--defsym main=<module>_main`), so libFuzzer's own main is never used: each fuzz
// binary's main.swift calls this driver with its target instead.
#include <stddef.h>
#include <stdint.h>

typedef int (*huqi_fuzz_callback)(const uint8_t *data, size_t size);
int LLVMFuzzerRunDriver(int *argc, char ***argv, huqi_fuzz_callback callback);
