#!/usr/bin/python3
"""The PostgreSQL registry against the SQLite one, on this machine (called by bench/compare.sh).

usage: postgres_compare.py HWTOTP_BINARY [--quick]

Starts a throwaway PostgreSQL server (initdb + pg_ctl from the newest /usr/lib/postgresql, as
nobody when run as root, listening only on a Unix socket in a temporary directory; fsync stays
on, as in production) and prints a Markdown table:
  - verify --token, one process per verify, PostgreSQL over the socket vs the SQLite registry,
    runs alternating (median; the target: PostgreSQL within 2x);
  - 8 concurrent verifiers on PostgreSQL: verifies per second, p99 latency, and the count of
    codes accepted twice (each code is verified by two workers at once: must be 0);
  - verify --token on a PostgreSQL registry of 100,000 tokens vs one of 10;
  - import of 10,000 keys into PostgreSQL vs into SQLite.
"""
import glob
import hashlib
import hmac
import os
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time

SCAN_TIME = 1700000000


def token_seed(i):
    return hashlib.sha1(b"hwtotp bench token %d" % i).digest()


def totp(seed, step):
    mac = hmac.new(seed, struct.pack(">Q", step), hashlib.sha1).digest()
    off = mac[-1] & 0x0F
    return str((struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF) % 10 ** 6).zfill(6)


def write_csv(path, count):
    with open(path, "w") as f:
        for i in range(count):
            f.write("TOK%08d,%s\n" % (i, token_seed(i).hex()))


class Server:
    """A throwaway server in `work`; stopped by stop()."""

    def __init__(self, work):
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                      key=lambda p: int(p.split("/")[4]))
        if not bins:
            raise RuntimeError("no PostgreSQL server under /usr/lib/postgresql")
        self.bin = os.path.dirname(bins[-1])
        self.dir = tempfile.mkdtemp(prefix="hwtotp-pgb-", dir="/tmp")
        self.prefix = []
        if os.geteuid() == 0:
            os.chown(self.dir, 65534, 65534)
            self.prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        self.tool("initdb", "-D", self.dir + "/data", "-U", "hwtotp", "--auth=trust", "-E",
                  "UTF8", "--no-instructions")
        self.tool("pg_ctl", "-D", self.dir + "/data", "-l", self.dir + "/log", "-w", "-o",
                  "-c listen_addresses='' -c unix_socket_directories=%s -c max_connections=50"
                  % self.dir, "start")
        self.count = 0

    def tool(self, name, *args):
        subprocess.run(self.prefix + [os.path.join(self.bin, name)] + list(args), check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def database(self):
        self.count += 1
        name = "bench%d" % self.count
        subprocess.run([os.path.join(self.bin, "psql"), "-q", "-d",
                        "postgresql:///postgres?host=%s&user=hwtotp" % self.dir, "-c",
                        "CREATE DATABASE " + name], check=True)
        return "postgresql:///%s?host=%s&user=hwtotp" % (name, self.dir)

    def stop(self):
        self.tool("pg_ctl", "-D", self.dir + "/data", "-m", "fast", "-w", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)


def verify(hw, env, db, serial, t):
    code = totp(token_seed(serial), t // 30)
    start = time.perf_counter()
    proc = subprocess.run([hw, "--db", db, "verify", "--token", "TOK%08d" % serial, "--time",
                           str(t), code], env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
    return time.perf_counter() - start, proc.returncode


def timed(cmd, env):
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def imported(hw, env, db, csv):
    return timed([hw, "--db", db, "import", csv], env)


def single_verifies(hw, env, dbs, sizes, runs):
    """Median wall time of one verify per registry, alternating between them."""
    times = {db: [] for db in dbs}
    for i in range(runs):
        order = dbs if i % 2 == 0 else dbs[::-1]
        for db in order:
            serial = (i * 7919) % sizes[db]
            t = SCAN_TIME + 30 * (i // 10) * 4 + 30 * 1000 * (i % 10)
            wall, code = verify(hw, env, db, serial, t)
            if code != 0:
                sys.exit("verify on %s exited %d" % (db, code))
            times[db].append(wall)
    return {db: statistics.median(v) for db, v in times.items()}


def concurrent_verifiers(hw, env, db, size, workers, jobs):
    """`workers` threads, each job (token, time) verified by two workers at once."""
    queue = []
    for k in range(jobs):
        job = (k % size, SCAN_TIME + 30 * 10 * (k // size))
        queue += [job, job]
    lock = threading.Lock()
    latencies, accepted, errors = [], {}, []

    def worker():
        while True:
            with lock:
                if not queue:
                    return
                serial, t = queue.pop(0)
            wall, code = verify(hw, env, db, serial, t)
            with lock:
                latencies.append(wall)
                if code == 0:
                    accepted[(serial, t)] = accepted.get((serial, t), 0) + 1
                elif code != 5:
                    errors.append(code)

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    start = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    elapsed = time.perf_counter() - start
    latencies.sort()
    p99 = latencies[int(0.99 * (len(latencies) - 1))]
    double = sum(1 for n in accepted.values() if n > 1)
    return len(latencies) / elapsed, p99, double, len(accepted), errors


def main():
    args = sys.argv[1:]
    hw = os.path.abspath(args[0])
    quick = "--quick" in args
    runs = 20 if quick else 60
    work = tempfile.mkdtemp(prefix="hwtotp-pgbench-")
    env = dict(os.environ, HWTOTP_KEY_FILE=os.path.join(work, "tokens.key"))
    server = Server(work)
    try:
        csv10, csv10k, csv100k = (os.path.join(work, "t%d.csv" % n) for n in (10, 10000, 100000))
        write_csv(csv10, 10)
        write_csv(csv10k, 10_000)
        write_csv(csv100k, 100_000)
        sqlite10 = os.path.join(work, "small.db")
        pg10, pg100k = server.database(), server.database()
        for db, csv in ((sqlite10, csv10), (pg10, csv10), (pg100k, csv100k)):
            imported(hw, env, db, csv)
        sizes = {sqlite10: 10, pg10: 10, pg100k: 100_000}
        single = single_verifies(hw, env, [sqlite10, pg10, pg100k], sizes, runs)

        # Import of 10,000 keys, alternating, each into a fresh registry.
        imports = {"sqlite": [], "postgres": []}
        for i in range(3 if quick else 5):
            for kind in (("sqlite", "postgres") if i % 2 == 0 else ("postgres", "sqlite")):
                db = os.path.join(work, "imp%d.db" % i) if kind == "sqlite" else server.database()
                imports[kind].append(imported(hw, env, db, csv10k))
        imp = {k: statistics.median(v) for k, v in imports.items()}

        conc_db = server.database()
        imported(hw, env, conc_db, csv10)
        vps, p99, double, codes, errors = concurrent_verifiers(hw, env, conc_db, 10, 8,
                                                               40 if quick else 120)
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)

    print("| PostgreSQL registry (Unix socket) | PostgreSQL | SQLite / reference | ratio | notes |")
    print("|---|---|---|---|---|")
    print("| verify --token, registry of 10 | %.1f ms | %.1f ms (SQLite) | %.2f× | median of %d "
          "each, alternating; target ≤ 2× |"
          % (single[pg10] * 1e3, single[sqlite10] * 1e3, single[pg10] / single[sqlite10], runs))
    print("| verify --token, registry of 100,000 | %.1f ms | %.1f ms (PostgreSQL, 10 tokens) "
          "| %.2f× | target ≤ 1× (no growth) |"
          % (single[pg100k] * 1e3, single[pg10] * 1e3, single[pg100k] / single[pg10]))
    print("| import 10,000 keys (one transaction) | %.2f s | %.2f s (SQLite) | %.2f× | median of "
          "%d each |" % (imp["postgres"], imp["sqlite"], imp["postgres"] / imp["sqlite"],
                         len(imports["sqlite"])))
    print("| 8 concurrent verifiers, each code twice at once | %.0f verifies/s, p99 %.1f ms "
          "| - | - | %d codes, %d accepted twice, %d errors (exit 4) |"
          % (vps, p99 * 1e3, codes, double, len(errors)))
    if double or errors:
        sys.exit("postgres_compare: a code was accepted twice or a verify failed")


if __name__ == "__main__":
    main()
