// The container store under --root: one directory per id holding state.json and the exec
// fifo, with a lock per container so calls on one id serialise and different ids never
// wait for each other.
#pragma once

#include <string>
#include <vector>

#include "oci/state.hpp"
#include "util/fd.hpp"
#include "util/result.hpp"

namespace runz::core {

// runc's rule, plus a length bound: letters, digits, _ + - . ; not "." or "..".
Result<void> validate_id(std::string_view id);

class ContainerDir {
 public:
  ContainerDir(std::string path, Fd lock) : path_(std::move(path)), lock_(std::move(lock)) {}
  const std::string& path() const { return path_; }
  std::string file(std::string_view name) const { return path_ + "/" + std::string(name); }
  Result<oci::ContainerRecord> load() const;
  Result<void> save(const oci::ContainerRecord& record) const;
  // Remove the directory; the lock goes with it.
  Result<void> remove();

 private:
  std::string path_;
  Fd lock_;
};

class Store {
 public:
  explicit Store(std::string root) : root_(std::move(root)) {}
  const std::string& root() const { return root_; }
  // A new container: fails if the id is taken. The returned dir is locked.
  Result<ContainerDir> create(std::string_view id) const;
  // An existing container, locked exclusively (for changes) or shared (for reading).
  Result<ContainerDir> open(std::string_view id, bool exclusive = true) const;
  Result<std::vector<std::string>> ids() const;

 private:
  std::string root_;
};

}  // namespace runz::core
