// asio::ssl's implementation, compiled once (ASIO_SEPARATE_COMPILATION), where OpenSSL is available.
#include <asio/ssl/impl/src.hpp>
