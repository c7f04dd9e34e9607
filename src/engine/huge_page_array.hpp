// src/engine/huge_page_array.hpp
//
// A fixed-size array of a trivially copyable type whose memory asks the kernel for transparent
// huge pages. The engine's big flat tables are read at random, one entry per change: on 4 KiB
// pages nearly every read also misses the TLB, and in a virtual machine a page walk costs about
// as much as the cache miss itself. Debian's default THP mode is `madvise`, so without the
// request below the kernel never backs them with 2 MiB pages.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <new>
#include <type_traits>
#include <utility>

#include <sys/mman.h>

namespace livedash::engine {

template <class T>
class HugePageArray {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  HugePageArray() = default;
  HugePageArray(size_t size, const T& fill) : size_(size) {
    if (size == 0)
      return;
    // From malloc, so heap statistics (mallinfo2) count it; aligned, so the huge pages cover it.
    const bool huge = bytes() >= kHugePage;
    void* p = huge
                  ? std::aligned_alloc(kHugePage, (bytes() + kHugePage - 1) / kHugePage * kHugePage)
                  : std::malloc(bytes());
    if (!p)
      throw std::bad_alloc();
    // Only a hint: without THP the array still works on small pages.
    if (huge)
      madvise(p, bytes(), MADV_HUGEPAGE);
    data_ = static_cast<T*>(p);
    for (size_t i = 0; i < size; ++i)
      data_[i] = fill;
  }
  ~HugePageArray() { std::free(data_); }
  HugePageArray(HugePageArray&& other) noexcept { swap(other); }
  HugePageArray& operator=(HugePageArray&& other) noexcept {
    HugePageArray(std::move(other)).swap(*this);
    return *this;
  }
  HugePageArray(const HugePageArray&) = delete;
  HugePageArray& operator=(const HugePageArray&) = delete;

  void swap(HugePageArray& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
  }
  T& operator[](size_t i) { return data_[i]; }
  const T& operator[](size_t i) const { return data_[i]; }
  size_t size() const { return size_; }
  T* begin() { return data_; }
  T* end() { return data_ + size_; }

 private:
  static constexpr size_t kHugePage = size_t{2} << 20;
  size_t bytes() const { return size_ * sizeof(T); }

  T* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace livedash::engine
