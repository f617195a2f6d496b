// The single translation unit holding the compiled parts of Boost.Asio, Beast and URL
// (see net/CMakeLists.txt for the SEPARATE_COMPILATION definitions).
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
#include <boost/url/src.hpp>
