// PayloadTemplate: DATA as the user writes it — text with escapes, or hex — with tokens resolved at each send:
// checksums over the bytes before them, length fields, a per-session counter, time, randomness. Parsed once, with
// column-accurate errors; resolved on whichever thread sends.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "socketeer/core/bytes.hpp"
#include "socketeer/core/codec/text_encoding.hpp"
#include "socketeer/core/parse_error.hpp"
#include "socketeer/core/payload/checksum.hpp"

namespace socketeer::core {

enum class PayloadSyntax : std::uint8_t {
    Text, ///< text with escapes (\r \n \t \0 \\ \xHH), encoded in the template's text encoding
    Hex,  ///< hex bytes ("01 03", "0103", "0x01,0x03")
};

/// What a send knows when its template is resolved.
struct SendContext {
    std::chrono::system_clock::time_point time = std::chrono::system_clock::now();
    std::string peer;              ///< {peer}: "ip:port" of the destination ("" when there is none yet)
    std::uint64_t messageNumber = 0; ///< {n}: a reply's message number from this peer; a send's number (its repeat, its run)
    /// {counter}: the session's next counter value; called once per resolve that needs it (nullptr: 1 every time).
    std::function<std::uint64_t()> nextCounter;
    /// {rand:N}: random bytes (nullptr: a per-thread generator seeded from the OS).
    std::function<void(std::span<std::uint8_t>)> randomBytes;
    /// {1}…{9}, {hex:1}…: a rule's captures from the message it matched (element 0 is capture 1).
    std::vector<ByteView> captures;
    /// {var:NAME}, {hex:NAME}: a sequence's variables (nullptr: none).
    const std::map<std::string, Bytes, std::less<>>* variables = nullptr;
};

/// Which tokens a template may hold beyond the send tokens: a rule's reply also has its matcher's captures; a
/// sequence's step has the captures of its last expect and its variables.
enum class TemplateTokens : std::uint8_t { Send, SendAndCaptures, SendCapturesAndVariables };

/// A fixed-width binary field: {len:u16be}, {counter:u32le}, {unix:u32be}.
struct FieldFormat {
    std::uint8_t width = 2;  ///< 1, 2, 4 or 8 bytes
    bool bigEndian = true;
    bool operator==(const FieldFormat&) const = default;
};

class PayloadTemplate {
public:
    /// One piece of the template, in order.
    struct Part {
        enum class Kind : std::uint8_t {
            Bytes,         ///< literal bytes
            Begin,         ///< {begin}: checksums after it cover only the bytes from here
            Checksum,      ///< {crc16/modbus} ...: over the message so far (or since {begin})
            Length,        ///< {len:FMT}: how many bytes follow the field, to the end of the message
            Counter,       ///< {counter:FMT}: the session's counter, one step per send
            UnixText,      ///< {unix}: seconds since 1970 as decimal text
            UnixBinary,    ///< {unix:FMT}
            Random,        ///< {rand:N}: N random bytes
            Time,          ///< {time}: "Mon Nov 23 10:00:00 2026", local time
            Peer,          ///< {peer}: "ip:port"
            MessageNumber, ///< {n}
            Capture,       ///< {1}…{9}: a rule's capture as its bytes; {hex:1}…{hex:9}: written as hex text
            Variable,      ///< {var:NAME}: a sequence's variable as its bytes; {hex:NAME}: written as hex text
        };
        Kind kind = Kind::Bytes;
        Bytes bytes;                ///< Bytes
        ChecksumKind checksum{};    ///< Checksum
        FieldFormat field;          ///< Length, Counter, UnixBinary
        std::size_t count = 0;      ///< Random; Capture: its number (1…9)
        bool asHexText = false;     ///< Capture: {hex:N}; Variable: {hex:NAME}
        std::string name;           ///< Variable
        std::size_t line = 1, column = 1; ///< where the token is in the source, for resolve errors
        bool operator==(const Part&) const = default;
    };

    /// Parses DATA. Errors name the problem and its place: "unknown token {crc99} at column 12 (tokens: ...)",
    /// "bad hex digit 'G' at column 5". "{{" is a literal '{'.
    static Parsed<PayloadTemplate> parse(std::string_view text, PayloadSyntax syntax,
                                         TextEncoding encoding = TextEncoding::Utf8,
                                         TemplateTokens tokens = TemplateTokens::Send);
    /// A template of fixed bytes, without tokens.
    static PayloadTemplate literal(Bytes bytes);
    /// Adds fixed bytes at the end (a line ending after what the user typed).
    void appendLiteral(ByteView bytes);

    /// Where a computed field lies in the resolved bytes (a checksum, a length, a counter...): the send pane's
    /// preview marks them.
    struct Span {
        std::size_t offset = 0;
        std::size_t size = 0;
        Part::Kind kind = Part::Kind::Bytes;
    };
    /// The bytes of one send (and, when asked, where its computed fields are). Fails only when a length does not
    /// fit its field: "{len:u8} at column 3: 300 bytes do not fit in 1 byte".
    [[nodiscard]] Parsed<Bytes> resolve(const SendContext& context, std::vector<Span>* computed = nullptr) const;

    /// Nothing at all: no bytes, no token.
    [[nodiscard]] bool empty() const { return m_parts.empty(); }
    /// DATA as it was written (for a literal: its bytes as text with escapes), to edit or save it again.
    [[nodiscard]] const std::string& source() const { return m_source; }
    [[nodiscard]] PayloadSyntax syntax() const { return m_syntax; }
    /// The same template spelled as text with escapes and tokens (parses back, as Text, to equal parts).
    [[nodiscard]] std::string asText() const;
    /// True when there is no token: every send is the same bytes.
    [[nodiscard]] bool isLiteral() const;
    /// True when it holds {counter}: each resolve takes one step of the session's counter.
    [[nodiscard]] bool usesCounter() const;
    /// The highest capture number it uses ({2} → 2; 0 for none).
    [[nodiscard]] std::size_t highestCapture() const;
    [[nodiscard]] const std::vector<Part>& parts() const { return m_parts; }
    bool operator==(const PayloadTemplate&) const = default;

private:
    std::vector<Part> m_parts;
    std::string m_source;
    PayloadSyntax m_syntax = PayloadSyntax::Text;
};

/// A sequence variable's name: a letter or '_', then letters, digits, '_', '-', '.'.
[[nodiscard]] bool isVariableName(std::string_view name);

/// Every token, for help texts and the "unknown token" message.
inline constexpr std::string_view PayloadTokenSyntax =
    "{crc16/modbus} {crc16/xmodem} {crc16/kermit} {crc16/ibm-3740} {crc32/iso-hdlc} {crc32/iscsi} {crc8/smbus} "
    "{xor8} {sum8} {lrc8} {begin} {len:FMT} {counter:FMT} {unix} {unix:FMT} {rand:N} {time} {peer} {n} {{ "
    "(rules' replies and sequences: {1}…{9} {hex:1}…; sequences: {var:NAME} {hex:NAME}) "
    "(FMT: u8 u16be u16le u32be u32le u64be u64le)";

} // namespace socketeer::core
