#include "util/log.hpp"

#include <fcntl.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <string>

namespace runz::log {
namespace {

int g_fd = -1;
Format g_format = Format::text;
bool g_debug = false;

const char* level_name(Level l) {
  switch (l) {
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warning: return "warning";
    case Level::error: return "error";
  }
  return "info";
}

std::string timestamp() {
  timeval tv;
  ::gettimeofday(&tv, nullptr);
  tm t;
  ::gmtime_r(&tv.tv_sec, &t);
  char buf[64];
  size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &t);
  std::snprintf(buf + n, sizeof buf - n, ".%06ldZ", static_cast<long>(tv.tv_usec));
  return buf;
}

std::string quote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20) {
          char b[8];
          std::snprintf(b, sizeof b, "\\u%04x", c);
          out += b;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

void emit(int fd, Level level, std::string_view msg) {
  std::string line;
  if (g_format == Format::json)
    line = "{\"level\":" + quote(level_name(level)) + ",\"msg\":" + quote(msg) +
           ",\"time\":" + quote(timestamp()) + "}\n";
  else
    line = "time=" + quote(timestamp()) + " level=" + level_name(level) + " msg=" + quote(msg) + "\n";
  [[maybe_unused]] auto n = ::write(fd, line.data(), line.size());
}

}  // namespace

void configure(std::string_view path, Format format, bool debug) {
  g_format = format;
  g_debug = debug;
  if (!path.empty()) {
    std::string p(path);
    int fd = ::open(p.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd >= 0) g_fd = fd;
  }
}

void write(Level level, std::string_view msg) {
  if (level == Level::debug && !g_debug) return;
  if (g_fd >= 0)
    emit(g_fd, level, msg);
  else if (level == Level::warning || g_debug)
    emit(STDERR_FILENO, level, msg);
}

void error(std::string_view msg) {
  if (g_fd >= 0) emit(g_fd, Level::error, msg);
  std::string line = "runz: " + std::string(msg) + "\n";
  [[maybe_unused]] auto n = ::write(STDERR_FILENO, line.data(), line.size());
}

int fd() { return g_fd; }

}  // namespace runz::log
