// GB18030 tests need the system's converter: glibc's iconv module, or Windows code page 54936 (which wine 8 lacks).
#pragma once

#include <gtest/gtest.h>

#include "socketeer/core/codec/text_encoding.hpp"

#define SKIP_WITHOUT_GB18030()                                                                                  \
    if (!socketeer::core::textEncodingAvailable(socketeer::core::TextEncoding::Gb18030))                       \
    GTEST_SKIP() << "GB18030 is not available on this system (Windows code page 54936; wine 8 has none)"
