#include "impairment_relay.hpp"

#include <array>
#include <atomic>
#include <deque>
#include <future>
#include <optional>
#include <random>
#include <thread>

#include <asio.hpp>

namespace socketeer::test {
namespace {

using Clock = std::chrono::steady_clock;
using Datagram = std::vector<std::uint8_t>;

std::uint64_t sequenceOf(const Datagram& datagram) {
    if (datagram.size() < 8) return UINT64_MAX;
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < 8; ++i) value = value << 8 | datagram[i];
    return value;
}

/// An io_context on its own thread, stopped and joined by the owner.
struct RelayThread {
    asio::io_context io;
    asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(io);
    std::thread thread;
    void start() { thread = std::thread([this] { io.run(); }); }
    /// The owner has closed everything first: the handlers finish with errors and run() returns by itself, so no
    /// handler (each holds its state) is left behind in the io_context.
    void stop() {
        work.reset();
        if (thread.joinable()) thread.join();
    }
};

} // namespace

// ---------------------------------------------------------------- UDP

struct UdpImpairmentRelay::State : std::enable_shared_from_this<UdpImpairmentRelay::State> {
    RelayThread runner;
    asio::ip::udp::socket socket{runner.io};
    asio::ip::udp::endpoint target;
    asio::steady_timer timer{runner.io};
    Impairment impairment;
    std::mt19937 random;
    std::uniform_real_distribution<double> percent{0.0, 100.0};
    std::array<std::uint8_t, 65536> buffer{};
    asio::ip::udp::endpoint sender;
    std::optional<Datagram> heldBack;
    std::deque<std::pair<Clock::time_point, Datagram>> due; // constant delay keeps this in arrival order
    bool timerArmed = false;
    std::shared_ptr<std::promise<void>> drained; // set by finish()
    mutable std::mutex mutex;
    Record record;

    void receive() {
        socket.async_receive_from(asio::buffer(buffer), sender, [self = shared_from_this()](std::error_code ec, std::size_t n) {
            if (ec) return;
            self->onDatagram(Datagram(self->buffer.begin(), self->buffer.begin() + static_cast<std::ptrdiff_t>(n)));
            self->receive();
        });
    }

    void onDatagram(Datagram datagram) {
        const double roll = percent(random);
        std::lock_guard lock(mutex);
        ++record.received;
        if (roll < impairment.lossPercent) {
            ++record.dropped;
            return;
        }
        if (roll < impairment.lossPercent + impairment.duplicatePercent) {
            ++record.duplicated;
            schedule(datagram);
            schedule(std::move(datagram));
        } else if (roll < impairment.lossPercent + impairment.duplicatePercent + impairment.reorderPercent && !heldBack) {
            ++record.reordered;
            heldBack = std::move(datagram);
            return;
        } else {
            schedule(std::move(datagram));
        }
        if (heldBack) {
            schedule(std::move(*heldBack));
            heldBack.reset();
        }
    }

    void schedule(Datagram datagram) {
        due.emplace_back(Clock::now() + impairment.delay, std::move(datagram));
        arm();
    }

    void arm() {
        if (timerArmed || due.empty()) return;
        timerArmed = true;
        timer.expires_at(due.front().first);
        timer.async_wait([self = shared_from_this()](std::error_code ec) {
            if (ec) return;
            std::lock_guard lock(self->mutex);
            self->timerArmed = false;
            self->sendDue();
        });
    }

    void sendDue() {
        while (!due.empty() && due.front().first <= Clock::now()) {
            std::error_code ec;
            socket.send_to(asio::buffer(due.front().second), target, 0, ec);
            record.forwarded.push_back(sequenceOf(due.front().second));
            due.pop_front();
        }
        arm();
        if (drained && due.empty()) {
            drained->set_value();
            drained.reset();
        }
    }
};

UdpImpairmentRelay::UdpImpairmentRelay(const std::string& address, std::uint16_t targetPort, Impairment impairment)
    : m_state(std::make_shared<State>()) {
    const auto ip = asio::ip::make_address(address);
    m_state->impairment = impairment;
    m_state->random.seed(impairment.seed);
    m_state->target = {ip, targetPort};
    m_state->socket.open(ip.is_v6() ? asio::ip::udp::v6() : asio::ip::udp::v4());
    m_state->socket.set_option(asio::socket_base::receive_buffer_size(4 << 20));
    m_state->socket.set_option(asio::socket_base::send_buffer_size(4 << 20));
    m_state->socket.bind({ip, 0});
    m_state->receive();
    m_state->runner.start();
}

UdpImpairmentRelay::~UdpImpairmentRelay() {
    asio::post(m_state->runner.io, [state = m_state] {
        std::error_code ignored;
        state->socket.close(ignored);
        state->timer.cancel();
    });
    m_state->runner.stop();
}

std::uint16_t UdpImpairmentRelay::port() const {
    return m_state->socket.local_endpoint().port();
}

std::uint64_t UdpImpairmentRelay::received() const {
    std::lock_guard lock(m_state->mutex);
    return m_state->record.received;
}

std::uint64_t UdpImpairmentRelay::forwardedCount() const {
    std::lock_guard lock(m_state->mutex);
    return m_state->record.forwarded.size();
}

UdpImpairmentRelay::Record UdpImpairmentRelay::finish() {
    auto drained = std::make_shared<std::promise<void>>();
    auto done = drained->get_future();
    asio::post(m_state->runner.io, [state = m_state, drained] {
        std::lock_guard lock(state->mutex);
        if (state->heldBack) {
            --state->record.reordered; // with nothing after it, a held-back datagram arrives in order after all
            state->schedule(std::move(*state->heldBack));
            state->heldBack.reset();
        }
        state->drained = drained;
        state->sendDue();
    });
    done.wait_for(std::chrono::seconds(10));
    std::lock_guard lock(m_state->mutex);
    return m_state->record;
}

// ---------------------------------------------------------------- TCP

namespace {

/// One direction of a relayed connection: read, cut into pieces, delay and write each piece in order.
struct Pump : std::enable_shared_from_this<Pump> {
    Pump(asio::ip::tcp::socket& from, asio::ip::tcp::socket& to, const Impairment& impairment, std::uint32_t seed,
         std::atomic<std::uint64_t>& pieces, std::shared_ptr<void> keepAlive)
        : from(from), to(to), timer(from.get_executor()), impairment(impairment), random(seed), pieces(pieces),
          keepAlive(std::move(keepAlive)) {}
    bool impaired = true; // false: forwards each read as it came, at once

    asio::ip::tcp::socket& from;
    asio::ip::tcp::socket& to;
    asio::steady_timer timer;
    const Impairment& impairment;
    std::mt19937 random;
    std::atomic<std::uint64_t>& pieces;
    std::shared_ptr<void> keepAlive; // the connection owning both sockets
    std::array<std::uint8_t, 65536> buffer{};
    std::size_t filled = 0;
    std::size_t written = 0;

    void read() {
        from.async_read_some(asio::buffer(buffer), [self = shared_from_this()](std::error_code ec, std::size_t n) {
            std::error_code ignored;
            if (ec) {
                if (ec == asio::error::eof) self->to.shutdown(asio::socket_base::shutdown_send, ignored);
                else self->closeBoth();
                return;
            }
            self->filled = n;
            self->written = 0;
            self->writeNextPiece();
        });
    }

    void writeNextPiece() {
        if (written == filled) return read();
        std::size_t size = filled - written;
        if (impaired && impairment.maxChunk > 0)
            size = std::min(size, std::uniform_int_distribution<std::size_t>(1, impairment.maxChunk)(random));
        timer.expires_after(impaired ? impairment.delay : std::chrono::microseconds(0));
        timer.async_wait([self = shared_from_this(), size](std::error_code ec) {
            if (ec) return;
            asio::async_write(self->to, asio::buffer(self->buffer.data() + self->written, size),
                              [self](std::error_code writeEc, std::size_t n) {
                                  if (writeEc) return self->closeBoth();
                                  self->written += n;
                                  ++self->pieces;
                                  self->writeNextPiece();
                              });
        });
    }

    void closeBoth() {
        std::error_code ignored;
        from.close(ignored);
        to.close(ignored);
    }
};

struct RelayedConnection {
    explicit RelayedConnection(asio::io_context& io) : client(io), server(io) {}
    asio::ip::tcp::socket client;
    asio::ip::tcp::socket server;
};

} // namespace

struct TcpImpairmentRelay::State : std::enable_shared_from_this<TcpImpairmentRelay::State> {
    RelayThread runner;
    asio::ip::tcp::acceptor acceptor{runner.io};
    asio::ip::tcp::endpoint target;
    Impairment impairment;
    std::atomic<std::uint64_t> pieces{0};
    std::uint32_t nextSeed = 0;
    std::vector<std::weak_ptr<RelayedConnection>> connections;

    void accept() {
        acceptor.async_accept([self = shared_from_this()](std::error_code ec, asio::ip::tcp::socket socket) {
            if (ec) return;
            auto connection = std::make_shared<RelayedConnection>(self->runner.io);
            connection->client = std::move(socket);
            std::error_code connectEc;
            connection->server.connect(self->target, connectEc);
            if (!connectEc) {
                self->connections.push_back(connection);
                auto towardsTarget = std::make_shared<Pump>(connection->client, connection->server, self->impairment,
                                                            self->impairment.seed + self->nextSeed++, self->pieces, connection);
                towardsTarget->impaired = self->impairment.towardsTarget;
                towardsTarget->read();
                std::make_shared<Pump>(connection->server, connection->client, self->impairment,
                                       self->impairment.seed + self->nextSeed++, self->pieces, connection)
                    ->read();
            }
            self->accept();
        });
    }
};

TcpImpairmentRelay::TcpImpairmentRelay(const std::string& address, std::uint16_t targetPort, Impairment impairment)
    : m_state(std::make_shared<State>()) {
    const auto ip = asio::ip::make_address(address);
    m_state->impairment = impairment;
    m_state->target = {ip, targetPort};
    m_state->acceptor.open(m_state->target.protocol());
    m_state->acceptor.bind({ip, 0});
    m_state->acceptor.listen();
    m_state->accept();
    m_state->runner.start();
}

TcpImpairmentRelay::~TcpImpairmentRelay() {
    asio::post(m_state->runner.io, [state = m_state] {
        std::error_code ignored;
        state->acceptor.close(ignored);
        for (auto& weak : state->connections)
            if (auto connection = weak.lock()) {
                connection->client.close(ignored);
                connection->server.close(ignored);
            }
    });
    m_state->runner.stop();
}

std::uint16_t TcpImpairmentRelay::port() const {
    return m_state->acceptor.local_endpoint().port();
}

std::uint64_t TcpImpairmentRelay::pieces() const {
    return m_state->pieces.load();
}

} // namespace socketeer::test
