"""Coverage reachable at several wrong-automation caps (pooled, all callflows) per cached backend."""
import json, sys
import embed_eval as ev
for b in sys.argv[1:]:
    d = json.load(open(f"/tmp/embed_eval_{b}.json"))
    for feat, W, ew in (("mx", 0, 1), ("top2", 0, 1), ("mx", 1.0, 1), ("mx", 1, 0)):
        row = []
        for cap in (0.01, 0.02, 0.03, 0.05, 0.10):
            r = ev.sweep(d, ev.NAMES, feat, W, ew, max_wrong=cap)
            row.append(f"≤{cap:.0%}: {r[2]['covered']/r[2]['answerable']:.0%}" if r else f"≤{cap:.0%}: -")
        print(b, f"{feat}{'+lex' if W and ew else ''}{' lexonly' if not ew else ''}", " | ".join(row))
