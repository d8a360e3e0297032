// Empty: the target exists for its header (fuzzer_driver.h).
