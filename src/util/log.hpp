// runc-compatible logging: text (logrus style) or json lines {"level","msg","time"},
// to the --log file when given; errors also go to stderr as one plain line.
#pragma once

#include <string_view>

namespace runz::log {

enum class Level { debug, info, warning, error };
enum class Format { text, json };

// Open the log file (append) and choose the format; empty path means stderr only.
void configure(std::string_view path, Format format, bool debug);
void write(Level level, std::string_view msg);
inline void debug(std::string_view m) { write(Level::debug, m); }
inline void info(std::string_view m) { write(Level::info, m); }
inline void warn(std::string_view m) { write(Level::warning, m); }
// An error: to the log file and, always, to stderr.
void error(std::string_view m);
// The log file's descriptor, so children can be told to keep it (or -1).
int fd();

}  // namespace runz::log
