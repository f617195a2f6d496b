#!/usr/bin/env python3
"""Fits the understanding's confidence to how often it is right, on the TUNING part only.

Reads the report that `advisor_eval --real-only --report FILE` writes (each tuning message with
the matcher's raw best score, its margin over the runner-up, the number of words, and whether
the answer kind was right), fits a logistic regression of "right" on those three features by
gradient descent, and prints the "calibration" object for intents/data/intents.json:

    confidence = 1 / (1 + exp(-(bias + score * s + margin * m + words * log(1 + n))))

The held-back part is never read here.
"""
import json
import math
import sys


def features(item):
    return [1.0, item["score"], item["margin"], math.log1p(item["words"])]


def fit(rows, steps=20000, rate=0.05, l2=1e-3):
    w = [0.0] * len(rows[0][0])
    for _ in range(steps):
        grad = [0.0] * len(w)
        for x, y in rows:
            p = 1.0 / (1.0 + math.exp(-sum(a * b for a, b in zip(w, x))))
            for i, xi in enumerate(x):
                grad[i] += (p - y) * xi
        for i in range(len(w)):
            w[i] -= rate * (grad[i] / len(rows) + l2 * w[i])
    return w


def main():
    report = json.load(open(sys.argv[1], encoding="utf-8"))
    items = report["real"]["tuning"]["calibration_data"]
    rows = [(features(i), 1.0 if i["right"] else 0.0) for i in items if i["intent"] != "fallback"]
    w = fit(rows)
    print(json.dumps({"bias": round(w[0], 3), "score": round(w[1], 3),
                      "margin": round(w[2], 3), "words": round(w[3], 3)}))


if __name__ == "__main__":
    main()
