# Cross-compiling for 64-bit Windows from Debian/Ubuntu with mingw-w64 (packages g++-mingw-w64-x86-64-posix, wine64).
# The posix-thread compiler: the win32-thread one has no std::thread. The runtime is linked statically, so the .exe
# files need no DLLs beside them. Targets Windows 10 (_WIN32_WINNT=0x0A00).
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_SYSTEM_VERSION 10.0)

set(mingw_triplet x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${mingw_triplet}-gcc-posix)
set(CMAKE_CXX_COMPILER ${mingw_triplet}-g++-posix)
set(CMAKE_RC_COMPILER ${mingw_triplet}-windres)

# Libraries and headers only from the mingw sysroot. Never /usr/include: the host's headers are for Linux. The
# header-only dependencies (asio, nlohmann-json, CLI11) are exposed one directory each by third_party/CMakeLists.txt.
set(CMAKE_FIND_ROOT_PATH /usr/${mingw_triplet})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

set(CMAKE_CXX_FLAGS_INIT "-D_WIN32_WINNT=0x0A00 -DWINVER=0x0A00")
set(CMAKE_C_FLAGS_INIT "-D_WIN32_WINNT=0x0A00 -DWINVER=0x0A00")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static -static-libgcc -static-libstdc++")

# Tests and test discovery run the .exe files under wine (Debian's wine64 is not on PATH).
find_program(SOCKETEER_WINE64 NAMES wine64 PATHS /usr/lib/wine NO_CMAKE_FIND_ROOT_PATH)
if(SOCKETEER_WINE64)
    set(CMAKE_CROSSCOMPILING_EMULATOR ${SOCKETEER_WINE64})
endif()
