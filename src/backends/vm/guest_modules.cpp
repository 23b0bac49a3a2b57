#include "backends/vm/guest_modules.hpp"

#include <dirent.h>
#include <elf.h>

#include <cstring>
#include <map>
#include <memory>
#include <set>

#include "util/fs.hpp"
#include "util/strings.hpp"

namespace runz::backends::vm {
namespace {

std::string normalize(std::string_view name) {
  std::string n(name);
  for (char& c : n)
    if (c == '-') c = '_';
  return n;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// "kernel/fs/9p/9p.ko" -> "9p"; "" when the file is not a module.
std::string module_name_of(std::string_view path) {
  std::string_view base = path.substr(path.rfind('/') + 1);
  size_t ko = base.find(".ko");
  if (ko == std::string_view::npos) return {};
  return normalize(base.substr(0, ko));
}

struct ModuleIndex {
  std::map<std::string, std::string> path;  // name -> path relative to modules_dir
  std::map<std::string, std::vector<std::string>> deps;  // from modules.dep, when present
  bool have_dep_file = false;
  std::set<std::string> builtin;
};

Result<void> walk_modules(const std::string& root, const std::string& rel, ModuleIndex& index) {
  std::string dir = rel.empty() ? root : path_join(root, rel);
  std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(dir.c_str()), ::closedir);
  if (!d) return fail_sys("open " + dir);
  while (dirent* e = ::readdir(d.get())) {
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    std::string child = rel.empty() ? name : rel + "/" + name;
    if (e->d_type == DT_DIR) {
      TRYV(walk_modules(root, child, index));
    } else if (name.find(".ko") != std::string::npos) {
      index.path.emplace(module_name_of(child), child);
    }
  }
  return {};
}

// modules.dep lines: "kernel/a/x.ko: kernel/b/y.ko kernel/c/z.ko"
void parse_modules_dep(const std::string& text, ModuleIndex& index) {
  for (const auto& line : split(text, '\n')) {
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = module_name_of(line.substr(0, colon));
    index.path[name] = line.substr(0, colon);
    auto& deps = index.deps[name];
    for (const auto& dep : split(trim(std::string_view(line).substr(colon + 1)), ' '))
      if (!dep.empty()) deps.push_back(module_name_of(dep));
  }
  index.have_dep_file = true;
}

Result<ModuleIndex> load_index(const std::string& modules_dir) {
  ModuleIndex index;
  if (auto builtin = read_file(path_join(modules_dir, "modules.builtin")))
    for (const auto& line : split(*builtin, '\n'))
      if (!line.empty()) index.builtin.insert(module_name_of(line));
  if (auto dep = read_file(path_join(modules_dir, "modules.dep")))
    parse_modules_dep(*dep, index);
  else
    TRYV(with_context(walk_modules(modules_dir, "", index), "find kernel modules"));
  return index;
}

struct Resolver {
  const std::string& modules_dir;
  ModuleIndex& index;
  std::set<std::string> done, visiting;
  std::vector<std::string> order;

  Result<void> add(const std::string& name) {
    if (done.contains(name) || index.builtin.contains(name)) return {};
    if (visiting.contains(name)) return fail_user("kernel module dependency cycle at " + name);
    auto it = index.path.find(name);
    if (it == index.path.end())
      return fail_user("kernel module " + name + " not found in " + modules_dir);
    std::string full = path_join(modules_dir, it->second);
    if (!ends_with(full, ".ko"))
      return fail_user("kernel module " + full + " is compressed; only .ko files can be loaded");
    visiting.insert(name);
    std::vector<std::string> deps;
    if (index.have_dep_file) {
      deps = index.deps[name];
    } else {
      TRY(deps, read_module_depends(full));
    }
    for (const auto& dep : deps) TRYV(add(normalize(dep)));
    visiting.erase(name);
    done.insert(name);
    order.push_back(std::move(full));
    return {};
  }
};

}  // namespace

Result<std::vector<std::string>> read_module_depends(const std::string& ko_path) {
  TRY(std::string elf, read_file(ko_path));
  auto bad = [&] { return fail_user(ko_path + ": not a 64-bit little-endian ELF module"); };
  Elf64_Ehdr eh;
  if (elf.size() < sizeof eh) return bad();
  std::memcpy(&eh, elf.data(), sizeof eh);
  if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
      eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_shentsize != sizeof(Elf64_Shdr))
    return bad();
  auto section = [&](size_t i, Elf64_Shdr& sh) {
    size_t off = eh.e_shoff + i * sizeof sh;
    if (i >= eh.e_shnum || off + sizeof sh > elf.size()) return false;
    std::memcpy(&sh, elf.data() + off, sizeof sh);
    return sh.sh_offset <= elf.size() && sh.sh_size <= elf.size() - sh.sh_offset;
  };
  Elf64_Shdr strtab;
  if (!section(eh.e_shstrndx, strtab)) return bad();
  for (size_t i = 0; i < eh.e_shnum; ++i) {
    Elf64_Shdr sh;
    if (!section(i, sh)) return bad();
    if (sh.sh_name >= strtab.sh_size) continue;
    const char* name = elf.data() + strtab.sh_offset + sh.sh_name;
    if (std::string_view(name, ::strnlen(name, strtab.sh_size - sh.sh_name)) != ".modinfo")
      continue;
    std::string_view info(elf.data() + sh.sh_offset, sh.sh_size);
    for (const auto& field : split(info, '\0')) {
      if (!starts_with(field, "depends=")) continue;
      std::vector<std::string> deps;
      for (const auto& dep : split(std::string_view(field).substr(8), ','))
        if (!dep.empty()) deps.push_back(dep);
      return deps;
    }
    return std::vector<std::string>{};
  }
  return std::vector<std::string>{};
}

Result<std::vector<std::string>> find_guest_modules(const std::string& modules_dir,
                                                    const std::vector<std::string>& names) {
  TRY(ModuleIndex index, load_index(modules_dir));
  Resolver resolver{modules_dir, index, {}, {}, {}};
  for (const auto& name : names) TRYV(resolver.add(normalize(name)));
  return std::move(resolver.order);
}

}  // namespace runz::backends::vm
