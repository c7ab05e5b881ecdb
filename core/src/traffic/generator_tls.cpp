// The generator's TLS: sealing in whole records, and the handshake over a connected socket.
#include "traffic/generator_tls.hpp"

#include <asio/write.hpp>

#include <algorithm>
#include <limits>

#include "net/net_error.hpp"

namespace socketeer::core {

namespace {
constexpr std::size_t MaxRecordPlaintext = 16u << 10; // TLS's largest record
}

bool GeneratorTls::seal(ByteView plaintext, std::string& error) {
    cipherOut.clear();
    m_records.clear();
    for (std::size_t offset = 0; offset < plaintext.size(); offset += MaxRecordPlaintext) {
        const std::size_t n = std::min(MaxRecordPlaintext, plaintext.size() - offset);
        if (!channel->writePlaintext(plaintext.subspan(offset, n), error)) return false;
        channel->takeCiphertext(cipherOut, std::numeric_limits<std::size_t>::max());
        m_records.push_back({cipherOut.size(), offset + n});
    }
    return true;
}

std::size_t GeneratorTls::plaintextWithin(std::size_t written) const {
    std::size_t plain = 0;
    for (const Record& record : m_records) {
        if (record.cipherEnd > written) break;
        plain = record.plainEnd;
    }
    return plain;
}

namespace {

struct Handshake : std::enable_shared_from_this<Handshake> {
    Handshake(asio::ip::tcp::socket& s, GeneratorTls& t, std::shared_ptr<void> k, std::function<void(std::string)> d)
        : socket(s), tls(t), keepAlive(std::move(k)), done(std::move(d)) {}

    asio::ip::tcp::socket& socket;
    GeneratorTls& tls;
    std::shared_ptr<void> keepAlive;
    std::function<void(std::string)> done;

    void step() {
        std::string error;
        const TlsChannel::Handshake state = tls.channel->handshake(error);
        if (tls.channel->pendingCiphertext() != 0) {
            // What it made goes first, an alert included: the peer learns why before the socket closes.
            tls.cipherOut.clear();
            tls.channel->takeCiphertext(tls.cipherOut, std::numeric_limits<std::size_t>::max());
            asio::async_write(socket, asio::buffer(tls.cipherOut),
                              [self = shared_from_this(), state, error](std::error_code ec, std::size_t) {
                                  if (state == TlsChannel::Handshake::Failed) return self->done(error);
                                  if (ec) return self->done("sending the handshake failed: " + describeError(ec));
                                  if (state == TlsChannel::Handshake::Done) return self->done("");
                                  self->step();
                              });
            return;
        }
        if (state == TlsChannel::Handshake::Failed) return done(error);
        if (state == TlsChannel::Handshake::Done) return done("");
        socket.async_read_some(asio::buffer(tls.cipherIn), [self = shared_from_this()](std::error_code ec, std::size_t n) {
            if (ec == asio::error::eof) return self->done("the peer closed the connection during the TLS handshake");
            if (ec) return self->done("receiving the handshake failed: " + describeError(ec));
            self->tls.received(n);
            self->step();
        });
    }
};

} // namespace

void runTlsHandshake(asio::ip::tcp::socket& socket, GeneratorTls& tls, std::shared_ptr<void> keepAlive,
                     std::function<void(std::string)> done) {
    std::make_shared<Handshake>(socket, tls, std::move(keepAlive), std::move(done))->step();
}

} // namespace socketeer::core
