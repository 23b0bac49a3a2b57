// config.json → Spec. A small typed reader walks the document and names the field on error.
#include "oci/json_reader.hpp"
#include "oci/spec.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

namespace runz::oci {
namespace {

using namespace json_reader;

IdMapping parse_mapping(const json& j, const std::string& p) {
  IdMapping m;
  m.container_id = as_int<uint32_t>(need(j, "containerID", p), sub(p, "containerID"));
  m.host_id = as_int<uint32_t>(need(j, "hostID", p), sub(p, "hostID"));
  m.size = as_int<uint32_t>(need(j, "size", p), sub(p, "size"));
  return m;
}

std::vector<IdMapping> parse_mappings(const json& j, const std::string& path) {
  std::vector<IdMapping> out;
  each(j, path, [&](const json& e, const std::string& p) { out.push_back(parse_mapping(e, p)); });
  return out;
}

Process parse_process(const json& j, const std::string& path) {
  expect_object(j, path);
  Process p;
  opt(j, "terminal", path, [&](auto& v, auto& s) { p.terminal = as_bool(v, s); });
  opt(j, "consoleSize", path, [&](auto& v, auto& s) {
    expect_object(v, s);
    ConsoleSize c;
    opt(v, "height", s, [&](auto& x, auto& xs) { c.height = as_int<uint32_t>(x, xs); });
    opt(v, "width", s, [&](auto& x, auto& xs) { c.width = as_int<uint32_t>(x, xs); });
    p.console_size = c;
  });
  opt(j, "user", path, [&](auto& v, auto& s) {
    expect_object(v, s);
    opt(v, "uid", s, [&](auto& x, auto& xs) { p.user.uid = as_int<uint32_t>(x, xs); });
    opt(v, "gid", s, [&](auto& x, auto& xs) { p.user.gid = as_int<uint32_t>(x, xs); });
    opt(v, "umask", s, [&](auto& x, auto& xs) { p.user.umask = as_int<uint32_t>(x, xs); });
    opt(v, "additionalGids", s, [&](auto& x, auto& xs) {
      if (!x.is_array()) bad(xs, "expected an array of integers");
      for (size_t i = 0; i < x.size(); ++i)
        p.user.additional_gids.push_back(as_int<uint32_t>(x[i], idx(xs, i)));
    });
  });
  opt(j, "args", path, [&](auto& v, auto& s) { p.args = string_list(v, s); });
  opt(j, "env", path, [&](auto& v, auto& s) { p.env = string_list(v, s); });
  opt(j, "cwd", path, [&](auto& v, auto& s) { p.cwd = as_string(v, s); });
  opt(j, "capabilities", path, [&](auto& v, auto& s) {
    expect_object(v, s);
    CapabilitySets c;
    opt(v, "bounding", s, [&](auto& x, auto& xs) { c.bounding = string_list(x, xs); });
    opt(v, "effective", s, [&](auto& x, auto& xs) { c.effective = string_list(x, xs); });
    opt(v, "inheritable", s, [&](auto& x, auto& xs) { c.inheritable = string_list(x, xs); });
    opt(v, "permitted", s, [&](auto& x, auto& xs) { c.permitted = string_list(x, xs); });
    opt(v, "ambient", s, [&](auto& x, auto& xs) { c.ambient = string_list(x, xs); });
    p.capabilities = c;
  });
  opt(j, "rlimits", path, [&](auto& v, auto& s) {
    each(v, s, [&](const json& e, const std::string& es) {
      Rlimit r;
      opt(e, "type", es, [&](auto& x, auto& xs) { r.type = as_string(x, xs); });
      opt(e, "soft", es, [&](auto& x, auto& xs) { r.soft = as_int<uint64_t>(x, xs); });
      opt(e, "hard", es, [&](auto& x, auto& xs) { r.hard = as_int<uint64_t>(x, xs); });
      p.rlimits.push_back(r);
    });
  });
  opt(j, "noNewPrivileges", path, [&](auto& v, auto& s) { p.no_new_privileges = as_bool(v, s); });
  opt(j, "apparmorProfile", path, [&](auto& v, auto& s) { p.apparmor_profile = as_string(v, s); });
  opt(j, "selinuxLabel", path, [&](auto& v, auto& s) { p.selinux_label = as_string(v, s); });
  opt(j, "oomScoreAdj", path, [&](auto& v, auto& s) { p.oom_score_adj = as_int<int>(v, s); });
  return p;
}

Hook parse_hook(const json& j, const std::string& path) {
  Hook h;
  opt(j, "path", path, [&](auto& v, auto& s) { h.path = as_string(v, s); });
  opt(j, "args", path, [&](auto& v, auto& s) { h.args = string_list(v, s); });
  opt(j, "env", path, [&](auto& v, auto& s) { h.env = string_list(v, s); });
  opt(j, "timeout", path, [&](auto& v, auto& s) { h.timeout = as_int<int>(v, s); });
  return h;
}

Hooks parse_hooks(const json& j, const std::string& path) {
  expect_object(j, path);
  Hooks h;
  auto list = [&](std::string_view key, std::vector<Hook>& out) {
    opt(j, key, path, [&](auto& v, auto& s) {
      each(v, s, [&](const json& e, const std::string& es) { out.push_back(parse_hook(e, es)); });
    });
  };
  list("prestart", h.prestart);
  list("createRuntime", h.create_runtime);
  list("createContainer", h.create_container);
  list("startContainer", h.start_container);
  list("poststart", h.poststart);
  list("poststop", h.poststop);
  return h;
}

Linux parse_linux(const json& j, const std::string& path) {
  expect_object(j, path);
  Linux l;
  opt(j, "namespaces", path, [&](auto& v, auto& s) {
    each(v, s, [&](const json& e, const std::string& es) {
      Namespace n;
      opt(e, "type", es, [&](auto& x, auto& xs) { n.type = as_string(x, xs); });
      opt(e, "path", es, [&](auto& x, auto& xs) { n.path = as_string(x, xs); });
      l.namespaces.push_back(n);
    });
  });
  opt(j, "uidMappings", path, [&](auto& v, auto& s) { l.uid_mappings = parse_mappings(v, s); });
  opt(j, "gidMappings", path, [&](auto& v, auto& s) { l.gid_mappings = parse_mappings(v, s); });
  opt(j, "sysctl", path, [&](auto& v, auto& s) { l.sysctl = string_map(v, s); });
  opt(j, "cgroupsPath", path, [&](auto& v, auto& s) { l.cgroups_path = as_string(v, s); });
  opt(j, "resources", path, [&](auto& v, auto& s) { l.resources_json = expect_object(v, s).dump(); });
  opt(j, "seccomp", path, [&](auto& v, auto& s) {
    l.seccomp_json = expect_object(v, s).dump();
    opt(v, "listenerPath", s, [&](auto& x, auto& xs) { l.seccomp_listener_path = as_string(x, xs); });
  });
  opt(j, "devices", path, [&](auto& v, auto& s) {
    each(v, s, [&](const json& e, const std::string& es) {
      Device d;
      opt(e, "type", es, [&](auto& x, auto& xs) { d.type = as_string(x, xs); });
      opt(e, "path", es, [&](auto& x, auto& xs) { d.path = as_string(x, xs); });
      opt(e, "major", es, [&](auto& x, auto& xs) { d.major = as_int<int64_t>(x, xs); });
      opt(e, "minor", es, [&](auto& x, auto& xs) { d.minor = as_int<int64_t>(x, xs); });
      opt(e, "fileMode", es, [&](auto& x, auto& xs) { d.file_mode = as_int<uint32_t>(x, xs); });
      opt(e, "uid", es, [&](auto& x, auto& xs) { d.uid = as_int<uint32_t>(x, xs); });
      opt(e, "gid", es, [&](auto& x, auto& xs) { d.gid = as_int<uint32_t>(x, xs); });
      l.devices.push_back(d);
    });
  });
  opt(j, "maskedPaths", path, [&](auto& v, auto& s) { l.masked_paths = string_list(v, s); });
  opt(j, "readonlyPaths", path, [&](auto& v, auto& s) { l.readonly_paths = string_list(v, s); });
  opt(j, "rootfsPropagation", path, [&](auto& v, auto& s) { l.rootfs_propagation = as_string(v, s); });
  opt(j, "mountLabel", path, [&](auto& v, auto& s) { l.mount_label = as_string(v, s); });
  opt(j, "personality", path, [&](auto& v, auto& s) {
    expect_object(v, s);
    l.personality_domain = as_string(need(v, "domain", s), sub(s, "domain"));
  });
  opt(j, "timeOffsets", path, [&](auto& v, auto& s) {
    expect_object(v, s);
    for (auto& [clock, off] : v.items()) {
      std::string cs = sub(s, clock);
      expect_object(off, cs);
      TimeOffset t;
      opt(off, "secs", cs, [&](auto& x, auto& xs) { t.secs = as_int<int64_t>(x, xs); });
      opt(off, "nanosecs", cs, [&](auto& x, auto& xs) { t.nanosecs = as_int<uint32_t>(x, xs); });
      l.time_offsets[clock] = t;
    }
  });
  return l;
}

Spec parse_document(const json& j) {
  expect_object(j, "config");
  Spec s;
  const std::string top;
  opt(j, "ociVersion", top, [&](auto& v, auto& p) { s.oci_version = as_string(v, p); });
  opt(j, "process", top, [&](auto& v, auto& p) { s.process = parse_process(v, p); });
  opt(j, "root", top, [&](auto& v, auto& p) {
    expect_object(v, p);
    opt(v, "path", p, [&](auto& x, auto& xs) { s.root.path = as_string(x, xs); });
    opt(v, "readonly", p, [&](auto& x, auto& xs) { s.root.readonly = as_bool(x, xs); });
  });
  opt(j, "hostname", top, [&](auto& v, auto& p) { s.hostname = as_string(v, p); });
  opt(j, "domainname", top, [&](auto& v, auto& p) { s.domainname = as_string(v, p); });
  opt(j, "mounts", top, [&](auto& v, auto& p) {
    each(v, p, [&](const json& e, const std::string& es) {
      Mount m;
      opt(e, "destination", es, [&](auto& x, auto& xs) { m.destination = as_string(x, xs); });
      opt(e, "type", es, [&](auto& x, auto& xs) { m.type = as_string(x, xs); });
      opt(e, "source", es, [&](auto& x, auto& xs) { m.source = as_string(x, xs); });
      opt(e, "options", es, [&](auto& x, auto& xs) { m.options = string_list(x, xs); });
      if (m.destination.empty()) bad(sub(es, "destination"), "required");
      s.mounts.push_back(m);
    });
  });
  opt(j, "hooks", top, [&](auto& v, auto& p) { s.hooks = parse_hooks(v, p); });
  opt(j, "annotations", top, [&](auto& v, auto& p) { s.annotations = string_map(v, p); });
  opt(j, "linux", top, [&](auto& v, auto& p) { s.linux = parse_linux(v, p); });
  return s;
}

}  // namespace

const Namespace* Linux::find_namespace(std::string_view type) const {
  for (auto& n : namespaces)
    if (n.type == type) return &n;
  return nullptr;
}

Result<Spec> parse_spec(std::string_view text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return fail_user("config.json: not valid JSON");
  try {
    return parse_document(j);
  } catch (const BadField& e) {
    return fail_user("config.json: " + e.message);
  } catch (const json::exception& e) {
    return fail_user(std::string("config.json: ") + e.what());
  }
}

Result<Process> parse_process_json(std::string_view text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return fail_user("process.json: not valid JSON");
  try {
    return parse_process(j, "process");
  } catch (const BadField& e) {
    return fail_user("process.json: " + e.message);
  } catch (const json::exception& e) {
    return fail_user(std::string("process.json: ") + e.what());
  }
}

Result<BundleConfig> load_bundle_config(const std::string& bundle) {
  auto text = read_file(path_join(bundle, "config.json"));
  if (!text) {
    if (text.error().code == ENOENT)
      return fail_user("config.json not found in bundle " + bundle);
    return fail(std::move(text.error()));
  }
  TRY(Spec spec, parse_spec(*text));
  TRYV(validate_spec(spec));
  return BundleConfig{std::move(*text), std::move(spec)};
}

Result<Spec> load_spec(const std::string& bundle) {
  TRY(BundleConfig config, load_bundle_config(bundle));
  return std::move(config.spec);
}

}  // namespace runz::oci
