#include "io_recording_vfs.h"

#include <sqlite3.h>

#include <cstdlib>
#include <cstring>
#include <string_view>

namespace hwtotp::store::test {
namespace {

// Test-only state: one recording at a time (the constructor aborts on a second).
std::vector<std::string>* recorded = nullptr;
sqlite3_vfs* real_vfs = nullptr;
sqlite3_vfs recording_vfs{};

// A file of ours: the real VFS's file follows it in the same allocation (szOsFile).
struct RecordingFile {
    sqlite3_file base;
    const char* kind;
    sqlite3_file* real() { return reinterpret_cast<sqlite3_file*>(this + 1); }
};

RecordingFile* as_recording(sqlite3_file* file) {
    return reinterpret_cast<RecordingFile*>(file);
}

void note(sqlite3_file* file, const char* what) {
    if (recorded != nullptr)
        recorded->push_back(std::string(what) + " " + as_recording(file)->kind);
}

const sqlite3_io_methods* real_methods(sqlite3_file* file) {
    return as_recording(file)->real()->pMethods;
}

int file_close(sqlite3_file* f) {
    return real_methods(f)->xClose(as_recording(f)->real());
}
int file_read(sqlite3_file* f, void* buffer, int amount, sqlite3_int64 offset) {
    return real_methods(f)->xRead(as_recording(f)->real(), buffer, amount, offset);
}
int file_write(sqlite3_file* f, const void* buffer, int amount, sqlite3_int64 offset) {
    note(f, "write");
    return real_methods(f)->xWrite(as_recording(f)->real(), buffer, amount, offset);
}
int file_truncate(sqlite3_file* f, sqlite3_int64 size) {
    note(f, "truncate");
    return real_methods(f)->xTruncate(as_recording(f)->real(), size);
}
int file_sync(sqlite3_file* f, int flags) {
    note(f, "sync");
    return real_methods(f)->xSync(as_recording(f)->real(), flags);
}
int file_size(sqlite3_file* f, sqlite3_int64* size) {
    return real_methods(f)->xFileSize(as_recording(f)->real(), size);
}
int file_lock(sqlite3_file* f, int level) {
    return real_methods(f)->xLock(as_recording(f)->real(), level);
}
int file_unlock(sqlite3_file* f, int level) {
    return real_methods(f)->xUnlock(as_recording(f)->real(), level);
}
int file_check_reserved(sqlite3_file* f, int* out) {
    return real_methods(f)->xCheckReservedLock(as_recording(f)->real(), out);
}
int file_control(sqlite3_file* f, int op, void* arg) {
    return real_methods(f)->xFileControl(as_recording(f)->real(), op, arg);
}
int file_sector_size(sqlite3_file* f) {
    return real_methods(f)->xSectorSize(as_recording(f)->real());
}
int file_device(sqlite3_file* f) {
    return real_methods(f)->xDeviceCharacteristics(as_recording(f)->real());
}
int file_shm_map(sqlite3_file* f, int page, int size, int extend, void volatile** out) {
    return real_methods(f)->xShmMap(as_recording(f)->real(), page, size, extend, out);
}
int file_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
    return real_methods(f)->xShmLock(as_recording(f)->real(), offset, n, flags);
}
void file_shm_barrier(sqlite3_file* f) {
    real_methods(f)->xShmBarrier(as_recording(f)->real());
}
int file_shm_unmap(sqlite3_file* f, int remove) {
    return real_methods(f)->xShmUnmap(as_recording(f)->real(), remove);
}
int file_fetch(sqlite3_file* f, sqlite3_int64 offset, int amount, void** out) {
    return real_methods(f)->xFetch(as_recording(f)->real(), offset, amount, out);
}
int file_unfetch(sqlite3_file* f, sqlite3_int64 offset, void* page) {
    return real_methods(f)->xUnfetch(as_recording(f)->real(), offset, page);
}

const sqlite3_io_methods recording_methods{
    3,           file_close,   file_read,     file_write,          file_truncate,  file_sync,
    file_size,   file_lock,    file_unlock,   file_check_reserved, file_control,   file_sector_size,
    file_device, file_shm_map, file_shm_lock, file_shm_barrier,    file_shm_unmap, file_fetch,
    file_unfetch};

const char* kind_of(int flags) {
    if ((flags & SQLITE_OPEN_WAL) != 0)
        return "wal";
    if ((flags & SQLITE_OPEN_MAIN_DB) != 0)
        return "db";
    return "journal";
}

int open_file(sqlite3_vfs* /*vfs*/, sqlite3_filename name, sqlite3_file* file, int flags,
              int* out_flags) {
    auto* ours = as_recording(file);
    ours->kind = kind_of(flags);
    ours->base.pMethods = nullptr;
    const int rc = real_vfs->xOpen(real_vfs, name, ours->real(), flags, out_flags);
    if (ours->real()->pMethods != nullptr)
        ours->base.pMethods = &recording_methods;  // xClose is then called, even on failure
    return rc;
}

}  // namespace

IoRecording::IoRecording() {
    if (recorded != nullptr)
        std::abort();  // test bug: one recording at a time
    static std::vector<std::string> events;
    events.clear();
    recorded = &events;
    real_vfs = sqlite3_vfs_find("unix");
    recording_vfs = *real_vfs;
    recording_vfs.zName = "hwtotp-test-io-recording";
    recording_vfs.szOsFile = static_cast<int>(sizeof(RecordingFile)) + real_vfs->szOsFile;
    recording_vfs.xOpen = open_file;
    recording_vfs.pNext = nullptr;
    sqlite3_vfs_register(&recording_vfs, 1);
}

IoRecording::~IoRecording() {
    sqlite3_vfs_register(real_vfs, 1);
    sqlite3_vfs_unregister(&recording_vfs);
    recorded = nullptr;
}

const std::vector<std::string>& IoRecording::events() const {
    return *recorded;
}

void IoRecording::clear() {
    recorded->clear();
}

}  // namespace hwtotp::store::test
