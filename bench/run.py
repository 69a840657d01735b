"""`make bench`: how fast civicdata's production server is, against the trivial-view ceiling.

Builds a site of generated content in its own database (var/bench/), serves it with gunicorn and
the production settings on 127.0.0.1:8821, and measures pages with wrk; then import_hugo and
export_hugo of a large generated site, and a worker's memory after many requests. Prints a
Markdown table and writes it to bench-results/latest.md. Never part of `make test` or CI: the
numbers depend on the machine.
"""

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bench.hugo_content import write_site

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench"
RESULTS = ROOT / "bench-results" / "latest.md"
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
PORT = 8821
CEILING_PORT = 8822
REDIS_PORT = 8829

SAMPLE_ESSAY = "/essays/whats-different-about-civil-society-data-initiatives/"
PAGES = {
    "Essay (sample)": SAMPLE_ESSAY,
    "/essays/": "/essays/",
    "/": "/",
    "Case study (sample)": "/portfolio/recidivism-data-sharing/",
    "Feed": "/feed/",
    "Search": "/search/?q=data+sharing",
}
# The pages the issue sets a target for with the page cache off.
COLD_TARGET_PAGES = ("Essay (sample)", "/essays/")


@dataclass
class Load:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of each wrk run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="wrk's threads")
    parser.add_argument("--essays", type=int, default=200, help="generated essays to serve")
    parser.add_argument("--sections", type=int, default=10, help="sections of each")
    parser.add_argument("--case-studies", type=int, default=50)
    parser.add_argument(
        "--rss-requests",
        type=int,
        default=int(os.environ.get("BENCH_RSS_REQUESTS", 100000)),
        help="requests before a worker's memory is read (the issue's target)",
    )
    parser.add_argument("--import-essays", type=int, default=1000)
    parser.add_argument("--import-sections", type=int, default=20)
    parser.add_argument("--skip-import", action="store_true", help="leave out import/export")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))  # so servers are stopped
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (Debian: apt-get install wrk); `make bench` installs it.")

    if WORK.exists():
        shutil.rmtree(WORK)
    WORK.mkdir(parents=True)
    env = production_env(f"sqlite:///{WORK / 'site.sqlite3'}")
    started = time.monotonic()
    load_before = os.getloadavg()[0]

    say(f"Building the bench site: the sample and {args.essays} essays x {args.sections} sections")
    content = write_site(
        WORK / "site-content",
        essays=args.essays,
        sections=args.sections,
        case_studies=args.case_studies,
    )
    manage(env, "collectstatic", "--noinput", "-v0")
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "import_hugo", str(ROOT / "demo-content"), str(content))

    with Redis() as cache_url:
        # As in production: the page cache and the content generation in a Redis every worker
        # shares (README: Caching); without redis-server, each worker's memory.
        env = {**env, "CACHE_URL": cache_url} if cache_url else {**env, "PAGE_CACHE": "1"}
        rows, page_bytes, page_cache_works = measure_site(env, args)
        say(f"Worker memory after {args.rss_requests} requests (workers never replaced)")
        memory = worker_memory({**env, "PAGE_CACHE": "1"}, args)

    batch = None
    if not args.skip_import:
        say(f"import_hugo of {args.import_essays} essays x {args.import_sections} sections")
        batch = import_export(args)

    report = render_report(
        args=args,
        rows=rows,
        page_bytes=len(page_bytes),
        page_cache_works=page_cache_works,
        cache_url=bool(cache_url),
        memory=memory,
        batch=batch,
        minutes=(time.monotonic() - started) / 60,
        load_averages=(load_before, os.getloadavg()[0]),
    )
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(report, encoding="utf-8")
    print(report)
    say(f"Written to {RESULTS.relative_to(ROOT)}")


def measure_site(env, args):
    """The pages with the page cache on and off, each measured right after the ceiling.

    This machine's speed can change by half from one minute to the next, so each page is
    compared with a ceiling run made just before it, not with one run for the whole table."""
    on_env = {**env, "PAGE_CACHE": "1"}
    off_env = {**env, "PAGE_CACHE": "0"}
    with Server(on_env) as server:
        page_bytes = fetch(SAMPLE_ESSAY)
    (WORK / "ceiling.html").write_bytes(page_bytes)
    ceiling_env = {
        **env,
        "DJANGO_SETTINGS_MODULE": "bench.ceiling_settings",
        "BENCH_CEILING_PAGE": str(WORK / "ceiling.html"),
        "GUNICORN_BIND": f"{HOST}:{CEILING_PORT}",
    }
    rows = []
    with Server(ceiling_env, port=CEILING_PORT) as ceiling:
        for cache, page_env in (("on", on_env), ("off", off_env)):
            say(f"Page cache {cache}, each page after the ceiling (a trivial view, same bytes)")
            with Server(page_env) as server:
                for name, path in PAGES.items():
                    bound = ceiling.load("/", args)
                    load = server.load(path, args)
                    say(
                        f"{name}: {load.requests_per_second:,.0f} requests/s, p99 "
                        f"{load.p99_ms:.1f} ms; ceiling {bound.requests_per_second:,.0f}, p99 "
                        f"{bound.p99_ms:.1f} ms"
                    )
                    rows.append([name, cache, load, bound])
    queries = {"on": count_queries(on_env), "off": count_queries(off_env)}
    for row in rows:
        name, cache = row[:2]
        row.append(queries[cache][PAGES[name]]["again"])
    works = queries["on"][SAMPLE_ESSAY]["again"] < queries["off"][SAMPLE_ESSAY]["again"]
    return rows, page_bytes, works


class Redis:
    """A throwaway redis-server on 127.0.0.1:REDIS_PORT, kept in memory only; yields its
    CACHE_URL, or None when redis-server is not installed."""

    def __enter__(self):
        self.process = None
        if not shutil.which("redis-server"):
            return None
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--bind",
                HOST,
                "--port",
                str(REDIS_PORT),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        time.sleep(0.5)
        return f"redis://{HOST}:{REDIS_PORT}/0"

    def __exit__(self, *exc):
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=30)


def production_env(database_url):
    """The environment `make serve` gives the site, on the bench's database and port."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "civicdata.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",  # plain HTTP on the loopback, as behind a proxy
        "DATABASE_URL": database_url,
        "GUNICORN_BIND": f"{HOST}:{PORT}",
        "GUNICORN_ACCESS_LOG": str(WORK / "access.log"),
    }


def manage(env, *command):
    subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def say(message):
    print(f"== {message}", file=sys.stderr, flush=True)


def fetch(path, port=PORT):
    with urllib.request.urlopen(f"http://{HOST}:{port}{path}", timeout=60) as response:
        return response.read()


class Server:
    """gunicorn with the checked-in gunicorn.conf.py, started and stopped around a block."""

    def __init__(self, env, port=PORT):
        self.env = env
        self.port = port
        self.process = None

    def __enter__(self):
        self.process = subprocess.Popen(
            [BIN / "gunicorn", "civicdata.wsgi"],
            cwd=ROOT,
            env=self.env,
            stderr=open(WORK / "gunicorn.log", "ab"),
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"gunicorn stopped: see {WORK / 'gunicorn.log'}")
            try:
                fetch("/", self.port)
                return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        sys.exit("gunicorn did not answer within 60 seconds")

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)

    def workers(self):
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def load(self, path, args, *, duration=None, script=None):
        """wrk against one path; warmed first with a short run."""
        url = f"http://{HOST}:{self.port}{path}"
        # A response slower than wrk's 2 s default would count as an error, not as latency.
        command = [
            "wrk",
            f"-t{args.threads}",
            f"-c{args.connections}",
            "--latency",
            "--timeout=30s",
        ]
        if script:
            command += ["-s", str(script)]
        if duration is None:
            subprocess.run([*command, "-d2s", url], check=True, capture_output=True)
        output = subprocess.run(
            [*command, f"-d{duration or args.duration}s", url],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        return parse_wrk(output)


def measure_pages(server, args):
    results = {}
    for name, path in PAGES.items():
        results[name] = load = server.load(path, args)
        say(f"{name}: {load.requests_per_second:,.0f} requests/s, p99 {load.p99_ms:.1f} ms")
    return results


MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def parse_wrk(output):
    def latency(percent):
        value, unit = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
        return float(value) * MS[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return Load(
        requests_per_second=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        p50_ms=latency(50),
        p99_ms=latency(99),
        requests=int(re.search(r"(\d+) requests in", output).group(1)),
        errors=int(errors.group(1) if errors else 0)
        + (sum(int(count) for count in socket_errors.groups()) if socket_errors else 0),
    )


def count_queries(env):
    output = subprocess.run(
        [sys.executable, "-m", "bench.count_queries", *PAGES.values()],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output)


def rss_mb(pid):
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024


def worker_memory(env, args):
    """Each worker's resident memory after warming up and after `rss_requests` requests spread
    over every essay, case study and list (max_requests off, so no worker is replaced)."""
    paths = [*PAGES.values(), *(f"/essays/bench-essay-{n:04d}/" for n in range(1, args.essays + 1))]
    paths += [f"/portfolio/bench-case-{n:03d}/" for n in range(args.case_studies)]
    script = WORK / "rotate.lua"
    script.write_text(
        "local paths = {" + ", ".join(json.dumps(p) for p in paths) + "}\n"
        "local i = 0\n"
        "request = function()\n"
        "  i = i % #paths + 1\n"
        "  return wrk.format(nil, paths[i])\n"
        "end\n"
    )
    with Server({**env, "GUNICORN_MAX_REQUESTS": "0"}) as server:
        warm = server.load("/", args, duration=3, script=script)
        before = {pid: rss_mb(pid) for pid in server.workers()}
        served = 0
        while served < args.rss_requests:
            # wrk runs for a time, not a number of requests: aim at what is left.
            seconds = min(max(2, (args.rss_requests - served) / warm.requests_per_second), 120)
            load = server.load("/", args, duration=round(seconds + 0.5), script=script)
            served += load.requests
        after = {pid: rss_mb(pid) for pid in server.workers()}
    return {"before": before, "after": after, "requests": served}


def import_export(args):
    content = write_site(
        WORK / "import-content",
        essays=args.import_essays,
        sections=args.import_sections,
        case_studies=0,
    )
    env = production_env(f"sqlite:///{WORK / 'import.sqlite3'}")
    manage(env, "migrate", "--noinput", "-v0")
    results = {}
    for name, command in (
        ("import_hugo", ["import_hugo", str(content)]),
        ("export_hugo", ["export_hugo", str(WORK / "export")]),
    ):
        output = subprocess.run(
            [sys.executable, "-m", "bench.peak_memory", sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        results[name] = json.loads(output)
        if results[name]["returncode"]:
            sys.exit(f"{name} failed in the benchmark")
    exported = sum(1 for _ in (WORK / "export" / "essays").glob("*.md"))
    results["exported"] = exported
    return results


def render_report(
    *,
    args,
    rows,
    page_bytes,
    page_cache_works,
    cache_url,
    memory,
    batch,
    minutes,
    load_averages,
):
    def ratio(value, of):
        return f"{value / of:.0%}" if of else "–"

    def verdict(ok):
        return "met" if ok else "**not met**"

    lines = [
        "# civicdata benchmark",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M %Z')} on {machine()}, in {minutes:.1f} minutes "
        f"(load average {load_averages[0]:.1f} at the start, {load_averages[1]:.1f} at the end: "
        "anything else running on the machine lowers every number, the ceiling's too).",
        f"gunicorn.conf.py defaults (production settings, SQLite, "
        f"{'the cache in Redis' if cache_url else 'each worker caching in its own memory'}); "
        f"wrk -t{args.threads} "
        f"-c{args.connections} -d{args.duration}s after a 2 s warm-up; the site holds the sample "
        f"and {args.essays} generated essays of {args.sections} sections and "
        f"{args.case_studies} case studies.",
        "",
        "| Page | Page cache | Requests/s | p50 ms | p99 ms | Ceiling just before: req/s, p99 ms "
        "| Req/s vs ceiling | p99 vs ceiling | SQL queries | Errors |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, cache, load, bound, queries in rows:
        lines.append(
            f"| {name} | {cache} | {load.requests_per_second:,.0f} | {load.p50_ms:.2f} | "
            f"{load.p99_ms:.2f} | {bound.requests_per_second:,.0f}, {bound.p99_ms:.2f} "
            f"| {ratio(load.requests_per_second, bound.requests_per_second)} "
            f"| {load.p99_ms / bound.p99_ms:.1f}× | {queries} | {load.errors + bound.errors} |"
        )
    ceilings = sorted(row[3].requests_per_second for row in rows)
    lines += [
        "",
        f"The ceiling (a trivial Django view returning the sample essay's {page_bytes:,} bytes "
        f"under the same gunicorn and middleware) ran {ceilings[0]:,.0f}–{ceilings[-1]:,.0f} "
        "requests/s over the run: each page is compared with the ceiling run just before it.",
    ]
    by_key = {(name, cache): (load, bound) for name, cache, load, bound, _ in rows}
    essay, bound = by_key[("Essay (sample)", "on")]
    lines += ["", "| Target (issue 7) | Measured | |", "| --- | --- | --- |"]
    lines.append(
        f"| Cached essay ≥ 80% of the ceiling's req/s | "
        f"{ratio(essay.requests_per_second, bound.requests_per_second)} "
        f"| {verdict(essay.requests_per_second >= 0.8 * bound.requests_per_second)} |"
    )
    lines.append(
        f"| Cached essay p99 ≤ 2× the ceiling's | {essay.p99_ms / bound.p99_ms:.1f}× "
        f"| {verdict(essay.p99_ms <= 2 * bound.p99_ms)} |"
    )
    for name in COLD_TARGET_PAGES:
        load, bound = by_key[(name, "off")]
        lines.append(
            f"| {name}, page cache off, ≥ 25% of the ceiling | "
            f"{ratio(load.requests_per_second, bound.requests_per_second)} "
            f"| {verdict(load.requests_per_second >= 0.25 * bound.requests_per_second)} |"
        )
    if batch:
        imported, exported = batch["import_hugo"], batch["export_hugo"]
        lines.append(
            f"| import_hugo, {args.import_essays} essays × {args.import_sections} sections "
            f"(SQLite) < 60 s | {imported['seconds']:.1f} s | {verdict(imported['seconds'] < 60)} |"
        )
        lines.append(
            f"| import_hugo peak memory, all its processes, < 300 MB | {imported['peak_mb']:.0f} "
            f"MB (the largest process {imported['largest_process_mb']:.0f} MB) "
            f"| {verdict(imported['peak_mb'] < 300)} |"
        )
        lines.append(
            f"| export_hugo of the same ({batch['exported']} files) < 20 s | "
            f"{exported['seconds']:.1f} s | {verdict(exported['seconds'] < 20)} |"
        )
    largest = max(memory["after"].values())
    lines.append(
        f"| Worker memory < 150 MB after {memory['requests']:,} requests "
        f"(the issue asks 100,000) | {largest:.0f} MB | {verdict(largest < 150)} |"
    )
    lines += [
        "",
        "Worker resident memory (MB), after warming up → after the requests, no worker replaced: "
        + ", ".join(
            f"{memory['before'].get(pid, 0):.0f} → {mb:.0f}" for pid, mb in memory["after"].items()
        )
        + ".",
        "SQL queries: what a request costs once the page was requested before (the first "
        "request fills the page cache).",
    ]
    if not page_cache_works:
        lines.append(
            "The page cache made no difference to the essay's queries: both runs measured the "
            "pages without it."
        )
    return "\n".join(lines) + "\n"


def machine():
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    memory_kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    return (
        f"{os.cpu_count()} cores ({model}), {memory_kib / 1024 / 1024:.0f} GB, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}"
    )


if __name__ == "__main__":
    main()
