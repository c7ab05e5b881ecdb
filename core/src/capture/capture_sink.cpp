// CaptureSink: buffered, lossless capture of a session's traffic.
#include "socketeer/core/capture/capture_sink.hpp"

#include <cerrno>
#include <cstring>

#include "socketeer/core/file_output.hpp"

namespace socketeer::core {
namespace {

constexpr std::size_t CaptureBufferSize = 1u << 20;

std::string eventLine(const SessionEvent& event) {
    const std::string time = formatIsoTimeUs(event.timeUs);
    return std::visit(
        [&](const auto& body) -> std::string {
            using T = std::decay_t<decltype(body)>;
            if constexpr (std::is_same_v<T, EventOpened>) {
                return "# " + time + " OPENED " + body.local.toString() + "\n";
            } else if constexpr (std::is_same_v<T, EventConnected>) {
                return "# " + time + " CONNECTED " + body.remote.toString() + " conn=" + std::to_string(body.id) + "\n";
            } else if constexpr (std::is_same_v<T, EventAccepted>) {
                return "# " + time + " ACCEPTED " + body.remote.toString() + " conn=" + std::to_string(body.id) + "\n";
            } else if constexpr (std::is_same_v<T, EventClosed>) {
                return "# " + time + " CLOSED " + body.peer.toString() + " conn=" + std::to_string(body.id) + " " +
                       std::string(closeReasonName(body.reason)) + "\n";
            } else if constexpr (std::is_same_v<T, EventError>) {
                return "# " + time + " ERROR " + body.message + "\n";
            } else if constexpr (std::is_same_v<T, EventTlsEstablished>) {
                return "# " + time + " TLS " + body.peer.toString() + " conn=" + std::to_string(body.id) + " " +
                       body.tls.protocol + " " + body.tls.cipher + (body.tls.alpn.empty() ? "" : " alpn=" + body.tls.alpn) + "\n";
            } else {
                return {};
            }
        },
        event.body);
}

} // namespace

std::variant<std::unique_ptr<CaptureSink>, std::string> CaptureSink::open(const CaptureSpec& spec) {
    std::FILE* file = nullptr;
    if (spec.path == "-") {
        file = stdout; // the CLI put it in binary mode on Windows
    } else {
        // A file created meanwhile is never replaced without consent: the check is part of the creation.
        file = openForWriting(spec.path, spec.overwrite);
        if (!file && errno == EEXIST)
            return "capture file '" + spec.path + "' already exists (choose another name or allow overwriting)";
        if (!file) return "cannot open capture file '" + spec.path + "': " + std::strerror(errno);
    }
    return std::unique_ptr<CaptureSink>(new CaptureSink(spec, file));
}

bool CaptureSink::begin(CaptureScene scene) {
    if (m_spec.format != CaptureFormat::Pcapng || m_pcapng || !m_error.empty()) return m_error.empty();
    m_pcapng = std::make_unique<PcapngRecorder>([this](ByteView bytes) { return put(bytes.data(), bytes.size()); },
                                                std::move(scene));
    return m_pcapng->start(nowUs()) && flushIfLive();
}

CaptureSink::CaptureSink(CaptureSpec spec, std::FILE* file)
    : m_spec(std::move(spec)), m_file(file), m_buffer(new char[CaptureBufferSize]), m_live(file == stdout) {
    if (!m_live) std::setvbuf(m_file, m_buffer.get(), _IOFBF, CaptureBufferSize);
}

bool CaptureSink::flushIfLive() {
    if (!m_live || !m_error.empty()) return m_error.empty();
    if (std::fflush(m_file) != 0) {
        m_error = "writing the capture to standard output failed: " + std::string(std::strerror(errno));
        return false;
    }
    return true;
}

CaptureSink::~CaptureSink() { close(); }

bool CaptureSink::put(const void* data, std::size_t size) {
    if (!m_error.empty() || !m_file) return false;
    if (size != 0 && std::fwrite(data, 1, size, m_file) != size) {
        m_error = (m_live ? std::string("writing the capture to standard output") : "writing capture file '" + m_spec.path + "'") +
                  " failed: " + std::strerror(errno);
        return false;
    }
    return true;
}

bool CaptureSink::putLine(const std::string& line) { return put(line.data(), line.size()); }

bool CaptureSink::write(const SessionEvent& event) {
    if (!m_error.empty()) return true; // already reported
    if (m_spec.format == CaptureFormat::Pcapng) {
        if (!m_pcapng && !begin({})) return false;
        if (const auto* data = std::get_if<EventData>(&event.body); data && data->frame == FrameStatus::Unframed && data->bytes) {
            const bool wanted = data->direction == Direction::Rx ? m_spec.captureRx : m_spec.captureTx;
            if (!wanted) return true;
            m_payloadBytes += data->bytes->size();
        }
        return m_pcapng->record(event) && flushIfLive();
    }
    if (const auto* data = std::get_if<EventData>(&event.body)) {
        if (data->frame != FrameStatus::Unframed || !data->bytes) return true; // a message: written as it was read
        return writeData(event.timeUs, data->direction, data->id, data->peer, *data->bytes);
    }
    if (m_spec.format == CaptureFormat::Records) {
        std::string line = eventLine(event);
        if (!line.empty() && !putLine(line)) return false;
    }
    return true;
}

bool CaptureSink::writeData(std::int64_t timeUs, Direction direction, ConnectionId id, const Endpoint& peer, ByteView bytes) {
    if (!m_error.empty()) return true; // already reported
    const bool wanted = direction == Direction::Rx ? m_spec.captureRx : m_spec.captureTx;
    if (!wanted) return true;
    if (m_spec.format == CaptureFormat::Pcapng) {
        if (!m_pcapng && !begin({})) return false;
        m_payloadBytes += bytes.size();
        return m_pcapng->recordData(timeUs, direction, id, peer, bytes) && flushIfLive();
    }
    if (m_spec.format == CaptureFormat::Records) {
        std::string header = "# " + formatIsoTimeUs(timeUs) + (direction == Direction::Rx ? " RX " : " TX ") +
                             peer.toString() + " conn=" + std::to_string(id) + " size=" + std::to_string(bytes.size()) + "\n";
        if (!putLine(header) || !put(bytes.data(), bytes.size()) || !put("\n", 1)) return false;
    } else if (!put(bytes.data(), bytes.size())) {
        return false;
    }
    m_payloadBytes += bytes.size();
    return true;
}

bool CaptureSink::writeWire(std::int64_t timeUs, Direction direction, ConnectionId id, const Endpoint& peer,
                            ByteView ciphertext) {
    if (!m_error.empty() || m_spec.format != CaptureFormat::Pcapng) return true;
    const bool wanted = direction == Direction::Rx ? m_spec.captureRx : m_spec.captureTx;
    if (!wanted) return true;
    if (!m_pcapng && !begin({})) return false;
    return m_pcapng->recordWire(timeUs, direction, id, peer, ciphertext) && flushIfLive();
}

bool CaptureSink::writeSecret(std::string_view keyLogLine) {
    if (!m_error.empty() || m_spec.format != CaptureFormat::Pcapng) return true;
    if (!m_pcapng && !begin({})) return false;
    return m_pcapng->recordSecret(keyLogLine) && flushIfLive();
}

std::string CaptureSink::close() {
    if (!m_file) return {};
    if (m_live) {
        if (std::fflush(m_file) != 0 && m_error.empty())
            m_error = "writing the capture to standard output failed: " + std::string(std::strerror(errno));
    } else if (std::fclose(m_file) != 0 && m_error.empty()) {
        m_error = "closing capture file '" + m_spec.path + "' failed: " + std::strerror(errno);
    }
    m_file = nullptr;
    return m_error;
}

} // namespace socketeer::core
