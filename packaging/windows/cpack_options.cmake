# Read by cpack for each generator (CPACK_PROJECT_CONFIG_FILE): the ZIP gets one top folder; NSIS cannot have one.
if(CPACK_GENERATOR STREQUAL "ZIP")
    set(CPACK_INCLUDE_TOPLEVEL_DIRECTORY ON)
endif()
