// A small typed reader over nlohmann::json that names the field on error
// ("process.user.uid: expected an integer"). For the parsers only (spec, resources, ...):
// it pulls in the JSON library, so keep it out of other headers.
#pragma once

#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

namespace runz::oci::json_reader {

using json = nlohmann::json;

// Thrown inside a parser only, and caught at its entry point into a Result.
struct BadField {
  std::string message;
};

[[noreturn]] inline void bad(const std::string& path, const std::string& what) { throw BadField{path + ": " + what}; }

inline std::string sub(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}
inline std::string idx(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }

// The member `key` of object `j`, or nullptr when absent or null.
inline const json* member(const json& j, std::string_view key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return nullptr;
  return &*it;
}

inline const json& expect_object(const json& j, const std::string& path) {
  if (!j.is_object()) bad(path, "expected an object");
  return j;
}

inline const json& expect_array(const json& j, const std::string& path) {
  if (!j.is_array()) bad(path, "expected an array");
  return j;
}

inline std::string as_string(const json& j, const std::string& path) {
  if (!j.is_string()) bad(path, "expected a string");
  return j.get<std::string>();
}

inline bool as_bool(const json& j, const std::string& path) {
  if (!j.is_boolean()) bad(path, "expected true or false");
  return j.get<bool>();
}

template <typename T>
T as_int(const json& j, const std::string& path) {
  if (j.is_number_unsigned()) {
    auto v = j.get<uint64_t>();
    if (v > static_cast<uint64_t>(std::numeric_limits<T>::max())) bad(path, "value out of range");
    return static_cast<T>(v);
  }
  if (j.is_number_integer()) {
    auto v = j.get<int64_t>();
    if constexpr (std::is_unsigned_v<T>) {
      if (v < 0) bad(path, "expected a non-negative integer");
      if (static_cast<uint64_t>(v) > std::numeric_limits<T>::max()) bad(path, "value out of range");
    } else {
      if (v < std::numeric_limits<T>::min() || v > std::numeric_limits<T>::max()) bad(path, "value out of range");
    }
    return static_cast<T>(v);
  }
  bad(path, "expected an integer");
}

inline std::vector<std::string> string_list(const json& j, const std::string& path) {
  if (!j.is_array()) bad(path, "expected an array of strings");
  std::vector<std::string> out;
  for (size_t i = 0; i < j.size(); ++i) out.push_back(as_string(j[i], idx(path, i)));
  return out;
}

inline std::map<std::string, std::string> string_map(const json& j, const std::string& path) {
  expect_object(j, path);
  std::map<std::string, std::string> out;
  for (auto& [k, v] : j.items()) out[k] = as_string(v, sub(path, k));
  return out;
}

// Call f(value, path) for an optional member.
template <typename F>
void opt(const json& j, std::string_view key, const std::string& path, F&& f) {
  if (const json* v = member(j, key)) {
    const std::string p = sub(path, key);
    f(*v, p);
  }
}

inline const json& need(const json& j, std::string_view key, const std::string& path) {
  const json* v = member(j, key);
  if (!v) bad(sub(path, key), "required");
  return *v;
}

// Call f(object, path) for each element of an array of objects.
template <typename F>
void each(const json& j, const std::string& path, F&& f) {
  expect_array(j, path);
  for (size_t i = 0; i < j.size(); ++i) f(expect_object(j[i], idx(path, i)), idx(path, i));
}

}  // namespace runz::oci::json_reader
