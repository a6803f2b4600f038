#!/usr/bin/python3
"""Runs hwtotp and the reference implementations side by side and prints a table of medians.

Called by bench/compare.sh (which installs the references and builds hwtotp first).
usage: compare.py HWTOTP_BINARY ENGINE_BENCH_BINARY [--quick] [--runs N] [--keep] [--only export]

Every comparison alternates the two programs run by run (A B, B A, A B ...), so that a change in
machine load during the benchmark hits both sides alike; the table reports medians and the ratio
of medians. Wall time is what the targets are about; CPU time (user + sys of the child, from
wait4) is printed too because it is far less sensitive to other work on a loaded machine.
Peak RSS comes from GNU time (/usr/bin/time -f %M).
"""
import hashlib
import hmac
import json
import os
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time

PSK = "12345678901234567890123456789012"
RFC_SEED_HEX = "3132333435363738393031323334353637383930"  # RFC 6238 SHA-1 seed
SCAN_TIME = 1700000000
SCAN_RADIUS = 5_000_000
HERE = os.path.dirname(os.path.abspath(__file__))


class Run:
    def __init__(self, wall, cpu, rss_kib, code):
        self.wall, self.cpu, self.rss_kib, self.code = wall, cpu, rss_kib, code


def run(cmd, env=None, expect=(0,), rss=False, stdout=subprocess.DEVNULL):
    """One timed run: wall clock around fork..wait4, CPU from the child's rusage."""
    full = (["/usr/bin/time", "-f", "%M", "-o", RSS_FILE] if rss else []) + cmd
    start = time.perf_counter()
    proc = subprocess.Popen(full, env=env, stdout=stdout, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in expect:
        sys.exit("compare: %s exited %d (expected %s): %s"
                 % (" ".join(cmd), proc.returncode, expect, err.strip()))
    peak = None
    if rss:
        with open(RSS_FILE) as f:
            peak = int(f.read().split()[-1])
    return Run(wall, usage.ru_utime + usage.ru_stime, peak, proc.returncode)


def alternate(runs, a, b):
    """Runs a() and b() `runs` times each, alternating which goes first."""
    ra, rb = [], []
    for i in range(runs):
        if i % 2 == 0:
            ra.append(a())
            if b:
                rb.append(b())
        else:
            if b:
                rb.append(b())
            ra.append(a())
    return ra, rb


def med(runs, field="wall"):
    values = [getattr(r, field) for r in runs]
    return None if None in values else statistics.median(values)


def fmt_time(seconds):
    if seconds < 0.1:
        return "%.1f ms" % (seconds * 1000)
    return "%.2f s" % seconds


ROWS = []


def row(name, ours, ref, ref_label, note=""):
    ROWS.append((name, ours, ref, ref_label, note))


def totp(seed, step, digits=6):
    mac = hmac.new(seed, struct.pack(">Q", step), hashlib.sha1).digest()
    off = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF
    return str(value % 10 ** digits).zfill(digits)


def token_seed(i):
    return hashlib.sha1(b"hwtotp bench token %d" % i).digest()


def write_csv(path, count):
    with open(path, "w") as f:
        for i in range(count):
            f.write("TOK%08d,%s\n" % (i, token_seed(i).hex()))


def machine_floor(work):
    """What this machine charges for the two things no program here avoids: a durable commit
    (one fdatasync of a 16 KiB append, as a WAL commit does) and touching a fresh page of memory
    (a page fault: starting a process that maps OpenSSL and SQLite touches several hundred)."""
    import mmap
    path = os.path.join(work, "sync-probe")
    syncs = []
    with open(path, "wb") as f:
        for _ in range(21):
            f.write(b"\0" * 16384)
            f.flush()
            start = time.perf_counter()
            os.fdatasync(f.fileno())
            syncs.append(time.perf_counter() - start)
    os.unlink(path)
    pages = 4096
    faults = []
    for _ in range(7):
        area = mmap.mmap(-1, pages * mmap.PAGESIZE)
        start = time.perf_counter()
        for i in range(0, pages * mmap.PAGESIZE, mmap.PAGESIZE):
            area[i] = 1
        faults.append((time.perf_counter() - start) / pages)
        area.close()
    return statistics.median(syncs), statistics.median(faults)


FLOOR = None


def main():
    global RSS_FILE
    args = sys.argv[1:]
    if len(args) < 2:
        sys.exit(__doc__)
    hw, engine_bench = os.path.abspath(args[0]), os.path.abspath(args[1])
    quick = "--quick" in args
    keep = "--keep" in args
    runs = 3 if quick else 5
    if "--runs" in args:
        runs = int(args[args.index("--runs") + 1])
    slow_runs = 1 if quick else 3  # for references that take many seconds per run

    work = tempfile.mkdtemp(prefix="hwtotp-compare-")
    RSS_FILE = os.path.join(work, "rss")
    env = dict(os.environ)
    env["HWTOTP_KEY_FILE"] = os.path.join(work, "master.key")
    env.pop("HWTOTP_DB", None)
    try:
        if "--only" in args and args[args.index("--only") + 1] == "export":
            bench_export(hw, work, env, runs, slow_runs)
            print_table(quick, runs)
        else:
            bench(hw, engine_bench, work, env, runs, slow_runs, quick)
    finally:
        if keep:
            print("inputs kept in", work)
        else:
            shutil.rmtree(work)


def bench(hw, engine_bench, work, env, runs, slow_runs, quick):
    step = lambda msg: print("compare: " + msg, file=sys.stderr, flush=True)

    # 1. Window scan: an 8-digit code absent from +-5,000,000 steps, so every step is computed.
    step("window scan (%d runs, oathtool %d)" % (runs, slow_runs))
    ours_cmd = [hw, "verify", "--hex", RFC_SEED_HEX, "--digits", "8", "--window",
                str(SCAN_RADIUS), "--time", str(SCAN_TIME), "00000000"]
    ref_cmd = ["oathtool", "--totp", "-d", "8", "-w", str(SCAN_RADIUS), "-N",
               "@%d" % SCAN_TIME, RFC_SEED_HEX, "00000000"]
    ours, ref = [], []
    for i in range(max(runs, slow_runs)):
        pair = [lambda: ours.append(run(ours_cmd, expect=(1,)))]
        if i < slow_runs:
            pair.append(lambda: ref.append(run(ref_cmd, expect=(1, 2))))  # 2: not found
        for f in (pair if i % 2 == 0 else reversed(pair)):
            f()
    codes = 2 * SCAN_RADIUS + 1
    row("verify, 8 digits, ±5,000,000 steps (10 M codes)", ours, ref,
        "oathtool -w 5000000",
        "%.1f M codes/s vs %.2f M codes/s" % (codes / med(ours) / 1e6, codes / med(ref) / 1e6))
    oath_wall_rate, oath_cpu_rate = codes / med(ref), codes / med(ref, "cpu")

    # 2. resync --search-window all (~80 M steps, two codes).
    resync_help = subprocess.run([hw, "resync", "--help"], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL).returncode == 0
    if resync_help:
        step("resync --search-window all (%d runs)" % slow_runs)
        cmd = [hw, "resync", "--hex", RFC_SEED_HEX, "--code1", "000000", "--code2", "000001",
               "--search-window", "all", "--time", str(SCAN_TIME)]
        ours = [run(cmd, expect=(0, 1)) for _ in range(slow_runs)]
        steps = None
        out = subprocess.run(cmd[:1] + ["--json"] + cmd[1:], capture_output=True, text=True)
        try:
            steps = json.loads(out.stdout)["steps_searched"]
        except (ValueError, KeyError):
            steps = (SCAN_TIME + 20 * 36525 * 864) // 30
        est = Run(steps / oath_wall_rate, steps / oath_cpu_rate, None, 0)
        row("resync --search-window all (%.0f M steps)" % (steps / 1e6), ours, [est],
            "oathtool, extrapolated*",
            "*oathtool has no resync: steps / its codes/s measured in the window scan above")
    else:
        step("resync: not in this build; engine_bench find_consecutive over 80 M steps")
        out = subprocess.run([engine_bench, "--benchmark_filter=FindConsecutiveAll",
                              "--benchmark_format=json"], capture_output=True, text=True,
                             check=True)
        b = json.loads(out.stdout)["benchmarks"][0]
        unit = {"ms": 1e-3, "s": 1.0, "us": 1e-6, "ns": 1e-9}[b["time_unit"]]
        # Google Benchmark's CPU time is the main thread's only: not comparable, left out.
        t = Run(b["real_time"] * unit, None, None, 0)
        steps = 80_000_000
        est = Run(steps / oath_wall_rate, steps / oath_cpu_rate, None, 0)
        row("find_consecutive, 80 M steps, 2 threads (engine_bench)", [t], [est],
            "oathtool, extrapolated*",
            "*no resync command in this build; oathtool: steps / its codes/s measured in the "
            "window scan above")

    # 3. PSKC import into a new registry vs python-pskc reading + decrypting the same file.
    for count, n_ours, n_ref in ((10_000, runs, slow_runs), (100_000, 1 if quick else 3, 0)):
        path = os.path.join(work, "keys%d.pskcxml" % count)
        step("writing %d keys with python-pskc" % count)
        subprocess.run([os.path.join(HERE, "make_pskc.py"), str(count), path, PSK], check=True)
        db = os.path.join(work, "import.db")

        def ours_import():
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(db + suffix):
                    os.unlink(db + suffix)
            if os.path.exists(env["HWTOTP_KEY_FILE"]):
                os.unlink(env["HWTOTP_KEY_FILE"])
            return run([hw, "--db", db, "import", path, "--key", PSK], env=env, rss=True)

        def ref_read():
            return run([os.path.join(HERE, "python_pskc_read.py"), path, PSK], rss=True)

        step("import of %d keys (%d runs, python-pskc %d)" % (count, n_ours, n_ref))
        ours, ref = [], []
        for i in range(max(n_ours, n_ref)):
            pair = [lambda: ours.append(ours_import())]
            if i < n_ref:
                pair.append(lambda: ref.append(ref_read()))
            for f in (pair if i % 2 == 0 else reversed(pair)):
                f()
        rss = "peak RSS %.1f MiB" % (max(r.rss_kib for r in ours) / 1024)
        if ref:
            rss += " vs %.1f MiB" % (max(r.rss_kib for r in ref) / 1024)
        row("import %d PSKC keys (AES-128-CBC + HMAC-SHA1) into a new registry" % count, ours,
            ref, "python-pskc read + decrypt" if ref else "-",
            rss + "; %.0f keys/s" % (count / med(ours)))
        os.unlink(path)

    # 4. PSKC export under a password vs python-pskc writing the same tokens the same way.
    bench_export(hw, work, env, runs, slow_runs)

    # 5. verify --token end to end, registries of 10 and of 100,000 tokens.
    results = {}
    for size in (10, 100_000):
        step("registry of %d tokens" % size)
        csv = os.path.join(work, "tokens%d.csv" % size)
        db = os.path.join(work, "reg%d.db" % size)
        write_csv(csv, size)
        subprocess.run([hw, "--db", db, "import", csv], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        results[size] = db
    n = max(runs, 5) * 4  # process start is cheap: more runs, steadier median
    step("verify --token (%d runs each, alternating registries)" % n)
    small, large = [], []
    for i in range(n):
        for size, out in ((10, small), (100_000, large))[:: 1 if i % 2 == 0 else -1]:
            serial = i % size if size == 10 else (i * 7919) % size
            # Each token is verified once per registry size at its own time: no replay, and
            # the 10-token registry cycles through later steps.
            t = SCAN_TIME + 30 * (i // 10) * 4
            code = totp(token_seed(serial), t // 30)
            out.append(run([hw, "--db", results[size], "verify", "--token", "TOK%08d" % serial,
                            "--time", str(t), code], env=env))
    row("verify --token (start, open, decrypt, verify, record)", small, large,
        "same, registry of 100,000",
        "registry of 10 (left) vs 100,000 (right); ratio ~1 = no growth")
    start, true = alternate(n, lambda: run([hw, "--version"]), lambda: run(["/bin/true"]))
    row("hwtotp --version (process start floor)", start, true, "/bin/true",
        "what starting any process costs on this machine now")
    global FLOOR
    FLOOR = machine_floor(work)

    print_table(quick, runs)


def bench_export(hw, work, env, runs, slow_runs):
    """export --format pskc --password-file of 10,000 tokens against python-pskc writing them
    from a CSV with the same protection (PBKDF2-HMAC-SHA256 at python-pskc's default 100,000
    iterations, AES-128-CBC, HMAC-SHA256 value MACs); and hwtotp's peak RSS at 10,000 and
    100,000 tokens."""
    step = lambda msg: print("compare: " + msg, file=sys.stderr, flush=True)
    password = os.path.join(work, "export.pw")
    with open(password, "w") as f:
        f.write("bench export password\n")
    os.chmod(password, 0o600)
    rss = {}
    # Short runs vary most with the machine: at least 20 of ours around the references.
    for count, n_ours, n_ref in ((10_000, max(runs, 20), max(slow_runs, 5) if slow_runs > 1
                                  else slow_runs), (100_000, 1, 0)):
        csv = os.path.join(work, "export%d.csv" % count)
        db = os.path.join(work, "export%d.db" % count)
        out = os.path.join(work, "export%d.pskcxml" % count)
        ref_out = os.path.join(work, "export%d-python.pskcxml" % count)
        step("registry of %d tokens to export" % count)
        write_csv(csv, count)
        subprocess.run([hw, "--db", db, "import", csv], env=env, check=True,
                       stdout=subprocess.DEVNULL)

        def ours_export():
            return run([hw, "--db", db, "export", "--format", "pskc", "--password-file",
                        password, "--all", "--force", "--output", out], env=env, rss=True)

        def ref_write():
            return run(["/usr/bin/python3", os.path.join(HERE, "python_pskc_write.py"), csv,
                        ref_out, "bench export password", "100000"], rss=True)

        # A python-pskc run takes seconds, one of ours a tenth of one: ours run on both sides
        # of every reference run, so that their samples spread over the same stretch of time
        # (a busy spell of the machine lands on both) and their median is not taken from a few
        # runs in one moment.
        per_ref = max(1, -(-n_ours // (2 * n_ref))) if n_ref else n_ours
        step("export of %d keys (%d runs, python-pskc %d)" %
             (count, 2 * per_ref * n_ref if n_ref else n_ours, n_ref))
        ours, ref = [], []
        for _ in range(n_ref):
            for _ in range(per_ref):
                ours.append(ours_export())
            ref.append(ref_write())
            for _ in range(per_ref):
                ours.append(ours_export())
        if not n_ref:
            for _ in range(n_ours):
                ours.append(ours_export())
        rss[count] = max(r.rss_kib for r in ours)
        note = "peak RSS %.1f MiB" % (rss[count] / 1024)
        if ref:
            note += " vs %.1f MiB" % (max(r.rss_kib for r in ref) / 1024)
        if count == 100_000:
            note += " (10,000: %.1f MiB)" % (rss[10_000] / 1024)
        row("export %d keys as PSKC under a password (PBKDF2 100,000, AES-128-CBC, "
            "HMAC-SHA256)" % count, ours, ref, "python-pskc write" if ref else "-",
            note + "; %.0f keys/s" % (count / med(ours)))


def print_table(quick, runs):
    if FLOOR:
        print("machine floor: one fdatasync of a 16 KiB append %.2f ms; one page fault "
              "(first touch of a page) %.1f us" % (FLOOR[0] * 1000, FLOOR[1] * 1e6))
    print()
    print("| benchmark | hwtotp | reference | wall ratio | hwtotp CPU | reference CPU "
          "| CPU ratio | notes |")
    print("|---|---|---|---|---|---|---|---|")
    for name, ours, ref, ref_label, note in ROWS:
        o = med(ours)
        cpu = med(ours, "cpu")
        ref_cpu = med(ref, "cpu") if ref else None
        if ref:
            r = med(ref)
            ref_text = "%s (%s, %d run%s)" % (fmt_time(r), ref_label, len(ref),
                                              "" if len(ref) == 1 else "s")
            ratio = "%.1f×" % (r / o)
        else:
            ref_text, ratio = "-", "-"
        cpu_ratio = "%.1f×" % (ref_cpu / cpu) if cpu and ref_cpu else "-"
        print("| %s | %s (%d run%s) | %s | %s | %s | %s | %s | %s |"
              % (name, fmt_time(o), len(ours), "" if len(ours) == 1 else "s", ref_text, ratio,
                 fmt_time(cpu) if cpu is not None else "-",
                 fmt_time(ref_cpu) if ref_cpu is not None else "-", cpu_ratio, note))
    print()
    print("medians; runs alternate between hwtotp and the reference%s; wall ratio = reference "
          "wall / hwtotp wall, CPU ratio = reference CPU / hwtotp CPU (user + sys, all threads)"
          % (" (--quick)" if quick else ""))


if __name__ == "__main__":
    main()
