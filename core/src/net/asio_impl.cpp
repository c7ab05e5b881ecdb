// The one translation unit that compiles asio's implementation (ASIO_SEPARATE_COMPILATION keeps it out of the others).
#include <asio/impl/src.hpp>
