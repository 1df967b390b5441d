"""Benchmark: a roadshow's stage video, one presenter and N headless viewers in Chromium, through a real Janus inside
a network namespace (tests/video/harness.py), on one of the three paths a viewer can be given:

- room:       every viewer subscribes in the stage's VideoRoom (VIDEO_ROOM_MAX_SUBSCRIBERS = 1000);
- mountpoint: every viewer is sent to a Streaming mountpoint (VIDEO_ROOM_MAX_SUBSCRIBERS = 0, two Janus instances:
              app/video/streaming.py puts each new viewer on the instance holding the fewest, so they spread over
              both; the room's rtp_forward feeds each instance's mountpoint);
- hls:        the viewers' Chromium profile may not use UDP (webrtc.ip_handling_policy disable_non_proxied_udp,
              as in tests/video/test_scale_browser.py), so their WebRTC never connects and the page falls back
              by itself to the stage's HLS (ffmpeg, hls.js) after VIDEO_ICE_TIMEOUT_MS (10 s by default).

The presenter goes live from the room page ("Go live on camera") with its camera replaced (page.add_init_script
overriding navigator.mediaDevices.getUserMedia) by a 640x360 canvas stream at 30 fps plus a 440 Hz oscillator. Every
canvas frame draws Date.now() as 48 black/white blocks: a white and a black start mark, the 40 bits of the
millisecond timestamp modulo 2^40, 4 parity bits (bit i counts in parity i mod 4), a black and a white end mark.
Each viewer hooks the stage's <video> with requestVideoFrameCallback, draws every presented frame into a 160x90
canvas, reads each block's centre (4x4 pixels) and keeps the frame only if every block is clearly black or white
and the marks and parities hold (a half-decoded or blended frame is rejected); delay = Date.now() - the decoded
timestamp (same machine, same clock): glass to glass, canvas drawn to frame presented on the viewer.

Per run: the presenter goes live; the Janus CPU (utime + stime from /proc/PID/stat, every Janus of the run; and
ffmpeg's when HLS runs) is sampled over a window of --seconds with no viewer; then the viewers (signed in
beforehand, each in a BrowserContext of its own, spread over --browsers Chromium processes) open the live room
one after another; join time = page.goto to the first frame presented on that viewer
(requestVideoFrameCallback); once all play (a viewer with no frame after 120 s is reported and left out), over a
second window of --seconds: per viewer decoded fps (inbound-rtp framesDecoded delta, for HLS
getVideoPlaybackQuality().totalVideoFrames delta) and frames presented per second, freezes (inbound-rtp
freezeCount / totalFreezesDuration; for HLS the <video>'s 'waiting' events), audio packets received (WebRTC), the
delays decoded in that window; and Janus's CPU again: per subscriber = (CPU with N - CPU with none) / the viewers
that played, in % of one core. For context: the CPU of the run's Chromium processes and how busy the machine was.

    .venv/bin/python bench/video_stage.py --viewers 6 --path room --seconds 30
    .venv/bin/python bench/video_stage.py --viewers 6 --all --seconds 30       # room, mountpoint, hls in turn
    .venv/bin/python bench/video_stage.py --viewers 10 --path room --screenshot /tmp/vbench-room.png

Prints a JSON line per run on stdout, then a markdown table row per run (progress goes to stderr). Needs root
(a network namespace), Debian's janus, ffmpeg and /usr/bin/chromium, like the tests in tests/video.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.browser.conftest import sign_in as sign_in_page  # noqa: E402
from tests.video.harness import CHROMIUM_MEDIA_FLAGS, namespace_unavailable, served_in_namespace  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "视频基准-Correct-Horse-42"
JOIN_TIMEOUT = 120  # s for every viewer to show a frame
MAX_VIEWERS = 16  # bench/video_stage_data.py makes that many
TICK = os.sysconf("SC_CLK_TCK")
PATHS = ("room", "mountpoint", "hls")
ENV = {"room": {"VIDEO_ROOM_MAX_SUBSCRIBERS": "1000", "VIDEO_HLS": "0"},
       "mountpoint": {"VIDEO_ROOM_MAX_SUBSCRIBERS": "0", "VIDEO_HLS": "0"},
       "hls": {"VIDEO_ROOM_MAX_SUBSCRIBERS": "1000"}}
INSTANCES = {"room": 1, "mountpoint": 2, "hls": 1}
NO_WEBRTC = "disable_non_proxied_udp"
PROFILES: list[Path] = []  # the HLS viewers' profiles, removed after each run

# The presenter's camera and microphone: a canvas drawing the clock as blocks, and an oscillator.
PRESENTER_JS = r"""
(() => {
  const W = 640, H = 360, COLS = 8, CW = 80, CH = 50, P40 = 2 ** 40;
  const canvas = document.createElement("canvas");
  canvas.width = W; canvas.height = H;
  const ctx = canvas.getContext("2d");
  function cells(ms) {
    const v = ms % P40, bits = [];
    for (let i = 0; i < 40; i++) bits.push(Math.floor(v / 2 ** (39 - i)) % 2);
    const parity = [0, 0, 0, 0];
    bits.forEach((b, i) => { parity[i % 4] ^= b; });
    return [1, 0, ...bits, ...parity, 0, 1];
  }
  let drawn = 0;
  function draw() {
    const now = Date.now();
    ctx.fillStyle = "#808080"; ctx.fillRect(0, 0, W, H);
    cells(now).forEach((on, i) => {
      ctx.fillStyle = on ? "#ffffff" : "#000000";
      ctx.fillRect((i % COLS) * CW, Math.floor(i / COLS) * CH, CW, CH);
    });
    ctx.fillStyle = "#000000"; ctx.fillRect(0, 300, W, 60);
    ctx.fillStyle = "#ffff00"; ctx.font = "bold 36px monospace";
    ctx.fillText(String(now % 100000).padStart(5, "0") + " ms  #" + (drawn++), 12, 345);
  }
  draw();
  setInterval(draw, 1000 / 30);
  let media = null;
  function tracks() {
    if (!media) {
      const audio = new AudioContext(), tone = audio.createOscillator(), out = audio.createMediaStreamDestination();
      tone.frequency.value = 440; tone.connect(out); tone.start();
      media = {video: canvas.captureStream(30).getVideoTracks()[0], audio: out.stream.getAudioTracks()[0]};
    }
    return media;
  }
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    const m = tracks(), list = [];
    if (constraints && constraints.audio) list.push(m.audio.clone());
    if (constraints && constraints.video) list.push(m.video.clone());
    return new MediaStream(list);
  };
})();
"""

# Every page: its peer connections remembered (for getStats), and on the stage's <video> every presented frame
# decoded (delay), the first one's time (join), 'waiting' events counted (HLS stalls).
VIEWER_JS = r"""
(() => {
  const P40 = 2 ** 40;
  const vb = window.__vb = {first: null, frames: 0, rejected: 0, delays: [], waiting: 0, pcs: []};
  const Native = window.RTCPeerConnection;
  if (Native) {
    class Counted extends Native { constructor(...args) { super(...args); vb.pcs.push(this); } }
    window.RTCPeerConnection = Counted;
  }
  const small = document.createElement("canvas");
  small.width = 160; small.height = 90;
  const sctx = small.getContext("2d", {willReadFrequently: true});
  function decode(video) {
    if (!video.videoWidth) return null;
    sctx.drawImage(video, 0, 0, 160, 90);
    const data = sctx.getImageData(0, 0, 160, 75).data, on = [];
    for (let c = 0; c < 48; c++) {
      const cx = (c % 8) * 20 + 10, cy = Math.floor(Math.floor(c / 8) * 12.5 + 6);
      let sum = 0;
      for (let y = cy - 2; y < cy + 2; y++) for (let x = cx - 2; x < cx + 2; x++) {
        const p = (y * 160 + x) * 4;
        sum += 0.299 * data[p] + 0.587 * data[p + 1] + 0.114 * data[p + 2];
      }
      const luma = sum / 16;
      if (luma > 70 && luma < 185) return null;  // neither black nor white: a blend or a half-decoded frame
      on.push(luma >= 128 ? 1 : 0);
    }
    if (on[0] !== 1 || on[1] !== 0 || on[46] !== 0 || on[47] !== 1) return null;
    const parity = [0, 0, 0, 0];
    let v = 0;
    for (let i = 0; i < 40; i++) { v = v * 2 + on[2 + i]; parity[i % 4] ^= on[2 + i]; }
    for (let k = 0; k < 4; k++) if (parity[k] !== on[42 + k]) return null;
    return v;
  }
  function hook(video) {
    video.addEventListener("waiting", () => { vb.waiting++; });
    const frame = () => {
      const t = Date.now();
      vb.frames++;
      if (vb.first === null) vb.first = t;
      const v = decode(video);
      const delay = v === null ? null : ((t % P40) - v + P40) % P40;
      if (delay === null || delay > 60000) vb.rejected++;
      else { vb.delays.push([t, delay]); if (vb.delays.length > 100000) vb.delays.shift(); }
      video.requestVideoFrameCallback(frame);
    };
    video.requestVideoFrameCallback(frame);
  }
  document.addEventListener("DOMContentLoaded", () => {
    const video = document.querySelector("[data-stage-video]");
    if (video) hook(video);
  });
})();
"""

SNAPSHOT_JS = """async () => {
  const vb = window.__vb, video = document.querySelector("[data-stage-video]");
  const root = document.querySelector("[data-video-stage]");
  const out = {t: Date.now(), frames: vb.frames, rejected: vb.rejected, waiting: vb.waiting, first: vb.first,
               path: root ? root.getAttribute("data-video-path") : null, width: video ? video.videoWidth : 0,
               framesDecoded: 0, freezeCount: 0, freezeSeconds: 0, audioPackets: 0, framesEncoded: 0,
               sentWidth: 0, limitation: null, liveConnections: 0, totalVideoFrames: null, droppedVideoFrames: null};
  if (video && video.getVideoPlaybackQuality) {
    const q = video.getVideoPlaybackQuality();
    out.totalVideoFrames = q.totalVideoFrames; out.droppedVideoFrames = q.droppedVideoFrames;
  }
  if (window.FuhuaStage && out.path === "hls") {  // the page's own estimate: now - ffmpeg's clock at that frame
    const own = await window.FuhuaStage.stats();
    out.hlsDelayMs = own.hlsDelayMs; out.hlsLatency = own.hlsLatency;
  }
  for (const pc of vb.pcs) {
    if (pc.connectionState === "closed") continue;
    out.liveConnections++;
    (await pc.getStats()).forEach((s) => {
      if (s.type === "inbound-rtp" && s.kind === "video") {
        out.framesDecoded += s.framesDecoded || 0; out.freezeCount += s.freezeCount || 0;
        out.freezeSeconds += s.totalFreezesDuration || 0;
      } else if (s.type === "inbound-rtp" && s.kind === "audio") out.audioPackets += s.packetsReceived || 0;
      else if (s.type === "outbound-rtp" && s.kind === "video") {
        out.framesEncoded += s.framesEncoded || 0; out.sentWidth = s.frameWidth || 0;
        out.limitation = s.qualityLimitationReason || null;
      }
    });
  }
  return out;
}"""

DELAYS_JS = "([since, until]) => window.__vb.delays.filter(([t]) => t >= since && t <= until).map(([, d]) => d)"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat(5))


def machine_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of every CPU of the machine, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return sum(fields[:8]) - idle, sum(fields[:8])


def chromium_ticks(netns: str) -> dict[int, int]:
    """CPU ticks of every Chromium process living in the network namespace `netns` (this run's browsers)."""
    target = os.stat(f"/run/netns/{netns}")
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ns = os.stat(entry / "ns" / "net")
            if (ns.st_ino, ns.st_dev) == (target.st_ino, target.st_dev) and \
                    (entry / "comm").read_text().startswith("chrom"):
                found[int(entry.name)] = cpu_ticks(int(entry.name))
        except (OSError, ValueError):
            pass
    return found


class CpuWindow:
    """CPU of some processes over a stretch of wall time, in % of one core each; and, for context, of this run's
    Chromium processes together and how busy the whole machine was (% of its cores)."""

    def __init__(self, pids: dict[str, int], netns: str):
        self.pids, self.netns = pids, netns
        self.start = time.monotonic()
        self.ticks = {name: cpu_ticks(pid) for name, pid in pids.items()}
        self.machine = machine_ticks()
        self.chromium = chromium_ticks(netns)

    def stop(self) -> dict[str, float]:
        wall = time.monotonic() - self.start
        return {name: round(100 * (cpu_ticks(pid) - self.ticks[name]) / TICK / wall, 1)
                for name, pid in self.pids.items()}

    def context(self) -> dict[str, float]:
        """Call right after stop(): the run's Chromium processes (those alive at both ends), the machine."""
        wall = time.monotonic() - self.start
        now = chromium_ticks(self.netns)
        chromium = sum(now[pid] - ticks for pid, ticks in self.chromium.items() if pid in now)
        busy, total = machine_ticks()
        return {"chromium": round(100 * chromium / TICK / wall, 1),
                "machine_busy": round(100 * (busy - self.machine[0]) / max(total - self.machine[1], 1), 1)}


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def sign_in(browser, site, email: str, init_scripts: list[str]):
    context = browser.new_context(base_url=site.url, locale="en-US", timezone_id="Asia/Shanghai",
                                  viewport={"width": 1100, "height": 900})
    context.set_default_timeout(60_000)
    for script in init_scripts:
        context.add_init_script(script)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    sign_in_page(page, email, PASSWORD)
    return page


def snapshot(page) -> dict:
    return page.evaluate(SNAPSHOT_JS)


def poll(check, timeout: float, what: str, interval: float = 0.25):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(interval)
    raise TimeoutError(f"{what}: not within {timeout:.0f}s")


def status(page) -> dict:
    """What a viewer's page says about its video (for one that never showed a frame)."""
    return page.evaluate("""async () => ({
        path: document.querySelector("[data-video-stage]").getAttribute("data-video-path"),
        status: document.querySelector("[data-stage-video-status]").textContent,
        stats: window.FuhuaStage ? await window.FuhuaStage.stats() : null})""")


def ffmpeg_pid(site) -> int | None:
    for pid_file in Path(site.hls_dir).glob("*/ffmpeg.pid"):
        try:
            pid = int(pid_file.read_text().strip())
            if Path(f"/proc/{pid}").exists():
                return pid
        except (OSError, ValueError):
            pass
    return None


def launch_viewers(playwright, wrapper: str, args: list[str], path: str):
    """A Chromium for viewers; for the HLS path one whose profile may not use UDP but through a proxy, and has
    none (WebRTC's IP-handling policy, as in tests/video/test_scale_browser.py): the contexts made from it
    inherit the preference, so its WebRTC finds no candidate pair."""
    if path != "hls":
        return playwright.chromium.launch(executable_path=wrapper, headless=True, args=args)
    profile = Path(tempfile.mkdtemp(prefix="vbench-no-webrtc-"))
    PROFILES.append(profile)
    (profile / "Default").mkdir()
    (profile / "Default" / "Preferences").write_text(json.dumps({"webrtc": {"ip_handling_policy": NO_WEBRTC}}))
    persistent = playwright.chromium.launch_persistent_context(str(profile), executable_path=wrapper, headless=True,
                                                               args=args)
    return persistent.browser


def run(path: str, viewers: int, seconds: float, browsers: int, screenshot: str | None) -> dict:
    from playwright.sync_api import sync_playwright

    result = {"path": path, "viewers": viewers, "seconds": seconds, "browsers": browsers,
              "at": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "load_before": loadavg()}
    log(f"{path}: {viewers} viewers, {seconds:.0f} s windows, load {result['load_before']}")
    with served_in_namespace("bench.video_stage_data", PASSWORD, instances=INSTANCES[path], env=ENV[path]) as site, \
            sync_playwright() as playwright:
        wrapper = site.ns.chromium_wrapper(CHROMIUM)
        args = ["--no-sandbox", "--disable-gpu", *CHROMIUM_MEDIA_FLAGS]
        presenter_browser = playwright.chromium.launch(executable_path=wrapper, headless=True, args=args)
        viewer_browsers = [launch_viewers(playwright, wrapper, args, path)
                           for _ in range(max(1, min(browsers, viewers)))]
        live_url = f"/roadshows/{site.roadshow_id}/live"

        presenter = sign_in(presenter_browser, site, site.presenter, [VIEWER_JS, PRESENTER_JS])
        presenter.goto(live_url)
        presenter.get_by_role("button", name="Go live on camera").click()
        presenter.get_by_text("You are live on stage.").wait_for()
        poll(lambda: snapshot(presenter)["framesEncoded"] > 60, 60, "the presenter's first frames")
        log(f"{path}: presenter live")
        pages = [sign_in(viewer_browsers[i % len(viewer_browsers)], site, site.viewers[i], [VIEWER_JS])
                 for i in range(viewers)]
        log(f"{path}: {viewers} viewers signed in")

        pids = {f"janus{i}": janus.process.pid for i, janus in enumerate(site.janus_all)}
        if path == "hls":
            pids["ffmpeg"] = poll(lambda: ffmpeg_pid(site), 30, "ffmpeg")
        time.sleep(3)
        idle = CpuWindow(pids, site.ns.name)
        sent0 = snapshot(presenter)
        time.sleep(seconds)
        result["cpu_idle"] = idle.stop()
        result["context_idle"] = idle.context()
        sent1 = snapshot(presenter)
        log(f"{path}: CPU with no viewer {result['cpu_idle']} {result['context_idle']}")

        opened = []
        for page in pages:
            opened.append(time.time() * 1000)
            page.goto(live_url)
        deadline = time.monotonic() + JOIN_TIMEOUT
        while True:
            firsts = [page.evaluate("() => window.__vb.first") for page in pages]
            if all(first is not None for first in firsts) or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        result["join_s"] = [None if first is None else round((first - t0) / 1000, 2)
                            for first, t0 in zip(firsts, opened, strict=True)]
        # A viewer showing no frame by then is reported (with what its page said) and left out of the window.
        result["never_played"] = [status(page) for page, first in zip(pages, firsts, strict=True) if first is None]
        pages = [page for page, first in zip(pages, firsts, strict=True) if first is not None]
        log(f"{path}: join {result['join_s']}; never played: {result['never_played']}")
        if result["never_played"]:  # what the server and Janus said, before the run's folder goes
            saved = Path(f"/tmp/vbench-{path}-{int(time.time())}.log")
            saved.write_text(site.served.logs() + "".join(f"\n--- janus{i}\n{janus.log()}"
                                                          for i, janus in enumerate(site.janus_all)))
            result["logs"] = str(saved)
            log(f"{path}: server and Janus logs in {saved}")
        if not pages:
            raise RuntimeError(f"{path}: no viewer played within {JOIN_TIMEOUT} s")
        time.sleep(3)
        busy = CpuWindow(pids, site.ns.name)
        before = [snapshot(page) for page in pages]
        shot_at = time.monotonic() + seconds / 2
        while time.monotonic() < busy.start + seconds:
            if screenshot and time.monotonic() >= shot_at:
                pages[0].screenshot(path=screenshot)
                screenshot = None
            time.sleep(0.5)
        result["cpu_busy"] = busy.stop()
        result["context_busy"] = busy.context()
        after = [snapshot(page) for page in pages]
        delays = [page.evaluate(DELAYS_JS, [b["t"], a["t"]]) for page, b, a in zip(pages, before, after, strict=True)]
        sent2 = snapshot(presenter)
        errors = [e for page in [presenter, *pages] for e in page.errors]
        for browser in [presenter_browser, *viewer_browsers]:
            browser.close()
    for profile in PROFILES:
        shutil.rmtree(profile, ignore_errors=True)
    PROFILES.clear()
    result["load_after"] = loadavg()
    return summarise(result, path, viewers, before, after, delays, [sent0, sent1, sent2], errors)


def summarise(result, path, viewers, before, after, delays, sent, errors) -> dict:
    each = []
    for b, a, d in zip(before, after, delays, strict=True):
        wall = (a["t"] - b["t"]) / 1000
        frames = (a["totalVideoFrames"] - b["totalVideoFrames"]) if path == "hls" else (
            a["framesDecoded"] - b["framesDecoded"])
        presented = a["frames"] - b["frames"]
        each.append({"path": a["path"], "fps": round(frames / wall, 1), "presented_fps": round(presented / wall, 1),
                     "freezes": a["freezeCount"] - b["freezeCount"],
                     "freeze_s": round(a["freezeSeconds"] - b["freezeSeconds"], 2),
                     "waiting": a["waiting"] - b["waiting"],
                     "audio_pps": round((a["audioPackets"] - b["audioPackets"]) / wall, 1),
                     "decoded": len(d), "rejected": a["rejected"] - b["rejected"],
                     "delay_ms": statistics.median(d) if d else None, "width": a["width"],
                     "page_hls_delay_ms": a.get("hlsDelayMs"), "page_hls_latency_s": a.get("hlsLatency")})
    all_delays = [x for d in delays for x in d]
    joined = [j for j in result["join_s"] if j is not None]
    idle, busy = result["cpu_idle"], result["cpu_busy"]
    janus_idle = sum(v for k, v in idle.items() if k.startswith("janus"))
    janus_busy = sum(v for k, v in busy.items() if k.startswith("janus"))
    sent_wall = lambda x, y: (y["t"] - x["t"]) / 1000  # noqa: E731
    result.update({
        "viewer_paths": sorted({e["path"] for e in each}),
        "per_viewer": each,
        "fps_median": statistics.median(e["fps"] for e in each), "fps_min": min(e["fps"] for e in each),
        "freezes": sum(e["freezes"] for e in each), "freeze_s": round(sum(e["freeze_s"] for e in each), 2),
        "waiting": sum(e["waiting"] for e in each),
        "audio_pps_median": statistics.median(e["audio_pps"] for e in each),
        "delay_ms_median": statistics.median(all_delays) if all_delays else None,
        "delay_ms_p95": percentile(all_delays, 0.95), "delay_samples": len(all_delays),
        "rejected_frames": sum(e["rejected"] for e in each),
        "join_s_median": statistics.median(joined), "join_s_max": max(joined), "played": len(joined),
        "janus_cpu_idle": round(janus_idle, 1), "janus_cpu_busy": round(janus_busy, 1),
        # Per viewer that played: one that never got a place holds no media on Janus.
        "janus_cpu_per_viewer": round((janus_busy - janus_idle) / len(joined), 2),
        "ffmpeg_cpu": busy.get("ffmpeg"),
        "presenter_fps_idle": round((sent[1]["framesEncoded"] - sent[0]["framesEncoded"]) / sent_wall(sent[0], sent[1]),
                                    1),
        "presenter_sent_width": sent[2]["sentWidth"], "presenter_limitation": sent[2]["limitation"],
        "page_errors": errors[:5],
    })
    return result


def row(r: dict) -> str:
    def ms(v):
        return "–" if v is None else f"{v:.0f} ms"

    per_viewer = round((r["janus_cpu_busy"] - r["janus_cpu_idle"]) / r.get("played", r["viewers"]), 2)
    cpu = f"{r['janus_cpu_idle']} → {r['janus_cpu_busy']} %, **{per_viewer} %**"
    if len(r["cpu_busy"]) > 1:
        cpu += " (" + ", ".join(f"{k} {r['cpu_idle'][k]}→{v}" for k, v in r["cpu_busy"].items()) + ")"
    if r["viewer_paths"] != [r["path"]]:
        log(f"warning: the viewers of the {r['path']} run watched through {r['viewer_paths']}")
    freezes = (f"{r['waiting']} waiting" if r["path"] == "hls" else f"{r['freezes']} ({r['freeze_s']} s)")
    presented = statistics.median(v["presented_fps"] for v in r["per_viewer"])
    seen = r.get("context_busy")
    context = f"{seen['chromium']} % / {seen['machine_busy']} %" if seen else "–"
    viewers = str(r["viewers"]) if r.get("played", r["viewers"]) == r["viewers"] else (
        f"{r['viewers']} ({r['played']} played)")
    return (f"| {r['at']} | {r['path']} | {viewers} | {r['join_s_median']:.1f} / {r['join_s_max']:.1f} s "
            f"| {r['fps_median']:.1f} (min {r['fps_min']:.1f}) / {presented:.1f} | {freezes} "
            f"| {ms(r['delay_ms_median'])} / {ms(r['delay_ms_p95'])} ({r['delay_samples']}) | "
            f"{'–' if r['path'] == 'hls' else round(r['audio_pps_median'])} | {cpu} | "
            f"{'–' if r['ffmpeg_cpu'] is None else str(r['ffmpeg_cpu']) + ' %'} | "
            f"{context} | {r['load_before']} → {r['load_after']} |")


HEADER = ("| when | path | viewers | join median / max | fps per viewer: decoded median (min) / presented "
          "| freezes (total) | delay median / p95 (frames read) | audio pkt/s | Janus CPU 0 → N viewers, per viewer "
          "| ffmpeg CPU | run's Chromium CPU / machine busy | load before → after |\n"
          "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--viewers", type=int, default=6)
    parser.add_argument("--path", choices=PATHS, default="room")
    parser.add_argument("--all", action="store_true", help="room, mountpoint and hls, one after another")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--browsers", type=int, default=2, help="Chromium processes the viewers are spread over")
    parser.add_argument("--screenshot", help="a viewer page halfway through the window (with --all: PATH in it is "
                                             "replaced by the path's name)")
    parser.add_argument("--table", metavar="FILE", help="print the table of the JSON lines in FILE and stop")
    options = parser.parse_args()
    if options.table:
        print(HEADER)
        for line in Path(options.table).read_text().splitlines():
            if line.startswith("{"):
                print(row(json.loads(line)))
        return
    if not 1 <= options.viewers <= MAX_VIEWERS:
        parser.error(f"--viewers: 1 to {MAX_VIEWERS}")
    reason = namespace_unavailable() or (None if Path(CHROMIUM).exists() else f"no Chromium at {CHROMIUM}")
    if reason:
        sys.exit(reason)
    results = []
    for path in (PATHS if options.all else (options.path,)):
        shot = options.screenshot.replace("PATH", path) if options.screenshot else None
        result = run(path, options.viewers, options.seconds, options.browsers, shot)
        print(json.dumps(result, ensure_ascii=False), flush=True)
        results.append(result)
    print(HEADER)
    for result in results:
        print(row(result))


if __name__ == "__main__":
    main()
