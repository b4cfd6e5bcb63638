"""Collects commands.sh's run folders into results.json: per run, seconds per epoch, test accuracy, wall time."""
import json, pathlib, platform, subprocess, sys
out = pathlib.Path(sys.argv[1])
runs = []
for log in sorted(out.glob("r*.log")):
    name = log.stem
    m = json.loads((out / name / "metrics.json").read_text())
    wall = [l for l in log.read_text().splitlines() if l.endswith("s wall")]
    stats = out / name / "ui-stats.bin"
    runs.append({
        "run": name,
        "setting": name.split("-", 1)[1] if "-" in name else "none",
        "epochSeconds": [e["seconds"] for e in m["epochs"]],
        "testAccuracy": m["epochs"][-1]["testAccuracy"],
        "trainLoss": [e["trainLoss"] for e in m["epochs"]],
        "wallSeconds": float(wall[-1].split()[0]) if wall else None,
        "uiStatsBytes": stats.stat().st_size if stats.exists() else None,
    })
cpu = [l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")][0]
rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
print(json.dumps({"what": "final-q5 --step fit --epochs 2 (batch 128), with and without --ui",
                  "cpu": cpu, "cores": __import__("os").cpu_count(), "gitRevision": rev,
                  "date": subprocess.run(["date", "-u", "+%F"], capture_output=True, text=True).stdout.strip(),
                  "runs": runs}, indent=1))
