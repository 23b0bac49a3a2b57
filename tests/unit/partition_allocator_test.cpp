// The partition allocator: side-by-side allocations without overlap, refusals that say
// what is free, release, alignment, the CPU rules, reconcile, and creates racing in
// separate processes.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>

#include "backends/partition/allocator.hpp"
#include "unit_helpers.hpp"

namespace runz::backends::partition {
namespace {

using test::error_of;
using test::TempDir;

constexpr const char* kPlatform = R"([partition]
backend = "jailhouse"
arch = "x86"
cpus = "1-3"
hypervisor_memory = { start = 0x3a000000, size = 0x600000 }
ivshmem = { base = 0x3f000000, slots = 2 }
[[partition.memory_pool]]
name = "main"
start = 0x40000000
size = 0x10000000
[[partition.device]]
name = "uart1"
type = "uart"
address = 0x2f8
pio = true
[[partition.device]]
name = "uart2"
type = "uart"
address = 0x3e8
pio = true
[[partition.rproc]]
name = "r5-0"
remoteproc = "remoteproc0"
[[partition.rproc]]
name = "r5-1"
remoteproc = "remoteproc1"
)";

constexpr uint64_t MiB = 1ull << 20;

PartitionPlatform platform(std::string_view text = kPlatform) {
  auto p = parse_partition_platform(text, "test.toml");
  EXPECT_TRUE(p) << p.error().message;
  return p ? *p : PartitionPlatform{};
}

PartitionRequest req(unsigned cpus = 1, uint64_t memory = 64 * MiB) {
  PartitionRequest r;
  r.cpu_count = cpus;
  r.memory = memory;
  return r;
}

class PartitionAllocator : public ::testing::Test {
 protected:
  Allocator open(const PartitionPlatform& p) {
    auto a = Allocator::open(dir / "root/partition-allocations.json", p);
    EXPECT_TRUE(a) << a.error().message;
    return std::move(*a);
  }
  TempDir dir;
};

TEST_F(PartitionAllocator, ThreeSideBySideAndAFourthRefused) {
  Allocator alloc = open(platform());
  std::vector<Allocation> got;
  for (auto id : {"a", "b", "c"}) {
    auto a = alloc.allocate(id, req());
    ASSERT_TRUE(a) << a.error().message;
    got.push_back(*a);
  }
  EXPECT_EQ(got[0].cpus, CpuSet{1});
  EXPECT_EQ(got[1].cpus, CpuSet{2});
  EXPECT_EQ(got[2].cpus, CpuSet{3});
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].memory.pool, "main");
    EXPECT_EQ(got[i].memory.range.size, 64 * MiB);
    EXPECT_EQ(got[i].memory.range.start, 0x40000000 + i * 64 * MiB);
    EXPECT_EQ(got[i].owner_pid, ::getpid());
  }
  EXPECT_EQ(error_of(alloc.allocate("d", req())), "cannot allocate 1 CPU: no CPU is free");
  // Nothing of the refused request stays behind.
  EXPECT_EQ(alloc.list()->size(), 3u);
  EXPECT_FALSE(alloc.find("d").value());
  ASSERT_TRUE(alloc.find("b").value());
  EXPECT_EQ(alloc.find("b").value()->cpus, CpuSet{2});
}

TEST_F(PartitionAllocator, RefusalsSayWhatIsFree) {
  Allocator alloc = open(platform());
  ASSERT_TRUE(alloc.allocate("a", req(1, 192 * MiB)));
  EXPECT_EQ(error_of(alloc.allocate("b", req(3))), "cannot allocate 3 CPUs: free CPUs are 2-3");
  EXPECT_EQ(error_of(alloc.allocate("b", req(1, 128 * MiB))),
            "cannot allocate 128 MiB of memory: largest free block is 64 MiB at 0x4c000000");
  PartitionRequest explicit_cpus = req();
  explicit_cpus.cpus = {1, 2};
  EXPECT_EQ(error_of(alloc.allocate("b", explicit_cpus)), "cannot allocate CPUs 1-2: free CPUs are 2-3");
  explicit_cpus.cpus = {0, 2};
  EXPECT_EQ(error_of(alloc.allocate("b", explicit_cpus)),
            "cannot allocate CPUs 0,2: CPUs 0 are not ones runz may hand out (partition.cpus = 1-3)");
  explicit_cpus.cpus = {2, 3};
  auto b = alloc.allocate("b", explicit_cpus);
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ(b->cpus, (CpuSet{2, 3}));
  ASSERT_TRUE(alloc.release("a"));
  EXPECT_EQ(error_of(alloc.allocate("c", req(1, 512 * MiB))),
            "cannot allocate 512 MiB of memory: largest free block is 192 MiB at 0x40000000");
  EXPECT_EQ(error_of(alloc.allocate("b", req())), "container b already holds partition resources");
}

TEST_F(PartitionAllocator, ReleaseAndReallocate) {
  Allocator alloc = open(platform());
  ASSERT_TRUE(alloc.allocate("a", req()));
  auto b = alloc.allocate("b", req());
  ASSERT_TRUE(b);
  ASSERT_TRUE(alloc.allocate("c", req()));
  ASSERT_TRUE(alloc.release("b"));
  EXPECT_TRUE(alloc.release("b"));  // releasing nothing is fine (delete after a failed create)
  auto d = alloc.allocate("d", req());
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->cpus, b->cpus);
  EXPECT_EQ(d->memory.range.start, b->memory.range.start);
  // A new Allocator (another runz process) sees the same state.
  Allocator again = open(platform());
  EXPECT_EQ(again.list()->size(), 3u);
  EXPECT_EQ(error_of(again.allocate("e", req())), "cannot allocate 1 CPU: no CPU is free");
}

TEST_F(PartitionAllocator, Alignment) {
  auto p = platform(R"([partition]
backend = "jailhouse"
cpus = "1-3"
[[partition.memory_pool]]
name = "odd"
start = 0x40100000
size = 0x1000000
align = 0x400000
)");
  Allocator alloc = open(p);
  auto a = alloc.allocate("a", req(1, MiB + 1));
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->memory.range.start, 0x40400000u);  // the first 4 MiB boundary in the pool
  EXPECT_EQ(a->memory.range.size, 4 * MiB);       // rounded up to the alignment
  auto b = alloc.allocate("b", req(1, 4 * MiB));
  ASSERT_TRUE(b);
  EXPECT_EQ(b->memory.range.start, 0x40800000u);
  // 0x40c00000-0x410fffff is left: 5 MiB, but only 4 MiB from an aligned start.
  EXPECT_EQ(error_of(alloc.allocate("c", req(1, 5 * MiB))),
            "cannot allocate 5 MiB of memory: largest free block is 5 MiB at 0x40c00000");
  auto c = alloc.allocate("c", req(1, 4 * MiB));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->memory.range.start, 0x40c00000u);
}

TEST_F(PartitionAllocator, FirstFitAcrossPools) {
  auto p = platform(R"([partition]
backend = "jailhouse"
cpus = "1-7"
[[partition.memory_pool]]
name = "small"
start = 0x40000000
size = 0x4000000
[[partition.memory_pool]]
name = "big"
start = 0x80000000
size = 0x40000000
)");
  Allocator alloc = open(p);
  auto a = alloc.allocate("a", req(1, 128 * MiB));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->memory.pool, "big");
  auto b = alloc.allocate("b", req(1, 32 * MiB));
  ASSERT_TRUE(b);
  EXPECT_EQ(b->memory.pool, "small");
}

TEST_F(PartitionAllocator, NeverCpu0OnX86) {
  // A platform made in code, past the loader's own check.
  PartitionPlatform p = platform();
  p.cpus = {0, 1};
  p.root_cell_cpus = {0, 1, 2};
  Allocator alloc = open(p);
  auto a = alloc.allocate("a", req());
  ASSERT_TRUE(a);
  EXPECT_EQ(a->cpus, CpuSet{1});
  EXPECT_EQ(error_of(alloc.allocate("b", req())), "cannot allocate 1 CPU: no CPU is free");
  PartitionRequest zero = req();
  zero.cpus = {0};
  EXPECT_CONTAINS(error_of(alloc.allocate("b", zero)), "CPUs 0 are not ones runz may hand out");
}

TEST_F(PartitionAllocator, RootCellKeepsItsLastCpu) {
  auto p = platform(R"([partition]
backend = "jailhouse"
arch = "arm64"
cpus = "0-3"
[[partition.memory_pool]]
name = "main"
start = 0x40000000
size = 0x40000000
)");
  Allocator alloc = open(p);
  EXPECT_EQ(error_of(alloc.allocate("a", req(4))), "cannot allocate 4 CPUs: free CPUs are 0-2 (CPU 3 stays with the root cell)");
  auto a = alloc.allocate("a", req(3));
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->cpus, (CpuSet{0, 1, 2}));
  EXPECT_EQ(error_of(alloc.allocate("b", req())), "cannot allocate 1 CPU: no CPU is free (CPU 3 stays with the root cell)");
  // Which CPU stays follows what is taken: CPU 3 may go when another root CPU remains.
  ASSERT_TRUE(alloc.release("a"));
  PartitionRequest three = req();
  three.cpus = {3};
  ASSERT_TRUE(alloc.allocate("b", three));
  PartitionRequest rest = req();
  rest.cpus = {0, 1, 2};
  EXPECT_EQ(error_of(alloc.allocate("x", rest)), "cannot allocate CPUs 0-2: the root cell would have no CPU left");
  auto c = alloc.allocate("c", req(2));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->cpus, (CpuSet{0, 1}));
  EXPECT_EQ(error_of(alloc.allocate("d", req())), "cannot allocate 1 CPU: no CPU is free (CPU 2 stays with the root cell)");
}

TEST_F(PartitionAllocator, DevicesAreExclusive) {
  Allocator alloc = open(platform());
  PartitionRequest r = req();
  r.devices = {"uart1"};
  auto a = alloc.allocate("a", r);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->devices, std::vector<std::string>{"uart1"});
  EXPECT_EQ(error_of(alloc.allocate("b", r)), "cannot allocate device \"uart1\": held by container a");
  r.devices = {"uart3"};
  EXPECT_EQ(error_of(alloc.allocate("b", r)), "cannot allocate device \"uart3\": no such device (devices: uart1, uart2)");
  r.devices = {"uart2"};
  EXPECT_TRUE(alloc.allocate("b", r));
}

TEST_F(PartitionAllocator, Rprocs) {
  Allocator alloc = open(platform());
  PartitionRequest r = req();
  r.rpu = "any";
  EXPECT_EQ(alloc.allocate("a", r)->rpu, "r5-0");
  r.rpu = "r5-0";
  EXPECT_EQ(error_of(alloc.allocate("b", r)), "cannot allocate RPU \"r5-0\": held by container a");
  r.rpu = "r5-9";
  EXPECT_EQ(error_of(alloc.allocate("b", r)), "cannot allocate RPU \"r5-9\": no such rproc (rprocs: r5-0, r5-1)");
  r.rpu = "any";
  EXPECT_EQ(alloc.allocate("b", r)->rpu, "r5-1");
  EXPECT_EQ(error_of(alloc.allocate("c", r)), "cannot allocate an RPU: all are held (r5-0, r5-1)");
}

TEST_F(PartitionAllocator, CommRegions) {
  Allocator alloc = open(platform());
  PartitionRequest r = req();
  r.ivshmem = true;
  auto a = alloc.allocate("a", r);
  ASSERT_TRUE(a);
  ASSERT_TRUE(a->ivshmem);
  EXPECT_EQ(a->ivshmem->slot, 0u);
  EXPECT_EQ(a->ivshmem->range.start, 0x3f000000u);
  EXPECT_EQ(a->ivshmem->range.size, 0x100000u);
  auto b = alloc.allocate("b", r);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->ivshmem->slot, 1u);
  EXPECT_EQ(b->ivshmem->range.start, 0x3f100000u);
  EXPECT_EQ(error_of(alloc.allocate("c", r)), "cannot allocate a comm region: all 2 ivshmem slots are taken");
  ASSERT_TRUE(alloc.release("a"));
  EXPECT_EQ(alloc.allocate("c", r)->ivshmem->slot, 0u);  // the free list reuses slot 0

  Allocator plain = Allocator::open(dir / "other.json", platform("[partition]\nbackend = \"jailhouse\"\ncpus = \"1\"\n"
                                                                 "[[partition.memory_pool]]\nname = \"m\"\nstart = 0x40000000\nsize = 0x10000000\n")).value();
  EXPECT_EQ(error_of(plain.allocate("a", r)), "cannot allocate a comm region: [partition] has no ivshmem window");
}

TEST_F(PartitionAllocator, ReconcileDropsWhatHasNoCellAndNoCreator) {
  Allocator alloc = open(platform());
  // Allocations made by processes that are gone, as after a crash mid-create.
  for (auto id : {"a", "b", "c"}) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) ::_exit(alloc.allocate(id, req()) ? 0 : 1);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << id;
  }
  auto dropped = alloc.reconcile(std::set<std::string>{"b"});
  ASSERT_TRUE(dropped) << dropped.error().message;
  EXPECT_EQ(*dropped, (std::vector<std::string>{"a", "c"}));
  auto left = alloc.list().value();
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].container_id, "b");
  // An allocation whose creator still runs (this process) has no cell yet, but stays.
  ASSERT_TRUE(alloc.allocate("d", req()));
  EXPECT_TRUE(alloc.reconcile(std::set<std::string>{"b"})->empty());
  EXPECT_EQ(alloc.list()->size(), 2u);
  // The predicate form: the caller decides what a live cell is (a truncated cell name, say).
  auto by_prefix = alloc.reconcile([](const Allocation& a) { return a.container_id.starts_with("b"); });
  ASSERT_TRUE(by_prefix);
  EXPECT_TRUE(by_prefix->empty());
}

TEST_F(PartitionAllocator, DescribeFree) {
  Allocator alloc = open(platform());
  PartitionRequest r = req(2, 128 * MiB);
  r.devices = {"uart2"};
  r.rpu = "r5-1";
  r.ivshmem = true;
  ASSERT_TRUE(alloc.allocate("box", r));
  auto text = alloc.describe_free();
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_EQ(*text,
            "CPUs: free CPUs are 3 (partition.cpus = 1-3)\n"
            "memory pool \"main\" (0x40000000-0x4fffffff): 128 MiB free, largest block 128 MiB at 0x48000000\n"
            "ivshmem slots: 1 of 2 free\n"
            "devices: free uart1; held uart2 (by box)\n"
            "rprocs: free r5-0; held r5-1 (by box)\n");
}

TEST_F(PartitionAllocator, BrokenStateIsAnError) {
  ASSERT_TRUE(mkdir_p(dir / "root"));
  ASSERT_TRUE(write_file_atomic(dir / "root/partition-allocations.json", "{\"allocations\": [{\"id\": 3}]}"));
  auto a = Allocator::open(dir / "root/partition-allocations.json", platform());
  ASSERT_FALSE(a);
  EXPECT_CONTAINS(a.error().message, "broken partition allocation state");
}

// Many creates in separate processes at once: every one gets distinct CPUs and disjoint
// memory, and exactly as many succeed as there are CPUs.
TEST_F(PartitionAllocator, ConcurrentProcessesNeverShare) {
  auto p = platform(R"([partition]
backend = "jailhouse"
cpus = "1-40"
[[partition.memory_pool]]
name = "main"
start = 0x40000000
size = 0x80000000
align = 0x100000
)");
  Allocator alloc = open(p);
  constexpr int kProcs = 6, kEach = 8;  // 48 requests for 40 CPUs
  int gate[2];
  ASSERT_EQ(::pipe(gate), 0);
  std::vector<pid_t> pids;
  for (int i = 0; i < kProcs; ++i) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(gate[1]);
      char c;
      (void)!::read(gate[0], &c, 1);  // all start together when the parent closes the gate
      int ok = 0;
      for (int j = 0; j < kEach; ++j)
        ok += alloc.allocate("c" + std::to_string(i) + "-" + std::to_string(j), req(1, (1 + j % 3) * 16 * MiB)).has_value();
      ::_exit(ok);
    }
    pids.push_back(pid);
  }
  ::close(gate[0]);
  ::close(gate[1]);
  int total = 0;
  for (pid_t pid : pids) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    total += WEXITSTATUS(status);
  }
  EXPECT_EQ(total, 40);
  auto all = alloc.list();
  ASSERT_TRUE(all) << all.error().message;
  ASSERT_EQ(all->size(), 40u);
  CpuSet cpus;
  std::vector<AddressRange> memory;
  for (const auto& a : *all) {
    for (unsigned c : a.cpus) EXPECT_TRUE(cpus.insert(c).second) << "CPU " << c << " handed out twice";
    for (const auto& m : memory) EXPECT_FALSE(m.overlaps(a.memory.range)) << a.container_id;
    memory.push_back(a.memory.range);
  }
  EXPECT_EQ(cpus.size(), 40u);
}

}  // namespace
}  // namespace runz::backends::partition
