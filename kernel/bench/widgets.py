"""Widget latency: a slider's change sent as the frontend sends it (a comm_msg "update" on shell) until the
slider's listener runs in the kernel, median and p95, for Threadbook and for ipywidgets with ipykernel in the
same run. The listener stamps the wall clock (same machine, same clock) into a Label, whose update comes back on
iopub: "to the listener" is that stamp minus the send time; "round trip" is until the label's update arrived.
Each change waits for the previous one's idle status, as the widget manager does (it sends no new update while
one is pending).

    python widgets.py --kernel NAME [--count N]    (run.sh runs it with the project's environment's python)

It is not a test: it never fails on a time.
"""
import argparse
import statistics
import sys
import time

from jupyter_client.manager import start_new_kernel

JAVA = """var slider = new IntSlider("n", 0, 1000000, 0);
var stamp = new Label("");
slider.observe("value", c -> { var t = java.time.Instant.now();
    stamp.setValue(c.newValue() + " " + (t.getEpochSecond() * 1_000_000_000L + t.getNano())); });
System.out.println(slider.modelId() + " " + stamp.modelId());"""

PYTHON = """import time, ipywidgets
slider = ipywidgets.IntSlider(min=0, max=1000000)
stamp = ipywidgets.Label()
slider.observe(lambda c: setattr(stamp, "value", "%d %d" % (c["new"], time.time_ns())), "value")
print(slider.model_id, stamp.model_id)"""


def measure(kernel_name, code, count, warmup):
    km, kc = start_new_kernel(kernel_name=kernel_name, startup_timeout=180)
    try:
        out = []
        reply = kc.execute_interactive(code, timeout=120, output_hook=lambda m: out.append(
            m["content"].get("text", "")) if m["msg_type"] == "stream" else None)
        if reply["content"]["status"] != "ok":
            raise RuntimeError("the setup cell failed: %s" % reply["content"])
        slider, stamp = "".join(out).split()
        to_listener, round_trip = [], []
        for i in range(1, warmup + count + 1):
            msg = kc.session.msg("comm_msg", {"comm_id": slider, "data": {
                "method": "update", "state": {"value": i}, "buffer_paths": []}})
            sent = time.time_ns()
            kc.shell_channel.send(msg)
            listener_at = back_at = idle = None
            while listener_at is None or not idle:
                m = kc.get_iopub_msg(timeout=30)
                c = m["content"]
                if (m["msg_type"] == "comm_msg" and c.get("comm_id") == stamp
                        and str(c["data"].get("state", {}).get("value", "")).startswith("%d " % i)):
                    back_at = time.time_ns()
                    listener_at = int(c["data"]["state"]["value"].split()[1])
                elif (m["msg_type"] == "status" and c.get("execution_state") == "idle"
                      and m["parent_header"].get("msg_id") == msg["header"]["msg_id"]):
                    idle = True
            if i > warmup:
                to_listener.append((listener_at - sent) / 1e6)
                round_trip.append((back_at - sent) / 1e6)
        return to_listener, round_trip
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def p95(values):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(0.95 * (len(s) - 1))))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kernel", default="threadbook")
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--python-kernel", default="python3")
    args = parser.parse_args()
    rows = []
    for label, name, code in (("Threadbook", args.kernel, JAVA), ("ipykernel + ipywidgets", args.python_kernel, PYTHON)):
        try:
            to_listener, round_trip = measure(name, code, args.count, warmup=max(10, args.count // 10))
            rows.append((label, statistics.median(to_listener), p95(to_listener),
                         statistics.median(round_trip), p95(round_trip)))
        except Exception as e:  # noqa: BLE001 - one kernel missing leaves the other's figures
            print("%s: not measured: %s: %s" % (label, type(e).__name__, e), file=sys.stderr)
    print("\nWidget latency, %d slider changes each (ms; median / p95)" % args.count)
    print("%-24s %22s %22s" % ("", "change -> listener", "round trip to iopub"))
    for label, m1, q1, m2, q2 in rows:
        print("%-24s %10.2f / %-9.2f %10.2f / %-9.2f" % (label, m1, q1, m2, q2))
    return 0 if rows else 1


if __name__ == "__main__":
    sys.exit(main())
