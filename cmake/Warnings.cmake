# One interface target carries the project's warning flags; every target links it PRIVATE.
add_library(hwtotp_warnings INTERFACE)
target_compile_options(hwtotp_warnings INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wold-style-cast
    -Wnon-virtual-dtor -Wsuggest-override -Wcast-qual -Wformat=2)
if(HWTOTP_WERROR)
    target_compile_options(hwtotp_warnings INTERFACE -Werror)
endif()
# Deprecated OpenSSL APIs warn; the one adapter that needs SHA*_Transform opts out locally.
target_compile_definitions(hwtotp_warnings INTERFACE OPENSSL_API_COMPAT=30000)
# A unity build includes each .cpp into a batch file; GCC then takes a class defined in an
# included .cpp as defined in a header and warns about any member whose type is in an anonymous
# namespace (the pimpl Impl structs). In a .cpp that is what the anonymous namespace is for.
if(HWTOTP_UNITY_BUILD AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(hwtotp_warnings INTERFACE -Wno-subobject-linkage)
endif()
