#include "common/virtual_scheduler.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace hitless {

TEST(VirtualScheduler, RunsTimersInDueOrderAndAdvancesClock) {
  VirtualScheduler s;
  std::vector<int> order;
  s.call_after(5, [&] { order.push_back(5); });
  s.call_after(1, [&] { order.push_back(1); });
  s.call_after(3, [&] { order.push_back(3); });
  s.run_until(4);
  EXPECT_EQ(order, (std::vector<int>{1, 3}));
  EXPECT_DOUBLE_EQ(s.now(), 4);
  s.run_all();
  EXPECT_EQ(order, (std::vector<int>{1, 3, 5}));
  EXPECT_DOUBLE_EQ(s.now(), 5);
}

TEST(VirtualScheduler, CancelledTimerNeverRuns) {
  VirtualScheduler s;
  bool ran = false;
  auto id = s.call_after(1, [&] { ran = true; });
  s.cancel(id);
  s.cancel(id);  // twice is harmless
  s.run_all();
  EXPECT_FALSE(ran);
  EXPECT_TRUE(s.idle());
}

TEST(VirtualScheduler, TimersScheduledFromCallbacksRunAtTheirOwnTime) {
  VirtualScheduler s;
  double seen = -1;
  s.call_after(2, [&] { s.call_after(3, [&] { seen = s.now(); }); });
  s.run_all();
  EXPECT_DOUBLE_EQ(seen, 5);
}

TEST(VirtualScheduler, SimultaneousTimersRunInSchedulingOrder) {
  VirtualScheduler s;
  std::vector<int> order;
  for (int i = 0; i < 5; ++i) s.call_after(1, [&, i] { order.push_back(i); });
  s.run_all();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
}

}  // namespace hitless
