#!/usr/bin/env python3
"""Batch-out cross-validation of text classifiers against what ships (docs/understanding.md).

    build/test/tests/eval/advisor_eval --features /tmp/features.json
    tests/eval/real/batch_out.py /tmp/features.json [--fasttext]

For each batch of the tuning part (gathered*/), fits on the hand-written set and the other
batches' tuning messages and scores that batch's tuning messages: a new batch is the nearest
thing to new visitors the data has. The held-back part is never read. Needs numpy
(python3-numpy) and, with --fasttext, Debian's python3-fasttext; neither is needed to build or
test the service. The regression is train.py's, with its settings and its words, fitted the
same way in numpy (train.py's pure-Python fit takes minutes, and this fits once per batch).
"""
import argparse
import collections
import json
import pathlib
import re
import tempfile

import numpy as np

from train import BALANCE, EPOCHS, L2, MIN_COUNT, RATE, TUNE_WEIGHT, words_of

HERE = pathlib.Path(__file__).resolve().parent


def batches():
    """Text -> batch folder, the first batch holding it."""
    batch_of = {}
    for folder in sorted(HERE.glob("gathered*")):
        for path in sorted(folder.glob("*.jsonl")):
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    batch_of.setdefault(json.loads(line)["text"], folder.name)
    return batch_of


def load(features):
    doc = json.load(open(features, encoding="utf-8"))
    tune = [json.loads(l) for l in (HERE / "tune.jsonl").read_text(encoding="utf-8").splitlines()]
    hand = [json.loads(l) for l in
            (HERE.parent / "utterances.jsonl").read_text(encoding="utf-8").splitlines() if l]
    batch_of = batches()
    rows_tune = [r for r in doc["rows"] if r["set"] == "tune"]
    rows_hand = [r for r in doc["rows"] if r["set"] == "hand"]
    assert len(rows_tune) == len(tune) and len(rows_hand) == len(hand)
    for r, t in zip(rows_tune, tune):
        r["batch"], r["text"] = batch_of.get(t["text"], "?"), t["text"]
    for r, h in zip(rows_hand, hand):
        r["batch"], r["text"] = "hand", h["text"]
    return doc["names"], [r for r in doc["rows"] if r["intent"] != "fallback"]


def pairs_of(row):
    w = row["normalized"].split()
    return {a + "_" + b for a, b in zip(w, w[1:])}


class encoder:
    def __init__(self, names, rows, rules, grams):
        self.rules = len(names) if rules else 0
        self.grams = grams
        counts = collections.Counter(g for r in rows for f in grams for g in f(r))
        kept = sorted(g for g, c in counts.items() if c >= MIN_COUNT)
        self.column = {g: self.rules + k for k, g in enumerate(kept)}
        self.width = self.rules + len(kept)

    def matrix(self, rows):
        x = np.zeros((len(rows), self.width), dtype=np.float32)
        for i, r in enumerate(rows):
            if self.rules:
                x[i, :self.rules] = r["x"]
            for f in self.grams:
                for g in f(r):
                    if g in self.column:
                        x[i, self.column[g]] = 1.0
        return x


def fit(x, y, k, weight):
    w, b = np.zeros((x.shape[1], k), dtype=np.float32), np.zeros(k, dtype=np.float32)
    vw, vb = np.zeros_like(w), np.zeros_like(b)
    target, n = np.eye(k, dtype=np.float32)[y], weight.sum()
    weight = weight.astype(np.float32)
    for _ in range(EPOCHS):
        p = softmax(x @ w + b)
        g = (p - target) * weight[:, None]
        vw = 0.9 * vw - RATE * (x.T @ g / n + L2 * w)
        vb = 0.9 * vb - RATE * g.sum(0) / n
        w, b = w + vw, b + vb
    return w, b


def softmax(z):
    z = z - z.max(1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(1, keepdims=True)


def class_weights(rows):
    counts = collections.Counter(r["intent"] for r in rows)
    mean = len(rows) / len(counts)
    return np.array([(TUNE_WEIGHT if r["set"] == "tune" else 1.0) *
                     (mean / counts[r["intent"]]) ** BALANCE for r in rows])


def regression(names, rules, grams):
    def predict(train, test, classes):
        enc = encoder(names, train, rules, grams)
        index = {c: i for i, c in enumerate(classes)}
        w, b = fit(enc.matrix(train), np.array([index[r["intent"]] for r in train]),
                   len(classes), class_weights(train))
        return softmax(enc.matrix(test) @ w + b)
    return predict


def plain(text):
    return " ".join(re.sub(r"([.,!?;:()\"'])", r" \1 ", text.lower()).split())


def fasttext_model(train, test, classes):
    import fasttext  # Debian's python3-fasttext
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".txt") as out:
        for r in train:
            out.write(f"__label__{r['intent']} {plain(r['text'])}\n")
        out.flush()
        model = fasttext.train_supervised(out.name, epoch=50, lr=0.5, wordNgrams=2, minn=3,
                                          maxn=5, dim=50, thread=1, seed=1, verbose=0)
    p = np.zeros((len(test), len(classes)))
    for i, r in enumerate(test):
        labels, probs = model.predict(plain(r["text"]), k=len(classes))
        for label, q in zip(labels, probs):
            p[i, classes.index(label.replace("__label__", ""))] = q
    return p


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("features", help="the file advisor_eval --features wrote")
    parser.add_argument("--fasttext", action="store_true", help="also fastText, and a blend")
    parser.add_argument("--pairs", action="store_true", help="also the words' pairs (slow)")
    args = parser.parse_args()
    names, rows = load(args.features)
    classes = sorted({r["intent"] for r in rows})
    models = {"rules' features + words (ships)": regression(names, True, [words_of]),
              "rules' features alone": regression(names, True, []),
              "words alone": regression(names, False, [words_of])}
    if args.pairs:
        models["rules' features + words + word pairs"] = regression(names, True,
                                                                    [words_of, pairs_of])
    if args.fasttext:
        models["fastText"] = fasttext_model
    left = sorted({r["batch"] for r in rows if r["set"] == "tune"})
    got = collections.defaultdict(list)
    truth = []
    for batch in left:
        train = [r for r in rows if r["batch"] != batch]
        test = [r for r in rows if r["batch"] == batch]
        truth += [classes.index(r["intent"]) for r in test]
        for name, model in models.items():
            got[name].append(model(train, test, classes))
        print(f"  {batch}: {len(test)} scored", flush=True)
    truth = np.array(truth)
    if args.fasttext:
        ships = np.vstack(got["rules' features + words (ships)"])
        got["0.7 ships + 0.3 fastText"] = [0.7 * ships + 0.3 * np.vstack(got["fastText"])]
    print(f"batch-out intent accuracy on {len(truth)} tuning messages ({len(left)} batches):")
    for name, parts in got.items():
        right = (np.vstack(parts).argmax(1) == truth).mean()
        print(f"  {name:40s} {right:.3f}")


if __name__ == "__main__":
    main()
