#!/usr/bin/env python3
"""How often a second reader, labelling blind by tests/eval/README.md's rules, gives the
label tune.jsonl holds: the ceiling any engine scored against one reader's labels can reach.

    tests/eval/real/agreement/agreement.py [--show]

second_reader.jsonl holds 160 tuning messages drawn once at random (seed 20261207) and
labelled by a reader who saw neither the labels nor the engine's answers."""
import collections
import json
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
LABELS = ("book_consultation", "out_of_scope", "compare/hybrid", "compare/node",
          "compare/python", "compare/depends", "explain")


def label(row):
    if row["intent"] == "compare":
        return f"compare/{row['recommendation']}"
    return row["intent"]


def main():
    first = {}
    for line in open(HERE.parent / "tune.jsonl", encoding="utf-8"):
        row = json.loads(line)
        first[row["text"]] = label(row)
    second = [json.loads(line) for line in open(HERE / "second_reader.jsonl", encoding="utf-8")]
    missing = [r["text"][:60] for r in second if r["text"] not in first]
    if missing:
        sys.exit(f"not in tune.jsonl: {missing}")
    pairs = [(first[r["text"]], label(r), r) for r in second]
    n = len(pairs)
    same = sum(a == b for a, b, _ in pairs)
    same_intent = sum(a.split("/")[0] == b.split("/")[0] for a, b, _ in pairs)
    sure = [(a, b) for a, b, r in pairs if r["sure"]]
    count_a = collections.Counter(a for a, _, _ in pairs)
    count_b = collections.Counter(b for _, b, _ in pairs)
    chance = sum(count_a[k] * count_b[k] for k in count_a) / n / n
    observed = same / n
    print(f"messages {n}")
    print(f"same answer (intent and verdict)  {observed:.3f}  ({same}/{n})")
    print(f"same intent                       {same_intent / n:.3f}")
    print(f"Cohen's kappa (answer)            {(observed - chance) / (1 - chance):.3f}")
    print(f"where the second reader was sure  {sum(a == b for a, b in sure) / len(sure):.3f}"
          f"  ({len(sure)} messages)")
    for name in LABELS:
        rows = [(a, b) for a, b, _ in pairs if a == name]
        if rows:
            agreed = sum(a == b for a, b in rows)
            print(f"  {name:<18} {agreed / len(rows):.3f}  ({agreed}/{len(rows)})")
    if "--show" in sys.argv:
        for a, b, r in pairs:
            if a != b:
                print(f"first {a}, second {b} ({'sure' if r['sure'] else 'unsure'}): "
                      f"{r['text'][:120]!r}")


if __name__ == "__main__":
    main()
