// VectorFifo: a first-in first-out queue on a vector. Nothing is allocated until the first push (an empty std::deque
// allocates about 600 bytes, and a server holds thousands of connections whose write queues are empty); pushes and
// pops are amortised O(1); the queued items are contiguous, as a gathered write wants them.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace socketeer::core {

template <class T>
class VectorFifo {
public:
    [[nodiscard]] bool empty() const { return m_head == m_items.size(); }
    [[nodiscard]] std::size_t size() const { return m_items.size() - m_head; }
    T& front() { return m_items[m_head]; }
    T& operator[](std::size_t i) { return m_items[m_head + i]; }
    const T& operator[](std::size_t i) const { return m_items[m_head + i]; }
    auto begin() { return m_items.begin() + static_cast<std::ptrdiff_t>(m_head); }
    auto end() { return m_items.end(); }
    auto begin() const { return m_items.begin() + static_cast<std::ptrdiff_t>(m_head); }
    auto end() const { return m_items.end(); }

    void push_back(T item) { m_items.push_back(std::move(item)); }
    void pop_front() {
        m_items[m_head] = T{}; // let go of what it holds now, not at the next compaction
        if (++m_head == m_items.size()) return clear();
        // Compact once the popped half dominates: each item moves at most once per time the queue doubles.
        if (m_head >= 32 && m_head * 2 >= m_items.size()) {
            m_items.erase(m_items.begin(), m_items.begin() + static_cast<std::ptrdiff_t>(m_head));
            m_head = 0;
        }
    }
    void clear() {
        m_items.clear();
        m_head = 0;
    }

private:
    std::vector<T> m_items;
    std::size_t m_head = 0; // the front's index
};

} // namespace socketeer::core
