// ReceiveView on its own: which records each filter lets through, the rows each view mode makes of a record, pause,
// and keeping up with a history that evicts or clears. Records are appended to a real SessionHistory.
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "receive_view.hpp"

using namespace socketeer;
using namespace socketeer::core;
using app::DirectionFilter;
using app::ReceiveFilter;
using app::ReceiveRow;
using app::ReceiveView;
using app::ViewMode;

namespace {

const Endpoint PeerA{"127.0.0.1", 5000};
const Endpoint PeerB{"10.0.0.2", 6000};

void append(SessionHistory& history, Direction direction, std::string_view text, const Endpoint& peer = PeerA) {
    history.append(0, direction, 1, peer, toBytes(text));
}

/// The records the view shows, in row order, each once.
std::vector<std::uint64_t> shownSequences(const ReceiveView& view) {
    std::vector<std::uint64_t> sequences;
    for (std::size_t i = 0; i < view.rowCount(); ++i)
        if (sequences.empty() || sequences.back() != view.row(i).sequence) sequences.push_back(view.row(i).sequence);
    return sequences;
}

/// A row as plain values, so a whole layout compares (and prints) in one assertion.
struct Row {
    ReceiveRow::Kind kind;
    std::uint64_t sequence;
    std::uint32_t offset;
    std::uint32_t length;
    bool firstOfRecord;
    bool operator==(const Row&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Row& row) {
    const char* kind = row.kind == ReceiveRow::Kind::Header ? "Header" : row.kind == ReceiveRow::Kind::Text ? "Text" : "Hex";
    return out << "{" << kind << " #" << row.sequence << " @" << row.offset << " +" << row.length
               << (row.firstOfRecord ? " first" : "") << "}";
}

std::vector<Row> rowsOf(const ReceiveView& view) {
    std::vector<Row> rows;
    for (std::size_t i = 0; i < view.rowCount(); ++i) {
        const ReceiveRow& r = view.row(i);
        rows.push_back({r.kind, r.sequence, r.offset, r.length, r.firstOfRecord});
    }
    return rows;
}

constexpr auto Header = ReceiveRow::Kind::Header, Text = ReceiveRow::Kind::Text, Hex = ReceiveRow::Kind::Hex;

/// Four records: #0 Rx "alpha" from A, #1 Tx "beta" to A, #2 Rx "gamma\x01\x02" from B, #3 Tx "delta" to B.
class ReceiveViewFilter : public ::testing::Test {
protected:
    ReceiveViewFilter() {
        append(history, Direction::Rx, "alpha", PeerA);
        append(history, Direction::Tx, "beta", PeerA);
        append(history, Direction::Rx, std::string_view("gamma\x01\x02", 7), PeerB);
        append(history, Direction::Tx, "delta", PeerB);
    }
    std::vector<std::uint64_t> shownWith(const ReceiveFilter& filter) {
        view.setFilter(filter);
        view.sync(history);
        return shownSequences(view);
    }
    SessionHistory history;
    ReceiveView view;
};

} // namespace

// ---- filters ----

TEST_F(ReceiveViewFilter, NoFilterShowsEveryRecordInOrder) {
    view.sync(history);
    EXPECT_EQ(shownSequences(view), (std::vector<std::uint64_t>{0, 1, 2, 3}));
    EXPECT_EQ(view.matchedRecords(), 4u);
}

TEST_F(ReceiveViewFilter, ShowSentOffHidesWhatWasSent) {
    view.setShowSent(false);
    view.sync(history);
    EXPECT_EQ(shownSequences(view), (std::vector<std::uint64_t>{0, 2}));
    EXPECT_EQ(view.matchedRecords(), 2u);
    view.setShowSent(true); // switching back rebuilds with the sent records in place
    view.sync(history);
    EXPECT_EQ(shownSequences(view), (std::vector<std::uint64_t>{0, 1, 2, 3}));
}

TEST_F(ReceiveViewFilter, DirectionReceivedOnlyHidesSentRecords) {
    ReceiveFilter filter;
    filter.direction = DirectionFilter::Received;
    EXPECT_EQ(shownWith(filter), (std::vector<std::uint64_t>{0, 2}));
    EXPECT_EQ(view.matchedRecords(), 2u);
}

TEST_F(ReceiveViewFilter, DirectionSentOnlyHidesReceivedRecords) {
    ReceiveFilter filter;
    filter.direction = DirectionFilter::Sent;
    EXPECT_EQ(shownWith(filter), (std::vector<std::uint64_t>{1, 3}));
    EXPECT_EQ(view.matchedRecords(), 2u);
}

TEST_F(ReceiveViewFilter, DirectionBothShowsBothDirections) {
    ReceiveFilter filter;
    filter.direction = DirectionFilter::Sent;
    shownWith(filter);
    filter.direction = DirectionFilter::All; // back from "sent only": a rebuild, not what was left
    EXPECT_EQ(shownWith(filter), (std::vector<std::uint64_t>{0, 1, 2, 3}));
}

TEST_F(ReceiveViewFilter, SentOnlyWithShowSentOffShowsNothing) {
    view.setShowSent(false); // the switch hides sent records whatever the direction filter says
    ReceiveFilter filter;
    filter.direction = DirectionFilter::Sent;
    EXPECT_TRUE(shownWith(filter).empty());
    EXPECT_EQ(view.rowCount(), 0u);
}

TEST_F(ReceiveViewFilter, PeerFilterIsASubstringOfIpColonPort) {
    ReceiveFilter filter;
    filter.peer = "10.0.0.2";
    EXPECT_EQ(shownWith(filter), (std::vector<std::uint64_t>{2, 3}));
    filter.peer = ":5000";
    EXPECT_EQ(shownWith(filter), (std::vector<std::uint64_t>{0, 1}));
    filter.peer = "192.168.";
    EXPECT_TRUE(shownWith(filter).empty());
}

TEST_F(ReceiveViewFilter, TextFilterMatchesBytesAnywhereInTheRecord) {
    ReceiveFilter filter;
    filter.text = "lt";
    EXPECT_EQ(shownWith(filter), (std::vector<std::uint64_t>{3}));
    filter.text = "ph";
    EXPECT_EQ(shownWith(filter), (std::vector<std::uint64_t>{0}));
    filter.text = "ALPHA"; // bytes, so case counts
    EXPECT_TRUE(shownWith(filter).empty());
}

TEST_F(ReceiveViewFilter, HexPatternMatchesAByteSequenceInOrder) {
    ReceiveFilter filter;
    filter.hexPattern = {0x01, 0x02};
    EXPECT_EQ(shownWith(filter), (std::vector<std::uint64_t>{2}));
    filter.hexPattern = {0x02, 0x01};
    EXPECT_TRUE(shownWith(filter).empty());
    filter.hexPattern = {'e', 't'}; // "beta"
    EXPECT_EQ(shownWith(filter), (std::vector<std::uint64_t>{1}));
}

TEST_F(ReceiveViewFilter, FiltersCombine) {
    ReceiveFilter filter;
    filter.text = "a";
    filter.peer = "10.0.0.2";
    filter.direction = DirectionFilter::Received;
    EXPECT_EQ(shownWith(filter), (std::vector<std::uint64_t>{2}));
    EXPECT_EQ(view.matchedRecords(), 1u);
}

TEST_F(ReceiveViewFilter, MatchesAnswersForOneRecord) {
    view.setFilter(ReceiveFilter{"", {}, "", DirectionFilter::Received});
    EXPECT_TRUE(view.matches(history.at(0)));
    EXPECT_FALSE(view.matches(history.at(1)));
}

// ---- view modes ----

TEST(ReceiveViewMode, TextSplitsAtLineFeedsKeepingThemAtTheEndOfTheirRow) {
    SessionHistory history;
    append(history, Direction::Rx, "one\ntwo\n\nthree");
    ReceiveView view;
    view.sync(history);
    EXPECT_EQ(view.mode(), ViewMode::Text);
    EXPECT_EQ(rowsOf(view), (std::vector<Row>{{Text, 0, 0, 4, true}, {Text, 0, 4, 4, false}, {Text, 0, 8, 1, false},
                                              {Text, 0, 9, 5, false}}));
}

TEST(ReceiveViewMode, TextEndingInALineFeedHasNoEmptyLastRow) {
    SessionHistory history;
    append(history, Direction::Rx, "ab\n");
    append(history, Direction::Rx, "");
    ReceiveView view;
    view.sync(history);
    // An empty record still shows, as one empty row.
    EXPECT_EQ(rowsOf(view), (std::vector<Row>{{Text, 0, 0, 3, true}, {Text, 1, 0, 0, true}}));
}

TEST(ReceiveViewMode, TextWrapsLongLinesEveryTextRowBytes) {
    static_assert(ReceiveView::TextRowBytes == 256);
    SessionHistory history;
    append(history, Direction::Rx, std::string(600, 'x'));
    std::string withBreak(300, 'y');
    withBreak[9] = '\n';
    append(history, Direction::Rx, withBreak);
    ReceiveView view;
    view.sync(history);
    EXPECT_EQ(rowsOf(view), (std::vector<Row>{{Text, 0, 0, 256, true}, {Text, 0, 256, 256, false},
                                              {Text, 0, 512, 88, false}, {Text, 1, 0, 10, true},
                                              {Text, 1, 10, 256, false}, {Text, 1, 266, 34, false}}));
}

TEST(ReceiveViewMode, HexIsAHeaderAndRowsOfSixteenBytes) {
    static_assert(ReceiveView::HexRowBytes == 16);
    SessionHistory history;
    std::string forty(40, 'z');
    forty[3] = '\n'; // no text rows in hex mode, line feeds or not
    append(history, Direction::Rx, forty);
    append(history, Direction::Tx, std::string(32, 'w'));
    append(history, Direction::Rx, "");
    ReceiveView view;
    view.setMode(ViewMode::Hex);
    view.sync(history);
    EXPECT_EQ(rowsOf(view), (std::vector<Row>{{Header, 0, 0, 40, true}, {Hex, 0, 0, 16, false}, {Hex, 0, 16, 16, false},
                                              {Hex, 0, 32, 8, false}, {Header, 1, 0, 32, true}, {Hex, 1, 0, 16, false},
                                              {Hex, 1, 16, 16, false}, {Header, 2, 0, 0, true}}));
}

TEST(ReceiveViewMode, BothIsAHeaderThenTextRowsThenHexRows) {
    SessionHistory history;
    append(history, Direction::Rx, "abcd\nefghijklmnopqrs"); // 20 bytes, a line feed at 4
    ReceiveView view;
    view.setMode(ViewMode::Both);
    view.sync(history);
    EXPECT_EQ(rowsOf(view), (std::vector<Row>{{Header, 0, 0, 20, true}, {Text, 0, 0, 5, false}, {Text, 0, 5, 15, false},
                                              {Hex, 0, 0, 16, false}, {Hex, 0, 16, 4, false}}));
    EXPECT_EQ(view.matchedRecords(), 1u);
}

TEST(ReceiveViewMode, ChangingModeRebuildsTheRows) {
    SessionHistory history;
    append(history, Direction::Rx, "hello\n");
    ReceiveView view;
    view.sync(history);
    ASSERT_EQ(rowsOf(view), (std::vector<Row>{{Text, 0, 0, 6, true}}));
    view.setMode(ViewMode::Hex);
    view.sync(history);
    EXPECT_EQ(rowsOf(view), (std::vector<Row>{{Header, 0, 0, 6, true}, {Hex, 0, 0, 6, false}}));
    view.setMode(ViewMode::Text);
    view.sync(history);
    EXPECT_EQ(rowsOf(view), (std::vector<Row>{{Text, 0, 0, 6, true}}));
    EXPECT_EQ(view.matchedRecords(), 1u);
}

// ---- sync: new records, pause, eviction ----

TEST(ReceiveViewSync, IndexesOnlyRecordsNewSinceTheLastSync) {
    SessionHistory history;
    ReceiveView view;
    append(history, Direction::Rx, "a");
    view.sync(history);
    view.sync(history); // nothing new: nothing added twice
    append(history, Direction::Rx, "b");
    view.sync(history);
    EXPECT_EQ(rowsOf(view), (std::vector<Row>{{Text, 0, 0, 1, true}, {Text, 1, 0, 1, true}}));
    EXPECT_EQ(view.matchedRecords(), 2u);
}

TEST(ReceiveViewSync, PausedCountsArrivalsAndShowsThemAfterResume) {
    SessionHistory history;
    ReceiveView view;
    append(history, Direction::Rx, "seen");
    view.sync(history);
    view.setPaused(true);
    EXPECT_TRUE(view.paused());
    append(history, Direction::Rx, "abc");
    append(history, Direction::Tx, "defg");
    view.sync(history);
    view.sync(history); // counted once, however often the pane syncs
    EXPECT_EQ(view.arrivedWhilePausedRecords(), 2u);
    EXPECT_EQ(view.arrivedWhilePausedBytes(), 7u);
    EXPECT_EQ(shownSequences(view), (std::vector<std::uint64_t>{0}));
    append(history, Direction::Rx, "hijkl");
    view.sync(history);
    EXPECT_EQ(view.arrivedWhilePausedRecords(), 3u);
    EXPECT_EQ(view.arrivedWhilePausedBytes(), 12u);
    EXPECT_EQ(view.matchedRecords(), 1u);

    view.setPaused(false);
    EXPECT_EQ(view.arrivedWhilePausedRecords(), 0u);
    EXPECT_EQ(view.arrivedWhilePausedBytes(), 0u);
    view.sync(history);
    EXPECT_EQ(shownSequences(view), (std::vector<std::uint64_t>{0, 1, 2, 3}));
    EXPECT_EQ(view.matchedRecords(), 4u);
}

TEST(ReceiveViewSync, PausedCountsEveryArrivalEvenOnesTheFilterHides) {
    SessionHistory history;
    ReceiveView view;
    view.setShowSent(false);
    view.setPaused(true);
    append(history, Direction::Tx, "hidden");
    append(history, Direction::Rx, "shown");
    view.sync(history);
    EXPECT_EQ(view.arrivedWhilePausedRecords(), 2u);
    EXPECT_EQ(view.arrivedWhilePausedBytes(), 11u);
    view.setPaused(false);
    view.sync(history);
    EXPECT_EQ(shownSequences(view), (std::vector<std::uint64_t>{1}));
}

TEST(ReceiveViewSync, RowsOfEvictedRecordsAreForgotten) {
    SessionHistory history(4096); // the smallest budget: a few 1000-byte records per chunk
    ReceiveView view;
    view.setMode(ViewMode::Both); // several rows per record, all of which must go together
    std::uint64_t appended = 0;
    for (; appended < 3; ++appended) append(history, Direction::Rx, std::string(1000, 'a'));
    view.sync(history);
    ASSERT_EQ(history.firstSequence(), 0u);
    ASSERT_EQ(view.matchedRecords(), 3u);
    for (; history.firstSequence() == 0 && appended < 100; ++appended) append(history, Direction::Rx, std::string(1000, 'b'));
    ASSERT_GT(history.firstSequence(), 0u) << "the history never evicted";
    view.sync(history);
    EXPECT_EQ(view.matchedRecords(), history.size());
    ASSERT_GT(view.rowCount(), 0u);
    EXPECT_EQ(view.row(0).sequence, history.firstSequence());
    EXPECT_EQ(view.row(0).kind, Header);
    std::vector<std::uint64_t> expected;
    for (std::uint64_t s = history.firstSequence(); s < history.totalRecords(); ++s) expected.push_back(s);
    EXPECT_EQ(shownSequences(view), expected);
    // 1000 bytes in both mode: a header, 4 text rows (256 * 3 + 232), 63 hex rows (16 * 62 + 8).
    EXPECT_EQ(view.rowCount(), history.size() * (1 + 4 + 63));
}

TEST(ReceiveViewSync, RecordsEvictedBeforeTheyWereEverShownAreSkipped) {
    SessionHistory history(4096);
    ReceiveView view;
    view.sync(history); // an empty first sync
    for (int i = 0; history.firstSequence() == 0 && i < 100; ++i) append(history, Direction::Rx, std::string(1000, 'c'));
    ASSERT_GT(history.firstSequence(), 0u);
    view.sync(history);
    EXPECT_EQ(view.matchedRecords(), history.size());
    ASSERT_GT(view.rowCount(), 0u);
    EXPECT_EQ(view.row(0).sequence, history.firstSequence());
}

TEST(ReceiveViewSync, ClearedHistoryEmptiesTheViewAndNumberingGoesOn) {
    SessionHistory history;
    ReceiveView view;
    append(history, Direction::Rx, "one");
    append(history, Direction::Rx, "two");
    view.sync(history);
    ASSERT_EQ(view.rowCount(), 2u);
    history.clear();
    view.sync(history);
    EXPECT_EQ(view.rowCount(), 0u);
    EXPECT_EQ(view.matchedRecords(), 0u);
    append(history, Direction::Rx, "three");
    view.sync(history);
    EXPECT_EQ(rowsOf(view), (std::vector<Row>{{Text, 2, 0, 5, true}}));
    EXPECT_EQ(view.matchedRecords(), 1u);
}

// A filter change while paused rebuilds the rows that were on screen at the pause (they do not vanish) and counts
// each arrival once (a rebuild once restarted the count at the history's first record: 2 arrivals read as 4).
TEST(ReceiveViewSync, FilterChangeWhilePausedKeepsTheArrivalCount) {
    SessionHistory history;
    ReceiveView view;
    append(history, Direction::Rx, "a");
    append(history, Direction::Rx, "b");
    view.sync(history);
    view.setPaused(true);
    append(history, Direction::Rx, "c");
    append(history, Direction::Rx, "d");
    view.sync(history);
    ASSERT_EQ(view.arrivedWhilePausedRecords(), 2u);
    view.setShowSent(false);
    view.sync(history);
    EXPECT_EQ(view.arrivedWhilePausedRecords(), 2u);
    EXPECT_EQ(view.arrivedWhilePausedBytes(), 2u);
    EXPECT_EQ(view.matchedRecords(), 2u) << "the rows shown at the pause stay shown";
    view.setPaused(false);
    view.sync(history);
    EXPECT_EQ(view.matchedRecords(), 4u);
}

// Eviction while paused must not move the arrival count forward past records that arrived after it.
TEST(ReceiveViewSync, EvictionWhilePausedStillCountsEveryArrival) {
    SessionHistory history(4096);
    ReceiveView view;
    view.sync(history);
    view.setPaused(true);
    std::uint64_t appended = 0;
    for (; history.firstSequence() == 0 && appended < 100; ++appended) {
        append(history, Direction::Rx, std::string(1000, 'd'));
        view.sync(history);
    }
    ASSERT_GT(history.firstSequence(), 0u);
    append(history, Direction::Rx, std::string(1000, 'e'));
    ++appended;
    view.sync(history);
    EXPECT_EQ(view.arrivedWhilePausedRecords(), appended);
    EXPECT_EQ(view.arrivedWhilePausedBytes(), appended * 1000);
}
