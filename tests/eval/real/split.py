#!/usr/bin/env python3
"""Splits the gathered real messages once, at random, into a tuning and a held-back part.

Reads gathered/*.jsonl (as the gatherers wrote them), checks every line, drops repeated texts
(case-insensitively, the first kept, also when one holds another whole), and writes tune.jsonl and heldout.jsonl. The split is
random within each label (intent, and the verdict for compare) with a fixed seed, so every
label is in both parts and the held-back part is HELD_BACK of the whole. Run it once; after
that, nothing is fitted to heldout.jsonl (see ../README.md).
"""
import json
import pathlib
import random
import sys

HERE = pathlib.Path(__file__).resolve().parent
SEED = 20261205
HELD_BACK = 0.30
INTENTS = {"compare", "explain", "book_consultation", "out_of_scope", "greeting", "thanks",
           "goodbye", "help", "smalltalk", "cancel", "fallback"}
VERDICTS = {"node", "python", "hybrid", "depends"}
KINDS = {"plain", "long", "indirect", "hybrid", "lead", "out_of_scope", "challenge", "explain"}


def check(item, where):
    for field in ("text", "intent", "kind", "source"):
        if not isinstance(item.get(field), str) or not item[field].strip():
            sys.exit(f"{where}: \"{field}\" must be a non-empty string")
    if item["intent"] not in INTENTS:
        sys.exit(f"{where}: unknown intent {item['intent']!r}")
    rec = item.get("recommendation")
    if (item["intent"] == "compare") != (rec in VERDICTS):
        sys.exit(f"{where}: compare needs a verdict, other intents null")
    if item["kind"] not in KINDS:
        sys.exit(f"{where}: unknown kind {item['kind']!r}")
    if len(item["text"]) > 2000:
        sys.exit(f"{where}: over the protocol's 2000 characters")
    return {"text": item["text"].strip(), "intent": item["intent"], "recommendation": rec,
            "kind": item["kind"], "source": item["source"]}


def near_duplicate(key, kept):
    """A text that holds another one whole (an issue title glued to a body seen alone)."""
    return any(len(k) >= 40 and (k in key or key in k) for k in kept)


def gathered():
    seen, items = set(), []
    for path in sorted((HERE / "gathered").glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            item = check(json.loads(line), f"{path.name}:{number}")
            key = " ".join(item["text"].lower().split())
            if key not in seen and not near_duplicate(key, seen):
                seen.add(key)
                items.append(item)
    return items


def main():
    items = gathered()
    by_label = {}
    for item in items:
        by_label.setdefault((item["intent"], item["recommendation"] or ""), []).append(item)
    rng = random.Random(SEED)
    tune, heldout = [], []
    for label in sorted(by_label):
        group = by_label[label]
        rng.shuffle(group)
        cut = round(len(group) * HELD_BACK)
        heldout += group[:cut]
        tune += group[cut:]
    rng.shuffle(tune)
    rng.shuffle(heldout)
    for name, part in (("tune.jsonl", tune), ("heldout.jsonl", heldout)):
        with open(HERE / name, "w", encoding="utf-8") as out:
            for item in part:
                out.write(json.dumps(item, ensure_ascii=False) + "\n")
    print(f"{len(items)} messages: {len(tune)} tuning, {len(heldout)} held back")


if __name__ == "__main__":
    main()
