#ifndef WMO_LIBS_TESTING_TEMP_DIR_H_
#define WMO_LIBS_TESTING_TEMP_DIR_H_

#include <filesystem>
#include <string>

namespace wmo::testing {

// A fresh directory for one test, removed with everything in it at the end.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string File(const std::string& name) const {
    return (path_ / name).string();
  }
  // Writes `content` to `name` under the directory; returns its path.
  std::string Write(const std::string& name, const std::string& content) const;

 private:
  std::filesystem::path path_;
};

// The project's source directory (WMO_SOURCE_DIR), for catalogs/ and the like.
std::string SourceDir();

// The text of a file.
std::string ReadFile(const std::string& path);

}  // namespace wmo::testing

#endif  // WMO_LIBS_TESTING_TEMP_DIR_H_
