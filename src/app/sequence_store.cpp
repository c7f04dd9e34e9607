// src/app/sequence_store.cpp
#include "app/sequence_store.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.hpp"

namespace livedash::app {

namespace {
constexpr size_t kEntries = 4096;
constexpr size_t kNameBytes = 120;
}  // namespace

struct SequenceStore::Entry {
  char name[kNameBytes];
  uint64_t sequence;
};

SequenceStore::SequenceStore(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::string path = (std::filesystem::path(dir) / "sequences").string();
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  size_ = kEntries * sizeof(Entry);
  if (fd_ < 0 || ::ftruncate(fd_, static_cast<off_t>(size_)) != 0) {
    throw core::Error(core::ErrorCode::ConfigInvalid,
                      fmt::format("cannot open the state file {}: {}", path, std::strerror(errno)),
                      std::nullopt, "check `state_dir`: livedash must be able to write there");
  }
  void* mapped = ::mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
  if (mapped == MAP_FAILED) {
    ::close(fd_);
    throw core::Error(core::ErrorCode::Internal,
                      fmt::format("cannot map the state file {}: {}", path, std::strerror(errno)));
  }
  entries_ = static_cast<Entry*>(mapped);
}

SequenceStore::~SequenceStore() {
  if (entries_)
    ::munmap(entries_, size_);
  if (fd_ >= 0)
    ::close(fd_);
}

uint64_t* SequenceStore::slot(std::string_view name) {
  if (name.size() >= kNameBytes) {
    throw core::Error(core::ErrorCode::ConfigInvalid,
                      fmt::format("the id `{}` is too long to keep its sequence (at most {} bytes)",
                                  name, kNameBytes - 8));
  }
  for (size_t i = 0; i < kEntries; ++i) {
    Entry& e = entries_[i];
    if (e.name[0] == '\0') {
      std::memcpy(e.name, name.data(), name.size());
      e.name[name.size()] = '\0';
      e.sequence = 0;
      return &e.sequence;
    }
    if (std::string_view(e.name) == name)
      return &e.sequence;
  }
  throw core::Error(
      core::ErrorCode::ConfigInvalid,
      fmt::format("the state file holds {} ids already; clear `state_dir`", kEntries));
}

}  // namespace livedash::app
