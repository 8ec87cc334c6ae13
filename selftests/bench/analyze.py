#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""make bench: turn the guests' logs into results.json, table.md and pause.png.

usage: analyze.py --raw DIR --out DIR --gnuplot pause.gp [--wall SECONDS] [--kernel K]

Reads DIR/CONTENDER/{offset.log,events.txt,pause.txt,read_cost.txt,
ntp_check.txt} as bench-guest.sh and l1-bench.sh write them (formats there).
Every number comes from those logs; a metric whose log is missing is left
out of results.json and marked missing in the table. Definitions
(docs/benchmarks.md):
  converge_s        from the +0.5 s step to the first sample after which
                    |offset| stays below 10 us for 10 s (cap: the end of
                    the steady window, marked)
  steady_*          RMS and max |offset| over the steady window
  pause_recovery_s  from QEMU's RESUME event to the first sample after which
                    |offset| stays below 1 ms for 5 s (cap: the guest's cap,
                    marked)
  holdover_offset_us  |offset| at the end of the holdover (median of its
                    last second): the unified clock, and a free-running
                    clock that carries the time of the holdover's start on
                    CLOCK_MONOTONIC_RAW alone
  cpu_ms_per_hour   phc-steer's utime+stime over the steady window, per hour
  clockbound_read_ratio  read_ns of clockbound_now over that of each peer
                    (READ_PEERS)
"""
import argparse
import json
import math
import os
import statistics
import subprocess
import sys

NS = 1e9
CONTENDERS = ["phc_steer", "phc2sys", "chronyd", "chronyd_ntp"]
# What {earliest, latest} from the ClockBound segment (clockbound_now) is
# set beside: clock_gettime(CLOCK_REALTIME) from the vDSO and as a system
# call, and the PRECISE ioctl on the unified clock and on ptp_kvm.
READ_PEERS = {"vdso_realtime": "clock_gettime(CLOCK_REALTIME), vDSO",
              "syscall": "clock_gettime(CLOCK_REALTIME), system call",
              "unified_precise": "PTP_SYS_OFFSET_PRECISE, ptp_unified",
              "kvm_precise": "PTP_SYS_OFFSET_PRECISE, ptp_kvm"}


def read_log(path):
    rows = []
    try:
        with open(path) as f:
            for line in f:
                if line.startswith("#"):
                    continue
                p = line.split()
                if len(p) >= 3:
                    try:
                        rows.append([int(x) for x in p])
                    except ValueError:
                        pass
    except OSError:
        pass
    return rows


def read_events(path):
    ev, cpu = {}, {}
    try:
        with open(path) as f:
            for line in f:
                p = line.split()
                if not p:
                    continue
                if p[0] == "cpu" and len(p) >= 6:
                    cpu[p[1]] = [int(x) for x in p[2:6]]
                elif len(p) == 4:
                    ev[p[0]] = [int(x) for x in p[1:]]
    except OSError:
        pass
    return ev, cpu


def first_sustained(samples, t0, limit, hold, t_end):
    """First time t >= t0 (samples: (t, off)) after which |off| < limit for
    hold seconds, and the log reaches t + hold. None if there is none."""
    cand = None
    for t, off in samples:
        if t < t0 or t > t_end:
            continue
        if abs(off) < limit:
            if cand is None:
                cand = t
            if t - cand >= hold:
                return cand
        else:
            cand = None
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--gnuplot", required=True)
    ap.add_argument("--wall", type=float, default=0)
    ap.add_argument("--kernel", default="")
    ap.add_argument("--cap", type=float, default=120.0)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)

    res = {k: {} for k in ["read_ns", "read_p99_ns", "converge_s", "steady_rms_ns",
                           "steady_max_ns", "pause_recovery_s", "holdover_offset_us",
                           "cpu_ms_per_hour", "cpu_ms_per_hour_schedstat",
                           "ntp_check_us", "clockbound_read_ratio"]}
    notes = []
    present = [c for c in CONTENDERS if os.path.isdir(os.path.join(a.raw, c))]
    reads, methods = {}, {}
    pause_series = {}
    caps = {}

    for c in present:
        d = os.path.join(a.raw, c)
        try:
            with open(os.path.join(d + ".try1", "retry-verdict"), errors="replace") as f:
                why = f.read().strip().removeprefix("retry: ")
            notes.append(f"{c}: its first L2 was lost ({why}; kept in raw/{c}.try1); "
                         "these figures are from its second run")
        except OSError:
            pass
        # Kernel complaints on its console, as the retry rule judged them
        # (scripts/lib/guest-retry.sh, console_verdict, run in L1).
        for run in (d + ".try1", d):
            try:
                with open(os.path.join(run, "console-verdict"), errors="replace") as f:
                    bad = [ln.strip() for ln in f if ln.startswith("complaint: ")]
            except OSError:
                continue
            if bad:
                notes.append(f"{os.path.basename(run)}: guest kernel {bad[0]} ({len(bad)} such lines)")
        try:
            with open(os.path.join(d, "tap.txt"), errors="replace") as f:
                if "# ptpu: guest done" not in f.read():
                    notes.append(f"{c}: the guest did not finish (hung or killed); "
                                 "its metrics come from the logs up to then")
        except OSError:
            pass
        # The read costs come first in a guest, with nothing else running:
        # taken even when the rest of its logs are missing.
        try:
            with open(os.path.join(d, "read_cost.txt")) as f:
                for line in f:
                    p = line.split()
                    if len(p) >= 9 and p[1] == "median":
                        reads.setdefault(p[0], []).append((int(p[2]), int(p[4])))
                        methods[p[0]] = p[8]
        except OSError:
            notes.append(f"{c}: no read_cost.txt")

        rows = read_log(os.path.join(d, "offset.log"))
        ev, cpu = read_events(os.path.join(d, "events.txt"))
        if not rows:
            notes.append(f"{c}: no offset log")
            continue
        by_raw = [(r[0] / NS, r[2]) for r in rows]

        try:
            with open(os.path.join(d, "ntp_check.txt")) as f:
                for line in f:
                    p = line.split()
                    if len(p) == 4:
                        # server - local, plus local - L1 (ptp_kvm): ~0
                        # within the exchange's delay / 2
                        best = res["ntp_check_us"].setdefault(c, {}).get(p[0])
                        if best is None or int(p[2]) < best[1]:
                            res["ntp_check_us"][c][p[0]] = ((int(p[1]) + int(p[3])) / 1e3, int(p[2]))
        except OSError:
            pass

        if c != "chronyd_ntp" and "start" in ev and "steady_start" in ev and "steady_end" in ev:
            t0 = ev["start"][0] / NS
            ts, te = ev["steady_start"][0] / NS, ev["steady_end"][0] / NS
            t = first_sustained(by_raw, t0, 10e3, 10.0, te)
            if t is None:
                res["converge_s"][c] = round(te - t0, 3)
                notes.append(f"converge_s.{c}: not converged within {te - t0:.0f} s (the cap is reported)")
            else:
                res["converge_s"][c] = round(t - t0, 3)
            win = [abs(o) for tt, o in by_raw if ts <= tt <= te]
            if win:
                res["steady_rms_ns"][c] = round(math.sqrt(sum(x * x for x in win) / len(win)), 1)
                res["steady_max_ns"][c] = max(win)
            if c == "phc_steer" and "steady_start" in cpu and "steady_end" in cpu:
                s0, s1 = cpu["steady_start"], cpu["steady_end"]
                hours = (te - ts) / 3600
                ticks = (s1[0] + s1[1]) - (s0[0] + s0[1])
                res["cpu_ms_per_hour"][c] = round(ticks * 1000 / s1[3] / hours, 1)
                res["cpu_ms_per_hour_schedstat"][c] = round((s1[2] - s0[2]) / 1e6 / hours, 1)

        # The pause, on L1's time (ptp_kvm) against QEMU's RESUME event.
        resume = stop = None
        try:
            with open(os.path.join(d, "pause.txt")) as f:
                for line in f:
                    p = line.split()
                    if len(p) == 2 and p[0] == "resume":
                        resume = float(p[1])
                    if len(p) == 2 and p[0] == "stop":
                        stop = float(p[1])
        except OSError:
            pass
        if resume is None or "pause_end" not in ev:
            notes.append(f"pause_recovery_s.{c}: no pause recorded")
        else:
            cap = a.cap
            caps[c] = cap
            by_kvm = [(r[1] / NS - resume, r[2]) for r in rows]
            s0 = (stop if stop is not None else resume - 5) - resume
            pre = [abs(o) for tt, o in by_kvm if s0 - 3 <= tt < s0]
            if pre and max(pre) >= 1e6:
                notes.append(f"pause_recovery_s.{c}: |offset| was already {max(pre) / 1e3:.0f} us before the pause")
            end = ev["pause_end"][1] / NS - resume
            t = first_sustained(by_kvm, 0.0, 1e6, 5.0, min(end, cap + 5.0))
            if t is None or t > cap:
                res["pause_recovery_s"][c] = cap
                notes.append(f"pause_recovery_s.{c}: not recovered within {cap:.0f} s (the cap is reported)")
            else:
                res["pause_recovery_s"][c] = round(t, 3)
            # Up to the end of the pause phase (the holdover follows it).
            pause_series[c] = [(tt, max(abs(o), 1)) for tt, o in by_kvm
                               if s0 - 3 <= tt <= min(cap, end)]

        if c == "phc_steer" and "holdover_start" in ev and "holdover_end" in ev:
            h0, h1 = ev["holdover_start"][0], ev["holdover_end"][0]
            win = [r for r in rows if len(r) >= 4 and h0 <= r[0] <= h1]
            if len(win) > 10:
                r0 = win[0]
                last = [r for r in win if r[0] >= h1 - NS]
                uni = statistics.median(r[3] for r in last)
                free = statistics.median((r[0] - r0[0]) - (r[1] - r0[1]) for r in last)
                res["holdover_offset_us"]["unified_rtc"] = round(abs(uni) / 1e3, 3)
                res["holdover_offset_us"]["free_running"] = round(abs(free) / 1e3, 3)
                res["holdover_minutes"] = round((h1 - h0) / 60 / NS, 2)
                with open(os.path.join(a.out, "holdover.dat"), "w") as f:
                    for r in win:
                        f.write(f"{(r[0] - r0[0]) / NS:.3f} {r[3]} {(r[0] - r0[0]) - (r[1] - r0[1])}\n")

    # Read costs: the median over the guests of each guest's median and p99.
    for name, vals in reads.items():
        if name == "timer_overhead":
            continue
        res["read_ns"][name] = statistics.median(v[0] for v in vals)
        res["read_p99_ns"][name] = statistics.median(v[1] for v in vals)
    if methods.get("kvm_extended") == "basic":
        notes.append("read_ns.kvm_extended: ptp_kvm has no PTP_SYS_OFFSET_EXTENDED "
                     "(no gettimex64); measured with the basic PTP_SYS_OFFSET, one sample")
    res["read_ns_timer_overhead"] = statistics.median(v[0] for v in reads.get("timer_overhead", [(0, 0)]))
    # What bounds on the time cost an application, against reading only the
    # time: clockbound_now's median over each peer's (docs/benchmarks.md).
    cb = g(res, "read_ns", "clockbound_now")
    for peer in READ_PEERS:
        other = g(res, "read_ns", peer)
        if cb is not None and other is not None and other > 0:
            res["clockbound_read_ratio"][peer] = float(f"{cb / other:.3g}")
    # Per contender, the worst of its best-of-5 probes: residual and delay/2.
    res["ntp_check_us"] = {
        c: {"residual_us": round(max((abs(r) for r, _ in v.values())), 1),
            "half_delay_us": round(max(d for _, d in v.values()) / 2e3, 1)}
        for c, v in res["ntp_check_us"].items() if v}
    res["bench_wall_s"] = a.wall
    res["kernel"] = a.kernel
    res["notes"] = notes
    for k in list(res):
        if res[k] == {}:
            del res[k]
    with open(os.path.join(a.out, "results.json"), "w") as f:
        json.dump(res, f, indent=2, sort_keys=True)
        f.write("\n")

    # The figure.
    names = []
    for c, series in pause_series.items():
        with open(os.path.join(a.out, f"pause-{c}.dat"), "w") as f:
            prev = None
            for tt, o in series:
                if prev is not None and tt - prev > 1.0:
                    f.write("\n")  # the pause: no line across it
                f.write(f"{tt:.3f} {o}\n")
                prev = tt
        names.append(c)
    if names:
        cap = max(caps.values())
        subprocess.run(["gnuplot", "-e",
                        f"outfile='{a.out}/pause.png'; dir='{a.out}'; names='{' '.join(names)}'; "
                        f"cap={cap:.0f}; title_extra='{a.kernel}'", a.gnuplot], check=False)

    table = make_table(res, notes)
    with open(os.path.join(a.out, "table.md"), "w") as f:
        f.write(table)
    print(table)
    return 0


def g(res, k1, k2):
    return res.get(k1, {}).get(k2)


def fmt(v, unit=""):
    if v is None:
        return "missing"
    if isinstance(v, float) and v != int(v):
        return f"{v:.3g}{unit}" if abs(v) < 100 else f"{v:.0f}{unit}"
    return f"{int(v)}{unit}"


def make_table(res, notes):
    L = []
    L.append("| metric | phc-steer (ptp_unified) | phc2sys (ptp_kvm) | chronyd PHC (ptp_kvm) | chronyd NTP |")
    L.append("|---|---|---|---|---|")
    for key, label, unit in [("converge_s", "convergence to 10 us (s)", ""),
                             ("steady_rms_ns", "steady RMS abs offset (ns)", ""),
                             ("steady_max_ns", "steady max abs offset (ns)", ""),
                             ("pause_recovery_s", "pause recovery to 1 ms (s)", "")]:
        row = [fmt(g(res, key, c)) for c in CONTENDERS]
        if key != "pause_recovery_s":
            row[3] = "-"
        L.append(f"| {label} | " + " | ".join(row) + " |")
    L.append("")
    L.append("| read | median ns | p99 ns |")
    L.append("|---|---|---|")
    for k in ["unified_precise", "unified_extended", "kvm_precise", "kvm_extended", "syscall",
              "ioctl_floor", "vdso_realtime", "clockbound_now"]:
        L.append(f"| {k} | {fmt(g(res, 'read_ns', k))} | {fmt(g(res, 'read_p99_ns', k))} |")
    L.append("")
    cb = g(res, "read_ns", "clockbound_now")
    L.append(f"| {{earliest, latest}} from the ClockBound segment ({fmt(cb)} ns) against | median ns | ratio |")
    L.append("|---|---|---|")
    for k, label in READ_PEERS.items():
        r = g(res, "clockbound_read_ratio", k)
        L.append(f"| {label} | {fmt(g(res, 'read_ns', k))} | {'missing' if r is None else f'{r:.3g}'} |")
    L.append("")
    L.append(f"holdover ({fmt(res.get('holdover_minutes'))} min, sources but the rtc off): "
             f"unified {fmt(g(res, 'holdover_offset_us', 'unified_rtc'))} us, "
             f"free-running {fmt(g(res, 'holdover_offset_us', 'free_running'))} us; "
             f"phc-steer CPU {fmt(g(res, 'cpu_ms_per_hour', 'phc_steer'))} ms per hour "
             f"(schedstat {fmt(g(res, 'cpu_ms_per_hour_schedstat', 'phc_steer'))})")
    L.append("")
    L.append("| goal | value | ratio | |")
    L.append("|---|---|---|---|")

    def goal(name, num, den, limit, value_txt):
        if num is None or den is None or den == 0:
            L.append(f"| {name} | {value_txt} | - | missing |")
            return
        r = num / den
        L.append(f"| {name} | {value_txt} | {r:.3g} (<= {limit:g}) | {'met' if r <= limit else 'MISSED'} |")

    up, kp, sc = g(res, "read_ns", "unified_precise"), g(res, "read_ns", "kvm_precise"), g(res, "read_ns", "syscall")
    goal("unified PRECISE read <= 0.1 x kvm PRECISE", up, kp, 0.1, f"{fmt(up)} / {fmt(kp)} ns")
    goal("unified PRECISE read <= 2.5 x syscall", up, sc, 2.5, f"{fmt(up)} / {fmt(sc)} ns")
    pr = res.get("pause_recovery_s", {})
    ps = pr.get("phc_steer")
    goal("phc-steer pause recovery <= 2 s", ps, 1.0, 2.0, f"{fmt(ps)} s")
    others = [v for c, v in pr.items() if c != "phc_steer"]
    mo = min(others) if others else None
    if ps is not None and mo is not None:
        r = ps / mo
        L.append(f"| phc-steer pause recovery below every other | {fmt(ps)} s vs best other {fmt(mo)} s | "
                 f"{r:.3g} (< 1) | {'met' if ps < mo else 'MISSED'} |")
    else:
        L.append("| phc-steer pause recovery below every other | - | - | missing |")
    a, b = g(res, "steady_rms_ns", "phc_steer"), g(res, "steady_rms_ns", "phc2sys")
    goal("steady RMS phc-steer <= phc2sys", a, b, 1.0, f"{fmt(a)} / {fmt(b)} ns")
    a, b = g(res, "converge_s", "phc_steer"), g(res, "converge_s", "phc2sys")
    goal("convergence phc-steer <= phc2sys", a, b, 1.0, f"{fmt(a)} / {fmt(b)} s")
    a, b = g(res, "holdover_offset_us", "unified_rtc"), g(res, "holdover_offset_us", "free_running")
    if a is not None and b:
        r = a / b
        L.append(f"| holdover < 0.1 x free running | {fmt(a)} / {fmt(b)} us | {r:.3g} (< 0.1) | {'met' if r < 0.1 else 'MISSED'} |")
    else:
        L.append("| holdover < 0.1 x free running | - | - | missing |")
    if notes:
        L.append("")
        L.extend(f"- {n}" for n in notes)
    L.append("")
    L.append("truth cross-check, NTP to L1's chronyd minus ptp_kvm (best of 5 probes, "
             "worst phase; |residual| and delay/2 in us): "
             + ", ".join(f"{c} {v['residual_us']} (delay/2 {v['half_delay_us']})"
                         for c, v in res.get("ntp_check_us", {}).items()))
    L.append(f"bench wall time: {fmt(res.get('bench_wall_s'))} s")
    return "\n".join(L) + "\n"


if __name__ == "__main__":
    sys.exit(main())
