// How history records are written out as text: the row header the receive pane shows, and the Copy / Save export.
#pragma once

#include <cstddef>
#include <string>

#include "receive_view.hpp"
#include "socketeer/core/codec/text_encoding.hpp"
#include "socketeer/core/history/session_history.hpp"

namespace socketeer::app {

/// " [partial]", " [checksum bad]"…: a framed message that did not end as its framing defines, or failed its
/// checksum, says so where its row begins; "" for a whole, good message.
std::string frameMark(const core::HistoryRecord& record);

/// "12:00:01.234 RX 127.0.0.1:5000 [partial]": the head of a record's first row.
std::string recordHeader(const core::HistoryRecord& record);

/// The records `view` matches, each as an ISO-timestamped header line then its bytes as text (escaped in
/// `encoding`) or a hex dump; stops once `limit` bytes are written.
std::string exportMatchedRecords(const core::SessionHistory& history, const ReceiveView& view, bool hex,
                                 core::TextEncoding encoding, std::size_t limit);

} // namespace socketeer::app
