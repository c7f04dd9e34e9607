// tests/unit/engine/id_index_test.cpp
//
// The store's id index against std::unordered_map, over random inserts and erases: erasing
// shifts later entries of a probe run back, growing rehashes, and a small table wraps around.
#include "engine/id_index.hpp"

#include <random>
#include <string>
#include <unordered_map>

#include <gtest/gtest.h>

namespace livedash::engine {
namespace {

class IdIndexTest : public ::testing::Test {
 protected:
  //! Gives `id` a version (as the store does before indexing it) under a fresh handle.
  ElementHandle store(const std::string& id) {
    ElementHandle handle = next_handle_++;
    versions_[handle].element.id = id;
    versions_[handle].handle = handle;
    return handle;
  }
  ElementHandle lookup(const std::string& id) const {
    size_t position = index_.find(IdIndex::tagOf(id), id);
    return position == IdIndex::kNoPosition ? IdIndex::kNoHandle : index_.handleAt(position);
  }

  SlotArray<ElementVersion> versions_;
  IdIndex index_{versions_};
  ElementHandle next_handle_ = 0;
};

TEST_F(IdIndexTest, FindsWhatWasInsertedAndNotWhatWasErased) {
  std::mt19937 rng(7);
  std::unordered_map<std::string, ElementHandle> expected;
  // Few ids, so the table stays small and erases meet long runs that wrap around its end.
  for (int round = 0; round < 20000; ++round) {
    std::string id = "orders:" + std::to_string(rng() % (round < 10000 ? 12 : 3000));
    auto it = expected.find(id);
    if (it == expected.end()) {
      ElementHandle handle = store(id);
      index_.insert(IdIndex::tagOf(id), handle);
      expected.emplace(id, handle);
    } else {
      size_t position = index_.find(IdIndex::tagOf(id), id);
      ASSERT_NE(position, IdIndex::kNoPosition) << id;
      index_.eraseAt(position);
      expected.erase(it);
    }
    ASSERT_EQ(index_.size(), expected.size());
    if (round % 97 == 0) {
      for (int k = 0; k < 3000; ++k) {
        std::string probe = "orders:" + std::to_string(k);
        auto e = expected.find(probe);
        ASSERT_EQ(lookup(probe), e == expected.end() ? IdIndex::kNoHandle : e->second)
            << probe << " after round " << round;
      }
    }
  }
}

TEST_F(IdIndexTest, GuessNamesTheHandleOfAStoredIdAndNothingForAnEmptyIndex) {
  EXPECT_EQ(index_.guess(IdIndex::tagOf("orders:1")), IdIndex::kNoHandle);
  ElementHandle handle = store("orders:1");
  index_.insert(IdIndex::tagOf("orders:1"), handle);
  EXPECT_EQ(index_.guess(IdIndex::tagOf("orders:1")), handle);
}

}  // namespace
}  // namespace livedash::engine
