# hwtotp_add_library(<short name> <sources>...): one of the project's libraries, built and
# installed the same way: hwtotp_<name>, usable as hwtotp::<name> both in this build and from an
# installed package (find_package(hwtotp)), public headers under <name>/include, position-
# independent (they link into the binary, the tests and other projects), the project's warnings
# for its own sources only (they are not part of the installed interface).
function(hwtotp_add_library name)
    set(target hwtotp_${name})
    add_library(${target} ${ARGN})
    add_library(hwtotp::${name} ALIAS ${target})
    target_include_directories(${target} PUBLIC
        $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
        $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
    target_link_libraries(${target} PRIVATE $<BUILD_INTERFACE:hwtotp_warnings>)
    set_target_properties(${target} PROPERTIES
        POSITION_INDEPENDENT_CODE ON
        EXPORT_NAME ${name})
    install(TARGETS ${target} EXPORT hwtotpTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
    install(DIRECTORY include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
endfunction()
