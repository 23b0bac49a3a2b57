// Shared helpers for the unit tests: a private temporary directory, a minimal valid
// config.json to mutate, and short ways to get the error message of a Result.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "oci/spec.hpp"
#include "util/fs.hpp"
#include "util/result.hpp"

namespace runz::test {

using json = nlohmann::json;

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    const char* base = ::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/runz-unit-XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() { (void)remove_tree(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string operator/(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

// The smallest config.json that parses and validates.
inline json minimal_config() {
  return json{
      {"ociVersion", "1.2.0"},
      {"root", {{"path", "rootfs"}}},
      {"process", {{"args", {"sh"}}, {"cwd", "/"}}},
      {"linux", {{"namespaces", {{{"type", "pid"}}, {{"type", "mount"}}}}}},
  };
}

// "" when the result holds a value, else its error message.
template <typename T>
std::string error_of(const Result<T>& r) {
  return r ? std::string() : r.error().message;
}

// The error of parse_spec on this document ("" when it parses).
inline std::string parse_error(const json& doc) { return error_of(oci::parse_spec(doc.dump())); }

// Parse (which must succeed) and validate; "" when valid, else the validation error.
inline std::string validate_error(const json& doc) {
  auto spec = oci::parse_spec(doc.dump());
  if (!spec) {
    ADD_FAILURE() << "document did not parse: " << spec.error().message << "\n" << doc.dump();
    return "<parse failed>";
  }
  return error_of(oci::validate_spec(*spec));
}

inline ::testing::AssertionResult Contains(std::string_view haystack, std::string_view needle) {
  if (haystack.find(needle) != std::string_view::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << haystack << "\" does not contain \"" << needle << "\"";
}

}  // namespace runz::test

// EXPECT_CONTAINS(message, "process.user.uid")
#define EXPECT_CONTAINS(haystack, needle) EXPECT_TRUE(::runz::test::Contains((haystack), (needle)))
