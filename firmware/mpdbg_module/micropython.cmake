# CMake glue for building _mpdbg into firmware (esp32, rp2) as a user C module:
#   make USER_C_MODULES=/path/to/mpdbg/firmware/mpdbg_module/micropython.cmake ...
add_library(usermod_mpdbg INTERFACE)
target_sources(usermod_mpdbg INTERFACE
    ${CMAKE_CURRENT_LIST_DIR}/mpdbg.c
    ${CMAKE_CURRENT_LIST_DIR}/filter.c
    ${CMAKE_CURRENT_LIST_DIR}/gate.c
    ${CMAKE_CURRENT_LIST_DIR}/guard.c
    ${CMAKE_CURRENT_LIST_DIR}/condition.c
    ${CMAKE_CURRENT_LIST_DIR}/agent_qstrs.c
    ${CMAKE_CURRENT_LIST_DIR}/stdin.c
    ${CMAKE_CURRENT_LIST_DIR}/sha256.c
    ${CMAKE_CURRENT_LIST_DIR}/wake.c
)
target_include_directories(usermod_mpdbg INTERFACE ${CMAKE_CURRENT_LIST_DIR})
target_compile_definitions(usermod_mpdbg INTERFACE MICROPY_PY_SYS_SETTRACE=1)
target_link_libraries(usermod INTERFACE usermod_mpdbg)
