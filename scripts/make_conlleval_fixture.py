#!/usr/bin/env python3
"""Makes Tests/TaskTests/Fixtures/conlleval.json: chunk precision, recall and F1 of random
BIO/IOB1/IOE-style tag sequences, as the CoNLL `conlleval` script computes them.

The chunk rules below restate conlleval's documented logic (its endOfChunk / startOfChunk
rules, the correct-chunk bookkeeping, a blank line between sentences read as an `O`), written
here from that description; conlleval itself is not copied. For sequences of B-, I- and O tags
the results are checked against seqeval's default (conlleval-compatible) mode:

    pip install seqeval==1.2.2
    python3 scripts/make_conlleval_fixture.py

The test `ChunkEvaluationTests.matchesConllevalFixture` reads the JSON.
"""
import json
import random

from seqeval.metrics.sequence_labeling import get_entities  # noqa: F401  (imported to fail early)
from seqeval.metrics import precision_score, recall_score, f1_score


def split(tag):
    if "-" in tag:
        prefix, kind = tag.split("-", 1)
        return prefix, kind
    return tag, ""


def end_of_chunk(prev, tag, prev_type, kind):
    pairs = {("B", "B"), ("B", "O"), ("I", "B"), ("I", "O"), ("E", "E"), ("E", "I"), ("E", "O")}
    end = (prev, tag) in pairs
    if prev != "O" and prev != "." and prev_type != kind:
        end = True
    if prev in ("]", "["):
        end = True
    return end


def start_of_chunk(prev, tag, prev_type, kind):
    pairs = {("B", "B"), ("I", "B"), ("O", "B"), ("O", "I"), ("E", "E"), ("E", "I"), ("O", "E")}
    start = (prev, tag) in pairs
    if tag != "O" and tag != "." and prev_type != kind:
        start = True
    if tag in ("[", "]"):
        start = True
    return start


def conlleval(sentences):
    """sentences: list of (gold tags, predicted tags). Returns the counts conlleval prints."""
    correct_chunk = found_correct = found_guessed = 0
    by_type = {}
    tokens = correct_tags = 0
    in_correct = False
    last_c, last_ct, last_g, last_gt = "O", "", "O", ""

    def bump(kind, key):
        by_type.setdefault(kind, {"gold": 0, "predicted": 0, "correct": 0})[key] += 1

    def step(gold_tag, guessed_tag, is_token):
        nonlocal correct_chunk, found_correct, found_guessed, tokens, correct_tags, in_correct
        nonlocal last_c, last_ct, last_g, last_gt
        c, ct = split(gold_tag)
        g, gt = split(guessed_tag)
        c_end = end_of_chunk(last_c, c, last_ct, ct)
        g_end = end_of_chunk(last_g, g, last_gt, gt)
        if in_correct:
            if c_end and g_end and last_gt == last_ct:
                in_correct = False
                correct_chunk += 1
                bump(last_ct, "correct")
            elif c_end != g_end or gt != ct:
                in_correct = False
        c_start = start_of_chunk(last_c, c, last_ct, ct)
        g_start = start_of_chunk(last_g, g, last_gt, gt)
        if c_start and g_start and gt == ct:
            in_correct = True
        if c_start:
            found_correct += 1
            bump(ct, "gold")
        if g_start:
            found_guessed += 1
            bump(gt, "predicted")
        if is_token:
            tokens += 1
            if c == g and ct == gt:
                correct_tags += 1
        last_c, last_ct, last_g, last_gt = c, ct, g, gt

    for gold, predicted in sentences:
        for gold_tag, guessed_tag in zip(gold, predicted):
            step(gold_tag, guessed_tag, True)
        step("O", "O", False)  # the blank line after a sentence
    if in_correct:
        correct_chunk += 1
        bump(last_ct, "correct")
    return {"gold": found_correct, "predicted": found_guessed, "correct": correct_chunk,
            "tokens": tokens, "correct_tokens": correct_tags, "by_type": by_type}


def random_tags(rng, length, prefixes, types):
    tags = []
    for _ in range(length):
        if rng.random() < 0.3:
            tags.append("O")
        else:
            tags.append(rng.choice(prefixes) + "-" + rng.choice(types))
    return tags


def perturb(rng, tags, prefixes, types):
    result = list(tags)
    for index in range(len(result)):
        if rng.random() < 0.25:
            result[index] = "O" if rng.random() < 0.3 else rng.choice(prefixes) + "-" + rng.choice(types)
    return result


def main():
    rng = random.Random(20240519)
    cases = []
    scenarios = [
        ("bio", ["B", "I"], ["NP", "VP", "PP"]),
        ("bio_hyphenated_types", ["B", "I"], ["B-NP", "ADJP"]),
        ("ioe", ["I", "E"], ["NP", "VP"]),
        ("mixed_bioe", ["B", "I", "E"], ["NP", "VP", "PP"]),
    ]
    for name, prefixes, types in scenarios:
        for case in range(5):
            sentences = []
            for _ in range(rng.randint(1, 6)):
                gold = random_tags(rng, rng.randint(1, 12), prefixes, types)
                sentences.append((gold, perturb(rng, gold, prefixes, types)))
            result = conlleval(sentences)
            if set(prefixes) <= {"B", "I"}:
                gold = [s[0] for s in sentences]
                predicted = [s[1] for s in sentences]
                # seqeval's default mode reproduces conlleval for B/I/O tags.
                precision = result["correct"] / result["predicted"] if result["predicted"] else 0
                recall = result["correct"] / result["gold"] if result["gold"] else 0
                assert abs(precision - precision_score(gold, predicted)) < 1e-12, (name, case)
                assert abs(recall - recall_score(gold, predicted)) < 1e-12, (name, case)
                f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0
                assert abs(f1 - f1_score(gold, predicted)) < 1e-12, (name, case)
            cases.append({"name": f"{name}_{case}", "sentences": [{"gold": g, "predicted": p} for g, p in sentences],
                          "expected": result})
    with open("Tests/TaskTests/Fixtures/conlleval.json", "w") as file:
        json.dump({"cases": cases}, file, indent=1, sort_keys=True)
        file.write("\n")
    print(f"wrote {len(cases)} cases")


if __name__ == "__main__":
    main()
