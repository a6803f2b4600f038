# -DHWTOTP_SANITIZE=ON builds everything with AddressSanitizer + UndefinedBehaviorSanitizer.
if(HWTOTP_SANITIZE)
    add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer
                        -fno-sanitize-recover=all)
    add_link_options(-fsanitize=address,undefined)
endif()

# -DHWTOTP_FUZZ=ON (clang): coverage instrumentation everywhere, ASan+UBSan, libFuzzer binaries.
if(HWTOTP_FUZZ)
    add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
    add_link_options(-fsanitize=address,undefined)
endif()
