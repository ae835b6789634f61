#!/usr/bin/env python3
"""Builds the English corpus the word2vec comparisons train on, from the shared data (not
committed: the texts are research-only), one sentence per line, lower-cased:

    PTB train            ptb/ptb.train.txt as it is (already lower-cased, numbers as N, <unk>)
    Multi30k English     multi30k/train.en, punctuation split off words
    UD English EWT       the FORM column of en_ewt-ud-train.conllu (multiword ranges and empty nodes skipped)
    SST                  the sentences of sst/stsa.fine.train (the label dropped)

    python3 scripts/make_embeddings_corpus.py [--data /work/shared/data] [--out /tmp/embeddings-corpus.txt]
"""
import argparse
import os
import re

TOKEN = re.compile(r"\w+(?:[-']\w+)*|[^\w\s]")


def ptb(data):
    with open(os.path.join(data, "ptb", "ptb.train.txt"), encoding="utf-8") as f:
        for line in f:
            yield line.split()


def multi30k(data):
    with open(os.path.join(data, "multi30k", "train.en"), encoding="utf-8") as f:
        for line in f:
            yield TOKEN.findall(line.lower())


def ewt(data):
    words = []
    with open(os.path.join(data, "ud-english-ewt", "en_ewt-ud-train.conllu"), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                if words:
                    yield words
                words = []
            elif not line.startswith("#"):
                columns = line.split("\t")
                if columns[0].isdigit():
                    words.append(columns[1].lower())
    if words:
        yield words


def sst(data):
    with open(os.path.join(data, "sst", "stsa.fine.train"), encoding="utf-8") as f:
        for line in f:
            yield line.split()[1:]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default="/work/shared/data")
    parser.add_argument("--out", default="/tmp/embeddings-corpus.txt")
    args = parser.parse_args()
    total_sentences = total_words = 0
    with open(args.out, "w", encoding="utf-8") as out:
        for name, source in [("ptb", ptb), ("multi30k", multi30k), ("ewt", ewt), ("sst", sst)]:
            sentences = words = 0
            for sentence in source(args.data):
                if sentence:
                    out.write(" ".join(sentence) + "\n")
                    sentences += 1
                    words += len(sentence)
            print(f"{name}: {sentences} sentences, {words} words")
            total_sentences += sentences
            total_words += words
    print(f"wrote {args.out}: {total_sentences} sentences, {total_words} words")


if __name__ == "__main__":
    main()
