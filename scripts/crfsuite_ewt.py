#!/usr/bin/env python3
"""Trains CRFsuite (python-crfsuite) on the same data and attributes as `recurrent train tagger
--model crf`, for a comparison on the same machine. Not needed by any test.

    pip install python-crfsuite==0.9.12
    python3 scripts/crfsuite_ewt.py ../shared/data/ud-english-ewt/en_ewt-ud-train.conllu \
        ../shared/data/ud-english-ewt/en_ewt-ud-dev.conllu [--c2 0.5] [--iterations 100]

Prints the training time and the dev accuracy. The attributes restate FeatureTemplates
(Sources/RecurrentTasks/Tagging/FeatureTemplates.swift): word, lower case, prefixes and suffixes
1-4, shape, spelling flags, neighbouring words (lower case) within 2, the neighbours' 3-letter
suffixes and the word pairs with each neighbour.
"""
import argparse
import time
import unicodedata

import pycrfsuite


def read_conllu(path):
    sentences, words, tags = [], [], []
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line.strip():
            if words:
                sentences.append((words, tags))
            words, tags = [], []
            continue
        if line.startswith("#"):
            continue
        fields = line.split("\t")
        if "-" in fields[0] or "." in fields[0]:
            continue
        words.append(fields[1])
        tags.append(fields[3])
    if words:
        sentences.append((words, tags))
    return sentences


def shape(word):
    result, last = [], None
    for char in word:
        if char.isupper():
            mapped = "X"
        elif char.islower():
            mapped = "x"
        elif unicodedata.category(char) == "Nd":
            mapped = "d"
        elif char.isalpha():
            mapped = "x"
        else:
            mapped = char
        if mapped != last:
            result.append(mapped)
        last = mapped
    return "".join(result)


def flags(word):
    digits = sum(unicodedata.category(c) == "Nd" for c in word)
    letters = [c for c in word if c.isalpha()]
    result = []
    if word and digits == len(word):
        result.append("digits")
    elif digits:
        result.append("has_digit")
    if letters:
        if all(c.isupper() for c in letters):
            result.append("upper")
        elif word[0].isupper() and not any(c.isupper() for c in word[1:]):
            result.append("title")
    if "-" in word:
        result.append("hyphen")
    if digits == 0 and not letters:
        result.append("no_alnum")
    return result


def attributes(words):
    lower = [w.lower() for w in words]

    def at(i):
        return "<s>" if i < 0 else "</s>" if i >= len(words) else lower[i]

    result = []
    for i, word in enumerate(words):
        items = ["bias", "w=" + word, "l=" + lower[i]]
        for n in range(1, min(4, len(word)) + 1):
            items += ["p%d=%s" % (n, word[:n]), "s%d=%s" % (n, word[-n:])]
        items.append("shape=" + shape(word))
        items += flags(word)
        for offset in (-2, -1, 1, 2):
            items.append("w%+d=%s" % (offset, at(i + offset)) if offset > 0 else "w%d=%s" % (offset, at(i + offset)))
        items += ["s3-1=" + at(i - 1)[-3:], "s3+1=" + at(i + 1)[-3:]]
        items += ["w-1|w=%s|%s" % (at(i - 1), lower[i]), "w|w+1=%s|%s" % (lower[i], at(i + 1))]
        result.append(items)
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("train")
    parser.add_argument("dev")
    parser.add_argument("--c2", type=float, default=1.0)
    parser.add_argument("--iterations", type=int, default=100)
    arguments = parser.parse_args()
    train, dev = read_conllu(arguments.train), read_conllu(arguments.dev)
    start = time.time()
    trainer = pycrfsuite.Trainer(verbose=False)
    for words, tags in train:
        trainer.append(attributes(words), tags)
    trainer.set_params({"c1": 0.0, "c2": arguments.c2, "max_iterations": arguments.iterations})
    trainer.train("/tmp/crfsuite-ewt.model")
    seconds = time.time() - start
    tagger = pycrfsuite.Tagger()
    tagger.open("/tmp/crfsuite-ewt.model")
    correct = total = 0
    for words, tags in dev:
        predicted = tagger.tag(attributes(words))
        correct += sum(p == g for p, g in zip(predicted, tags))
        total += len(tags)
    print("crfsuite c2=%g iterations=%d: trained in %.1f s (features included), dev accuracy %.2f%%"
          % (arguments.c2, arguments.iterations, seconds, 100.0 * correct / total))


if __name__ == "__main__":
    main()
