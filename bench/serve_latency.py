#!/usr/bin/env python3
"""serve_latency.py MINISITE SITE [--edits 20] [--memory-edits 500] [--builds 3]

The driver of serve-latency.sh (see there). Python standard library only.

1. Full builds: `MINISITE build SITE -o OUT`, BUILDS times (output deleted before each, untimed);
   the median wall time is the reference.
2. `MINISITE serve SITE --port 0`; waits until it serves and its photo variants are ready.
3. Latency: subscribes to the reload stream (/__minisite/events) like the injected script, then
   saves one product's YAML EDITS times, alternating an in-place write and a write to a temporary
   file renamed over the product's file; the time from the end of the save to the `reload` event
   arriving on the stream is one sample. Median and spread are printed.
4. Memory: MEMORY_EDITS more saves, each waiting for its reload; the server's resident memory
   (VmRSS from /proc/PID/status) is printed every 50 saves.
Both full-build and serve figures come from this one run. Exit status 1 if a step fails.
"""
import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time


def full_builds(minisite, site, out, runs):
    walls = []
    for _ in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        subprocess.run(["sync"], check=False)
        t = time.perf_counter()
        subprocess.run([minisite, "build", site, "-o", out], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        walls.append(time.perf_counter() - t)
    return walls


class Serve:
    def __init__(self, minisite, site):
        self.proc = subprocess.Popen([minisite, "serve", site, "--port", "0"],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.lines = []
        self.cv = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            with self.cv:
                self.lines.append(line.rstrip("\n"))
                self.cv.notify_all()

    def wait_line(self, pattern, timeout=600):
        deadline = time.time() + timeout
        with self.cv:
            while True:
                for line in self.lines:
                    m = re.search(pattern, line)
                    if m:
                        return m
                left = deadline - time.time()
                if left <= 0:
                    raise SystemExit(f"serve printed no line matching {pattern!r}:\n" + "\n".join(self.lines))
                self.cv.wait(left)

    def rss_kib(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def stop(self):
        self.proc.send_signal(2)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class Events:
    """The reload stream, read as the browser's EventSource does."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.sendall(f"GET /__minisite/events HTTP/1.1\r\nHost: localhost:{port}\r\n"
                          "Accept: text/event-stream\r\n\r\n".encode())
        self.buf = b""
        self.next_event(": connected")

    def next_event(self, wanted, timeout=60):
        """Blocks until a line equal to `wanted` arrives; returns the time it was read."""
        self.sock.settimeout(timeout)
        while True:
            while b"\n" in self.buf:
                line, self.buf = self.buf.split(b"\n", 1)
                if line.decode(errors="replace").rstrip("\r") == wanted:
                    return time.perf_counter()
            chunk = self.sock.recv(65536)
            if not chunk:
                raise SystemExit("the event stream closed")
            self.buf += chunk


def save(path, text, by_rename):
    if by_rename:
        tmp = path + ".tmp-save"
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, path)
    else:
        with open(path, "w") as f:
            f.write(text)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("minisite")
    ap.add_argument("site")
    ap.add_argument("--edits", type=int, default=20)
    ap.add_argument("--memory-edits", type=int, default=500)
    ap.add_argument("--builds", type=int, default=3)
    a = ap.parse_args()
    site = os.path.abspath(a.site)
    out = site + "-build-out"
    products = sorted(os.listdir(os.path.join(site, "products")))
    product = os.path.join(site, "products", products[len(products) // 2])
    original = open(product).read()
    price = re.search(r"unit_price: ([0-9.]+)", original)
    if not price:
        raise SystemExit(f"{product}: no unit_price to edit")

    def edited(k):
        # A different first-tier price each time, so the page really changes.
        return original.replace(price.group(0), f"unit_price: {1000 + k}.{k % 100:02d}", 1)

    print(f"site: {site} ({len(products)} products); edited product: {os.path.basename(product)}")
    builds = full_builds(a.minisite, site, out, a.builds)
    build_median = statistics.median(builds)
    print("full build wall (s): " + " / ".join(f"{b:.3f}" for b in builds) + f"  median {build_median:.3f}")
    shutil.rmtree(out, ignore_errors=True)

    serve = Serve(a.minisite, site)
    try:
        port = int(serve.wait_line(r"http://127\.0\.0\.1:(\d+)/").group(1))
        serve.wait_line(r"Photo variants ready")
        events = Events(port)
        latencies = []
        k = 0
        for i in range(a.edits):
            k += 1
            save(product, edited(k), by_rename=(i % 2 == 1))
            t0 = time.perf_counter()
            t1 = events.next_event("event: reload")
            latencies.append(t1 - t0)
            time.sleep(0.2)
        med = statistics.median(latencies)
        print(f"save -> reload (ms), {a.edits} saves, in place / renamed over alternately:")
        print("  " + " ".join(f"{x * 1000:.0f}" for x in latencies))
        print(f"  median {med * 1000:.1f} ms, min {min(latencies) * 1000:.1f}, max {max(latencies) * 1000:.1f}")
        ratio = med / build_median
        print(f"median / full build = {ratio:.3f}  (bar: <= 0.1)  {'PASS' if ratio <= 0.1 else 'FAIL'}")

        if a.memory_edits:
            series = [(0, serve.rss_kib())]
            for i in range(1, a.memory_edits + 1):
                k += 1
                save(product, edited(k), by_rename=(i % 2 == 1))
                events.next_event("event: reload")
                if i % 50 == 0:
                    series.append((i, serve.rss_kib()))
            print(f"serve RSS over {a.memory_edits} saves (MiB): " +
                  ", ".join(f"{n}: {kib / 1024:.1f}" for n, kib in series))
            first = series[1][1] if len(series) > 1 else series[0][1]
            growth = (series[-1][1] - first) / 1024
            print(f"growth from save 50 to save {a.memory_edits}: {growth:+.1f} MiB "
                  f"({'flat' if abs(growth) <= max(5, first / 1024 * 0.05) else 'NOT flat'})")
    finally:
        with open(product, "w") as f:
            f.write(original)
        serve.stop()


if __name__ == "__main__":
    sys.exit(main())
