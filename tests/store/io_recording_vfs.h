#pragma once
// An SQLite VFS for tests that records, in order, the writes and syncs SQLite makes to the
// files it opens, and otherwise passes every call to the default ("unix") VFS. While an
// IoRecording lives it is the default VFS of the test process, so a Registry opened meanwhile
// uses it without knowing.

#include <string>
#include <vector>

namespace hwtotp::store::test {

class IoRecording {
  public:
    IoRecording();
    IoRecording(const IoRecording&) = delete;
    IoRecording& operator=(const IoRecording&) = delete;
    ~IoRecording();  // the unix VFS is the default again

    // "write <suffix>", "truncate <suffix>" or "sync <suffix>" per call since the last clear(),
    // where <suffix> is "db", "wal" or "journal" (the file's kind, not its path).
    [[nodiscard]] const std::vector<std::string>& events() const;
    void clear();
};

}  // namespace hwtotp::store::test
