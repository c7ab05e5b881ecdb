// CaptureSink: writes every byte a session sends and receives to a file, on the I/O thread, before any display budget.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <variant>

#include "socketeer/core/capture/pcapng_recorder.hpp"
#include "socketeer/core/event/session_event.hpp"

namespace socketeer::core {

enum class CaptureFormat : std::uint8_t {
    Raw,     ///< the payload bytes only, back to back (one direction makes a byte-exact copy of the stream)
    Records, ///< per record a header line "# <ISO time> RX|TX <peer> conn=<id> size=<n>", the n bytes, then '\n';
             ///< connection events as "# <ISO time> <EVENT> <peer> <detail>" lines
    Pcapng,  ///< a pcapng file for Wireshark: synthesized Ethernet/IP/TCP|UDP packets, notices as comments
};

struct CaptureSpec {
    std::string path; ///< "-": standard output, flushed after every event (a pipe into `wireshark -k -i -`)
    CaptureFormat format = CaptureFormat::Records;
    bool captureRx = true;
    bool captureTx = true;
    bool overwrite = false; ///< without it an existing file is never replaced
};

class CaptureSink {
public:
    /// Opens the file; the error text names the path and the OS reason, or says the file exists.
    static std::variant<std::unique_ptr<CaptureSink>, std::string> open(const CaptureSpec& spec);
    ~CaptureSink();
    CaptureSink(const CaptureSink&) = delete;
    CaptureSink& operator=(const CaptureSink&) = delete;

    /// Records one event. Returns false once, on the first write error (disk full): the caller reports it. The
    /// messages of a framed stream are not written: their bytes were, as they were read (writeData).
    bool write(const SessionEvent& event);
    /// What the session is, from its worker when the capture starts there: pcapng synthesizes packets from it and
    /// writes its headers now (else at the first write, for a session seen as a TCP server). Returns false on a
    /// write error.
    bool begin(CaptureScene scene);
    /// Records bytes as they crossed the socket: what a framed session read, before it was cut into messages.
    bool writeData(std::int64_t timeUs, Direction direction, ConnectionId id, const Endpoint& peer, ByteView bytes);
    /// A TLS connection's records as they crossed the socket, and the key log lines that decrypt them: only pcapng
    /// keeps them (the other formats keep the plaintext).
    bool writeWire(std::int64_t timeUs, Direction direction, ConnectionId id, const Endpoint& peer, ByteView ciphertext);
    bool writeSecret(std::string_view keyLogLine);
    /// Flushes and closes; returns the error text if the final flush failed, else empty.
    std::string close();

    [[nodiscard]] const CaptureSpec& spec() const { return m_spec; }
    [[nodiscard]] std::uint64_t payloadBytesWritten() const { return m_payloadBytes; }
    [[nodiscard]] const std::string& errorText() const { return m_error; }

private:
    CaptureSink(CaptureSpec spec, std::FILE* file);
    bool put(const void* data, std::size_t size);
    bool putLine(const std::string& line);
    /// Standard output is read live: what one event wrote goes out before the next.
    bool flushIfLive();

    CaptureSpec m_spec;
    std::FILE* m_file = nullptr;
    std::unique_ptr<char[]> m_buffer;
    std::unique_ptr<PcapngRecorder> m_pcapng;
    bool m_live = false; ///< standard output
    std::uint64_t m_payloadBytes = 0;
    std::string m_error;
};

} // namespace socketeer::core
