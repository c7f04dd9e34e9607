// tests/unit/app/sequence_store_test.cpp
#include "app/sequence_store.hpp"

#include <filesystem>

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace livedash::app {
namespace {

class SequenceStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("livedash-seq-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(SequenceStoreTest, SlotsKeepTheirValueAcrossInstances) {
  {
    SequenceStore store(dir_.string());
    uint64_t* stats = store.slot("query:order-stats");
    uint64_t* stream = store.slot("reaction:stream");
    EXPECT_EQ(*stats, 0u);
    *stats = 41;
    *stream = 7;
    EXPECT_EQ(store.slot("query:order-stats"), stats) << "the same name is the same slot";
  }
  SequenceStore again(dir_.string());
  EXPECT_EQ(*again.slot("query:order-stats"), 41u);
  EXPECT_EQ(*again.slot("reaction:stream"), 7u);
  EXPECT_EQ(*again.slot("query:new"), 0u);
}

TEST_F(SequenceStoreTest, ANameTooLongIsAnError) {
  SequenceStore store(dir_.string());
  EXPECT_THROW(store.slot(std::string(200, 'q')), core::Error);
}

TEST_F(SequenceStoreTest, AnUnwritableDirectoryIsAConfigError) {
  try {
    SequenceStore store("/proc/livedash-cannot-write-here");
    FAIL() << "opened a store in /proc";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.code(), core::ErrorCode::ConfigInvalid);
    EXPECT_NE(std::string(e.what()).find("cannot open the state file"), std::string::npos);
  }
}

}  // namespace
}  // namespace livedash::app
