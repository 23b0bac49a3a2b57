// Store and ContainerDir under a temporary --root: create, open, lock, save, load, ids, remove.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "core/store.hpp"
#include "unit_helpers.hpp"
#include "util/fs.hpp"

namespace runz::core {
namespace {

using test::TempDir;

mode_t mode_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return st.st_mode & 07777;
}

// Can another open file description take this flock right now?
bool can_lock(const std::string& path, int op) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) return false;
  return ::flock(fd.get(), op | LOCK_NB) == 0;
}

oci::ContainerRecord sample_record(const std::string& id) {
  oci::ContainerRecord r;
  r.id = id;
  r.pid = 4242;
  r.pid_start = 123456789;
  r.bundle = "/bundles/" + id;
  r.rootfs = "/bundles/" + id + "/rootfs";
  r.created = "2024-01-02T03:04:05.123456789Z";
  r.owner = "root";
  r.annotations = {{"a", "b"}};
  r.cgroup_path = "/runz/" + id;
  r.cgroup_owned = true;
  return r;
}

TEST(Store, CreateMakesPrivateRootAndDirectory) {
  TempDir tmp;
  Store store(tmp / "state/nested");  // the root does not exist yet, nor its parent
  auto dir = store.create("c1");
  ASSERT_TRUE(dir) << dir.error().message;
  EXPECT_EQ(dir->path(), tmp / "state/nested/c1");
  EXPECT_EQ(dir->file("state.json"), tmp / "state/nested/c1/state.json");
  EXPECT_EQ(mode_of(tmp / "state/nested"), 0700u);
  EXPECT_EQ(mode_of(dir->path()), 0700u);
}

TEST(Store, CreateTwiceFailsWithEexist) {
  TempDir tmp;
  Store store(tmp.path());
  auto first = store.create("dup");
  ASSERT_TRUE(first);
  auto second = store.create("dup");
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, EEXIST);
  EXPECT_CONTAINS(second.error().message, "container with id \"dup\" already exists");
}

TEST(Store, ConcurrentCreateOfTheSameIdHasOneWinner) {
  TempDir tmp;
  Store store(tmp / "root");  // racing on the root's creation too
  constexpr int kThreads = 8;
  std::atomic<int> ok{0}, eexist{0}, other{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  std::vector<std::optional<ContainerDir>> winners(kThreads);
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      auto r = store.create("same");
      if (r) {
        ++ok;
        winners[i].emplace(std::move(*r));
      } else if (r.error().code == EEXIST) {
        ++eexist;
      } else {
        ++other;
      }
    });
  go = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(eexist.load(), kThreads - 1);
  EXPECT_EQ(other.load(), 0);
}

TEST(Store, ConcurrentCreateOfDifferentIdsAllSucceed) {
  TempDir tmp;
  Store store(tmp / "root");
  constexpr int kThreads = 8;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&, i] {
      if (store.create("c" + std::to_string(i))) ++ok;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), kThreads);
  auto ids = store.ids();
  ASSERT_TRUE(ids);
  EXPECT_EQ(ids->size(), static_cast<size_t>(kThreads));
}

TEST(Store, InvalidIdsCreateNothing) {
  TempDir tmp;
  Store store(tmp / "root");
  for (const char* id : {"", ".", "..", "../escape", "a/b", "x y", "caf\xc3\xa9"}) {
    auto r = store.create(id);
    EXPECT_FALSE(r) << id;
    EXPECT_FALSE(store.open(id)) << id;
  }
  EXPECT_FALSE(path_exists(tmp / "escape"));
  EXPECT_FALSE(path_exists(tmp / "root/a"));
  auto ids = store.ids();
  ASSERT_TRUE(ids);
  EXPECT_TRUE(ids->empty());
}

TEST(Store, IdsLongerThanAFileNameFailCleanly) {
  TempDir tmp;
  Store store(tmp.path());
  EXPECT_TRUE(store.create(std::string(255, 'a')));
  auto r = store.create(std::string(256, 'b'));  // valid id, but above NAME_MAX
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ENAMETOOLONG);
}

TEST(Store, OpenMissingIsEnoent) {
  TempDir tmp;
  Store store(tmp.path());
  auto r = store.open("ghost");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ENOENT);
  EXPECT_CONTAINS(r.error().message, "container \"ghost\" does not exist");

  Store no_root(tmp / "missing-root");
  auto r2 = no_root.open("ghost");
  ASSERT_FALSE(r2);
  EXPECT_EQ(r2.error().code, ENOENT);
}

TEST(Store, OpenAFileInsteadOfADirectoryIsEnoent) {
  TempDir tmp;
  ASSERT_TRUE(write_file_atomic(tmp / "notadir", "x"));
  Store store(tmp.path());
  auto r = store.open("notadir");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ENOENT);
}

TEST(Store, SaveAndLoadRoundTrip) {
  TempDir tmp;
  Store store(tmp.path());
  {
    auto dir = store.create("rt");
    ASSERT_TRUE(dir);
    ASSERT_TRUE(dir->save(sample_record("rt")));
    EXPECT_EQ(mode_of(dir->file("state.json")), 0600u);
    EXPECT_FALSE(path_exists(dir->file("state.json.tmp")));
  }
  auto dir = store.open("rt", /*exclusive=*/false);
  ASSERT_TRUE(dir) << dir.error().message;
  auto rec = dir->load();
  ASSERT_TRUE(rec) << rec.error().message;
  EXPECT_EQ(rec->id, "rt");
  EXPECT_EQ(rec->pid, 4242);
  EXPECT_EQ(rec->pid_start, 123456789u);
  EXPECT_EQ(rec->bundle, "/bundles/rt");
  EXPECT_EQ(rec->cgroup_path, "/runz/rt");
  EXPECT_TRUE(rec->cgroup_owned);
}

TEST(Store, LoadBeforeSaveSaysBeingCreated) {
  TempDir tmp;
  Store store(tmp.path());
  auto dir = store.create("young");
  ASSERT_TRUE(dir);
  auto rec = dir->load();
  ASSERT_FALSE(rec);
  EXPECT_EQ(rec.error().code, ENOENT);
  EXPECT_CONTAINS(rec.error().message, "container is being created");
}

TEST(Store, LoadOfCorruptStateFails) {
  TempDir tmp;
  Store store(tmp.path());
  auto dir = store.create("bad");
  ASSERT_TRUE(dir);
  ASSERT_TRUE(write_file_atomic(dir->file("state.json"), "{not json"));
  auto rec = dir->load();
  ASSERT_FALSE(rec);
  EXPECT_CONTAINS(rec.error().message, "state.json is corrupt");
}

TEST(Store, CreateHoldsAnExclusiveLock) {
  TempDir tmp;
  Store store(tmp.path());
  std::string path;
  {
    auto dir = store.create("locked");
    ASSERT_TRUE(dir);
    path = dir->path();
    EXPECT_FALSE(can_lock(path, LOCK_SH));
    EXPECT_FALSE(can_lock(path, LOCK_EX));
  }
  EXPECT_TRUE(can_lock(path, LOCK_EX)) << "the lock goes with the ContainerDir";
}

TEST(Store, SharedOpensCoexistAndExcludeWriters) {
  TempDir tmp;
  Store store(tmp.path());
  ASSERT_TRUE(store.create("s"));
  auto a = store.open("s", false);
  auto b = store.open("s", false);
  ASSERT_TRUE(a);
  ASSERT_TRUE(b);
  EXPECT_TRUE(can_lock(a->path(), LOCK_SH));
  EXPECT_FALSE(can_lock(a->path(), LOCK_EX));
}

TEST(Store, OpenWaitsForTheLockAndSeesARemoval) {
  TempDir tmp;
  Store store(tmp.path());
  auto holder = store.create("doomed");
  ASSERT_TRUE(holder);
  std::atomic<bool> done{false};
  Result<ContainerDir> waiter = fail_user("not run");
  std::thread t([&] {
    waiter = store.open("doomed");
    done = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_FALSE(done.load()) << "open must block while create holds the lock";
  ASSERT_TRUE(holder->remove());
  t.join();
  ASSERT_FALSE(waiter);
  EXPECT_EQ(waiter.error().code, ENOENT);
}

TEST(Store, RemoveDeletesEverything) {
  TempDir tmp;
  Store store(tmp.path());
  auto dir = store.create("gone");
  ASSERT_TRUE(dir);
  ASSERT_TRUE(dir->save(sample_record("gone")));
  ASSERT_TRUE(mkdir_p(dir->file("sub/deeper")));
  ASSERT_TRUE(write_file_atomic(dir->file("sub/deeper/f"), "x"));
  ASSERT_TRUE(dir->remove());
  EXPECT_FALSE(path_exists(tmp / "gone"));
  EXPECT_FALSE(store.open("gone"));
  EXPECT_TRUE(store.create("gone")) << "the id is free again";
}

TEST(Store, IdsListsValidDirectoriesSorted) {
  TempDir tmp;
  Store store(tmp.path());
  for (const char* id : {"zeta", "alpha", "m-1", "m.2"}) ASSERT_TRUE(store.create(id));
  // Things ids() must skip: a plain file, a directory with an invalid name, a symlink.
  ASSERT_TRUE(write_file_atomic(tmp / "plainfile", "x"));
  ASSERT_TRUE(mkdir_p(tmp / "bad name"));
  ASSERT_EQ(::symlink((tmp / "alpha").c_str(), (tmp / "link").c_str()), 0);
  auto ids = store.ids();
  ASSERT_TRUE(ids) << ids.error().message;
  EXPECT_EQ(*ids, (std::vector<std::string>{"alpha", "m-1", "m.2", "zeta"}));
}

TEST(Store, IdsOfMissingRootIsEmpty) {
  TempDir tmp;
  Store store(tmp / "nope");
  auto ids = store.ids();
  ASSERT_TRUE(ids);
  EXPECT_TRUE(ids->empty());
}

}  // namespace
}  // namespace runz::core
