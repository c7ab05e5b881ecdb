// Packet Sender's export → workspace: what comes across (bytes, target, protocol, repeat) and what is reported.
#include <gtest/gtest.h>

#include "socketeer/core/workspace/packet_sender_import.hpp"

namespace {

using namespace socketeer::core;

Bytes resolved(const SavedPayload& payload) { return payload.payload.resolve({}).value(); }

TEST(PacketSenderImport, APacketBecomesASavedPayloadSentThroughASessionForItsTarget) {
    const auto imported = importPacketSender(R"([
        {"name": "read", "hexstring": "00 01 00 00 00 06 01 03 00 00 00 0A", "toip": "10.0.0.7", "port": "502",
         "tcporudp": "TCP", "repeat": 0, "fromip": "You", "fromport": "0", "asciistring": "", "errorstring": "",
         "requestpath": "", "sendresponse": "0"},
        {"name": "ping", "hexstring": "70696E67", "toip": "::1", "port": 9000, "tcporudp": "udp", "repeat": "0.25"},
        {"name": "again", "hexstring": "41", "toip": "10.0.0.7", "port": "502", "tcporudp": "TCP", "repeat": 1}
    ])");
    ASSERT_TRUE(imported) << imported.error().describe();
    const auto& result = imported.value();
    EXPECT_EQ(result.packetsRead, 3u);
    EXPECT_TRUE(result.notes.empty()) << result.notes.front();
    ASSERT_EQ(result.workspace.sessions.size(), 2u) << "one session per protocol, host and port";
    const SessionSpec& tcp = result.workspace.sessions[0];
    EXPECT_EQ(tcp.name, "TCP 10.0.0.7:502");
    EXPECT_EQ(tcp.kind, SessionKind::TcpClient);
    EXPECT_EQ(tcp.tcpClient.host, "10.0.0.7");
    EXPECT_EQ(tcp.tcpClient.port, 502);
    EXPECT_FALSE(tcp.openOnLoad) << "loading never connects to a device by itself";
    const SessionSpec& udp = result.workspace.sessions[1];
    EXPECT_EQ(udp.name, "UDP [::1]:9000");
    EXPECT_EQ(udp.kind, SessionKind::Udp);
    EXPECT_EQ(udp.udp.remoteHost, "::1");
    EXPECT_EQ(udp.udp.remotePort, 9000);
    ASSERT_EQ(result.workspace.payloads.size(), 3u);
    EXPECT_EQ(result.workspace.payloads[0].name, "read");
    EXPECT_EQ(resolved(result.workspace.payloads[0]), (Bytes{0, 1, 0, 0, 0, 6, 1, 3, 0, 0, 0, 0x0a}));
    EXPECT_TRUE(result.workspace.payloads[0].showAsHex);
    EXPECT_EQ(result.workspace.payloads[0].session, "TCP 10.0.0.7:502");
    EXPECT_EQ(result.workspace.payloads[0].repeatIntervalMs, 0u);
    EXPECT_EQ(resolved(result.workspace.payloads[1]), toBytes("ping"));
    EXPECT_FALSE(result.workspace.payloads[1].showAsHex);
    EXPECT_EQ(result.workspace.payloads[1].repeatIntervalMs, 250u) << "repeat is seconds, as text or a number";
    EXPECT_EQ(result.workspace.payloads[2].session, "TCP 10.0.0.7:502");
    EXPECT_EQ(result.workspace.payloads[2].repeatIntervalMs, 1000u);

    // The workspace saves and loads again with the new fields.
    const auto reloaded = parseWorkspace(serializeWorkspace(result.workspace));
    ASSERT_TRUE(reloaded) << reloaded.error().describe();
    EXPECT_EQ(reloaded.value().payloads[1].session, "UDP [::1]:9000");
    EXPECT_EQ(reloaded.value().payloads[1].repeatIntervalMs, 250u);
}

TEST(PacketSenderImport, WhatCannotComeAcrossIsLeftOutWithAReasonAndTheRestStillDoes) {
    const auto imported = importPacketSender(R"([
        {"name": "web", "hexstring": "", "toip": "h", "port": "80", "tcporudp": "HTTPS Post", "requestpath": "/a"},
        {"name": "dtls", "hexstring": "01", "toip": "h", "port": "5684", "tcporudp": "DTLS"},
        {"name": "bad", "hexstring": "01 0G", "toip": "h", "port": "1", "tcporudp": "TCP"},
        {"name": "noport", "hexstring": "01", "toip": "h", "port": "70000", "tcporudp": "TCP"},
        {"name": "nohost", "hexstring": "01", "port": "1", "tcporudp": "TCP"},
        {"name": "empty", "hexstring": "", "toip": "h", "port": "1", "tcporudp": "TCP"},
        {"name": "slow", "hexstring": "01", "toip": "h", "port": "1", "tcporudp": "SSL", "repeat": "soon", "colour": 1},
        {"name": "slow", "hexstring": "02", "toip": "h", "port": "1", "tcporudp": "SSL"},
        {"hexstring": "03", "toip": "h", "port": "1", "tcporudp": "SSL"},
        7
    ])");
    ASSERT_TRUE(imported) << imported.error().describe();
    const auto& result = imported.value();
    EXPECT_EQ(result.packetsRead, 9u);
    ASSERT_EQ(result.workspace.payloads.size(), 3u);
    EXPECT_EQ(result.workspace.payloads[1].name, "slow (2)");
    EXPECT_EQ(result.workspace.payloads[2].name, "packet 9");
    ASSERT_EQ(result.workspace.sessions.size(), 1u);
    EXPECT_TRUE(result.workspace.sessions[0].tcpClient.tls.enabled) << "SSL is TLS";
    EXPECT_EQ(result.notes, (std::vector<std::string>{
        "packet 'web' (#1): an HTTPS Post request (Socketeer sends bytes, not HTTP requests), left out",
        "packet 'dtls' (#2): its protocol 'DTLS' is not TCP, UDP or SSL, left out",
        "packet 'bad' (#3): its hexstring has bad hex digit 'G' at column 5, left out",
        "packet 'noport' (#4): port '70000' is out of range (0-65535), left out",
        "packet 'nohost' (#5): it names no target address (toip), left out",
        "packet 'empty' (#6): it holds no bytes, left out",
        "field 'colour' is not one Packet Sender writes: ignored",
        "packet 'slow' (#7): repeat 'soon' is not a number of seconds up to a day; sent once",
        "session 'TLS h:1': SSL became TLS with the server's certificate verified; a device with a self-signed one "
        "needs its CA or verification turned off",
        "packet 'slow' (#8): another packet has its name; renamed 'slow (2)'",
        "packet #9: it has no name; named 'packet 9'",
        "packet #10: not an object, left out"}));
}

TEST(PacketSenderImport, AFileThatIsNotAnExportIsRefusedSayingWhere) {
    const auto notJson = importPacketSender("[\n  {\"name\": \"x\",\n  oops}]");
    ASSERT_FALSE(notJson);
    EXPECT_EQ(notJson.error().describe().rfind("invalid JSON: ", 0), 0u) << notJson.error().describe();
    EXPECT_EQ(notJson.error().line, 3u) << notJson.error().describe();
    const auto notList = importPacketSender(R"({"name": "x"})");
    ASSERT_FALSE(notList);
    EXPECT_EQ(notList.error().describe(), "a Packet Sender export is a JSON list of packets; this file holds a JSON object");
    // Found by fuzzing: a number no double holds; and nesting that would exhaust a recursive parser's stack.
    const auto huge = importPacketSender(R"([{"name": "x", "repeat": 4e444}])");
    ASSERT_FALSE(huge);
    EXPECT_EQ(huge.error().describe().rfind("invalid JSON: ", 0), 0u) << huge.error().describe();
    const auto deep = importPacketSender(std::string(100, '['));
    ASSERT_FALSE(deep);
    EXPECT_EQ(deep.error().describe(), "nesting deeper than 32 levels at column 33");
    const auto missing = importPacketSenderFile("/nonexistent/packets.json");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().describe().rfind("cannot read Packet Sender export '/nonexistent/packets.json'", 0), 0u)
        << missing.error().describe();
}

TEST(PacketSenderImport, AWorkspacePayloadNamingNoSessionIsRefused) {
    Workspace workspace;
    SavedPayload payload;
    payload.name = "p";
    payload.payload = PayloadTemplate::literal(toBytes("x"));
    payload.session = "gone";
    workspace.payloads.push_back(payload);
    const auto parsed = parseWorkspace(serializeWorkspace(workspace));
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().describe(), "payloads[0].session: no session is named 'gone'");
}

} // namespace
