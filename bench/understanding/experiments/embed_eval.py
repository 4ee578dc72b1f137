"""Embedding matcher experiment over the understanding benchmark.

Wrapper: call voice.flow.decide() as is; when it answers or transfers with reason "no_match",
re-decide the intent from embeddings (every other precedence rule stays). Re-decision:
  rank labels (intents + escalations) by similarity (max cosine to a label's examples, or mean
  of its top-2); if the top label is an intent with score >= T and lead >= M over the runner-up
  -> answer it; elif the best escalation scores >= E and within M of the top -> transfer to that
  escalation's team; else transfer (no_match).
Combination: score = emb + W * lexical (lexical = callflow.matcher.rank score, 0..1).

Phase 1 (collect) embeds once per backend and caches per-utterance scores; phase 2 sweeps
T/M/E/W cheaply. Timing is measured on the real wrapper path per utterance (batch 1).

Run: HF_HUB_OFFLINE=1 python embed_eval.py BACKEND [--json out.json]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
T_IMPORT0 = time.perf_counter()
import numpy as np  # noqa: E402

HERE = Path(__file__).resolve().parent
BENCH = HERE.parent
ROOT = BENCH.parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(HERE))

from run import NOW, callflow_path  # noqa: E402

from voice.flow import decide, load_callflow  # noqa: E402
from voice.flow.render import answer_decision  # noqa: E402
from voice.flow.outcomes import transfer  # noqa: E402
from voice.flow.text import normalise  # noqa: E402
from voice.flow.types import CallerContext, Utterance  # noqa: E402

NAMES = sorted(p.stem for p in (BENCH / "utterances").glob("*.jsonl"))


class EmbedIndex:
    """Every example of a callflow embedded once; scores labels for one utterance."""

    def __init__(self, callflow, embed, lexnorm: bool = True):
        self.cf, self.embed = callflow, embed
        self.labels: list[tuple[str, str]] = []
        texts, owner = [], []
        for kind, items in (("intent", callflow.intents), ("escalation", callflow.escalations)):
            for name, item in items.items():
                self.labels.append((kind, name))
                for ex in item.examples:
                    texts.append(self.prep(ex))
                    owner.append(len(self.labels) - 1)
        self.owner = np.array(owner)
        self.matrix = embed(texts)  # (n_examples, d)
        self.groups = [np.flatnonzero(self.owner == i) for i in range(len(self.labels))]

    def prep(self, text: str) -> str:
        return " ".join(normalise(text, self.cf.lexicon).tokens) or text

    def scores(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Return per-label (max cosine, mean of top-2 cosines)."""
        sims = self.matrix @ self.embed([self.prep(text)])[0]
        mx = np.array([sims[g].max() for g in self.groups])
        top2 = np.array([np.sort(sims[g])[-2:].mean() for g in self.groups])
        return mx, top2


def redecide(cf, labels, score, T, M, E):
    """Return ('answer', intent) | ('escalation', name) | ('transfer', None)."""
    order = np.argsort(-score)
    top = order[0]
    lead = score[top] - score[order[1]] if len(order) > 1 else 1.0
    kind, name = labels[top]
    if kind == "intent" and score[top] >= T and lead >= M:
        return "answer", name
    esc = [i for i in order if labels[i][0] == "escalation"]
    if esc and score[esc[0]] >= E and score[esc[0]] >= score[top] - M:
        return "escalation", labels[esc[0]][1]
    return "transfer", None


def collect(backend: str) -> dict:
    from embedders import make

    t0 = time.perf_counter()
    embed = make(backend)
    t_model = time.perf_counter() - t0
    out = {"backend": backend, "model_load_s": t_model, "callflows": {}}
    for name in NAMES:
        t1 = time.perf_counter()
        cf = load_callflow(callflow_path(name))
        t2 = time.perf_counter()
        idx = EmbedIndex(cf, embed)
        t3 = time.perf_counter()
        now = NOW.replace(tzinfo=cf.business.tz)
        lex_labels = {lab: i for i, lab in enumerate(idx.labels)}
        cases, times, redone = [], [], []
        for line in (BENCH / "utterances" / f"{name}.jsonl").read_text().splitlines():
            if not line.strip():
                continue
            case = json.loads(line)
            ctx = CallerContext(number="+15550000000", now=now,
                                calls_today=case.get("calls_today", 0))
            utt = Utterance(case["text"], confidence=case.get("confidence", 0.9))
            # timed: the real wrapper path (decide + embed + score + build the decision)
            s = time.perf_counter()
            base = decide(cf, utt, ctx)
            redo = base.action == "answer" or base.reason == "no_match"
            if redo:
                mx, top2 = idx.scores(case["text"])
                act, lab = redecide(cf, idx.labels, mx, 0.5, 0.05, 0.5)
                if act == "answer":
                    answer_decision(cf, cf.intents[lab], float(mx.max()), ctx, {})
                elif act == "escalation":
                    transfer(cf, f"escalation:{lab}", cf.escalations[lab].team)
                else:
                    transfer(cf, "no_match")
            times.append(1000 * (time.perf_counter() - s))
            redone.append(redo)
            if not redo:  # precedence path: the wrapper stops at decide(); scores for the sweep
                mx, top2 = idx.scores(case["text"])
            lex = np.zeros(len(idx.labels))
            text = normalise(case["text"], cf.lexicon)
            for c in (cf.matcher.rank(text) if not text.empty else []):
                lex[lex_labels[(c.kind, c.name)]] = c.score
            cases.append({
                "text": case["text"], "expect": case["expect"],
                "base": [base.action, base.reason, base.intent, base.team],
                "mx": mx.tolist(), "top2": top2.tolist(), "lex": lex.tolist(),
            })
        out["callflows"][name] = {
            "labels": idx.labels, "cases": cases,
            "times_ms": times, "redone": redone,
            "load_callflow_s": t2 - t1, "embed_examples_s": t3 - t2,
            "n_examples": int(idx.matrix.shape[0]),
            "teams": {n: e.team for n, e in cf.escalations.items()},
        }
    out["import_s"] = t0 - T_IMPORT0
    out["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def evaluate(cf_data: dict, T, M, E, feat="mx", W=0.0, embed_w=1.0) -> dict:
    labels = [tuple(x) for x in cf_data["labels"]]
    teams = cf_data["teams"]
    r = {"total": 0, "wrong": 0, "answerable": 0, "covered": 0, "esc": 0, "esc_right": 0}
    for c in cf_data["cases"]:
        action, reason, intent, team = c["base"]
        if action == "answer" or reason == "no_match":
            score = (embed_w * np.array(c[feat]) + W * np.array(c["lex"])) / (embed_w + W)
            act, lab = redecide(None, labels, score, T, M, E)
            if act == "answer":
                action, intent, team = "answer", lab, None
            elif act == "escalation":
                action, intent, team = "transfer", None, teams[lab]
            else:
                action, intent, team = "transfer", None, None
        exp = c["expect"]
        answered = action == "answer"
        r["total"] += 1
        if exp.startswith("answer:"):
            r["answerable"] += 1
            right = answered and intent == exp.removeprefix("answer:")
            r["covered"] += right
            r["wrong"] += answered and not right
        else:
            r["wrong"] += answered
            if exp.startswith("transfer:escalation:"):
                r["esc"] += 1
                r["esc_right"] += (not answered) and team == teams[exp.split(":")[2]]
    return r


def add(rs):
    tot = {k: 0 for k in rs[0]}
    for r in rs:
        for k in tot:
            tot[k] += r[k]
    return tot


def fmt(r):
    return (f"cov {r['covered'] / r['answerable']:.1%} ({r['covered']}/{r['answerable']}) "
            f"wrong {r['wrong'] / r['total']:.1%} ({r['wrong']}) "
            f"esc {r['esc_right']}/{r['esc']}")


GRID_T = [round(x, 3) for x in np.arange(0.30, 0.86, 0.025)]
GRID_M = [0.0, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.08, 0.10, 0.12, 0.15]
GRID_E = [0.4, 0.5, 0.6, 0.7, 1.1]


def sweep(data: dict, names: list[str], feat: str, W: float, embed_w: float = 1.0,
          max_wrong=0.01):
    """Best (coverage, then escalations) point over names with wrong automation <= max_wrong."""
    best = None
    for T, M, E in itertools.product(GRID_T, GRID_M, GRID_E):
        tot = add([evaluate(data["callflows"][n], T, M, E, feat, W, embed_w) for n in names])
        if tot["wrong"] > max_wrong * tot["total"]:
            continue
        key = (tot["covered"], tot["esc_right"], -tot["wrong"], M, -T)
        if best is None or key > best[0]:
            best = (key, (T, M, E), tot)
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("backend")
    ap.add_argument("--cache", default="/tmp/embed_eval_{}.json")
    ap.add_argument("--recollect", action="store_true")
    args = ap.parse_args()
    cache = Path(args.cache.format(args.backend))
    if cache.exists() and not args.recollect:
        data = json.loads(cache.read_text())
    else:
        data = collect(args.backend)
        cache.write_text(json.dumps(data))
    print(f"== backend {args.backend}: import {data['import_s']:.2f}s model {data['model_load_s']:.2f}s"
          f" maxrss {data['maxrss_mb']:.0f} MB")
    for n in NAMES:
        cd = data["callflows"][n]
        t = sorted(cd["times_ms"])
        print(f"  {n}: load {cd['load_callflow_s'] * 1000:.0f} ms + embed {cd['n_examples']} examples "
              f"{cd['embed_examples_s'] * 1000:.0f} ms; wrapper p50 {statistics.median(t):.2f} "
              f"p99 {t[min(len(t) - 1, int(0.99 * len(t)))]:.2f} ms (all {len(t)}, {sum(cd['redone'])} re-decided)")
    results = {}
    for feat, W in [("mx", 0.0), ("top2", 0.0), ("mx", 0.5), ("mx", 1.0), ("top2", 1.0), ("lexonly", 1.0)]:
        ew = 0.0 if feat == "lexonly" else 1.0
        f = "mx" if feat == "lexonly" else feat
        label = f"{feat}+{W}lex" if W and ew else feat
        res = sweep(data, NAMES, f, W, ew)
        print(f"-- {label}: pooled best (all callflows, wrong<=1%):", end=" ")
        if res is None:
            print("none")
            continue
        T, M, E = res[1]
        print(f"T={T} M={M} E={E}: {fmt(res[2])}")
        for n in NAMES:
            print(f"     {n}: {fmt(evaluate(data['callflows'][n], T, M, E, f, W, ew))}")
        # transfer: tune on one callflow, apply to the others
        for tune in NAMES:
            r = sweep(data, [tune], f, W, ew)
            if r is None:
                continue
            T2, M2, E2 = r[1]
            others = [n for n in NAMES if n != tune]
            tot = add([evaluate(data["callflows"][n], T2, M2, E2, f, W, ew) for n in others])
            print(f"     tuned on {tune} (T={T2} M={M2} E={E2}; own {fmt(r[2])}) -> others {fmt(tot)}")
        results[label] = {"T": T, "M": M, "E": E, "pooled": res[2]}
    Path(f"/tmp/embed_eval_{args.backend}_summary.json").write_text(json.dumps(results))


if __name__ == "__main__":
    main()
