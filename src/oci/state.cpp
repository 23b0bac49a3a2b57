#include "oci/state.hpp"

#include <climits>

#include <nlohmann/json.hpp>

namespace runz::oci {
namespace {

using json = nlohmann::json;

json hooks_json(const std::vector<Hook>& hooks) {
  json a = json::array();
  for (auto& h : hooks) {
    json o = {{"path", h.path}};
    if (!h.args.empty()) o["args"] = h.args;
    if (!h.env.empty()) o["env"] = h.env;
    if (h.timeout) o["timeout"] = *h.timeout;
    a.push_back(o);
  }
  return a;
}

std::vector<Hook> hooks_from(const json& a) {
  std::vector<Hook> out;
  if (!a.is_array()) return out;
  for (auto& o : a) {
    Hook h;
    h.path = o.value("path", "");
    h.args = o.value("args", std::vector<std::string>{});
    h.env = o.value("env", std::vector<std::string>{});
    if (o.contains("timeout")) h.timeout = o["timeout"].get<int>();
    out.push_back(h);
  }
  return out;
}

json state_object(const ContainerRecord& r, std::string_view status) {
  json j = {{"ociVersion", kOciVersion}, {"id", r.id}, {"status", status}};
  // The spec wants the pid while the process exists (hooks see it while creating too).
  j["pid"] = status == "stopped" ? 0 : r.pid;
  j["bundle"] = r.bundle;
  j["rootfs"] = r.rootfs;
  j["created"] = r.created;
  j["owner"] = r.owner;
  j["annotations"] = r.annotations;
  return j;
}

}  // namespace

std::string record_to_json(const ContainerRecord& r) {
  json j = {{"id", r.id},
            {"kind", r.kind},
            {"pid", r.pid},
            {"pidStart", r.pid_start},
            {"bundle", r.bundle},
            {"rootfs", r.rootfs},
            {"created", r.created},
            {"owner", r.owner},
            {"annotations", r.annotations},
            {"cgroupPath", r.cgroup_path},
            {"cgroupOwned", r.cgroup_owned},
            {"poststop", hooks_json(r.poststop)},
            {"poststart", hooks_json(r.poststart)}};
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<ContainerRecord> record_from_json(std::string_view text) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return fail_user("state.json is corrupt");
  try {
    ContainerRecord r;
    r.id = j.at("id").get<std::string>();
    r.kind = j.value("kind", "process");
    // A corrupt pid must never become a signal to pid 1 or to a stranger.
    const json& pid = j.at("pid");
    if (!pid.is_number_integer() || pid.get<int64_t>() < 0 || pid.get<int64_t>() > INT32_MAX)
      return fail_user("state.json is corrupt: pid");
    r.pid = static_cast<pid_t>(pid.get<int64_t>());
    if (j.contains("pidStart") && !j["pidStart"].is_number_unsigned() && j["pidStart"].get<int64_t>() != 0)
      return fail_user("state.json is corrupt: pidStart");
    r.pid_start = j.value("pidStart", uint64_t{0});
    r.bundle = j.value("bundle", "");
    r.rootfs = j.value("rootfs", "");
    r.created = j.value("created", "");
    r.owner = j.value("owner", "");
    r.annotations = j.value("annotations", std::map<std::string, std::string>{});
    r.cgroup_path = j.value("cgroupPath", "");
    r.cgroup_owned = j.value("cgroupOwned", false);
    r.poststop = hooks_from(j.value("poststop", json::array()));
    r.poststart = hooks_from(j.value("poststart", json::array()));
    return r;
  } catch (const json::exception& e) {
    return fail_user(std::string("state.json is corrupt: ") + e.what());
  }
}

std::string state_json(const ContainerRecord& r, std::string_view status, bool pretty) {
  // Paths may hold bytes that are not UTF-8: replace them rather than throw.
  return state_object(r, status).dump(pretty ? 2 : -1, ' ', false, json::error_handler_t::replace);
}

std::string seccomp_listener_state(const std::string& metadata, const std::string& state_json) {
  json j = {{"ociVersion", kOciVersion}, {"fds", {"seccompFd"}}, {"pid", 0}, {"metadata", metadata}};
  json state = json::parse(state_json, nullptr, false);
  if (!state.is_discarded()) {
    j["state"] = state;
    j["pid"] = state.value("pid", 0);
  }
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string list_json(const std::vector<std::pair<ContainerRecord, std::string>>& entries) {
  json a = json::array();
  for (auto& [r, status] : entries) a.push_back(state_object(r, status));
  return a.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace runz::oci
