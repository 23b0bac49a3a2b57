// LinuxResources JSON → Resources. A small typed reader that names the field on error, in the
// style of oci/spec_parse.cpp (which keeps linux.resources as text for this layer).
#include "linux/resources.hpp"

#include "oci/json_reader.hpp"

namespace runz::linux {
namespace {

using namespace oci::json_reader;

// A text that ends up as a token in a cgroup file: no blanks, no control characters.
void check_token(const std::string& s, const std::string& path) {
  if (s.empty()) bad(path, "must not be empty");
  for (unsigned char c : s)
    if (c <= ' ' || c == 0x7f) bad(path, "must not contain blanks or control characters");
}

// A device number: -1 (or absent, for the devices list) is the wildcard.
int64_t device_number(const json& j, const std::string& path, bool wildcard_ok) {
  auto v = as_int<int64_t>(j, path);
  if (v < (wildcard_ok ? -1 : 0)) bad(path, wildcard_ok ? "expected -1 (any) or a device number" : "expected a device number");
  return v;
}

std::optional<uint16_t> blkio_weight(const json& j, const std::string& path, bool zero_ok) {
  auto v = as_int<uint16_t>(j, path);
  if (v == 0 && zero_ok) return v;
  if (v == 0) return std::nullopt;  // runc treats 0 as "not set"
  if (v < 10 || v > 1000) bad(path, "expected a weight from 10 to 1000");
  return v;
}

MemoryResources parse_memory(const json& j, const std::string& p) {
  expect_object(j, p);
  MemoryResources m;
  auto bytes = [&](std::string_view key, std::optional<int64_t>& out) {
    opt(j, key, p, [&](const json& v, const std::string& s) {
      out = as_int<int64_t>(v, s);
      if (*out < -1) bad(s, "expected -1 (unlimited) or a number of bytes");
    });
  };
  bytes("limit", m.limit);
  bytes("reservation", m.reservation);
  bytes("swap", m.swap);
  bytes("kernel", m.kernel);
  bytes("kernelTCP", m.kernel_tcp);
  opt(j, "swappiness", p, [&](const json& v, const std::string& s) {
    // Go clients send (uint64)-1 for "unset"; some send -1 outright.
    if (v.is_number_integer() && !v.is_number_unsigned() && v.get<int64_t>() == -1) return;
    auto x = as_int<uint64_t>(v, s);
    if (x == std::numeric_limits<uint64_t>::max()) return;
    if (x > 100) bad(s, "expected a value from 0 to 100");
    m.swappiness = x;
  });
  opt(j, "disableOOMKiller", p, [&](const json& v, const std::string& s) { m.disable_oom_killer = as_bool(v, s); });
  opt(j, "useHierarchy", p, [&](const json& v, const std::string& s) { m.use_hierarchy = as_bool(v, s); });
  opt(j, "checkBeforeUpdate", p, [&](const json& v, const std::string& s) { m.check_before_update = as_bool(v, s); });
  return m;
}

CpuResources parse_cpu(const json& j, const std::string& p) {
  expect_object(j, p);
  CpuResources c;
  opt(j, "shares", p, [&](const json& v, const std::string& s) { c.shares = as_int<uint64_t>(v, s); });
  opt(j, "quota", p, [&](const json& v, const std::string& s) {
    c.quota = as_int<int64_t>(v, s);
    if (*c.quota < -1) bad(s, "expected -1 (unlimited) or a number of microseconds");
  });
  opt(j, "burst", p, [&](const json& v, const std::string& s) { c.burst = as_int<uint64_t>(v, s); });
  opt(j, "period", p, [&](const json& v, const std::string& s) { c.period = as_int<uint64_t>(v, s); });
  opt(j, "realtimeRuntime", p, [&](const json& v, const std::string& s) {
    c.realtime_runtime = as_int<int64_t>(v, s);
    if (*c.realtime_runtime < -1) bad(s, "expected -1 (unlimited) or a number of microseconds");
  });
  opt(j, "realtimePeriod", p, [&](const json& v, const std::string& s) { c.realtime_period = as_int<uint64_t>(v, s); });
  opt(j, "cpus", p, [&](const json& v, const std::string& s) { c.cpus = as_string(v, s); });
  opt(j, "mems", p, [&](const json& v, const std::string& s) { c.mems = as_string(v, s); });
  opt(j, "idle", p, [&](const json& v, const std::string& s) {
    c.idle = as_int<int64_t>(v, s);
    if (*c.idle != 0 && *c.idle != 1) bad(s, "expected 0 or 1");
  });
  return c;
}

std::vector<ThrottleDevice> parse_throttle(const json& j, const std::string& path) {
  std::vector<ThrottleDevice> out;
  each(j, path, [&](const json& e, const std::string& p) {
    ThrottleDevice t;
    t.major = device_number(need(e, "major", p), sub(p, "major"), false);
    t.minor = device_number(need(e, "minor", p), sub(p, "minor"), false);
    t.rate = as_int<uint64_t>(need(e, "rate", p), sub(p, "rate"));
    out.push_back(t);
  });
  return out;
}

BlockIOResources parse_block_io(const json& j, const std::string& p) {
  expect_object(j, p);
  BlockIOResources b;
  opt(j, "weight", p, [&](const json& v, const std::string& s) { b.weight = blkio_weight(v, s, false); });
  opt(j, "leafWeight", p, [&](const json& v, const std::string& s) { b.leaf_weight = blkio_weight(v, s, false); });
  opt(j, "weightDevice", p, [&](const json& v, const std::string& s) {
    each(v, s, [&](const json& e, const std::string& ep) {
      WeightDevice w;
      w.major = device_number(need(e, "major", ep), sub(ep, "major"), false);
      w.minor = device_number(need(e, "minor", ep), sub(ep, "minor"), false);
      // 0 is meaningful per device: it removes the device's own weight.
      opt(e, "weight", ep, [&](const json& x, const std::string& xs) { w.weight = blkio_weight(x, xs, true); });
      opt(e, "leafWeight", ep, [&](const json& x, const std::string& xs) { w.leaf_weight = blkio_weight(x, xs, true); });
      if (!w.weight && !w.leaf_weight) bad(ep, "needs weight or leafWeight");
      b.weight_device.push_back(w);
    });
  });
  opt(j, "throttleReadBpsDevice", p, [&](const json& v, const std::string& s) { b.throttle_read_bps_device = parse_throttle(v, s); });
  opt(j, "throttleWriteBpsDevice", p, [&](const json& v, const std::string& s) { b.throttle_write_bps_device = parse_throttle(v, s); });
  opt(j, "throttleReadIOPSDevice", p, [&](const json& v, const std::string& s) { b.throttle_read_iops_device = parse_throttle(v, s); });
  opt(j, "throttleWriteIOPSDevice", p, [&](const json& v, const std::string& s) { b.throttle_write_iops_device = parse_throttle(v, s); });
  return b;
}

// "<digits><K|M|G>B": the page size becomes part of a file name, so nothing else gets through.
bool valid_page_size(const std::string& s) {
  if (s.size() < 3 || s.back() != 'B') return false;
  char unit = s[s.size() - 2];
  if (unit != 'K' && unit != 'M' && unit != 'G') return false;
  for (size_t i = 0; i + 2 < s.size(); ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return s[0] != '0';
}

// "CONTROLLER.PARAMETER", a plain file name inside the cgroup directory.
bool valid_unified_key(const std::string& k) {
  if (k.empty() || k.find('/') != std::string::npos || k.find('\0') != std::string::npos) return false;
  auto dot = k.find('.');
  if (dot == 0 || dot == std::string::npos || dot + 1 == k.size()) return false;
  for (unsigned char c : k)
    if (c <= ' ' || c == 0x7f) return false;
  return true;
}

DeviceRule parse_device_rule(const json& e, const std::string& p) {
  DeviceRule d;
  d.allow = as_bool(need(e, "allow", p), sub(p, "allow"));
  opt(e, "type", p, [&](const json& v, const std::string& s) {
    std::string t = as_string(v, s);
    if (t != "a" && t != "b" && t != "c") bad(s, "expected \"a\", \"b\" or \"c\"");
    d.type = t[0];
  });
  opt(e, "major", p, [&](const json& v, const std::string& s) {
    d.major = device_number(v, s, true);
    if (*d.major == -1) d.major.reset();
  });
  opt(e, "minor", p, [&](const json& v, const std::string& s) {
    d.minor = device_number(v, s, true);
    if (*d.minor == -1) d.minor.reset();
  });
  opt(e, "access", p, [&](const json& v, const std::string& s) {
    std::string a = as_string(v, s);
    for (char c : a)
      if (c != 'r' && c != 'w' && c != 'm') bad(s, "expected a combination of r, w and m");
    if (!a.empty()) d.access = a;
  });
  return d;
}

Resources parse(const json& j, const std::string& root) {
  expect_object(j, root);
  Resources r;
  opt(j, "memory", root, [&](const json& v, const std::string& s) { r.memory = parse_memory(v, s); });
  opt(j, "cpu", root, [&](const json& v, const std::string& s) { r.cpu = parse_cpu(v, s); });
  opt(j, "pids", root, [&](const json& v, const std::string& s) {
    expect_object(v, s);
    r.pids = PidsResources{as_int<int64_t>(need(v, "limit", s), sub(s, "limit"))};
  });
  opt(j, "blockIO", root, [&](const json& v, const std::string& s) { r.block_io = parse_block_io(v, s); });
  opt(j, "hugepageLimits", root, [&](const json& v, const std::string& s) {
    each(v, s, [&](const json& e, const std::string& p) {
      HugepageLimit h;
      h.page_size = as_string(need(e, "pageSize", p), sub(p, "pageSize"));
      if (!valid_page_size(h.page_size)) bad(sub(p, "pageSize"), "expected a size like 2MB, 1GB or 64KB");
      h.limit = as_int<uint64_t>(need(e, "limit", p), sub(p, "limit"));
      r.hugepage_limits.push_back(h);
    });
  });
  opt(j, "network", root, [&](const json& v, const std::string& s) {
    expect_object(v, s);
    NetworkResources n;
    opt(v, "classID", s, [&](const json& x, const std::string& xs) { n.class_id = as_int<uint32_t>(x, xs); });
    opt(v, "priorities", s, [&](const json& x, const std::string& xs) {
      each(x, xs, [&](const json& e, const std::string& p) {
        InterfacePriority ip;
        ip.name = as_string(need(e, "name", p), sub(p, "name"));
        check_token(ip.name, sub(p, "name"));
        ip.priority = as_int<uint32_t>(need(e, "priority", p), sub(p, "priority"));
        n.priorities.push_back(ip);
      });
    });
    r.network = n;
  });
  opt(j, "rdma", root, [&](const json& v, const std::string& s) {
    expect_object(v, s);
    for (auto& [name, e] : v.items()) {
      std::string p = sub(s, name);
      check_token(name, p);
      expect_object(e, p);
      RdmaLimit l;
      opt(e, "hcaHandles", p, [&](const json& x, const std::string& xs) { l.hca_handles = as_int<uint32_t>(x, xs); });
      opt(e, "hcaObjects", p, [&](const json& x, const std::string& xs) { l.hca_objects = as_int<uint32_t>(x, xs); });
      if (!l.hca_handles && !l.hca_objects) bad(p, "needs hcaHandles or hcaObjects");
      r.rdma[name] = l;
    }
  });
  opt(j, "unified", root, [&](const json& v, const std::string& s) {
    expect_object(v, s);
    for (auto& [key, value] : v.items()) {
      std::string p = sub(s, key);
      if (!valid_unified_key(key)) bad(p, "expected a cgroup v2 file name of the form CONTROLLER.PARAMETER");
      r.unified[key] = as_string(value, p);
    }
  });
  opt(j, "devices", root, [&](const json& v, const std::string& s) {
    each(v, s, [&](const json& e, const std::string& p) { r.devices.push_back(parse_device_rule(e, p)); });
  });
  return r;
}

}  // namespace

Result<Resources> parse_resources(std::string_view text, std::string_view where) {
  std::string root(where);
  json doc = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    bool blank = text.find_first_not_of(" \t\r\n") == std::string_view::npos;
    if (blank) return Resources{};
    return fail_user(root + ": not valid JSON");
  }
  if (doc.is_null()) return Resources{};
  try {
    return parse(doc, root);
  } catch (const BadField& e) {
    return fail_user(e.message);
  } catch (const json::exception& e) {
    return fail_user(root + ": " + e.what());
  }
}

}  // namespace runz::linux
