#!/usr/bin/env python3
"""Splits the gathered real messages once, at random, into a tuning and a held-back part.

Reads each batch's folder (gathered/*.jsonl, then gathered2/*.jsonl, as the gatherers wrote
them), checks every line, drops repeated texts (case-insensitively, the first kept, also when one
holds another whole, across batches too), and writes tune.jsonl and heldout.jsonl. Each batch is
split on its own, at random within each label (intent, and the verdict for compare) with the
batch's fixed seed, so a later batch never moves a message of an earlier one between the parts,
every label is in both parts and the held-back part is HELD_BACK of each batch. Run it once per
batch; after that, nothing is fitted to heldout.jsonl (see ../README.md).

relabel.jsonl holds labels corrected later by a written labelling rule (its "rule" field names
the rule in ../README.md, "was" the label as gathered). The split is made on the labels as
gathered, so a correction never moves a message between the parts; it is applied after.
"""
import json
import pathlib
import random
import sys

HERE = pathlib.Path(__file__).resolve().parent
# (folder, seed): a batch gathered later gets its own seed and is split on its own.
BATCHES = (("gathered", 20261205), ("gathered2", 20261206), ("gathered3", 20261207),
           ("gathered4", 20261208), ("gathered5", 20261209), ("gathered6", 20261210),
           ("gathered7", 20261211), ("gathered8", 20261212), ("gathered9", 20261213),
           ("gathered10", 20261214), ("gathered11", 20261215),
           ("gathered12", 20261216), ("gathered13", 20261217), ("gathered14", 20261218),
           ("gathered15", 20261219), ("gathered16", 20261220),
           ("gathered17", 20261221), ("gathered18", 20261222),
           ("gathered19", 20261223), ("gathered20", 20261224))
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


def gathered(folder, seen):
    items = []
    for path in sorted((HERE / folder).glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            item = check(json.loads(line), f"{folder}/{path.name}:{number}")
            key = " ".join(item["text"].lower().split())
            if key not in seen and not near_duplicate(key, seen):
                seen.add(key)
                items.append(item)
    return items


def split(items, seed):
    by_label = {}
    for item in items:
        by_label.setdefault((item["intent"], item["recommendation"] or ""), []).append(item)
    rng = random.Random(seed)
    tune, heldout = [], []
    for label in sorted(by_label):
        group = by_label[label]
        rng.shuffle(group)
        cut = round(len(group) * HELD_BACK)
        heldout += group[:cut]
        tune += group[cut:]
    rng.shuffle(tune)
    rng.shuffle(heldout)
    return tune, heldout


def relabelled(parts):
    """Applies relabel.jsonl to both parts; every correction must find its message."""
    path = HERE / "relabel.jsonl"
    if not path.exists():
        return
    fixes = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            fix = json.loads(line)
            if not fix.get("rule"):
                sys.exit(f"relabel.jsonl:{number}: \"rule\" must name the labelling rule")
            fixes[" ".join(fix["text"].lower().split())] = check(
                dict(fix, source="relabel"), f"relabel.jsonl:{number}")
    for part in parts:
        for item in part:
            fix = fixes.pop(" ".join(item["text"].lower().split()), None)
            if fix:
                item.update(intent=fix["intent"], recommendation=fix["recommendation"],
                            kind=fix["kind"])
    if fixes:
        sys.exit(f"relabel.jsonl: {len(fixes)} corrections match no message")


def main():
    seen, tune, heldout, total = set(), [], [], 0
    for folder, seed in BATCHES:
        items = gathered(folder, seen)
        total += len(items)
        part_tune, part_heldout = split(items, seed)
        tune += part_tune
        heldout += part_heldout
    relabelled((tune, heldout))
    for name, part in (("tune.jsonl", tune), ("heldout.jsonl", heldout)):
        with open(HERE / name, "w", encoding="utf-8") as out:
            for item in part:
                out.write(json.dumps(item, ensure_ascii=False) + "\n")
    print(f"{total} messages: {len(tune)} tuning, {len(heldout)} held back")


if __name__ == "__main__":
    main()
